package council_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	sdkmath "cosmossdk.io/math"
	"github.com/cosmos/cosmos-sdk/crypto/keys/ed25519"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/cosmos/cosmos-sdk/x/authz"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	govv1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"
	"github.com/stretchr/testify/require"

	"github.com/amanah-id/amanah/app"
	"github.com/amanah-id/amanah/testutil/network"
	"github.com/amanah-id/amanah/verifier/ledger/proved"
	counciltypes "github.com/amanah-id/amanah/x/council/types"
)

// TestCouncilNetwork runs the council's whole story on four in-process validators: equal
// power, outsiders refused on every route, admission and removal by council vote.
func TestCouncilNetwork(t *testing.T) {
	if testing.Short() {
		t.Skip("in-process network")
	}
	const votingPeriod = 20 * time.Second
	cfg := network.DefaultConfig(t, 4, votingPeriod)
	// A validator that signs nothing is jailed for downtime 41 blocks after it bonds: after the
	// outsider's removal below (~25 s), in time for the jailed-member decisions at the end.
	var slashing slashingtypes.GenesisState
	cfg.Codec.MustUnmarshalJSON(cfg.GenesisState[slashingtypes.ModuleName], &slashing)
	slashing.Params.SignedBlocksWindow = 40
	cfg.GenesisState[slashingtypes.ModuleName] = cfg.Codec.MustMarshalJSON(&slashing)
	n := network.New(t, cfg)
	val0 := n.Validators[0]
	ctx := context.Background()
	bond := counciltypes.DefaultBondAmount
	gov := authtypes.NewModuleAddress(govtypes.ModuleName)

	// Four agencies, equal power in CometBFT and equal bonds in staking.
	cmtVals, err := val0.RPCClient.Validators(ctx, nil, nil, nil)
	require.NoError(t, err)
	require.Len(t, cmtVals.Validators, 4)
	for _, v := range cmtVals.Validators {
		require.Equal(t, cmtVals.Validators[0].VotingPower, v.VotingPower)
	}
	staking := stakingtypes.NewQueryClient(val0.ClientCtx)
	vals, err := staking.Validators(ctx, &stakingtypes.QueryValidatorsRequest{Status: stakingtypes.Bonded.String()})
	require.NoError(t, err)
	require.Len(t, vals.Validators, 4)
	for _, v := range vals.Validators {
		require.True(t, v.Tokens.Equal(bond), "validator %s bonds %s", v.OperatorAddress, v.Tokens)
	}

	// An account nobody authorised cannot write at all.
	outsider := network.NewKey(t, val0, "outsider")
	res := network.Broadcast(t, n, val0, "outsider", banktypes.NewMsgSend(outsider, val0.Address, sdk.NewCoins(sdk.NewInt64Coin("node0token", 1))))
	requireRejected(t, res, counciltypes.ErrUnauthorizedWrite.ABCICode(), "unauthorised writer")

	// The bond denom cannot be sent, even between members.
	out := deliverAllowFail(t, n, val0, "node0", banktypes.NewMsgSend(val0.Address, n.Validators[1].Address, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1))))
	require.NotZero(t, out.Code, "sending the bond denom must fail")
	require.Contains(t, out.RawLog, app.BondDenom)

	// A member authorises the outsider to write, and gives it an account.
	network.Deliver(t, n, val0, "node0", &counciltypes.MsgAuthorizeWriter{Granter: val0.Address.String(), Address: outsider.String(), Note: "test"})
	network.Deliver(t, n, val0, "node0", banktypes.NewMsgSend(val0.Address, outsider, sdk.NewCoins(sdk.NewInt64Coin("node0token", 10))))

	// Writing is not validating: create-validator, delegate, and both wrapped in authz are refused.
	consKey := ed25519.GenPrivKey().PubKey()
	createVal := func() sdk.Msg {
		msg, err := stakingtypes.NewMsgCreateValidator(sdk.ValAddress(outsider).String(), consKey,
			sdk.NewCoin(app.BondDenom, bond), stakingtypes.NewDescription("Agency 4", "", "", "", ""),
			stakingtypes.NewCommissionRates(sdkmath.LegacyZeroDec(), sdkmath.LegacyZeroDec(), sdkmath.LegacyZeroDec()), sdkmath.OneInt())
		require.NoError(t, err)
		return msg
	}
	delegate := stakingtypes.NewMsgDelegate(outsider.String(), val0.ValAddress.String(), sdk.NewInt64Coin(app.BondDenom, 1))
	requireRejected(t, network.Broadcast(t, n, val0, "outsider", createVal()), counciltypes.ErrNotAdmitted.ABCICode(), "create-validator")
	requireRejected(t, network.Broadcast(t, n, val0, "outsider", delegate), counciltypes.ErrNotAdmitted.ABCICode(), "delegate")

	grant, err := authz.NewMsgGrant(outsider, val0.Address, authz.NewGenericAuthorization(sdk.MsgTypeURL(delegate)), nil)
	require.NoError(t, err)
	network.Deliver(t, n, val0, "outsider", grant)
	exec := authz.NewMsgExec(val0.Address, []sdk.Msg{delegate})
	requireRejected(t, network.Broadcast(t, n, val0, "node0", &exec), counciltypes.ErrNotAdmitted.ABCICode(), "authz-wrapped delegate")

	// Messages executed by governance skip the ante handler: the staking hooks refuse them.
	govGrant, err := authz.NewMsgGrant(outsider, gov, authz.NewGenericAuthorization(sdk.MsgTypeURL(delegate)), nil)
	require.NoError(t, err)
	network.Deliver(t, n, val0, "outsider", govGrant)
	govExec := authz.NewMsgExec(gov, []sdk.Msg{delegate})
	bypass := network.SubmitProposal(t, n, &govExec)
	admit := network.SubmitProposal(t, n, &counciltypes.MsgAdmitMember{Authority: gov.String(), Address: outsider.String(), Name: "Agency 4"})
	network.VoteYes(t, n, bypass, 0, 1, 2)
	network.VoteYes(t, n, admit, 0, 1, 2) // 3 of 4 members
	network.RequireProposalStatus(t, n, bypass, govv1.StatusFailed, votingPeriod)
	network.RequireProposalStatus(t, n, admit, govv1.StatusPassed, votingPeriod)
	_, err = staking.Delegation(ctx, &stakingtypes.QueryDelegationRequest{DelegatorAddr: outsider.String(), ValidatorAddr: val0.ValAddress.String()})
	require.Error(t, err, "the hook-refused delegation must not exist")

	// Admitted: the agency received exactly one bond and joins the validator set.
	bal, err := banktypes.NewQueryClient(val0.ClientCtx).Balance(ctx, &banktypes.QueryBalanceRequest{Address: outsider.String(), Denom: app.BondDenom})
	require.NoError(t, err)
	require.True(t, bal.Balance.Amount.Equal(bond), "minted bond %s", bal.Balance)
	network.Deliver(t, n, val0, "outsider", createVal())
	requireInCometSet(t, n, consKey.Address().String(), true, 10)

	// Removed by a second decision (4 of 5 members): out of CometBFT's set within two blocks.
	remove := network.SubmitProposal(t, n, &counciltypes.MsgRemoveMember{Authority: gov.String(), Address: outsider.String()})
	network.VoteYes(t, n, remove, 0, 1, 2, 3)
	network.RequireProposalStatus(t, n, remove, govv1.StatusPassed, votingPeriod)
	passed := proposalHeight(t, n, remove)
	for _, h := range []int64{passed + 2, passed + 3} {
		_, err := n.WaitForHeightWithTimeout(h, 30*time.Second)
		require.NoError(t, err)
		set, err := val0.RPCClient.Validators(ctx, &h, nil, nil)
		require.NoError(t, err)
		for _, v := range set.Validators {
			require.NotEqual(t, consKey.Address().String(), v.Address.String(), "removed validator still in the set at height %d (decision at %d)", h, passed)
		}
		require.Len(t, set.Validators, 4)
	}
	member, err := counciltypes.NewQueryClient(val0.ClientCtx).Members(ctx, &counciltypes.QueryMembersRequest{})
	require.NoError(t, err)
	require.Len(t, member.Members, 4)
	// The chain keeps committing.
	h, err := n.LatestHeight()
	require.NoError(t, err)
	_, err = n.WaitForHeightWithTimeout(h+2, 30*time.Second)
	require.NoError(t, err)

	// A verifier's light client trusting block 1 (four validators) follows the council's
	// changes (4 -> 5 -> 4 validators) to the newest header and proves facts there.
	rpcURL := func(v *network.Validator) string {
		return "http://" + strings.Replace(strings.TrimPrefix(v.RPCAddress, "tcp://"), "0.0.0.0", "127.0.0.1", 1)
	}
	root, err := proved.FetchLightBlock(ctx, rpcURL(val0), 1, nil, true)
	require.NoError(t, err)
	require.Len(t, root.ValidatorSet.Validators, 4)
	lc, err := proved.New(proved.Config{Root: proved.TrustRoot{ChainID: n.Config.ChainID, Height: 1, Hash: root.Hash(), Period: time.Hour},
		Primary: proved.Endpoint{Name: "val0", URL: rpcURL(val0)}, AllowPlaintext: true}) // in-process: only val0 serves RPC
	require.NoError(t, err)
	latest, err := lc.Latest(ctx)
	require.NoError(t, err)
	require.Greater(t, latest.Height, passed+2, "verified past the removal")
	require.Len(t, latest.ValidatorSet.Validators, 4)
	f, err := lc.Get(ctx, counciltypes.StoreKey, append(counciltypes.MembersKey.Bytes(), outsider...), latest.Height-1)
	require.NoError(t, err)
	require.False(t, f.Exists(), "the removed member's record is proved absent")

	t.Run("jailed member", func(t *testing.T) { councilWithJailedMember(t, n, votingPeriod) })
}

