package keeper_test

import (
	"errors"

	"cosmossdk.io/collections"

	"github.com/amanah-id/amanah/statuslist"
	"github.com/amanah-id/amanah/x/status/types"
)

// endBlock runs EndBlock, commits (emptying the transient store, as the node's commit does)
// and moves to the next height.
func (s *KeeperSuite) endBlock() {
	s.Require().NoError(s.f.k.EndBlock(s.f.ctx))
	s.f.cms.Commit()
	s.f.ctx = s.f.ctx.WithBlockHeight(s.f.ctx.BlockHeight() + 1)
}

// journal returns the journal entry at height h (nil when there is none).
func (s *KeeperSuite) journal(h int64) []*types.ListPages {
	c, err := s.f.k.BlockChanges.Get(s.f.ctx, h)
	if errors.Is(err, collections.ErrNotFound) {
		return nil
	}
	s.Require().NoError(err)
	s.Require().NotEmpty(c.Lists, "an entry is written only for a block with changes")
	return c.Lists
}

func lp(id uint64, pages ...uint32) *types.ListPages {
	return &types.ListPages{ListId: id, Pages: pages}
}

// TestBlockChanges: the entry of a height lists exactly the lists the block created (no
// pages) or updated (the pages written, set or cleared), by id and page, each once; refused
// and reverted updates leave nothing; a block without changes has no entry; the sets are
// empty in the next block; entries are pruned after the retention.
func (s *KeeperSuite) TestBlockChanges() {
	created := s.f.ctx.BlockHeight() // SetupTest created list and multi here
	s.endBlock()
	s.Require().Equal([]*types.ListPages{lp(s.list), lp(s.multi)}, s.journal(created))

	epp1, epp2 := statuslist.EntriesPerPage(1), statuslist.EntriesPerPage(2)
	h := s.f.ctx.BlockHeight()
	s.update(s.list, []uint32{epp1 + 7, 5, epp1 + 8}, []byte{1, 1, 1}) // pages 1 and 0
	s.update(s.multi, []uint32{epp2 + 1}, []byte{2})                   // page 1
	s.update(s.list, []uint32{3*epp1 + 1, 6}, []byte{1, 1})            // pages 3 and 0 again
	third := s.f.create(s.T(), s.bob, types.StatusPurpose_STATUS_PURPOSE_SUSPENSION, statuslist.MinSize)
	stale := s.f.updateMsg(s.T(), s.alice, s.list, []uint32{2*epp1 + 1}, []byte{1})
	stale.Payload.Sequence--
	stale.Signatures = sign(s.T(), stale, stale.Payload, s.alice.assertion, s.alice.method("key-1"))
	_, err := s.f.msgs.UpdateStatusList(s.f.ctx, stale)
	s.Require().ErrorIs(err, types.ErrBadSequence)
	cacheCtx, _ := s.f.ctx.CacheContext() // a transaction that fails later: its cache is dropped
	_, err = s.f.msgs.UpdateStatusList(cacheCtx, s.f.updateMsg(s.T(), s.alice, s.list, []uint32{2*epp1 + 1}, []byte{1}))
	s.Require().NoError(err)
	s.endBlock()
	s.Require().Equal([]*types.ListPages{lp(s.list, 0, 1, 3), lp(s.multi, 1), lp(third)}, s.journal(h))

	// The sets are empty after commit; a cleared page (deleted from the store) counts as written.
	s.Require().NoError(s.f.k.ChangedLists.Walk(s.f.ctx, nil, func(id uint64) (bool, error) {
		s.Failf("pending list after commit", "list %d", id)
		return true, nil
	}))
	clear := s.f.ctx.BlockHeight()
	s.update(s.list, []uint32{3*epp1 + 1}, []byte{0})
	has, err := s.f.k.Pages.Has(s.f.ctx, collections.Join(s.list, uint32(3)))
	s.Require().NoError(err)
	s.Require().False(has)
	s.endBlock()
	s.Require().Equal([]*types.ListPages{lp(s.list, 3)}, s.journal(clear))

	empty := s.f.ctx.BlockHeight()
	s.endBlock()
	s.Require().Nil(s.journal(empty))

	// Pruning at height - ChangeRetentionBlocks.
	s.f.ctx = s.f.ctx.WithBlockHeight(created + types.ChangeRetentionBlocks)
	s.endBlock()
	s.Require().Nil(s.journal(created))
	s.Require().NotNil(s.journal(h))
	s.f.ctx = s.f.ctx.WithBlockHeight(h + types.ChangeRetentionBlocks)
	s.endBlock()
	s.Require().Nil(s.journal(h))
	s.Require().NotNil(s.journal(clear))
}
