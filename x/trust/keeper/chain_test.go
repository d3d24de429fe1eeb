package keeper_test

import (
	"time"

	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/amanah-id/amanah/x/trust/keeper"
	"github.com/amanah-id/amanah/x/trust/types"
)

// isAccredited asks the query service about jpn and the national id at t.
func (s *KeeperTestSuite) isAccredited(t time.Time) *types.QueryIsAccreditedResponse {
	res, err := s.query.IsAccredited(s.ctx, &types.QueryIsAccreditedRequest{Did: jpn, Vct: types.NationalIDVCT, Time: &t})
	s.Require().NoError(err)
	return res
}

func (s *KeeperTestSuite) TestIsAccreditedChain() {
	s.demoChain()
	s.Run("during validity, with the chain issuer <- body <- council", func() {
		res := s.isAccredited(t0.Add(time.Hour))
		s.Require().True(res.Accredited, res.Reason)
		s.Require().Len(res.Chain, 2)
		s.Require().Equal("nrd-jpn", res.Chain[0].Id)
		s.Require().Equal(nrd, res.Chain[0].Accreditor)
		s.Require().Equal("council-nrd", res.Chain[1].Id)
		s.Require().Empty(res.Chain[1].Accreditor)
	})
	s.Run("before validity", func() {
		res := s.isAccredited(t0.Add(-time.Second))
		s.Require().False(res.Accredited)
		s.Require().Equal(types.ReasonNotYetValid, res.Reason)
	})
	s.Run("after validity", func() {
		res := s.isAccredited(years(2))
		s.Require().False(res.Accredited)
		s.Require().Equal(types.ReasonExpired, res.Reason)
	})
	s.Run("other type", func() {
		res, err := s.query.IsAccredited(s.ctx, &types.QueryIsAccreditedRequest{Did: jpn, Vct: vctOther})
		s.Require().NoError(err)
		s.Require().False(res.Accredited)
		s.Require().Equal(types.ReasonNoAccreditation, res.Reason)
	})
	s.Run("default time is the block time", func() {
		res, err := s.query.IsAccredited(s.ctx, &types.QueryIsAccreditedRequest{Did: jpn, Vct: types.NationalIDVCT})
		s.Require().NoError(err)
		s.Require().True(res.Accredited)
		s.Require().Equal(t0, res.Time)
	})

	// A month later the council revokes the middle link: the issuer is cut off from then on,
	// while the answer for a time before the revocation stays as it was.
	revokedAt := t0.AddDate(0, 1, 0)
	s.ctx = s.ctx.WithBlockTime(revokedAt).WithBlockHeight(100)
	_, err := s.msgs.SetAccreditationStatus(s.ctx, &types.MsgSetAccreditationStatus{Signer: s.gov,
		Payload: types.AccreditationStatusPayload{Id: "council-nrd", Status: types.ACCREDITATION_STATUS_REVOKED, Sequence: 1, Reason: "audit"}})
	s.Require().NoError(err)
	s.Run("after revoking the middle link", func() {
		res := s.isAccredited(revokedAt)
		s.Require().False(res.Accredited)
		s.Require().Equal(types.ReasonAccreditorNotAccredited, res.Reason)
		issuerAcc, err := s.k.Accreditations.Get(s.ctx, "nrd-jpn")
		s.Require().NoError(err)
		s.Require().Equal(types.ACCREDITATION_STATUS_ACTIVE, issuerAcc.Status, "revocation cascades at query time, records untouched")
	})
	s.Run("history before the revocation stays exact", func() {
		res := s.isAccredited(revokedAt.Add(-time.Second))
		s.Require().True(res.Accredited, res.Reason)
	})
	s.Run("the body can no longer accredit", func() {
		before := s.snapshot()
		_, err := s.msgs.Accredit(s.ctx, s.bodyAccreditMsg(nrd, types.AccreditPayload{Id: "nrd-x", Accredited: bank,
			Role: types.ROLE_ISSUER, Vcts: []string{types.NationalIDVCT}, ValidFrom: revokedAt, ValidUntil: years(1)}))
		s.requireErrUnchanged(err, types.ErrNotAccredited, before)
	})
}

