package keeper_test

import (
	"math/rand/v2"

	"cosmossdk.io/collections"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/amanah-id/amanah/statuslist"
	"github.com/amanah-id/amanah/x/status/types"
)

func (s *KeeperSuite) update(id uint64, indices []uint32, values []byte) {
	_, err := s.f.msgs.UpdateStatusList(s.f.ctx, s.f.updateMsg(s.T(), s.alice, id, indices, values))
	s.Require().NoError(err)
}

func (s *KeeperSuite) TestQueriesMatchReference() {
	ref, err := statuslist.NewList(2, statuslist.MinSize)
	s.Require().NoError(err)
	rng := rand.New(rand.NewPCG(1, 2))
	for h := int64(11); h < 16; h++ {
		s.f.ctx = s.f.ctx.WithBlockHeight(h)
		seen := map[uint32]bool{}
		var d statuslist.Delta
		for len(d) < 300 {
			i := rng.Uint32N(statuslist.MinSize)
			if !seen[i] {
				seen[i] = true
				d = append(d, statuslist.Entry{Index: i, Value: uint8(rng.UintN(4))})
			}
		}
		s.Require().NoError(ref.Apply(d))
		idx, vals := make([]uint32, len(d)), make([]byte, len(d))
		for i, e := range d {
			idx[i], vals[i] = e.Index, e.Value
		}
		s.update(s.multi, idx, vals)
	}
	// Encoded: both encodings decode back to the reference, bit by bit.
	enc, err := s.f.q.Encoded(s.f.ctx, &types.QueryEncodedRequest{ListId: s.multi})
	s.Require().NoError(err)
	raw, err := statuslist.DecodeTokenStatusList(enc.Lst, 2)
	s.Require().NoError(err)
	s.Require().Equal(ref.Bytes(), raw)
	raw, err = statuslist.DecodeBitstringStatusList(enc.EncodedList, 2)
	s.Require().NoError(err)
	s.Require().Equal(ref.Bytes(), raw)
	onlyToken, err := s.f.q.Encoded(s.f.ctx, &types.QueryEncodedRequest{ListId: s.multi, Format: types.ListFormat_LIST_FORMAT_TOKEN})
	s.Require().NoError(err)
	s.Require().Empty(onlyToken.EncodedList)
	s.Require().Equal(enc.Lst, onlyToken.Lst)
	// Entry and Page agree with the reference.
	for _, i := range []uint32{0, 1, 16383, 16384, statuslist.MinSize - 1, rng.Uint32N(statuslist.MinSize)} {
		want, _ := ref.Get(i)
		e, err := s.f.q.Entry(s.f.ctx, &types.QueryEntryRequest{ListId: s.multi, Index: i})
		s.Require().NoError(err)
		s.Require().Equal(uint32(want), e.Status)
		s.Require().Equal(int64(15), e.UpdatedHeight)
	}
	for p := uint32(0); p < ref.NumPages(); p++ {
		want, _ := ref.Page(p)
		got, err := s.f.q.Page(s.f.ctx, &types.QueryPageRequest{ListId: s.multi, Page: p})
		s.Require().NoError(err)
		s.Require().Equal(want, got.Data)
	}
	_, err = s.f.q.Page(s.f.ctx, &types.QueryPageRequest{ListId: s.multi, Page: ref.NumPages()})
	s.Require().ErrorIs(err, types.ErrPageOutOfRange)
	_, err = s.f.q.Entry(s.f.ctx, &types.QueryEntryRequest{ListId: s.multi, Index: statuslist.MinSize})
	s.Require().ErrorIs(err, types.ErrIndexOutOfRange)
	_, err = s.f.q.Entry(s.f.ctx, &types.QueryEntryRequest{ListId: 77})
	s.Require().ErrorIs(err, types.ErrListNotFound)
	// Changes since a height replay onto an old copy to give the current list.
	ch, err := s.f.q.Changes(s.f.ctx, &types.QueryChangesRequest{ListId: s.multi, SinceHeight: 12})
	s.Require().NoError(err)
	s.Require().True(ch.Complete)
	s.Require().Len(ch.Changes, 3)
	s.Require().Equal(int64(13), ch.Changes[0].Height)
	paged, err := s.f.q.Changes(s.f.ctx, &types.QueryChangesRequest{ListId: s.multi, Pagination: &query.PageRequest{Limit: 2}})
	s.Require().NoError(err)
	s.Require().Len(paged.Changes, 2)
	s.Require().NotNil(paged.Pagination.NextKey)
}

func (s *KeeperSuite) TestSameHeightUpdatesMerge() {
	s.update(s.list, []uint32{1}, []byte{1})
	s.update(s.list, []uint32{1, 2}, []byte{0, 1})
	ch, err := s.f.q.Changes(s.f.ctx, &types.QueryChangesRequest{ListId: s.list})
	s.Require().NoError(err)
	s.Require().Len(ch.Changes, 1)
	s.Require().Equal([]uint32{1, 1, 2}, ch.Changes[0].Indices)
	s.Require().Equal([]byte{1, 0, 1}, ch.Changes[0].Values)
}

func (s *KeeperSuite) TestReinstateDeletesZeroPage() {
	s.update(s.list, []uint32{40000}, []byte{1})
	has, err := s.f.k.Pages.Has(s.f.ctx, collections.Join(s.list, uint32(1)))
	s.Require().NoError(err)
	s.Require().True(has)
	s.update(s.list, []uint32{40000}, []byte{0})
	has, err = s.f.k.Pages.Has(s.f.ctx, collections.Join(s.list, uint32(1)))
	s.Require().NoError(err)
	s.Require().False(has, "an all-valid page is not stored")
}

