package keeper_test

import (
	"encoding/json"
	"time"

	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/x/did/types"
)

// retireMsg is a signed update of did to doc that retires keys.
func (s *KeeperTestSuite) retireMsg(did string, doc *didcore.Document, prev string, retired []types.RetiredKey, ss ...signer) *types.MsgUpdateDid {
	t := s.T()
	m := &types.MsgUpdateDid{Signer: s.f.signer, Payload: types.UpdateDidPayload{
		Did: did, Document: mustJSON(t, doc), PreviousVersionId: prev, RetiredKeys: retired}}
	m.Signatures = sign(t, types.TypeURLMsgUpdateDid, &m.Payload, ss...)
	return m
}

// withNewAssertionKey returns a's document with a new key #key-2 as its only assertionMethod
// (#key-1 stays capabilityInvocation and authentication); keep lists #key-1 as an
// assertionMethod too.
func withNewAssertionKey(a identity, keep bool) *didcore.Document {
	k2, _ := keys.Generate(keys.Ed25519)
	d := *a.doc
	d.VerificationMethods = append(append([]didcore.VerificationMethod{}, d.VerificationMethods...), didcore.VerificationMethod{
		ID: a.did() + "#key-2", Type: didcore.TypeMultikey, Controller: a.did(), PublicKeyMultibase: k2.Public().Multikey()})
	d.AssertionMethod = []didcore.MethodRef{{Ref: "#key-2"}}
	if keep {
		d.AssertionMethod = append(d.AssertionMethod, didcore.MethodRef{Ref: "#key-1"})
	}
	return &d
}

// TestRetiredKeyRules: every refused retirement fails with its registered error and changes
// nothing (state and the block's change set).
func (s *KeeperTestSuite) TestRetiredKeyRules() {
	t := s.T()
	at := func(d time.Duration) time.Time { return t0.Add(d) } // a was created at t0; the block is at t0+5s
	rk := func(id string, when time.Time) types.RetiredKey { return types.RetiredKey{Id: id, RetiredAt: when} }
	cases := []struct {
		name    string
		keep    bool
		retired func(a identity) []types.RetiredKey
		expErr  error
	}{
		{"not an assertionMethod of the previous version (new key)", false,
			func(identity) []types.RetiredKey { return []types.RetiredKey{rk("#key-2", at(time.Second))} }, types.ErrRetiredKeyNotAssertion},
		{"no such method", false,
			func(identity) []types.RetiredKey { return []types.RetiredKey{rk("#nope", at(time.Second))} }, types.ErrRetiredKeyNotAssertion},
		{"method of another DID", false,
			func(identity) []types.RetiredKey { return []types.RetiredKey{rk(s.b.method(), at(time.Second))} }, types.ErrRetiredKeyNotAssertion},
		{"malformed id", false,
			func(identity) []types.RetiredKey { return []types.RetiredKey{rk("not a did url", at(time.Second))} }, types.ErrRetiredKeyNotAssertion},
		{"still an assertionMethod of the new document", true,
			func(identity) []types.RetiredKey { return []types.RetiredKey{rk("#key-1", at(time.Second))} }, types.ErrRetiredKeyStillAssertion},
		{"retired_at after the block time", false,
			func(identity) []types.RetiredKey { return []types.RetiredKey{rk("#key-1", at(6*time.Second))} }, types.ErrRetiredAfterBlockTime},
		{"retired_at before creation", false,
			func(identity) []types.RetiredKey { return []types.RetiredKey{rk("#key-1", at(-time.Second))} }, types.ErrRetiredBeforeCreation},
		{"retired_at unset", false,
			func(identity) []types.RetiredKey { return []types.RetiredKey{{Id: "#key-1"}} }, types.ErrRetiredBeforeCreation},
		{"duplicate (fragment and absolute id)", false,
			func(a identity) []types.RetiredKey {
				return []types.RetiredKey{rk("#key-1", at(time.Second)), rk(a.method(), at(2*time.Second))}
			}, types.ErrDuplicateRetiredKey},
		{"too many entries", false,
			func(identity) []types.RetiredKey {
				out := make([]types.RetiredKey, types.MaxSignatures+1)
				for i := range out {
					out[i] = rk("#key-1", at(time.Second))
				}
				return out
			}, types.ErrTooManyRetiredKeys},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			a := s.a
			before, beforeSet := s.f.export(t), changed(s.f)
			_, err := s.f.msgs.UpdateDid(s.f.ctx, s.retireMsg(a.did(), withNewAssertionKey(a, tc.keep), "1", tc.retired(a), by(a)))
			s.Require().ErrorIs(err, tc.expErr, "got %v", err)
			s.Require().Equal(tc.expErr.(interface{ ABCICode() uint32 }).ABCICode(), abciCode(err))
			s.Require().Equal(before, s.f.export(t), "state changed by a refused update")
			s.Require().Equal(beforeSet, changed(s.f), "a refused update entered the change set")
		})
	}
}

