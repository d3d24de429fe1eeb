package sdjwt

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/amanah-id/amanah/jsonstrict"
)

// SDAlg is the only digest algorithm issued and accepted.
const SDAlg = "sha-256"

// Reserved member names of the SD-JWT payload structure.
const (
	KeySD    = "_sd"
	KeySDAlg = "_sd_alg"
	KeyArray = "..."
)

// SaltBytes is the salt length: 128 bits, as RFC 9901 recommends.
const SaltBytes = 16

var b64 = base64.RawURLEncoding.Strict()

// Disclosure is one decoded disclosure with its transmitted form and digest.
type Disclosure struct {
	// Encoded is the base64url form as it appears between '~' separators.
	Encoded string
	// Digest is base64url(SHA-256(Encoded)).
	Digest string
	// Salt is the disclosure's salt.
	Salt string
	// Name is the claim name; empty for an array element.
	Name string
	// Value is the claim value (jsonstrict.Decode value types).
	Value any
	// ArrayElement reports a two-element disclosure of an array element.
	ArrayElement bool
}

// DigestOf returns base64url(SHA-256(encoded)), the digest of a disclosure.
func DigestOf(encoded string) string {
	sum := sha256.Sum256([]byte(encoded))
	return b64.EncodeToString(sum[:])
}

// NewSalt returns a random 128-bit base64url salt read from r (crypto/rand if nil).
func NewSalt(r io.Reader) (string, error) {
	if r == nil {
		r = rand.Reader
	}
	var b [SaltBytes]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("sdjwt: salt: %w", err)
	}
	return b64.EncodeToString(b[:]), nil
}

// NewDisclosure builds an object-property disclosure (name non-empty) or an
// array-element disclosure (name empty).
func NewDisclosure(salt, name string, value any, arrayElement bool) (Disclosure, error) {
	if !arrayElement && (name == KeySD || name == KeyArray || name == "") {
		return Disclosure{}, fmt.Errorf("sdjwt: claim name %q cannot be disclosed", name)
	}
	arr := []any{salt, name, value}
	if arrayElement {
		arr = []any{salt, value}
		name = ""
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(arr); err != nil {
		return Disclosure{}, fmt.Errorf("sdjwt: encode disclosure: %w", err)
	}
	raw := bytes.TrimSuffix(buf.Bytes(), []byte{'\n'})
	encoded := b64.EncodeToString(raw)
	return Disclosure{Encoded: encoded, Digest: DigestOf(encoded), Salt: salt, Name: name, Value: value, ArrayElement: arrayElement}, nil
}

var errDisclosure = errors.New("disclosure")

// ParseDisclosure decodes one transmitted disclosure strictly (JSON depth limit maxDepth).
func ParseDisclosure(encoded string, maxDepth int) (Disclosure, error) {
	eb := []byte(encoded)
	raw := make([]byte, b64.DecodedLen(len(eb)))
	n, err := b64.Decode(raw, eb)
	if err != nil {
		return Disclosure{}, &VerifyError{Reason: ReasonDisclosureInvalid, Err: fmt.Errorf("base64url: %w", err)}
	}
	v, err := jsonstrict.Decode(raw[:n], jsonstrict.Limits{MaxDepth: maxDepth})
	if err != nil {
		ve := classify(err, ReasonDisclosureInvalid)
		if ve.Reason == ReasonMalformed {
			ve.Reason = ReasonDisclosureInvalid
		}
		return Disclosure{}, ve
	}
	arr, ok := v.([]any)
	if !ok {
		return Disclosure{}, Fail(ReasonDisclosureInvalid, "%w: not a JSON array", errDisclosure)
	}
	sum := sha256.Sum256(eb)
	d := Disclosure{Encoded: encoded, Digest: b64.EncodeToString(sum[:])}
	switch len(arr) {
	case 2:
		d.ArrayElement = true
		d.Value = arr[1]
	case 3:
		name, ok := arr[1].(string)
		if !ok {
			return Disclosure{}, Fail(ReasonDisclosureInvalid, "%w: claim name is not a string", errDisclosure)
		}
		if name == KeySD || name == KeyArray {
			return Disclosure{}, Fail(ReasonDisclosureInvalid, "%w: reserved claim name %q", errDisclosure, name)
		}
		d.Name = name
		d.Value = arr[2]
	default:
		return Disclosure{}, Fail(ReasonDisclosureInvalid, "%w: %d elements", errDisclosure, len(arr))
	}
	if d.Salt, ok = arr[0].(string); !ok {
		return Disclosure{}, Fail(ReasonDisclosureInvalid, "%w: salt is not a string", errDisclosure)
	}
	return d, nil
}
