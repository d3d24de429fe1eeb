package chaintest_test

import (
	"context"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/ledger/chaintest"
	"github.com/amanah-id/amanah/verifier/ledger/node"
	didtypes "github.com/amanah-id/amanah/x/did/types"
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

// stepUntilFresh steps v until it is fresh or 10 s pass; it returns the last error.
func stepUntilFresh(v *node.View) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var err error
	for ctx.Err() == nil {
		if err = v.Cache.Step(ctx); err == nil && v.Cache.Fresh() == nil {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err == nil {
		err = v.Cache.Fresh()
	}
	return err
}

// tlsFront is an HTTPS reverse proxy (its own test certificate) in front of an RPC URL.
func tlsFront(t *testing.T, upstream string) *httptest.Server {
	u, err := url.Parse(upstream)
	require.NoError(t, err)
	ts := httptest.NewTLSServer(httputil.NewSingleHostReverseProxy(u))
	t.Cleanup(ts.Close)
	return ts
}

// swapKey rewrites a stored DID version so that its first key is another one.
func swapKey(t *testing.T, value []byte) []byte {
	var v didtypes.DidDocumentVersion
	if value == nil || v.Unmarshal(value) != nil || len(v.DocumentJson) == 0 {
		return value
	}
	doc, err := didcore.ParseDocument(v.DocumentJson)
	if err != nil || len(doc.VerificationMethods) == 0 {
		return value
	}
	other, err := keys.Generate(keys.Ed25519)
	require.NoError(t, err)
	doc.VerificationMethods[0].PublicKeyMultibase = other.Public().Multikey()
	if v.DocumentJson, err = doc.MarshalJSON(); err != nil {
		return value
	}
	out, err := v.Marshal()
	require.NoError(t, err)
	return out
}

func keysAsStrings(ks [][]byte) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}
