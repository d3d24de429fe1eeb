package app

import (
	"encoding/json"
	"time"

	sdkmath "cosmossdk.io/math"
	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	govv1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"
)

// CouncilThreshold is the gov threshold for council decisions: Yes must exceed it, counted
// over all member agencies (see x/council/keeper.CouncilTally), so 2 of 3 or 3 of 4 pass and
// 2 of 4 does not.
const CouncilThreshold = "0.666666666666666666"

// DefaultGenesis returns the modules' defaults with Amanah's choices: the bond denom is not
// transferable, governance is the council (threshold 2/3 of members, deposits in the bond
// denom), and voting lasts two days unless a network overrides it.
func DefaultGenesis(cdc codec.JSONCodec, basics module.BasicManager) GenesisState {
	gs := GenesisState(basics.DefaultGenesis(cdc))

	var staking stakingtypes.GenesisState
	cdc.MustUnmarshalJSON(gs[stakingtypes.ModuleName], &staking)
	staking.Params.BondDenom = BondDenom
	staking.Params.KeyRotationFee = sdk.NewInt64Coin(BondDenom, 1000) // must be positive; paid from the deposit allowance
	gs[stakingtypes.ModuleName] = cdc.MustMarshalJSON(&staking)

	var bank banktypes.GenesisState
	cdc.MustUnmarshalJSON(gs[banktypes.ModuleName], &bank)
	bank.SendEnabled = append(bank.SendEnabled, banktypes.SendEnabled{Denom: BondDenom, Enabled: false})
	gs[banktypes.ModuleName] = cdc.MustMarshalJSON(&bank)

	var gov govv1.GenesisState
	cdc.MustUnmarshalJSON(gs[govtypes.ModuleName], &gov)
	SetCouncilGovParams(gov.Params, 48*time.Hour)
	gs[govtypes.ModuleName] = cdc.MustMarshalJSON(&gov)
	return gs
}

// SetCouncilGovParams sets the gov params a council needs, with the given voting period
// (the expedited period is a quarter of it).
func SetCouncilGovParams(p *govv1.Params, votingPeriod time.Duration) {
	expedited := votingPeriod / 4
	p.VotingPeriod = &votingPeriod
	p.ExpeditedVotingPeriod = &expedited
	p.MaxDepositPeriod = &votingPeriod
	p.MinDeposit = sdk.NewCoins(sdk.NewCoin(BondDenom, sdkmath.NewInt(1000)))
	p.ExpeditedMinDeposit = sdk.NewCoins(sdk.NewCoin(BondDenom, sdkmath.NewInt(2000)))
	p.Threshold = CouncilThreshold
	p.ExpeditedThreshold = "0.75"
	p.Quorum = "0.5"
	p.MinInitialDepositRatio = "0"
	p.BurnVoteQuorum = false
	p.BurnProposalDepositPrevote = false
	p.BurnVoteVeto = true
}

// MarshalGenesis encodes the genesis state.
func (gs GenesisState) MarshalGenesis() ([]byte, error) { return json.MarshalIndent(gs, "", " ") }
