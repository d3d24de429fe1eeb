package keeper_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/stretchr/testify/require"
	"github.com/stretchr/testify/suite"

	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/x/did/types"
)

type KeeperTestSuite struct {
	suite.Suite
	f *fixture
	a identity // created in SetupTest
	b identity // created in SetupTest
}

func TestKeeperTestSuite(t *testing.T) { suite.Run(t, new(KeeperTestSuite)) }

func (s *KeeperTestSuite) SetupTest() {
	t := s.T()
	s.f = newFixture(t)
	s.a = newIdentity(t, keys.Ed25519)
	s.b = newIdentity(t, keys.P256)
	s.f.create(t, s.a)
	s.f.create(t, s.b)
	s.f.advance(5)
}

// SetupSubTest gives every table case fresh state.
func (s *KeeperTestSuite) SetupSubTest() { s.SetupTest() }

// TestCreateValid covers the accepted create forms.
func (s *KeeperTestSuite) TestCreateValid() {
	t := s.T()
	cases := []struct {
		name  string
		build func() *types.MsgCreateDid
	}{
		{"default document, secp256k1 key", func() *types.MsgCreateDid {
			i := newIdentity(t, keys.Secp256k1)
			return s.f.createMsg(t, mustJSON(t, i.doc), by(i))
		}},
		{"JsonWebKey P-256 method", func() *types.MsgCreateDid {
			priv, _ := keys.Generate(keys.P256)
			did := didcore.AmanahDID(types.DefaultNetwork, priv.Public())
			jwk, err := priv.Public().JWK()
			require.NoError(t, err)
			doc := &didcore.Document{Context: []string{didcore.ContextV1}, ID: did,
				VerificationMethods:  []didcore.VerificationMethod{{ID: "#k", Type: didcore.TypeJSONWebKey, Controller: did, PublicKeyJwk: jwk}},
				CapabilityInvocation: []didcore.MethodRef{{Ref: "#k"}}}
			return s.f.createMsg(t, mustJSON(t, doc), signer{did + "#k", priv})
		}},
		{"pretty-printed input is stored canonically", func() *types.MsgCreateDid {
			i := newIdentity(t, keys.Ed25519)
			var buf bytes.Buffer
			require.NoError(t, jsonIndent(&buf, mustJSON(t, i.doc)))
			return s.f.createMsg(t, buf.Bytes(), by(i))
		}},
		{"controlled by another DID, signed by both", func() *types.MsgCreateDid {
			i := newIdentity(t, keys.Ed25519)
			i.doc.Controller = []string{s.a.did()}
			return s.f.createMsg(t, mustJSON(t, i.doc), by(i), by(s.a))
		}},
		{"second capabilityInvocation key signs too", func() *types.MsgCreateDid {
			i := newIdentity(t, keys.Ed25519)
			k2, _ := keys.Generate(keys.Secp256k1)
			i.doc.VerificationMethods = append(i.doc.VerificationMethods, didcore.VerificationMethod{
				ID: i.did() + "#key-2", Type: didcore.TypeMultikey, Controller: i.did(), PublicKeyMultibase: k2.Public().Multikey()})
			i.doc.CapabilityInvocation = append(i.doc.CapabilityInvocation, didcore.MethodRef{Ref: "#key-2"})
			return s.f.createMsg(t, mustJSON(t, i.doc), by(i), signer{i.did() + "#key-2", k2})
		}},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			msg := tc.build()
			res, err := s.f.msgs.CreateDid(s.f.ctx, msg)
			s.Require().NoError(err)
			s.Require().Equal("1", res.VersionId)
			doc, md, err := s.f.k.Resolve(s.f.ctx, res.Did)
			s.Require().NoError(err)
			s.Require().Equal(res.Did, doc.ID)
			s.Require().Equal(s.f.ctx.BlockTime().UTC(), md.Created)
			s.Require().Empty(md.PreviousVersionId)
			v, err := s.f.k.Versions.Get(s.f.ctx, joinKey(res.Did, 1))
			s.Require().NoError(err)
			s.Require().Equal(mustJSON(t, doc), v.DocumentJson, "stored canonically")
			s.Require().True(hasEvent(s.f.ctx, "amanah.did.v1.EventDidCreated"))
		})
	}
}

