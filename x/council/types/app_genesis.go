package types

import (
	"encoding/json"
	"fmt"

	errorsmod "cosmossdk.io/errors"
	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"
)

// ValidateAppGenesis checks the rules that span modules: every genesis validator (gentx or
// staking state, in any status) is operated by an admitted member and bonds exactly the
// council bond amount in the bond denom, every delegation is a member's to its own validator,
// the consensus powers an exported genesis hands CometBFT are the council bond's, and bank
// refuses to send the bond denom. amanahd runs it in `genesis validate` and in InitChain, so a
// malformed council never starts. It checks the staking state itself because an exported
// genesis (staking `exported: true`) is loaded without the staking hooks that enforce
// admission on a running chain.
func ValidateAppGenesis(cdc codec.JSONCodec, txJSONDecoder sdk.TxDecoder, appState map[string]json.RawMessage) error {
	var council GenesisState
	if err := cdc.UnmarshalJSON(appState[ModuleName], &council); err != nil {
		return errorsmod.Wrapf(ErrInvalidGenesis, "council genesis: %v", err)
	}
	if err := council.Validate(); err != nil {
		return err
	}
	var staking stakingtypes.GenesisState
	if err := cdc.UnmarshalJSON(appState[stakingtypes.ModuleName], &staking); err != nil {
		return errorsmod.Wrapf(ErrInvalidGenesis, "staking genesis: %v", err)
	}
	bondDenom := staking.Params.BondDenom

	var bank banktypes.GenesisState
	if err := cdc.UnmarshalJSON(appState[banktypes.ModuleName], &bank); err != nil {
		return errorsmod.Wrapf(ErrInvalidGenesis, "bank genesis: %v", err)
	}
	if BondSendEnabled(bank, bondDenom) {
		return errorsmod.Wrapf(ErrInvalidGenesis, "bond denom %q must not be transferable: add {denom: %q, enabled: false} to bank send_enabled", bondDenom, bondDenom)
	}

	checkValidator := func(where, valoper string, amount sdk.Coin) error {
		valAddr, err := sdk.ValAddressFromBech32(valoper)
		if err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "%s: operator %q: %v", where, valoper, err)
		}
		acc := sdk.AccAddress(valAddr).String()
		if !council.IsMember(acc) {
			return errorsmod.Wrapf(ErrNotAdmitted, "%s: operator %s (account %s) is not a council member", where, valoper, acc)
		}
		if amount.Denom != bondDenom || !council.Params.equalBond(amount.Amount) {
			return errorsmod.Wrapf(ErrUnequalBond, "%s: operator %s bonds %s, the council bond is %s%s", where, valoper, amount, council.Params.BondAmount, bondDenom)
		}
		return nil
	}

	bonded := make(map[string]bool, len(staking.Validators))
	for i, v := range staking.Validators {
		where := fmt.Sprintf("staking validator %d (%s, %s)", i, v.Description.Moniker, v.Status)
		if v.IsBonded() {
			if err := checkValidator(where, v.OperatorAddress, sdk.NewCoin(bondDenom, v.Tokens)); err != nil {
				return err
			}
			bonded[v.OperatorAddress] = true
			continue
		}
		if err := checkIdleValidator(council, where, v); err != nil {
			return err
		}
	}
	for i, d := range staking.Delegations {
		if err := checkSelfDelegation(council, fmt.Sprintf("staking delegation %d", i), d.DelegatorAddress, d.ValidatorAddress); err != nil {
			return err
		}
	}
	if len(staking.Redelegations) > 0 {
		r := staking.Redelegations[0]
		return errorsmod.Wrapf(ErrSelfDelegationOnly, "staking redelegation: %s moves a bond from %s to %s; agencies bond only to their own validator",
			r.DelegatorAddress, r.ValidatorSrcAddress, r.ValidatorDstAddress)
	}
	// An exported genesis hands CometBFT these powers as they are, for its first block.
	power := sdk.TokensToConsensusPower(council.Params.BondAmount, sdk.DefaultPowerReduction)
	for i, lv := range staking.LastValidatorPowers {
		if !bonded[lv.Address] {
			return errorsmod.Wrapf(ErrNotAdmitted, "staking last_validator_powers %d: %s is not a bonded validator of a council member", i, lv.Address)
		}
		if lv.Power != power {
			return errorsmod.Wrapf(ErrUnequalBond, "staking last_validator_powers %d: %s has power %d, the council bond gives %d", i, lv.Address, lv.Power, power)
		}
	}

	var genutil genutiltypes.GenesisState
	if raw, ok := appState[genutiltypes.ModuleName]; ok {
		if err := cdc.UnmarshalJSON(raw, &genutil); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "genutil genesis: %v", err)
		}
	}
	for i, raw := range genutil.GenTxs {
		tx, err := genutiltypes.ValidateAndGetGenTx(raw, txJSONDecoder, genutiltypes.DefaultMessageValidator)
		if err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "gentx %d: %v", i, err)
		}
		for _, msg := range tx.GetMsgs() {
			cv, ok := msg.(*stakingtypes.MsgCreateValidator)
			if !ok {
				continue
			}
			if err := checkValidator("gentx "+cv.Description.Moniker, cv.ValidatorAddress, cv.Value); err != nil {
				return errorsmod.Wrapf(err, "gentx %d", i)
			}
		}
	}
	return nil
}