func (s *KeeperTestSuite) TestIsAccreditedSuspensionAndDeactivation() {
	s.demoChain()
	suspendAt := t0.Add(24 * time.Hour)
	s.ctx = s.ctx.WithBlockTime(suspendAt)
	msg := &types.MsgSetAccreditationStatus{Signer: s.payer, Payload: types.AccreditationStatusPayload{
		Id: "nrd-jpn", Actor: nrd, Status: types.ACCREDITATION_STATUS_SUSPENDED, Sequence: 1}}
	msg.Signatures = s.sign(nrd, msg, &msg.Payload)
	_, err := s.msgs.SetAccreditationStatus(s.ctx, msg)
	s.Require().NoError(err)
	s.Require().Equal(types.ReasonSuspended, s.isAccredited(suspendAt).Reason)
	s.Require().True(s.isAccredited(suspendAt.Add(-time.Minute)).Accredited)

	reinstateAt := suspendAt.Add(time.Hour)
	s.ctx = s.ctx.WithBlockTime(reinstateAt)
	msg = &types.MsgSetAccreditationStatus{Signer: s.payer, Payload: types.AccreditationStatusPayload{
		Id: "nrd-jpn", Actor: nrd, Status: types.ACCREDITATION_STATUS_ACTIVE, Sequence: 2}}
	msg.Signatures = s.sign(nrd, msg, &msg.Payload)
	_, err = s.msgs.SetAccreditationStatus(s.ctx, msg)
	s.Require().NoError(err)
	s.Require().True(s.isAccredited(reinstateAt).Accredited)
	s.Require().False(s.isAccredited(suspendAt.Add(time.Minute)).Accredited, "suspended interval stays in history")

	// A deactivated accreditor or issuer breaks the chain (fail closed).
	s.did.deactivated[nrd] = true
	s.Require().Equal(types.ReasonAccreditorInactive, s.isAccredited(reinstateAt).Reason)
	s.did.deactivated[nrd] = false
	s.did.deactivated[jpn] = true
	s.Require().Equal(types.ReasonIssuerInactive, s.isAccredited(reinstateAt).Reason)
}

func (s *KeeperTestSuite) TestQueries() {
	s.registerNationalID()
	_, err := s.msgs.RegisterCredentialType(s.ctx, &types.MsgRegisterCredentialType{Signer: s.gov, Payload: types.CredentialTypePayload{
		Vct: types.NationalIDVCT, Version: 2, Schema: nationalIDSchema, DisplayName: "National identity credential v2"}})
	s.Require().NoError(err)
	s.demoChain()

	latest, err := s.query.CredentialType(s.ctx, &types.QueryCredentialTypeRequest{Vct: types.NationalIDVCT})
	s.Require().NoError(err)
	s.Require().EqualValues(2, latest.CredentialType.Version)
	v1, err := s.query.CredentialType(s.ctx, &types.QueryCredentialTypeRequest{Vct: types.NationalIDVCT, Version: 1})
	s.Require().NoError(err)
	s.Require().EqualValues(1, v1.CredentialType.Version)
	_, err = s.query.CredentialType(s.ctx, &types.QueryCredentialTypeRequest{Vct: types.NationalIDVCT, Version: 3})
	s.Require().Error(err)
	_, err = s.query.CredentialType(s.ctx, &types.QueryCredentialTypeRequest{Vct: vctOther})
	s.Require().Error(err)

	page, err := s.query.CredentialTypes(s.ctx, &types.QueryCredentialTypesRequest{Pagination: &query.PageRequest{Limit: 1, CountTotal: true}})
	s.Require().NoError(err)
	s.Require().Len(page.CredentialTypes, 1)
	s.Require().EqualValues(2, page.Pagination.Total)

	byHolder, err := s.query.Accreditations(s.ctx, &types.QueryAccreditationsRequest{Accredited: jpn})
	s.Require().NoError(err)
	s.Require().Len(byHolder.Accreditations, 1)
	s.Require().Equal("nrd-jpn", byHolder.Accreditations[0].Id)
	byCouncil, err := s.query.Accreditations(s.ctx, &types.QueryAccreditationsRequest{Accreditor: nrd})
	s.Require().NoError(err)
	s.Require().Len(byCouncil.Accreditations, 1)
	all, err := s.query.Accreditations(s.ctx, &types.QueryAccreditationsRequest{})
	s.Require().NoError(err)
	s.Require().Len(all.Accreditations, 2)
	one, err := s.query.Accreditation(s.ctx, &types.QueryAccreditationRequest{Id: "council-nrd"})
	s.Require().NoError(err)
	s.Require().Equal(nrd, one.Accreditation.Accredited)

	_, err = s.msgs.RegisterRelyingParty(s.ctx, s.rpMsg("", 1, types.RELYING_PARTY_STATUS_ACTIVE, []string{bankAudience}, "age_over_18", "given_name"))
	s.Require().NoError(err)
	rp, err := s.query.RelyingParty(s.ctx, &types.QueryRelyingPartyRequest{Did: bank})
	s.Require().NoError(err)
	s.Require().Equal([]string{"age_over_18", "given_name"}, rp.RelyingParty.Permissions[0].Claims)
	rps, err := s.query.RelyingParties(s.ctx, &types.QueryRelyingPartiesRequest{})
	s.Require().NoError(err)
	s.Require().Len(rps.RelyingParties, 1)

	_, err = s.query.IsAccredited(s.ctx, &types.QueryIsAccreditedRequest{Did: "not-a-did", Vct: types.NationalIDVCT})
	s.Require().Error(err)
}

