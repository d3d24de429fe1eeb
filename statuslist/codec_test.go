package statuslist

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

const specLst = "eNrbuRgAAhcBXQ" // IETF example: bits 1, b9a3

func TestDecodeTokenStatusListMalformed(t *testing.T) {
	good := zlibBytes(t, []byte{0xb9, 0xa3})
	flip := func(b []byte, i int) []byte { c := bytes.Clone(b); c[i] ^= 0x01; return c }
	// zlib header with FDICT set: CMF 0x78, FLG chosen so (CMF*256+FLG)%31 == 0 with bit 5 set.
	fdict := []byte{0x78, 0xbb, 0, 0, 0, 1, 0x03, 0x00}
	bomb := zlibBytes(t, make([]byte, DefaultMaxDecompressedBytes+1))
	tests := []struct {
		name string
		lst  string
		bits uint8
		opts []DecodeOption
		want error
	}{
		{"ok", specLst, 1, nil, nil},
		{"ok exact length", specLst, 1, []DecodeOption{WithExactLength(2)}, nil},
		{"bits 0", specLst, 0, nil, ErrInvalidBits},
		{"bits 3", specLst, 3, nil, ErrInvalidBits},
		{"bits 16", specLst, 16, nil, ErrInvalidBits},
		{"padded", specLst + "==", 1, nil, ErrBadBase64},
		{"std alphabet", "eNrbuRgAAhcBXQ+/", 1, nil, ErrBadBase64},
		{"space", "eNrbuRgA AhcBXQ", 1, nil, ErrBadBase64},
		{"line break", "eNrbuRgA\nAhcBXQ", 1, nil, ErrBadBase64},
		{"carriage return", "eNrbuRgA\rAhcBXQ", 1, nil, ErrBadBase64},
		{"non-zero trailing bits", "eNrbuRgAAhcBXR", 1, nil, ErrBadBase64},
		{"impossible length", "eNrbuRgAAhcBX", 1, nil, ErrBadBase64},
		{"empty string", "", 1, nil, ErrBadCompression},
		{"not zlib", b64s([]byte("hello world")), 1, nil, ErrBadCompression},
		{"gzip not zlib", b64s(gzipBytes(t, []byte{1})), 1, nil, ErrBadCompression},
		{"raw deflate", b64s(good[2 : len(good)-4]), 1, nil, ErrBadCompression},
		{"bad adler32", b64s(flip(good, len(good)-1)), 1, nil, ErrBadCompression},
		{"corrupt data", b64s(flip(good, 3)), 1, nil, ErrBadCompression},
		{"truncated", b64s(good[:len(good)-2]), 1, nil, ErrBadCompression},
		{"header only", b64s(good[:2]), 1, nil, ErrBadCompression},
		{"preset dictionary", b64s(fdict), 1, nil, ErrBadCompression},
		{"trailing byte", b64s(append(bytes.Clone(good), 0)), 1, nil, ErrTrailingData},
		{"two streams", b64s(append(bytes.Clone(good), good...)), 1, nil, ErrTrailingData},
		{"zip bomb default limit", b64s(bomb), 1, nil, ErrTooLarge},
		{"custom limit", specLst, 1, []DecodeOption{WithMaxDecompressedBytes(1)}, ErrTooLarge},
		{"oversized input text", strings.Repeat("A", maxEncodedLen(DefaultMaxDecompressedBytes)+1), 1, nil, ErrTooLarge},
		{"custom limit exact", specLst, 1, []DecodeOption{WithMaxDecompressedBytes(2)}, nil},
		{"empty list", b64s(zlibBytes(t, nil)), 1, nil, ErrLength},
		{"length mismatch", specLst, 1, []DecodeOption{WithExactLength(4096)}, ErrLength},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := DecodeTokenStatusList(tc.lst, tc.bits, tc.opts...)
			if tc.want == nil {
				if err != nil || !bytes.Equal(raw, []byte{0xb9, 0xa3}) {
					t.Fatalf("got %x, %v", raw, err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if raw != nil {
				t.Fatal("data returned with error")
			}
		})
	}
}

func TestDecodeBitstringMalformed(t *testing.T) {
	list := make([]byte, MinBitstringBytes)
	list[0] = 0x80
	good := gzipBytes(t, list)
	flip := func(b []byte, i int) []byte { c := bytes.Clone(b); c[i] ^= 0x01; return c }
	bomb := gzipBytes(t, make([]byte, DefaultMaxDecompressedBytes+1))
	u := func(b []byte) string { return "u" + b64s(b) }
	tests := []struct {
		name string
		in   string
		opts []DecodeOption
		want error
	}{
		{"ok", u(good), nil, nil},
		{"ok legacy option still takes u", u(good), []DecodeOption{WithLegacyNoMultibasePrefix()}, nil},
		{"ok legacy no prefix", b64s(good), []DecodeOption{WithLegacyNoMultibasePrefix()}, nil},
		{"ok exact", u(good), []DecodeOption{WithExactLength(MinBitstringBytes)}, nil},
		{"empty", "", nil, ErrMultibasePrefix},
		{"no prefix", b64s(good), nil, ErrMultibasePrefix},
		{"prefix U (base64urlpad)", "U" + b64s(good), nil, ErrMultibasePrefix},
		{"prefix m (base64)", "m" + b64s(good), nil, ErrMultibasePrefix},
		{"prefix z (base58btc)", "z" + b64s(good), nil, ErrMultibasePrefix},
		{"legacy but not gzip", "x" + b64s(good), []DecodeOption{WithLegacyNoMultibasePrefix()}, ErrMultibasePrefix},
		{"u only", "u", nil, ErrBadCompression},
		{"padded", u(good) + "=", nil, ErrBadBase64},
		{"std alphabet", u(good) + "+/", nil, ErrBadBase64},
		{"line break", u(good[:10]) + "\n" + b64s(good[10:]), nil, ErrBadBase64},
		{"zlib not gzip", u(zlibBytes(t, list)), nil, ErrBadCompression},
		{"bad crc32", u(flip(good, len(good)-5)), nil, ErrBadCompression},
		{"bad isize", u(flip(good, len(good)-1)), nil, ErrBadCompression},
		{"bad magic", u(flip(good, 0)), nil, ErrBadCompression},
		{"truncated", u(good[:len(good)-3]), nil, ErrBadCompression},
		{"trailing byte", u(append(bytes.Clone(good), 0)), nil, ErrTrailingData},
		{"two members", u(append(bytes.Clone(good), good...)), nil, ErrTrailingData},
		{"zip bomb", u(bomb), nil, ErrTooLarge},
		{"custom limit", u(good), []DecodeOption{WithMaxDecompressedBytes(1000)}, ErrTooLarge},
		{"oversized input text", "u" + strings.Repeat("A", maxEncodedLen(DefaultMaxDecompressedBytes)+1), nil, ErrTooLarge},
		{"empty bitstring", u(gzipBytes(t, nil)), nil, ErrLength},
		{"exact mismatch", u(good), []DecodeOption{WithExactLength(32768)}, ErrLength},
		{"below 16KB", u(gzipBytes(t, list[:MinBitstringBytes-1])), nil, ErrBitstringTooShort},
		{"200 bits", u(gzipBytes(t, list[:25])), nil, ErrBitstringTooShort},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msb, err := DecodeBitstring(tc.in, tc.opts...)
			if tc.want == nil {
				if err != nil || !bytes.Equal(msb, list) {
					t.Fatalf("got %d bytes, %v", len(msb), err)
				}
				if v, _ := BitstringStatusAt(msb, 0, 1); v != 1 {
					t.Fatal("index 0 should be set")
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if msb != nil {
				t.Fatal("data returned with error")
			}
		})
	}
	if _, err := DecodeBitstringStatusList(u(good), 3); !errors.Is(err, ErrInvalidBits) {
		t.Fatal("statusSize 3")
	}
	if _, err := EncodeBitstringStatusList(list, 5); !errors.Is(err, ErrInvalidBits) {
		t.Fatal("encode statusSize 5")
	}
}

func TestParseStatusListClaim(t *testing.T) {
	tests := []struct {
		name string
		json string
		want error
	}{
		{"ok", `{"bits":1,"lst":"` + specLst + `"}`, nil},
		{"ok whitespace, extra members", " {\"lst\":\"" + specLst + "\", \"bits\": 1, \"aggregation_uri\":\"https://x\", \"ext\":{\"a\":[1]}}\n", nil},
		{"ok escaped lst", `{"bits":1,"lst":"eNrbuRgAAhcBX\u0051"}`, nil},
		{"not json", `bits=1`, ErrMalformedClaim},
		{"empty", ``, ErrMalformedClaim},
		{"array", `[1,"x"]`, ErrMalformedClaim},
		{"string", `"x"`, ErrMalformedClaim},
		{"missing bits", `{"lst":"` + specLst + `"}`, ErrMalformedClaim},
		{"missing lst", `{"bits":1}`, ErrMalformedClaim},
		{"case-folded names", `{"Bits":1,"LST":"` + specLst + `"}`, ErrMalformedClaim},
		{"duplicate bits", `{"bits":2,"bits":1,"lst":"` + specLst + `"}`, ErrMalformedClaim},
		{"duplicate lst", `{"bits":1,"lst":"x","lst":"` + specLst + `"}`, ErrMalformedClaim},
		{"null lst", `{"bits":1,"lst":null}`, ErrMalformedClaim},
		{"bits string", `{"bits":"1","lst":"` + specLst + `"}`, ErrMalformedClaim},
		{"bits float", `{"bits":1.5,"lst":"` + specLst + `"}`, ErrMalformedClaim},
		{"bits huge", `{"bits":1e400,"lst":"` + specLst + `"}`, ErrMalformedClaim},
		{"lst number", `{"bits":1,"lst":5}`, ErrMalformedClaim},
		{"aggregation_uri number", `{"bits":1,"lst":"` + specLst + `","aggregation_uri":5}`, ErrMalformedClaim},
		{"trailing data", `{"bits":1,"lst":"` + specLst + `"}x`, ErrMalformedClaim},
		{"two objects", `{"bits":1,"lst":"` + specLst + `"}{}`, ErrMalformedClaim},
		{"unterminated", `{"bits":1,"lst":"` + specLst + `"`, ErrMalformedClaim},
		{"bits 3", `{"bits":3,"lst":"` + specLst + `"}`, ErrInvalidBits},
		{"bits 0", `{"bits":0,"lst":"` + specLst + `"}`, ErrInvalidBits},
		{"bits -1", `{"bits":-1,"lst":"` + specLst + `"}`, ErrInvalidBits},
		{"bits 257", `{"bits":257,"lst":"` + specLst + `"}`, ErrInvalidBits},
		{"bad lst", `{"bits":1,"lst":"` + specLst + `="}`, ErrBadBase64},
		{"trailing zlib", `{"bits":1,"lst":"` + b64s(append(zlibBytes(t, []byte{1}), 9)) + `"}`, ErrTrailingData},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, raw, err := ParseStatusListClaim([]byte(tc.json))
			if tc.want == nil {
				if err != nil || c.Bits != 1 || !bytes.Equal(raw, []byte{0xb9, 0xa3}) {
					t.Fatalf("got %+v %x %v", c, raw, err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
	// Marshal form and aggregation_uri.
	out, err := MarshalStatusListClaim(2, []byte{0xc9, 0x44, 0xf9})
	if err != nil || !strings.HasPrefix(string(out), `{"bits":2,"lst":"`) || strings.Contains(string(out), "aggregation") {
		t.Fatalf("marshal: %s %v", out, err)
	}
	c, _, err := ParseStatusListClaim([]byte(`{"bits":1,"lst":"` + specLst + `","aggregation_uri":"https://a/b"}`))
	if err != nil || c.AggregationURI != "https://a/b" {
		t.Fatalf("aggregation_uri: %+v %v", c, err)
	}
	if _, err := MarshalStatusListClaim(3, []byte{1}); !errors.Is(err, ErrInvalidBits) {
		t.Fatal("marshal bits 3")
	}
	if _, err := EncodeTokenStatusList(1, nil); !errors.Is(err, ErrLength) {
		t.Fatal("encode empty")
	}
}

func TestCompressionLevels(t *testing.T) {
	raw := make([]byte, MinBitstringBytes)
	for i := range raw {
		if i%97 == 0 {
			raw[i] = byte(i)
		}
	}
	for _, level := range []int{-5, 1, 6, 9, 42} {
		lst, err := EncodeTokenStatusList(2, raw, WithCompressionLevel(level))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := DecodeTokenStatusList(lst, 2); err != nil || !bytes.Equal(got, raw) {
			t.Fatalf("level %d IETF: %v", level, err)
		}
		enc, err := EncodeBitstringStatusList(raw, 2, WithCompressionLevel(level))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := DecodeBitstringStatusList(enc, 2); err != nil || !bytes.Equal(got, raw) {
			t.Fatalf("level %d W3C: %v", level, err)
		}
	}
}
