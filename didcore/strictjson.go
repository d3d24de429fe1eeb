package didcore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"unicode/utf8"
)

// maxJSONDepth bounds nesting inside JWKs, endpoint maps and extensions.
const maxJSONDepth = 32

// member is one name/value pair of a JSON object, in input order.
type member struct {
	name  string
	value json.RawMessage
}

// jsonObject splits one JSON object into its members, rejecting duplicates and trailing data.
// Valid JSON (the usual case) is split by a direct scan; anything else goes through the
// token decoder, which gives the error.
func jsonObject(b []byte) ([]member, error) {
	if !json.Valid(b) {
		return jsonObjectTokens(b)
	}
	i := skipSpace(b, 0)
	if b[i] != '{' {
		return nil, errors.New("not a JSON object")
	}
	b = bytes.Clone(b) // the values must not alias the caller's bytes
	var out []member
	var seen map[string]bool
	for i = skipSpace(b, i+1); b[i] != '}'; i = skipSpace(b, i) {
		if b[i] == ',' {
			i = skipSpace(b, i+1)
		}
		end := stringEnd(b, i)
		name, err := jsonString(b[i:end])
		if err != nil {
			return nil, err
		}
		if len(out) >= 16 && seen == nil {
			seen = make(map[string]bool, 2*len(out))
			for _, m := range out {
				seen[m.name] = true
			}
		}
		dup := seen[name]
		if seen == nil {
			for _, m := range out {
				dup = dup || m.name == name
			}
		}
		if dup {
			return nil, fmt.Errorf("duplicate member %q", name)
		}
		if seen != nil {
			seen[name] = true
		}
		i = skipSpace(b, skipSpace(b, end)+1) // past the colon
		end = valueEnd(b, i)
		out = append(out, member{name, json.RawMessage(b[i:end:end])})
		i = end
	}
	return out, nil
}

// skipSpace returns the index of the first byte at or after i that is not JSON whitespace.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the index just past the JSON string starting at b[i] (valid JSON).
func stringEnd(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return i
}

// valueEnd returns the index just past the JSON value starting at b[i] (valid JSON).
func valueEnd(b []byte, i int) int {
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = stringEnd(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	}
	for i < len(b) { // number or literal
		switch b[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}

// jsonObjectTokens is jsonObject through the token decoder (and its errors).
func jsonObjectTokens(b []byte) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("not a JSON object")
	}
	var out []member
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		name, ok := tok.(string)
		if !ok {
			return nil, errors.New("member name is not a string")
		}
		if seen[name] {
			return nil, fmt.Errorf("duplicate member %q", name)
		}
		seen[name] = true
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("member %q: %w", name, err)
		}
		out = append(out, member{name, v})
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("trailing data after JSON value")
	}
	return out, nil
}

// jsonArray splits one JSON array into its elements.
func jsonArray(b []byte) ([]json.RawMessage, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '[' {
		return nil, errors.New("not a JSON array")
	}
	if !json.Valid(b) {
		var out []json.RawMessage
		if err := json.Unmarshal(b, &out); err != nil {
			return nil, err
		}
		return out, nil
	}
	b = bytes.Clone(b) // the elements must not alias the caller's bytes
	out := []json.RawMessage{}
	for i := skipSpace(b, 1); b[i] != ']'; i = skipSpace(b, i) {
		if b[i] == ',' {
			i = skipSpace(b, i+1)
		}
		end := valueEnd(b, i)
		out = append(out, json.RawMessage(b[i:end:end]))
		i = end
	}
	return out, nil
}

// jsonString decodes a JSON string.
func jsonString(b []byte) (string, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '"' {
		return "", errors.New("not a JSON string")
	}
	if plainJSONString(b) {
		return string(b[1 : len(b)-1]), nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return "", err
	}
	return s, nil
}

