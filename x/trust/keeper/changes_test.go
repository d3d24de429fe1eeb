package keeper_test

import (
	"errors"
	"time"

	"cosmossdk.io/collections"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/amanah-id/amanah/x/trust/types"
)

// endBlock runs EndBlock, commits (emptying the transient store, as the node's commit does)
// and moves to the next height, one minute later.
func (s *KeeperTestSuite) endBlock() {
	s.Require().NoError(s.k.EndBlock(s.ctx))
	s.cms.Commit()
	s.ctx = s.ctx.WithBlockHeight(s.ctx.BlockHeight() + 1).WithBlockTime(s.ctx.BlockTime().Add(time.Minute))
}

// journal returns the journal entry at height h and whether there is one.
func (s *KeeperTestSuite) journal(h int64) (types.TrustChanges, bool) {
	c, err := s.k.Changes.Get(s.ctx, h)
	if errors.Is(err, collections.ErrNotFound) {
		return c, false
	}
	s.Require().NoError(err)
	return c, true
}

// pending lists the members of the current block's change sets.
func (s *KeeperTestSuite) pending() []string {
	var out []string
	for _, set := range []collections.KeySet[string]{s.k.ChangedAccredited, s.k.ChangedRelyingParties, s.k.ChangedVCTs} {
		s.Require().NoError(set.Walk(s.ctx, nil, func(m string) (bool, error) {
			out = append(out, m)
			return false, nil
		}))
	}
	return out
}

// TestChangeJournal: the entry of a height lists exactly what the block changed (sorted, each
// once); refused and reverted messages leave nothing; a block without changes has no entry;
// the sets are empty in the next block; entries are pruned after the retention.
func (s *KeeperTestSuite) TestChangeJournal() {
	h := s.ctx.BlockHeight()
	s.registerNationalID()
	s.demoChain() // accredits nrd (council) and jpn (by nrd)
	suspend := &types.MsgSetAccreditationStatus{Signer: s.payer, Payload: types.AccreditationStatusPayload{
		Id: "nrd-jpn", Actor: nrd, Status: types.ACCREDITATION_STATUS_SUSPENDED, Sequence: 1}}
	suspend.Signatures = s.sign(nrd, suspend, &suspend.Payload)
	_, err := s.msgs.SetAccreditationStatus(s.ctx, suspend)
	s.Require().NoError(err)
	_, err = s.msgs.RegisterRelyingParty(s.ctx, s.rpMsg("", 1, types.RELYING_PARTY_STATUS_ACTIVE, []string{bankAudience}, "age_over_18"))
	s.Require().NoError(err)
	// Refused: a duplicate id. Reverted: a grant on a cache that is never written.
	_, err = s.msgs.Accredit(s.ctx, &types.MsgAccredit{Signer: s.gov, Payload: types.AccreditPayload{
		Id: "council-nrd", Accredited: rogue, Role: types.ROLE_ISSUER, Vcts: []string{types.NationalIDVCT}, ValidFrom: t0, ValidUntil: years(1)}})
	s.Require().ErrorIs(err, types.ErrAccreditationExists)
	cacheCtx, _ := s.ctx.CacheContext()
	_, err = s.msgs.Accredit(cacheCtx, &types.MsgAccredit{Signer: s.gov, Payload: types.AccreditPayload{
		Id: "council-health", Accredited: health, Role: types.ROLE_ACCREDITATION_BODY, Vcts: []string{vctHeal}, ValidFrom: t0, ValidUntil: years(1)}})
	s.Require().NoError(err)
	s.endBlock()

	got, ok := s.journal(h)
	s.Require().True(ok)
	s.Require().Equal(types.TrustChanges{
		Accredited: []string{jpn, nrd}, RelyingParties: []string{bank}, Vcts: []string{types.NationalIDVCT},
	}, got)
	s.Require().Empty(s.pending(), "commit empties the change sets")

	// A block without changes has no entry; the next change lands in its own entry only.
	empty := s.ctx.BlockHeight()
	s.endBlock()
	_, ok = s.journal(empty)
	s.Require().False(ok)
	next := s.ctx.BlockHeight()
	_, err = s.msgs.RegisterCredentialType(s.ctx, &types.MsgRegisterCredentialType{Signer: s.gov, Payload: types.CredentialTypePayload{
		Vct: types.NationalIDVCT, Version: 2, Schema: nationalIDSchema, DisplayName: "National identity credential v2"}})
	s.Require().NoError(err)
	s.endBlock()
	got, ok = s.journal(next)
	s.Require().True(ok)
	s.Require().Equal(types.TrustChanges{Vcts: []string{types.NationalIDVCT}}, got)

	// Pruning at height - ChangeRetentionBlocks.
	s.ctx = s.ctx.WithBlockHeight(h + types.ChangeRetentionBlocks)
	s.endBlock()
	_, ok = s.journal(h)
	s.Require().False(ok)
	_, ok = s.journal(next)
	s.Require().True(ok)
}

