// Package typemeta builds SD-JWT VC Type Metadata (draft-ietf-oauth-sd-jwt-vc, "Type
// Metadata") for a credential type (as x/trust registers it; no chain dependency here): name, description, display, one
// claim entry per schema property (display label, and sd "always" for the type's selectively
// disclosable claims, "never" otherwise) and the JSON Schema. The bytes are deterministic, so
// every node and the issuer service serve the same document and an issued credential binds it
// with vct#integrity (W3C Subresource Integrity, sha256).
package typemeta

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// Display is a display entry.
type Display struct {
	Locale      string `json:"locale"`
	Name        string `json:"name,omitempty"`
	Label       string `json:"label,omitempty"`
	Description string `json:"description,omitempty"`
}

// Claim is claim metadata.
type Claim struct {
	Path    []string  `json:"path"`
	Display []Display `json:"display,omitempty"`
	SD      string    `json:"sd"`
}

// Metadata is a Type Metadata document.
type Metadata struct {
	VCT         string          `json:"vct"`
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Display     []Display       `json:"display"`
	Claims      []Claim         `json:"claims"`
	Schema      json.RawMessage `json:"schema"`
}

// Locale of the generated display entries.
const Locale = "en"

// Type is what a credential type registration holds.
type Type struct {
	Vct, DisplayName, Description, Schema string
	SelectivelyDisclosable                []string
}

// Build returns the type metadata of ct.
func Build(ct Type) (*Metadata, error) {
	var schema struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal([]byte(ct.Schema), &schema); err != nil {
		return nil, fmt.Errorf("typemeta: schema of %s: %w", ct.Vct, err)
	}
	var compact map[string]any
	_ = json.Unmarshal([]byte(ct.Schema), &compact)
	sb, err := json.Marshal(compact) // sorted keys, no insignificant space
	if err != nil {
		return nil, err
	}
	name := ct.DisplayName
	if name == "" {
		name = ct.Vct
	}
	md := &Metadata{VCT: ct.Vct, Name: name, Description: ct.Description,
		Display: []Display{{Locale: Locale, Name: name, Description: ct.Description}}, Schema: sb}
	sd := map[string]bool{}
	for _, c := range ct.SelectivelyDisclosable {
		sd[c] = true
	}
	names := make([]string, 0, len(schema.Properties))
	for n := range schema.Properties {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := Claim{Path: []string{n}, Display: []Display{{Locale: Locale, Label: Label(n)}}, SD: "never"}
		if sd[n] {
			c.SD = "always"
		}
		md.Claims = append(md.Claims, c)
	}
	return md, nil
}

// Label makes a display label of a claim name: given_name -> "Given name", age_over_18 ->
// "Age over 18".
func Label(n string) string {
	s := strings.ReplaceAll(n, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Bytes returns the document's canonical bytes (what Integrity hashes and servers send).
func (m *Metadata) Bytes() ([]byte, error) { return json.Marshal(m) }

// Integrity returns the vct#integrity value of doc: "sha256-" + base64(SHA-256(doc)).
func Integrity(doc []byte) string {
	h := sha256.Sum256(doc)
	return "sha256-" + base64.StdEncoding.EncodeToString(h[:])
}

// Path returns the URL path a vct is served at (its own path), or "" if vct is not an https URL.
func Path(vct string) string {
	u, err := url.Parse(vct)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Path == "" || u.Path == "/" {
		return ""
	}
	return u.Path
}