// TestBadInput proves that every rejected message leaves state unchanged and fails with the
// registered error (and, for documents, the didcore rule).
func (s *KeeperTestSuite) TestBadInput() {
	t := s.T()
	cases := []struct {
		name    string
		run     func() error
		expErr  error
		didcore error
	}{
		// Malformed documents: each didcore rule surfaces as ErrInvalidDocument.
		{"not JSON", func() error { return s.createRaw([]byte(`{"@context":`)) }, types.ErrInvalidDocument, didcore.ErrInvalidJSON},
		{"unknown member", func() error {
			return s.createEdited(func(m map[string]any) { m["foo"] = "bar" })
		}, types.ErrInvalidDocument, didcore.ErrUnknownMember},
		{"missing @context", func() error {
			return s.createEdited(func(m map[string]any) { delete(m, "@context") })
		}, types.ErrInvalidDocument, didcore.ErrInvalidContext},
		{"duplicate method id", func() error {
			return s.createDoc(func(d *didcore.Document) {
				d.VerificationMethods = append(d.VerificationMethods, d.VerificationMethods[0])
			})
		}, types.ErrInvalidDocument, didcore.ErrDuplicateID},
		{"key material does not decode", func() error {
			return s.createDoc(func(d *didcore.Document) { d.VerificationMethods[0].PublicKeyMultibase = "zNotAKey" })
		}, types.ErrInvalidDocument, didcore.ErrInvalidKeyMaterial},
		{"unsupported method type", func() error {
			return s.createDoc(func(d *didcore.Document) { d.VerificationMethods[0].Type = "X25519KeyAgreementKey2019" })
		}, types.ErrInvalidDocument, didcore.ErrUnsupportedMethodType},
		{"reference to unknown method", func() error {
			return s.createDoc(func(d *didcore.Document) { d.Authentication = []didcore.MethodRef{{Ref: "#nope"}} })
		}, types.ErrInvalidDocument, didcore.ErrUnknownReference},
		{"bad service endpoint", func() error {
			return s.createDoc(func(d *didcore.Document) {
				d.Service = []didcore.Service{{ID: "#svc", Type: []string{"X"}, ServiceEndpoint: didcore.ServiceEndpoint{URI: "not a uri"}}}
			})
		}, types.ErrInvalidDocument, didcore.ErrInvalidServiceEndpoint},
		{"too many methods", func() error {
			return s.createDoc(func(d *didcore.Document) {
				for n := 0; n < 40; n++ {
					d.AssertionMethod = append(d.AssertionMethod, d.Authentication[0])
				}
			})
		}, types.ErrInvalidDocument, didcore.ErrTooLarge},
		{"oversize payload", func() error {
			return s.createRaw(append(mustJSON(t, newIdentity(t, keys.Ed25519).doc), bytes.Repeat([]byte(" "), types.MaxPayloadDocumentBytes)...))
		}, types.ErrPayloadTooLarge, nil},
		{"too many signatures", func() error {
			i := newIdentity(t, keys.Ed25519)
			m := s.f.createMsg(t, mustJSON(t, i.doc), by(i))
			for n := 0; n <= types.MaxSignatures; n++ {
				m.Signatures = append(m.Signatures, types.DidSignature{VerificationMethod: i.method() + string(rune('a'+n%26)), Signature: []byte{1}})
			}
			_, err := s.f.msgs.CreateDid(s.f.ctx, m)
			return err
		}, types.ErrPayloadTooLarge, nil},

		// Identifiers.
		{"duplicate DID", func() error {
			_, err := s.f.msgs.CreateDid(s.f.ctx, s.f.createMsg(t, mustJSON(t, s.a.doc), by(s.a)))
			return err
		}, types.ErrDidExists, nil},
		{"id not derived from the key", func() error {
			i, other := newIdentity(t, keys.Ed25519), newIdentity(t, keys.Ed25519)
			d := *other.doc
			d.ID = i.did()
			d.VerificationMethods = []didcore.VerificationMethod{{ID: i.method(), Type: didcore.TypeMultikey, Controller: i.did(),
				PublicKeyMultibase: other.priv.Public().Multikey()}}
			d.Authentication, d.AssertionMethod, d.CapabilityInvocation = nil, nil, []didcore.MethodRef{{Ref: i.method()}}
			_, err := s.f.msgs.CreateDid(s.f.ctx, s.f.createMsg(t, mustJSON(t, &d), signer{i.method(), other.priv}))
			return err
		}, types.ErrIDMismatch, nil},
		{"id key only in authentication", func() error {
			return s.createDoc(func(d *didcore.Document) { d.CapabilityInvocation = nil })
		}, types.ErrIDMismatch, nil},
		{"wrong network", func() error {
			priv, _ := keys.Generate(keys.Ed25519)
			d := types.NewDocument("othernet", priv.Public())
			_, err := s.f.msgs.CreateDid(s.f.ctx, s.f.createMsg(t, mustJSON(t, d), signer{d.ID + "#key-1", priv}))
			return err
		}, types.ErrWrongNetwork, nil},
		{"invalid fee payer address", func() error {
			i := newIdentity(t, keys.Ed25519)
			m := s.f.createMsg(t, mustJSON(t, i.doc), by(i))
			m.Signer = "cosmos1bad"
			_, err := s.f.msgs.CreateDid(s.f.ctx, m)
			return err
		}, types.ErrInvalidAddress, nil},

		// Signatures.
		{"bad signature", func() error {
			i := newIdentity(t, keys.Ed25519)
			m := s.f.createMsg(t, mustJSON(t, i.doc), by(i))
			m.Signatures[0].Signature[0] ^= 1
			_, err := s.f.msgs.CreateDid(s.f.ctx, m)
			return err
		}, types.ErrInvalidSignature, nil},
		{"signature for another chain", func() error {
			i := newIdentity(t, keys.Ed25519)
			m := s.f.createMsg(t, mustJSON(t, i.doc))
			sig, err := types.Sign("other-chain", types.TypeURLMsgCreateDid, &m.Payload, i.method(), i.priv)
			require.NoError(t, err)
			m.Signatures = []types.DidSignature{sig}
			_, err = s.f.msgs.CreateDid(s.f.ctx, m)
			return err
		}, types.ErrInvalidSignature, nil},
		{"signature for another message type", func() error {
			i := newIdentity(t, keys.Ed25519)
			m := s.f.createMsg(t, mustJSON(t, i.doc))
			sig, err := types.Sign(testChainID, types.TypeURLMsgUpdateDid, &m.Payload, i.method(), i.priv)
			require.NoError(t, err)
			m.Signatures = []types.DidSignature{sig}
			_, err = s.f.msgs.CreateDid(s.f.ctx, m)
			return err
		}, types.ErrInvalidSignature, nil},
		{"duplicate signature", func() error {
			i := newIdentity(t, keys.Ed25519)
			_, err := s.f.msgs.CreateDid(s.f.ctx, s.f.createMsg(t, mustJSON(t, i.doc), by(i), by(i)))
			return err
		}, types.ErrInvalidSignature, nil},
		{"no signature", func() error {
			i := newIdentity(t, keys.Ed25519)
			_, err := s.f.msgs.CreateDid(s.f.ctx, s.f.createMsg(t, mustJSON(t, i.doc)))
			return err
		}, types.ErrMissingSignature, nil},
		{"signature by a non-capabilityInvocation method", func() error {
			i := newIdentity(t, keys.Ed25519)
			k2, _ := keys.Generate(keys.Ed25519)
			i.doc.VerificationMethods = append(i.doc.VerificationMethods, didcore.VerificationMethod{
				ID: i.did() + "#key-2", Type: didcore.TypeMultikey, Controller: i.did(), PublicKeyMultibase: k2.Public().Multikey()})
			i.doc.Authentication = append(i.doc.Authentication, didcore.MethodRef{Ref: "#key-2"})
			_, err := s.f.msgs.CreateDid(s.f.ctx, s.f.createMsg(t, mustJSON(t, i.doc), by(i), signer{i.did() + "#key-2", k2}))
			return err
		}, types.ErrUnauthorized, nil},
		{"update signed by an authentication-only key", func() error {
			k2, _ := keys.Generate(keys.Ed25519)
			d := *s.a.doc
			d.VerificationMethods = append(append([]didcore.VerificationMethod{}, d.VerificationMethods...), didcore.VerificationMethod{
				ID: s.a.did() + "#key-2", Type: didcore.TypeMultikey, Controller: s.a.did(), PublicKeyMultibase: k2.Public().Multikey()})
			d.Authentication = append(append([]didcore.MethodRef{}, d.Authentication...), didcore.MethodRef{Ref: "#key-2"})
			_, err := s.f.msgs.UpdateDid(s.f.ctx, s.f.updateMsg(t, s.a.did(), mustJSON(t, &d), "1", by(s.a)))
			require.NoError(t, err)
			_, err = s.f.msgs.UpdateDid(s.f.ctx, s.f.updateMsg(t, s.a.did(), mustJSON(t, &d), "2", signer{s.a.did() + "#key-2", k2}))
			return err
		}, types.ErrUnauthorized, nil},
		{"rotation signed only by the new key", func() error {
			next, _ := keys.Generate(keys.Ed25519)
			_, err := s.f.msgs.UpdateDid(s.f.ctx, s.f.updateMsg(t, s.a.did(), mustJSON(t, rotated(s.a, next)), "1", signer{s.a.method(), next}))
			return err
		}, types.ErrInvalidSignature, nil},
		{"missing controller signature (create)", func() error {
			i := newIdentity(t, keys.Ed25519)
			i.doc.Controller = []string{i.did(), s.a.did()}
			_, err := s.f.msgs.CreateDid(s.f.ctx, s.f.createMsg(t, mustJSON(t, i.doc), by(i)))
			return err
		}, types.ErrMissingSignature, nil},
		{"missing current controller signature (update)", func() error {
			i := newIdentity(t, keys.Ed25519)
			i.doc.Controller = []string{i.did(), s.a.did()}
			_, err := s.f.msgs.CreateDid(s.f.ctx, s.f.createMsg(t, mustJSON(t, i.doc), by(i), by(s.a)))
			require.NoError(t, err)
			i.doc.AlsoKnownAs = []string{"https://example.gov/agency"}
			_, err = s.f.msgs.UpdateDid(s.f.ctx, s.f.updateMsg(t, i.did(), mustJSON(t, i.doc), "1", by(i)))
			return err
		}, types.ErrMissingSignature, nil},
		{"missing signature of an added controller", func() error {
			d := *s.a.doc
			d.Controller = []string{s.a.did(), s.b.did()}
			_, err := s.f.msgs.UpdateDid(s.f.ctx, s.f.updateMsg(t, s.a.did(), mustJSON(t, &d), "1", by(s.a)))
			return err
		}, types.ErrMissingSignature, nil},
		{"controller DID not on the ledger", func() error {
			i, ghost := newIdentity(t, keys.Ed25519), newIdentity(t, keys.Ed25519)
			i.doc.Controller = []string{i.did(), ghost.did()}
			_, err := s.f.msgs.CreateDid(s.f.ctx, s.f.createMsg(t, mustJSON(t, i.doc), by(i), by(ghost)))
			return err
		}, types.ErrControllerNotFound, nil},
		{"deactivation missing a controller signature", func() error {
			i := newIdentity(t, keys.Ed25519)
			i.doc.Controller = []string{s.a.did()}
			_, err := s.f.msgs.CreateDid(s.f.ctx, s.f.createMsg(t, mustJSON(t, i.doc), by(i), by(s.a)))
			require.NoError(t, err)
			_, err = s.f.msgs.DeactivateDid(s.f.ctx, s.f.deactivateMsg(t, i.did(), "1", by(i)))
			return err
		}, types.ErrUnauthorized, nil},

		// Versions and lifecycle.
		{"stale version (update)", func() error {
			d := *s.a.doc
			d.AlsoKnownAs = []string{"https://example.gov/a"}
			_, err := s.f.msgs.UpdateDid(s.f.ctx, s.f.updateMsg(t, s.a.did(), mustJSON(t, &d), "1", by(s.a)))
			require.NoError(t, err)
			d.AlsoKnownAs = []string{"https://example.gov/b"}
			_, err = s.f.msgs.UpdateDid(s.f.ctx, s.f.updateMsg(t, s.a.did(), mustJSON(t, &d), "1", by(s.a)))
			return err
		}, types.ErrStaleVersion, nil},
		{"stale version (deactivate)", func() error {
			_, err := s.f.msgs.DeactivateDid(s.f.ctx, s.f.deactivateMsg(t, s.a.did(), "2", by(s.a)))
			return err
		}, types.ErrStaleVersion, nil},
		{"update after deactivation", func() error {
			_, err := s.f.msgs.DeactivateDid(s.f.ctx, s.f.deactivateMsg(t, s.a.did(), "1", by(s.a)))
			require.NoError(t, err)
			_, err = s.f.msgs.UpdateDid(s.f.ctx, s.f.updateMsg(t, s.a.did(), mustJSON(t, s.a.doc), "2", by(s.a)))
			return err
		}, types.ErrDidDeactivated, nil},
		{"deactivate twice", func() error {
			_, err := s.f.msgs.DeactivateDid(s.f.ctx, s.f.deactivateMsg(t, s.a.did(), "1", by(s.a)))
			require.NoError(t, err)
			_, err = s.f.msgs.DeactivateDid(s.f.ctx, s.f.deactivateMsg(t, s.a.did(), "2", by(s.a)))
			return err
		}, types.ErrDidDeactivated, nil},
		{"update of an unknown DID", func() error {
			i := newIdentity(t, keys.Ed25519)
			_, err := s.f.msgs.UpdateDid(s.f.ctx, s.f.updateMsg(t, i.did(), mustJSON(t, i.doc), "1", by(i)))
			return err
		}, types.ErrDidNotFound, nil},
		{"update with another DID's document", func() error {
			_, err := s.f.msgs.UpdateDid(s.f.ctx, s.f.updateMsg(t, s.a.did(), mustJSON(t, s.b.doc), "1", by(s.a)))
			return err
		}, types.ErrDocumentIDMismatch, nil},
		{"update leaving no capabilityInvocation key", func() error {
			d := *s.a.doc
			d.CapabilityInvocation = nil
			_, err := s.f.msgs.UpdateDid(s.f.ctx, s.f.updateMsg(t, s.a.did(), mustJSON(t, &d), "1", by(s.a)))
			return err
		}, types.ErrInvalidDocument, nil},
		{"update of a DID on another network", func() error {
			priv, _ := keys.Generate(keys.Ed25519)
			d := types.NewDocument("othernet", priv.Public())
			_, err := s.f.msgs.UpdateDid(s.f.ctx, s.f.updateMsg(t, d.ID, mustJSON(t, d), "1", signer{d.ID + "#key-1", priv}))
			return err
		}, types.ErrWrongNetwork, nil},
		{"malformed DID in update", func() error {
			_, err := s.f.msgs.UpdateDid(s.f.ctx, s.f.updateMsg(t, "did:amanah:local:0OIl", mustJSON(t, s.a.doc), "1", by(s.a)))
			return err
		}, types.ErrInvalidDid, nil},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			// The state before the failing message (setup steps inside run are redone on a
			// cache so the comparison isolates the failing message).
			err := tc.run()
			s.Require().ErrorIs(err, tc.expErr, "got %v", err)
			if tc.didcore != nil {
				s.Require().ErrorIs(err, tc.didcore)
			}
			s.Require().Equal(tc.expErr.(interface{ ABCICode() uint32 }).ABCICode(), abciCode(err))
		})
	}
}

