package statuslist

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
)

// DefaultMaxDecompressedBytes is the default decompressed-size limit: MaxSize entries at 2 bits (4 MiB).
const DefaultMaxDecompressedBytes = MaxSize * 2 / 8

// MinBitstringBytes is the W3C minimum uncompressed bitstring length (16 KiB = 131,072 bits).
const MinBitstringBytes = 16384

// DecodeOption changes how a decoder treats its input.
type DecodeOption func(*decodeConfig)

type decodeConfig struct {
	maxBytes     int
	exactBytes   int // -1: any
	legacyPrefix bool
}

func newDecodeConfig(opts []DecodeOption) decodeConfig {
	c := decodeConfig{maxBytes: DefaultMaxDecompressedBytes, exactBytes: -1}
	for _, o := range opts {
		o(&c)
	}
	if c.maxBytes <= 0 {
		c.maxBytes = DefaultMaxDecompressedBytes
	}
	return c
}

// WithMaxDecompressedBytes sets the decompressed-size limit (n <= 0 means the default).
func WithMaxDecompressedBytes(n int) DecodeOption {
	return func(c *decodeConfig) { c.maxBytes = n }
}

// WithExactLength requires the decompressed array to be exactly n bytes (e.g. size*bits/8 of a known list).
func WithExactLength(n int) DecodeOption {
	return func(c *decodeConfig) { c.exactBytes = n }
}

// WithLegacyNoMultibasePrefix lets DecodeBitstring accept a pre-REC encodedList without the 'u' prefix.
func WithLegacyNoMultibasePrefix() DecodeOption {
	return func(c *decodeConfig) { c.legacyPrefix = true }
}

// b64 is strict unpadded base64url (rejects non-zero trailing bits).
var b64 = base64.RawURLEncoding.Strict()

// maxEncodedLen bounds the base64 text worth decoding for a maxBytes
// limit: deflate expands incompressible data by well under 2x, so longer
// input cannot decompress to an acceptable list and is refused before any
// allocation.
func maxEncodedLen(maxBytes int) int {
	return b64.EncodedLen(2*maxBytes + 1024)
}

// decodeB64 decodes strict unpadded base64url; unlike encoding/base64 it also rejects CR and LF.
func decodeB64(s string, c decodeConfig) ([]byte, error) {
	if len(s) > maxEncodedLen(c.maxBytes) {
		return nil, fmt.Errorf("%w: %d characters of input", ErrTooLarge, len(s))
	}
	if strings.ContainsAny(s, "\r\n") {
		return nil, fmt.Errorf("%w: line break in input", ErrBadBase64)
	}
	out, err := b64.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadBase64, err)
	}
	return out, nil
}

// readLimited reads r to EOF, failing with ErrTooLarge beyond max bytes.
func readLimited(r io.Reader, max int) ([]byte, error) {
	out, err := io.ReadAll(io.LimitReader(r, int64(max)+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadCompression, err)
	}
	if len(out) > max {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, max)
	}
	return out, nil
}

// inflateZlib decompresses one RFC 1950 stream that must span all of data.
func inflateZlib(data []byte, c decodeConfig) ([]byte, error) {
	// bytes.Reader is an io.ByteReader, so zlib/flate read from it
	// directly without buffering ahead and br.Len() shows trailing bytes.
	br := bytes.NewReader(data)
	zr, err := zlib.NewReader(br)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadCompression, err)
	}
	out, err := readLimited(zr, c.maxBytes)
	if err != nil {
		return nil, err
	}
	if br.Len() != 0 {
		return nil, fmt.Errorf("%w: %d bytes", ErrTrailingData, br.Len())
	}
	return out, nil
}

// gunzip decompresses one RFC 1952 member that must span all of data.
func gunzip(data []byte, c decodeConfig) ([]byte, error) {
	br := bytes.NewReader(data)
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadCompression, err)
	}
	zr.Multistream(false)
	out, err := readLimited(zr, c.maxBytes)
	if err != nil {
		return nil, err
	}
	if br.Len() != 0 {
		return nil, fmt.Errorf("%w: %d bytes", ErrTrailingData, br.Len())
	}
	return out, nil
}

// checkLength applies the empty and exact-length rules.
func checkLength(out []byte, c decodeConfig) error {
	if len(out) == 0 {
		return fmt.Errorf("%w: empty list", ErrLength)
	}
	if c.exactBytes >= 0 && len(out) != c.exactBytes {
		return fmt.Errorf("%w: %d bytes, want %d", ErrLength, len(out), c.exactBytes)
	}
	return nil
}