// councilWithJailedMember: one member one vote over every member. The council admits agency 5
// and removes agency 3 (whose writer loses the right with it); agency 5's validator never
// signs and is jailed for downtime. With four members, one jailed, two Yes votes and one Yes
// against three Abstain are both refused (a token-weighted tally over the bonded set passed
// both, 2 of 3 and 1 of 1 non-abstaining); the jailed member's own Yes still counts.
func councilWithJailedMember(t *testing.T, n *network.Network, votingPeriod time.Duration) {
	ctx := context.Background()
	val0, val3 := n.Validators[0], n.Validators[3]
	gov := authtypes.NewModuleAddress(govtypes.ModuleName)
	agency5 := network.NewKey(t, val0, "agency5")
	writer3 := network.NewKey(t, val3, "writer3")
	network.Deliver(t, n, val3, "node3", &counciltypes.MsgAuthorizeWriter{Granter: val3.Address.String(), Address: writer3.String(), Note: "agency 3's writer"})
	network.Deliver(t, n, val3, "node3", banktypes.NewMsgSend(val3.Address, writer3, sdk.NewCoins(sdk.NewInt64Coin("node3token", 10))))
	network.Deliver(t, n, val3, "writer3", banktypes.NewMsgSend(writer3, val3.Address, sdk.NewCoins(sdk.NewInt64Coin("node3token", 1))))

	change := network.SubmitProposal(t, n,
		&counciltypes.MsgAdmitMember{Authority: gov.String(), Address: agency5.String(), Name: "Agency 5"},
		&counciltypes.MsgRemoveMember{Authority: gov.String(), Address: val3.Address.String()})
	network.VoteYes(t, n, change, 0, 1, 2, 3)
	network.RequireProposalStatus(t, n, change, govv1.StatusPassed, votingPeriod)
	res := network.Broadcast(t, n, val3, "writer3", banktypes.NewMsgSend(writer3, val3.Address, sdk.NewCoins(sdk.NewInt64Coin("node3token", 1))))
	requireRejected(t, res, counciltypes.ErrUnauthorizedWrite.ABCICode(), "writer of a removed member")
	_, err := counciltypes.NewQueryClient(val0.ClientCtx).Writer(ctx, &counciltypes.QueryWriterRequest{Address: writer3.String()})
	require.Error(t, err, "the removed member's writer record is gone")

	// Agency 5 bonds a validator nobody runs; it is jailed for downtime.
	consKey := ed25519.GenPrivKey().PubKey()
	msg, err := stakingtypes.NewMsgCreateValidator(sdk.ValAddress(agency5).String(), consKey,
		sdk.NewCoin(app.BondDenom, counciltypes.DefaultBondAmount), stakingtypes.NewDescription("Agency 5", "", "", "", ""),
		stakingtypes.NewCommissionRates(sdkmath.LegacyZeroDec(), sdkmath.LegacyZeroDec(), sdkmath.LegacyZeroDec()), sdkmath.OneInt())
	require.NoError(t, err)
	network.Deliver(t, n, val0, "agency5", msg)
	staking := stakingtypes.NewQueryClient(val0.ClientCtx)
	deadline := time.Now().Add(3 * time.Minute)
	for {
		v, err := staking.Validator(ctx, &stakingtypes.QueryValidatorRequest{ValidatorAddr: sdk.ValAddress(agency5).String()})
		require.NoError(t, err)
		if v.Validator.Jailed {
			break
		}
		require.True(t, time.Now().Before(deadline), "agency 5's validator not jailed for downtime")
		require.NoError(t, n.WaitForNextBlock())
	}
	members, err := counciltypes.NewQueryClient(val0.ClientCtx).Members(ctx, &counciltypes.QueryMembersRequest{})
	require.NoError(t, err)
	require.Len(t, members.Members, 4)
	bonded, err := staking.Validators(ctx, &stakingtypes.QueryValidatorsRequest{Status: stakingtypes.Bonded.String()})
	require.NoError(t, err)
	require.Len(t, bonded.Validators, 3, "agencies 0-2 bonded, agency 5 jailed")

	decision := func(i int) uint64 {
		return network.SubmitProposal(t, n, &counciltypes.MsgAuthorizeWriter{Granter: gov.String(), Address: sdk.AccAddress(fmt.Appendf(nil, "decision-writer-%03d", i)).String()})
	}
	vote := func(id uint64, opt govv1.VoteOption, voters ...string) {
		var hashes []string
		for _, from := range voters {
			rec, err := val0.ClientCtx.Keyring.Key(from)
			val := val0
			if err != nil {
				val = n.Validators[int(from[len(from)-1]-'0')]
				rec, err = val.ClientCtx.Keyring.Key(from)
				require.NoError(t, err)
			}
			addr, err := rec.GetAddress()
			require.NoError(t, err)
			r := network.Broadcast(t, n, val, from, govv1.NewMsgVote(addr, id, opt, ""))
			require.Zero(t, r.Code, r.RawLog)
			hashes = append(hashes, r.TxHash)
		}
		for _, h := range hashes {
			require.Zero(t, network.WaitTx(t, n, h).Code)
		}
	}
	twoYes, oneYes, withJailed := decision(1), decision(2), decision(3)
	vote(twoYes, govv1.OptionYes, "node0", "node1")
	vote(oneYes, govv1.OptionYes, "node0")
	vote(oneYes, govv1.OptionAbstain, "node1", "node2", "agency5")
	vote(withJailed, govv1.OptionYes, "node0", "node1", "agency5")
	network.RequireProposalStatus(t, n, twoYes, govv1.StatusRejected, votingPeriod)
	network.RequireProposalStatus(t, n, oneYes, govv1.StatusRejected, votingPeriod)
	network.RequireProposalStatus(t, n, withJailed, govv1.StatusPassed, votingPeriod)
	p, err := govv1.NewQueryClient(val0.ClientCtx).Proposal(ctx, &govv1.QueryProposalRequest{ProposalId: oneYes})
	require.NoError(t, err)
	require.Equal(t, "1", p.Proposal.FinalTallyResult.YesCount)
	require.Equal(t, "3", p.Proposal.FinalTallyResult.NoCount, "abstentions count against")
}

