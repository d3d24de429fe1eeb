package didcore

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/amanah-id/amanah/keys"
)

func TestSyntaxVectors(t *testing.T) {
	b, err := os.ReadFile("testdata/vectors/testsuite-did-syntax.json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		ValidDIDs      []string `json:"valid_dids"`
		InvalidDIDs    []string `json:"invalid_dids"`
		ValidDIDURLs   []string `json:"valid_did_urls"`
		InvalidDIDURLs []string `json:"invalid_did_urls"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.ValidDIDs) == 0 || len(v.InvalidDIDs) == 0 || len(v.ValidDIDURLs) == 0 || len(v.InvalidDIDURLs) == 0 {
		t.Fatal("vector file has empty lists")
	}
	for _, s := range v.ValidDIDs {
		d, err := ParseDID(s)
		if err != nil {
			t.Errorf("valid DID %q: %v", s, err)
		} else if d.String() != s {
			t.Errorf("DID %q re-encodes as %q", s, d.String())
		}
	}
	for _, s := range v.InvalidDIDs {
		if _, err := ParseDID(s); !errors.Is(err, ErrInvalidDID) {
			t.Errorf("invalid DID %q: got %v", s, err)
		}
	}
	for _, s := range v.ValidDIDURLs {
		u, err := ParseDIDURL(s)
		if err != nil {
			t.Errorf("valid DID URL %q: %v", s, err)
		} else if u.String() != s {
			t.Errorf("DID URL %q re-encodes as %q", s, u.String())
		}
	}
	for _, s := range v.InvalidDIDURLs {
		if _, err := ParseDIDURL(s); !errors.Is(err, ErrInvalidDIDURL) {
			t.Errorf("invalid DID URL %q: got %v", s, err)
		}
	}
}

func TestParseDIDURLParts(t *testing.T) {
	u, err := ParseDIDURL("did:example:123:abc/p/q%20r?service=agent&relativeRef=/credentials#degree")
	if err != nil {
		t.Fatal(err)
	}
	want := DIDURL{Method: "example", ID: "123:abc", Path: "/p/q%20r", Query: "service=agent&relativeRef=/credentials", Fragment: "degree"}
	if u != want {
		t.Fatalf("got %+v", u)
	}
	if u.DID() != (DID{Method: "example", ID: "123:abc"}) || u.IsDID() {
		t.Fatal("DID part")
	}
	r, err := ResolveReference(u.DID(), "#key-1")
	if err != nil || r.String() != "did:example:123:abc#key-1" {
		t.Fatalf("resolve: %v %v", r, err)
	}
}

func TestParseDIDInvalid(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"", ErrInvalidDID},
		{"DID:example:123", ErrInvalidDID},
		{"did:Example:123", ErrInvalidDID},
		{"did:ex-ample:123", ErrInvalidDID},
		{"did::123", ErrInvalidDID},
		{"did:example:", ErrInvalidDID},
		{"did:example:12 3", ErrInvalidDID},
		{"did:example:abc%2", ErrInvalidDID},
		{"did:example:abc%zz", ErrInvalidDID},
		{"did:example:abc~", ErrInvalidDID},
		{"did:example:123/path", ErrInvalidDID},
		{"did:example:123?q", ErrInvalidDID},
		{"did:example:" + strings.Repeat("a", MaxDIDURLLength), ErrInvalidDID},
		{"did:example:caf\u00e9", ErrInvalidDID},
	}
	for _, tc := range tests {
		if _, err := ParseDID(tc.in); !errors.Is(err, tc.want) {
			t.Errorf("%q: got %v, want %v", tc.in, err, tc.want)
		}
	}
}

func TestParseDIDURLInvalid(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"#key-1", ErrInvalidDIDURL}, // relative: use ResolveReference
		{"did:example:123#frag#more", ErrInvalidDIDURL},
		{"did:example:123#a b", ErrInvalidDIDURL},
		{"did:example:123/pa th", ErrInvalidDIDURL},
		{"did:example:123?q=%", ErrInvalidDIDURL},
		{"did:example:123/%4", ErrInvalidDIDURL},
		{"did:example:123#<x>", ErrInvalidDIDURL},
		{"did:example:123/a\\b", ErrInvalidDIDURL},
		{"did:example:abc:/path", ErrInvalidDIDURL},
		{"did:example:123#" + strings.Repeat("a", MaxDIDURLLength), ErrInvalidDIDURL},
	}
	for _, tc := range tests {
		if _, err := ParseDIDURL(tc.in); !errors.Is(err, tc.want) {
			t.Errorf("%q: got %v, want %v", tc.in, err, tc.want)
		}
	}
}

func TestAmanahDID(t *testing.T) {
	priv, err := keys.PrivateKeyFromBytes(keys.Ed25519, make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	did := AmanahDID("mainnet", priv.Public())
	network, id, err := ParseAmanahDID(did)
	if err != nil || network != "mainnet" || id != AmanahID(priv.Public()) {
		t.Fatalf("%s: %v %s %s", did, err, network, id)
	}
	if _, err := ParseDID(did); err != nil {
		t.Fatal(err)
	}
	tests := []string{
		"did:example:mainnet:" + id,
		"did:amanah:" + id,
		"did:amanah:Main:" + id,
		"did:amanah:main_net:" + id,
		"did:amanah:" + strings.Repeat("a", 33) + ":" + id,
		"did:amanah:mainnet:" + id + "x",
		"did:amanah:mainnet:" + id[:len(id)-2],
		"did:amanah:mainnet:0OIl" + id[4:],
		"did:amanah:mainnet:" + id + ":extra",
		"did:amanah:mainnet:1" + id,
		did + "#key-1",
	}
	for _, s := range tests {
		if _, _, err := ParseAmanahDID(s); !errors.Is(err, ErrInvalidAmanahDID) {
			t.Errorf("%q: got %v", s, err)
		}
	}
}
