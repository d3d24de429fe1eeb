package jsonstrict

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// DefaultMaxDepth is the depth limit used when Limits.MaxDepth is zero.
const DefaultMaxDepth = 32

// Limits bound what a reader accepts (see the package comment for how depth is counted).
type Limits struct {
	// MaxDepth is the deepest accepted value; zero or less means DefaultMaxDepth.
	MaxDepth int
	// MaxBytes is the longest accepted input; zero means no limit.
	MaxBytes int
}

// scanner reads one input. Its methods share the rules; the readers (decode.go, members.go,
// canonical.go) differ only in what they build.
type scanner struct {
	data     []byte
	pos      int
	maxDepth int
}

// newScanner checks the size limit and returns a scanner at the first non-space byte.
func newScanner(data []byte, lim Limits) (scanner, error) {
	if lim.MaxBytes > 0 && len(data) > lim.MaxBytes {
		return scanner{}, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(data), lim.MaxBytes)
	}
	s := scanner{data: data, maxDepth: lim.MaxDepth}
	if s.maxDepth <= 0 {
		s.maxDepth = DefaultMaxDepth
	}
	s.skipWS()
	return s, nil
}

// end checks that only whitespace follows the value.
func (s *scanner) end() error {
	s.skipWS()
	if s.pos != len(s.data) {
		return errAt(ErrTrailingData, s.pos)
	}
	return nil
}

func (s *scanner) skipWS() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// peek returns the byte at pos, or 0 at the end of the input.
func (s *scanner) peek() byte {
	if s.pos < len(s.data) {
		return s.data[s.pos]
	}
	return 0
}

func (s *scanner) tooDeep() error { return errAt(ErrTooDeep, s.pos) }

// literal reads true, false or null.
func (s *scanner) literal(lit string) error {
	if len(s.data)-s.pos < len(lit) || string(s.data[s.pos:s.pos+len(lit)]) != lit {
		return syntaxAt(s.pos, "invalid literal")
	}
	s.pos += len(lit)
	return nil
}

// number reads a number and returns its text.
func (s *scanner) number() ([]byte, error) {
	start := s.pos
	if s.data[s.pos] == '-' {
		s.pos++
	}
	switch c := s.peek(); {
	case c == '0':
		s.pos++
	case c >= '1' && c <= '9':
		s.digits()
	default:
		return nil, syntaxAt(s.pos, "invalid number")
	}
	if s.peek() == '.' {
		s.pos++
		if s.digits() == 0 {
			return nil, syntaxAt(s.pos, "invalid number fraction")
		}
	}
	if c := s.peek(); c == 'e' || c == 'E' {
		s.pos++
		if c := s.peek(); c == '+' || c == '-' {
			s.pos++
		}
		if s.digits() == 0 {
			return nil, syntaxAt(s.pos, "invalid number exponent")
		}
	}
	return s.data[start:s.pos], nil
}

func (s *scanner) digits() int {
	n := 0
	for s.pos < len(s.data) && s.data[s.pos] >= '0' && s.data[s.pos] <= '9' {
		s.pos++
		n++
	}
	return n
}

// plainASCII holds the bytes a string may contain as they are: printable ASCII other than
// '"' and '\\'.
var plainASCII = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// str reads the string whose opening quote is at pos and returns the bytes between the
// quotes, checked, and whether they contain escapes (unescape gives the value then).
func (s *scanner) str() (raw []byte, escaped bool, err error) {
	s.pos++ // '"'
	start := s.pos
	for s.pos < len(s.data) && plainASCII[s.data[s.pos]] {
		s.pos++
	}
	ascii := true
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		switch {
		case c == '"':
			raw = s.data[start:s.pos]
			s.pos++
			if !ascii && !utf8.Valid(raw) {
				return nil, false, errAt(ErrInvalidUTF8, start-1)
			}
			return raw, escaped, nil
		case c == '\\':
			escaped = true
			if err := s.escape(); err != nil {
				return nil, false, err
			}
			continue
		case c < 0x20:
			return nil, false, syntaxAt(s.pos, "control character in string")
		case c >= utf8.RuneSelf:
			ascii = false
		}
		s.pos++
	}
	return nil, false, syntaxAt(s.pos, "unterminated string")
}

// escape checks the escape sequence at pos and moves past it.
func (s *scanner) escape() error {
	at := s.pos
	s.pos++ // '\\'
	if s.pos >= len(s.data) {
		return syntaxAt(s.pos, "unterminated string")
	}
	e := s.data[s.pos]
	s.pos++
	switch e {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return nil
	case 'u':
	default:
		return syntaxAt(at, "invalid escape")
	}
	r, ok := s.hex4()
	if !ok {
		return syntaxAt(at, "invalid \\u escape")
	}
	switch {
	case r < 0xD800 || r > 0xDFFF:
		return nil
	case r >= 0xDC00: // low surrogate first
		return errAt(ErrLoneSurrogate, at)
	}
	if len(s.data)-s.pos < 2 || s.data[s.pos] != '\\' || s.data[s.pos+1] != 'u' {
		return errAt(ErrLoneSurrogate, at)
	}
	s.pos += 2
	r2, ok := s.hex4()
	if !ok {
		return syntaxAt(s.pos-2, "invalid \\u escape")
	}
	if r2 < 0xDC00 || r2 > 0xDFFF {
		return errAt(ErrLoneSurrogate, at)
	}
	return nil
}

