package statuslist

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"strings"
)

// MultibaseBase64URL is the multibase prefix of unpadded base64url, required on W3C encodedList values.
const MultibaseBase64URL = 'u'

// reorder[k][b] is byte b with the order of its (1<<k)-bit groups reversed,
// each group keeping its own bit order; k = 0..3 for 1, 2, 4, 8 bits.
var reorder = func() (t [4][256]byte) {
	for k := range 4 {
		w := uint(1) << k
		m := byte(1<<w - 1)
		groups := 8 / w
		for b := range 256 {
			var r byte
			for g := uint(0); g < groups; g++ {
				v := byte(b) >> (g * w) & m
				r |= v << ((groups - 1 - g) * w)
			}
			t[k][b] = r
		}
	}
	return t
}()

func log2Bits(bits uint8) int {
	switch bits {
	case 1:
		return 0
	case 2:
		return 1
	case 4:
		return 2
	case 8:
		return 3
	}
	return -1
}

// ToBitstringOrder converts an LSB-first (Token Status List, page) array to
// the W3C MSB-first layout: entry i reads the same value in both. The
// conversion is its own inverse.
func ToBitstringOrder(raw []byte, bits uint8) ([]byte, error) {
	k := log2Bits(bits)
	if k < 0 {
		return nil, fmt.Errorf("%w: %d (want 1, 2, 4 or 8)", ErrInvalidBits, bits)
	}
	out := make([]byte, len(raw))
	t := &reorder[k]
	for i, b := range raw {
		out[i] = t[b]
	}
	return out, nil
}

// FromBitstringOrder converts a W3C MSB-first array to the LSB-first layout (the same byte map as ToBitstringOrder).
func FromBitstringOrder(msb []byte, bits uint8) ([]byte, error) {
	return ToBitstringOrder(msb, bits)
}

// BitstringStatusAt reads entry index of a W3C MSB-first bitstring with the given statusSize (1, 2, 4 or 8).
func BitstringStatusAt(msb []byte, index uint32, statusSize uint8) (uint8, error) {
	if !ValidCodecBits(statusSize) {
		return 0, fmt.Errorf("%w: statusSize %d", ErrInvalidBits, statusSize)
	}
	bitpos := uint64(index) * uint64(statusSize)
	if bitpos >= uint64(len(msb))*8 {
		return 0, fmt.Errorf("%w: %d", ErrIndexOutOfRange, index)
	}
	shift := 8 - uint64(statusSize) - bitpos&7
	return (msb[bitpos>>3] >> shift) & mask(statusSize), nil
}

// EncodeBitstring returns the W3C encodedList of an MSB-first bitstring:
// multibase 'u' + unpadded base64url of GZIP (best compression). It does not
// enforce the 16 KiB minimum; lists built by this package always meet it.
func EncodeBitstring(msb []byte, opts ...EncodeOption) string {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, newEncodeConfig(opts).level) // level is clamped: cannot fail
	_, _ = zw.Write(msb)                                            // bytes.Buffer writes cannot fail
	_ = zw.Close()
	return string(MultibaseBase64URL) + b64.EncodeToString(buf.Bytes())
}

// DecodeBitstring decodes a W3C encodedList into its MSB-first bitstring,
// rejecting a missing 'u' prefix (unless WithLegacyNoMultibasePrefix) and a
// bitstring under MinBitstringBytes (ErrBitstringTooShort). It is a parser
// of untrusted input: see the package documentation.
func DecodeBitstring(encodedList string, opts ...DecodeOption) ([]byte, error) {
	c := newDecodeConfig(opts)
	body, err := stripMultibase(encodedList, c)
	if err != nil {
		return nil, err
	}
	comp, err := decodeB64(body, c)
	if err != nil {
		return nil, err
	}
	out, err := gunzip(comp, c)
	if err != nil {
		return nil, err
	}
	if err := checkLength(out, c); err != nil {
		return nil, err
	}
	if len(out) < MinBitstringBytes {
		return nil, fmt.Errorf("%w: %d bytes (%d bits)", ErrBitstringTooShort, len(out), len(out)*8)
	}
	return out, nil
}

// gzipB64Magic is the base64url of a gzip header's first three bytes (1f 8b 08).
const gzipB64Magic = "H4sI"

func stripMultibase(s string, c decodeConfig) (string, error) {
	switch {
	case s == "":
		return "", fmt.Errorf("%w: empty input", ErrMultibasePrefix)
	case s[0] == MultibaseBase64URL:
		return s[1:], nil
	case c.legacyPrefix && strings.HasPrefix(s, gzipB64Magic):
		return s, nil
	}
	return "", fmt.Errorf("%w: %q", ErrMultibasePrefix, s[0])
}

// EncodeBitstringStatusList encodes an LSB-first array (e.g. List.Bytes) as a W3C encodedList with statusSize bits.
func EncodeBitstringStatusList(raw []byte, statusSize uint8, opts ...EncodeOption) (string, error) {
	msb, err := ToBitstringOrder(raw, statusSize)
	if err != nil {
		return "", err
	}
	return EncodeBitstring(msb, opts...), nil
}

// DecodeBitstringStatusList decodes a W3C encodedList into the LSB-first layout used by pages and List.
func DecodeBitstringStatusList(encodedList string, statusSize uint8, opts ...DecodeOption) ([]byte, error) {
	if !ValidCodecBits(statusSize) {
		return nil, fmt.Errorf("%w: statusSize %d", ErrInvalidBits, statusSize)
	}
	msb, err := DecodeBitstring(encodedList, opts...)
	if err != nil {
		return nil, err
	}
	return FromBitstringOrder(msb, statusSize)
}
