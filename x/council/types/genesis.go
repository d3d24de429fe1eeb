package types

import (
	"fmt"

	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"
	sdk "github.com/cosmos/cosmos-sdk/types"
)

// DefaultBondAmount is the bond every agency stakes unless genesis says otherwise.
var DefaultBondAmount = sdk.DefaultPowerReduction.MulRaw(100)

// Writer quota defaults (docs/block-space.md): each writer that is not a member may submit
// one block's worth of gas (app.DefaultBlockMaxGas) every 10 blocks, so no single writer takes
// more than a tenth of the ledger's capacity over a window, and the largest legitimate
// transaction (a full status batch, ~134M gas) still fits one window.
const (
	DefaultWriterGasQuota    uint64 = 200_000_000
	DefaultQuotaWindowBlocks uint64 = 10
	// MaxQuotaWindowBlocks bounds the window (a day of one-second blocks), so a window's
	// usage never outlives a day.
	MaxQuotaWindowBlocks uint64 = 86_400
	// MinWriterGasQuota is the smallest quota: a few ordinary transactions per window.
	MinWriterGasQuota uint64 = 1_000_000
)

// DefaultParams returns the council's default rules.
func DefaultParams() Params {
	return Params{BondAmount: DefaultBondAmount, WriterGasQuota: DefaultWriterGasQuota, QuotaWindowBlocks: DefaultQuotaWindowBlocks}
}

// Window returns the quota window holding height and the first height of the next window.
func (p Params) Window(height int64) (window uint64, resetsAt int64) {
	if height < 0 {
		height = 0
	}
	n := p.QuotaWindowBlocks
	if n == 0 {
		n = 1
	}
	window = uint64(height) / n
	return window, int64((window + 1) * n)
}

// Validate checks the params.
func (p Params) Validate() error {
	if p.BondAmount.IsNil() || !p.BondAmount.IsPositive() {
		return errorsmod.Wrap(ErrInvalidParams, "bond_amount must be positive")
	}
	if p.BondAmount.LT(sdk.DefaultPowerReduction) {
		return errorsmod.Wrapf(ErrInvalidParams, "bond_amount %s is below one unit of consensus power (%s)", p.BondAmount, sdk.DefaultPowerReduction)
	}
	if p.WriterGasQuota < MinWriterGasQuota {
		return errorsmod.Wrapf(ErrInvalidParams, "writer_gas_quota %d is below the minimum %d", p.WriterGasQuota, MinWriterGasQuota)
	}
	if p.QuotaWindowBlocks == 0 || p.QuotaWindowBlocks > MaxQuotaWindowBlocks {
		return errorsmod.Wrapf(ErrInvalidParams, "quota_window_blocks %d is not in [1, %d]", p.QuotaWindowBlocks, MaxQuotaWindowBlocks)
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
