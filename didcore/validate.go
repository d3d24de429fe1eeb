package didcore

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/multiformats/go-multibase"

	"github.com/amanah-id/amanah/keys"
)

// Verification method types.
const (
	TypeMultikey                   = "Multikey"
	TypeEd25519VerificationKey2020 = "Ed25519VerificationKey2020"
	TypeJSONWebKey                 = "JsonWebKey"
	TypeJSONWebKey2020             = "JsonWebKey2020"
)

// Limits bounds a document's size; a field <= 0 takes its DefaultLimits value.
type Limits struct {
	MaxDocumentBytes       int // canonical JSON size
	MaxVerificationMethods int // verificationMethod plus embedded methods; also per relationship
	MaxServices            int
	MaxControllers         int
	MaxAlsoKnownAs         int
}

// DefaultLimits returns the ledger's limits: 16 KiB, 32 methods, 16 services, controllers and alsoKnownAs.
func DefaultLimits() Limits {
	return Limits{
		MaxDocumentBytes:       16 << 10,
		MaxVerificationMethods: 32,
		MaxServices:            16,
		MaxControllers:         16,
		MaxAlsoKnownAs:         16,
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	pick := func(v, def int) int {
		if v <= 0 {
			return def
		}
		return v
	}
	return Limits{
		MaxDocumentBytes:       pick(l.MaxDocumentBytes, d.MaxDocumentBytes),
		MaxVerificationMethods: pick(l.MaxVerificationMethods, d.MaxVerificationMethods),
		MaxServices:            pick(l.MaxServices, d.MaxServices),
		MaxControllers:         pick(l.MaxControllers, d.MaxControllers),
		MaxAlsoKnownAs:         pick(l.MaxAlsoKnownAs, d.MaxAlsoKnownAs),
	}
}

// Validate checks the document against DID Core and the ledger profile (see the package comment).
func (d *Document) Validate(limits Limits) error { return d.validate(limits.withDefaults(), true) }

// ValidateCore checks DID Core conformance only, for documents of any method (see the package comment).
func (d *Document) ValidateCore(limits Limits) error {
	return d.validate(limits.withDefaults(), false)
}

func (d *Document) validate(l Limits, ledger bool) error {
	// Sizes first, so the remaining checks run on bounded input.
	nMethods := len(d.VerificationMethods)
	for _, rel := range Relationships {
		refs := *d.relationship(rel)
		if len(refs) > l.MaxVerificationMethods {
			return fmt.Errorf("%s: %w: %d entries, max %d", rel, ErrTooLarge, len(refs), l.MaxVerificationMethods)
		}
		for _, r := range refs {
			if r.Embedded != nil {
				nMethods++
			}
		}
	}
	for _, c := range []struct {
		field  string
		n, max int
	}{
		{"verificationMethod", nMethods, l.MaxVerificationMethods},
		{"service", len(d.Service), l.MaxServices},
		{"controller", len(d.Controller), l.MaxControllers},
		{"alsoKnownAs", len(d.AlsoKnownAs), l.MaxAlsoKnownAs},
		{"@context", len(d.Context), l.MaxServices},
	} {
		if c.n > c.max {
			return fmt.Errorf("%s: %w: %d entries, max %d", c.field, ErrTooLarge, c.n, c.max)
		}
	}
	b, err := d.MarshalJSON()
	if err != nil {
		return fmt.Errorf("document: %w", err)
	}
	if len(b) > l.MaxDocumentBytes {
		return fmt.Errorf("document: %w: %d bytes, max %d", ErrTooLarge, len(b), l.MaxDocumentBytes)
	}
	if ledger {
		if err := noExtensions("document", d.Extensions); err != nil {
			return err
		}
	}

	// @context
	if len(d.Context) == 0 {
		if ledger {
			return fmt.Errorf("@context: %w: missing", ErrInvalidContext)
		}
	} else {
		if d.Context[0] != ContextV1 {
			return fmt.Errorf("@context[0]: %w: %q, want %q", ErrInvalidContext, truncate(d.Context[0]), ContextV1)
		}
		for i, c := range d.Context {
			if !validURI(c, true) {
				return fmt.Errorf("@context[%d]: %w: %q is not an absolute URI", i, ErrInvalidContext, truncate(c))
			}
		}
		if err := unique("@context", d.Context); err != nil {
			return err
		}
	}

	// id, controller, alsoKnownAs
	docDID, err := ParseDID(d.ID)
	if err != nil {
		return fmt.Errorf("id: %w", err)
	}
	for i, c := range d.Controller {
		if _, err := ParseDID(c); err != nil {
			return fmt.Errorf("controller[%d]: %w", i, err)
		}
	}
	if err := unique("controller", d.Controller); err != nil {
		return err
	}
	for i, a := range d.AlsoKnownAs {
		if !validURI(a, true) {
			return fmt.Errorf("alsoKnownAs[%d]: %w: %q is not an absolute URI", i, ErrInvalidURI, truncate(a))
		}
	}
	if err := unique("alsoKnownAs", d.AlsoKnownAs); err != nil {
		return err
	}

	// Verification methods, listed and embedded, with document-wide unique ids.
	ids := map[string]string{} // absolute id -> field
	for i := range d.VerificationMethods {
		field := fmt.Sprintf("verificationMethod[%d]", i)
		if err := d.checkMethod(field, &d.VerificationMethods[i], docDID, ids, ledger); err != nil {
			return err
		}
	}
	for _, rel := range Relationships {
		for i, r := range *d.relationship(rel) {
			field := fmt.Sprintf("%s[%d]", rel, i)
			if r.Embedded != nil {
				if r.Ref != "" {
					return fmt.Errorf("%s: %w: both a reference and an embedded method", field, ErrInvalidReference)
				}
				if err := d.checkMethod(field, r.Embedded, docDID, ids, ledger); err != nil {
					return err
				}
			}
		}
	}
	// References resolve to methods listed in verificationMethod (or embedded elsewhere in the document).
	for _, rel := range Relationships {
		for i, r := range *d.relationship(rel) {
			if r.Embedded != nil {
				continue
			}
			field := fmt.Sprintf("%s[%d]", rel, i)
			u, err := ResolveReference(docDID, r.Ref)
			if err != nil || u.Fragment == "" {
				return fmt.Errorf("%s: %w: %q is not a DID URL with a fragment", field, ErrInvalidReference, truncate(r.Ref))
			}
			if _, ok := ids[u.String()]; !ok {
				return fmt.Errorf("%s: %w: %q", field, ErrUnknownReference, truncate(r.Ref))
			}
		}
	}

	// Services
	sids := map[string]string{}
	for i := range d.Service {
		if err := checkService(fmt.Sprintf("service[%d]", i), &d.Service[i], docDID, sids, ledger); err != nil {
			return err
		}
	}
	return nil
}

func noExtensions(field string, ext map[string]json.RawMessage) error {
	if len(ext) > 0 {
		return fmt.Errorf("%s: %w %q", field, ErrUnknownMember, sortedKeys(ext)[0])
	}
	return nil
}

func unique(field string, ss []string) error {
	seen := make(map[string]bool, len(ss))
	for i, s := range ss {
		if seen[s] {
			return fmt.Errorf("%s[%d]: %w: %q", field, i, ErrDuplicateValue, truncate(s))
		}
		seen[s] = true
	}
	return nil
}

// checkMethod validates one verification method and records its absolute id in ids.
func (d *Document) checkMethod(field string, vm *VerificationMethod, doc DID, ids map[string]string, ledger bool) error {
	u, err := ResolveReference(doc, vm.ID)
	if err != nil || u.Fragment == "" {
		return fmt.Errorf("%s.id: %w: %q is not a DID URL with a fragment", field, ErrInvalidMethodID, truncate(vm.ID))
	}
	if ledger && u.DID() != doc {
		return fmt.Errorf("%s.id: %w: %q is not under the document's DID", field, ErrInvalidMethodID, truncate(vm.ID))
	}
	abs := u.String()
	if prev, dup := ids[abs]; dup {
		return fmt.Errorf("%s.id: %w: %q already used by %s", field, ErrDuplicateID, truncate(abs), prev)
	}
	ids[abs] = field
	if _, err := ParseDID(vm.Controller); err != nil {
		return fmt.Errorf("%s.controller: %w", field, err)
	}
	if ledger {
		if err := noExtensions(field, vm.Extensions); err != nil {
			return err
		}
	}
	if vm.Type == "" || !utf8.ValidString(vm.Type) {
		return fmt.Errorf("%s.type: %w: missing", field, ErrUnsupportedMethodType)
	}
	hasMB, hasJWK := vm.PublicKeyMultibase != "", len(vm.PublicKeyJwk) > 0
	if hasMB == hasJWK {
		return fmt.Errorf("%s: %w: need exactly one of publicKeyMultibase and publicKeyJwk", field, ErrInvalidKeyMaterial)
	}
	_, err = vm.PublicKey()
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrUnsupportedMethodType) && !ledger:
		return checkKeyShape(field, vm)
	case errors.Is(err, keys.ErrUnsupportedCurve) && !ledger && vm.Type != TypeEd25519VerificationKey2020:
		return checkKeyShape(field, vm)
	}
	return fmt.Errorf("%s: %w", field, err)
}

