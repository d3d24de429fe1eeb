package keeper

import (
	"context"

	"github.com/amanah-id/amanah/x/council/types"
)

// Migrate1to2 moves the council from state version 1 to 2: the params gain the writer gas
// quota and its window, set to their defaults (the council changes them by MsgUpdateParams).
// Usage starts empty.
func (k *Keeper) Migrate1to2(ctx context.Context) error {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	d := types.DefaultParams()
	if p.WriterGasQuota == 0 {
		p.WriterGasQuota = d.WriterGasQuota
	}
	if p.QuotaWindowBlocks == 0 {
		p.QuotaWindowBlocks = d.QuotaWindowBlocks
	}
	if err := p.Validate(); err != nil {
		return err
	}
	return k.Params.Set(ctx, p)
}
