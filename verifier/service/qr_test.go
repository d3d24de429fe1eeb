package service

import (
	"bytes"
	"image/png"
	"strings"
	"testing"

	"rsc.io/qr"
)

// qrEncode gives exactly qr.Encode's code, first (plan built) and second (plan cached) time.
func TestQREncodeSameAsRSC(t *testing.T) {
	uris := []string{"0123456789", "HTTPS://A.EXAMPLE/ABC", "openid4vp://?client_id=decentralized_identifier%3Adid%3Aamanah%3Alocal%3Az6Mk&request_uri=http%3A%2F%2F127.0.0.1%3A4000%2Foid4vp%2Frequests%2FAbC-dEf_0123456789abcd",
		strings.Repeat("x", 500), ""}
	for range 2 {
		for _, u := range uris {
			want, err := qr.Encode(u, qr.M)
			if err != nil {
				t.Fatal(err)
			}
			got, err := qrEncode(u)
			if err != nil {
				t.Fatal(err)
			}
			if got.Size != want.Size || got.Stride != want.Stride || got.Scale != want.Scale || !bytes.Equal(got.Bitmap, want.Bitmap) {
				t.Fatalf("%q: code differs", u)
			}
			want.Scale = QRScale
			samePixels(t, u, want.PNG(), mustQRPNG(t, u))
		}
	}
	if _, err := qr.Encode(strings.Repeat("x", 3000), qr.M); err == nil {
		t.Fatal("rsc.io/qr encoded 3000 bytes at M")
	}
	if _, err := qrEncode(strings.Repeat("x", 3000)); err == nil {
		t.Fatal("3000 bytes encoded at M")
	}
}

func mustQRPNG(t *testing.T, u string) []byte {
	t.Helper()
	b, err := qrPNG(u)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// samePixels: got decodes (image/png) to the same image as want.
func samePixels(t *testing.T, name string, want, got []byte) {
	t.Helper()
	wi, err := png.Decode(bytes.NewReader(want))
	if err != nil {
		t.Fatal(err)
	}
	gi, err := png.Decode(bytes.NewReader(got))
	if err != nil {
		t.Fatalf("%q: %v", name, err)
	}
	if gi.Bounds() != wi.Bounds() {
		t.Fatalf("%q: %v, want %v", name, gi.Bounds(), wi.Bounds())
	}
	for y := range wi.Bounds().Dy() {
		for x := range wi.Bounds().Dx() {
			g, _, _, _ := gi.At(x, y).RGBA()
			w, _, _, _ := wi.At(x, y).RGBA()
			if g != w {
				t.Fatalf("%q: pixel %d,%d differs", name, x, y)
			}
		}
	}
	if len(got) >= len(want) {
		t.Errorf("%q: %d bytes, rsc.io/qr's %d", name, len(got), len(want))
	}
}

const benchURI = "openid4vp://?client_id=decentralized_identifier%3Adid%3Aamanah%3Alocal%3Az6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK&request_uri=https%3A%2F%2Fverifier.bank.example%2Foid4vp%2Frequests%2FAbC-dEf_0123456789abcd"

func BenchmarkQR(b *testing.B) {
	b.Run("rsc.Encode", func(b *testing.B) {
		for b.Loop() {
			_, _ = qr.Encode(benchURI, qr.M)
		}
	})
	b.Run("qrEncode", func(b *testing.B) {
		for b.Loop() {
			_, _ = qrEncode(benchURI)
		}
	})
	b.Run("rsc.PNG", func(b *testing.B) {
		c, _ := qr.Encode(benchURI, qr.M)
		c.Scale = QRScale
		for b.Loop() {
			_ = c.PNG()
		}
	})
	b.Run("qrPNG", func(b *testing.B) {
		for b.Loop() {
			_, _ = qrPNG(benchURI)
		}
	})
}
