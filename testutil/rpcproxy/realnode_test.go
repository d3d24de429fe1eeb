package rpcproxy

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/cometbft/cometbft/light"
	"github.com/cometbft/cometbft/light/provider"
	lighthttp "github.com/cometbft/cometbft/light/provider/http"
	rpcclient "github.com/cometbft/cometbft/rpc/client"
	rpchttp "github.com/cometbft/cometbft/rpc/client/http"

	"github.com/amanah-id/amanah/localnet"
)

// realNodeEnv names the environment variable that turns on TestRealNode, which builds (or takes
// $AMANAHD_BINARY) and runs a one-validator amanahd chain.
const realNodeEnv = "RPCPROXY_REAL_NODE"

// TestRealNode puts the proxy in front of a real amanahd node: pass-through is byte-identical,
// the CometBFT client sees a flipped value, a stale status and a forged header, and the light
// provider refuses the forged header.
func TestRealNode(t *testing.T) {
	if os.Getenv(realNodeEnv) == "" || testing.Short() {
		t.Skipf("set %s=1 to run a real amanahd node", realNodeEnv)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	bin, err := localnet.BuildBinary(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ports, err := localnet.FreeBasePorts(1)
	if err != nil {
		t.Fatal(err)
	}
	net, err := localnet.Init(ctx, localnet.Config{Binary: bin, Dir: t.TempDir(), N: 1, BasePorts: ports})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := net.StopAll(); err != nil {
			t.Error(err)
		}
	})
	if err := net.StartAll(); err != nil {
		t.Fatal(err)
	}
	if err := net.WaitHeight(ctx, 0, 5); err != nil {
		t.Fatal(err)
	}
	node := net.Node(0).RPCURL()
	p, err := Start(t, node)
	if err != nil {
		t.Fatal(err)
	}
	c := httpClient(t)

	// Pass-through of fixed-height requests is byte-identical (status moves on, so it is not
	// compared).
	params := `/abci_query?path="/store/council/key"&data=0x00&height=4&prove=true`
	batch := `[{"jsonrpc":"2.0","id":1,"method":"commit","params":{"height":"3"}},{"jsonrpc":"2.0","id":"v","method":"validators","params":{"height":"3"}}]`
	for _, target := range []string{"/commit?height=3", "/validators?height=3", "/block?height=3", "/header?height=4", params} {
		mustEqualBytes(t, target, doGet(t, c, node, target).body, doGet(t, c, p.URL(), target).body)
	}
	mustEqualBytes(t, "batch", doPost(t, c, node, batch).body, doPost(t, c, p.URL(), batch).body)

	cli, err := rpchttp.New(p.URL(), "/websocket")
	if err != nil {
		t.Fatal(err)
	}
	direct, err := rpchttp.New(node, "/websocket")
	if err != nil {
		t.Fatal(err)
	}
	opts := rpcclient.ABCIQueryOptions{Height: 4, Prove: true}
	want, err := direct.ABCIQueryWithOptions(ctx, "/store/council/key", []byte{0}, opts)
	if err != nil || len(want.Response.Value) == 0 || want.Response.ProofOps == nil {
		t.Fatalf("direct query: %v %v", want, err)
	}
	p.Set(FlipValueBit{Filter: QueryFilter{Path: "/store/council/key", KeyPrefix: []byte{0}}})
	got, err := cli.ABCIQueryWithOptions(ctx, "/store/council/key", []byte{0}, opts)
	if err != nil || bitsDiffer(got.Response.Value, want.Response.Value) != 1 || got.Response.ProofOps == nil {
		t.Fatalf("flipped query: %v %v", got, err)
	}

	p.Set(StaleHeight{Height: 3})
	st, err := cli.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b3, err := direct.Block(ctx, ptr(int64(3)))
	if err != nil {
		t.Fatal(err)
	}
	if st.SyncInfo.LatestBlockHeight != 3 || !bytes.Equal(st.SyncInfo.LatestBlockHash, b3.BlockID.Hash) || !bytes.Equal(st.SyncInfo.LatestAppHash, b3.Block.AppHash) {
		t.Fatalf("stale status %+v, block 3 %X", st.SyncInfo, b3.BlockID.Hash)
	}
	q, err := cli.ABCIQueryWithOptions(ctx, "/store/council/key", []byte{0}, rpcclient.ABCIQueryOptions{Prove: true})
	if err != nil || q.Response.Height != 3 {
		t.Fatalf("latest query through a node at 3: %v %v", q, err)
	}

	prov, err := lighthttp.New(localnet.DefaultChainID, p.URL())
	if err != nil {
		t.Fatal(err)
	}
	p.Set()
	trusted, err := prov.LightBlock(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	lb, err := prov.LightBlock(ctx, 4)
	if err != nil {
		t.Fatal(err)
	}
	if err := light.VerifyAdjacent(trusted.SignedHeader, lb.SignedHeader, lb.ValidatorSet, time.Hour, time.Now(), 10*time.Second); err != nil {
		t.Fatalf("light block 4 through the proxy: %v", err)
	}
	p.Set(ForgeHeader{})
	var bad provider.ErrBadLightBlock
	if _, err := prov.LightBlock(ctx, 4); !errors.As(err, &bad) {
		t.Fatalf("forged light block: %v", err)
	}
	t.Logf("counts %v", p.Counts())
}

func ptr[T any](v T) *T { return &v }
