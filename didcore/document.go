package didcore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/amanah-id/amanah/jsonstrict"
)

// ContextV1 is the required first @context entry of a DID document.
const ContextV1 = "https://www.w3.org/ns/did/v1"

// MaxDecodeBytes bounds the input of every document decoder (Validate applies the tighter Limits).
const MaxDecodeBytes = 256 << 10

// Relationship names a verification relationship (the document member name).
type Relationship string

// Verification relationships of DID Core.
const (
	Authentication       Relationship = "authentication"
	AssertionMethod      Relationship = "assertionMethod"
	KeyAgreement         Relationship = "keyAgreement"
	CapabilityInvocation Relationship = "capabilityInvocation"
	CapabilityDelegation Relationship = "capabilityDelegation"
)

// Relationships lists the verification relationships in marshalling order.
var Relationships = []Relationship{Authentication, AssertionMethod, KeyAgreement, CapabilityInvocation, CapabilityDelegation}

// Document is a DID document (DID Core data model, JSON representation).
type Document struct {
	Context              []string             // "@context"; one entry is written as a string
	ID                   string               // "id"
	Controller           []string             // "controller"; one entry is written as a string
	AlsoKnownAs          []string             // "alsoKnownAs"
	VerificationMethods  []VerificationMethod // "verificationMethod"
	Authentication       []MethodRef          // "authentication"
	AssertionMethod      []MethodRef          // "assertionMethod"
	KeyAgreement         []MethodRef          // "keyAgreement"
	CapabilityInvocation []MethodRef          // "capabilityInvocation"
	CapabilityDelegation []MethodRef          // "capabilityDelegation"
	Service              []Service            // "service"
	// Extensions holds unknown members (canonical JSON), only set by ParseDocumentLenient.
	Extensions map[string]json.RawMessage
}

// VerificationMethod is a verification method: id, type, controller and one key member.
type VerificationMethod struct {
	ID                 string          // "id": DID URL with fragment, or relative "#fragment"
	Type               string          // "type"
	Controller         string          // "controller": a DID
	PublicKeyMultibase string          // "publicKeyMultibase"
	PublicKeyJwk       json.RawMessage // "publicKeyJwk": canonical JSON object
	// Extensions holds unknown members (canonical JSON), only set by ParseDocumentLenient.
	Extensions map[string]json.RawMessage
}

// MethodRef is a verification relationship entry: a reference or an embedded method.
type MethodRef struct {
	Ref      string              // a DID URL or relative reference to a method; empty if Embedded
	Embedded *VerificationMethod // an embedded method; nil if Ref
}

// Service is a service entry of a DID document.
type Service struct {
	ID              string          // "id": a URI, or relative "#fragment"
	Type            []string        // "type"; one entry is written as a string
	ServiceEndpoint ServiceEndpoint // "serviceEndpoint"
	// Extensions holds unknown members (canonical JSON), only set by ParseDocumentLenient.
	Extensions map[string]json.RawMessage
}

// ServiceEndpoint is a URI, a map, or an ordered set of URIs and maps; exactly one field is set.
type ServiceEndpoint struct {
	URI string                     // a single URI
	Map map[string]json.RawMessage // a map whose values are canonical JSON (strings or arrays of strings)
	Set []ServiceEndpoint          // an ordered set of URI and Map endpoints (no nested sets)
}

// ParseDocument decodes a DID document strictly (see the package comment).
func ParseDocument(b []byte) (*Document, error) {
	d := new(Document)
	if err := d.decode(b, true); err != nil {
		return nil, err
	}
	return d, nil
}

// ParseDocumentLenient decodes a DID document keeping unknown members as Extensions.
func ParseDocumentLenient(b []byte) (*Document, error) {
	d := new(Document)
	if err := d.decode(b, false); err != nil {
		return nil, err
	}
	return d, nil
}

// UnmarshalJSON decodes strictly, like ParseDocument.
func (d *Document) UnmarshalJSON(b []byte) error {
	var nd Document
	if err := nd.decode(b, true); err != nil {
		return err
	}
	*d = nd
	return nil
}

// Known member names; null is refused for these (extensions may be null).
var (
	docMembers = map[string]bool{"@context": true, "id": true, "controller": true, "alsoKnownAs": true,
		"verificationMethod": true, "authentication": true, "assertionMethod": true, "keyAgreement": true,
		"capabilityInvocation": true, "capabilityDelegation": true, "service": true}
	methodMembers  = map[string]bool{"id": true, "type": true, "controller": true, "publicKeyMultibase": true, "publicKeyJwk": true}
	serviceMembers = map[string]bool{"id": true, "type": true, "serviceEndpoint": true}
)