// BondSendEnabled reports whether bank, loaded from this genesis, would let the bond denom be
// sent: as bank decides (IsSendEnabledDenom), the denom's own send_enabled entry if it has one
// (the last, with the deprecated params.send_enabled entries first, as InitGenesis stores
// them), else params.default_send_enabled.
func BondSendEnabled(bank banktypes.GenesisState, bondDenom string) bool {
	enabled := bank.Params.DefaultSendEnabled
	for _, se := range bank.GetAllSendEnabled() {
		if se.Denom == bondDenom {
			enabled = se.Enabled
		}
	}
	return enabled
}

// checkIdleValidator checks a validator outside the bonded set: a member's may hold up to the
// council bond (one bonded earlier, now unbonding or jailed); any other must be an emptied
// removed member's validator (jailed, no tokens, no shares), which staking deletes once
// unbonded. A non-member's validator with tokens or not jailed could re-enter the set.
func checkIdleValidator(council GenesisState, where string, v stakingtypes.Validator) error {
	valAddr, err := sdk.ValAddressFromBech32(v.OperatorAddress)
	if err != nil {
		return errorsmod.Wrapf(ErrInvalidGenesis, "%s: operator %q: %v", where, v.OperatorAddress, err)
	}
	acc := sdk.AccAddress(valAddr).String()
	if council.IsMember(acc) {
		if v.Tokens.GT(council.Params.BondAmount) {
			return errorsmod.Wrapf(ErrUnequalBond, "%s: operator %s holds %s, more than the council bond %s", where, v.OperatorAddress, v.Tokens, council.Params.BondAmount)
		}
		return nil
	}
	if !v.Jailed || v.Tokens.IsPositive() || v.DelegatorShares.IsPositive() {
		return errorsmod.Wrapf(ErrNotAdmitted, "%s: operator %s (account %s) is not a council member (only an emptied, jailed validator of a removed member may stay)",
			where, v.OperatorAddress, acc)
	}
	return nil
}

// checkSelfDelegation applies the staking hooks' rule to a genesis delegation: only a member,
// only to its own validator.
func checkSelfDelegation(council GenesisState, where, delegator, validator string) error {
	del, err := sdk.AccAddressFromBech32(delegator)
	if err != nil {
		return errorsmod.Wrapf(ErrInvalidGenesis, "%s: delegator %q: %v", where, delegator, err)
	}
	val, err := sdk.ValAddressFromBech32(validator)
	if err != nil {
		return errorsmod.Wrapf(ErrInvalidGenesis, "%s: validator %q: %v", where, validator, err)
	}
	if !council.IsMember(del.String()) {
		return errorsmod.Wrapf(ErrNotAdmitted, "%s: delegator %s is not a council member", where, delegator)
	}
	if !del.Equals(sdk.AccAddress(val)) {
		return errorsmod.Wrapf(ErrSelfDelegationOnly, "%s: %s delegates to %s", where, delegator, validator)
	}
	return nil
}