// TestFailedMessagesLeaveStateUnchanged runs each kind of failing message on a fixed state
// and compares the exported state before and after.
func (s *KeeperTestSuite) TestFailedMessagesLeaveStateUnchanged() {
	t := s.T()
	next, _ := keys.Generate(keys.Ed25519)
	bad := s.f.createMsg(t, mustJSON(t, newIdentity(t, keys.Ed25519).doc), by(s.a))
	msgs := []sdk.Msg{
		s.f.createMsg(t, []byte(`{}`)),
		bad,
		s.f.createMsg(t, mustJSON(t, s.a.doc), by(s.a)),
		s.f.updateMsg(t, s.a.did(), mustJSON(t, rotated(s.a, next)), "2", by(s.a)),
		s.f.updateMsg(t, s.a.did(), mustJSON(t, rotated(s.a, next)), "1", signer{s.a.method(), next}),
		s.f.deactivateMsg(t, s.a.did(), "1", by(s.b)),
	}
	before := s.f.export(t)
	for _, m := range msgs {
		var err error
		switch m := m.(type) {
		case *types.MsgCreateDid:
			_, err = s.f.msgs.CreateDid(s.f.ctx, m)
		case *types.MsgUpdateDid:
			_, err = s.f.msgs.UpdateDid(s.f.ctx, m)
		case *types.MsgDeactivateDid:
			_, err = s.f.msgs.DeactivateDid(s.f.ctx, m)
		}
		s.Require().Error(err)
	}
	s.Require().Equal(before, s.f.export(t))
}

