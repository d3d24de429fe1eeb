package types

import (
	"fmt"

	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"
	sdk "github.com/cosmos/cosmos-sdk/types"
)

// DefaultBondAmount is the bond every agency stakes unless genesis says otherwise.
var DefaultBondAmount = sdk.DefaultPowerReduction.MulRaw(100)

// DefaultParams returns the council's default rules.
func DefaultParams() Params { return Params{BondAmount: DefaultBondAmount} }

// Validate checks the params.
func (p Params) Validate() error {
	if p.BondAmount.IsNil() || !p.BondAmount.IsPositive() {
		return errorsmod.Wrap(ErrInvalidParams, "bond_amount must be positive")
	}
	if p.BondAmount.LT(sdk.DefaultPowerReduction) {
		return errorsmod.Wrapf(ErrInvalidParams, "bond_amount %s is below one unit of consensus power (%s)", p.BondAmount, sdk.DefaultPowerReduction)
	}
	return nil
}

// DefaultGenesis returns a council with no members (a chain needs at least one to start).
func DefaultGenesis() *GenesisState {
	return &GenesisState{Params: DefaultParams()}
}

// Validate checks the council's own genesis: params, member and writer addresses, duplicates.
// Cross-module rules (every genesis validator admitted, equal bonds) are in ValidateAppGenesis.
func (gs GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
		return err
	}
	seen := make(map[string]string, len(gs.Members)+len(gs.Writers))
	for i, m := range gs.Members {
		if _, err := sdk.AccAddressFromBech32(m.Address); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "member %d: address %q: %v", i, m.Address, err)
		}
		if m.Name == "" {
			return errorsmod.Wrapf(ErrInvalidGenesis, "member %d (%s): name is empty", i, m.Address)
		}
		if prev, ok := seen[m.Address]; ok {
			return errorsmod.Wrapf(ErrInvalidGenesis, "duplicate member %s (also %s)", m.Address, prev)
		}
		seen[m.Address] = fmt.Sprintf("member %d", i)
	}
	for i, w := range gs.Writers {
		if _, err := sdk.AccAddressFromBech32(w.Address); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "writer %d: address %q: %v", i, w.Address, err)
		}
		if _, err := sdk.AccAddressFromBech32(w.AuthorizedBy); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "writer %d: authorized_by %q: %v", i, w.AuthorizedBy, err)
		}
		if prev, ok := seen[w.Address]; ok {
			return errorsmod.Wrapf(ErrInvalidGenesis, "duplicate writer %s (also %s)", w.Address, prev)
		}
		seen[w.Address] = fmt.Sprintf("writer %d", i)
	}
	return nil
}

// IsMember reports whether addr is a genesis member.
func (gs GenesisState) IsMember(addr string) bool {
	for _, m := range gs.Members {
		if m.Address == addr {
			return true
		}
	}
	return false
}

// equalBond reports whether amount equals the council bond.
func (p Params) equalBond(amount math.Int) bool { return amount.Equal(p.BondAmount) }
