package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/amanah-id/amanah/x/council/types"
)

// ChargeQuota adds gas to the writer's usage in the quota window holding height. Unless
// force is set, it refuses (ErrQuotaExceeded, saying the quota, the window and the height at
// which it resets) when the window's usage would pass the council's writer_gas_quota, and
// then records nothing. force charges without refusing: revocation and suspension updates
// are counted but never blocked. Members are not charged (docs/block-space.md).
func (k *Keeper) ChargeQuota(ctx context.Context, acc sdk.AccAddress, gas uint64, height int64, force bool) error {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	window, resetsAt := p.Window(height)
	u, err := k.Usage.Get(ctx, acc)
	switch {
	case errors.Is(err, collections.ErrNotFound):
		u = types.WriterUsage{}
	case err != nil:
		return err
	}
	if u.Window != window {
		u = types.WriterUsage{Window: window}
	}
	total := u.Gas + gas
	if total < u.Gas { // overflow
		total = ^uint64(0)
	}
	if !force && total > p.WriterGasQuota {
		start := int64(window * p.QuotaWindowBlocks)
		if gas > p.WriterGasQuota {
			return errorsmod.Wrapf(types.ErrQuotaExceeded,
				"%s: this transaction's gas limit %d alone is above the writer quota of %d gas per %d blocks; lower the gas limit or split it",
				acc, gas, p.WriterGasQuota, p.QuotaWindowBlocks)
		}
		return errorsmod.Wrapf(types.ErrQuotaExceeded,
			"%s has used %d of its %d gas quota in blocks %d-%d (a window of %d blocks) and this transaction asks %d more; the quota resets at height %d",
			acc, u.Gas, p.WriterGasQuota, start, resetsAt-1, p.QuotaWindowBlocks, gas, resetsAt)
	}
	u.Gas = total
	return k.Usage.Set(ctx, acc, u)
}

// WriterUsage returns the writer's gas used in the window holding height (0 when it has not
// written in that window).
func (k *Keeper) WriterUsage(ctx context.Context, acc sdk.AccAddress, height int64) (uint64, error) {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return 0, err
	}
	window, _ := p.Window(height)
	u, err := k.Usage.Get(ctx, acc)
	if errors.Is(err, collections.ErrNotFound) {
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	if u.Window != window {
		return 0, nil
	}
	return u.Gas, nil
}

// PruneUsage deletes the usage of past windows; BeginBlock calls it at the first block of each
// window, so the state holds only the writers of the current window (plus, until then, those
// of the previous one).
func (k *Keeper) PruneUsage(ctx context.Context, height int64) error {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	window, _ := p.Window(height)
	if height < 0 || uint64(height)%p.QuotaWindowBlocks != 0 {
		return nil
	}
	var stale [][]byte
	if err := k.Usage.Walk(ctx, nil, func(acc []byte, u types.WriterUsage) (bool, error) {
		if u.Window < window {
			stale = append(stale, acc)
		}
		return false, nil
	}); err != nil {
		return err
	}
	for _, acc := range stale {
		if err := k.Usage.Remove(ctx, acc); err != nil {
			return err
		}
	}
	return nil
}