// TestLifecycle: create -> rotate -> resolve old version and at times -> deactivate.
func (s *KeeperTestSuite) TestLifecycle() {
	t := s.T()
	f, a := s.f, s.a
	created := t0
	next, _ := keys.Generate(keys.Ed25519)
	rot := rotated(a, next)
	res, err := f.msgs.UpdateDid(f.ctx, f.updateMsg(t, a.did(), mustJSON(t, rot), "1", by(a)))
	s.Require().NoError(err)
	s.Require().Equal("2", res.VersionId)
	rotatedAt := f.ctx.BlockTime()
	s.Require().True(hasEvent(f.ctx, "amanah.did.v1.EventDidUpdated"))

	// Latest has the new key; version 1 and a time before rotation have the old one.
	doc, md, err := f.k.Resolve(f.ctx, a.did())
	s.Require().NoError(err)
	s.Require().Equal(next.Public().Multikey(), doc.VerificationMethods[0].PublicKeyMultibase)
	s.Require().Equal("1", md.PreviousVersionId)
	s.Require().Empty(md.NextVersionId)
	s.Require().Equal(created, md.Created)
	s.Require().Equal(rotatedAt, md.Updated)

	old, md1, err := f.k.ResolveVersion(f.ctx, a.did(), "1")
	s.Require().NoError(err)
	s.Require().Equal(a.priv.Public().Multikey(), old.VerificationMethods[0].PublicKeyMultibase)
	s.Require().Equal("2", md1.NextVersionId)

	at, _, err := f.k.ResolveAt(f.ctx, a.did(), rotatedAt.Add(-time.Second))
	s.Require().NoError(err)
	s.Require().Equal(a.priv.Public().Multikey(), at.VerificationMethods[0].PublicKeyMultibase)
	at, _, err = f.k.ResolveAt(f.ctx, a.did(), rotatedAt)
	s.Require().NoError(err)
	s.Require().Equal(next.Public().Multikey(), at.VerificationMethods[0].PublicKeyMultibase)
	_, _, err = f.k.ResolveAt(f.ctx, a.did(), created.Add(-time.Second))
	s.Require().ErrorIs(err, types.ErrDidNotFound)

	// The old key no longer authorises; the new one does.
	payload := []byte("payload")
	sig, _ := next.Sign(payload)
	s.Require().NoError(f.k.VerifySignatures(f.ctx, a.did(), didcore.CapabilityInvocation, payload,
		[]types.DidSignature{{VerificationMethod: a.method(), Signature: sig}}))
	oldSig, _ := a.priv.Sign(payload)
	s.Require().ErrorIs(f.k.VerifySignatures(f.ctx, a.did(), didcore.CapabilityInvocation, payload,
		[]types.DidSignature{{VerificationMethod: a.method(), Signature: oldSig}}), types.ErrInvalidSignature)

	// Deactivate with the new key.
	f.advance(5)
	dres, err := f.msgs.DeactivateDid(f.ctx, f.deactivateMsg(t, a.did(), "2", signer{a.method(), next}))
	s.Require().NoError(err)
	s.Require().Equal("3", dres.VersionId)
	s.Require().True(hasEvent(f.ctx, "amanah.did.v1.EventDidDeactivated"))
	active, err := f.k.IsActive(f.ctx, a.did())
	s.Require().NoError(err)
	s.Require().False(active)
	_, md, err = f.k.Resolve(f.ctx, a.did())
	s.Require().ErrorIs(err, types.ErrDidDeactivated)
	s.Require().True(md.Deactivated)
	_, _, err = f.k.ResolveVersion(f.ctx, a.did(), "2") // history stays readable
	s.Require().NoError(err)
	s.Require().ErrorIs(f.k.VerifySignatures(f.ctx, a.did(), didcore.CapabilityInvocation, payload,
		[]types.DidSignature{{VerificationMethod: a.method(), Signature: sig}}), types.ErrDidDeactivated)
	_, _, err = f.k.ResolveVersion(f.ctx, a.did(), "4")
	s.Require().ErrorIs(err, types.ErrVersionNotFound)
}

