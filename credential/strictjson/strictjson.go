package strictjson

import (
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// DefaultMaxDepth is the nesting limit used by Unmarshal and UnmarshalObject.
const DefaultMaxDepth = 32

var (
	// ErrSyntax reports input that is not valid JSON.
	ErrSyntax = errors.New("strictjson: syntax error")
	// ErrDuplicateKey reports an object with the same member name twice.
	ErrDuplicateKey = errors.New("strictjson: duplicate object key")
	// ErrTooDeep reports nesting of objects and arrays beyond the limit.
	ErrTooDeep = errors.New("strictjson: nesting too deep")
	// ErrInvalidUTF8 reports a string with invalid UTF-8 or a lone surrogate escape.
	ErrInvalidUTF8 = errors.New("strictjson: invalid UTF-8 in string")
	// ErrNotObject reports a top-level value that is not an object where one is required.
	ErrNotObject = errors.New("strictjson: top-level value is not an object")
)

// Unmarshal decodes one JSON value with DefaultMaxDepth.
func Unmarshal(data []byte) (any, error) {
	return Decode(data, DefaultMaxDepth)
}

// UnmarshalObject decodes one JSON object with DefaultMaxDepth.
func UnmarshalObject(data []byte) (map[string]any, error) {
	v, err := Decode(data, DefaultMaxDepth)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, ErrNotObject
	}
	return m, nil
}

// Decode decodes exactly one JSON value (surrounded by optional whitespace),
// allowing at most maxDepth nested objects and arrays.
func Decode(data []byte, maxDepth int) (any, error) {
	d := decoder{data: data, maxDepth: maxDepth}
	d.skipWS()
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	d.skipWS()
	if d.pos != len(d.data) {
		return nil, d.syntax("trailing data")
	}
	return v, nil
}

type decoder struct {
	data     []byte
	pos      int
	maxDepth int
}

func (d *decoder) syntax(msg string) error {
	return fmt.Errorf("%w at offset %d: %s", ErrSyntax, d.pos, msg)
}

func (d *decoder) skipWS() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *decoder) value(depth int) (any, error) {
	if d.pos >= len(d.data) {
		return nil, d.syntax("unexpected end of input")
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		return d.object(depth + 1)
	case c == '[':
		return d.array(depth + 1)
	case c == '"':
		return d.str()
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return d.number()
	default:
		return nil, d.syntax("unexpected character")
	}
}

func (d *decoder) literal(lit string) error {
	if len(d.data)-d.pos < len(lit) || string(d.data[d.pos:d.pos+len(lit)]) != lit {
		return d.syntax("invalid literal")
	}
	d.pos += len(lit)
	return nil
}

func (d *decoder) object(depth int) (any, error) {
	if depth > d.maxDepth {
		return nil, ErrTooDeep
	}
	d.pos++ // '{'
	m := make(map[string]any, 8)
	d.skipWS()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		return m, nil
	}
	for {
		d.skipWS()
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			return nil, d.syntax("expected object key")
		}
		k, err := d.str()
		if err != nil {
			return nil, err
		}
		if _, dup := m[k]; dup {
			return nil, fmt.Errorf("%w: %q", ErrDuplicateKey, k)
		}
		d.skipWS()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return nil, d.syntax("expected ':'")
		}
		d.pos++
		d.skipWS()
		v, err := d.value(depth)
		if err != nil {
			return nil, err
		}
		m[k] = v
		d.skipWS()
		if d.pos >= len(d.data) {
			return nil, d.syntax("unterminated object")
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
		case '}':
			d.pos++
			return m, nil
		default:
			return nil, d.syntax("expected ',' or '}'")
		}
	}
}

func (d *decoder) array(depth int) (any, error) {
	if depth > d.maxDepth {
		return nil, ErrTooDeep
	}
	d.pos++ // '['
	a := make([]any, 0, 4)
	d.skipWS()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		return a, nil
	}
	for {
		d.skipWS()
		v, err := d.value(depth)
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		d.skipWS()
		if d.pos >= len(d.data) {
			return nil, d.syntax("unterminated array")
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
		case ']':
			d.pos++
			return a, nil
		default:
			return nil, d.syntax("expected ',' or ']'")
		}
	}
}

func (d *decoder) number() (any, error) {
	start := d.pos
	if d.data[d.pos] == '-' {
		d.pos++
	}
	if d.pos >= len(d.data) {
		return nil, d.syntax("invalid number")
	}
	if d.data[d.pos] == '0' {
		d.pos++
	} else if d.data[d.pos] >= '1' && d.data[d.pos] <= '9' {
		d.digits()
	} else {
		return nil, d.syntax("invalid number")
	}
	if d.pos < len(d.data) && d.data[d.pos] == '.' {
		d.pos++
		if d.digits() == 0 {
			return nil, d.syntax("invalid number fraction")
		}
	}
	if d.pos < len(d.data) && (d.data[d.pos] == 'e' || d.data[d.pos] == 'E') {
		d.pos++
		if d.pos < len(d.data) && (d.data[d.pos] == '+' || d.data[d.pos] == '-') {
			d.pos++
		}
		if d.digits() == 0 {
			return nil, d.syntax("invalid number exponent")
		}
	}
	return json.Number(d.data[start:d.pos]), nil
}