// TestHeld: the Held index lists every accreditation of a holder, sorted, revoked ones
// included, and the by-holder query pages through it.
func (s *KeeperTestSuite) TestHeld() {
	s.councilAccredit("b-second", jpn, types.ROLE_ISSUER, t0, years(1), types.NationalIDVCT)
	s.councilAccredit("a-first", jpn, types.ROLE_ISSUER, t0, years(2), vctOther)
	s.councilAccredit("c-other", nrd, types.ROLE_ACCREDITATION_BODY, t0, years(1), types.NationalIDVCT)
	_, err := s.msgs.SetAccreditationStatus(s.ctx, &types.MsgSetAccreditationStatus{Signer: s.gov,
		Payload: types.AccreditationStatusPayload{Id: "b-second", Status: types.ACCREDITATION_STATUS_REVOKED, Sequence: 1}})
	s.Require().NoError(err)

	held, err := s.k.Held.Get(s.ctx, jpn)
	s.Require().NoError(err)
	s.Require().Equal([]string{"a-first", "b-second"}, held.Ids)
	held, err = s.k.Held.Get(s.ctx, nrd)
	s.Require().NoError(err)
	s.Require().Equal([]string{"c-other"}, held.Ids)
	has, err := s.k.Held.Has(s.ctx, rogue)
	s.Require().NoError(err)
	s.Require().False(has)

	// The chain's own lookups use it: jpn is accredited for the other vct, not the revoked one.
	res, err := s.query.IsAccredited(s.ctx, &types.QueryIsAccreditedRequest{Did: jpn, Vct: vctOther})
	s.Require().NoError(err)
	s.Require().True(res.Accredited, res.Reason)
	res, err = s.query.IsAccredited(s.ctx, &types.QueryIsAccreditedRequest{Did: jpn, Vct: types.NationalIDVCT})
	s.Require().NoError(err)
	s.Require().Equal(types.ReasonRevoked, res.Reason)

	// Paging by holder: one at a time by next key, then by offset with the total, then reversed.
	p1, err := s.query.Accreditations(s.ctx, &types.QueryAccreditationsRequest{Accredited: jpn, Pagination: &query.PageRequest{Limit: 1}})
	s.Require().NoError(err)
	s.Require().Equal("a-first", p1.Accreditations[0].Id)
	s.Require().Equal([]byte("b-second"), p1.Pagination.NextKey)
	p2, err := s.query.Accreditations(s.ctx, &types.QueryAccreditationsRequest{Accredited: jpn,
		Pagination: &query.PageRequest{Key: p1.Pagination.NextKey, Limit: 1}})
	s.Require().NoError(err)
	s.Require().Len(p2.Accreditations, 1)
	s.Require().Equal("b-second", p2.Accreditations[0].Id)
	s.Require().Nil(p2.Pagination.NextKey)
	p3, err := s.query.Accreditations(s.ctx, &types.QueryAccreditationsRequest{Accredited: jpn,
		Pagination: &query.PageRequest{Offset: 1, CountTotal: true}})
	s.Require().NoError(err)
	s.Require().Len(p3.Accreditations, 1)
	s.Require().EqualValues(2, p3.Pagination.Total)
	p4, err := s.query.Accreditations(s.ctx, &types.QueryAccreditationsRequest{Accredited: jpn,
		Pagination: &query.PageRequest{Reverse: true, Limit: 1}})
	s.Require().NoError(err)
	s.Require().Equal("b-second", p4.Accreditations[0].Id)
	s.Require().Equal([]byte("a-first"), p4.Pagination.NextKey)
	none, err := s.query.Accreditations(s.ctx, &types.QueryAccreditationsRequest{Accredited: rogue})
	s.Require().NoError(err)
	s.Require().Empty(none.Accreditations)
}

