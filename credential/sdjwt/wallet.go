package sdjwt

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/amanah-id/amanah/credential/jws"
)

// SDJWT is an SD-JWT as a holder keeps it: the issuer JWT, its payload and
// all disclosures. Parse does not verify the issuer signature; a wallet that
// must check it calls Verify with KeyBindingOptional on the issuance form.
type SDJWT struct {
	// IssuerJWT is the compact issuer-signed JWT.
	IssuerJWT string
	// Header and Payload are the decoded issuer JWT parts.
	Header, Payload map[string]any
	// Disclosures are all disclosures in transmitted order.
	Disclosures []Disclosure
	// nodes maps each disclosure to its claim path and its ancestor disclosures.
	nodes []node
}

type node struct {
	path  []string
	chain []int // disclosure indexes from outermost to this one
}

// Parse reads an SD-JWT in issuance form ("<jwt>~<d>~...~"), or a
// presentation whose KB-JWT is ignored, and maps each disclosure to its path.
func Parse(s string) (*SDJWT, error) {
	jwt, rest, ok := strings.Cut(s, "~")
	if !ok {
		return nil, Fail(ReasonMalformed, "no '~' separator")
	}
	tok, err := jws.Parse(jwt, nil)
	if err != nil {
		return nil, classify(err, ReasonMalformed)
	}
	payload, err := decodeObject(tok.Payload, DefaultMaxDepth)
	if err != nil {
		return nil, err
	}
	if alg, ok := payload[KeySDAlg]; ok && alg != SDAlg {
		return nil, Fail(ReasonSDAlgUnsupported, "_sd_alg %v", alg)
	}
	sd := &SDJWT{IssuerJWT: jwt, Header: tok.Header, Payload: payload}
	segs := strings.Split(rest, "~")
	segs = segs[:len(segs)-1] // the last segment is the (possibly empty) KB-JWT
	byDigest := make(map[string]int, len(segs))
	for _, seg := range segs {
		if seg == "" {
			return nil, Fail(ReasonMalformed, "empty disclosure segment")
		}
		d, err := ParseDisclosure(seg, DefaultMaxDepth)
		if err != nil {
			return nil, err
		}
		if _, dup := byDigest[d.Digest]; dup {
			return nil, Fail(ReasonDisclosureDuplicate, "disclosure repeated")
		}
		byDigest[d.Digest] = len(sd.Disclosures)
		sd.Disclosures = append(sd.Disclosures, d)
	}
	sd.nodes = make([]node, len(sd.Disclosures))
	found := make([]bool, len(sd.Disclosures))
	var walk func(v any, path []string, chain []int)
	visit := func(i int, path []string, chain []int) {
		if found[i] {
			return
		}
		found[i] = true
		c := append(append([]int(nil), chain...), i)
		sd.nodes[i] = node{path: path, chain: c}
		walk(sd.Disclosures[i].Value, path, c)
	}
	walk = func(v any, path []string, chain []int) {
		switch t := v.(type) {
		case map[string]any:
			for k, e := range t {
				if k != KeySD {
					walk(e, appendPath(path, k), chain)
				}
			}
			arr, _ := t[KeySD].([]any)
			for _, e := range arr {
				dg, _ := e.(string)
				if i, ok := byDigest[dg]; ok && !sd.Disclosures[i].ArrayElement {
					visit(i, appendPath(path, sd.Disclosures[i].Name), chain)
				}
			}
		case []any:
			for idx, e := range t {
				p := appendPath(path, strconv.Itoa(idx))
				if m, ok := e.(map[string]any); ok && len(m) == 1 {
					if dg, ok := m[KeyArray].(string); ok {
						if i, ok := byDigest[dg]; ok && sd.Disclosures[i].ArrayElement {
							visit(i, p, chain)
						}
						continue
					}
				}
				walk(e, p, chain)
			}
		}
	}
	walk(payload, nil, nil)
	for i, f := range found {
		if !f {
			return nil, Fail(ReasonDisclosureUnreferenced, "disclosure %d is not referenced", i)
		}
	}
	return sd, nil
}

func appendPath(path []string, s string) []string {
	return append(append(make([]string, 0, len(path)+1), path...), s)
}

// Paths returns the dotted claim path of every disclosure (array indexes in decimal).
func (s *SDJWT) Paths() []string {
	out := make([]string, len(s.nodes))
	for i, n := range s.nodes {
		out[i] = strings.Join(n.path, ".")
	}
	sort.Strings(out)
	return out
}

// Select returns the disclosures needed to reveal the claims at paths (dotted,
// e.g. "given_name", "address.locality", "nationalities.0"): each claim,
// everything beneath it, and the parent disclosures on its way from the root.
// A path that names no disclosable or plain claim is an error.
func (s *SDJWT) Select(paths ...string) ([]Disclosure, error) {
	split := make([][]string, len(paths))
	for i, p := range paths {
		split[i] = strings.Split(p, ".")
	}
	return s.SelectPaths(split...)
}

