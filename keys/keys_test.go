package keys

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	stded25519 "crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

var allCurves = []Curve{Ed25519, P256, Secp256k1}

func mustGenerate(t testing.TB, c Curve) PrivateKey {
	t.Helper()
	k, err := Generate(c)
	if err != nil {
		t.Fatalf("Generate(%s): %v", c, err)
	}
	return k
}

func TestSignVerify(t *testing.T) {
	msg := []byte("amanah sign bytes")
	for _, c := range allCurves {
		t.Run(string(c), func(t *testing.T) {
			k := mustGenerate(t, c)
			other := mustGenerate(t, c)
			sig, err := k.Sign(msg)
			if err != nil {
				t.Fatal(err)
			}
			if len(sig) != SignatureSize {
				t.Fatalf("signature is %d bytes", len(sig))
			}
			if err := k.Public().Verify(msg, sig); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if err := other.Public().Verify(msg, sig); !errors.Is(err, ErrInvalidSignature) {
				t.Errorf("wrong key: got %v, want ErrInvalidSignature", err)
			}
			tampered := append(bytes.Clone(msg), '!')
			if err := k.Public().Verify(tampered, sig); !errors.Is(err, ErrInvalidSignature) {
				t.Errorf("tampered msg: got %v", err)
			}
			bad := bytes.Clone(sig)
			bad[10] ^= 1
			if err := k.Public().Verify(msg, bad); !errors.Is(err, ErrInvalidSignature) {
				t.Errorf("tampered sig: got %v", err)
			}
			if err := k.Public().Verify(msg, sig[:63]); !errors.Is(err, ErrInvalidSignature) {
				t.Errorf("short sig: got %v", err)
			}
			if err := k.Public().Verify(msg, make([]byte, 64)); !errors.Is(err, ErrInvalidSignature) {
				t.Errorf("zero sig: got %v", err)
			}
			if c != Ed25519 {
				n := curveOrder(c)
				if new(big.Int).SetBytes(sig[32:]).Cmp(new(big.Int).Rsh(n, 1)) > 0 {
					t.Errorf("Sign produced high-S")
				}
			}
			if k.Public().Algorithm() != c.Algorithm() || k.Curve() != c {
				t.Errorf("algorithm/curve mismatch")
			}
		})
	}
}

func curveOrder(c Curve) *big.Int {
	if c == P256 {
		return elliptic.P256().Params().N
	}
	return secp256k1.Params().N
}

// highS returns sig with S replaced by n-S (the malleated twin).
func highS(c Curve, sig []byte) []byte {
	n := curveOrder(c)
	s := new(big.Int).SetBytes(sig[32:])
	s.Sub(n, s)
	out := bytes.Clone(sig)
	s.FillBytes(out[32:])
	return out
}

func TestHighS(t *testing.T) {
	msg := []byte("malleability")
	k1 := mustGenerate(t, Secp256k1)
	sig, _ := k1.Sign(msg)
	if err := k1.Public().Verify(msg, highS(Secp256k1, sig)); !errors.Is(err, ErrInvalidSignature) {
		t.Errorf("secp256k1 high-S: got %v, want ErrInvalidSignature", err)
	}
	// P-256 (ES256) has no low-S rule: other JOSE signers emit high-S half the time.
	p := mustGenerate(t, P256)
	sig, _ = p.Sign(msg)
	if err := p.Public().Verify(msg, highS(P256, sig)); err != nil {
		t.Errorf("P-256 high-S must verify for ES256 interop: %v", err)
	}
	// r or s >= n is rejected.
	bad := bytes.Clone(sig)
	curveOrder(Secp256k1).FillBytes(bad[32:])
	if err := k1.Public().Verify(msg, bad); !errors.Is(err, ErrInvalidSignature) {
		t.Errorf("secp256k1 s=n: got %v", err)
	}
}

