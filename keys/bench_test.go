package keys

import (
	stded25519 "crypto/ed25519"
	"testing"
)

var benchMsg = []byte(`{"typ":"dc+sd-jwt","alg":"EdDSA"}.eyJpc3MiOiJkaWQ6YW1hbmFoOm1haW46eHl6In0`)

func BenchmarkVerify(b *testing.B) {
	for _, tc := range []struct {
		name  string
		curve Curve
	}{{"Ed25519", Ed25519}, {"P256", P256}, {"Secp256k1", Secp256k1}} {
		b.Run(tc.name, func(b *testing.B) {
			k := mustGenerate(b, tc.curve)
			sig, _ := k.Sign(benchMsg)
			pub := k.Public()
			b.ReportAllocs()
			for b.Loop() {
				if err := pub.Verify(benchMsg, sig); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerifyStdlibEd25519 is the crypto/ed25519 baseline for BenchmarkVerify/Ed25519.
func BenchmarkVerifyStdlibEd25519(b *testing.B) {
	k := mustGenerate(b, Ed25519)
	sig, _ := k.Sign(benchMsg)
	pub := stded25519.PublicKey(k.Public().Bytes())
	b.ReportAllocs()
	for b.Loop() {
		if !stded25519.Verify(pub, benchMsg, sig) {
			b.Fatal("verify failed")
		}
	}
}

func BenchmarkParsePublicJWK(b *testing.B) {
	j, _ := mustGenerate(b, P256).Public().JWK()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParsePublicJWK(j); err != nil {
			b.Fatal(err)
		}
	}
}