// checkKeyShape checks key material of a type or curve this package cannot decode:
// a well-formed multibase string, or a public JWK object with a string kty.
func checkKeyShape(field string, vm *VerificationMethod) error {
	if vm.PublicKeyMultibase != "" {
		if _, _, err := multibase.Decode(vm.PublicKeyMultibase); err != nil {
			return fmt.Errorf("%s.publicKeyMultibase: %w: %w", field, ErrInvalidKeyMaterial, err)
		}
		return nil
	}
	members, err := jsonObject(vm.PublicKeyJwk)
	if err != nil {
		return fmt.Errorf("%s.publicKeyJwk: %w: %w", field, ErrInvalidKeyMaterial, err)
	}
	hasKty := false
	for _, m := range members {
		switch m.Name {
		case "kty":
			if _, err := jsonString(m.Value); err != nil {
				return fmt.Errorf("%s.publicKeyJwk: %w: kty is not a string", field, ErrInvalidKeyMaterial)
			}
			hasKty = true
		case "d", "p", "q", "dp", "dq", "qi", "oth", "k":
			return fmt.Errorf("%s.publicKeyJwk: %w: private member %q", field, ErrInvalidKeyMaterial, m.Name)
		}
	}
	if !hasKty {
		return fmt.Errorf("%s.publicKeyJwk: %w: missing kty", field, ErrInvalidKeyMaterial)
	}
	return nil
}

