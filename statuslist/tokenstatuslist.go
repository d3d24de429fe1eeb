package statuslist

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"fmt"
	"io"
)

// EncodeTokenStatusList returns the IETF Token Status List "lst": base64url
// (no padding) of the ZLIB (RFC 1950, best compression) of raw, an LSB-first
// byte array of bits-wide entries. Equal inputs give equal output with this
// Go version, but other encoders may produce different compressed bytes for
// the same list; compare decoded arrays, not "lst" strings.
func EncodeTokenStatusList(bits uint8, raw []byte, opts ...EncodeOption) (string, error) {
	if !ValidCodecBits(bits) {
		return "", fmt.Errorf("%w: %d (want 1, 2, 4 or 8)", ErrInvalidBits, bits)
	}
	if len(raw) == 0 {
		return "", fmt.Errorf("%w: empty list", ErrLength)
	}
	var buf bytes.Buffer
	zw, err := zlib.NewWriterLevel(&buf, newEncodeConfig(opts).level)
	if err != nil {
		return "", err
	}
	if _, err := zw.Write(raw); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	return b64.EncodeToString(buf.Bytes()), nil
}

// DecodeTokenStatusList decodes an IETF "lst" into its LSB-first byte array.
// It is a parser of untrusted input: see the package documentation.
func DecodeTokenStatusList(lst string, bits uint8, opts ...DecodeOption) ([]byte, error) {
	if !ValidCodecBits(bits) {
		return nil, fmt.Errorf("%w: %d (want 1, 2, 4 or 8)", ErrInvalidBits, bits)
	}
	c := newDecodeConfig(opts)
	comp, err := decodeB64(lst, c)
	if err != nil {
		return nil, err
	}
	out, err := inflateZlib(comp, c)
	if err != nil {
		return nil, err
	}
	// With bits in {1,2,4,8} every byte holds whole entries, so only the
	// empty and exact-length rules can fail here.
	if err := checkLength(out, c); err != nil {
		return nil, err
	}
	return out, nil
}

// StatusListClaim is the IETF "status_list" JSON object of a Status List Token.
type StatusListClaim struct {
	Bits           uint8  `json:"bits"`
	Lst            string `json:"lst"`
	AggregationURI string `json:"aggregation_uri,omitempty"`
}

// NewStatusListClaim encodes raw (LSB-first, bits-wide entries) as a status_list claim.
func NewStatusListClaim(bits uint8, raw []byte) (StatusListClaim, error) {
	lst, err := EncodeTokenStatusList(bits, raw)
	if err != nil {
		return StatusListClaim{}, err
	}
	return StatusListClaim{Bits: bits, Lst: lst}, nil
}

// MarshalStatusListClaim returns the JSON status_list object {"bits":b,"lst":"..."} for raw.
func MarshalStatusListClaim(bits uint8, raw []byte) ([]byte, error) {
	c, err := NewStatusListClaim(bits, raw)
	if err != nil {
		return nil, err
	}
	return json.Marshal(c)
}

// Decode decodes the claim's lst with its bits.
func (c StatusListClaim) Decode(opts ...DecodeOption) ([]byte, error) {
	return DecodeTokenStatusList(c.Lst, c.Bits, opts...)
}

// ParseStatusListClaim parses a status_list JSON object strictly (exact,
// unique member names; bits and lst required; bits an integer in 1, 2, 4, 8;
// unknown members ignored) and decodes its list.
func ParseStatusListClaim(data []byte, opts ...DecodeOption) (StatusListClaim, []byte, error) {
	members, err := strictObject(data)
	if err != nil {
		return StatusListClaim{}, nil, err
	}
	var c StatusListClaim
	rawBits, ok := members["bits"]
	if !ok {
		return c, nil, fmt.Errorf("%w: missing bits", ErrMalformedClaim)
	}
	var bits int
	if err := json.Unmarshal(rawBits, &bits); err != nil {
		return c, nil, fmt.Errorf("%w: bits: %v", ErrMalformedClaim, err)
	}
	if bits < 0 || bits > 8 || !ValidCodecBits(uint8(bits)) {
		return c, nil, fmt.Errorf("%w: %d (want 1, 2, 4 or 8)", ErrInvalidBits, bits)
	}
	c.Bits = uint8(bits)
	rawLst, ok := members["lst"]
	if !ok {
		return c, nil, fmt.Errorf("%w: missing lst", ErrMalformedClaim)
	}
	if err := json.Unmarshal(rawLst, &c.Lst); err != nil {
		return c, nil, fmt.Errorf("%w: lst: %v", ErrMalformedClaim, err)
	}
	if rawAgg, ok := members["aggregation_uri"]; ok {
		if err := json.Unmarshal(rawAgg, &c.AggregationURI); err != nil {
			return c, nil, fmt.Errorf("%w: aggregation_uri: %v", ErrMalformedClaim, err)
		}
	}
	raw, err := c.Decode(opts...)
	if err != nil {
		return c, nil, err
	}
	return c, raw, nil
}

// strictObject splits one JSON object into its members, rejecting duplicate
// names, null member values, non-objects and trailing data. Unlike
// encoding/json struct decoding, names match exactly (no case folding).
func strictObject(data []byte) (map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformedClaim, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("%w: not a JSON object", ErrMalformedClaim)
	}
	members := map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformedClaim, err)
		}
		name, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("%w: bad member name", ErrMalformedClaim)
		}
		if _, dup := members[name]; dup {
			return nil, fmt.Errorf("%w: duplicate member %q", ErrMalformedClaim, name)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("%w: member %q: %v", ErrMalformedClaim, name, err)
		}
		if string(v) == "null" {
			return nil, fmt.Errorf("%w: member %q is null", ErrMalformedClaim, name)
		}
		members[name] = v
	}
	if _, err := dec.Token(); err != nil { // closing '}'
		return nil, fmt.Errorf("%w: %v", ErrMalformedClaim, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: trailing data after object", ErrMalformedClaim)
	}
	return members, nil
}
