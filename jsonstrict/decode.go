package jsonstrict

import "encoding/json"

// Decode reads one JSON value into map[string]any, []any, string, json.Number, bool or nil.
func Decode(data []byte, lim Limits) (any, error) {
	s, err := newScanner(data, lim)
	if err != nil {
		return nil, err
	}
	v, err := s.value(0)
	if err != nil {
		return nil, err
	}
	if err := s.end(); err != nil {
		return nil, err
	}
	return v, nil
}

// DecodeObject reads one JSON object, like Decode.
func DecodeObject(data []byte, lim Limits) (map[string]any, error) {
	v, err := Decode(data, lim)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errAt(ErrNotObject, 0)
	}
	return m, nil
}

func (s *scanner) value(depth int) (any, error) {
	if depth > s.maxDepth {
		return nil, s.tooDeep()
	}
	switch c := s.peek(); {
	case c == '{':
		return s.object(depth)
	case c == '[':
		return s.array(depth)
	case c == '"':
		return s.stringValue()
	case c == '-' || (c >= '0' && c <= '9'):
		n, err := s.number()
		if err != nil {
			return nil, err
		}
		return json.Number(n), nil
	case c == 't':
		return true, s.literal("true")
	case c == 'f':
		return false, s.literal("false")
	case c == 'n':
		return nil, s.literal("null")
	}
	return nil, s.unexpected("a value")
}

func (s *scanner) object(depth int) (any, error) {
	s.pos++ // '{'
	m := make(map[string]any, 8)
	s.skipWS()
	if s.peek() == '}' {
		s.pos++
		return m, nil
	}
	for {
		s.skipWS()
		if s.peek() != '"' {
			return nil, s.unexpected("a member name")
		}
		at := s.pos
		k, err := s.stringValue()
		if err != nil {
			return nil, err
		}
		if _, dup := m[k]; dup {
			return nil, duplicateAt([]byte(k), at)
		}
		s.skipWS()
		if s.peek() != ':' {
			return nil, s.unexpected("':'")
		}
		s.pos++
		s.skipWS()
		v, err := s.value(depth + 1)
		if err != nil {
			return nil, err
		}
		m[k] = v
		s.skipWS()
		switch s.peek() {
		case ',':
			s.pos++
		case '}':
			s.pos++
			return m, nil
		default:
			return nil, s.unexpected("',' or '}'")
		}
	}
}

func (s *scanner) array(depth int) (any, error) {
	s.pos++ // '['
	a := make([]any, 0, 4)
	s.skipWS()
	if s.peek() == ']' {
		s.pos++
		return a, nil
	}
	for {
		s.skipWS()
		v, err := s.value(depth + 1)
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		s.skipWS()
		switch s.peek() {
		case ',':
			s.pos++
		case ']':
			s.pos++
			return a, nil
		default:
			return nil, s.unexpected("',' or ']'")
		}
	}
}

// stringValue reads a string; the names and values every JOSE header, SD-JWT VC and
// key-binding JWT carries come back as constants, without allocating. Plain ASCII strings
// (nearly all) are read here; the rest go through str.
func (s *scanner) stringValue() (string, error) {
	start := s.pos + 1
	i := start
	for i < len(s.data) && plainASCII[s.data[i]] {
		i++
	}
	if i < len(s.data) && s.data[i] == '"' {
		raw := s.data[start:i]
		s.pos = i + 1
		if k, ok := commonString(raw); ok {
			return k, nil
		}
		return string(raw), nil
	}
	raw, escaped, err := s.str()
	if err != nil {
		return "", err
	}
	if escaped {
		return string(unescape(make([]byte, 0, len(raw)), raw)), nil
	}
	return string(raw), nil
}

// commonString returns the constant for a frequent member name or value.
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
