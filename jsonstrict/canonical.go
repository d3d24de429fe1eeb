package jsonstrict

import (
	"bytes"
	"slices"
	"unicode/utf8"
)

// Canonical reads one JSON value and returns its canonical encoding (see the package
// comment). The bytes are consensus bytes: they must never change.
func Canonical(data []byte, lim Limits) ([]byte, error) {
	s, err := newScanner(data, lim)
	if err != nil {
		return nil, err
	}
	out, err := s.canon(make([]byte, 0, len(data)), 0)
	if err != nil {
		return nil, err
	}
	if err := s.end(); err != nil {
		return nil, err
	}
	return out, nil
}

// canon appends the canonical encoding of the value at pos.
func (s *scanner) canon(dst []byte, depth int) ([]byte, error) {
	if depth > s.maxDepth {
		return nil, s.tooDeep()
	}
	var err error
	switch c := s.peek(); {
	case c == '{':
		return s.canonObject(dst, depth)
	case c == '[':
		s.pos++
		dst = append(dst, '[')
		s.skipWS()
		if s.peek() == ']' {
			s.pos++
			return append(dst, ']'), nil
		}
		for {
			s.skipWS()
			if dst, err = s.canon(dst, depth+1); err != nil {
				return nil, err
			}
			s.skipWS()
			switch s.peek() {
			case ',':
				s.pos++
				dst = append(dst, ',')
			case ']':
				s.pos++
				return append(dst, ']'), nil
			default:
				return nil, s.unexpected("',' or ']'")
			}
		}
	case c == '"':
		raw, esc, err := s.str()
		if err != nil {
			return nil, err
		}
		if esc {
			raw = unescape(make([]byte, 0, len(raw)), raw)
		}
		return appendString(dst, raw), nil
	case c == '-' || (c >= '0' && c <= '9'):
		n, err := s.number()
		if err != nil {
			return nil, err
		}
		return append(dst, n...), nil
	}
	start := s.pos
	if err := s.scalarLiteral(); err != nil {
		return nil, err
	}
	return append(dst, s.data[start:s.pos]...), nil
}

// canonMember is a written member: its unescaped name and where `"name":value` sits in dst.
type canonMember struct {
	name       []byte
	start, end int
}

// canonObject writes the members in document order, then reorders them by name if needed.
func (s *scanner) canonObject(dst []byte, depth int) ([]byte, error) {
	s.pos++ // '{'
	open := len(dst)
	dst = append(dst, '{')
	s.skipWS()
	if s.peek() == '}' {
		s.pos++
		return append(dst, '}'), nil
	}
	var small [8]canonMember
	members := small[:0]
	var smallNames [8][]byte
	seen := names{list: smallNames[:0]}
	var err error
	for {
		s.skipWS()
		if s.peek() != '"' {
			return nil, s.unexpected("a member name")
		}
		at := s.pos
		raw, esc, err2 := s.str()
		if err2 != nil {
			return nil, err2
		}
		n := name(raw, esc)
		var ok bool
		if seen, ok = seen.add(n); !ok {
			return nil, duplicateAt(n, at)
		}
		if err := s.colon(); err != nil {
			return nil, err
		}
		if len(members) > 0 {
			dst = append(dst, ',')
		}
		start := len(dst)
		dst = appendString(dst, n)
		dst = append(dst, ':')
		if dst, err = s.canon(dst, depth+1); err != nil {
			return nil, err
		}
		members = append(members, canonMember{n, start, len(dst)})
		s.skipWS()
		switch s.peek() {
		case ',':
			s.pos++
			continue
		case '}':
			s.pos++
		default:
			return nil, s.unexpected("',' or '}'")
		}
		break
	}
	byName := func(a, b canonMember) int { return bytes.Compare(a.name, b.name) }
	if !slices.IsSortedFunc(members, byName) {
		written := bytes.Clone(dst[open:])
		slices.SortFunc(members, byName)
		dst = append(dst[:open], '{')
		for i, m := range members {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, written[m.start-open:m.end-open]...)
		}
	}
	return append(dst, '}'), nil
}

// AppendString appends s as a JSON string, escaped as Canonical escapes strings (exactly as
// encoding/json does with HTML escaping on; invalid UTF-8 is written as \ufffd).
func AppendString(dst []byte, s string) []byte { return appendString(dst, s) }

const hexDigits = "0123456789abcdef"

// appendString is encoding/json's appendString with escapeHTML, copied so that the
// canonical bytes do not depend on the Go release.
func appendString[Bytes []byte | string](dst []byte, src Bytes) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(src); {
		if b := src[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, src[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default: // other controls, <, > and &
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		n := min(len(src)-i, utf8.UTFMax)
		c, size := utf8.DecodeRuneInString(string(src[i : i+n]))
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, src[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, src[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, src[start:]...)
	return append(dst, '"')
}