func badJSON(field string, err error) error {
	return fmt.Errorf("%s: %w: %w", field, ErrInvalidJSON, err)
}

func (d *Document) decode(b []byte, strict bool) error {
	if len(b) > MaxDecodeBytes {
		return fmt.Errorf("document: %w: %d bytes exceeds %d", ErrTooLarge, len(b), MaxDecodeBytes)
	}
	members, err := jsonObject(b)
	if err != nil {
		return badJSON("document", err)
	}
	*d = Document{}
	for _, m := range members {
		if isNull(m.Value) && docMembers[m.Name] {
			return badJSON(m.Name, fmt.Errorf("null"))
		}
		var err error
		switch m.Name {
		case "@context":
			d.Context, err = jsonStrings(m.Value, true)
		case "id":
			d.ID, err = jsonString(m.Value)
		case "controller":
			d.Controller, err = jsonStrings(m.Value, true)
		case "alsoKnownAs":
			d.AlsoKnownAs, err = jsonStrings(m.Value, false)
		case "verificationMethod":
			d.VerificationMethods, err = decodeMethods(m.Value, strict)
		case "authentication", "assertionMethod", "keyAgreement", "capabilityInvocation", "capabilityDelegation":
			var refs []MethodRef
			if refs, err = decodeRefs(m.Name, m.Value, strict); err == nil {
				*d.relationship(Relationship(m.Name)) = refs
			}
		case "service":
			d.Service, err = decodeServices(m.Value, strict)
		default:
			if err := addExtension(&d.Extensions, m, strict, "document"); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return wrapField(m.Name, err)
		}
	}
	return nil
}

// wrapField prefixes a nested error with its field, marking plain decode errors as ErrInvalidJSON.
func wrapField(field string, err error) error {
	if isSentinel(err) {
		return fmt.Errorf("%s: %w", field, err)
	}
	return badJSON(field, err)
}

func isNull(b []byte) bool { return bytes.Equal(bytes.TrimSpace(b), []byte("null")) }

func addExtension(ext *map[string]json.RawMessage, m jsonstrict.Member, strict bool, where string) error {
	if strict {
		return fmt.Errorf("%s: %w %q", where, ErrUnknownMember, m.Name)
	}
	c, err := canonicalJSON(m.Value)
	if err != nil {
		return badJSON(m.Name, err)
	}
	if *ext == nil {
		*ext = map[string]json.RawMessage{}
	}
	(*ext)[m.Name] = c
	return nil
}

// relationship returns a pointer to the entries of rel (nil for an unknown name).
func (d *Document) relationship(rel Relationship) *[]MethodRef {
	switch rel {
	case Authentication:
		return &d.Authentication
	case AssertionMethod:
		return &d.AssertionMethod
	case KeyAgreement:
		return &d.KeyAgreement
	case CapabilityInvocation:
		return &d.CapabilityInvocation
	case CapabilityDelegation:
		return &d.CapabilityDelegation
	}
	return nil
}

func decodeMethods(b []byte, strict bool) ([]VerificationMethod, error) {
	elems, err := jsonArray(b)
	if err != nil {
		return nil, err
	}
	out := make([]VerificationMethod, len(elems))
	for i, e := range elems {
		if err := out[i].decode(e, strict); err != nil {
			return nil, fmt.Errorf("[%d]: %w", i, err)
		}
	}
	return out, nil
}

// UnmarshalJSON decodes a verification method strictly.
func (vm *VerificationMethod) UnmarshalJSON(b []byte) error {
	var n VerificationMethod
	if err := n.decode(b, true); err != nil {
		return err
	}
	*vm = n
	return nil
}

func (vm *VerificationMethod) decode(b []byte, strict bool) error {
	members, err := jsonObject(b)
	if err != nil {
		return badJSON("verification method", err)
	}
	for _, m := range members {
		if isNull(m.Value) && methodMembers[m.Name] {
			return badJSON(m.Name, fmt.Errorf("null"))
		}
		var err error
		switch m.Name {
		case "id":
			vm.ID, err = jsonString(m.Value)
		case "type":
			vm.Type, err = jsonString(m.Value)
		case "controller":
			vm.Controller, err = jsonString(m.Value)
		case "publicKeyMultibase":
			vm.PublicKeyMultibase, err = jsonString(m.Value)
		case "publicKeyJwk":
			if t := bytes.TrimSpace(m.Value); len(t) == 0 || t[0] != '{' {
				err = fmt.Errorf("not a JSON object")
			} else {
				vm.PublicKeyJwk, err = canonicalJSON(m.Value)
			}
		default:
			if err := addExtension(&vm.Extensions, m, strict, "verification method"); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return badJSON(m.Name, err)
		}
	}
	return nil
}

