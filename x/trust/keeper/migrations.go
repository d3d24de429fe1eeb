package keeper

import (
	"context"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/amanah-id/amanah/x/trust/types"
)

// migrateBatch bounds how many keys a migration holds in memory at once.
const migrateBatch = 1024

// Migrate1to2 moves the trust registry from state version 1 (a multi-index (holder, id) under
// prefix 2) to version 2 (the Held index: holder -> sorted ids, one value per holder, under
// prefix 5). It builds Held from every accreditation and deletes the old index keys.
func (k *Keeper) Migrate1to2(ctx context.Context) error {
	if err := k.rebuildHeld(ctx); err != nil {
		return err
	}
	if err := k.StoreVersion.Set(ctx, 2); err != nil {
		return err
	}
	store := k.storeService.OpenKVStore(ctx)
	start, end := types.AccreditationsByHolderKey.Bytes(), storetypes.PrefixEndBytes(types.AccreditationsByHolderKey.Bytes())
	for {
		it, err := store.Iterator(start, end)
		if err != nil {
			return err
		}
		var old [][]byte
		for ; it.Valid() && len(old) < migrateBatch; it.Next() {
			old = append(old, append([]byte(nil), it.Key()...))
		}
		if err := it.Close(); err != nil {
			return err
		}
		for _, key := range old {
			if err := store.Delete(key); err != nil {
				return err
			}
		}
		if len(old) < migrateBatch {
			return nil
		}
	}
}

// Migrate2to3 moves the trust registry to state version 3, in which a relying party's record
// carries the audiences it signed for (RelyingParty.audiences) and every active registration is
// consented to by the relying party's own signature. The stored bytes of older records stay as
// they are: they decode with no audiences, which means no audience is allowed (a verifier
// refuses every challenge for them with audience_not_registered) until the registrar submits
// an update, at version + 1, that the relying party signs. Nothing is guessed for them; the
// migration counts them in the log and records the new version.
func (k *Keeper) Migrate2to3(ctx context.Context) error {
	var unconsented int
	if err := k.RelyingParties.Walk(ctx, nil, func(_ string, rp types.RelyingParty) (bool, error) {
		if len(rp.Audiences) == 0 && rp.Status == types.RELYING_PARTY_STATUS_ACTIVE {
			unconsented++
		}
		return false, nil
	}); err != nil {
		return err
	}
	sdk.UnwrapSDKContext(ctx).Logger().Info("trust: state version 3; active relying parties without audiences refused until re-registered",
		"count", unconsented)
	return k.StoreVersion.Set(ctx, 3)
}

// Migrate3to4 moves the trust registry to state version 4, which adds the recognitions of
// foreign ledgers (prefix 8, none before) and relying parties' foreign opt-ins
// (RelyingParty.foreign). Stored records are unchanged: an older registration decodes with no
// foreign opt-in, so it accepts nothing foreign, and stays valid as it is. The migration
// records the new version.
func (k *Keeper) Migrate3to4(ctx context.Context) error {
	return k.StoreVersion.Set(ctx, StateVersion)
}

// StateVersion is the trust registry's state version (the module's consensus version).
const StateVersion = 4