func (s *KeeperTestSuite) TestGenesisRoundTrip() {
	s.registerNationalID()
	s.demoChain()
	_, err := s.msgs.RegisterRelyingParty(s.ctx, s.rpMsg("", 1, types.RELYING_PARTY_STATUS_ACTIVE, []string{bankAudience}, "age_over_18", "given_name"))
	s.Require().NoError(err)
	_, err = s.msgs.SetAccreditationStatus(s.ctx, &types.MsgSetAccreditationStatus{Signer: s.gov,
		Payload: types.AccreditationStatusPayload{Id: "nrd-jpn", Status: types.ACCREDITATION_STATUS_SUSPENDED, Sequence: 1}})
	s.Require().NoError(err)

	exported := s.snapshot()
	s.Require().NoError(exported.Validate())
	s.Require().Len(exported.CredentialTypes, 1)
	s.Require().Len(exported.Accreditations, 2)
	s.Require().Len(exported.RelyingParties, 1)

	s.SetupTest()
	s.Require().NoError(s.k.InitGenesis(s.ctx, exported))
	s.Require().Equal(exported, s.snapshot())
	// Indexes are rebuilt by import.
	res, err := s.query.Accreditations(s.ctx, &types.QueryAccreditationsRequest{Accredited: jpn})
	s.Require().NoError(err)
	s.Require().Len(res.Accreditations, 1)
}

// TestEmptyGenesisLeavesStoreNonEmpty: even an empty trust registry writes its state version,
// so that verifiers can prove absences in the store from the first block.
func (s *KeeperTestSuite) TestEmptyGenesisLeavesStoreNonEmpty() {
	s.Require().NoError(s.k.InitGenesis(s.ctx, types.DefaultGenesis()))
	v, err := s.k.StoreVersion.Get(s.ctx)
	s.Require().NoError(err)
	s.Require().Equal(uint64(keeper.StateVersion), v)
}

func (s *KeeperTestSuite) TestGenesisValidation() {
	s.registerNationalID()
	s.demoChain()
	good := s.snapshot()
	cases := []struct {
		name   string
		mutate func(gs *types.GenesisState)
	}{
		{"schema digest mismatch", func(gs *types.GenesisState) { gs.CredentialTypes[0].SchemaSha256 = make([]byte, 32) }},
		{"invalid schema", func(gs *types.GenesisState) { gs.CredentialTypes[0].Schema = `{"type":"object"}` }},
		{"version gap", func(gs *types.GenesisState) { gs.CredentialTypes[0].Version = 2 }},
		{"duplicate accreditation", func(gs *types.GenesisState) { gs.Accreditations[1].Id = gs.Accreditations[0].Id }},
		{"empty history", func(gs *types.GenesisState) { gs.Accreditations[0].History = nil }},
		{"status differs from history", func(gs *types.GenesisState) {
			gs.Accreditations[0].Status = types.ACCREDITATION_STATUS_REVOKED
		}},
		{"body accredited by a body", func(gs *types.GenesisState) {
			for i := range gs.Accreditations {
				if gs.Accreditations[i].Accreditor != "" {
					gs.Accreditations[i].Role = types.ROLE_ACCREDITATION_BODY
				}
			}
		}},
		{"relying party claim not in schema", func(gs *types.GenesisState) {
			gs.RelyingParties = []types.RelyingParty{{Did: bank, LegalName: "B", RegistrationNumber: "1", Version: 1,
				Status:      types.RELYING_PARTY_STATUS_ACTIVE,
				Permissions: []types.ClaimPermission{{Vct: types.NationalIDVCT, Claims: []string{"salary"}}}}}
		}},
		{"relying party of unknown type", func(gs *types.GenesisState) {
			gs.RelyingParties = []types.RelyingParty{{Did: bank, LegalName: "B", RegistrationNumber: "1", Version: 1,
				Status:      types.RELYING_PARTY_STATUS_ACTIVE,
				Permissions: []types.ClaimPermission{{Vct: vctOther, Claims: []string{"a"}}}}}
		}},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			gs := cloneGenesis(s, good)
			tc.mutate(gs)
			err := gs.Validate()
			s.Require().ErrorIs(err, types.ErrInvalidGenesis)
			s.SetupTest()
			s.Require().Error(s.k.InitGenesis(s.ctx, gs))
		})
	}
}

func cloneGenesis(s *KeeperTestSuite, gs *types.GenesisState) *types.GenesisState {
	bz, err := gs.Marshal()
	s.Require().NoError(err)
	var out types.GenesisState
	s.Require().NoError(out.Unmarshal(bz))
	return &out
}
