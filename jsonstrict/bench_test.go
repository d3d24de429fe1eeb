package jsonstrict

import "testing"

var (
	benchPayload = []byte(`{"_sd":["C9inp6YoRaEXR427zYJP7Qrk1WH_8bdwOA_YUrUnGQU","Kuet1yAa0HIQvYnOVd59hcViO9Ug6J2kSfqYRBeowvE","MMldOFFzB2d0umlmpTIaGerhWdU_PpYfLvKhh_f_9aY"],"iss":"did:amanah:test:abc","iat":1683000000,"exp":1883000000,"vct":"urn:amanah:pid:1","cnf":{"jwk":{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}},"_sd_alg":"sha-256"}`)
	benchJWK     = []byte(`{"y":"Xv5zWwuoaTgdS6hV43yI6gBwTnjukmFQQnJ_kCxzqk8","x":"b28d4MwZMjw8-00CG4xfnn9SLMVMM19SlqZpVb_uNtQ","kty":"EC","crv":"P-256"}`)
)

func BenchmarkDecode(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(benchPayload, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMembers(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Members(benchPayload, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCanonical(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Canonical(benchJWK, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}