func (s *KeeperSuite) TestChangeLogPruned() {
	for i, h := range []int64{20, 30, 40} {
		s.f.ctx = s.f.ctx.WithBlockHeight(h)
		s.update(s.list, []uint32{uint32(i)}, []byte{1})
	}
	s.f.ctx = s.f.ctx.WithBlockHeight(35 + types.ChangeRetentionBlocks)
	s.update(s.list, []uint32{9}, []byte{1})
	l, err := s.f.k.GetList(s.f.ctx, s.list)
	s.Require().NoError(err)
	s.Require().Equal(int64(35), l.ChangesPrunedHeight)
	all, err := s.f.q.Changes(s.f.ctx, &types.QueryChangesRequest{ListId: s.list, SinceHeight: 0})
	s.Require().NoError(err)
	s.Require().False(all.Complete, "records at 20 and 30 are gone")
	s.Require().Len(all.Changes, 2)
	recent, err := s.f.q.Changes(s.f.ctx, &types.QueryChangesRequest{ListId: s.list, SinceHeight: 35})
	s.Require().NoError(err)
	s.Require().True(recent.Complete)
}

func (s *KeeperSuite) TestListsByOwnerAndSequence() {
	for range 3 {
		s.f.create(s.T(), s.bob, types.StatusPurpose_STATUS_PURPOSE_SUSPENSION, statuslist.MinSize)
	}
	res, err := s.f.q.ListsByOwner(s.f.ctx, &types.QueryListsByOwnerRequest{Owner: s.bob.did, Pagination: &query.PageRequest{Limit: 2}})
	s.Require().NoError(err)
	s.Require().Len(res.Lists, 2)
	s.Require().NotNil(res.Pagination.NextKey)
	res2, err := s.f.q.ListsByOwner(s.f.ctx, &types.QueryListsByOwnerRequest{Owner: s.bob.did, Pagination: &query.PageRequest{Key: res.Pagination.NextKey}})
	s.Require().NoError(err)
	s.Require().Len(res2.Lists, 1)
	for _, l := range append(res.Lists, res2.Lists...) {
		s.Require().Equal(s.bob.did, l.Owner)
	}
	seq, err := s.f.q.Sequence(s.f.ctx, &types.QuerySequenceRequest{Owner: s.bob.did})
	s.Require().NoError(err)
	s.Require().Equal(uint64(3), seq.Sequence)
}

func (s *KeeperSuite) TestGenesisRoundTrip() {
	s.update(s.list, []uint32{3, 70000}, []byte{1, 1})
	s.update(s.multi, []uint32{3}, []byte{2})
	gs := s.snapshot()
	s.Require().NoError(gs.Validate())
	s.Require().Equal(uint64(3), gs.NextListId)
	f2 := newFixture(s.T())
	s.Require().NoError(f2.k.InitGenesis(f2.ctx, gs))
	gs2, err := f2.k.ExportGenesis(f2.ctx)
	s.Require().NoError(err)
	s.Require().Equal(gs, gs2)
	// The imported chain goes on numbering after the imported lists.
	f2.dids.dids[s.alice.did] = s.f.dids.dids[s.alice.did]
	id := f2.create(s.T(), s.alice, types.StatusPurpose_STATUS_PURPOSE_REVOCATION, statuslist.MinSize)
	s.Require().Equal(uint64(3), id)
}

func (s *KeeperSuite) TestGenesisValidation() {
	s.update(s.list, []uint32{3}, []byte{1})
	good := s.snapshot()
	cases := []struct {
		name   string
		mutate func(gs *types.GenesisState)
	}{
		{"next id zero", func(gs *types.GenesisState) { gs.NextListId = 0 }},
		{"list id at next id", func(gs *types.GenesisState) { gs.NextListId = 2 }},
		{"duplicate list", func(gs *types.GenesisState) { gs.Lists = append(gs.Lists, gs.Lists[0]) }},
		{"bad owner", func(gs *types.GenesisState) { gs.Lists[0].Owner = "did:example:x" }},
		{"size too small", func(gs *types.GenesisState) { gs.Lists[0].Size_ = 1024 }},
		{"bits do not match purpose", func(gs *types.GenesisState) { gs.Lists[0].Bits = 2 }},
		{"page of unknown list", func(gs *types.GenesisState) { gs.Pages[0].ListId = 9 }},
		{"page beyond list", func(gs *types.GenesisState) { gs.Pages[0].Page = 4 }},
		{"short page", func(gs *types.GenesisState) { gs.Pages[0].Data = gs.Pages[0].Data[:100] }},
		{"zero page", func(gs *types.GenesisState) { gs.Pages[0].Data = make([]byte, statuslist.PageBytes) }},
		{"duplicate page", func(gs *types.GenesisState) { gs.Pages = append(gs.Pages, gs.Pages[0]) }},
		{"change index out of range", func(gs *types.GenesisState) { gs.Changes[0].Record.Indices[0] = statuslist.MinSize }},
		{"change value too wide", func(gs *types.GenesisState) { gs.Changes[0].Record.Values[0] = 2 }},
		{"change after last update", func(gs *types.GenesisState) { gs.Changes[0].Record.Height = 99 }},
		{"duplicate sequence", func(gs *types.GenesisState) { gs.Sequences = append(gs.Sequences, gs.Sequences[0]) }},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			gs := s.snapshot()
			tc.mutate(gs)
			s.Require().ErrorIs(gs.Validate(), types.ErrInvalidGenesis)
			f2 := newFixture(s.T())
			s.Require().Error(f2.k.InitGenesis(f2.ctx, gs))
		})
	}
	s.Require().NoError(good.Validate())
}
