package network

import (
	"context"
	"strconv"
	"testing"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	govv1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"

	"github.com/amanah-id/amanah/app"
)

// SubmitProposal submits msgs as a council decision (gov proposal with the minimum deposit)
// from validator 0 and returns the proposal id.
func SubmitProposal(t testing.TB, n *Network, msgs ...sdk.Msg) uint64 {
	t.Helper()
	val := n.Validators[0]
	msg, err := govv1.NewMsgSubmitProposal(msgs, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1000)),
		val.Address.String(), "", "council decision", "test", false)
	if err != nil {
		t.Fatal(err)
	}
	out := Deliver(t, n, val, "node0", msg)
	for _, ev := range out.Events {
		if ev.Type != govtypes.EventTypeSubmitProposal {
			continue
		}
		for _, a := range ev.Attributes {
			if a.Key == govtypes.AttributeKeyProposalID {
				id, err := strconv.ParseUint(a.Value, 10, 64)
				if err != nil {
					t.Fatal(err)
				}
				return id
			}
		}
	}
	t.Fatalf("no proposal id in %s", out.RawLog)
	return 0
}

// VoteYes has the given validators (by index) vote Yes on proposal id. The votes are
// broadcast together (one account each) and then awaited, so they land in one or two blocks
// even on a loaded machine.
func VoteYes(t testing.TB, n *Network, id uint64, validators ...int) {
	t.Helper()
	hashes := make([]string, 0, len(validators))
	for _, i := range validators {
		v := n.Validators[i]
		res := Broadcast(t, n, v, "node"+strconv.Itoa(i), govv1.NewMsgVote(v.Address, id, govv1.OptionYes, ""))
		if res.Code != 0 {
			t.Fatalf("vote of validator %d refused: %s", i, res.RawLog)
		}
		hashes = append(hashes, res.TxHash)
	}
	for _, h := range hashes {
		if out := WaitTx(t, n, h); out.Code != 0 {
			t.Fatalf("vote failed: %s", out.RawLog)
		}
	}
}

// RequireProposalStatus waits (bounded by the voting period plus a minute) until proposal id
// is decided, and fails the test unless it ended in want.
func RequireProposalStatus(t testing.TB, n *Network, id uint64, want govv1.ProposalStatus, votingPeriod time.Duration) {
	t.Helper()
	q := govv1.NewQueryClient(n.Validators[0].ClientCtx)
	deadline := time.Now().Add(votingPeriod + 60*time.Second)
	var last govv1.ProposalStatus
	for time.Now().Before(deadline) {
		res, err := q.Proposal(context.Background(), &govv1.QueryProposalRequest{ProposalId: id})
		if err != nil {
			t.Fatal(err)
		}
		last = res.Proposal.Status
		if last != govv1.StatusVotingPeriod && last != govv1.StatusDepositPeriod {
			if last != want {
				t.Fatalf("proposal %d ended %s, want %s: %s", id, last, want, res.Proposal.FailedReason)
			}
			return
		}
		if err := n.WaitForNextBlock(); err != nil {
			t.Fatal(err)
		}
	}
	t.Fatalf("proposal %d still %s", id, last)
}
