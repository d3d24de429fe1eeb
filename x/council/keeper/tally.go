package keeper

import (
	"context"
	"fmt"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"
	sdk "github.com/cosmos/cosmos-sdk/types"
	govkeeper "github.com/cosmos/cosmos-sdk/x/gov/keeper"
	v1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"

	"github.com/amanah-id/amanah/x/council/types"
)

// CouncilTally counts a council decision one member, one vote, over every member agency
// (docs/architecture.md, "Council decisions"): the voting power and the quorum base are the
// number of members, whether or not their validators are bonded, jailed or slashed; a member
// counts for the weight it gave Yes, and Abstain, No and silence all count against. Votes of
// accounts that are not members are ignored (and removed, as gov expects of a tally).
//
// Gov then passes a proposal when Yes / members > its threshold (just under 2/3, so 2 of 3, 3
// of 4 and 4 of 6 pass and 2 of 4 does not); NoWithVeto keeps its meaning (over a third of the
// members vetoing burns the deposit). In the stored tally, abstentions and silence show as No.
func CouncilTally(ck *Keeper) govkeeper.CalculateVoteResultsAndVotingPowerFn {
	return func(ctx context.Context, gk govkeeper.Keeper, p v1.Proposal) (math.LegacyDec, math.Int, map[v1.VoteOption]math.LegacyDec, error) {
		votes := map[string]v1.WeightedVoteOptions{}
		var seen []collections.Pair[uint64, sdk.AccAddress]
		rng := collections.NewPrefixedPairRange[uint64, sdk.AccAddress](p.Id)
		if err := gk.Votes.Walk(ctx, rng, func(key collections.Pair[uint64, sdk.AccAddress], v v1.Vote) (bool, error) {
			votes[string(key.K2())] = v.Options
			seen = append(seen, key)
			return false, nil
		}); err != nil {
			return math.LegacyDec{}, math.Int{}, nil, fmt.Errorf("council tally of proposal %d: %w", p.Id, err)
		}
		for _, key := range seen {
			if err := gk.Votes.Remove(ctx, key); err != nil {
				return math.LegacyDec{}, math.Int{}, nil, fmt.Errorf("council tally of proposal %d: remove vote: %w", p.Id, err)
			}
		}

		yes, veto, members := math.LegacyZeroDec(), math.LegacyZeroDec(), int64(0)
		if err := ck.Members.Walk(ctx, nil, func(acc []byte, _ types.Member) (bool, error) {
			members++
			for _, o := range votes[string(acc)] {
				w, err := math.LegacyNewDecFromStr(o.Weight)
				if err != nil {
					return true, fmt.Errorf("vote weight %q: %w", o.Weight, err)
				}
				switch o.Option {
				case v1.OptionYes:
					yes = yes.Add(w)
				case v1.OptionNoWithVeto:
					veto = veto.Add(w)
				}
			}
			return false, nil
		}); err != nil {
			return math.LegacyDec{}, math.Int{}, nil, fmt.Errorf("council tally of proposal %d: %w", p.Id, err)
		}
		all := math.LegacyNewDec(members)
		results := map[v1.VoteOption]math.LegacyDec{
			v1.OptionYes:        yes,
			v1.OptionNoWithVeto: veto,
			v1.OptionNo:         all.Sub(yes).Sub(veto),
			v1.OptionAbstain:    math.LegacyZeroDec(),
		}
		return all, math.NewInt(members), results, nil
	}
}
