package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	"github.com/amanah-id/amanah/x/trust/types"
)

// latestVersion returns the latest version of vct, or 0 when it has none.
func (k *Keeper) latestVersion(ctx context.Context, vct string) (uint32, error) {
	ct, err := k.LatestCredentialType(ctx, vct)
	if errors.Is(err, types.ErrCredentialTypeNotFound) {
		return 0, nil
	}
	return ct.Version, err
}

// LatestCredentialType returns the latest version of vct, or ErrCredentialTypeNotFound.
func (k *Keeper) LatestCredentialType(ctx context.Context, vct string) (types.CredentialType, error) {
	rng := collections.NewPrefixedPairRange[string, uint32](vct).Descending()
	it, err := k.CredentialTypes.Iterate(ctx, rng)
	if err != nil {
		return types.CredentialType{}, err
	}
	defer it.Close()
	if !it.Valid() {
		return types.CredentialType{}, errorsmod.Wrap(types.ErrCredentialTypeNotFound, vct)
	}
	return it.Value()
}

// CredentialType returns version of vct (the latest when version is 0), or ErrCredentialTypeNotFound.
func (k *Keeper) CredentialType(ctx context.Context, vct string, version uint32) (types.CredentialType, error) {
	if version == 0 {
		return k.LatestCredentialType(ctx, vct)
	}
	ct, err := k.CredentialTypes.Get(ctx, collections.Join(vct, version))
	if errors.Is(err, collections.ErrNotFound) {
		return ct, errorsmod.Wrapf(types.ErrCredentialTypeNotFound, "%s version %d", vct, version)
	}
	return ct, err
}