// TestMigrate1to2 writes state in the version-1 layout (the (holder, id) multi-index under
// prefix 2, no Held index), migrates it, and checks Held, that prefix 2 is empty, and that
// every read is unchanged.
func (s *KeeperTestSuite) TestMigrate1to2() {
	s.registerNationalID()
	s.demoChain()
	s.councilAccredit("council-jpn", jpn, types.ROLE_ISSUER, t0, years(1), vctOther)
	want := s.snapshot()
	wantHeld := map[string][]string{nrd: {"council-nrd"}, jpn: {"council-jpn", "nrd-jpn"}}
	before, err := s.query.IsAccredited(s.ctx, &types.QueryIsAccreditedRequest{Did: jpn, Vct: types.NationalIDVCT})
	s.Require().NoError(err)
	s.Require().True(before.Accredited)

	// The version-1 layout: the multi-index is a key set of (holder, id) under prefix 2.
	sb := collections.NewSchemaBuilder(s.storeSvc)
	old := collections.NewKeySet(sb, types.AccreditationsByHolderKey, "accreditations_by_accredited",
		collections.PairKeyCodec(collections.StringKey, collections.StringKey))
	_, err = sb.Build()
	s.Require().NoError(err)
	for _, a := range want.Accreditations {
		s.Require().NoError(old.Set(s.ctx, collections.Join(a.Accredited, a.Id)))
	}
	for holder := range wantHeld {
		s.Require().NoError(s.k.Held.Remove(s.ctx, holder))
	}
	gone, err := s.query.IsAccredited(s.ctx, &types.QueryIsAccreditedRequest{Did: jpn, Vct: types.NationalIDVCT})
	s.Require().NoError(err)
	s.Require().False(gone.Accredited, "without Held the holder's accreditations are not found")

	s.Require().NoError(s.k.Migrate1to2(s.ctx))

	for holder, ids := range wantHeld {
		got, err := s.k.Held.Get(s.ctx, holder)
		s.Require().NoError(err)
		s.Require().Equal(ids, got.Ids)
	}
	it, err := old.Iterate(s.ctx, nil)
	s.Require().NoError(err)
	s.Require().False(it.Valid(), "old index keys remain")
	s.Require().NoError(it.Close())
	s.Require().Equal(want, s.snapshot())
	after, err := s.query.IsAccredited(s.ctx, &types.QueryIsAccreditedRequest{Did: jpn, Vct: types.NationalIDVCT})
	s.Require().NoError(err)
	s.Require().Equal(before, after)
}

// TestMigrate2to3 writes a relying party as state version 2 stored it (no audiences, no
// consent), migrates, and checks the version and that the record is kept as it is: it decodes
// with no audiences (the verifier allows it none) until re-registered with the party's consent.
func (s *KeeperTestSuite) TestMigrate2to3() {
	s.registerNationalID()
	old := types.RelyingParty{Did: bank, LegalName: "Bank Amanah Berhad", RegistrationNumber: "199001012345",
		Permissions: []types.ClaimPermission{{Vct: types.NationalIDVCT, Claims: []string{"age_over_18"}}},
		Status:      types.RELYING_PARTY_STATUS_ACTIVE, Version: 1, UpdatedAt: t0}
	s.Require().NoError(s.k.RelyingParties.Set(s.ctx, bank, old))
	s.Require().NoError(s.k.StoreVersion.Set(s.ctx, 2))
	want := s.snapshot()
	s.Require().NoError(want.Validate(), "a version-2 record without audiences stays valid genesis")

	s.Require().NoError(s.k.Migrate2to3(s.ctx))

	v, err := s.k.StoreVersion.Get(s.ctx)
	s.Require().NoError(err)
	s.Require().Equal(uint64(3), v)
	s.Require().Equal(want, s.snapshot())
	got, err := s.k.RelyingParties.Get(s.ctx, bank)
	s.Require().NoError(err)
	s.Require().Empty(got.Audiences)
	// Re-registration: the registrar (here the council) and the party sign an update.
	_, err = s.msgs.RegisterRelyingParty(s.ctx, s.rpMsg("", 2, types.RELYING_PARTY_STATUS_ACTIVE, []string{bankAudience}, "age_over_18"))
	s.Require().NoError(err)
	got, err = s.k.RelyingParties.Get(s.ctx, bank)
	s.Require().NoError(err)
	s.Require().Equal([]string{bankAudience}, got.Audiences)
}
