package types

import (
	"encoding/json"

	errorsmod "cosmossdk.io/errors"
	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"
)

// ValidateAppGenesis checks the rules that span modules: every genesis validator (gentx or
// staking state) is operated by an admitted member and bonds exactly the council bond amount
// in the bond denom, and bank refuses to send the bond denom. amanahd runs it in
// `genesis validate` and in InitChain, so a malformed council never starts.
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
	sendable := true
	for _, se := range bank.SendEnabled {
		if se.Denom == bondDenom {
			sendable = se.Enabled
		}
	}
	if sendable && bank.Params.DefaultSendEnabled {
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

	for i, v := range staking.Validators {
		if v.IsBonded() {
			if err := checkValidator("staking validator "+v.Description.Moniker, v.OperatorAddress, sdk.NewCoin(bondDenom, v.Tokens)); err != nil {
				return errorsmod.Wrapf(err, "validator %d", i)
			}
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