func requireRejected(t *testing.T, res *sdk.TxResponse, code uint32, what string) {
	t.Helper()
	require.Equal(t, counciltypes.ModuleName, res.Codespace, "%s: %s", what, res.RawLog)
	require.Equal(t, code, res.Code, "%s: %s", what, res.RawLog)
}

func deliverAllowFail(t *testing.T, n *network.Network, val *network.Validator, from string, msgs ...sdk.Msg) *sdk.TxResponse {
	t.Helper()
	res := network.Broadcast(t, n, val, from, msgs...)
	require.Zero(t, res.Code, res.RawLog)
	return network.WaitTx(t, n, res.TxHash)
}

// proposalHeight finds the block whose end-blocker executed the proposal.
func proposalHeight(t *testing.T, n *network.Network, id uint64) int64 {
	t.Helper()
	latest, err := n.LatestHeight()
	require.NoError(t, err)
	for h := latest; h > 0 && h > latest-30; h-- {
		res, err := n.Validators[0].RPCClient.BlockResults(context.Background(), &h)
		if err != nil && h == latest {
			continue // the newest block's results may not be stored yet
		}
		require.NoError(t, err)
		for _, ev := range res.FinalizeBlockEvents {
			if ev.Type != govtypes.EventTypeActiveProposal {
				continue
			}
			for _, a := range ev.Attributes {
				if a.Key == govtypes.AttributeKeyProposalID && a.Value == strconv.FormatUint(id, 10) {
					return h
				}
			}
		}
	}
	t.Fatalf("no block executed proposal %d", id)
	return 0
}

func requireInCometSet(t *testing.T, n *network.Network, consAddr string, want bool, blocks int) {
	t.Helper()
	for i := 0; i < blocks; i++ {
		set, err := n.Validators[0].RPCClient.Validators(context.Background(), nil, nil, nil)
		require.NoError(t, err)
		found := false
		for _, v := range set.Validators {
			if v.Address.String() == consAddr {
				found = true
			}
		}
		if found == want {
			return
		}
		require.NoError(t, n.WaitForNextBlock())
	}
	t.Fatalf("validator %s in set = %v after %d blocks", consAddr, !want, blocks)
}