// TestControlledDID: a DID controlled by another is updated and deactivated by the controller.
func (s *KeeperTestSuite) TestControlledDID() {
	t := s.T()
	f := s.f
	i := newIdentity(t, keys.Ed25519)
	i.doc.Controller = []string{s.a.did()}
	_, err := f.msgs.CreateDid(f.ctx, f.createMsg(t, mustJSON(t, i.doc), by(i), by(s.a)))
	s.Require().NoError(err)
	i.doc.AlsoKnownAs = []string{"https://example.gov/x"}
	_, err = f.msgs.UpdateDid(f.ctx, f.updateMsg(t, i.did(), mustJSON(t, i.doc), "1", by(s.a)))
	s.Require().NoError(err)
	// Handing control to b needs a (current) and b (added).
	i.doc.Controller = []string{s.b.did()}
	_, err = f.msgs.UpdateDid(f.ctx, f.updateMsg(t, i.did(), mustJSON(t, i.doc), "2", by(s.a)))
	s.Require().ErrorIs(err, types.ErrMissingSignature)
	_, err = f.msgs.UpdateDid(f.ctx, f.updateMsg(t, i.did(), mustJSON(t, i.doc), "2", by(s.a), by(s.b)))
	s.Require().NoError(err)
	_, err = f.msgs.DeactivateDid(f.ctx, f.deactivateMsg(t, i.did(), "3", by(s.b)))
	s.Require().NoError(err)
}

