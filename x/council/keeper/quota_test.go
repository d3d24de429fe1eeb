package keeper_test

import (
	"strings"

	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/amanah-id/amanah/x/council/types"
)

// setQuota sets the quota params (gas per window of blocks).
func (s *MsgServerSuite) setQuota(gas, window uint64) {
	p := types.DefaultParams()
	p.WriterGasQuota, p.QuotaWindowBlocks = gas, window
	_, err := s.srv.UpdateParams(s.ctx, &types.MsgUpdateParams{Authority: s.gov, Params: p})
	s.Require().NoError(err)
}

func (s *MsgServerSuite) TestChargeQuota() {
	const q = 2_000_000
	w := acc(7)
	steps := []struct {
		name   string
		gas    uint64
		height int64
		force  bool
		err    string // "" = accepted
		used   uint64 // usage after the step, in the window of height
	}{
		{"first transaction", 1_200_000, 10, false, "", 1_200_000},
		{"up to the edge", 800_000, 12, false, "", q},
		{"one gas beyond", 1, 19, false, "has used 2000000 of its 2000000 gas quota in blocks 10-19 (a window of 10 blocks) and this transaction asks 1 more; the quota resets at height 20", q},
		{"urgent beyond: charged, not refused", 500_000, 19, true, "", q + 500_000},
		{"still refused", 1, 19, false, "resets at height 20", q + 500_000},
		{"next window starts afresh", q, 20, false, "", q},
		{"one transaction above the whole quota", q + 1, 30, false, "alone is above the writer quota of 2000000 gas per 10 blocks", 0},
	}
	s.setQuota(q, 10)
	for _, st := range steps {
		err := s.k.ChargeQuota(s.ctx, w, st.gas, st.height, st.force)
		if st.err == "" {
			s.Require().NoError(err, st.name)
		} else {
			s.Require().ErrorIs(err, types.ErrQuotaExceeded, st.name)
			s.Require().True(strings.Contains(err.Error(), st.err), "%s: %q does not say %q", st.name, err, st.err)
		}
		used, err := s.k.WriterUsage(s.ctx, w, st.height)
		s.Require().NoError(err)
		s.Require().Equal(st.used, used, st.name)
	}
}

func (s *MsgServerSuite) TestPruneUsage() {
	s.setQuota(types.MinWriterGasQuota, 10)
	s.Require().NoError(s.k.ChargeQuota(s.ctx, acc(7), 100, 15, false)) // window 1
	s.Require().NoError(s.k.ChargeQuota(s.ctx, acc(8), 100, 21, false)) // window 2
	count := func() (n int) {
		s.Require().NoError(s.k.Usage.Walk(s.ctx, nil, func([]byte, types.WriterUsage) (bool, error) { n++; return false, nil }))
		return n
	}
	s.Require().NoError(s.k.PruneUsage(s.ctx, 25)) // not a window's first block: nothing
	s.Require().Equal(2, count())
	s.Require().NoError(s.k.PruneUsage(s.ctx, 20)) // window 2 starts: window 1 goes
	s.Require().Equal(1, count())
	s.Require().NoError(s.k.PruneUsage(s.ctx, 30))
	s.Require().Equal(0, count())
}

// TestQuotaWindowChangeClearsUsage: window numbers mean other heights under a new window
// length, so changing it starts every writer afresh; changing only the quota keeps usage.
func (s *MsgServerSuite) TestQuotaWindowChangeClearsUsage() {
	s.setQuota(types.MinWriterGasQuota, 10)
	s.Require().NoError(s.k.ChargeQuota(s.ctx, acc(7), 500_000, 15, false))
	s.setQuota(2*types.MinWriterGasQuota, 10)
	used, err := s.k.WriterUsage(s.ctx, acc(7), 15)
	s.Require().NoError(err)
	s.Require().Equal(uint64(500_000), used)
	s.setQuota(2*types.MinWriterGasQuota, 20)
	used, err = s.k.WriterUsage(s.ctx, acc(7), 15)
	s.Require().NoError(err)
	s.Require().Zero(used)
}

// TestMigrate1to2QuotaParams: the migration sets the quota params of a version-1 council (bond
// only) to the defaults.
func (s *MsgServerSuite) TestMigrate1to2QuotaParams() {
	bond := types.DefaultBondAmount.MulRaw(3)
	s.Require().NoError(s.k.Params.Set(s.ctx, types.Params{BondAmount: bond}))
	s.k.SetTrustKeeper(&fakeTrust{})
	s.Require().NoError(s.k.Migrate1to2(s.ctx, authtypes.NewModuleAddress("trust")))
	p, err := s.k.Params.Get(s.ctx)
	s.Require().NoError(err)
	s.Require().True(p.BondAmount.Equal(bond))
	s.Require().Equal(types.DefaultWriterGasQuota, p.WriterGasQuota)
	s.Require().Equal(types.DefaultQuotaWindowBlocks, p.QuotaWindowBlocks)
}
