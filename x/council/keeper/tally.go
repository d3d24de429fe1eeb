package keeper

import (
	"context"

	"cosmossdk.io/math"

	govkeeper "github.com/cosmos/cosmos-sdk/x/gov/keeper"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	v1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"
)

// CouncilTally counts a council decision over all member agencies rather than over those
// that voted: a member that does not vote counts as No. With equal bonds and the gov
// threshold set just under 2/3, a proposal passes only when more than two thirds of all
// members (abstentions aside) vote Yes, as the council's charter requires.
func CouncilTally(sk govtypes.StakingKeeper) govkeeper.CalculateVoteResultsAndVotingPowerFn {
	base := govkeeper.NewDefaultCalculateVoteResultsAndVotingPower(sk)
	return func(ctx context.Context, k govkeeper.Keeper, p v1.Proposal) (voted math.LegacyDec, total math.Int, results map[v1.VoteOption]math.LegacyDec, err error) {
		voted, total, results, err = base(ctx, k, p)
		if err != nil {
			return voted, total, results, err
		}
		all := math.LegacyNewDecFromInt(total)
		if silent := all.Sub(voted); silent.IsPositive() {
			results[v1.OptionNo] = results[v1.OptionNo].Add(silent)
		}
		return all, total, results, nil
	}
}
