package keeper

import (
	"context"

	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"
	sdk "github.com/cosmos/cosmos-sdk/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/amanah-id/amanah/x/council/types"
)

// Hooks enforce admission inside x/staking, where every route ends: plain transactions, messages
// nested in authz MsgExec, and messages executed by governance all pass through here, while
// only the first passes through the ante handler.
type Hooks struct{ k *Keeper }

var _ stakingtypes.StakingHooks = Hooks{}

// Hooks returns the council's staking hooks.
func (k *Keeper) Hooks() Hooks { return Hooks{k: k} }

func (h Hooks) requireAdmitted(ctx context.Context, acc sdk.AccAddress, what string) error {
	ok, err := h.k.Members.Has(ctx, acc)
	if err != nil {
		return err
	}
	if !ok {
		return errorsmod.Wrapf(types.ErrNotAdmitted, "%s by %s", what, acc)
	}
	return nil
}

// AfterValidatorCreated refuses a validator whose operator is not admitted.
func (h Hooks) AfterValidatorCreated(ctx context.Context, valAddr sdk.ValAddress) error {
	return h.requireAdmitted(ctx, sdk.AccAddress(valAddr), "create-validator")
}

// BeforeDelegationCreated allows only an admitted agency bonding to its own validator.
func (h Hooks) BeforeDelegationCreated(ctx context.Context, delAddr sdk.AccAddress, valAddr sdk.ValAddress) error {
	if err := h.requireAdmitted(ctx, delAddr, "delegation"); err != nil {
		return err
	}
	if !delAddr.Equals(sdk.AccAddress(valAddr)) {
		return errorsmod.Wrapf(types.ErrSelfDelegationOnly, "%s to %s", delAddr, valAddr)
	}
	return nil
}

// BeforeDelegationSharesModified applies the same rule to changes of an existing delegation
// (it also runs when unbonding: the council unbonds a removed member before dropping it).
func (h Hooks) BeforeDelegationSharesModified(ctx context.Context, delAddr sdk.AccAddress, valAddr sdk.ValAddress) error {
	return h.BeforeDelegationCreated(ctx, delAddr, valAddr)
}

// AfterDelegationModified keeps power equal: no validator may hold more than one bond.
func (h Hooks) AfterDelegationModified(ctx context.Context, _ sdk.AccAddress, valAddr sdk.ValAddress) error {
	if h.k.staking == nil {
		return nil
	}
	val, err := h.k.staking.GetValidator(ctx, valAddr)
	if err != nil {
		return err
	}
	p, err := h.k.Params.Get(ctx)
	if err != nil {
		return err
	}
	if val.Tokens.GT(p.BondAmount) {
		return errorsmod.Wrapf(types.ErrUnequalBond, "validator %s would hold %s, the council bond is %s", valAddr, val.Tokens, p.BondAmount)
	}
	return nil
}

// BeforeValidatorModified is a no-op.
func (Hooks) BeforeValidatorModified(context.Context, sdk.ValAddress) error { return nil }

// AfterValidatorRemoved is a no-op.
func (Hooks) AfterValidatorRemoved(context.Context, sdk.ConsAddress, sdk.ValAddress) error {
	return nil
}

// AfterValidatorConsKeyUpdated is a no-op: the allowlist is keyed by operator, not consensus key.
func (Hooks) AfterValidatorConsKeyUpdated(context.Context, sdk.ConsAddress, sdk.ConsAddress, sdk.ValAddress) error {
	return nil
}

// AfterValidatorBonded is a no-op.
func (Hooks) AfterValidatorBonded(context.Context, sdk.ConsAddress, sdk.ValAddress) error { return nil }

// AfterValidatorBeginUnbonding is a no-op.
func (Hooks) AfterValidatorBeginUnbonding(context.Context, sdk.ConsAddress, sdk.ValAddress) error {
	return nil
}

// BeforeDelegationRemoved is a no-op.
func (Hooks) BeforeDelegationRemoved(context.Context, sdk.AccAddress, sdk.ValAddress) error {
	return nil
}

// BeforeValidatorSlashed is a no-op.
func (Hooks) BeforeValidatorSlashed(context.Context, sdk.ValAddress, math.LegacyDec) error {
	return nil
}

// AfterUnbondingInitiated is a no-op.
func (Hooks) AfterUnbondingInitiated(context.Context, uint64) error { return nil }
