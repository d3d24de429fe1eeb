package didcore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/amanah-id/amanah/keys"
)

// fixedKey returns a deterministic test key.
func fixedKey(t testing.TB, c keys.Curve, seed byte) keys.PrivateKey {
	t.Helper()
	d := bytes.Repeat([]byte{seed}, 32)
	k, err := keys.PrivateKeyFromBytes(c, d)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// sampleJSON returns a ledger-valid did:amanah document using all three curves.
func sampleJSON(t testing.TB) []byte {
	ed := fixedKey(t, keys.Ed25519, 1).Public()
	p256 := fixedKey(t, keys.P256, 2).Public()
	k1 := fixedKey(t, keys.Secp256k1, 3).Public()
	did := AmanahDID("testnet", ed)
	pj, _ := p256.JWK()
	kj, _ := k1.JWK()
	return fmt.Appendf(nil, `{
  "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
  "id": %[1]q,
  "controller": %[1]q,
  "alsoKnownAs": ["https://ministry.example.gov"],
  "verificationMethod": [
    {"id": "#key-1", "type": "Multikey", "controller": %[1]q, "publicKeyMultibase": %[2]q},
    {"id": %[5]q, "type": "JsonWebKey", "controller": %[1]q, "publicKeyJwk": %[3]s}
  ],
  "authentication": ["#key-1"],
  "assertionMethod": ["#key-1", %[5]q],
  "capabilityInvocation": ["%[1]s#key-1"],
  "capabilityDelegation": [
    {"id": "#key-3", "type": "JsonWebKey2020", "controller": %[1]q, "publicKeyJwk": %[4]s}
  ],
  "service": [
    {"id": "#registry", "type": "LinkedDomains", "serviceEndpoint": "https://ministry.example.gov/?a=1&b=2"},
    {"id": "%[1]s#msg", "type": ["DIDCommMessaging", "Other"], "serviceEndpoint": [{"uri": "https://m.example/dc", "accept": ["didcomm/v2"]}, "https://m2.example"]}
  ]
}`, did, ed.Multikey(), pj, kj, did+"#key-2")
}

func sampleDoc(t testing.TB) *Document {
	t.Helper()
	d, err := ParseDocument(sampleJSON(t))
	if err != nil {
		t.Fatalf("sample: %v", err)
	}
	return d
}

func TestSampleDocument(t *testing.T) {
	d := sampleDoc(t)
	if err := d.Validate(DefaultLimits()); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if err := d.ValidateCore(DefaultLimits()); err != nil {
		t.Fatalf("ValidateCore: %v", err)
	}
	if err := d.CheckAmanahID("testnet"); err != nil {
		t.Fatalf("CheckAmanahID: %v", err)
	}
	if err := d.CheckAmanahID("mainnet"); !errors.Is(err, ErrInvalidAmanahDID) {
		t.Fatalf("CheckAmanahID other network: %v", err)
	}
	vm, ok := d.VerificationMethod("#key-1")
	if !ok || vm.ID != d.ID+"#key-1" {
		t.Fatalf("VerificationMethod(#key-1): %+v %v", vm, ok)
	}
	if _, ok := d.VerificationMethod(d.ID + "#key-3"); !ok {
		t.Fatal("embedded method not found")
	}
	if _, ok := d.VerificationMethod("#nope"); ok {
		t.Fatal("found unknown method")
	}
	want := map[Relationship][]keys.Curve{
		Authentication:       {keys.Ed25519},
		AssertionMethod:      {keys.Ed25519, keys.P256},
		CapabilityInvocation: {keys.Ed25519},
		CapabilityDelegation: {keys.Secp256k1},
		KeyAgreement:         nil,
	}
	for rel, curves := range want {
		ms := d.MethodsFor(rel)
		if len(ms) != len(curves) {
			t.Fatalf("%s: %d methods", rel, len(ms))
		}
		for i, m := range ms {
			k, err := m.PublicKey()
			if err != nil || k.Curve() != curves[i] || !strings.HasPrefix(m.ID, d.ID+"#") {
				t.Fatalf("%s[%d]: %v %s %s", rel, i, err, k.Curve(), m.ID)
			}
		}
	}
	// Sign with the capabilityInvocation key and verify through the document.
	priv := fixedKey(t, keys.Ed25519, 1)
	sig, _ := priv.Sign([]byte("payload"))
	k, _ := d.MethodsFor(CapabilityInvocation)[0].PublicKey()
	if err := k.Verify([]byte("payload"), sig); err != nil {
		t.Fatal(err)
	}
}

func TestDocumentRoundTrip(t *testing.T) {
	inputs := [][]byte{sampleJSON(t)}
	files, _ := filepath.Glob("testdata/vectors/testsuite-did-*.json")
	for _, f := range files {
		if v := loadVector(t, f); v != nil {
			inputs = append(inputs, v.Representation)
		}
	}
	for i, in := range inputs {
		d, err := ParseDocumentLenient(in)
		if err != nil {
			t.Fatalf("input %d: %v", i, err)
		}
		b1, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		d2, err := ParseDocumentLenient(b1)
		if err != nil {
			t.Fatalf("re-parse %d: %v\n%s", i, err, b1)
		}
		b2, _ := json.Marshal(d2)
		if !bytes.Equal(b1, b2) {
			t.Fatalf("input %d not stable:\n%s\n%s", i, b1, b2)
		}
		// Same data model, different member order and spacing: same bytes.
		var generic map[string]any
		_ = json.Unmarshal(in, &generic)
		reordered, _ := json.MarshalIndent(generic, "", "   ")
		d3, err := ParseDocumentLenient(reordered)
		if err != nil {
			t.Fatal(err)
		}
		if b3, _ := json.Marshal(d3); !bytes.Equal(b1, b3) {
			t.Fatalf("input %d: member order changes output:\n%s\n%s", i, b1, b3)
		}
	}
	// Strict json.Unmarshal and pointer/value marshal agree.
	var d Document
	if err := json.Unmarshal(sampleJSON(t), &d); err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(d)
	b, _ := json.Marshal(&d)
	c, _ := d.MarshalJSON()
	if !bytes.Equal(a, b) || !bytes.Equal(a, c) || !bytes.Contains(a, []byte(`?a=1\u0026b=2`)) {
		t.Fatalf("marshal: %s", a)
	}
	if !bytes.HasPrefix(a, []byte(`{"@context":["https://www.w3.org/ns/did/v1",`)) {
		t.Fatalf("member order: %s", a)
	}
}

type vector struct {
	DID            string          `json:"did"`
	Representation json.RawMessage `json:"-"`
	Document       json.RawMessage `json:"did_document"`
	RawRepr        string          `json:"representation"`
}

func loadVector(t *testing.T, path string) *vector {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v vector
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if v.RawRepr == "" {
		return nil // the syntax file
	}
	v.Representation = json.RawMessage(v.RawRepr)
	return &v
}

func TestDocumentVectors(t *testing.T) {
	files, _ := filepath.Glob("testdata/vectors/testsuite-did-*.json")
	n := 0
	for _, f := range files {
		v := loadVector(t, f)
		if v == nil {
			continue
		}
		n++
		t.Run(filepath.Base(f), func(t *testing.T) {
			for name, raw := range map[string][]byte{"representation": v.Representation, "did_document": v.Document} {
				d, err := ParseDocumentLenient(raw)
				if err != nil {
					t.Fatalf("%s: parse: %v", name, err)
				}
				if d.ID != v.DID {
					t.Fatalf("%s: id %q", name, d.ID)
				}
				if err := d.ValidateCore(DefaultLimits()); err != nil {
					t.Fatalf("%s: ValidateCore: %v", name, err)
				}
				if _, _, err := ParseAmanahDID(d.ID); err == nil {
					t.Fatal("vector unexpectedly did:amanah")
				}
				// Every method decodes, or is a key-agreement curve keys does not handle.
				decoded := 0
				all := append([]VerificationMethod{}, d.VerificationMethods...)
				for _, r := range d.KeyAgreement {
					if r.Embedded != nil {
						all = append(all, *r.Embedded)
					}
				}
				for _, vm := range all {
					k, err := vm.PublicKey()
					switch {
					case err == nil:
						if k.Curve() != keys.Ed25519 {
							t.Errorf("%s: curve %s", vm.ID, k.Curve())
						}
						decoded++
					case errors.Is(err, keys.ErrUnsupportedCurve) || errors.Is(err, ErrUnsupportedMethodType):
						if !strings.Contains(vm.ID+vm.Type+string(vm.PublicKeyJwk)+vm.PublicKeyMultibase, "X25519") && !strings.HasPrefix(vm.PublicKeyMultibase, "z6LS") {
							t.Errorf("%s: unexpected unsupported key: %v", vm.ID, err)
						}
					default:
						t.Errorf("%s: %v", vm.ID, err)
					}
				}
				if decoded == 0 {
					t.Error("no signing key decoded")
				}
				for _, rel := range Relationships {
					for i, r := range *d.relationship(rel) {
						if r.Embedded == nil {
							if _, ok := d.VerificationMethod(r.Ref); !ok {
								t.Errorf("%s[%d] %q does not resolve", rel, i, r.Ref)
							}
						}
					}
				}
				// The strict decoder or the ledger profile must refuse these non-ledger documents
				// (extensions, no @context, or X25519 method types), never silently accept them.
				if sd, err := ParseDocument(raw); err == nil {
					if err := sd.Validate(DefaultLimits()); err == nil {
						t.Errorf("%s: ledger profile accepted a third-party document", name)
					}
				}
			}
		})
	}
	if n != 3 {
		t.Fatalf("found %d document vectors, want 3", n)
	}
}