func decodeRefs(name string, b []byte, strict bool) ([]MethodRef, error) {
	elems, err := jsonArray(b)
	if err != nil {
		return nil, err
	}
	out := make([]MethodRef, len(elems))
	for i, e := range elems {
		if t := bytes.TrimSpace(e); len(t) > 0 && t[0] == '"' {
			if out[i].Ref, err = jsonString(e); err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			continue
		}
		vm := new(VerificationMethod)
		if err := vm.decode(e, strict); err != nil {
			return nil, fmt.Errorf("[%d]: %w", i, err)
		}
		out[i].Embedded = vm
	}
	return out, nil
}

// UnmarshalJSON decodes a string reference or an embedded method (strictly).
func (r *MethodRef) UnmarshalJSON(b []byte) error {
	refs, err := decodeRefs("entry", append(append([]byte{'['}, b...), ']'), true)
	if err != nil {
		return err
	}
	*r = refs[0]
	return nil
}

func decodeServices(b []byte, strict bool) ([]Service, error) {
	elems, err := jsonArray(b)
	if err != nil {
		return nil, err
	}
	out := make([]Service, len(elems))
	for i, e := range elems {
		if err := out[i].decode(e, strict); err != nil {
			return nil, fmt.Errorf("[%d]: %w", i, err)
		}
	}
	return out, nil
}

// UnmarshalJSON decodes a service strictly.
func (s *Service) UnmarshalJSON(b []byte) error {
	var n Service
	if err := n.decode(b, true); err != nil {
		return err
	}
	*s = n
	return nil
}

func (s *Service) decode(b []byte, strict bool) error {
	members, err := jsonObject(b)
	if err != nil {
		return badJSON("service", err)
	}
	for _, m := range members {
		if isNull(m.Value) && serviceMembers[m.Name] {
			return badJSON(m.Name, fmt.Errorf("null"))
		}
		var err error
		switch m.Name {
		case "id":
			s.ID, err = jsonString(m.Value)
		case "type":
			s.Type, err = jsonStrings(m.Value, true)
		case "serviceEndpoint":
			err = s.ServiceEndpoint.decode(m.Value, true)
		default:
			if err := addExtension(&s.Extensions, m, strict, "service"); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return badJSON(m.Name, err)
		}
	}
	return nil
}

// UnmarshalJSON decodes a serviceEndpoint value.
func (e *ServiceEndpoint) UnmarshalJSON(b []byte) error {
	var n ServiceEndpoint
	if err := n.decode(b, true); err != nil {
		return badJSON("serviceEndpoint", err)
	}
	*e = n
	return nil
}

func (e *ServiceEndpoint) decode(b []byte, allowSet bool) error {
	t := bytes.TrimSpace(b)
	if len(t) == 0 {
		return fmt.Errorf("empty value")
	}
	switch t[0] {
	case '"':
		s, err := jsonString(t)
		if err != nil {
			return err
		}
		*e = ServiceEndpoint{URI: s}
		return nil
	case '{':
		members, err := jsonObject(t)
		if err != nil {
			return err
		}
		m := make(map[string]json.RawMessage, len(members))
		for _, mb := range members {
			c, err := canonicalJSON(mb.Value)
			if err != nil {
				return fmt.Errorf("member %q: %w", mb.Name, err)
			}
			m[mb.Name] = c
		}
		*e = ServiceEndpoint{Map: m}
		return nil
	case '[':
		if !allowSet {
			return fmt.Errorf("nested array")
		}
		elems, err := jsonArray(t)
		if err != nil {
			return err
		}
		set := make([]ServiceEndpoint, len(elems))
		for i, el := range elems {
			if err := set[i].decode(el, false); err != nil {
				return fmt.Errorf("[%d]: %w", i, err)
			}
		}
		*e = ServiceEndpoint{Set: set}
		return nil
	}
	return fmt.Errorf("not a string, object or array")
}

// isSentinel reports whether err already wraps one of this package's sentinels.
func isSentinel(err error) bool {
	for _, s := range []error{ErrInvalidJSON, ErrUnknownMember, ErrTooLarge} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

// sortedKeys returns the keys of m in ascending order.
func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