func (d *decoder) digits() int {
	n := 0
	for d.pos < len(d.data) && d.data[d.pos] >= '0' && d.data[d.pos] <= '9' {
		d.pos++
		n++
	}
	return n
}

// str decodes a string starting at the opening quote.
func (d *decoder) str() (string, error) {
	d.pos++ // '"'
	start := d.pos
	// Fast path: no escapes, ASCII or valid UTF-8, no control characters.
	ascii := true
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			s := d.data[start:d.pos]
			d.pos++
			if !ascii && !utf8.Valid(s) {
				return "", ErrInvalidUTF8
			}
			if k, ok := commonString(s); ok {
				return k, nil
			}
			return string(s), nil
		case c == '\\':
			return d.strSlow(start)
		case c < 0x20:
			return "", d.syntax("control character in string")
		case c >= 0x80:
			ascii = false
		}
		d.pos++
	}
	return "", d.syntax("unterminated string")
}

func (d *decoder) strSlow(start int) (string, error) {
	buf := make([]byte, 0, d.pos-start+16)
	buf = append(buf, d.data[start:d.pos]...)
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			d.pos++
			if !utf8.Valid(buf) {
				return "", ErrInvalidUTF8
			}
			return string(buf), nil
		case c < 0x20:
			return "", d.syntax("control character in string")
		case c != '\\':
			buf = append(buf, c)
			d.pos++
			continue
		}
		// escape
		d.pos++
		if d.pos >= len(d.data) {
			break
		}
		e := d.data[d.pos]
		d.pos++
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return "", d.syntax("invalid \\u escape")
			}
			if utf16.IsSurrogate(r) {
				if r >= 0xDC00 || d.pos+1 >= len(d.data) || d.data[d.pos] != '\\' || d.data[d.pos+1] != 'u' {
					return "", ErrInvalidUTF8
				}
				d.pos += 2
				r2, ok := d.hex4()
				if !ok {
					return "", d.syntax("invalid \\u escape")
				}
				r = utf16.DecodeRune(r, r2)
				if r == utf8.RuneError {
					return "", ErrInvalidUTF8
				}
			}
			buf = utf8.AppendRune(buf, r)
		default:
			return "", d.syntax("invalid escape")
		}
	}
	return "", d.syntax("unterminated string")
}

func (d *decoder) hex4() (rune, bool) {
	if len(d.data)-d.pos < 4 {
		return 0, false
	}
	var r rune
	for _, c := range d.data[d.pos : d.pos+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	d.pos += 4
	return r, true
}

// commonString returns the constant for the member names and values every JOSE header,
// SD-JWT VC and key-binding JWT carries, so decoding them allocates nothing.
func commonString(b []byte) (string, bool) {
	switch string(b) { // no allocation: the compiler compares the bytes
	case "alg":
		return "alg", true
	case "typ":
		return "typ", true
	case "kid":
		return "kid", true
	case "iss":
		return "iss", true
	case "sub":
		return "sub", true
	case "aud":
		return "aud", true
	case "iat":
		return "iat", true
	case "nbf":
		return "nbf", true
	case "exp":
		return "exp", true
	case "nonce":
		return "nonce", true
	case "sd_hash":
		return "sd_hash", true
	case "vct":
		return "vct", true
	case "_sd":
		return "_sd", true
	case "_sd_alg":
		return "_sd_alg", true
	case "sha-256":
		return "sha-256", true
	case "cnf":
		return "cnf", true
	case "jwk":
		return "jwk", true
	case "kty":
		return "kty", true
	case "crv":
		return "crv", true
	case "x":
		return "x", true
	case "y":
		return "y", true
	case "OKP":
		return "OKP", true
	case "EC":
		return "EC", true
	case "Ed25519":
		return "Ed25519", true
	case "P-256":
		return "P-256", true
	case "EdDSA":
		return "EdDSA", true
	case "ES256":
		return "ES256", true
	case "kb+jwt":
		return "kb+jwt", true
	case "dc+sd-jwt":
		return "dc+sd-jwt", true
	case "vc+sd-jwt":
		return "vc+sd-jwt", true
	case "status":
		return "status", true
	case "status_list":
		return "status_list", true
	case "idx":
		return "idx", true
	case "uri":
		return "uri", true
	case "...":
		return "...", true
	}
	return "", false
}