// PublicKey decodes the method's key material according to its type.
func (vm VerificationMethod) PublicKey() (keys.PublicKey, error) {
	switch vm.Type {
	case TypeMultikey, TypeEd25519VerificationKey2020:
		if len(vm.PublicKeyJwk) > 0 || vm.PublicKeyMultibase == "" {
			return keys.PublicKey{}, fmt.Errorf("%w: %s needs publicKeyMultibase only", ErrInvalidKeyMaterial, vm.Type)
		}
		k, err := keys.ParseMultikey(vm.PublicKeyMultibase)
		if err != nil {
			return keys.PublicKey{}, fmt.Errorf("publicKeyMultibase: %w: %w", ErrInvalidKeyMaterial, err)
		}
		if vm.Type == TypeEd25519VerificationKey2020 && k.Curve() != keys.Ed25519 {
			return keys.PublicKey{}, fmt.Errorf("publicKeyMultibase: %w: %s key is %s, want Ed25519", ErrInvalidKeyMaterial, vm.Type, k.Curve())
		}
		return k, nil
	case TypeJSONWebKey, TypeJSONWebKey2020:
		if vm.PublicKeyMultibase != "" || len(vm.PublicKeyJwk) == 0 {
			return keys.PublicKey{}, fmt.Errorf("%w: %s needs publicKeyJwk only", ErrInvalidKeyMaterial, vm.Type)
		}
		k, err := keys.ParsePublicJWK(vm.PublicKeyJwk)
		if err != nil {
			return keys.PublicKey{}, fmt.Errorf("publicKeyJwk: %w: %w", ErrInvalidKeyMaterial, err)
		}
		return k, nil
	}
	return keys.PublicKey{}, fmt.Errorf("%w: %q", ErrUnsupportedMethodType, truncate(vm.Type))
}

