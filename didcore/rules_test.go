package didcore

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/amanah-id/amanah/keys"
)

func TestParseDocumentInvalid(t *testing.T) {
	const id = `"id":"did:example:123"`
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"not json", `{`, ErrInvalidJSON},
		{"array", `[]`, ErrInvalidJSON},
		{"trailing", `{` + id + `}{}`, ErrInvalidJSON},
		{"invalid utf8", "{\"id\":\"did:example:\xff\"}", ErrInvalidJSON},
		{"duplicate member", `{` + id + `,` + id + `}`, ErrInvalidJSON},
		{"unknown top-level member", `{` + id + `,"bespoke":1}`, ErrUnknownMember},
		{"case variant member", `{"ID":"did:example:123"}`, ErrUnknownMember},
		{"null member", `{` + id + `,"controller":null}`, ErrInvalidJSON},
		{"id not string", `{"id":1}`, ErrInvalidJSON},
		{"context object", `{"@context":{"@vocab":"x"},` + id + `}`, ErrInvalidJSON},
		{"empty controller array", `{` + id + `,"controller":[]}`, ErrInvalidJSON},
		{"alsoKnownAs string", `{` + id + `,"alsoKnownAs":"https://x.example"}`, ErrInvalidJSON},
		{"verificationMethod object", `{` + id + `,"verificationMethod":{}}`, ErrInvalidJSON},
		{"method unknown member", `{` + id + `,"verificationMethod":[{"id":"#k","publicKeyBase58":"x"}]}`, ErrUnknownMember},
		{"method jwk not object", `{` + id + `,"verificationMethod":[{"id":"#k","publicKeyJwk":"x"}]}`, ErrInvalidJSON},
		{"jwk duplicate member", `{` + id + `,"verificationMethod":[{"id":"#k","publicKeyJwk":{"kty":"OKP","kty":"EC"}}]}`, ErrInvalidJSON},
		{"relationship number", `{` + id + `,"authentication":[1]}`, ErrInvalidJSON},
		{"service unknown member", `{` + id + `,"service":[{"id":"#s","@context":"x"}]}`, ErrUnknownMember},
		{"endpoint number", `{` + id + `,"service":[{"id":"#s","type":"T","serviceEndpoint":1}]}`, ErrInvalidJSON},
		{"endpoint nested array", `{` + id + `,"service":[{"id":"#s","type":"T","serviceEndpoint":[["https://x.example"]]}]}`, ErrInvalidJSON},
		{"deep extension", `{` + id + `,"x":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}`, ErrUnknownMember},
		{"too large", `{` + id + `,"alsoKnownAs":["` + strings.Repeat("a", MaxDecodeBytes) + `"]}`, ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseDocument([]byte(tc.in))
			if !errors.Is(err, tc.want) {
				t.Fatalf("ParseDocument: got %v, want %v", err, tc.want)
			}
			var d Document
			if err := json.Unmarshal([]byte(tc.in), &d); err == nil {
				t.Fatal("json.Unmarshal accepted")
			}
		})
	}
	// The lenient decoder keeps extensions but still refuses malformed ones.
	if _, err := ParseDocumentLenient([]byte(`{` + id + `,"x":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}`)); !errors.Is(err, ErrInvalidJSON) {
		t.Fatalf("lenient deep extension: %v", err)
	}
	d, err := ParseDocumentLenient([]byte(`{` + id + `,"x":{"b":1,"a":null}}`))
	if err != nil || string(d.Extensions["x"]) != `{"a":null,"b":1}` {
		t.Fatalf("lenient extension: %v %s", err, d.Extensions["x"])
	}
}

// mutate parses the sample document, applies f and returns it.
func mutate(t *testing.T, f func(d *Document)) *Document {
	t.Helper()
	d := sampleDoc(t)
	f(d)
	return d
}

