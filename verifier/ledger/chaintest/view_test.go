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

// newView is the verifier's proof-checked ledger view over the world's node.
func newView(t *testing.T, w *chaintest.World) *node.View {
	return w.OpenView(ledger.Config{Freshness: 30 * time.Second})
}

func blockTime(t *testing.T, w *chaintest.World, h int64) time.Time {
	b, err := w.Val.RPCClient.Block(context.Background(), &h)
	require.NoError(t, err)
	return b.Block.Time.UTC()
}
