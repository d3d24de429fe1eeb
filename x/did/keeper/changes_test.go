package keeper_test

import (
	"errors"
	"slices"

	"cosmossdk.io/collections"

	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/x/did/types"
)

// changed lists the DIDs in the current block's (transient) change set.
func changed(f *fixture) []string {
	out := []string{}
	if err := f.k.Changed.Walk(f.ctx, nil, func(d string) (bool, error) {
		out = append(out, d)
		return false, nil
	}); err != nil {
		panic(err)
	}
	return out
}

// journal returns the journal entry at height h (nil when there is none).
func journal(f *fixture, h int64) []string {
	c, err := f.k.Changes.Get(f.ctx, h)
	if errors.Is(err, collections.ErrNotFound) {
		return nil
	}
	if err != nil {
		panic(err)
	}
	return c.Dids
}

// TestChangeJournal: the entry of a height lists exactly the DIDs the block wrote (sorted,
// each once); failed and reverted messages leave nothing; a block without changes has no
// entry; the set is empty in the next block; entries are pruned after the retention.
func (s *KeeperTestSuite) TestChangeJournal() {
	t := s.T()
	f := s.f
	// SetupTest created a and b at height 1 (then advanced without ending the block).
	s.Require().ElementsMatch([]string{s.a.did(), s.b.did()}, changed(f))
	f.endBlock(t, 5)
	first := f.ctx.BlockHeight() - 1
	s.Require().Equal(sorted(s.a.did(), s.b.did()), journal(f, first))
	s.Require().Equal([]string{}, changed(f), "commit empties the change set")

	// One block: update a twice, create c, deactivate b; a refused message and a reverted
	// one (its cache is dropped, as a failed transaction's is) add nothing.
	h := f.ctx.BlockHeight()
	c := newIdentity(t, keys.Ed25519)
	f.create(t, c)
	for n, aka := range []string{"https://example.gov/1", "https://example.gov/2"} {
		d := *s.a.doc
		d.AlsoKnownAs = []string{aka}
		_, err := f.msgs.UpdateDid(f.ctx, f.updateMsg(t, s.a.did(), mustJSON(t, &d), types.VersionID(uint64(n+1)), by(s.a)))
		s.Require().NoError(err)
	}
	_, err := f.msgs.DeactivateDid(f.ctx, f.deactivateMsg(t, s.b.did(), "1", by(s.b)))
	s.Require().NoError(err)
	ghost := newIdentity(t, keys.Ed25519)
	_, err = f.msgs.CreateDid(f.ctx, f.createMsg(t, mustJSON(t, ghost.doc), by(s.a))) // wrong key
	s.Require().Error(err)
	reverted := newIdentity(t, keys.Ed25519)
	cacheCtx, _ := f.ctx.CacheContext() // never written
	_, err = f.msgs.CreateDid(cacheCtx, f.createMsg(t, mustJSON(t, reverted.doc), by(reverted)))
	s.Require().NoError(err)
	f.endBlock(t, 5)
	s.Require().Equal(sorted(s.a.did(), s.b.did(), c.did()), journal(f, h))

	// A block without changes has no entry.
	empty := f.ctx.BlockHeight()
	f.endBlock(t, 5)
	s.Require().Nil(journal(f, empty))
	s.Require().True(f.k.Changes.Has(f.ctx, h))

	// The next change lands in its own block's entry only.
	d := newIdentity(t, keys.Ed25519)
	next := f.ctx.BlockHeight()
	f.create(t, d)
	f.endBlock(t, 5)
	s.Require().Equal([]string{d.did()}, journal(f, next))

	// Pruning: the end of block first+retention deletes the entry of first, not later ones.
	f.ctx = f.ctx.WithBlockHeight(first + types.ChangeRetentionBlocks)
	f.endBlock(t, 5)
	s.Require().Nil(journal(f, first))
	s.Require().NotNil(journal(f, h))
	f.ctx = f.ctx.WithBlockHeight(h + types.ChangeRetentionBlocks)
	f.endBlock(t, 5)
	s.Require().Nil(journal(f, h))
	s.Require().NotNil(journal(f, next))
}

func sorted(ss ...string) []string {
	out := slices.Clone(ss)
	slices.Sort(out)
	return out
}
