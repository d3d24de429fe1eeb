package chaintest_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/ledger/chaintest"
	"github.com/amanah-id/amanah/verifier/ledger/node"
)

// newView is the verifier's ledger view over the world's node.
func newView(t *testing.T, w *chaintest.World) ledger.View {
	cli, err := node.Dial(w.Val.AppConfig.GRPC.Address, nil)
	require.NoError(t, err)
	t.Cleanup(func() { cli.Close() })
	cache, err := ledger.NewCache(ledger.Config{Freshness: 30 * time.Second},
		ledger.Endpoint{Name: "val0", Node: cli, Events: node.NewEvents(w.Val.RPCAddress)})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go cache.Run(ctx)
	require.Eventually(t, func() bool { return cache.Fresh() == nil }, 30*time.Second, 10*time.Millisecond, "view never synced")
	return cache
}

func blockTime(t *testing.T, w *chaintest.World, h int64) time.Time {
	b, err := w.Val.RPCClient.Block(context.Background(), &h)
	require.NoError(t, err)
	return b.Block.Time.UTC()
}