// hex4 reads four hex digits.
func (s *scanner) hex4() (rune, bool) {
	if len(s.data)-s.pos < 4 {
		return 0, false
	}
	var r rune
	for _, c := range s.data[s.pos : s.pos+4] {
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
	s.pos += 4
	return r, true
}

// unescape appends the value of raw, the checked content of a string with escapes.
func unescape(dst, raw []byte) []byte {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			dst = append(dst, c)
			continue
		}
		i++
		switch raw[i] {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r := hexRune(raw[i+1 : i+5])
			i += 4
			if r >= 0xD800 && r < 0xDC00 { // checked: a low surrogate escape follows
				r = (r-0xD800)<<10 | (hexRune(raw[i+3:i+7]) - 0xDC00) + 0x10000
				i += 6
			}
			dst = utf8.AppendRune(dst, r)
		default: // '"', '\\', '/'
			dst = append(dst, raw[i])
		}
	}
	return dst
}

// hexRune decodes four checked hex digits.
func hexRune(h []byte) rune {
	var r rune
	for _, c := range h {
		switch {
		case c <= '9':
			c -= '0'
		case c >= 'a':
			c = c - 'a' + 10
		default:
			c = c - 'A' + 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// name returns the value of a member name read by str, without copying when it has no escapes.
func name(raw []byte, escaped bool) []byte {
	if !escaped {
		return raw
	}
	return unescape(make([]byte, 0, len(raw)), raw)
}

// smallObject is the member count up to which names are checked for repeats by linear scan.
const smallObject = 16

// names detects repeated member names in one object. Its methods take and return it by
// value, so that a caller's small backing array can stay on the stack.
type names struct {
	list [][]byte
	set  map[string]struct{} // once the object has more than smallObject members
}

// add records n; ok is false if the object already has it.
func (ns names) add(n []byte) (_ names, ok bool) {
	if ns.set != nil {
		if _, dup := ns.set[string(n)]; dup {
			return ns, false
		}
		ns.set[string(n)] = struct{}{}
		return ns, true
	}
	for _, m := range ns.list {
		if bytes.Equal(m, n) {
			return ns, false
		}
	}
	ns.list = append(ns.list, n)
	if len(ns.list) > smallObject {
		ns.set = make(map[string]struct{}, 2*len(ns.list))
		for _, m := range ns.list {
			ns.set[string(m)] = struct{}{}
		}
	}
	return ns, true
}

// skip checks the value at pos (at the given depth) and moves past it.
func (s *scanner) skip(depth int) error {
	if depth > s.maxDepth {
		return s.tooDeep()
	}
	switch c := s.peek(); {
	case c == '{':
		return s.skipObject(depth)
	case c == '[':
		s.pos++
		s.skipWS()
		if s.peek() == ']' {
			s.pos++
			return nil
		}
		for {
			s.skipWS()
			if err := s.skip(depth + 1); err != nil {
				return err
			}
			s.skipWS()
			switch s.peek() {
			case ',':
				s.pos++
			case ']':
				s.pos++
				return nil
			default:
				return s.unexpected("',' or ']'")
			}
		}
	case c == '"':
		_, _, err := s.str()
		return err
	case c == '-' || (c >= '0' && c <= '9'):
		_, err := s.number()
		return err
	}
	return s.scalarLiteral()
}

func (s *scanner) skipObject(depth int) error {
	s.pos++ // '{'
	s.skipWS()
	if s.peek() == '}' {
		s.pos++
		return nil
	}
	var small [8][]byte
	seen := names{list: small[:0]}
	for {
		s.skipWS()
		if s.peek() != '"' {
			return s.unexpected("a member name")
		}
		at := s.pos
		raw, esc, err := s.str()
		if err != nil {
			return err
		}
		n := name(raw, esc)
		var ok bool
		if seen, ok = seen.add(n); !ok {
			return duplicateAt(n, at)
		}
		if err := s.colon(); err != nil {
			return err
		}
		if err := s.skip(depth + 1); err != nil {
			return err
		}
		s.skipWS()
		switch s.peek() {
		case ',':
			s.pos++
		case '}':
			s.pos++
			return nil
		default:
			return s.unexpected("',' or '}'")
		}
	}
}

// colon reads the ':' after a member name and the whitespace around it.
func (s *scanner) colon() error {
	s.skipWS()
	if s.peek() != ':' {
		return s.unexpected("':'")
	}
	s.pos++
	s.skipWS()
	return nil
}

// scalarLiteral reads true, false or null, or reports what is at pos.
func (s *scanner) scalarLiteral() error {
	switch s.peek() {
	case 't':
		return s.literal("true")
	case 'f':
		return s.literal("false")
	case 'n':
		return s.literal("null")
	}
	return s.unexpected("a value")
}

// unexpected reports the byte at pos where want was expected.
func (s *scanner) unexpected(want string) error {
	if s.pos >= len(s.data) {
		return syntaxAt(s.pos, "unexpected end of input, want "+want)
	}
	return syntaxAt(s.pos, "want "+want)
}