// TestVerifySignatures covers the API x/trust and x/status use.
func (s *KeeperTestSuite) TestVerifySignatures() {
	t := s.T()
	f, a := s.f, s.a
	msg := []byte("sign bytes")
	good, _ := a.priv.Sign(msg)
	bad := append([]byte{}, good...)
	bad[5] ^= 1
	ghost := newIdentity(t, keys.Ed25519)
	cases := []struct {
		name   string
		did    string
		rel    didcore.Relationship
		sigs   []types.DidSignature
		expErr error
	}{
		{"assertionMethod ok", a.did(), didcore.AssertionMethod, []types.DidSignature{{VerificationMethod: a.method(), Signature: good}}, nil},
		{"unknown DID", ghost.did(), didcore.AssertionMethod, []types.DidSignature{{VerificationMethod: a.method(), Signature: good}}, types.ErrDidNotFound},
		{"no signatures", a.did(), didcore.AssertionMethod, nil, types.ErrUnauthorized},
		{"not in relationship", a.did(), didcore.KeyAgreement, []types.DidSignature{{VerificationMethod: a.method(), Signature: good}}, types.ErrUnauthorized},
		{"method of another DID", a.did(), didcore.AssertionMethod, []types.DidSignature{{VerificationMethod: s.b.method(), Signature: good}}, types.ErrUnauthorized},
		{"bad signature", a.did(), didcore.AssertionMethod, []types.DidSignature{{VerificationMethod: a.method(), Signature: bad}}, types.ErrInvalidSignature},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			err := f.k.VerifySignatures(f.ctx, tc.did, tc.rel, msg, tc.sigs)
			if tc.expErr == nil {
				s.Require().NoError(err)
				return
			}
			s.Require().ErrorIs(err, tc.expErr)
		})
	}
}

