package service

import (
	"bytes"
	"image/png"
	"strings"
	"testing"

	"rsc.io/qr"
)

// qrPNG draws a code that decodes as a PNG of QRScale pixels a module plus the quiet zone,
// for every length a request URI can have; a URI too long for a QR code is an error.
func TestQRPNG(t *testing.T) {
	for _, u := range []string{"0123456789", benchURI, strings.Repeat("x", 500)} {
		b, err := qrPNG(u)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%q: %v", u, err)
		}
		code, err := qr.Encode(u, qr.M)
		if err != nil {
			t.Fatal(err)
		}
		if side := (code.Size + 8) * QRScale; img.Bounds().Dx() != side || img.Bounds().Dy() != side {
			t.Fatalf("%q: %v, want %d pixels square", u, img.Bounds(), side)
		}
	}
	if _, err := qrPNG(strings.Repeat("x", 3000)); err == nil {
		t.Fatal("3000 bytes encoded at M")
	}
}

const benchURI = "openid4vp://?client_id=decentralized_identifier%3Adid%3Aamanah%3Alocal%3Az6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK&request_uri=https%3A%2F%2Fverifier.bank.example%2Foid4vp%2Frequests%2FAbC-dEf_0123456789abcd"

// BenchmarkQR: the QR code of a request URI (encoding, then the PNG).
func BenchmarkQR(b *testing.B) {
	for b.Loop() {
		if _, err := qrPNG(benchURI); err != nil {
			b.Fatal(err)
		}
	}
}
