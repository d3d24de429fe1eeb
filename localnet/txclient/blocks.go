package txclient

import (
	"context"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/amanah-id/amanah/localnet"
)

// What node 0 says about its blocks and its mempool, read over CometBFT RPC: the side of the
// chain the benches measure (rates from committed blocks, commit times, backlog).

// Height returns node 0's latest block height.
func (ch *Chain) Height(ctx context.Context) (int64, error) {
	st, err := ch.RPC.Status(ctx)
	return st.LatestBlockHeight, err
}

// Advance waits for n more committed blocks (at most 5 s a block, plus 10 s).
func (ch *Chain) Advance(ctx context.Context, n int64) error {
	h, err := ch.Height(ctx)
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, time.Duration(n)*5*time.Second+10*time.Second)
	defer cancel()
	return ch.Net.WaitHeight(wctx, 0, h+n)
}

// BlockOutcome is one block's header time and how its transactions ended.
type BlockOutcome struct {
	Height int64
	Time   time.Time
	// OK counts the transactions with code 0 in block_results, Failed the others.
	OK, Failed int
	// FailedCodes counts the failed ones by "codespace/code"; FailedLog is the first one's log.
	FailedCodes map[string]int
	FailedLog   string
}

// Txs is the number of transactions in the block.
func (b BlockOutcome) Txs() int { return b.OK + b.Failed }

// BlockTime returns the header time of block h.
func (ch *Chain) BlockTime(ctx context.Context, h int64) (time.Time, error) {
	var blk struct {
		Block struct {
			Header struct {
				Time time.Time `json:"time"`
			} `json:"header"`
		} `json:"block"`
	}
	err := ch.RPC.Call(ctx, "block", map[string]any{"height": strconv.FormatInt(h, 10)}, &blk)
	return blk.Block.Header.Time, err
}

// Block returns block h's header time and its transactions' outcomes.
func (ch *Chain) Block(ctx context.Context, h int64) (BlockOutcome, error) {
	t, err := ch.BlockTime(ctx, h)
	if err != nil {
		return BlockOutcome{}, err
	}
	var r struct {
		TxsResults []struct {
			Code      uint32 `json:"code"`
			Codespace string `json:"codespace"`
			Log       string `json:"log"`
		} `json:"txs_results"`
	}
	if err := ch.RPC.Call(ctx, "block_results", map[string]any{"height": strconv.FormatInt(h, 10)}, &r); err != nil {
		return BlockOutcome{}, err
	}
	b := BlockOutcome{Height: h, Time: t}
	for _, x := range r.TxsResults {
		if x.Code == 0 {
			b.OK++
		} else {
			b.Failed++
			if b.FailedCodes == nil {
				b.FailedCodes, b.FailedLog = map[string]int{}, x.Log
			}
			b.FailedCodes[fmt.Sprintf("%s/%d", x.Codespace, x.Code)]++
		}
	}
	return b, nil
}

// CommitTime returns when block h was committed: the precommit timestamp, in block h+1's
// last commit, at which the precommits for h first held more than 2/3 of the voting power
// (sorted by time; with one validator, its precommit). The latest precommit is not it: with
// several validators, a late vote arrives after the block was already committed. It waits up
// to 15 s for block h+1.
func (ch *Chain) CommitTime(ctx context.Context, h int64) (time.Time, error) {
	wctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := ch.Net.WaitHeight(wctx, 0, h+1); err != nil {
		return time.Time{}, err
	}
	var b struct {
		Block struct {
			LastCommit struct {
				Height     string `json:"height"`
				Signatures []struct {
					Flag      int       `json:"block_id_flag"`
					Address   string    `json:"validator_address"`
					Timestamp time.Time `json:"timestamp"`
				} `json:"signatures"`
			} `json:"last_commit"`
		} `json:"block"`
	}
	if err := ch.RPC.Call(ctx, "block", map[string]any{"height": strconv.FormatInt(h+1, 10)}, &b); err != nil {
		return time.Time{}, err
	}
	if b.Block.LastCommit.Height != strconv.FormatInt(h, 10) {
		return time.Time{}, fmt.Errorf("block %d: last commit is for %s, not %d", h+1, b.Block.LastCommit.Height, h)
	}
	var vs struct {
		Validators []struct {
			Address string `json:"address"`
			Power   string `json:"voting_power"`
		} `json:"validators"`
	}
	if err := ch.RPC.Call(ctx, "validators", map[string]any{"height": strconv.FormatInt(h, 10), "per_page": "100"}, &vs); err != nil {
		return time.Time{}, err
	}
	power := map[string]int64{}
	var total int64
	for _, v := range vs.Validators {
		p, err := strconv.ParseInt(v.Power, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("validator %s power %q: %w", v.Address, v.Power, err)
		}
		power[v.Address] = p
		total += p
	}
	type vote struct {
		t time.Time
		p int64
	}
	var votes []vote
	for _, s := range b.Block.LastCommit.Signatures {
		if s.Flag == 2 { // BlockIDFlagCommit: a precommit for the block
			votes = append(votes, vote{s.Timestamp, power[s.Address]})
		}
	}
	sort.Slice(votes, func(i, j int) bool { return votes[i].t.Before(votes[j].t) })
	var sum int64
	for _, v := range votes {
		if sum += v.p; 3*sum > 2*total {
			return v.t, nil
		}
	}
	return time.Time{}, fmt.Errorf("block %d: the precommits for %d hold %d of %d voting power", h+1, h, sum, total)
}

// MempoolSize returns the number of transactions in node 0's mempool.
func (ch *Chain) MempoolSize(ctx context.Context) (int, error) {
	var r struct {
		NTxs string `json:"n_txs"`
	}
	if err := ch.RPC.Call(ctx, "num_unconfirmed_txs", nil, &r); err != nil {
		return 0, err
	}
	return strconv.Atoi(r.NTxs)
}

// GasUsed returns the gas the committed transaction hash used.
func (ch *Chain) GasUsed(ctx context.Context, hash string) (uint64, error) {
	hb, err := hex.DecodeString(hash)
	if err != nil {
		return 0, err
	}
	var r struct {
		TxResult struct {
			GasUsed string `json:"gas_used"`
		} `json:"tx_result"`
	}
	if err := ch.RPC.Call(ctx, "tx", map[string]any{"hash": hb, "prove": false}, &r); err != nil {
		return 0, err
	}
	return strconv.ParseUint(r.TxResult.GasUsed, 10, 64)
}

// Submit broadcasts tx and waits for the block that commits it; a refusal in CheckTx or a
// failure in the block is an error (with the result).
func (ch *Chain) Submit(ctx context.Context, tx SignedTx) (localnet.TxResult, error) {
	if err := ch.Broadcast(ctx, tx); err != nil {
		return localnet.TxResult{}, err
	}
	out, err := WaitTx(ctx, ch.RPC, tx.Hash)
	if err != nil {
		return out, err
	}
	if out.Code != 0 {
		return out, fmt.Errorf("tx %s failed at height %d (code %d): %s", tx.Hash, out.Height, out.Code, out.Log)
	}
	return out, nil
}
