package jsonstrict

import (
	"bytes"
	"encoding/json"
)

// Member is one name/value pair of an object, in document order.
type Member struct {
	Name  string          // the unescaped name
	Value json.RawMessage // the value as written, without surrounding whitespace
}

// span is a value's position in the input, and its member name.
type span struct {
	name       []byte
	start, end int
}

// Members reads one JSON object and returns its members in document order. The whole
// input is checked; the values are copies, not slices of data.
func Members(data []byte, lim Limits) ([]Member, error) {
	s, err := newScanner(data, lim)
	if err != nil {
		return nil, err
	}
	if s.peek() != '{' {
		return nil, s.wrongType(ErrNotObject)
	}
	s.pos++
	var smallSpans [16]span
	spans := smallSpans[:0]
	var smallNames [8][]byte
	seen := names{list: smallNames[:0]}
	s.skipWS()
	if s.peek() == '}' {
		s.pos++
	} else {
		for {
			s.skipWS()
			if s.peek() != '"' {
				return nil, s.unexpected("a member name")
			}
			at := s.pos
			raw, esc, err := s.str()
			if err != nil {
				return nil, err
			}
			n := name(raw, esc)
			var ok bool
			if seen, ok = seen.add(n); !ok {
				return nil, duplicateAt(n, at)
			}
			if err := s.colon(); err != nil {
				return nil, err
			}
			start := s.pos
			if err := s.skip(1); err != nil {
				return nil, err
			}
			spans = append(spans, span{n, start, s.pos})
			s.skipWS()
			if s.peek() == ',' {
				s.pos++
				continue
			}
			if s.peek() != '}' {
				return nil, s.unexpected("',' or '}'")
			}
			s.pos++
			break
		}
	}
	if err := s.end(); err != nil {
		return nil, err
	}
	if len(spans) == 0 {
		return nil, nil
	}
	out := make([]Member, len(spans))
	c := bytes.Clone(data) // the values must not alias the caller's bytes
	for i, sp := range spans {
		out[i] = Member{Name: string(sp.name), Value: c[sp.start:sp.end:sp.end]}
	}
	return out, nil
}

// Elements reads one JSON array and returns its elements in order (never nil). The whole
// input is checked; the elements are copies, not slices of data.
func Elements(data []byte, lim Limits) ([]json.RawMessage, error) {
	s, err := newScanner(data, lim)
	if err != nil {
		return nil, err
	}
	if s.peek() != '[' {
		return nil, s.wrongType(ErrNotArray)
	}
	s.pos++
	var smallSpans [16]span
	spans := smallSpans[:0]
	s.skipWS()
	if s.peek() == ']' {
		s.pos++
	} else {
		for {
			s.skipWS()
			start := s.pos
			if err := s.skip(1); err != nil {
				return nil, err
			}
			spans = append(spans, span{start: start, end: s.pos})
			s.skipWS()
			if s.peek() == ',' {
				s.pos++
				continue
			}
			if s.peek() != ']' {
				return nil, s.unexpected("',' or ']'")
			}
			s.pos++
			break
		}
	}
	if err := s.end(); err != nil {
		return nil, err
	}
	out := make([]json.RawMessage, len(spans))
	c := bytes.Clone(data) // the elements must not alias the caller's bytes
	for i, sp := range spans {
		out[i] = c[sp.start:sp.end:sp.end]
	}
	return out, nil
}

// String reads one JSON string and returns its value.
func String(data []byte, lim Limits) (string, error) {
	s, err := newScanner(data, lim)
	if err != nil {
		return "", err
	}
	if s.peek() != '"' {
		return "", s.wrongType(ErrNotString)
	}
	raw, esc, err := s.str()
	if err != nil {
		return "", err
	}
	if err := s.end(); err != nil {
		return "", err
	}
	if esc {
		return string(unescape(make([]byte, 0, len(raw)), raw)), nil
	}
	return string(raw), nil
}

// wrongType checks the value at pos and the rest of the input, and reports the first rule
// it breaks or, if it is valid, notType.
func (s *scanner) wrongType(notType error) error {
	at := s.pos
	if err := s.skip(0); err != nil {
		return err
	}
	if err := s.end(); err != nil {
		return err
	}
	return errAt(notType, at)
}