func TestValidateRules(t *testing.T) {
	ed := fixedKey(t, keys.Ed25519, 1).Public()
	p256 := fixedKey(t, keys.P256, 2).Public()
	p256JWK, _ := p256.JWK()
	priv, _ := fixedKey(t, keys.P256, 2).JWK()
	tests := []struct {
		name string
		f    func(d *Document)
		want error
	}{
		{"missing context", func(d *Document) { d.Context = nil }, ErrInvalidContext},
		{"wrong first context", func(d *Document) { d.Context[0], d.Context[1] = d.Context[1], d.Context[0] }, ErrInvalidContext},
		{"context not URI", func(d *Document) { d.Context = append(d.Context, "not a uri") }, ErrInvalidContext},
		{"duplicate context", func(d *Document) { d.Context = append(d.Context, ContextV1) }, ErrDuplicateValue},
		{"id not DID", func(d *Document) { d.ID = "urn:uuid:1234" }, ErrInvalidDID},
		{"id with fragment", func(d *Document) { d.ID += "#x" }, ErrInvalidDID},
		{"controller not DID", func(d *Document) { d.Controller = []string{"did:example"} }, ErrInvalidDID},
		{"duplicate controller", func(d *Document) { d.Controller = []string{d.ID, d.ID} }, ErrDuplicateValue},
		{"alsoKnownAs relative", func(d *Document) { d.AlsoKnownAs = []string{"/relative"} }, ErrInvalidURI},
		{"method id without fragment", func(d *Document) { d.VerificationMethods[0].ID = d.ID }, ErrInvalidMethodID},
		{"method id not DID URL", func(d *Document) { d.VerificationMethods[0].ID = "key-1" }, ErrInvalidMethodID},
		{"method id under other DID", func(d *Document) { d.VerificationMethods[0].ID = "did:example:other#key-1" }, ErrInvalidMethodID},
		{"duplicate method id (relative vs absolute)", func(d *Document) { d.VerificationMethods[1].ID = d.ID + "#key-1" }, ErrDuplicateID},
		{"embedded duplicates listed id", func(d *Document) { d.CapabilityDelegation[0].Embedded.ID = "#key-1" }, ErrDuplicateID},
		{"method controller missing", func(d *Document) { d.VerificationMethods[0].Controller = "" }, ErrInvalidDID},
		{"method type unsupported", func(d *Document) { d.VerificationMethods[0].Type = "EcdsaSecp256k1VerificationKey2019" }, ErrUnsupportedMethodType},
		{"method type missing", func(d *Document) { d.VerificationMethods[0].Type = "" }, ErrUnsupportedMethodType},
		{"both key members", func(d *Document) { d.VerificationMethods[0].PublicKeyJwk = p256JWK }, ErrInvalidKeyMaterial},
		{"no key member", func(d *Document) { d.VerificationMethods[0].PublicKeyMultibase = "" }, ErrInvalidKeyMaterial},
		{"multibase not a key", func(d *Document) { d.VerificationMethods[0].PublicKeyMultibase = "zabc" }, ErrInvalidKeyMaterial},
		{"Ed25519VerificationKey2020 with P-256", func(d *Document) {
			d.VerificationMethods[0].Type = TypeEd25519VerificationKey2020
			d.VerificationMethods[0].PublicKeyMultibase = p256.Multikey()
		}, ErrInvalidKeyMaterial},
		{"JsonWebKey with multibase", func(d *Document) {
			d.VerificationMethods[1].PublicKeyJwk = nil
			d.VerificationMethods[1].PublicKeyMultibase = ed.Multikey()
		}, ErrInvalidKeyMaterial},
		{"JWK off curve", func(d *Document) {
			b := []byte(string(p256JWK))
			i := strings.Index(string(b), `"y":"`) + 6
			b[i] = map[bool]byte{true: 'B', false: 'A'}[b[i] == 'A']
			d.VerificationMethods[1].PublicKeyJwk = b
		}, ErrInvalidKeyMaterial},
		{"JWK private", func(d *Document) { d.VerificationMethods[1].PublicKeyJwk = priv }, keys.ErrPrivateMaterial},
		{"reference unknown", func(d *Document) { d.Authentication[0].Ref = "#key-9" }, ErrUnknownReference},
		{"reference to other DID", func(d *Document) { d.Authentication[0].Ref = "did:example:other#key-1" }, ErrUnknownReference},
		{"reference without fragment", func(d *Document) { d.Authentication[0].Ref = d.ID }, ErrInvalidReference},
		{"reference malformed", func(d *Document) { d.Authentication[0].Ref = "key-1" }, ErrInvalidReference},
		{"embedded invalid", func(d *Document) { d.CapabilityDelegation[0].Embedded.Type = "Bogus" }, ErrUnsupportedMethodType},
		{"service id missing", func(d *Document) { d.Service[0].ID = "" }, ErrInvalidServiceID},
		{"service id not URI", func(d *Document) { d.Service[0].ID = "not a uri" }, ErrInvalidServiceID},
		{"duplicate service id", func(d *Document) { d.Service[1].ID = "#registry" }, ErrDuplicateID},
		{"service type missing", func(d *Document) { d.Service[0].Type = nil }, ErrInvalidServiceType},
		{"service type empty string", func(d *Document) { d.Service[0].Type = []string{""} }, ErrInvalidServiceType},
		{"service endpoint relative", func(d *Document) { d.Service[0].ServiceEndpoint = ServiceEndpoint{URI: "/x"} }, ErrInvalidServiceEndpoint},
		{"service endpoint empty", func(d *Document) { d.Service[0].ServiceEndpoint = ServiceEndpoint{} }, ErrInvalidServiceEndpoint},
		{"service endpoint map uri relative", func(d *Document) {
			d.Service[0].ServiceEndpoint = ServiceEndpoint{Map: map[string]json.RawMessage{"uri": json.RawMessage(`"x"`)}}
		}, ErrInvalidServiceEndpoint},
		{"service endpoint map number", func(d *Document) {
			d.Service[0].ServiceEndpoint = ServiceEndpoint{Map: map[string]json.RawMessage{"uri": json.RawMessage(`1`)}}
		}, ErrInvalidServiceEndpoint},
		{"service endpoint nested set", func(d *Document) {
			d.Service[0].ServiceEndpoint = ServiceEndpoint{Set: []ServiceEndpoint{{Set: []ServiceEndpoint{{URI: "https://x.example"}}}}}
		}, ErrInvalidServiceEndpoint},
		{"extension member", func(d *Document) { d.Extensions = map[string]json.RawMessage{"x": json.RawMessage(`1`)} }, ErrUnknownMember},
		{"too many methods", func(d *Document) {
			for i := 0; i < 32; i++ {
				vm := d.VerificationMethods[0]
				vm.ID = fmt.Sprintf("#k%d", i)
				d.VerificationMethods = append(d.VerificationMethods, vm)
			}
		}, ErrTooLarge},
		{"too many services", func(d *Document) {
			for i := 0; i < 16; i++ {
				d.Service = append(d.Service, Service{ID: fmt.Sprintf("#s%d", i), Type: []string{"T"}, ServiceEndpoint: ServiceEndpoint{URI: "https://x.example"}})
			}
		}, ErrTooLarge},
		{"too many controllers", func(d *Document) {
			for i := 0; i < 17; i++ {
				d.Controller = append(d.Controller, fmt.Sprintf("did:example:%d", i))
			}
		}, ErrTooLarge},
		{"too many alsoKnownAs", func(d *Document) {
			for i := 0; i < 17; i++ {
				d.AlsoKnownAs = append(d.AlsoKnownAs, fmt.Sprintf("https://%d.example", i))
			}
		}, ErrTooLarge},
		{"document too large", func(d *Document) { d.AlsoKnownAs = []string{"https://x.example/" + strings.Repeat("a", 17000)} }, ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := mutate(t, tc.f)
			if err := d.Validate(DefaultLimits()); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestValidateCoreDifferences(t *testing.T) {
	// Allowed by DID Core, refused by the ledger profile.
	cases := []struct {
		name string
		f    func(d *Document)
		want error
	}{
		{"no context", func(d *Document) { d.Context = nil }, ErrInvalidContext},
		{"foreign method id", func(d *Document) {
			d.VerificationMethods = append(d.VerificationMethods, VerificationMethod{ID: "did:example:x#k", Type: TypeMultikey, Controller: "did:example:x", PublicKeyMultibase: d.VerificationMethods[0].PublicKeyMultibase})
		}, ErrInvalidMethodID},
		{"other key type", func(d *Document) {
			d.KeyAgreement = []MethodRef{{Embedded: &VerificationMethod{ID: "#ka", Type: "X25519KeyAgreementKey2020", Controller: d.ID, PublicKeyMultibase: "z6LSgfZQjTYyX6t1GQSeFb6HCDhcAJFk9dN7YBCqtbH1ciHr"}}}
		}, ErrUnsupportedMethodType},
		{"X25519 JWK", func(d *Document) {
			d.VerificationMethods[1].PublicKeyJwk = json.RawMessage(`{"crv":"X25519","kty":"OKP","x":"3kY9jl1by7pLzgJktUH-e9H6fihdVUb00-sTzkfmIl8"}`)
		}, keys.ErrUnsupportedCurve},
		{"extension", func(d *Document) { d.Extensions = map[string]json.RawMessage{"x": json.RawMessage(`null`)} }, ErrUnknownMember},
	}
	for _, tc := range cases {
		d := mutate(t, tc.f)
		if err := d.ValidateCore(DefaultLimits()); err != nil {
			t.Errorf("%s: ValidateCore: %v", tc.name, err)
		}
		if err := d.Validate(DefaultLimits()); !errors.Is(err, tc.want) {
			t.Errorf("%s: Validate: got %v, want %v", tc.name, err, tc.want)
		}
	}
	// ValidateCore still checks the shape of keys it cannot decode.
	d := mutate(t, func(d *Document) {
		d.KeyAgreement = []MethodRef{{Embedded: &VerificationMethod{ID: "#ka", Type: "X25519KeyAgreementKey2020", Controller: d.ID, PublicKeyJwk: json.RawMessage(`{"kty":"OKP","d":"AA"}`)}}}
	})
	if err := d.ValidateCore(DefaultLimits()); !errors.Is(err, ErrInvalidKeyMaterial) {
		t.Fatalf("core private JWK: %v", err)
	}
	// Limits fields <= 0 take the defaults; tighter limits apply.
	if err := sampleDoc(t).Validate(Limits{}); err != nil {
		t.Fatal(err)
	}
	if err := sampleDoc(t).Validate(Limits{MaxDocumentBytes: 100}); !errors.Is(err, ErrTooLarge) {
		t.Fatal(err)
	}
}

func TestErrorNamesField(t *testing.T) {
	d := mutate(t, func(d *Document) { d.Service[1].Type = []string{""} })
	err := d.Validate(DefaultLimits())
	if err == nil || !strings.Contains(err.Error(), "service[1].type") {
		t.Fatalf("error does not name the field: %v", err)
	}
}
