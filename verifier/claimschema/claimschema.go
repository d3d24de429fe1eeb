// Package claimschema checks the disclosed claims of a selectively disclosed
// credential against the JSON Schema its credential type has in x/trust.
//
// A presentation discloses a subset of the credential's claims, so the
// schema cannot be applied to the disclosed object as a whole: `required`,
// `minProperties`, `dependentRequired` and the like would refuse every
// honest presentation that withholds a claim. Instead each disclosed
// top-level claim is validated against its own subschema,
// `properties.<name>` (with `$ref`s into the rest of the schema resolved);
// a claim the schema's `properties` do not name is invalid, whatever
// `additionalProperties` or `patternProperties` say. Keywords of the
// top-level object itself are not applied.
//
// Schemas are compiled without touching the network or the file system: a
// loader refuses every URL, so a `$ref` or `$schema` naming anything but the
// schema itself or a meta-schema the library embeds fails to compile.
package claimschema

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Bounds on a schema; x/trust registers none beyond them.
const (
	// MaxSchemaBytes bounds a schema's JSON text (x/trust's bound).
	MaxSchemaBytes = 32 << 10
	// MaxSchemaDepth bounds the nesting of a schema's JSON.
	MaxSchemaDepth = 32
)

// baseURL is the URL a schema is compiled under; nothing is fetched from it.
const baseURL = "https://schemas.amanah.invalid/credential-type.json"

var (
	// ErrSchema: the schema cannot be used (not JSON, too large or deep, not
	// a JSON Schema, or it refers to a remote resource).
	ErrSchema = errors.New("claimschema: unusable schema")
	// ErrClaim: a claim is not in the schema or does not match its subschema.
	ErrClaim = errors.New("claimschema: claim does not match the schema")
)

// refusingLoader loads nothing: no remote schema is ever fetched.
type refusingLoader struct{}

// Load refuses url.
func (refusingLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("loading %q is not allowed", url)
}

// Schema is a compiled credential-type schema: the subschema of each claim.
type Schema struct {
	claims map[string]*jsonschema.Schema
}

// Compile compiles a credential type's JSON Schema (draft 2020-12 unless its
// `$schema` names another embedded draft).
func Compile(schema string) (*Schema, error) {
	if len(schema) > MaxSchemaBytes {
		return nil, fmt.Errorf("%w: %d bytes (max %d)", ErrSchema, len(schema), MaxSchemaBytes)
	}
	if err := checkDepth(schema); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSchema, err)
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(schema))
	if err != nil {
		return nil, fmt.Errorf("%w: not JSON: %v", ErrSchema, err)
	}
	if _, ok := doc.(map[string]any); !ok {
		return nil, fmt.Errorf("%w: not a JSON object", ErrSchema)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.UseLoader(refusingLoader{})
	if err := c.AddResource(baseURL, doc); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSchema, err)
	}
	root, err := c.Compile(baseURL)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSchema, err)
	}
	s := &Schema{claims: make(map[string]*jsonschema.Schema, len(root.Properties))}
	for name, sub := range root.Properties {
		s.claims[name] = sub
	}
	return s, nil
}

// Claims reports how many claims the schema defines.
func (s *Schema) Claims() int { return len(s.claims) }

// ValidateClaim checks one disclosed claim: name must be one of the schema's
// properties and value must match its subschema. value is decoded JSON
// (map[string]any, []any, string, json.Number or float64, bool, nil).
func (s *Schema) ValidateClaim(name string, value any) error {
	sub, ok := s.claims[name]
	if !ok {
		return fmt.Errorf("%w: %q is not a claim of the credential type", ErrClaim, name)
	}
	if err := sub.Validate(value); err != nil {
		return fmt.Errorf("%w: %q: %v", ErrClaim, name, err)
	}
	return nil
}

// Validate checks every claim for which skip (if not nil) returns false.
func (s *Schema) Validate(claims map[string]any, skip func(name string) bool) error {
	for name, v := range claims {
		if skip != nil && skip(name) {
			continue
		}
		if err := s.ValidateClaim(name, v); err != nil {
			return err
		}
	}
	return nil
}

// checkDepth refuses JSON nested deeper than MaxSchemaDepth before the
// decoder and the compiler recurse into it.
func checkDepth(s string) error {
	depth, inString, escaped := 0, false, false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case ch == '\\':
				escaped = true
			case ch == '"':
				inString = false
			}
		case ch == '"':
			inString = true
		case ch == '{' || ch == '[':
			if depth++; depth > MaxSchemaDepth {
				return fmt.Errorf("nested deeper than %d", MaxSchemaDepth)
			}
		case ch == '}' || ch == ']':
			depth--
		}
	}
	return nil
}

// DefaultCacheSize is the number of compiled schemas a Cache keeps.
const DefaultCacheSize = 1024

type cacheKey struct {
	vct    string
	sha256 [32]byte
}

type cacheEntry struct {
	s   *Schema
	err error
}

// Cache keeps compiled schemas by credential type and schema digest, so that
// each registered schema is compiled once (a failure is remembered too). It
// is safe for concurrent use.
type Cache struct {
	max int
	mu  sync.RWMutex
	m   map[cacheKey]cacheEntry
}

// NewCache returns a cache of at most size schemas (DefaultCacheSize if size <= 0).
func NewCache(size int) *Cache {
	if size <= 0 {
		size = DefaultCacheSize
	}
	return &Cache{max: size, m: make(map[cacheKey]cacheEntry)}
}

// Get returns the compiled schema of vct whose JSON text is schema and whose
// SHA-256 is sum (the caller computes it once per schema it reads), compiling
// it on the first call.
func (c *Cache) Get(vct string, sum [32]byte, schema string) (*Schema, error) {
	k := cacheKey{vct, sum}
	c.mu.RLock()
	e, ok := c.m[k]
	c.mu.RUnlock()
	if ok {
		return e.s, e.err
	}
	e.s, e.err = Compile(schema)
	c.mu.Lock()
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[k] = e
	c.mu.Unlock()
	return e.s, e.err
}

// Len returns the number of cached schemas.
func (c *Cache) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}