// TestQueries covers Resolve (W3C shape, errors) and Versions (pagination).
func (s *KeeperTestSuite) TestQueries() {
	t := s.T()
	f, a := s.f, s.a
	for n := 1; n <= 4; n++ {
		d := *a.doc
		d.AlsoKnownAs = []string{"https://example.gov/v" + string(rune('0'+n))}
		_, err := f.msgs.UpdateDid(f.ctx, f.updateMsg(t, a.did(), mustJSON(t, &d), types.VersionID(uint64(n)), by(a)))
		s.Require().NoError(err)
		f.advance(10)
	}
	res, err := f.query.Resolve(f.ctx, &types.QueryResolveRequest{Did: a.did()})
	s.Require().NoError(err)
	s.Require().Empty(res.DidResolutionMetadata.Error)
	s.Require().Equal("5", res.DidDocumentMetadata.VersionId)
	s.Require().Contains(string(res.DidDocument), "v4")

	res, err = f.query.Resolve(f.ctx, &types.QueryResolveRequest{Did: a.did(), VersionId: "2"})
	s.Require().NoError(err)
	s.Require().Contains(string(res.DidDocument), "v1")
	s.Require().Equal("3", res.DidDocumentMetadata.NextVersionId)

	tm := t0.Add(5 * time.Second)
	res, err = f.query.Resolve(f.ctx, &types.QueryResolveRequest{Did: a.did(), VersionTime: &tm})
	s.Require().NoError(err)
	s.Require().Equal("2", res.DidDocumentMetadata.VersionId)

	for _, tc := range []struct {
		req  *types.QueryResolveRequest
		code string
	}{
		{&types.QueryResolveRequest{Did: "did:web:example.com"}, types.ResolutionErrInvalidDid},
		{&types.QueryResolveRequest{Did: "not a did"}, types.ResolutionErrInvalidDid},
		{&types.QueryResolveRequest{Did: newIdentity(t, keys.Ed25519).did()}, types.ResolutionErrNotFound},
		{&types.QueryResolveRequest{Did: a.did(), VersionId: "99"}, types.ResolutionErrNotFound},
		{&types.QueryResolveRequest{Did: a.did(), VersionId: "x"}, types.ResolutionErrInvalidOptions},
		{&types.QueryResolveRequest{Did: a.did(), VersionId: "1", VersionTime: &tm}, types.ResolutionErrInvalidOptions},
	} {
		res, err := f.query.Resolve(f.ctx, tc.req)
		s.Require().NoError(err)
		s.Require().Equal(tc.code, res.DidResolutionMetadata.Error, "%+v", tc.req)
		s.Require().Empty(res.DidDocument)
	}

	var all []types.DocumentMetadata
	var key []byte
	for {
		vr, err := f.query.Versions(f.ctx, &types.QueryVersionsRequest{Did: a.did(), Pagination: pageReq(key, 2)})
		s.Require().NoError(err)
		all = append(all, vr.Versions...)
		key = vr.Pagination.NextKey
		if key == nil {
			break
		}
	}
	s.Require().Len(all, 5)
	for n, md := range all {
		s.Require().Equal(types.VersionID(uint64(n+1)), md.VersionId)
	}
	s.Require().Equal("2", all[0].NextVersionId)
	// Other DIDs' versions are not listed.
	vr, err := f.query.Versions(f.ctx, &types.QueryVersionsRequest{Did: s.b.did()})
	s.Require().NoError(err)
	s.Require().Len(vr.Versions, 1)
}

