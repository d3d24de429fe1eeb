// Package verifiertest builds a verifier world in memory for tests,
// benchmarks and the load generator: an in-memory chain with an accredited
// issuer DID, a registered relying party and a status list; credentials
// issued by that issuer; and presentations made by their holders.
package verifiertest

import (
	"context"
	"fmt"
	"time"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/credential/sdjwt"
	"github.com/amanah-id/amanah/credential/sdjwtvc"
	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/ledger/ledgertest"
)

// Fixture constants.
const (
	Network  = "testnet"
	VCT      = "https://amanah.example/vct/national-id"
	OtherVCT = "https://amanah.example/vct/driving-licence"
	ListURI  = "https://status.amanah.example/amanah/status/v1/lists/1"
	ListID   = uint64(1)
	RPDID    = "did:amanah:testnet:bank-one"
	OtherRP  = "did:amanah:testnet:bank-two"
	RPKey    = "bank-one-api-key-0123456789"
	OtherKey = "bank-two-api-key-0123456789"
	Audience = "https://checkout.bank-one.example"
	// OtherAudience is bank-two's registered audience.
	OtherAudience = "https://pay.bank-two.example"
	ListBits      = 2
	ListSize      = 131072
	KeyFrag       = "#key-1"
	OtherFrag     = "#key-auth"
)

// AllowedClaims is bank-one's registration for VCT.
var AllowedClaims = []string{"given_name", "family_name", "age_over_18", "nationality"}

// Claims are the personal claims of the fixture credential.
var Claims = map[string]any{
	"given_name":  "Aminah",
	"family_name": "Binti Yusof",
	"birthdate":   "1990-04-01",
	"nationality": "MY",
	"address":     map[string]any{"city": "Kuala Lumpur", "postcode": "50450"},
}

// Schema is the JSON Schema registered for VCT and OtherVCT: the fixture's
// claims and the age predicates derived from birthdate. Its `required` list
// is not applied to presentations (they disclose a subset).
const Schema = `{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",` +
	`"properties":{"given_name":{"type":"string","minLength":1},"family_name":{"type":"string"},` +
	`"birthdate":{"type":"string","pattern":"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},"nationality":{"type":"string","pattern":"^[A-Z]{2}$"},` +
	`"address":{"type":"object","properties":{"city":{"type":"string"},"postcode":{"type":"string"}},"additionalProperties":false},` +
	`"age_over_18":{"type":"boolean"},"age_over_21":{"type":"boolean"}},` +
	`"required":["given_name","family_name","birthdate"]}`

// Env is the in-memory world.
type Env struct {
	Chain     *ledgertest.Chain
	Node      *ledgertest.Node
	IssuerDID string
	IssuerKey keys.PrivateKey
	// AuthKey is the issuer's authentication key (not an assertionMethod).
	AuthKey keys.PrivateKey
	Issuer  *sdjwtvc.Issuer
	Now     time.Time
}

// New builds the world with an issuer key on curve c (Ed25519 or P-256).
func New(c keys.Curve) (*Env, error) { return NewOn(Network, c) }

