package ledgertest

import (
	"context"

	"github.com/amanah-id/amanah/verifier/ledger"
)

var (
	_ ledger.RecognitionSource = (*Node)(nil)
	_ ledger.RecognitionSource = Failover(nil)
)

// PutRecognition writes the next version of the recognition of r.ChainID (r.Version is set
// to it; UpdatedAt defaults to the chain's clock).
func (c *Chain) PutRecognition(r ledger.Recognition) ledger.Recognition {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.recs == nil {
		c.recs = map[string][]ledger.Recognition{}
	}
	r.Version = uint32(len(c.recs[r.ChainID]) + 1)
	if r.UpdatedAt.IsZero() {
		r.UpdatedAt = c.now()
	}
	c.recs[r.ChainID] = append(c.recs[r.ChainID], r)
	c.pending.Ledgers = append(c.pending.Ledgers, r.ChainID)
	return r
}

// Recognition implements ledger.RecognitionSource.
func (n *Node) Recognition(_ context.Context, chainID string, h int64) ([]ledger.Recognition, error) {
	if err := n.begin(h); err != nil {
		return nil, err
	}
	n.chain.mu.Lock()
	defer n.chain.mu.Unlock()
	return append([]ledger.Recognition(nil), n.chain.recs[chainID]...), nil
}

// Recognition implements ledger.RecognitionSource.
func (f Failover) Recognition(ctx context.Context, chainID string, h int64) ([]ledger.Recognition, error) {
	return each(f, func(n *Node) ([]ledger.Recognition, error) { return n.Recognition(ctx, chainID, h) })
}
