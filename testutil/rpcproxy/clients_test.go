package rpcproxy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	dbm "github.com/cometbft/cometbft-db"
	cmtlog "github.com/cometbft/cometbft/libs/log"
	"github.com/cometbft/cometbft/light"
	"github.com/cometbft/cometbft/light/provider"
	lighthttp "github.com/cometbft/cometbft/light/provider/http"
	lightdb "github.com/cometbft/cometbft/light/store/db"
	rpcclient "github.com/cometbft/cometbft/rpc/client"
	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	ctypes "github.com/cometbft/cometbft/rpc/core/types"
	"github.com/gorilla/websocket"
)

// wsRoundTrip sends each request on one websocket session and returns the responses.
func wsRoundTrip(t *testing.T, url string, reqs []string) [][]byte {
	t.Helper()
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	conn, resp, err := d.Dial(url, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	resp.Body.Close()
	defer conn.Close()
	var out [][]byte
	for _, r := range reqs {
		if err := conn.WriteMessage(websocket.TextMessage, []byte(r)); err != nil {
			t.Fatal(err)
		}
		_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, msg, err := conn.ReadMessage()
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		out = append(out, msg)
	}
	return out
}

// TestWebsocketPassThrough: a websocket JSON-RPC session through the proxy gets exactly what a
// direct session gets, with tamper modes on (websocket traffic is never tampered with).
func TestWebsocketPassThrough(t *testing.T) {
	node := newFakeNode(t, 4, testState())
	p, err := Start(t, node.URL())
	if err != nil {
		t.Fatal(err)
	}
	p.Set(FlipValueBit{}, DropProof{}, ForgeHeader{}, StaleHeight{Height: 2})
	reqs := []string{
		`{"jsonrpc":"2.0","id":1,"method":"health","params":{}}`,
		postQuery(2, "status", []byte{1, 2}, 0, true),
		`{"jsonrpc":"2.0","id":3,"method":"commit","params":{"height":"3"}}`,
	}
	want := wsRoundTrip(t, "ws"+strings.TrimPrefix(node.URL(), "http")+"/websocket", reqs)
	got := wsRoundTrip(t, p.WebsocketURL(), reqs)
	for i := range reqs {
		mustEqualBytes(t, fmt.Sprintf("websocket response %d", i), want[i], got[i])
	}
	if !bytes.Contains(got[1], []byte(`"proofOps":{`)) {
		t.Fatalf("no proof in %s", got[1])
	}
	for k, n := range p.Counts() {
		if n != 0 {
			t.Errorf("%s counted %d on a websocket", k, n)
		}
	}
}

// TestCometBFTClient: the CometBFT Go RPC client, pointed at the proxy, sees the tampered values.
func TestCometBFTClient(t *testing.T) {
	node := newFakeNode(t, 5, testState())
	p, err := Start(t, node.URL())
	if err != nil {
		t.Fatal(err)
	}
	cli, err := rpchttp.New(p.URL(), "/websocket")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	path, key := queryPath("status"), []byte{1, 2}
	orig := testState()["status"]["\x01\x02"]
	query := func() ([]byte, bool, int64) {
		t.Helper()
		res, err := cli.ABCIQueryWithOptions(ctx, path, key, rpcclient.ABCIQueryOptions{Prove: true})
		if err != nil {
			t.Fatal(err)
		}
		return res.Response.Value, res.Response.ProofOps != nil, res.Response.Height
	}

	if v, proof, h := query(); !bytes.Equal(v, orig) || !proof || h != 5 {
		t.Fatalf("pass-through: %q %v %d", v, proof, h)
	}
	p.Set(FlipValueBit{Filter: QueryFilter{Path: path}})
	if v, proof, _ := query(); bitsDiffer(v, orig) != 1 || !proof {
		t.Fatalf("FlipValueBit: %q %v", v, proof)
	}
	p.Set(ReplaceValue{Replace: func(string, []byte, []byte) []byte { return []byte("forged") }})
	if v, _, _ := query(); string(v) != "forged" {
		t.Fatalf("ReplaceValue: %q", v)
	}
	p.Set(DropValue{})
	if v, proof, _ := query(); v != nil || proof {
		t.Fatalf("DropValue: %q %v", v, proof)
	}
	p.Set(DropProof{})
	if v, proof, _ := query(); !bytes.Equal(v, orig) || proof {
		t.Fatalf("DropProof: %q %v", v, proof)
	}

	p.Set(ForgeHeader{})
	h := int64(3)
	c, err := cli.Commit(ctx, &h)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(c.Header.AppHash, node.blocks[2].header.AppHash) || bitsDiffer(c.Header.AppHash, node.blocks[2].header.AppHash) != 1 {
		t.Fatalf("app hash %X not forged from %X", c.Header.AppHash, node.blocks[2].header.AppHash)
	}
	if err := c.SignedHeader.ValidateBasic(fakeChainID); err == nil {
		t.Fatal("a forged header passed ValidateBasic")
	}

	p.Set(StaleHeight{Height: 3})
	st, err := cli.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.SyncInfo.LatestBlockHeight != 3 || !bytes.Equal(st.SyncInfo.LatestBlockHash, node.blocks[2].blockID.Hash) ||
		!bytes.Equal(st.SyncInfo.LatestAppHash, node.blocks[2].header.AppHash) || !st.SyncInfo.LatestBlockTime.Equal(node.blocks[2].header.Time) {
		t.Fatalf("status %+v", st.SyncInfo)
	}
	if c, err := cli.Commit(ctx, nil); err != nil || c.Height != 3 {
		t.Fatalf("latest commit: %v %v", c, err)
	}
	if v, err := cli.Validators(ctx, nil, nil, nil); err != nil || v.BlockHeight != 3 {
		t.Fatalf("validators: %v %v", v, err)
	}
	if _, _, qh := query(); qh != 3 {
		t.Fatalf("query answered at %d", qh)
	}

	// A batch through the client: every result tampered as its request asks.
	p.Set(StaleHeight{Height: 3}, FlipValueBit{})
	b := cli.NewBatch()
	if _, err := b.Status(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := b.ABCIQueryWithOptions(ctx, path, key, rpcclient.ABCIQueryOptions{Prove: true}); err != nil {
		t.Fatal(err)
	}
	results, err := b.Send(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 2 {
		t.Fatalf("batch results %v", results)
	}
	st, ok := results[0].(*ctypes.ResultStatus)
	if !ok || st.SyncInfo.LatestBlockHeight != 3 || st.NodeInfo.Network != fakeChainID {
		t.Fatalf("batch status %#v", results[0])
	}
	qr, ok := results[1].(*ctypes.ResultABCIQuery)
	if !ok || qr.Response.Height != 3 || bitsDiffer(qr.Response.Value, orig) != 1 {
		t.Fatalf("batch query %#v", results[1])
	}
}

// TestLightProvider: CometBFT's light provider over the proxy verifies a passed-through light
// block, and refuses a forged header.
func TestLightProvider(t *testing.T) {
	node := newFakeNode(t, 5, testState())
	p, err := Start(t, node.URL())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	direct, err := lighthttp.New(fakeChainID, node.URL())
	if err != nil {
		t.Fatal(err)
	}
	viaProxy, err := lighthttp.New(fakeChainID, p.URL())
	if err != nil {
		t.Fatal(err)
	}
	trusted, err := direct.LightBlock(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	lb, err := viaProxy.LightBlock(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	if err := light.VerifyAdjacent(trusted.SignedHeader, lb.SignedHeader, lb.ValidatorSet, 24*time.Hour, time.Now(), 10*time.Second); err != nil {
		t.Fatalf("passed-through light block does not verify: %v", err)
	}

	p.Set(ForgeHeader{})
	var bad provider.ErrBadLightBlock
	if _, err := viaProxy.LightBlock(ctx, 3); !errors.As(err, &bad) {
		t.Fatalf("forged header: %v", err)
	}
	// Forging the header hash fields too does not help: the commit signs the real block.
	p.Set(ForgeHeader{Forge: func(json.RawMessage) json.RawMessage { return json.RawMessage(`"` + strings.Repeat("00", 32) + `"`) }})
	if _, err := viaProxy.LightBlock(ctx, 4); !errors.As(err, &bad) {
		t.Fatalf("forged header: %v", err)
	}

	p.Set(StaleHeight{Height: 3})
	if lb, err := viaProxy.LightBlock(ctx, 0); err != nil || lb.Height != 3 {
		t.Fatalf("latest light block: %v %v", lb, err)
	}
	if _, err := viaProxy.LightBlock(ctx, 4); !errors.As(err, &bad) {
		t.Fatalf("light block 4 from a node at 3: %v", err)
	}
	p.Set(StaleHeight{Height: 3, RefuseAbove: true})
	if _, err := viaProxy.LightBlock(ctx, 4); !errors.Is(err, provider.ErrHeightTooHigh) {
		t.Fatalf("light block 4 from a node at 3 (refusing): %v", err)
	}
}

// TestLightClient: a CometBFT light client whose primary and witness both go through forging
// proxies refuses to verify; through pass-through proxies it verifies.
func TestLightClient(t *testing.T) {
	node := newFakeNode(t, 6, testState())
	primary, err := Start(t, node.URL())
	if err != nil {
		t.Fatal(err)
	}
	witness, err := Start(t, node.URL())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	newClient := func() *light.Client {
		t.Helper()
		pp, err := lighthttp.New(fakeChainID, primary.URL())
		if err != nil {
			t.Fatal(err)
		}
		wp, err := lighthttp.New(fakeChainID, witness.URL())
		if err != nil {
			t.Fatal(err)
		}
		c, err := light.NewClient(ctx, fakeChainID,
			light.TrustOptions{Period: 24 * time.Hour, Height: 1, Hash: node.blocks[0].blockID.Hash},
			pp, []provider.Provider{wp}, lightdb.New(dbm.NewMemDB(), ""),
			light.Logger(cmtlog.NewNopLogger()), light.MaxRetryAttempts(1))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := newClient()
	if lb, err := c.VerifyLightBlockAtHeight(ctx, 4, time.Now()); err != nil || !bytes.Equal(lb.AppHash, node.blocks[3].header.AppHash) {
		t.Fatalf("pass-through: %v", err)
	}

	c = newClient()
	primary.Set(ForgeHeader{Height: 5})
	witness.Set(ForgeHeader{Height: 5})
	if _, err := c.VerifyLightBlockAtHeight(ctx, 5, time.Now()); err == nil {
		t.Fatal("verified a forged header")
	} else {
		t.Logf("light client refused: %v", err)
	}
	if primary.Count(KindForgeHeader) == 0 {
		t.Fatal("nothing forged")
	}
}

// TestRealNodeSamples: responses captured from a real one-node amanahd chain (testdata) are
// tampered field by field; every other byte is kept.
func TestRealNodeSamples(t *testing.T) {
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", "amanahd_"+name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	status, commit3, params, missing, info := read("status"), read("commit3"), read("abci_query_council_params"), read("abci_query_missing"), read("abci_info")
	upstream := newStaticNode(t, func(method string, height string, data string) ([]byte, int) {
		switch {
		case method == "status":
			return status, 200
		case method == "commit" && height == "3":
			return commit3, 200
		case method == "commit":
			return []byte(`{"jsonrpc":"2.0","id":-1,"error":{"code":-32603,"message":"Internal error","data":"height ` + height + ` is not available, lowest height is 3"}}`), 500
		case method == "abci_query" && strings.EqualFold(data, "0x00"):
			return params, 200
		case method == "abci_query":
			return missing, 200
		case method == "abci_info":
			return info, 200
		}
		return []byte(`{"jsonrpc":"2.0","id":-1,"error":{"code":-32601,"message":"Method not found"}}`), 404
	})
	p, err := Start(t, upstream)
	if err != nil {
		t.Fatal(err)
	}
	c := httpClient(t)
	paramsQuery := `/abci_query?path="/store/council/key"&data=0x00&height=4&prove=true`
	missingQuery := `/abci_query?path="/store/council/key"&data=0x7f01&height=4&prove=true`
	for _, target := range []string{"/status", "/commit?height=3", paramsQuery, missingQuery, "/abci_info"} {
		r := doGet(t, c, p.URL(), target)
		want := doGet(t, c, upstream, target)
		mustEqualBytes(t, target, want.body, r.body)
	}
	proofStart := bytes.Index(params, []byte(`"proofOps":`)) + len(`"proofOps":`)
	proofEnd := bytes.Index(params, []byte(`,"height":"4"`))
	withoutProof := append(append(append([]byte(nil), params[:proofStart]...), "null"...), params[proofEnd:]...)

	cases := []struct {
		name   string
		mode   Mode
		target string
		want   []byte
	}{
		{"FlipValueBit", FlipValueBit{Filter: QueryFilter{Path: "/store/council/key", KeyPrefix: []byte{0}}}, paramsQuery,
			bytes.Replace(params, []byte(`"value":"CgkxMDAwMDAwMDA="`), []byte(`"value":"CwkxMDAwMDAwMDA="`), 1)},
		{"DropProof", DropProof{}, paramsQuery, withoutProof},
		{"DropValue", DropValue{}, paramsQuery,
			bytes.Replace(withoutProof, []byte(`"value":"CgkxMDAwMDAwMDA="`), []byte(`"value":null`), 1)},
		{"DropValue on an absent key", DropValue{}, missingQuery, missing},
		{"ForgeHeader", ForgeHeader{}, "/commit?height=3",
			bytes.Replace(commit3, []byte("ACDFEC71"), []byte("ACDFEC70"), 1)},
		{"StaleHeight status", StaleHeight{Height: 3}, "/status",
			replaceAll(status,
				`"latest_block_hash":"7F915FA864116DFE26C73B11D57E78E7E081B8906D58C28C431FE78662181B2E"`, `"latest_block_hash":"13127B7CD8083267B099D897D33E180BF26A860A79AB34E76E1952563132717D"`,
				`"latest_app_hash":"65658AEA8558B9E2FF8A23301ABA4A7CC4E6380F2A6238D2DAC8DBB70B34995B"`, `"latest_app_hash":"7D68233DDE17C85261491CA3DF6D143E0A88AD4A08A10CFC86D258B6ACDFEC71"`,
				`"latest_block_height":"5"`, `"latest_block_height":"3"`,
				`"latest_block_time":"2026-12-04T13:45:43.099920246Z"`, `"latest_block_time":"2026-12-04T13:45:41.090282445Z"`)},
		// The app hash after block 3 would be in block 4's header, which this upstream lacks.
		{"StaleHeight abci_info", StaleHeight{Height: 3}, "/abci_info",
			replaceAll(info, `"last_block_height":"5"`, `"last_block_height":"3"`)},
	}
	for _, tc := range cases {
		p.Set(tc.mode)
		got := doGet(t, c, p.URL(), tc.target).body
		mustEqualBytes(t, tc.name, tc.want, got)
		if p.Count(tc.mode.Kind()) == 0 && !bytes.Equal(tc.want, missing) {
			t.Errorf("%s: not counted", tc.name)
		}
	}
}

func replaceAll(b []byte, oldNew ...string) []byte {
	out := append([]byte(nil), b...)
	for i := 0; i < len(oldNew); i += 2 {
		if !bytes.Contains(out, []byte(oldNew[i])) {
			panic("sample lacks " + oldNew[i])
		}
		out = bytes.Replace(out, []byte(oldNew[i]), []byte(oldNew[i+1]), 1)
	}
	return out
}

// newStaticNode serves canned responses: answer gets the method, the height and data
// parameters (URI or JSON-RPC POST) and returns the body and status.
func newStaticNode(t *testing.T, answer func(method, height, data string) ([]byte, int)) string {
	srv := newHTTPServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		method, height, data := strings.TrimPrefix(r.URL.Path, "/"), r.URL.Query().Get("height"), r.URL.Query().Get("data")
		if r.Method == http.MethodPost {
			var req struct {
				Method string `json:"method"`
				Params struct {
					Height string `json:"height"`
					Data   string `json:"data"`
				} `json:"params"`
			}
			if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			method, height, data = req.Method, req.Params.Height, "0x"+req.Params.Data
		}
		body, status := answer(method, height, data)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	return srv
}

// TestCloseEndsEverything: Close ends every goroutine the proxy started, including a websocket
// session still open and the proxy's own upstream connections.
func TestCloseEndsEverything(t *testing.T) {
	node := newFakeNode(t, 4, testState())
	tr := &http.Transport{Proxy: nil}
	c := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	doGet(t, c, node.URL(), "/health")
	tr.CloseIdleConnections()
	baseline := settledGoroutines(0, time.Second)

	p, err := Start(nil, node.URL(), WithLogf(t.Logf))
	if err != nil {
		t.Fatal(err)
	}
	doGet(t, c, p.URL(), "/status")
	p.Set(StaleHeight{Height: 2}, FlipValueBit{})
	doGet(t, c, p.URL(), "/status")
	doPost(t, c, p.URL(), postQuery(1, "status", []byte{1, 2}, 0, true))
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	ws, resp, err := d.Dial(p.WebsocketURL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := ws.WriteMessage(websocket.TextMessage, []byte(`{"jsonrpc":"2.0","id":1,"method":"health","params":{}}`)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ws.ReadMessage(); err != nil {
		t.Fatal(err)
	}
	if during := runtime.NumGoroutine(); during <= baseline {
		t.Logf("goroutines: %d before, %d during", baseline, during)
	}

	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, _, err := ws.ReadMessage(); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("websocket still open after Close: %v", err)
	}
	ws.Close()
	tr.CloseIdleConnections()
	if err := p.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if resp, err := c.Get(p.URL() + "/health"); err == nil {
		resp.Body.Close()
		t.Fatal("proxy still serving after Close")
	}
	if n := settledGoroutines(baseline, 10*time.Second); n > baseline {
		buf := make([]byte, 1<<20)
		t.Fatalf("%d goroutines after Close, %d before:\n%s", n, baseline, buf[:runtime.Stack(buf, true)])
	}
}

// settledGoroutines waits up to d for the goroutine count to drop to at most target (or, with
// target 0, to stop changing) and returns it.
func settledGoroutines(target int, d time.Duration) int {
	deadline := time.Now().Add(d)
	last := runtime.NumGoroutine()
	for time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		n := runtime.NumGoroutine()
		if (target > 0 && n <= target) || (target == 0 && n == last) {
			return n
		}
		last = n
	}
	return runtime.NumGoroutine()
}