// NewOn builds the world with the issuer's DID on did network (another ledger's world,
// for federation tests).
func NewOn(network string, c keys.Curve) (*Env, error) {
	now := time.Now()
	ik, err := keys.Generate(c)
	if err != nil {
		return nil, err
	}
	authKey, err := keys.Generate(keys.Ed25519)
	if err != nil {
		return nil, err
	}
	did := didcore.AmanahDID(network, ik.Public())
	doc := &didcore.Document{
		Context: []string{didcore.ContextV1},
		ID:      did,
		VerificationMethods: []didcore.VerificationMethod{
			{ID: did + KeyFrag, Type: didcore.TypeMultikey, Controller: did, PublicKeyMultibase: ik.Public().Multikey()},
			{ID: did + OtherFrag, Type: didcore.TypeMultikey, Controller: did, PublicKeyMultibase: authKey.Public().Multikey()},
		},
		AssertionMethod:      []didcore.MethodRef{{Ref: did + KeyFrag}},
		Authentication:       []didcore.MethodRef{{Ref: did + OtherFrag}},
		CapabilityInvocation: []didcore.MethodRef{{Ref: did + OtherFrag}},
	}
	ch := ledgertest.NewChain(nil)
	ch.PutDID(doc, now.Add(-24*time.Hour))
	ch.Accredit(did, VCT, ledgertest.Window{From: now.Add(-24 * time.Hour)})
	ch.Accredit(did, OtherVCT, ledgertest.Window{From: now.Add(-24 * time.Hour)})
	ch.PutCredentialType(VCT, Schema)
	ch.PutCredentialType(OtherVCT, Schema)
	ch.PutRelyingParty(ledger.RelyingParty{DID: RPDID, Name: "Bank One", AllowedClaims: map[string][]string{
		VCT: AllowedClaims, OtherVCT: {"given_name"},
	}, Audiences: []string{Audience}})
	ch.PutRelyingParty(ledger.RelyingParty{DID: OtherRP, Name: "Bank Two", AllowedClaims: map[string][]string{VCT: {"age_over_18"}},
		Audiences: []string{OtherAudience}})
	if err := ch.CreateList(ListID, did, ListBits, ListSize); err != nil {
		return nil, err
	}
	e := &Env{Chain: ch, Node: ch.NewNode("node-0"), IssuerDID: did, IssuerKey: ik, AuthKey: authKey, Now: now,
		Issuer: &sdjwtvc.Issuer{DID: did, KeyID: did + KeyFrag, Signer: jws.NewKeySigner(ik)}}
	ch.Commit()
	return e, nil
}

// NewCache returns a ledger cache over the given nodes (the env's node if
// none); it syncs when stepped or run.
func (e *Env) NewCache(cfg ledger.Config, nodes ...*ledgertest.Node) (*ledger.Cache, error) {
	if len(nodes) == 0 {
		nodes = []*ledgertest.Node{e.Node}
	}
	return ledger.NewCache(cfg, ledgertest.Failover(nodes))
}

// Holder is a credential with its holder's key.
type Holder struct {
	SDJWT *sdjwt.SDJWT
	Key   keys.PrivateKey
}

// Issue issues a credential of vct with status index idx to a new holder
// whose key is on curve c.
func (e *Env) Issue(vct string, idx uint64, c keys.Curve) (*Holder, error) {
	return e.IssueWith(e.Issuer, c, func(cr *sdjwtvc.Credential) {
		cr.VCT = vct
		cr.Status.Index = idx
	})
}

// IssueWith issues with issuer is a credential edited by edit.
func (e *Env) IssueWith(is *sdjwtvc.Issuer, c keys.Curve, edit func(*sdjwtvc.Credential)) (*Holder, error) {
	hk, err := keys.Generate(c)
	if err != nil {
		return nil, err
	}
	cr := sdjwtvc.Credential{VCT: VCT, Claims: Claims, Holder: hk.Public(),
		Status: &sdjwtvc.StatusRef{Index: 0, URI: ListURI}, Expires: e.Now.Add(365 * 24 * time.Hour)}
	if edit != nil {
		edit(&cr)
	}
	s, err := is.Issue(context.Background(), cr)
	if err != nil {
		return nil, err
	}
	p, err := sdjwt.Parse(s)
	if err != nil {
		return nil, err
	}
	return &Holder{SDJWT: p, Key: hk}, nil
}

// Present discloses paths, binding the presentation to nonce and aud.
func (h *Holder) Present(nonce, aud string, paths ...string) (string, error) {
	p, err := h.SDJWT.Present(context.Background(), paths, &sdjwt.KeyBinding{Signer: jws.NewKeySigner(h.Key), Nonce: nonce, Audience: aud})
	if err != nil {
		return "", fmt.Errorf("present: %w", err)
	}
	return p, nil
}
