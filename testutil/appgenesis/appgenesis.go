// Package appgenesis writes the genesis of a one-validator Amanah app for tests that drive the
// real app block by block (FinalizeBlock) without a network: accounts with balances, one
// council member's bonded validator with its self-delegation, and the council's members.
package appgenesis

import (
	"encoding/json"
	"fmt"

	sdkmath "cosmossdk.io/math"
	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	counciltypes "github.com/amanah-id/amanah/x/council/types"
)

// Account is a genesis account; its account number is its index in Spec.Accounts.
type Account struct {
	Addr  sdk.AccAddress
	Coins sdk.Coins
}

// Spec is what OneValidator writes.
type Spec struct {
	Accounts []Account
	// Validator is the operator account (a member) of the only validator, bonding Bond of
	// bondDenom with ConsensusKey.
	Validator    sdk.AccAddress
	ConsensusKey cryptotypes.PubKey
	Bond         sdkmath.Int
	BondDenom    string
	// Members are the council's members (the validator's operator among them).
	Members []counciltypes.Member
}

// OneValidator writes spec into gs (module name -> JSON, e.g. App.DefaultGenesis()).
func OneValidator(cdc codec.JSONCodec, gs map[string]json.RawMessage, spec Spec) error {
	var accs []*codectypes.Any
	var balances []banktypes.Balance
	for i, a := range spec.Accounts {
		acc, err := codectypes.NewAnyWithValue(authtypes.NewBaseAccount(a.Addr, nil, uint64(i), 0))
		if err != nil {
			return err
		}
		accs = append(accs, acc)
		balances = append(balances, banktypes.Balance{Address: a.Addr.String(), Coins: a.Coins})
	}
	balances = append(balances, banktypes.Balance{Address: authtypes.NewModuleAddress(stakingtypes.BondedPoolName).String(),
		Coins: sdk.NewCoins(sdk.NewCoin(spec.BondDenom, spec.Bond))})
	var auth authtypes.GenesisState
	if err := cdc.UnmarshalJSON(gs[authtypes.ModuleName], &auth); err != nil {
		return fmt.Errorf("auth genesis: %w", err)
	}
	auth.Accounts = accs
	gs[authtypes.ModuleName] = cdc.MustMarshalJSON(&auth)
	var bank banktypes.GenesisState
	if err := cdc.UnmarshalJSON(gs[banktypes.ModuleName], &bank); err != nil {
		return fmt.Errorf("bank genesis: %w", err)
	}
	bank.Balances = balances
	gs[banktypes.ModuleName] = cdc.MustMarshalJSON(&bank)

	pk, err := codectypes.NewAnyWithValue(spec.ConsensusKey)
	if err != nil {
		return err
	}
	valAddr := sdk.ValAddress(spec.Validator)
	var staking stakingtypes.GenesisState
	if err := cdc.UnmarshalJSON(gs[stakingtypes.ModuleName], &staking); err != nil {
		return fmt.Errorf("staking genesis: %w", err)
	}
	staking.Validators = []stakingtypes.Validator{{
		OperatorAddress: valAddr.String(), ConsensusPubkey: pk, Status: stakingtypes.Bonded,
		Tokens: spec.Bond, DelegatorShares: sdkmath.LegacyNewDecFromInt(spec.Bond),
		Description:       stakingtypes.NewDescription(spec.memberName(), "", "", "", ""),
		Commission:        stakingtypes.NewCommission(sdkmath.LegacyZeroDec(), sdkmath.LegacyZeroDec(), sdkmath.LegacyZeroDec()),
		MinSelfDelegation: sdkmath.OneInt(),
	}}
	staking.Delegations = []stakingtypes.Delegation{stakingtypes.NewDelegation(spec.Validator.String(), valAddr.String(), sdkmath.LegacyNewDecFromInt(spec.Bond))}
	gs[stakingtypes.ModuleName] = cdc.MustMarshalJSON(&staking)

	var council counciltypes.GenesisState
	if err := cdc.UnmarshalJSON(gs[counciltypes.ModuleName], &council); err != nil {
		return fmt.Errorf("council genesis: %w", err)
	}
	council.Members = spec.Members
	gs[counciltypes.ModuleName] = cdc.MustMarshalJSON(&council)
	return nil
}

// memberName is the validator operator's member name (its moniker).
func (s Spec) memberName() string {
	for _, m := range s.Members {
		if m.Address == s.Validator.String() {
			return m.Name
		}
	}
	return s.Validator.String()
}
