// Package dcql is the Digital Credentials Query Language of OpenID for
// Verifiable Presentations 1.0 (section 6), for SD-JWT VCs (format
// "dc+sd-jwt"): parsing and validating a query, and evaluating it against
// credentials, on the wallet's side (which credential, which claims to
// disclose) and on the verifier's (is a presentation's disclosed content
// what the query asked for). It is chain-free.
//
// Supported: credential queries (id, format dc+sd-jwt, multiple,
// meta.vct_values, claims with id, path and values, claim_sets) and
// credential_sets (options, required). trusted_authorities and
// require_cryptographic_holder_binding=false are refused (Amanah credentials
// are always holder-bound; trust comes from the ledger).
package dcql

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/amanah-id/amanah/jsonstrict"
)

// FormatSDJWT is the only credential format supported.
const FormatSDJWT = "dc+sd-jwt"

// Limits on a query (larger ones are refused as too large).
const (
	MaxQueryBytes  = 16 << 10
	MaxCredentials = 16
	MaxClaims      = 64
	MaxPathLen     = 16
	MaxValues      = 64
	MaxSets        = 16
	MaxVCTs        = 64
	MaxStringLen   = 512
)

// Code is a stable reason code.
type Code string

// Reason codes of this package.
const (
	// CodeInvalid: the query is not a valid DCQL query (the message says why).
	CodeInvalid Code = "dcql_invalid"
	// CodeTooLarge: the query is over a limit.
	CodeTooLarge Code = "dcql_too_large"
	// CodeUnsupported: the query uses a feature or format Amanah does not support.
	CodeUnsupported Code = "dcql_unsupported"
	// CodeUnmet: the credentials do not satisfy the query.
	CodeUnmet Code = "dcql_unmet"
)

// Error is a DCQL error with a stable code.
type Error struct {
	Code Code
	Msg  string
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Msg }