func TestEd25519MatchesStdlib(t *testing.T) {
	// Random keys, messages and corrupted signatures must get the same verdict from both.
	for i := 0; i < 200; i++ {
		k := mustGenerate(t, Ed25519)
		msg := make([]byte, i)
		_, _ = rand.Read(msg)
		sig, _ := k.Sign(msg)
		if i%3 == 1 {
			sig[i%64] ^= byte(1 + i%255)
		}
		if i%3 == 2 && len(msg) > 0 {
			msg[0] ^= 0x80
		}
		ours := k.Public().Verify(msg, sig) == nil
		std := stded25519.Verify(stded25519.PublicKey(k.Public().Bytes()), msg, sig)
		if ours != std {
			t.Fatalf("case %d: ours=%v stdlib=%v", i, ours, std)
		}
	}
	// Non-canonical S (S + L) is rejected by both.
	k := mustGenerate(t, Ed25519)
	msg := []byte("s+l")
	sig, _ := k.Sign(msg)
	l, _ := new(big.Int).SetString("7237005577332262213973186563042994240857116359379907606001950938285454250989", 10)
	s := new(big.Int).SetBytes(reverse(sig[32:]))
	s.Add(s, l)
	sb := make([]byte, 32)
	s.FillBytes(sb)
	copy(sig[32:], reverse(sb))
	if k.Public().Verify(msg, sig) == nil || stded25519.Verify(stded25519.PublicKey(k.Public().Bytes()), msg, sig) {
		t.Fatal("non-canonical S accepted")
	}
}

func reverse(b []byte) []byte {
	out := make([]byte, len(b))
	for i := range b {
		out[len(b)-1-i] = b[i]
	}
	return out
}

// RFC 8037 appendix A: Ed25519 JWK, thumbprint and JWS signature.
func TestRFC8037(t *testing.T) {
	priv, err := ParsePrivateJWK([]byte(`{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`))
	if err != nil {
		t.Fatal(err)
	}
	tp, err := priv.Public().Thumbprint()
	if err != nil || tp != "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k" {
		t.Fatalf("thumbprint %q, %v", tp, err)
	}
	input := []byte("eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc")
	want, _ := b64.DecodeString("hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg")
	sig, _ := priv.Sign(input)
	if !bytes.Equal(sig, want) {
		t.Fatalf("signature mismatch")
	}
	if err := priv.Public().Verify(input, want); err != nil {
		t.Fatal(err)
	}
}

func TestPublicKeyFromBytes(t *testing.T) {
	for _, c := range allCurves {
		k := mustGenerate(t, c).Public()
		got, err := PublicKeyFromBytes(c, k.Bytes())
		if err != nil || !got.Equal(k) {
			t.Fatalf("%s round trip: %v", c, err)
		}
		if c == Ed25519 {
			continue
		}
		var u []byte
		if c == P256 {
			u, _ = k.CryptoPublicKey().(*ecdsa.PublicKey).Bytes()
		} else {
			u = k.CryptoPublicKey().(*secp256k1.PublicKey).SerializeUncompressed()
		}
		got, err = PublicKeyFromBytes(c, u)
		if err != nil || !got.Equal(k) || len(got.Bytes()) != ECPublicKeySize {
			t.Fatalf("%s uncompressed: %v", c, err)
		}
	}
	// Ed25519 crypto key and raw bytes agree.
	k := mustGenerate(t, Ed25519).Public()
	if !bytes.Equal(k.CryptoPublicKey().(stded25519.PublicKey), k.Bytes()) {
		t.Fatal("CryptoPublicKey mismatch")
	}
}

