package types_test

import (
	"encoding/json"
	"testing"

	"cosmossdk.io/log/v2"
	sdkmath "cosmossdk.io/math"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/cosmos-sdk/crypto/keys/ed25519"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"
	"github.com/stretchr/testify/require"

	"github.com/amanah-id/amanah/app"
	"github.com/amanah-id/amanah/x/council/types"
)

func addr(i byte) sdk.AccAddress { return sdk.AccAddress(append(make([]byte, 19), i)) }

// TestValidateAppGenesis checks the cross-module council rules, one malformed genesis each.
func TestValidateAppGenesis(t *testing.T) {
	a := app.New(log.NewNopLogger(), dbm.NewMemDB(), true, simtestutil.NewAppOptionsWithFlagHome(t.TempDir()))
	cdc := a.AppCodec()
	bond := types.DefaultBondAmount

	gentx := func(op sdk.AccAddress, amount sdkmath.Int) json.RawMessage {
		msg, err := stakingtypes.NewMsgCreateValidator(sdk.ValAddress(op).String(), ed25519.GenPrivKey().PubKey(),
			sdk.NewCoin(app.BondDenom, amount), stakingtypes.NewDescription("agency", "", "", "", ""),
			stakingtypes.NewCommissionRates(sdkmath.LegacyZeroDec(), sdkmath.LegacyZeroDec(), sdkmath.LegacyZeroDec()), sdkmath.OneInt())
		require.NoError(t, err)
		b := a.TxConfig().NewTxBuilder()
		require.NoError(t, b.SetMsgs(msg))
		bz, err := a.TxConfig().TxJSONEncoder()(b.GetTx())
		require.NoError(t, err)
		return bz
	}
	base := func() app.GenesisState {
		gs := a.DefaultGenesis()
		council := types.DefaultGenesis()
		council.Members = []types.Member{{Address: addr(1).String(), Name: "Agency 1"}, {Address: addr(2).String(), Name: "Agency 2"}}
		gs[types.ModuleName] = cdc.MustMarshalJSON(council)
		gs[genutiltypes.ModuleName] = cdc.MustMarshalJSON(&genutiltypes.GenesisState{GenTxs: []json.RawMessage{gentx(addr(1), bond), gentx(addr(2), bond)}})
		return gs
	}
	setCouncil := func(gs app.GenesisState, f func(*types.GenesisState)) {
		var c types.GenesisState
		cdc.MustUnmarshalJSON(gs[types.ModuleName], &c)
		f(&c)
		gs[types.ModuleName] = cdc.MustMarshalJSON(&c)
	}

	setBank := func(gs app.GenesisState, f func(*banktypes.GenesisState)) {
		var bank banktypes.GenesisState
		cdc.MustUnmarshalJSON(gs[banktypes.ModuleName], &bank)
		f(&bank)
		gs[banktypes.ModuleName] = cdc.MustMarshalJSON(&bank)
	}
	setStaking := func(gs app.GenesisState, f func(*stakingtypes.GenesisState)) {
		var st stakingtypes.GenesisState
		cdc.MustUnmarshalJSON(gs[stakingtypes.ModuleName], &st)
		f(&st)
		gs[stakingtypes.ModuleName] = cdc.MustMarshalJSON(&st)
	}
	validator := func(op sdk.AccAddress, status stakingtypes.BondStatus, tokens sdkmath.Int, jailed bool) stakingtypes.Validator {
		v, err := stakingtypes.NewValidator(sdk.ValAddress(op).String(), ed25519.GenPrivKey().PubKey(), stakingtypes.Description{Moniker: "agency"})
		require.NoError(t, err)
		v.Status, v.Tokens, v.Jailed, v.DelegatorShares = status, tokens, jailed, sdkmath.LegacyNewDecFromInt(tokens)
		return v
	}
	// exported is the staking state of a running council exported for a restart: agencies 1
	// and 2 bonded with their self-delegations and the powers CometBFT starts from (no gentxs).
	exported := func(gs app.GenesisState) {
		gs[genutiltypes.ModuleName] = cdc.MustMarshalJSON(&genutiltypes.GenesisState{})
		setStaking(gs, func(st *stakingtypes.GenesisState) {
			st.Exported = true
			power := sdk.TokensToConsensusPower(bond, sdk.DefaultPowerReduction)
			for _, a := range []sdk.AccAddress{addr(1), addr(2)} {
				st.Validators = append(st.Validators, validator(a, stakingtypes.Bonded, bond, false))
				st.Delegations = append(st.Delegations, stakingtypes.NewDelegation(a.String(), sdk.ValAddress(a).String(), sdkmath.LegacyNewDecFromInt(bond)))
				st.LastValidatorPowers = append(st.LastValidatorPowers, stakingtypes.LastValidatorPower{Address: sdk.ValAddress(a).String(), Power: power})
			}
		})
	}

	cases := []struct {
		name   string
		mutate func(app.GenesisState)
		expErr error
		msg    string
	}{
		{"valid", func(app.GenesisState) {}, nil, ""},
		{"duplicate member", func(gs app.GenesisState) {
			setCouncil(gs, func(c *types.GenesisState) { c.Members = append(c.Members, c.Members[0]) })
		}, types.ErrInvalidGenesis, "duplicate member"},
		{"member without name", func(gs app.GenesisState) {
			setCouncil(gs, func(c *types.GenesisState) { c.Members[1].Name = "" })
		}, types.ErrInvalidGenesis, "name is empty"},
		{"malformed member address", func(gs app.GenesisState) {
			setCouncil(gs, func(c *types.GenesisState) { c.Members[1].Address = "amanah1notanaddress" })
		}, types.ErrInvalidGenesis, "address"},
		{"zero bond", func(gs app.GenesisState) {
			setCouncil(gs, func(c *types.GenesisState) { c.Params.BondAmount = sdkmath.ZeroInt() })
		}, types.ErrInvalidParams, "bond_amount"},
		{"gentx by an operator the council never admitted", func(gs app.GenesisState) {
			gs[genutiltypes.ModuleName] = cdc.MustMarshalJSON(&genutiltypes.GenesisState{GenTxs: []json.RawMessage{gentx(addr(1), bond), gentx(addr(9), bond)}})
		}, types.ErrNotAdmitted, "not a council member"},
		{"unequal bonds in gentxs", func(gs app.GenesisState) {
			gs[genutiltypes.ModuleName] = cdc.MustMarshalJSON(&genutiltypes.GenesisState{GenTxs: []json.RawMessage{gentx(addr(1), bond), gentx(addr(2), bond.MulRaw(2))}})
		}, types.ErrUnequalBond, "the council bond is"},
		{"bonded staking validator of an unknown operator", func(gs app.GenesisState) {
			var st stakingtypes.GenesisState
			cdc.MustUnmarshalJSON(gs[stakingtypes.ModuleName], &st)
			v, err := stakingtypes.NewValidator(sdk.ValAddress(addr(7)).String(), ed25519.GenPrivKey().PubKey(), stakingtypes.Description{Moniker: "rogue"})
			require.NoError(t, err)
			v.Status, v.Tokens = stakingtypes.Bonded, bond
			st.Validators = append(st.Validators, v)
			gs[stakingtypes.ModuleName] = cdc.MustMarshalJSON(&st)
		}, types.ErrNotAdmitted, "rogue"},
		{"transferable bond denom", func(gs app.GenesisState) {
			var bank banktypes.GenesisState
			cdc.MustUnmarshalJSON(gs[banktypes.ModuleName], &bank)
			bank.SendEnabled = nil
			gs[banktypes.ModuleName] = cdc.MustMarshalJSON(&bank)
		}, types.ErrInvalidGenesis, "must not be transferable"},
		{"bond denom enabled over default_send_enabled=false", func(gs app.GenesisState) {
			setBank(gs, func(b *banktypes.GenesisState) {
				b.Params.DefaultSendEnabled = false
				b.SendEnabled = []banktypes.SendEnabled{{Denom: app.BondDenom, Enabled: true}}
			})
		}, types.ErrInvalidGenesis, "must not be transferable"},
		{"bond denom enabled in the deprecated params.send_enabled", func(gs app.GenesisState) {
			setBank(gs, func(b *banktypes.GenesisState) {
				b.Params.DefaultSendEnabled = false
				b.Params.SendEnabled = []*banktypes.SendEnabled{{Denom: app.BondDenom, Enabled: true}} //nolint:staticcheck // deprecated, still read by bank
				b.SendEnabled = nil
			})
		}, types.ErrInvalidGenesis, "must not be transferable"},
		{"valid: nothing sendable by default", func(gs app.GenesisState) {
			setBank(gs, func(b *banktypes.GenesisState) { b.Params.DefaultSendEnabled, b.SendEnabled = false, nil })
		}, nil, ""},
		{"valid: exported council", exported, nil, ""},
		{"valid: exported with a removed member's emptied, jailed validator", func(gs app.GenesisState) {
			exported(gs)
			setStaking(gs, func(st *stakingtypes.GenesisState) {
				st.Validators = append(st.Validators, validator(addr(7), stakingtypes.Unbonding, sdkmath.ZeroInt(), true))
			})
		}, nil, ""},
		{"exported: unbonding validator of an unknown operator", func(gs app.GenesisState) {
			exported(gs)
			setStaking(gs, func(st *stakingtypes.GenesisState) {
				st.Validators = append(st.Validators, validator(addr(7), stakingtypes.Unbonding, bond, false))
			})
		}, types.ErrNotAdmitted, "not a council member"},
		{"exported: unbonded, jailed validator of an unknown operator still holding tokens", func(gs app.GenesisState) {
			exported(gs)
			setStaking(gs, func(st *stakingtypes.GenesisState) {
				st.Validators = append(st.Validators, validator(addr(7), stakingtypes.Unbonded, bond, true))
			})
		}, types.ErrNotAdmitted, "not a council member"},
		{"exported: unbonding member validator above the bond", func(gs app.GenesisState) {
			exported(gs)
			setStaking(gs, func(st *stakingtypes.GenesisState) {
				st.Validators[1].Status, st.Validators[1].Tokens = stakingtypes.Unbonding, bond.MulRaw(2)
			})
		}, types.ErrUnequalBond, "more than the council bond"},
		{"exported: bonded validator of an unknown operator", func(gs app.GenesisState) {
			exported(gs)
			setStaking(gs, func(st *stakingtypes.GenesisState) {
				st.Validators = append(st.Validators, validator(addr(7), stakingtypes.Bonded, bond, false))
			})
		}, types.ErrNotAdmitted, "not a council member"},
		{"exported: delegation by an outsider", func(gs app.GenesisState) {
			exported(gs)
			setStaking(gs, func(st *stakingtypes.GenesisState) {
				st.Delegations = append(st.Delegations, stakingtypes.NewDelegation(addr(7).String(), sdk.ValAddress(addr(1)).String(), sdkmath.LegacyOneDec()))
			})
		}, types.ErrNotAdmitted, "delegator"},
		{"exported: member delegating to another member's validator", func(gs app.GenesisState) {
			exported(gs)
			setStaking(gs, func(st *stakingtypes.GenesisState) {
				st.Delegations = append(st.Delegations, stakingtypes.NewDelegation(addr(2).String(), sdk.ValAddress(addr(1)).String(), sdkmath.LegacyOneDec()))
			})
		}, types.ErrSelfDelegationOnly, "delegates to"},
		{"exported: redelegation", func(gs app.GenesisState) {
			exported(gs)
			setStaking(gs, func(st *stakingtypes.GenesisState) {
				st.Redelegations = append(st.Redelegations, stakingtypes.Redelegation{DelegatorAddress: addr(1).String(),
					ValidatorSrcAddress: sdk.ValAddress(addr(1)).String(), ValidatorDstAddress: sdk.ValAddress(addr(2)).String()})
			})
		}, types.ErrSelfDelegationOnly, "redelegation"},
		{"exported: last validator power above the bond's", func(gs app.GenesisState) {
			exported(gs)
			setStaking(gs, func(st *stakingtypes.GenesisState) { st.LastValidatorPowers[1].Power *= 10 })
		}, types.ErrUnequalBond, "power"},
		{"exported: last validator power for a validator outside the bonded set", func(gs app.GenesisState) {
			exported(gs)
			setStaking(gs, func(st *stakingtypes.GenesisState) {
				st.LastValidatorPowers = append(st.LastValidatorPowers, stakingtypes.LastValidatorPower{Address: sdk.ValAddress(addr(7)).String(), Power: 100})
			})
		}, types.ErrNotAdmitted, "last_validator_powers"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			gs := base()
			tc.mutate(gs)
			err := types.ValidateAppGenesis(cdc, a.TxConfig().TxJSONDecoder(), gs)
			if tc.expErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.expErr)
			require.Contains(t, err.Error(), tc.msg)
		})
	}
}