func errf(c Code, format string, args ...any) error {
	return &Error{Code: c, Msg: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of a DCQL error, "" for other errors.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// Query is a DCQL query.
type Query struct {
	Credentials    []CredentialQuery `json:"credentials"`
	CredentialSets []CredentialSet   `json:"credential_sets,omitempty"`
}

// CredentialQuery asks for one credential.
type CredentialQuery struct {
	ID       string     `json:"id"`
	Format   string     `json:"format"`
	Multiple bool       `json:"multiple,omitempty"`
	Meta     Meta       `json:"meta"`
	Claims   []Claim    `json:"claims,omitempty"`
	Sets     [][]string `json:"claim_sets,omitempty"`

	TrustedAuthorities json.RawMessage `json:"trusted_authorities,omitempty"`
	RequireBinding     *bool           `json:"require_cryptographic_holder_binding,omitempty"`
}

// Meta holds the format-specific constraints (dc+sd-jwt: vct_values).
type Meta struct {
	VCTValues []string `json:"vct_values"`
}

// Claim asks for one claim by path.
type Claim struct {
	ID     string `json:"id,omitempty"`
	Path   Path   `json:"path"`
	Values []any  `json:"values,omitempty"`
}

// Path is a claims path pointer: strings (object members), non-negative
// integers (array elements) and null (every array element).
type Path []any

// CredentialSet is a set of alternative combinations of credential queries.
type CredentialSet struct {
	Options  [][]string `json:"options"`
	Required *bool      `json:"required,omitempty"`
}

// IsRequired reports the set's required (true when absent).
func (s CredentialSet) IsRequired() bool { return s.Required == nil || *s.Required }

var idRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// Parse reads and validates a query (JSON text).
func Parse(b []byte) (*Query, error) {
	if len(b) > MaxQueryBytes {
		return nil, errf(CodeTooLarge, "query of %d bytes (max %d)", len(b), MaxQueryBytes)
	}
	if _, err := jsonstrict.DecodeObject(b, jsonstrict.Limits{MaxBytes: MaxQueryBytes}); err != nil {
		return nil, errf(CodeInvalid, "not a JSON object: %v", err)
	}
	var q Query
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&q); err != nil {
		return nil, errf(CodeInvalid, "%v", err)
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	return &q, nil
}

// Validate checks the query against DCQL's rules and Amanah's limits.
func (q *Query) Validate() error {
	if len(q.Credentials) == 0 {
		return errf(CodeInvalid, "credentials: at least one credential query required")
	}
	if len(q.Credentials) > MaxCredentials {
		return errf(CodeTooLarge, "credentials: %d (max %d)", len(q.Credentials), MaxCredentials)
	}
	ids := map[string]bool{}
	for i := range q.Credentials {
		c := &q.Credentials[i]
		if !idRE.MatchString(c.ID) {
			return errf(CodeInvalid, "credentials[%d].id %q: 1 to 64 of A-Z a-z 0-9 _ -", i, c.ID)
		}
		if ids[c.ID] {
			return errf(CodeInvalid, "credentials[%d].id %q: duplicate", i, c.ID)
		}
		ids[c.ID] = true
		if err := c.validate(); err != nil {
			return err
		}
	}
	if q.CredentialSets != nil && len(q.CredentialSets) == 0 {
		return errf(CodeInvalid, "credential_sets: empty")
	}
	if len(q.CredentialSets) > MaxSets {
		return errf(CodeTooLarge, "credential_sets: %d (max %d)", len(q.CredentialSets), MaxSets)
	}
	for i, s := range q.CredentialSets {
		if len(s.Options) == 0 || len(s.Options) > MaxSets {
			return errf(CodeInvalid, "credential_sets[%d].options: 1 to %d options", i, MaxSets)
		}
		for j, o := range s.Options {
			if len(o) == 0 || len(o) > MaxCredentials {
				return errf(CodeInvalid, "credential_sets[%d].options[%d]: 1 to %d ids", i, j, MaxCredentials)
			}
			for _, id := range o {
				if !ids[id] {
					return errf(CodeInvalid, "credential_sets[%d].options[%d]: unknown credential query %q", i, j, id)
				}
			}
		}
	}
	return nil
}

func (c *CredentialQuery) validate() error {
	if c.Format != FormatSDJWT {
		if c.Format == "" {
			return errf(CodeInvalid, "credential query %q: format required", c.ID)
		}
		return errf(CodeUnsupported, "credential query %q: format %q (only %s)", c.ID, c.Format, FormatSDJWT)
	}
	if len(c.TrustedAuthorities) > 0 {
		return errf(CodeUnsupported, "credential query %q: trusted_authorities (trust comes from the Amanah ledger)", c.ID)
	}
	if c.RequireBinding != nil && !*c.RequireBinding {
		return errf(CodeUnsupported, "credential query %q: require_cryptographic_holder_binding false", c.ID)
	}
	if len(c.Meta.VCTValues) == 0 {
		return errf(CodeInvalid, "credential query %q: meta.vct_values required (at least one)", c.ID)
	}
	if len(c.Meta.VCTValues) > MaxVCTs {
		return errf(CodeTooLarge, "credential query %q: %d vct_values (max %d)", c.ID, len(c.Meta.VCTValues), MaxVCTs)
	}
	for _, v := range c.Meta.VCTValues {
		if v == "" || len(v) > MaxStringLen {
			return errf(CodeInvalid, "credential query %q: vct_values: empty or longer than %d bytes", c.ID, MaxStringLen)
		}
	}
	if c.Claims != nil && len(c.Claims) == 0 {
		return errf(CodeInvalid, "credential query %q: claims: empty", c.ID)
	}
	if len(c.Claims) > MaxClaims {
		return errf(CodeTooLarge, "credential query %q: %d claims (max %d)", c.ID, len(c.Claims), MaxClaims)
	}
	claimIDs := map[string]bool{}
	for j, cl := range c.Claims {
		if cl.ID != "" {
			if !idRE.MatchString(cl.ID) {
				return errf(CodeInvalid, "credential query %q: claims[%d].id %q: 1 to 64 of A-Z a-z 0-9 _ -", c.ID, j, cl.ID)
			}
			if claimIDs[cl.ID] {
				return errf(CodeInvalid, "credential query %q: claims[%d].id %q: duplicate", c.ID, j, cl.ID)
			}
			claimIDs[cl.ID] = true
		} else if c.Sets != nil {
			return errf(CodeInvalid, "credential query %q: claims[%d]: id required with claim_sets", c.ID, j)
		}
		if err := cl.Path.validate(); err != nil {
			return errf(CodeInvalid, "credential query %q: claims[%d].path: %v", c.ID, j, err)
		}
		if cl.Values != nil && (len(cl.Values) == 0 || len(cl.Values) > MaxValues) {
			return errf(CodeInvalid, "credential query %q: claims[%d].values: 1 to %d values", c.ID, j, MaxValues)
		}
		for _, v := range cl.Values {
			switch v.(type) {
			case string, json.Number, bool:
			default:
				return errf(CodeInvalid, "credential query %q: claims[%d].values: only strings, numbers and booleans", c.ID, j)
			}
		}
	}
	if c.Sets != nil {
		if len(c.Claims) == 0 {
			return errf(CodeInvalid, "credential query %q: claim_sets without claims", c.ID)
		}
		if len(c.Sets) == 0 || len(c.Sets) > MaxSets {
			return errf(CodeInvalid, "credential query %q: claim_sets: 1 to %d sets", c.ID, MaxSets)
		}
		for k, set := range c.Sets {
			if len(set) == 0 {
				return errf(CodeInvalid, "credential query %q: claim_sets[%d]: empty", c.ID, k)
			}
			for _, id := range set {
				if !claimIDs[id] {
					return errf(CodeInvalid, "credential query %q: claim_sets[%d]: unknown claim id %q", c.ID, k, id)
				}
			}
		}
	}
	return nil
}

func (p Path) validate() error {
	if len(p) == 0 || len(p) > MaxPathLen {
		return fmt.Errorf("1 to %d elements", MaxPathLen)
	}
	for _, e := range p {
		switch v := e.(type) {
		case string:
			if v == "" || len(v) > MaxStringLen {
				return fmt.Errorf("empty or long member name")
			}
		case json.Number:
			n, err := strconv.ParseUint(string(v), 10, 31)
			if err != nil {
				return fmt.Errorf("%q: not a non-negative integer", v)
			}
			_ = n
		case nil:
		default:
			return fmt.Errorf("elements are strings, non-negative integers or null")
		}
	}
	return nil
}

// Names returns the path as a dotted claim path ("address.locality") when
// every element is a member name (what an SD-JWT presentation discloses).
func (p Path) Names() (string, bool) {
	parts := make([]string, 0, len(p))
	for _, e := range p {
		s, ok := e.(string)
		if !ok || strings.Contains(s, ".") {
			return "", false
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "."), true
}

// String renders the path for people (address.locality, nationalities[*], items[0]).
func (p Path) String() string {
	var sb strings.Builder
	for i, e := range p {
		switch v := e.(type) {
		case string:
			if i > 0 {
				sb.WriteByte('.')
			}
			sb.WriteString(v)
		case json.Number:
			sb.WriteString("[" + string(v) + "]")
		case float64:
			sb.WriteString("[" + strconv.FormatFloat(v, 'f', -1, 64) + "]")
		case nil:
			sb.WriteString("[*]")
		}
	}
	return sb.String()
}

// Simple returns the query of the simple form: one credential query id
// "credential" of format dc+sd-jwt accepting vcts and asking for the
// top-level claims.
func Simple(vcts, claims []string) *Query {
	cq := CredentialQuery{ID: "credential", Format: FormatSDJWT, Meta: Meta{VCTValues: vcts}}
	for _, c := range claims {
		cq.Claims = append(cq.Claims, Claim{Path: Path{c}})
	}
	return &Query{Credentials: []CredentialQuery{cq}}
}

// Credential is what a query is evaluated against: a credential's type and
// its claims (for the wallet, every claim it could disclose; for the
// verifier, what a presentation disclosed).
type Credential struct {
	VCT    string
	Claims map[string]any
}

// Match evaluates the credential query against c: ok when c's vct is in
// vct_values and the claims (all of them, or the first claim set c meets)
// resolve; claims are those claims (the ones to disclose).
func (cq *CredentialQuery) Match(c Credential) (claims []Claim, ok bool) {
	vctOK := false
	for _, v := range cq.Meta.VCTValues {
		if v == c.VCT {
			vctOK = true
			break
		}
	}
	if !vctOK {
		return nil, false
	}
	if len(cq.Claims) == 0 {
		return nil, true
	}
	met := make(map[string]bool, len(cq.Claims))
	for _, cl := range cq.Claims {
		if cl.resolves(c.Claims) {
			met[cl.ID] = true
		} else if cq.Sets == nil {
			return nil, false
		}
	}
	if cq.Sets == nil {
		return cq.Claims, true
	}
	for _, set := range cq.Sets {
		all := true
		for _, id := range set {
			all = all && met[id]
		}
		if all {
			for _, id := range set {
				for _, cl := range cq.Claims {
					if cl.ID == id {
						claims = append(claims, cl)
					}
				}
			}
			return claims, true
		}
	}
	return nil, false
}

// resolves reports whether the claim's path selects at least one value of
// claims (one of Values, when given).
func (cl *Claim) resolves(claims map[string]any) bool {
	var found bool
	var walk func(v any, p Path)
	walk = func(v any, p Path) {
		if found {
			return
		}
		if len(p) == 0 {
			if cl.Values == nil || valueIn(v, cl.Values) {
				found = true
			}
			return
		}
		switch e := p[0].(type) {
		case string:
			if m, ok := v.(map[string]any); ok {
				if x, ok := m[e]; ok {
					walk(x, p[1:])
				}
			}
		case json.Number:
			n, _ := strconv.Atoi(string(e))
			if a, ok := v.([]any); ok && n < len(a) {
				walk(a[n], p[1:])
			}
		case nil:
			if a, ok := v.([]any); ok {
				for _, x := range a {
					walk(x, p[1:])
				}
			}
		}
	}
	walk(map[string]any(claims), cl.Path)
	return found
}

func valueIn(v any, values []any) bool {
	for _, want := range values {
		switch w := want.(type) {
		case string:
			if s, ok := v.(string); ok && s == w {
				return true
			}
		case bool:
			if b, ok := v.(bool); ok && b == w {
				return true
			}
		case json.Number:
			wf, err := w.Float64()
			if err != nil {
				continue
			}
			switch x := v.(type) {
			case float64:
				if x == wf {
					return true
				}
			case json.Number:
				if xf, err := x.Float64(); err == nil && xf == wf {
					return true
				}
			case int:
				if float64(x) == wf {
					return true
				}
			}
		}
	}
	return false
}

// Satisfied reports whether the credential queries met (by id) satisfy the
// query: every required credential set has an option all met, or, without
// credential_sets, every credential query is met.
func (q *Query) Satisfied(met map[string]bool) bool {
	if len(q.CredentialSets) == 0 {
		for _, c := range q.Credentials {
			if !met[c.ID] {
				return false
			}
		}
		return true
	}
	for _, s := range q.CredentialSets {
		if !s.IsRequired() {
			continue
		}
		ok := false
		for _, o := range s.Options {
			all := true
			for _, id := range o {
				all = all && met[id]
			}
			if all {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// Credential returns the credential query id, or nil.
func (q *Query) Credential(id string) *CredentialQuery {
	for i := range q.Credentials {
		if q.Credentials[i].ID == id {
			return &q.Credentials[i]
		}
	}
	return nil
}

// Wanted returns the credential query ids a wallet should answer: every
// query without credential_sets; with them, for each set (required or not)
// the first option all of whose queries are in can (those the wallet can
// meet). A required set with no such option makes it fail (CodeUnmet).
func (q *Query) Wanted(can map[string]bool) ([]string, error) {
	if len(q.CredentialSets) == 0 {
		var out []string
		for _, c := range q.Credentials {
			if !can[c.ID] {
				return nil, errf(CodeUnmet, "no credential meets credential query %q", c.ID)
			}
			out = append(out, c.ID)
		}
		return out, nil
	}
	seen := map[string]bool{}
	var out []string
	for i, s := range q.CredentialSets {
		var pick []string
		for _, o := range s.Options {
			all := true
			for _, id := range o {
				all = all && can[id]
			}
			if all {
				pick = o
				break
			}
		}
		if pick == nil {
			if s.IsRequired() {
				return nil, errf(CodeUnmet, "no option of credential_sets[%d] can be met", i)
			}
			continue
		}
		for _, id := range pick {
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	return out, nil
}
