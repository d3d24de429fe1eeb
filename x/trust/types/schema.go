package types

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"

	errorsmod "cosmossdk.io/errors"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemaURL is the base URL a credential type's schema is compiled under; nothing is ever
// fetched from it (the loader refuses every URL that is not a JSON Schema meta-schema).
const schemaURL = "https://schemas.amanah.invalid/credential-type.json"

// refusingLoader refuses to load any resource: schemas may only refer to themselves (and the
// meta-schemas the library embeds).
type refusingLoader struct{}

// Load refuses url.
func (refusingLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("loading %q is not allowed", url)
}

// SchemaDigest returns the SHA-256 of a schema's bytes.
func SchemaDigest(schema string) []byte {
	sum := sha256.Sum256([]byte(schema))
	return sum[:]
}

// ValidateSchema checks that schema is a JSON Schema (draft 2020-12 unless it says otherwise)
// of a JSON object within the size and depth bounds, compiling it without touching the network
// or the file system, and returns the claim names: the keys of its top-level `properties`.
func ValidateSchema(schema string) ([]string, error) {
	if len(schema) > MaxSchemaBytes {
		return nil, errorsmod.Wrapf(ErrSchemaTooLarge, "%d bytes, the bound is %d", len(schema), MaxSchemaBytes)
	}
	if err := checkDepth([]byte(schema)); err != nil {
		return nil, errorsmod.Wrap(ErrInvalidSchema, err.Error())
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(schema)))
	if err != nil {
		return nil, errorsmod.Wrapf(ErrInvalidSchema, "not JSON: %v", err)
	}
	obj, ok := doc.(map[string]any)
	if !ok {
		return nil, errorsmod.Wrap(ErrInvalidSchema, "schema is not a JSON object")
	}
	if t, ok := obj["type"]; !ok || t != "object" {
		return nil, errorsmod.Wrap(ErrInvalidSchema, `schema must have "type": "object"`)
	}
	props, ok := obj["properties"].(map[string]any)
	if !ok || len(props) == 0 {
		return nil, errorsmod.Wrap(ErrInvalidSchema, `schema must have a non-empty "properties" object`)
	}
	if len(props) > MaxClaims {
		return nil, errorsmod.Wrapf(ErrInvalidSchema, "%d properties, the bound is %d", len(props), MaxClaims)
	}
	claims := make([]string, 0, len(props))
	for name := range props {
		if err := validateClaimName(name); err != nil {
			return nil, errorsmod.Wrap(ErrInvalidSchema, err.Error())
		}
		claims = append(claims, name)
	}
	sort.Strings(claims)

	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.UseLoader(refusingLoader{})
	if err := c.AddResource(schemaURL, doc); err != nil {
		return nil, errorsmod.Wrapf(ErrInvalidSchema, "%v", err)
	}
	if _, err := c.Compile(schemaURL); err != nil {
		var load *jsonschema.LoadURLError
		var scheme *jsonschema.UnsupportedURLSchemeError
		if errors.As(err, &load) || errors.As(err, &scheme) {
			return nil, errorsmod.Wrapf(ErrSchemaRemoteRef, "%v", err)
		}
		return nil, errorsmod.Wrapf(ErrInvalidSchema, "%v", err)
	}
	return claims, nil
}

// checkDepth rejects JSON nested deeper than MaxSchemaDepth before the library recurses into
// it, and objects with duplicate member names (readers would disagree on which one counts).
func checkDepth(b []byte) error {
	type frame struct {
		object  bool
		wantKey bool
		keys    map[string]bool
	}
	var stack []*frame
	valueDone := func() {
		if n := len(stack); n > 0 && stack[n-1].object {
			stack[n-1].wantKey = true
		}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("not JSON: %w", err)
		}
		top := (*frame)(nil)
		if n := len(stack); n > 0 {
			top = stack[n-1]
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{', '[':
				if top != nil && top.object {
					top.wantKey = false
				}
				if len(stack) >= MaxSchemaDepth {
					return fmt.Errorf("nested deeper than %d", MaxSchemaDepth)
				}
				stack = append(stack, &frame{object: v == '{', wantKey: v == '{', keys: map[string]bool{}})
			default:
				stack = stack[:len(stack)-1]
				valueDone()
			}
		case string:
			if top != nil && top.object && top.wantKey {
				if top.keys[v] {
					return fmt.Errorf("duplicate member %q", v)
				}
				top.keys[v] = true
				top.wantKey = false
				continue
			}
			valueDone()
		default:
			valueDone()
		}
	}
}

// SchemaClaims returns the claim names of an already validated schema (the keys of its
// top-level `properties`), sorted, without compiling it.
func SchemaClaims(schema string) ([]string, error) {
	var top struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal([]byte(schema), &top); err != nil {
		return nil, errorsmod.Wrapf(ErrInvalidSchema, "%v", err)
	}
	claims := make([]string, 0, len(top.Properties))
	for name := range top.Properties {
		claims = append(claims, name)
	}
	sort.Strings(claims)
	return claims, nil
}