// plainJSONString reports whether b is a quoted string of printable ASCII without escapes
// (its value is then the bytes between the quotes).
func plainJSONString(b []byte) bool {
	if len(b) < 2 || b[len(b)-1] != '"' {
		return false
	}
	for _, c := range b[1 : len(b)-1] {
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// jsonStrings decodes a JSON string or, if allowArray, a non-empty array of strings.
func jsonStrings(b []byte, allowString bool) ([]string, error) {
	b = bytes.TrimSpace(b)
	if allowString && len(b) > 0 && b[0] == '"' {
		s, err := jsonString(b)
		if err != nil {
			return nil, err
		}
		return []string{s}, nil
	}
	elems, err := jsonArray(b)
	if err != nil {
		if allowString {
			return nil, errors.New("not a string or an array of strings")
		}
		return nil, err
	}
	if len(elems) == 0 {
		return nil, errors.New("empty array")
	}
	out := make([]string, len(elems))
	for i, e := range elems {
		if out[i], err = jsonString(e); err != nil {
			return nil, fmt.Errorf("element %d: %w", i, err)
		}
	}
	return out, nil
}

// canonicalJSON re-encodes any JSON value compactly with sorted object keys,
// rejecting duplicate keys, invalid UTF-8 and nesting deeper than maxJSONDepth.
func canonicalJSON(b []byte) (json.RawMessage, error) {
	if !utf8.Valid(b) {
		return nil, errors.New("invalid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var buf bytes.Buffer
	if err := canonicalValue(dec, &buf, 0); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("trailing data after JSON value")
	}
	return buf.Bytes(), nil
}

func canonicalValue(dec *json.Decoder, buf *bytes.Buffer, depth int) error {
	if depth > maxJSONDepth {
		return fmt.Errorf("JSON nested deeper than %d", maxJSONDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '[':
			buf.WriteByte('[')
			for first := true; dec.More(); first = false {
				if !first {
					buf.WriteByte(',')
				}
				if err := canonicalValue(dec, buf, depth+1); err != nil {
					return err
				}
			}
			if _, err := dec.Token(); err != nil {
				return err
			}
			buf.WriteByte(']')
		case '{':
			type kv struct {
				k string
				v []byte
			}
			var kvs []kv
			seen := map[string]bool{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return err
				}
				k, ok := kt.(string)
				if !ok {
					return errors.New("member name is not a string")
				}
				if seen[k] {
					return fmt.Errorf("duplicate member %q", k)
				}
				seen[k] = true
				var vb bytes.Buffer
				if err := canonicalValue(dec, &vb, depth+1); err != nil {
					return err
				}
				kvs = append(kvs, kv{k, vb.Bytes()})
			}
			if _, err := dec.Token(); err != nil {
				return err
			}
			sort.Slice(kvs, func(i, j int) bool { return kvs[i].k < kvs[j].k })
			buf.WriteByte('{')
			for i, e := range kvs {
				if i > 0 {
					buf.WriteByte(',')
				}
				writeString(buf, e.k)
				buf.WriteByte(':')
				buf.Write(e.v)
			}
			buf.WriteByte('}')
		default:
			return fmt.Errorf("unexpected %v", t)
		}
	case string:
		writeString(buf, t)
	case json.Number:
		buf.WriteString(t.String())
	case bool:
		if t {
			buf.WriteString("true")
		} else {
			buf.WriteString("false")
		}
	case nil:
		buf.WriteString("null")
	default:
		return fmt.Errorf("unexpected token %v", t)
	}
	return nil
}

// writeString writes s as a JSON string, escaping <, > and & as encoding/json
// does, so that json.Marshal(doc) and doc.MarshalJSON() give the same bytes.
func writeString(buf *bytes.Buffer, s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			b, _ := json.Marshal(s) // strings always encode
			buf.Write(b)
			return
		}
	}
	buf.WriteByte('"') // printable ASCII needing no escape: as it is
	buf.WriteString(s)
	buf.WriteByte('"')
}