// TestRetireKey: a retirement is stored with the absolute id in the version the update wrote,
// shown in the resolution metadata, and bound into the sign bytes.
func (s *KeeperTestSuite) TestRetireKey() {
	t := s.T()
	f, a := s.f, s.a
	retiredAt := t0.Add(2*time.Second + 500*time.Millisecond)
	doc := withNewAssertionKey(a, false)
	retired := []types.RetiredKey{{Id: "#key-1", RetiredAt: retiredAt}}

	// A signature over the payload without the retirement does not authorise it.
	unsigned := s.retireMsg(a.did(), doc, "1", nil, by(a))
	unsigned.Payload.RetiredKeys = retired
	_, err := f.msgs.UpdateDid(f.ctx, unsigned)
	s.Require().ErrorIs(err, types.ErrInvalidSignature)

	res, err := f.msgs.UpdateDid(f.ctx, s.retireMsg(a.did(), doc, "1", retired, by(a)))
	s.Require().NoError(err)
	s.Require().Equal("2", res.VersionId)
	v, err := f.k.Versions.Get(f.ctx, joinKey(a.did(), 2))
	s.Require().NoError(err)
	s.Require().Equal([]types.RetiredKey{{Id: a.did() + "#key-1", RetiredAt: retiredAt}}, v.RetiredKeys)
	v1, err := f.k.Versions.Get(f.ctx, joinKey(a.did(), 1))
	s.Require().NoError(err)
	s.Require().Empty(v1.RetiredKeys)

	q, err := f.query.Resolve(f.ctx, &types.QueryResolveRequest{Did: a.did()})
	s.Require().NoError(err)
	b, err := json.Marshal(q.Result())
	s.Require().NoError(err)
	s.Require().Contains(string(b), `"retiredKeys":[{"id":"`+a.did()+`#key-1","retiredAt":"2026-07-01T10:00:02.5Z"}]`)

	// An absolute id is accepted as is; the genesis round trip keeps and re-validates it.
	f.advance(5)
	doc3 := *doc
	doc3.AssertionMethod = nil
	_, err = f.msgs.UpdateDid(f.ctx, s.retireMsg(a.did(), &doc3, "2",
		[]types.RetiredKey{{Id: a.did() + "#key-2", RetiredAt: f.ctx.BlockTime()}}, by(a)))
	s.Require().NoError(err)
	gs := f.export(t)
	s.Require().NoError(gs.Validate())
	g := newFixture(t)
	s.Require().NoError(g.k.InitGenesis(g.ctx, gs))
	s.Require().Equal(gs, g.export(t))

	// Genesis refuses a relative stored id.
	for i, v := range gs.Versions {
		if v.Did == a.did() && v.Sequence == 2 {
			gs.Versions[i].RetiredKeys[0].Id = "#key-1"
		}
	}
	s.Require().ErrorIs(gs.Validate(), types.ErrInvalidGenesis)
}
