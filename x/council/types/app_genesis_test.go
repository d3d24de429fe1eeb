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
