package sdjwt

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/amanah-id/amanah/credential/jws"
)

// ConcealOptions controls how Conceal makes claims selectively disclosable.
type ConcealOptions struct {
	// Visible lists top-level claim names left in plain text (registered
	// claims such as iss, vct, iat, exp, cnf, status). Every other claim, and
	// recursively every member of nested objects and every array element, is
	// made selectively disclosable.
	Visible []string
	// MaxDecoys adds a random number (0..MaxDecoys) of decoy digests to each
	// _sd array; 0 means no decoys.
	MaxDecoys int
	// Rand is the randomness for salts and decoys; nil means crypto/rand.
	Rand io.Reader
}

// Conceal returns an SD-JWT payload for claims (with _sd_alg set) and the disclosures
// that reveal each concealed claim. claims is not modified.
func Conceal(claims map[string]any, opts ConcealOptions) (map[string]any, []Disclosure, error) {
	c := concealer{opts: opts, rnd: opts.Rand}
	if c.rnd == nil {
		c.rnd = rand.Reader
	}
	payload := make(map[string]any, len(opts.Visible)+2)
	hidden := make(map[string]any, len(claims))
	for k, v := range claims {
		if k == KeySD || k == KeyArray || k == KeySDAlg {
			return nil, nil, fmt.Errorf("sdjwt: reserved claim name %q", k)
		}
		if slices.Contains(opts.Visible, k) {
			payload[k] = v
		} else {
			hidden[k] = v
		}
	}
	obj, err := c.object(hidden)
	if err != nil {
		return nil, nil, err
	}
	if sd, ok := obj[KeySD]; ok {
		payload[KeySD] = sd
	}
	payload[KeySDAlg] = SDAlg
	return payload, c.out, nil
}

type concealer struct {
	opts ConcealOptions
	rnd  io.Reader
	out  []Disclosure
}

func (c *concealer) value(v any) (any, error) {
	switch t := v.(type) {
	case map[string]any:
		return c.object(t)
	case []any:
		return c.array(t)
	default:
		return v, nil
	}
}

// object conceals every member of m and returns {"_sd": [...]}.
func (c *concealer) object(m map[string]any) (map[string]any, error) {
	names := make([]string, 0, len(m))
	for k := range m {
		if k == KeySD || k == KeyArray {
			return nil, fmt.Errorf("sdjwt: reserved claim name %q", k)
		}
		names = append(names, k)
	}
	sort.Strings(names)
	digests := make([]string, 0, len(names)+c.opts.MaxDecoys)
	for _, k := range names {
		inner, err := c.value(m[k])
		if err != nil {
			return nil, err
		}
		d, err := c.disclose(k, inner, false)
		if err != nil {
			return nil, err
		}
		digests = append(digests, d.Digest)
	}
	decoys, err := c.decoys()
	if err != nil {
		return nil, err
	}
	digests = append(digests, decoys...)
	if len(digests) == 0 {
		return map[string]any{}, nil
	}
	sort.Strings(digests)
	sd := make([]any, len(digests))
	for i, d := range digests {
		sd[i] = d
	}
	return map[string]any{KeySD: sd}, nil
}

// array replaces every element of a with {"...": digest}.
func (c *concealer) array(a []any) ([]any, error) {
	out := make([]any, len(a))
	for i, e := range a {
		inner, err := c.value(e)
		if err != nil {
			return nil, err
		}
		d, err := c.disclose("", inner, true)
		if err != nil {
			return nil, err
		}
		out[i] = map[string]any{KeyArray: d.Digest}
	}
	return out, nil
}

func (c *concealer) disclose(name string, v any, arrayElement bool) (Disclosure, error) {
	salt, err := NewSalt(c.rnd)
	if err != nil {
		return Disclosure{}, err
	}
	d, err := NewDisclosure(salt, name, v, arrayElement)
	if err != nil {
		return Disclosure{}, err
	}
	c.out = append(c.out, d)
	return d, nil
}

func (c *concealer) decoys() ([]string, error) {
	if c.opts.MaxDecoys <= 0 {
		return nil, nil
	}
	var b [8]byte
	if _, err := io.ReadFull(c.rnd, b[:]); err != nil {
		return nil, fmt.Errorf("sdjwt: decoy count: %w", err)
	}
	n := int(binary.LittleEndian.Uint64(b[:]) % uint64(c.opts.MaxDecoys+1))
	out := make([]string, n)
	for i := range out {
		salt, err := NewSalt(c.rnd)
		if err != nil {
			return nil, err
		}
		out[i] = DigestOf(salt)
	}
	return out, nil
}

// Issue signs payload as the issuer-signed JWT with the extra header members
// hdr and returns the SD-JWT in issuance form: "<jwt>~<disclosure>~...~".
func Issue(ctx context.Context, signer jws.Signer, hdr map[string]any, payload map[string]any, disclosures []Disclosure) (string, error) {
	body, err := json.Marshal(payload)
	if err != nil {
		return "", fmt.Errorf("sdjwt: encode payload: %w", err)
	}
	jwt, err := jws.Sign(ctx, signer, hdr, body)
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	sb.WriteString(jwt)
	sb.WriteByte('~')
	for _, d := range disclosures {
		sb.WriteString(d.Encoded)
		sb.WriteByte('~')
	}
	return sb.String(), nil
}