// checkService validates one service and records its absolute id in sids.
func checkService(field string, s *Service, doc DID, sids map[string]string, ledger bool) error {
	id := s.ID
	if strings.HasPrefix(id, "#") || strings.HasPrefix(id, "?") {
		id = doc.String() + id
	}
	if !validURI(id, true) {
		return fmt.Errorf("%s.id: %w: %q is not a URI", field, ErrInvalidServiceID, truncate(s.ID))
	}
	if prev, dup := sids[id]; dup {
		return fmt.Errorf("%s.id: %w: %q already used by %s", field, ErrDuplicateID, truncate(id), prev)
	}
	sids[id] = field
	if len(s.Type) == 0 {
		return fmt.Errorf("%s.type: %w: missing", field, ErrInvalidServiceType)
	}
	for i, t := range s.Type {
		if t == "" || !utf8.ValidString(t) {
			return fmt.Errorf("%s.type[%d]: %w: empty", field, i, ErrInvalidServiceType)
		}
	}
	if err := unique(field+".type", s.Type); err != nil {
		return err
	}
	if err := checkEndpoint(field+".serviceEndpoint", &s.ServiceEndpoint, true); err != nil {
		return err
	}
	if ledger {
		return noExtensions(field, s.Extensions)
	}
	return nil
}

// checkEndpoint validates a URI, a map of URI-references, or a set of those.
func checkEndpoint(field string, e *ServiceEndpoint, top bool) error {
	set := 0
	if e.URI != "" {
		set++
	}
	if e.Map != nil {
		set++
	}
	if e.Set != nil {
		set++
	}
	if set != 1 {
		return fmt.Errorf("%s: %w: need exactly one of a URI, a map or a set", field, ErrInvalidServiceEndpoint)
	}
	switch {
	case e.URI != "":
		if !validURI(e.URI, true) {
			return fmt.Errorf("%s: %w: %q is not an absolute URI", field, ErrInvalidServiceEndpoint, truncate(e.URI))
		}
	case e.Map != nil:
		if len(e.Map) == 0 {
			return fmt.Errorf("%s: %w: empty map", field, ErrInvalidServiceEndpoint)
		}
		for _, k := range sortedKeys(e.Map) {
			vals, err := endpointMapValues(e.Map[k])
			if err != nil {
				return fmt.Errorf("%s.%s: %w: not a string or an array of strings", field, k, ErrInvalidServiceEndpoint)
			}
			for _, v := range vals {
				if !validURI(v, k == "uri") {
					return fmt.Errorf("%s.%s: %w: %q is not a URI", field, k, ErrInvalidServiceEndpoint, truncate(v))
				}
			}
		}
	default:
		if !top || len(e.Set) == 0 {
			return fmt.Errorf("%s: %w: empty or nested set", field, ErrInvalidServiceEndpoint)
		}
		for i := range e.Set {
			if err := checkEndpoint(fmt.Sprintf("%s[%d]", field, i), &e.Set[i], false); err != nil {
				return err
			}
		}
	}
	return nil
}

// VerificationMethod finds a method (listed or embedded) by absolute or relative id.
func (d *Document) VerificationMethod(id string) (VerificationMethod, bool) {
	docDID, err := ParseDID(d.ID)
	if err != nil {
		return VerificationMethod{}, false
	}
	want, err := ResolveReference(docDID, id)
	if err != nil {
		return VerificationMethod{}, false
	}
	match := func(vm *VerificationMethod) bool {
		u, err := ResolveReference(docDID, vm.ID)
		return err == nil && u == want
	}
	for i := range d.VerificationMethods {
		if match(&d.VerificationMethods[i]) {
			return d.VerificationMethods[i].absolute(docDID), true
		}
	}
	for _, rel := range Relationships {
		for _, r := range *d.relationship(rel) {
			if r.Embedded != nil && match(r.Embedded) {
				return r.Embedded.absolute(docDID), true
			}
		}
	}
	return VerificationMethod{}, false
}

// absolute returns a copy of vm with its id resolved against the document DID.
func (vm *VerificationMethod) absolute(doc DID) VerificationMethod {
	c := *vm
	if u, err := ResolveReference(doc, vm.ID); err == nil {
		c.ID = u.String()
	}
	return c
}

// MethodsFor returns the methods of a relationship (references resolved, ids absolute); unresolvable references are skipped.
func (d *Document) MethodsFor(rel Relationship) []VerificationMethod {
	refs := d.relationship(rel)
	if refs == nil {
		return nil
	}
	docDID, err := ParseDID(d.ID)
	if err != nil {
		return nil
	}
	var out []VerificationMethod
	for _, r := range *refs {
		if r.Embedded != nil {
			out = append(out, r.Embedded.absolute(docDID))
			continue
		}
		if vm, ok := d.VerificationMethod(r.Ref); ok {
			out = append(out, vm)
		}
	}
	return out
}