func TestPublicKeyFromBytesInvalid(t *testing.T) {
	p256 := mustGenerate(t, P256).Public().Bytes()
	k1 := mustGenerate(t, Secp256k1).Public().Bytes()
	offCurve := bytes.Clone(p256)
	offCurve[0] = 0x04 // wrong prefix for 33 bytes
	hybrid := append([]byte{0x06}, make([]byte, 64)...)
	identity := make([]byte, 32)
	identity[0] = 1 // the Ed25519 neutral element (small order)
	nonCanonical := bytes.Repeat([]byte{0xff}, 32)
	nonCanonical[31] = 0x7f // y = 2^255-1 >= p
	xNotOnCurve, _ := hex.DecodeString("02" + strings.Repeat("ff", 32))
	tests := []struct {
		name  string
		curve Curve
		raw   []byte
		want  error
	}{
		{"unknown curve", "X25519", make([]byte, 32), ErrUnsupportedCurve},
		{"empty curve", "", nil, ErrUnsupportedCurve},
		{"ed25519 short", Ed25519, make([]byte, 31), ErrInvalidKey},
		{"ed25519 small order", Ed25519, identity, ErrInvalidKey},
		{"ed25519 non-canonical", Ed25519, nonCanonical, ErrInvalidKey},
		{"p256 short", P256, p256[:32], ErrInvalidKey},
		{"p256 bad prefix", P256, offCurve, ErrInvalidKey},
		{"p256 x >= p", P256, xNotOnCurve, ErrInvalidKey},
		{"p256 hybrid", P256, hybrid, ErrInvalidKey},
		{"p256 zero uncompressed", P256, append([]byte{4}, make([]byte, 64)...), ErrInvalidKey},
		{"k1 short", Secp256k1, k1[:30], ErrInvalidKey},
		{"k1 hybrid", Secp256k1, hybrid, ErrInvalidKey},
		{"k1 x >= p", Secp256k1, xNotOnCurve, ErrInvalidKey},
		{"k1 p256 point", Secp256k1, append([]byte{4}, make([]byte, 64)...), ErrInvalidKey},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := PublicKeyFromBytes(tc.curve, tc.raw); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestZeroKey(t *testing.T) {
	var k PublicKey
	if err := k.Verify([]byte("m"), make([]byte, 64)); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("Verify: %v", err)
	}
	if _, err := k.JWK(); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("JWK: %v", err)
	}
	if k.Multikey() != "" || k.CryptoPublicKey() != nil || !k.IsZero() {
		t.Error("zero key should encode to nothing")
	}
	var p PrivateKey
	if _, err := p.Sign([]byte("m")); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("Sign: %v", err)
	}
	if p.CryptoSigner() != nil {
		t.Error("zero CryptoSigner")
	}
}

func TestCryptoSigner(t *testing.T) {
	msg := []byte("crypto.Signer")
	h := sha256.Sum256(msg)
	// Ed25519 and P-256 are stdlib signers.
	ed := mustGenerate(t, Ed25519)
	sig, err := ed.CryptoSigner().Sign(rand.Reader, msg, &stded25519.Options{})
	if err != nil || ed.Public().Verify(msg, sig) != nil {
		t.Fatalf("Ed25519 signer: %v", err)
	}
	p := mustGenerate(t, P256)
	der, err := p.CryptoSigner().Sign(rand.Reader, h[:], nil)
	if err != nil || !ecdsa.VerifyASN1(p.Public().CryptoPublicKey().(*ecdsa.PublicKey), h[:], der) {
		t.Fatalf("P-256 signer: %v", err)
	}
	k1 := mustGenerate(t, Secp256k1)
	der, err = k1.CryptoSigner().Sign(rand.Reader, h[:], crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	if !ecdsa.VerifyASN1(k1.Public().CryptoPublicKey().(*secp256k1.PublicKey).ToECDSA(), h[:], der) {
		t.Fatal("secp256k1 DER signature does not verify")
	}
	if _, err := k1.CryptoSigner().Sign(rand.Reader, h[:5], nil); err == nil {
		t.Fatal("short digest accepted")
	}
}

func TestPrivateKeyFromBytes(t *testing.T) {
	for _, c := range allCurves {
		k := mustGenerate(t, c)
		got, err := PrivateKeyFromBytes(c, k.Bytes())
		if err != nil || !got.Equal(k) {
			t.Fatalf("%s: %v", c, err)
		}
	}
	n := curveOrder(Secp256k1).FillBytes(make([]byte, 32))
	for _, tc := range []struct {
		c Curve
		d []byte
	}{{Secp256k1, n}, {Secp256k1, make([]byte, 32)}, {P256, make([]byte, 32)}, {Ed25519, make([]byte, 31)}} {
		if _, err := PrivateKeyFromBytes(tc.c, tc.d); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("%s %x: got %v", tc.c, tc.d, err)
		}
	}
}