// TestGenesisRoundTrip exports, validates and imports all versions.
func (s *KeeperTestSuite) TestGenesisRoundTrip() {
	t := s.T()
	f := s.f
	next, _ := keys.Generate(keys.Ed25519)
	_, err := f.msgs.UpdateDid(f.ctx, f.updateMsg(t, s.a.did(), mustJSON(t, rotated(s.a, next)), "1", by(s.a)))
	s.Require().NoError(err)
	_, err = f.msgs.DeactivateDid(f.ctx, f.deactivateMsg(t, s.b.did(), "1", by(s.b)))
	s.Require().NoError(err)
	gs := f.export(t)
	s.Require().NoError(gs.Validate())
	s.Require().Len(gs.Versions, 4)

	g := newFixture(t)
	s.Require().NoError(g.k.InitGenesis(g.ctx, gs))
	s.Require().Equal(gs, g.export(t))
	active, err := g.k.IsActive(g.ctx, s.b.did())
	s.Require().NoError(err)
	s.Require().False(active)
}

func TestGenesisValidate(t *testing.T) {
	f := newFixture(t)
	a := newIdentity(t, keys.Ed25519)
	f.create(t, a)
	f.advance(1)
	d := *a.doc
	d.AlsoKnownAs = []string{"https://example.gov/a"}
	_, err := f.msgs.UpdateDid(f.ctx, f.updateMsg(t, a.did(), mustJSON(t, &d), "1", by(a)))
	require.NoError(t, err)
	good := f.export(t)
	require.NoError(t, good.Validate())

	cases := map[string]func(gs *types.GenesisState){
		"bad network":         func(gs *types.GenesisState) { gs.Params.Network = "Bad Net" },
		"other network":       func(gs *types.GenesisState) { gs.Params.Network = "prod" },
		"version id mismatch": func(gs *types.GenesisState) { gs.Versions[1].VersionId = "7" },
		"gap in sequence":     func(gs *types.GenesisState) { gs.Versions[1].Sequence, gs.Versions[1].VersionId = 3, "3" },
		"non-canonical json": func(gs *types.GenesisState) {
			gs.Versions[0].DocumentJson = append([]byte(" "), gs.Versions[0].DocumentJson...)
		},
		"invalid document":    func(gs *types.GenesisState) { gs.Versions[0].DocumentJson = []byte(`{}`) },
		"first deactivated":   func(gs *types.GenesisState) { gs.Versions[0].Deactivated = true },
		"time goes backwards": func(gs *types.GenesisState) { gs.Versions[1].Updated = t0.Add(-time.Hour) },
		"time beyond the index": func(gs *types.GenesisState) {
			gs.Versions[1].Updated = time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)
		},
		"missing first":        func(gs *types.GenesisState) { gs.Versions = gs.Versions[1:] },
		"wrong previous id":    func(gs *types.GenesisState) { gs.Versions[1].PreviousVersionId = "" },
		"document of other id": func(gs *types.GenesisState) { gs.Versions[1].Did = "did:amanah:local:" + strings.Repeat("1", 16) },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			gs := f.export(t)
			mutate(gs)
			err := gs.Validate()
			if name == "bad network" {
				require.ErrorIs(t, err, types.ErrInvalidParams)
				return
			}
			require.ErrorIs(t, err, types.ErrInvalidGenesis)
		})
	}
}