// SelectPaths is Select with paths given as segments, for names that contain dots.
func (s *SDJWT) SelectPaths(paths ...[]string) ([]Disclosure, error) {
	want := make([]bool, len(s.Disclosures))
	for _, p := range paths {
		matched := false
		for _, n := range s.nodes {
			if hasPrefix(n.path, p) || hasPrefix(p, n.path) && len(p) > len(n.path) && s.plainBelow(n, p) {
				matched = true
				for _, i := range n.chain {
					want[i] = true
				}
			}
		}
		if !matched && !plainPath(s.Payload, p) {
			return nil, fmt.Errorf("sdjwt: no claim at path %q", strings.Join(p, "."))
		}
	}
	var out []Disclosure
	for i, w := range want {
		if w {
			out = append(out, s.Disclosures[i])
		}
	}
	return out, nil
}

// plainBelow reports whether path p lies inside the plain (non-disclosable)
// part of disclosure n's value, so that revealing n reveals p.
func (s *SDJWT) plainBelow(n node, p []string) bool {
	return plainPath(s.Disclosures[n.chain[len(n.chain)-1]].Value, p[len(n.path):])
}

// plainPath reports whether p names a plain member inside v.
func plainPath(v any, p []string) bool {
	for _, seg := range p {
		switch t := v.(type) {
		case map[string]any:
			e, ok := t[seg]
			if !ok || seg == KeySD {
				return false
			}
			v = e
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(t) {
				return false
			}
			if m, ok := t[i].(map[string]any); ok {
				if _, ref := m[KeyArray]; ref {
					return false
				}
			}
			v = t[i]
		default:
			return false
		}
	}
	return true
}

func hasPrefix(path, prefix []string) bool {
	if len(prefix) > len(path) {
		return false
	}
	for i := range prefix {
		if path[i] != prefix[i] {
			return false
		}
	}
	return true
}

// KeyBinding holds what a holder needs to append a KB-JWT.
type KeyBinding struct {
	// Signer signs with the holder key named by cnf.jwk.
	Signer jws.Signer
	// Nonce and Audience are the verifier's challenge and identifier.
	Nonce, Audience string
	// IssuedAt is the KB-JWT iat (default time.Now).
	IssuedAt time.Time
}

// Present builds a presentation revealing the claims at paths, with a KB-JWT
// when kb is not nil.
func (s *SDJWT) Present(ctx context.Context, paths []string, kb *KeyBinding) (string, error) {
	ds, err := s.Select(paths...)
	if err != nil {
		return "", err
	}
	return Assemble(ctx, s.IssuerJWT, ds, kb)
}

// Assemble serializes issuerJWT and disclosures and, when kb is not nil,
// appends a KB-JWT whose sd_hash covers them.
func Assemble(ctx context.Context, issuerJWT string, ds []Disclosure, kb *KeyBinding) (string, error) {
	var sb strings.Builder
	sb.WriteString(issuerJWT)
	sb.WriteByte('~')
	for _, d := range ds {
		sb.WriteString(d.Encoded)
		sb.WriteByte('~')
	}
	sdPart := sb.String()
	if kb == nil {
		return sdPart, nil
	}
	iat := kb.IssuedAt
	if iat.IsZero() {
		iat = time.Now()
	}
	body, err := json.Marshal(map[string]any{
		"nonce":   kb.Nonce,
		"aud":     kb.Audience,
		"iat":     iat.Unix(),
		"sd_hash": SDHash(sdPart),
	})
	if err != nil {
		return "", fmt.Errorf("sdjwt: encode KB-JWT: %w", err)
	}
	kbJWT, err := jws.Sign(ctx, kb.Signer, map[string]any{"typ": TypKB}, body)
	if err != nil {
		return "", err
	}
	return sdPart + kbJWT, nil
}

// Expanded returns the payload with every disclosure applied: the claims a holder can
// disclose, for matching and display on the holder's side (nothing is verified; `_sd`,
// `_sd_alg` and undisclosed digests are dropped; nesting is followed 32 levels deep).
func (sd *SDJWT) Expanded() map[string]any {
	byDigest := make(map[string]Disclosure, len(sd.Disclosures))
	for _, d := range sd.Disclosures {
		byDigest[d.Digest] = d
	}
	var walk func(v any, depth int) any
	walk = func(v any, depth int) any {
		if depth > 32 {
			return v
		}
		switch t := v.(type) {
		case map[string]any:
			out := map[string]any{}
			for k, x := range t {
				if k != KeySD && k != KeySDAlg {
					out[k] = walk(x, depth+1)
				}
			}
			if list, ok := t[KeySD].([]any); ok {
				for _, x := range list {
					if dg, ok := x.(string); ok {
						if d, ok := byDigest[dg]; ok && !d.ArrayElement {
							out[d.Name] = walk(d.Value, depth+1)
						}
					}
				}
			}
			return out
		case []any:
			out := make([]any, 0, len(t))
			for _, x := range t {
				if m, ok := x.(map[string]any); ok && len(m) == 1 {
					if dg, ok := m[KeyArray].(string); ok {
						if d, ok := byDigest[dg]; ok && d.ArrayElement {
							out = append(out, walk(d.Value, depth+1))
						}
						continue
					}
				}
				out = append(out, walk(x, depth+1))
			}
			return out
		}
		return v
	}
	all, _ := walk(sd.Payload, 0).(map[string]any)
	return all
}
