package didcore

import (
	"fmt"
	"net/url"
	"strings"
)

// MaxDIDURLLength bounds every DID, DID URL and URI this package parses.
const MaxDIDURLLength = 2048

// DID is a parsed DID: "did:" Method ":" ID.
type DID struct {
	Method string // method-name, [a-z0-9]+
	ID     string // method-specific-id, may contain ':' and pct-encoded octets
}

// String returns the DID string.
func (d DID) String() string { return "did:" + d.Method + ":" + d.ID }

// URL returns the DID as a DID URL with no path, query or fragment.
func (d DID) URL() DIDURL { return DIDURL{Method: d.Method, ID: d.ID} }

// DIDURL is a parsed DID URL: a DID plus optional path, query and fragment.
// An empty Query or Fragment is written without its '?' or '#' delimiter.
type DIDURL struct {
	Method   string
	ID       string
	Path     string // path-abempty, including the leading '/'
	Query    string // without the '?'
	Fragment string // without the '#'
}

// DID returns the DID part of the DID URL.
func (u DIDURL) DID() DID { return DID{Method: u.Method, ID: u.ID} }

// String returns the DID URL string.
func (u DIDURL) String() string {
	var b strings.Builder
	b.Grow(len(u.Method) + len(u.ID) + len(u.Path) + len(u.Query) + len(u.Fragment) + 7)
	b.WriteString("did:")
	b.WriteString(u.Method)
	b.WriteByte(':')
	b.WriteString(u.ID)
	b.WriteString(u.Path)
	if u.Query != "" {
		b.WriteByte('?')
		b.WriteString(u.Query)
	}
	if u.Fragment != "" {
		b.WriteByte('#')
		b.WriteString(u.Fragment)
	}
	return b.String()
}

// IsDID reports whether the DID URL has no path, query or fragment.
func (u DIDURL) IsDID() bool { return u.Path == "" && u.Query == "" && u.Fragment == "" }

// ParseDID parses a DID (no path, query or fragment) per the DID Core ABNF.
func ParseDID(s string) (DID, error) {
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		return DID{}, fmt.Errorf("%w: %q has a path, query or fragment", ErrInvalidDID, truncate(s))
	}
	u, err := parseDIDURL(s)
	if err != nil {
		return DID{}, fmt.Errorf("%w: %w", ErrInvalidDID, err)
	}
	return u.DID(), nil
}

// ParseDIDURL parses an absolute DID URL per the DID Core ABNF (RFC 3986 path, query, fragment).
func ParseDIDURL(s string) (DIDURL, error) {
	u, err := parseDIDURL(s)
	if err != nil {
		return DIDURL{}, fmt.Errorf("%w: %w", ErrInvalidDIDURL, err)
	}
	return u, nil
}

func parseDIDURL(s string) (DIDURL, error) {
	if len(s) > MaxDIDURLLength {
		return DIDURL{}, fmt.Errorf("%d bytes exceeds %d", len(s), MaxDIDURLLength)
	}
	rest, ok := strings.CutPrefix(s, "did:")
	if !ok {
		return DIDURL{}, fmt.Errorf("%q does not start with \"did:\"", truncate(s))
	}
	i := 0
	for i < len(rest) && isMethodChar(rest[i]) {
		i++
	}
	if i == 0 || i == len(rest) || rest[i] != ':' {
		return DIDURL{}, fmt.Errorf("%q: method name must be [a-z0-9]+ followed by ':'", truncate(s))
	}
	var u DIDURL
	u.Method, rest = rest[:i], rest[i+1:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	u.ID, rest = rest[:end], rest[end:]
	if err := checkMethodSpecificID(u.ID); err != nil {
		return DIDURL{}, fmt.Errorf("%q: %w", truncate(s), err)
	}
	if fi := strings.IndexByte(rest, '#'); fi >= 0 {
		u.Fragment, rest = rest[fi+1:], rest[:fi]
		if !validChars(u.Fragment, true) {
			return DIDURL{}, fmt.Errorf("%q: invalid fragment", truncate(s))
		}
	}
	if qi := strings.IndexByte(rest, '?'); qi >= 0 {
		u.Query, rest = rest[qi+1:], rest[:qi]
		if !validChars(u.Query, true) {
			return DIDURL{}, fmt.Errorf("%q: invalid query", truncate(s))
		}
	}
	u.Path = rest // empty or starts with '/'
	if !validChars(u.Path, false) {
		return DIDURL{}, fmt.Errorf("%q: invalid path", truncate(s))
	}
	return u, nil
}

// checkMethodSpecificID checks *( *idchar ":" ) 1*idchar.
func checkMethodSpecificID(id string) error {
	if id == "" {
		return fmt.Errorf("empty method-specific id")
	}
	if id[len(id)-1] == ':' {
		return fmt.Errorf("method-specific id ends with ':'")
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c == ':' || isAlnum(c) || c == '.' || c == '-' || c == '_':
		case c == '%':
			if !pctAt(id, i) {
				return fmt.Errorf("bad percent-encoding in method-specific id")
			}
			i += 2
		default:
			return fmt.Errorf("character %q not allowed in method-specific id", c)
		}
	}
	return nil
}

// validChars checks path-abempty chars (pchar and '/'), or with q also '?' (query, fragment).
func validChars(s string, q bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isPchar(c) || c == '/':
		case q && c == '?':
		case c == '%':
			if !pctAt(s, i) {
				return false
			}
			i += 2
		default:
			return false
		}
	}
	return true
}

func isMethodChar(c byte) bool { return ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') }

func isAlnum(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

func isHex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

func pctAt(s string, i int) bool { return i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) }

// isPchar is unreserved / sub-delims / ":" / "@" (pct-encoded handled by callers).
func isPchar(c byte) bool {
	if isAlnum(c) {
		return true
	}
	switch c {
	case '-', '.', '_', '~', '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', ':', '@':
		return true
	}
	return false
}

// ResolveReference resolves ref against base: "#frag" and "?query[#frag]" are relative, anything else must be an absolute DID URL.
func ResolveReference(base DID, ref string) (DIDURL, error) {
	if strings.HasPrefix(ref, "#") || strings.HasPrefix(ref, "?") {
		return ParseDIDURL(base.String() + ref)
	}
	return ParseDIDURL(ref)
}

// validURI reports whether s is an RFC 3986 URI (absolute, with a scheme) or, if !absolute, a URI-reference.
func validURI(s string, absolute bool) bool {
	if s == "" || len(s) > MaxDIDURLLength {
		return false
	}
	hashes := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isPchar(c) || c == '/' || c == '?' || c == '[' || c == ']':
		case c == '#':
			hashes++
		case c == '%':
			if !pctAt(s, i) {
				return false
			}
			i += 2
		default:
			return false
		}
	}
	if hashes > 1 {
		return false
	}
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	if !absolute {
		return true
	}
	if u.Scheme == "" || !isAlpha(s[0]) {
		return false
	}
	for i := 0; i < len(u.Scheme); i++ {
		c := u.Scheme[i]
		if !isAlnum(c) && c != '+' && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

func isAlpha(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }

// truncate shortens s for error messages.
func truncate(s string) string {
	const n = 96
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
