package keeper_test

import (
	"time"

	"github.com/amanah-id/amanah/x/trust/types"
)

// TestAccreditationInForce checks the per-accreditation answer the council's ante handler asks
// for an accredited operator's every transaction: the same chain evaluation as IsAccredited.
func (s *KeeperTestSuite) TestAccreditationInForce() {
	s.demoChain()
	inForce := func(id string, t time.Time) string {
		r, err := s.k.AccreditationInForce(s.ctx, id, t)
		s.Require().NoError(err)
		return r
	}
	at := t0.Add(time.Hour)
	s.Require().Equal("", inForce("nrd-jpn", at))
	s.Require().Equal("", inForce("council-nrd", at), "a council grant is its own chain")
	s.Require().Equal(types.ReasonNotYetValid, inForce("nrd-jpn", t0.Add(-time.Second)))
	s.Require().Equal(types.ReasonExpired, inForce("nrd-jpn", years(2)))
	s.Require().Equal(types.ReasonNoAccreditation, inForce("no-such-id", at))

	setStatus := func(id string, st types.AccreditationStatus, seq uint64, when time.Time) {
		s.ctx = s.ctx.WithBlockTime(when)
		msg := &types.MsgSetAccreditationStatus{Signer: s.payer, Payload: types.AccreditationStatusPayload{
			Id: id, Actor: nrd, Status: st, Sequence: seq}}
		msg.Signatures = s.sign(nrd, msg, &msg.Payload)
		_, err := s.msgs.SetAccreditationStatus(s.ctx, msg)
		s.Require().NoError(err)
	}
	suspendAt := t0.Add(24 * time.Hour)
	setStatus("nrd-jpn", types.ACCREDITATION_STATUS_SUSPENDED, 1, suspendAt)
	s.Require().Equal(types.ReasonSuspended, inForce("nrd-jpn", suspendAt))
	setStatus("nrd-jpn", types.ACCREDITATION_STATUS_ACTIVE, 2, suspendAt.Add(time.Hour))
	s.Require().Equal("", inForce("nrd-jpn", suspendAt.Add(time.Hour)))

	// Deactivated holder or accreditor DID.
	now := suspendAt.Add(time.Hour)
	s.did.deactivated[jpn] = true
	s.Require().Equal(types.ReasonIssuerInactive, inForce("nrd-jpn", now))
	s.did.deactivated[jpn] = false
	s.did.deactivated[nrd] = true
	s.Require().Equal(types.ReasonAccreditorInactive, inForce("nrd-jpn", now))
	s.Require().Equal(types.ReasonIssuerInactive, inForce("council-nrd", now), "the body's own grant: its DID is the holder")
	s.did.deactivated[nrd] = false

	// The council revokes the body: the issuer's accreditation falls with it.
	revokeAt := now.Add(time.Hour)
	s.ctx = s.ctx.WithBlockTime(revokeAt)
	_, err := s.msgs.SetAccreditationStatus(s.ctx, &types.MsgSetAccreditationStatus{Signer: s.gov,
		Payload: types.AccreditationStatusPayload{Id: "council-nrd", Status: types.ACCREDITATION_STATUS_REVOKED, Sequence: 1}})
	s.Require().NoError(err)
	s.Require().Equal(types.ReasonAccreditorNotAccredited, inForce("nrd-jpn", revokeAt))
	s.Require().Equal(types.ReasonRevoked, inForce("council-nrd", revokeAt))
	s.Require().Equal("", inForce("nrd-jpn", now), "history before the revocation is unchanged")
}

// TestOperatedAccreditations lists an operator's accreditations, oldest grant first.
func (s *KeeperTestSuite) TestOperatedAccreditations() {
	s.councilAccredit("c-nrd", nrd, types.ROLE_ACCREDITATION_BODY, t0, years(5), types.NationalIDVCT)
	operator, err := s.council.ac.BytesToString([]byte("jpn-operator-account"))
	s.Require().NoError(err)
	for i, id := range []string{"nrd-jpn-b", "nrd-jpn-a"} {
		s.ctx = s.ctx.WithBlockHeight(int64(10 + i))
		_, err = s.msgs.Accredit(s.ctx, s.bodyAccreditMsg(nrd, types.AccreditPayload{
			Id: id, Accredited: jpn, Role: types.ROLE_ISSUER, Vcts: []string{types.NationalIDVCT},
			ValidFrom: t0, ValidUntil: years(1), Operator: operator,
		}))
		s.Require().NoError(err)
	}
	ids, err := s.k.OperatedAccreditations(s.ctx, operator)
	s.Require().NoError(err)
	s.Require().Equal([]string{"nrd-jpn-b", "nrd-jpn-a"}, ids)
	ids, err = s.k.OperatedAccreditations(s.ctx, s.payer)
	s.Require().NoError(err)
	s.Require().Empty(ids)
}
