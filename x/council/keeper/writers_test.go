package keeper_test

import (
	"context"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/amanah-id/amanah/x/council/types"
)

// fakeTrust answers AccreditationInForce from a map (missing ids are in force).
type fakeTrust struct {
	reasons  map[string]string
	operated map[string][]string
	asked    int
}

func (f *fakeTrust) AccreditationInForce(_ context.Context, id string, _ time.Time) (string, error) {
	f.asked++
	return f.reasons[id], nil
}

func (f *fakeTrust) OperatedAccreditations(_ context.Context, operator string) ([]string, error) {
	return f.operated[operator], nil
}

func (s *MsgServerSuite) denied(a sdk.AccAddress) string {
	r, err := s.k.WriteDenied(s.ctx, a)
	s.Require().NoError(err)
	return r
}

// TestWriterRightsEndWithTheirGrant: a member-granted writer loses the right when the member
// is removed (the record goes in the same block); a council-granted one keeps it; an
// accredited operator writes only while x/trust finds its accreditation in force.
func (s *MsgServerSuite) TestWriterRightsEndWithTheirGrant() {
	trust := &fakeTrust{reasons: map[string]string{}}
	s.k.SetTrustKeeper(trust)
	byMember, byCouncil, operator := acc(5), acc(6), acc(7)
	_, err := s.srv.AuthorizeWriter(s.ctx, &types.MsgAuthorizeWriter{Granter: s.member.String(), Address: byMember.String()})
	s.Require().NoError(err)
	_, err = s.srv.AuthorizeWriter(s.ctx, &types.MsgAuthorizeWriter{Granter: s.gov, Address: byCouncil.String()})
	s.Require().NoError(err)
	trustAddr := authtypes.NewModuleAddress("trust").String()
	s.Require().NoError(s.k.AuthorizeAccreditedWriter(s.ctx, operator, trustAddr, "nrd-jpn", "operator"))
	s.Require().ErrorIs(s.k.AuthorizeAccreditedWriter(s.ctx, operator, trustAddr, "", "operator"), types.ErrInvalidAccreditation)
	for _, a := range []sdk.AccAddress{s.member, byMember, byCouncil, operator} {
		s.Require().Empty(s.denied(a), a.String())
	}
	s.Require().Contains(s.denied(acc(9)), "MsgAuthorizeWriter")

	s.Run("accreditation not in force", func() {
		for _, r := range []string{"revoked", "suspended", "expired", "accreditor_not_accredited", "issuer_inactive"} {
			trust.reasons["nrd-jpn"] = r
			s.Require().Contains(s.denied(operator), "accreditation nrd-jpn, which is not in force ("+r+")")
		}
		trust.reasons["nrd-jpn"] = ""
		s.Require().Empty(s.denied(operator), "reinstated: evaluated at use, nothing was swept")
		s.k.SetTrustKeeper(nil)
		s.Require().Contains(s.denied(operator), "cannot be checked", "fail closed without x/trust")
		s.k.SetTrustKeeper(trust)
	})
	s.Run("member removed", func() {
		_, err := s.srv.RemoveMember(s.ctx, &types.MsgRemoveMember{Authority: s.gov, Address: s.member.String()})
		s.Require().NoError(err)
		s.Require().NotEmpty(s.denied(byMember))
		has, err := s.k.Writers.Has(s.ctx, byMember)
		s.Require().NoError(err)
		s.Require().False(has, "the member's writers go with it")
		s.Require().Empty(s.denied(byCouncil), "council-granted writers stay")
		s.Require().Empty(s.denied(operator), "accredited operators depend on their accreditation only")
	})
	s.Run("stale record of a removed granter", func() {
		// A record left by a granter that is not a member (e.g. imported) does not write.
		s.Require().NoError(s.k.Writers.Set(s.ctx, acc(10), types.Writer{Address: acc(10).String(), AuthorizedBy: acc(11).String()}))
		s.Require().Contains(s.denied(acc(10)), "no longer a council member")
	})
}

// TestMigrate1to2 gives version-1 trust-granted writers their accreditation, and drops those
// without one in force and those of removed members.
func (s *MsgServerSuite) TestMigrate1to2() {
	trustAddr := authtypes.NewModuleAddress("trust")
	trust := &fakeTrust{
		reasons:  map[string]string{"old-revoked": "revoked", "gone": "expired"},
		operated: map[string][]string{acc(5).String(): {"a-first", "a-second", "old-revoked"}, acc(6).String(): {"gone"}},
	}
	s.k.SetTrustKeeper(trust)
	v1 := []types.Writer{
		{Address: acc(5).String(), AuthorizedBy: trustAddr.String()}, // operator: newest in force is a-second
		{Address: acc(6).String(), AuthorizedBy: trustAddr.String()}, // operator of an expired accreditation
		{Address: acc(7).String(), AuthorizedBy: s.member.String()},  // member-granted, member still on
		{Address: acc(8).String(), AuthorizedBy: acc(20).String()},   // granted by a removed member
		{Address: acc(9).String(), AuthorizedBy: s.gov},              // council-granted
	}
	for _, w := range v1 {
		a, _ := sdk.AccAddressFromBech32(w.Address)
		s.Require().NoError(s.k.Writers.Set(s.ctx, a, w))
	}
	s.Require().NoError(s.k.Migrate1to2(s.ctx, trustAddr))
	w, err := s.k.Writers.Get(s.ctx, acc(5))
	s.Require().NoError(err)
	s.Require().Equal("a-second", w.AccreditationId)
	for i, want := range map[byte]bool{6: false, 7: true, 8: false, 9: true} {
		has, err := s.k.Writers.Has(s.ctx, acc(i))
		s.Require().NoError(err)
		s.Require().Equal(want, has, "writer %d", i)
	}
}
