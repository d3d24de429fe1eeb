package statuslist

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"encoding/base64"
	"errors"
	"testing"
)

// Reference readers, written bit by bit and independent of Get/Set.

// refLSB reads entry i of an LSB-first array: bit j of the entry is bit (i*bits+j) counted from bit 0 of byte 0.
func refLSB(raw []byte, i int, bits int) uint8 {
	var v uint8
	for j := 0; j < bits; j++ {
		pos := i*bits + j
		bit := raw[pos/8] >> (pos % 8) & 1
		v |= bit << j
	}
	return v
}

// refMSB reads entry i of a W3C MSB-first bitstring: bits i*size.. read left to right, first bit most significant.
func refMSB(msb []byte, i int, size int) uint8 {
	var v uint8
	for j := 0; j < size; j++ {
		pos := i*size + j
		bit := msb[pos/8] >> (7 - pos%8) & 1
		v = v<<1 | bit
	}
	return v
}

// packRef packs a reference []uint8 model LSB-first, bit by bit.
func packRef(ref []uint8, bits int) []byte {
	out := make([]byte, (len(ref)*bits+7)/8)
	for i, v := range ref {
		for j := 0; j < bits; j++ {
			if v>>j&1 == 1 {
				pos := i*bits + j
				out[pos/8] |= 1 << (pos % 8)
			}
		}
	}
	return out
}

func zlibBytes(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gzipBytes(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func b64s(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// allSentinels lists every error a decoder may wrap; a decoder error that matches none is a bug.
var allSentinels = []error{
	ErrInvalidBits, ErrBadBase64, ErrMultibasePrefix, ErrBadCompression, ErrTrailingData,
	ErrTooLarge, ErrLength, ErrBitstringTooShort, ErrMalformedClaim,
}

func isSentinel(err error) bool {
	for _, s := range allSentinels {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}
