package keeper

import (
	"context"
	"fmt"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/amanah-id/amanah/x/council/types"
)

// Migrate1to2 moves the council to state version 2: writers authorised through an
// accreditation are linked to it (migrateWriterLinks) and the params gain the writer gas quota
// and its window (migrateQuotaParams).
func (k *Keeper) Migrate1to2(ctx context.Context, trustModule sdk.AccAddress) error {
	if err := k.migrateWriterLinks(ctx, trustModule); err != nil {
		return err
	}
	return k.migrateQuotaParams(ctx)
}

// migrateWriterLinks: in state version 2 a writer authorised through an accreditation records
// the accreditation (Writer.accreditation_id) and writes only while it is in force. Version-1 writers granted by the trust module name none: each gets the newest
// accreditation operated by its account that is in force at the block time, or is dropped when
// none is (its right had already lapsed). Writers granted by a member that is no longer on the
// council are dropped too (version 1 kept them after the member's removal).
func (k *Keeper) migrateWriterLinks(ctx context.Context, trustModule sdk.AccAddress) error {
	if k.trust == nil {
		return fmt.Errorf("council migration 1 -> 2 needs the trust keeper")
	}
	var writers []types.Writer
	if err := k.Writers.Walk(ctx, nil, func(_ []byte, w types.Writer) (bool, error) {
		writers = append(writers, w)
		return false, nil
	}); err != nil {
		return err
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	for _, w := range writers {
		acc, err := k.account("writer", w.Address)
		if err != nil {
			return err
		}
		granter, gerr := k.addressCodec.StringToBytes(w.AuthorizedBy)
		keep := true
		switch {
		case w.AccreditationId != "":
		case gerr == nil && trustModule.Equals(sdk.AccAddress(granter)):
			ids, err := k.trust.OperatedAccreditations(ctx, w.Address)
			if err != nil {
				return err
			}
			keep = false
			for i := len(ids) - 1; i >= 0; i-- {
				reason, err := k.trust.AccreditationInForce(ctx, ids[i], now)
				if err != nil {
					return err
				}
				if reason == "" {
					w.AccreditationId, keep = ids[i], true
					break
				}
			}
		case k.checkAuthority(w.AuthorizedBy) == nil:
		case gerr != nil:
			keep = false
		default:
			if keep, err = k.Members.Has(ctx, granter); err != nil {
				return err
			}
		}
		if !keep {
			if err := k.Writers.Remove(ctx, acc); err != nil {
				return err
			}
			continue
		}
		if err := k.Writers.Set(ctx, acc, w); err != nil {
			return err
		}
	}
	return nil
}

// migrateQuotaParams: in state version 2 the params gain the writer gas quota and its window,
// set to their defaults (the council changes them by MsgUpdateParams). Usage starts empty.
func (k *Keeper) migrateQuotaParams(ctx context.Context) error {
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
