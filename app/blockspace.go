package app

import (
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

// mempoolOption makes the app keep its own priority-nonce mempool, so the SDK's default
// PrepareProposal builds each block from it by priority (urgent transactions first) instead of
// taking CometBFT's mempool in arrival order. CometBFT v0.40's ResponseCheckTx carries no
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
