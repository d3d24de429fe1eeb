package app

import (
	abci "github.com/cometbft/cometbft/abci/types"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/server"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/mempool"
	"github.com/spf13/cast"

	statustypes "github.com/amanah-id/amanah/x/status/types"
)

// Block space defaults written into genesis by amanahd init (docs/block-space.md derives
// them from the measured gas and size of the largest legitimate transactions).
const (
	// DefaultBlockMaxGas admits the largest legitimate transaction (a full 10,000-entry batch
	// over every page of a 16,777,216-entry 2-bit status list: 133.3M gas in the keeper plus
	// ~0.6M for its size and signature) with 1.5x headroom.
	DefaultBlockMaxGas int64 = 200_000_000
	// DefaultBlockMaxBytes is 4 MiB: about 70 of the largest transactions by size (a
	// 10,000-entry status batch, ~60 KB), and more than a block's gas worth of DID creations.
	DefaultBlockMaxBytes int64 = 4 << 20
	// DefaultMempoolMaxTxs bounds the app-side mempool when app.toml's mempool.max-txs does
	// not (CometBFT's own mempool holds 5,000 by default).
	DefaultMempoolMaxTxs = 5000
)

// isUrgent reports whether a message is a revocation or suspension update: the mempool
// proposes such transactions first and the writer quota never refuses them.
func isUrgent(msg sdk.Msg) bool {
	_, ok := msg.(*statustypes.MsgUpdateStatusList)
	return ok
}

// mempoolOption makes the app keep its own priority-nonce mempool, so PrepareProposal
// (prepareProposal) builds each block from it by priority (urgent transactions first) instead
// of taking CometBFT's mempool in arrival order. CometBFT v0.40's ResponseCheckTx carries no
// priority and its flood mempool reaps first-in first-out; this is the ordering that reaches
// the block. app.toml's mempool.max-txs, when positive, bounds it.
func mempoolOption(appOpts servertypes.AppOptions) func(*baseapp.BaseApp) {
	maxTxs := DefaultMempoolMaxTxs
	if appOpts != nil {
		if n := cast.ToInt(appOpts.Get(server.FlagMempoolMaxTxs)); n > 0 {
			maxTxs = n
		}
	}
	cfg := mempool.DefaultPriorityNonceMempoolConfig()
	cfg.MaxTx = maxTxs
	return baseapp.SetMempool(mempool.NewPriorityMempool(cfg))
}

// prepareProposal builds a block from the app-side mempool in its order (urgent transactions
// first), within the block's max_bytes and max_gas (counting gas limits), keeping each
// signer's transactions in sequence: once one of a signer's transactions does not fit, none of
// its later ones is taken. Unlike the SDK's default handler it does not re-run the ante
// handler on each transaction: the mempool holds only transactions CheckTx accepted and
// CometBFT rechecked against the last block, and the handler amanahd used before (CometBFT's
// transactions in arrival order) did not re-run it either; the re-run cost about a quarter of
// the throughput (docs/block-space.md). DeliverTx still runs the whole ante handler.
func prepareProposal(mp mempool.Mempool, encode sdk.TxEncoder) sdk.PrepareProposalHandler {
	signers := mempool.NewDefaultSignerExtractionAdapter()
	return func(ctx sdk.Context, req *abci.RequestPrepareProposal) (*abci.ResponsePrepareProposal, error) {
		maxBytes, maxGas := req.MaxTxBytes, int64(-1)
		if b := ctx.ConsensusParams().Block; b != nil && b.MaxGas > 0 {
			maxGas = b.MaxGas
		}
		var (
			txs            [][]byte
			totalB, totalG int64
			err            error
			blocked        = map[string]bool{} // signers with a transaction left out
		)
		mempool.SelectBy(ctx, mp, req.Txs, func(memTx mempool.PooledTx) bool {
			var data []mempool.SignerData
			if data, err = signers.GetSigners(memTx.Tx); err != nil {
				return false
			}
			for _, d := range data {
				if blocked[d.Signer.String()] {
					return true
				}
			}
			var bz []byte
			if bz, err = encode(memTx.Tx); err != nil {
				return false
			}
			size := cmttypes.ComputeProtoSizeForTxs([]cmttypes.Tx{bz})
			gas := int64(memTx.GasWanted)
			if gas <= 0 {
				if g, ok := memTx.Tx.(sdk.GasTx); ok {
					gas = int64(g.GetGas())
				}
			}
			if totalB+size > maxBytes || (maxGas > 0 && totalG+gas > maxGas) {
				for _, d := range data {
					blocked[d.Signer.String()] = true
				}
			} else {
				txs = append(txs, bz)
				totalB += size
				totalG += gas
			}
			return totalB < maxBytes && (maxGas <= 0 || totalG < maxGas)
		})
		if err != nil {
			return nil, err
		}
		return &abci.ResponsePrepareProposal{Txs: txs}, nil
	}
}
