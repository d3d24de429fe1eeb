package types

import (
	"context"
	"time"

	"cosmossdk.io/core/address"
	"cosmossdk.io/math"
	sdk "github.com/cosmos/cosmos-sdk/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"
)

// AccountKeeper is what the council needs from x/auth.
type AccountKeeper interface {
	AddressCodec() address.Codec
	GetModuleAddress(name string) sdk.AccAddress
}

// BankKeeper is what the council needs from x/bank: minting the bond of a new member.
type BankKeeper interface {
	MintCoins(ctx context.Context, moduleName string, amt sdk.Coins) error
	SendCoinsFromModuleToAccount(ctx context.Context, senderModule string, recipientAddr sdk.AccAddress, amt sdk.Coins) error
	GetBalance(ctx context.Context, addr sdk.AccAddress, denom string) sdk.Coin
}

// StakingKeeper is what the council needs from x/staking to remove a validator.
type StakingKeeper interface {
	BondDenom(ctx context.Context) (string, error)
	GetValidator(ctx context.Context, addr sdk.ValAddress) (stakingtypes.Validator, error)
	GetDelegation(ctx context.Context, delAddr sdk.AccAddress, valAddr sdk.ValAddress) (stakingtypes.Delegation, error)
	Undelegate(ctx context.Context, delAddr sdk.AccAddress, valAddr sdk.ValAddress, sharesAmount math.LegacyDec) (time.Time, math.Int, error)
}

// SlashingKeeper is what the council needs from x/slashing: jail for good.
type SlashingKeeper interface {
	Jail(ctx context.Context, consAddr sdk.ConsAddress) error
	JailUntil(ctx context.Context, consAddr sdk.ConsAddress, jailTime time.Time) error
	Tombstone(ctx context.Context, consAddr sdk.ConsAddress) error
	IsTombstoned(ctx context.Context, consAddr sdk.ConsAddress) bool
}

// TrustKeeper is what the council needs from x/trust: whether the accreditation behind an
// accredited operator's write right is in force.
type TrustKeeper interface {
	// AccreditationInForce returns "" when accreditation id and its chain are in force at t,
	// else the reason code (x/trust's IsAccredited evaluation).
	AccreditationInForce(ctx context.Context, id string, t time.Time) (string, error)
	// OperatedAccreditations returns the ids of the accreditations naming operator (an account
	// address) as their operator, oldest first. Used by the state migration only.
	OperatedAccreditations(ctx context.Context, operator string) ([]string, error)
}
