package rpcproxy

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// passThroughRequests are requests of every shape a client sends.
var passThroughRequests = []struct {
	name, method, target, body string
}{
	{"status", http.MethodGet, "/status", ""},
	{"health", http.MethodGet, "/health", ""},
	{"commit latest", http.MethodGet, "/commit", ""},
	{"commit at 2", http.MethodGet, "/commit?height=2", ""},
	{"commit too high", http.MethodGet, "/commit?height=99", ""},
	{"commit quoted height", http.MethodGet, `/commit?height="3"`, ""},
	{"validators", http.MethodGet, "/validators?height=3&page=1&per_page=100", ""},
	{"block", http.MethodGet, "/block?height=3", ""},
	{"header", http.MethodGet, "/header?height=4", ""},
	{"abci_info", http.MethodGet, "/abci_info", ""},
	{"abci_query uri", http.MethodGet, uriQuery("status", []byte{1, 2}, 4, true), ""},
	{"abci_query uri absent", http.MethodGet, uriQuery("status", []byte{9}, 0, true), ""},
	{"abci_query uri quoted data", http.MethodGet, `/abci_query?path="/store/did/key"&data="did:amanah:alice"`, ""},
	{"endpoint list", http.MethodGet, "/", ""},
	{"unknown uri", http.MethodGet, "/nope", ""},
	{"post abci_query", http.MethodPost, "/", postQuery(7, "status", []byte{1, 2}, 0, true)},
	{"post abci_query array params", http.MethodPost, "/", `{"jsonrpc":"2.0","id":9,"method":"abci_query","params":["/store/status/key","0102","4",true]}`},
	{"post string id", http.MethodPost, "/", `{"jsonrpc":"2.0","id":"x-1","method":"commit","params":{"height":"3"}}`},
	{"post batch", http.MethodPost, "/", `[{"jsonrpc":"2.0","id":1,"method":"status","params":{}},{"jsonrpc":"2.0","id":"x","method":"commit","params":{"height":"3"}},` + postQuery(3, "status", []byte{1, 3}, 0, true) + `]`},
	{"post batch of one", http.MethodPost, "/", `[{"jsonrpc":"2.0","id":1,"method":"health","params":{}}]`},
	{"post notification", http.MethodPost, "/", `{"jsonrpc":"2.0","method":"health","params":{}}`},
	{"post unknown method", http.MethodPost, "/", `{"jsonrpc":"2.0","id":10,"method":"nope","params":{}}`},
	{"post bad params", http.MethodPost, "/", `{"jsonrpc":"2.0","id":8,"method":"commit","params":{"height":3}}`},
	{"post garbage", http.MethodPost, "/", `{"jsonrpc":`},
	{"post wrong path", http.MethodPost, "/status", `{"jsonrpc":"2.0","id":1,"method":"status","params":{}}`},
}

func send(t *testing.T, c *http.Client, base, method, target, body string) response {
	t.Helper()
	req, err := http.NewRequest(method, base+target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body == "" {
		req.Body = http.NoBody
	} else {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{resp.StatusCode, resp.Header, b}
}

// TestPassThroughByteIdentical: with no mode on, and with modes on that match nothing, every
// request of every shape gets exactly upstream's bytes, status and headers.
func TestPassThroughByteIdentical(t *testing.T) {
	node := newFakeNode(t, 5, testState())
	p, err := Start(t, node.URL())
	if err != nil {
		t.Fatal(err)
	}
	c := httpClient(t)
	unmatched := []Mode{
		FlipValueBit{Filter: QueryFilter{Path: "/store/nothing/key"}},
		ReplaceValue{Filter: QueryFilter{KeyPrefix: []byte{0xff}}, Replace: func(_ string, _, v []byte) []byte { return append(v, 1) }},
		DropValue{Filter: QueryFilter{Match: func(string, []byte) bool { return false }}},
		DropProof{Filter: QueryFilter{Path: "/store/nothing/key"}},
		ForgeHeader{Height: 1000},
		Hook{Func: func(_ string, _, result json.RawMessage) json.RawMessage { return result }},
	}
	for _, modes := range [][]Mode{nil, unmatched} {
		p.Set(modes...)
		for _, r := range passThroughRequests {
			want := send(t, c, node.URL(), r.method, r.target, r.body)
			got := send(t, c, p.URL(), r.method, r.target, r.body)
			if got.status != want.status {
				t.Errorf("%s (%d modes): status %d, upstream %d", r.name, len(modes), got.status, want.status)
			}
			if !bytes.Equal(got.body, want.body) {
				t.Errorf("%s (%d modes): body differs\nupstream %s\nproxy    %s", r.name, len(modes), want.body, got.body)
			}
			sameHeaders(t, want.header, got.header)
		}
	}
	for k, n := range p.Counts() {
		if n != 0 {
			t.Errorf("%s changed %d responses", k, n)
		}
	}
	if n := p.Requests(); n != int64(2*len(passThroughRequests)) {
		t.Errorf("Requests() = %d, want %d", n, 2*len(passThroughRequests))
	}
}

func TestFlipValueBit(t *testing.T) {
	node := newFakeNode(t, 5, testState())
	var logged []string
	var logMu sync.Mutex
	p, err := Start(t, node.URL(), WithLogf(func(f string, a ...any) {
		logMu.Lock()
		logged = append(logged, fmt.Sprintf(f, a...))
		logMu.Unlock()
		t.Logf(f, a...)
	}))
	if err != nil {
		t.Fatal(err)
	}
	c := httpClient(t)
	p.Set(FlipValueBit{Filter: QueryFilter{Path: queryPath("status"), KeyPrefix: []byte{1}}})

	orig := testState()["status"]["\x01\x02"]
	for i, target := range []string{uriQuery("status", []byte{1, 2}, 4, true), uriQuery("status", []byte{1, 2}, 0, false)} {
		want := decodeQuery(t, doGet(t, c, node.URL(), target).body)
		got := decodeQuery(t, doGet(t, c, p.URL(), target).body)
		v, ok := got.value(t)
		if !ok || bitsDiffer(v, orig) != 1 || v[0] == orig[0] {
			t.Fatalf("uri %d: value %q, want %q with the lowest bit of byte 0 flipped", i, v, orig)
		}
		if !bytes.Equal(got.Response.ProofOps, want.Response.ProofOps) || got.Response.Height != want.Response.Height || !bytes.Equal(got.Response.Key, want.Response.Key) {
			t.Fatalf("uri %d: more than the value changed: %+v vs %+v", i, got.Response, want.Response)
		}
	}
	got := decodeQuery(t, doPost(t, c, p.URL(), postQuery(1, "status", []byte{1, 2}, 0, true)).body)
	if v, _ := got.value(t); bitsDiffer(v, orig) != 1 {
		t.Fatalf("post: value %q not one bit off %q", v, orig)
	}
	if n := p.Count(KindFlipValueBit); n != 3 {
		t.Fatalf("count %d, want 3", n)
	}

	// Not selected: another prefix, another store, an absent key (no value to flip).
	for _, target := range []string{
		uriQuery("status", []byte{2, 1}, 0, true),
		uriQuery("did", []byte("did:amanah:alice"), 0, true),
		uriQuery("status", []byte{1, 9}, 0, true),
	} {
		mustEqualBytes(t, target, doGet(t, c, node.URL(), target).body, doGet(t, c, p.URL(), target).body)
	}
	if n := p.Count(KindFlipValueBit); n != 3 {
		t.Fatalf("count %d after unselected queries, want 3", n)
	}

	// Bit chooses the bit, modulo the value's length.
	p.Set(FlipValueBit{Bit: 8*len(orig) + 13})
	got = decodeQuery(t, doGet(t, c, p.URL(), uriQuery("status", []byte{1, 2}, 0, true)).body)
	if v, _ := got.value(t); bitsDiffer(v, orig) != 1 || v[1] != orig[1]^(1<<5) {
		t.Fatalf("Bit 13: value %q vs %q", v, orig)
	}
	ev := p.Events()
	if len(ev) != 4 || ev[3].Kind != KindFlipValueBit || ev[3].Method != "abci_query" || !strings.Contains(ev[3].Detail, "key=0x0102") || !strings.Contains(ev[3].Detail, "flipped bit 13") {
		t.Fatalf("events %v", ev)
	}
	logMu.Lock()
	defer logMu.Unlock()
	if len(logged) != 4 || !strings.Contains(logged[0], "injected FlipValueBit: abci_query: path=/store/status/key key=0x0102 height=4: flipped bit 0") {
		t.Fatalf("logged %q", logged)
	}
}

func TestReplaceValue(t *testing.T) {
	node := newFakeNode(t, 5, testState())
	p, err := Start(t, node.URL())
	if err != nil {
		t.Fatal(err)
	}
	c := httpClient(t)
	type seen struct {
		path         string
		key, value   []byte
		valuePresent bool
	}
	var calls []seen
	var mu sync.Mutex
	p.Set(ReplaceValue{
		Filter: QueryFilter{Path: queryPath("did")},
		Replace: func(path string, key, value []byte) []byte {
			mu.Lock()
			calls = append(calls, seen{path, key, value, value != nil})
			mu.Unlock()
			if value == nil {
				return []byte("fabricated")
			}
			return bytes.ReplaceAll(value, []byte("z6MkALICE"), []byte("z6MkMALLORY"))
		},
	})
	alice := []byte("did:amanah:alice")
	got := decodeQuery(t, doPost(t, c, p.URL(), postQuery("a", "did", alice, 0, true)).body)
	if v, _ := got.value(t); !bytes.Contains(v, []byte("z6MkMALLORY")) || bytes.Contains(v, []byte("z6MkALICE")) {
		t.Fatalf("value %s: key not swapped", v)
	}
	if isNull(got.Response.ProofOps) {
		t.Fatal("proof dropped")
	}
	// An absent key: Replace sees nil and may fabricate a value.
	got = decodeQuery(t, doGet(t, c, p.URL(), uriQuery("did", []byte("did:amanah:bob"), 0, true)).body)
	if v, ok := got.value(t); !ok || string(v) != "fabricated" {
		t.Fatalf("absent key: value %q", v)
	}
	// Another store is not selected.
	target := uriQuery("status", []byte{1, 2}, 0, true)
	mustEqualBytes(t, "status query", doGet(t, c, node.URL(), target).body, doGet(t, c, p.URL(), target).body)

	mu.Lock()
	if len(calls) != 2 || calls[0].path != "/store/did/key" || !bytes.Equal(calls[0].key, alice) || !calls[0].valuePresent ||
		string(calls[1].key) != "did:amanah:bob" || calls[1].valuePresent {
		t.Fatalf("Replace calls %+v", calls)
	}
	mu.Unlock()
	if n := p.Count(KindReplaceValue); n != 2 {
		t.Fatalf("count %d", n)
	}

	// Returning the value unchanged is not a change; nil makes the value null.
	p.Set(ReplaceValue{Replace: func(_ string, _, v []byte) []byte { return v }})
	doGet(t, c, p.URL(), uriQuery("did", alice, 0, true))
	if n := p.Count(KindReplaceValue); n != 2 {
		t.Fatalf("identity replace counted: %d", n)
	}
	p.Set(ReplaceValue{Replace: func(_ string, _, v []byte) []byte { return nil }})
	got = decodeQuery(t, doGet(t, c, p.URL(), uriQuery("did", alice, 0, true)).body)
	if _, ok := got.value(t); ok {
		t.Fatal("nil replacement left a value")
	}
	if n := p.Count(KindReplaceValue); n != 3 {
		t.Fatalf("count %d", n)
	}
}

func TestDropValue(t *testing.T) {
	node := newFakeNode(t, 5, testState())
	p, err := Start(t, node.URL())
	if err != nil {
		t.Fatal(err)
	}
	c := httpClient(t)
	p.Set(DropValue{Filter: QueryFilter{Path: queryPath("status"), KeyPrefix: []byte{1, 2}}})
	got := decodeQuery(t, doGet(t, c, p.URL(), uriQuery("status", []byte{1, 2}, 3, true)).body)
	if _, ok := got.value(t); ok || !isNull(got.Response.ProofOps) || got.Response.Code != 0 || got.Response.Height != "3" {
		t.Fatalf("response %+v: want value and proof null", got.Response)
	}
	// KeepProof keeps the (now inconsistent) proof.
	p.Set(DropValue{KeepProof: true})
	want := decodeQuery(t, doPost(t, c, node.URL(), postQuery(1, "status", []byte{1, 3}, 0, true)).body)
	got = decodeQuery(t, doPost(t, c, p.URL(), postQuery(1, "status", []byte{1, 3}, 0, true)).body)
	if _, ok := got.value(t); ok || !bytes.Equal(got.Response.ProofOps, want.Response.ProofOps) || isNull(got.Response.ProofOps) {
		t.Fatalf("KeepProof: %+v", got.Response)
	}
	// An absent key has no value to drop.
	target := uriQuery("status", []byte{7}, 0, true)
	mustEqualBytes(t, "absent key", doGet(t, c, node.URL(), target).body, doGet(t, c, p.URL(), target).body)
	if n := p.Count(KindDropValue); n != 2 {
		t.Fatalf("count %d", n)
	}
}

func TestDropProof(t *testing.T) {
	node := newFakeNode(t, 5, testState())
	p, err := Start(t, node.URL())
	if err != nil {
		t.Fatal(err)
	}
	c := httpClient(t)
	p.Set(DropProof{Filter: QueryFilter{Path: queryPath("status")}})
	for _, key := range [][]byte{{1, 2}, {7}} { // present and absent keys both carry proofs
		want := decodeQuery(t, doGet(t, c, node.URL(), uriQuery("status", key, 0, true)).body)
		got := decodeQuery(t, doGet(t, c, p.URL(), uriQuery("status", key, 0, true)).body)
		if !isNull(got.Response.ProofOps) || !bytes.Equal(got.Response.Value, want.Response.Value) {
			t.Fatalf("key %x: %+v", key, got.Response)
		}
	}
	// No proof asked, none to drop; another store is not selected.
	for _, target := range []string{uriQuery("status", []byte{1, 2}, 0, false), uriQuery("did", []byte("did:amanah:alice"), 0, true)} {
		mustEqualBytes(t, target, doGet(t, c, node.URL(), target).body, doGet(t, c, p.URL(), target).body)
	}
	if n := p.Count(KindDropProof); n != 2 {
		t.Fatalf("count %d", n)
	}
}

// commitResult is the part of a commit response the tests look at.
type commitResult struct {
	SignedHeader struct {
		Header map[string]json.RawMessage `json:"header"`
		Commit json.RawMessage            `json:"commit"`
	} `json:"signed_header"`
	Canonical bool `json:"canonical"`
}

func decodeCommit(t testing.TB, b []byte) commitResult {
	t.Helper()
	e := decodeEnvelope(t, b)
	if e.Error != nil {
		t.Fatalf("rpc error %+v", e.Error)
	}
	var r commitResult
	if err := json.Unmarshal(e.Result, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestForgeHeader(t *testing.T) {
	node := newFakeNode(t, 5, testState())
	p, err := Start(t, node.URL())
	if err != nil {
		t.Fatal(err)
	}
	c := httpClient(t)
	p.Set(ForgeHeader{})
	for _, target := range []string{"/commit?height=3", "/commit"} {
		want := decodeCommit(t, doGet(t, c, node.URL(), target).body)
		got := decodeCommit(t, doGet(t, c, p.URL(), target).body)
		var w, g string
		_ = json.Unmarshal(want.SignedHeader.Header["app_hash"], &w)
		_ = json.Unmarshal(got.SignedHeader.Header["app_hash"], &g)
		if len(w) != 64 || len(g) != 64 || w[:63] != g[:63] || w[63] == g[63] || strings.ToUpper(g) != g {
			t.Fatalf("%s: app_hash %s -> %s", target, w, g)
		}
		for k, v := range want.SignedHeader.Header {
			if k != "app_hash" && !bytes.Equal(v, got.SignedHeader.Header[k]) {
				t.Fatalf("%s: header %s changed", target, k)
			}
		}
		if !bytes.Equal(want.SignedHeader.Commit, got.SignedHeader.Commit) {
			t.Fatalf("%s: commit (signatures) changed", target)
		}
	}
	// Header and block responses are left alone unless listed.
	mustEqualBytes(t, "header", doGet(t, c, node.URL(), "/header?height=3").body, doGet(t, c, p.URL(), "/header?height=3").body)
	if n := p.Count(KindForgeHeader); n != 2 {
		t.Fatalf("count %d", n)
	}

	// Another field, one height, header and block too, a custom forgery.
	p.Set(ForgeHeader{
		Field:   "last_block_id.hash",
		Height:  4,
		Methods: []string{"commit", "header", "block"},
		Forge:   func(json.RawMessage) json.RawMessage { return json.RawMessage(`"` + strings.Repeat("AB", 32) + `"`) },
	})
	for _, target := range []string{"/commit?height=4", "/header?height=4", "/block?height=4"} {
		b := doGet(t, c, p.URL(), target).body
		if !bytes.Contains(b, []byte(`"last_block_id":{"hash":"`+strings.Repeat("AB", 32)+`"`)) {
			t.Fatalf("%s: not forged: %s", target, b)
		}
	}
	mustEqualBytes(t, "commit 3", doGet(t, c, node.URL(), "/commit?height=3").body, doGet(t, c, p.URL(), "/commit?height=3").body)
	if n := p.Count(KindForgeHeader); n != 5 {
		t.Fatalf("count %d", n)
	}

	// A height field by default forgery.
	p.Set(ForgeHeader{Field: "height"})
	got := decodeCommit(t, doPost(t, c, p.URL(), `{"jsonrpc":"2.0","id":1,"method":"commit","params":{"height":"2"}}`).body)
	if string(got.SignedHeader.Header["height"]) != `"3"` {
		t.Fatalf("height %s", got.SignedHeader.Header["height"])
	}
}

func TestDefaultForge(t *testing.T) {
	for in, want := range map[string]string{
		`"7D68233DDE17C85261491CA3DF6D143E0A88AD4A08A10CFC86D258B6ACDFEC71"`: `"7D68233DDE17C85261491CA3DF6D143E0A88AD4A08A10CFC86D258B6ACDFEC70"`,
		`"0a0b"`:                           `"0a0a"`,
		`"ABCF"`:                           `"ABCE"`,
		`"3"`:                              `"4"`,
		`"11"`:                             `"12"`,
		`"2026-12-04T13:45:41.090282445Z"`: `"2026-12-04T13:45:42.090282445Z"`,
		`""`:                               ``,
		`"amanah-local"`:                   ``,
		`3`:                                ``,
		`{"block":"11"}`:                   ``,
	} {
		if got := defaultForge(json.RawMessage(in)); string(got) != want {
			t.Errorf("defaultForge(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestHook(t *testing.T) {
	node := newFakeNode(t, 5, testState())
	p, err := Start(t, node.URL())
	if err != nil {
		t.Fatal(err)
	}
	c := httpClient(t)
	var params []string
	var mu sync.Mutex
	p.Set(Hook{Func: func(method string, ps, result json.RawMessage) json.RawMessage {
		mu.Lock()
		params = append(params, method+" "+string(ps))
		mu.Unlock()
		switch method {
		case "validators":
			return bytes.Replace(result, []byte(`"voting_power":"100"`), []byte(`"voting_power":"1"`), 1)
		case "health":
			return json.RawMessage(`{not json`)
		}
		return nil
	}})
	b := doGet(t, c, p.URL(), "/validators?height=2").body
	if !bytes.Contains(b, []byte(`"voting_power":"1"`)) {
		t.Fatalf("validators not changed: %s", b)
	}
	doPost(t, c, p.URL(), `{"jsonrpc":"2.0","id":1,"method":"validators","params":{"height":"3","page":"1"}}`)
	// Invalid JSON from the hook and nil leave the response alone.
	mustEqualBytes(t, "health", doGet(t, c, node.URL(), "/health").body, doGet(t, c, p.URL(), "/health").body)
	mustEqualBytes(t, "status", doGet(t, c, node.URL(), "/status").body, doGet(t, c, p.URL(), "/status").body)
	// Error responses are not given to the hook.
	doGet(t, c, p.URL(), "/commit?height=99")
	if n := p.Count(KindHook); n != 2 {
		t.Fatalf("count %d", n)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{
		`validators {"height":"2"}`,
		`validators {"height":"3","page":"1"}`,
		`health {}`,
		`status {}`,
	}
	if strings.Join(params, "\n") != strings.Join(want, "\n") {
		t.Fatalf("hook saw\n%s\nwant\n%s", strings.Join(params, "\n"), strings.Join(want, "\n"))
	}
}

func TestHookURIParams(t *testing.T) {
	node := newFakeNode(t, 5, testState())
	p, err := Start(t, node.URL())
	if err != nil {
		t.Fatal(err)
	}
	c := httpClient(t)
	got := make(chan string, 1)
	p.Set(Hook{Func: func(_ string, ps, _ json.RawMessage) json.RawMessage {
		got <- string(ps)
		return nil
	}})
	doGet(t, c, p.URL(), `/abci_query?path="/store/status/key"&data=0x0a0B&height=3&prove=true`)
	if s := <-got; s != `{"data":"0A0B","height":"3","path":"/store/status/key","prove":true}` {
		t.Fatalf("params %s", s)
	}
}

// TestBatch: in a batch only the selected responses change, the others keep upstream's bytes,
// ids and order.
func TestBatch(t *testing.T) {
	node := newFakeNode(t, 5, testState())
	p, err := Start(t, node.URL())
	if err != nil {
		t.Fatal(err)
	}
	c := httpClient(t)
	batch := `[` + strings.Join([]string{
		`{"jsonrpc":"2.0","id":1,"method":"status","params":{}}`,
		postQuery("q1", "status", []byte{1, 2}, 0, true),
		`{"jsonrpc":"2.0","method":"health","params":{}}`, // a notification: no response
		postQuery(3, "status", []byte{2, 1}, 0, true),
		postQuery("q4", "status", []byte{1, 3}, 0, true),
		`{"jsonrpc":"2.0","id":5,"method":"commit","params":{"height":"3"}}`,
	}, ",") + `]`
	p.Set(FlipValueBit{Filter: QueryFilter{KeyPrefix: []byte{1}}}, ForgeHeader{})
	var want, got []json.RawMessage
	if err := json.Unmarshal(doPost(t, c, node.URL(), batch).body, &want); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(doPost(t, c, p.URL(), batch).body, &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 5 || len(want) != 5 {
		t.Fatalf("got %d responses, upstream %d", len(got), len(want))
	}
	changed := map[int]bool{1: true, 3: true, 4: true}
	for i := range want {
		if same := bytes.Equal(want[i], got[i]); same == changed[i] {
			t.Errorf("response %d: changed=%v, want %v\nupstream %s\nproxy    %s", i, !same, changed[i], want[i], got[i])
		}
		if w, g := decodeEnvelope(t, want[i]).ID, decodeEnvelope(t, got[i]).ID; !bytes.Equal(w, g) {
			t.Errorf("response %d: id %s, upstream %s", i, g, w)
		}
	}
	if p.Count(KindFlipValueBit) != 2 || p.Count(KindForgeHeader) != 1 {
		t.Fatalf("counts %v", p.Counts())
	}
}

func TestStaleHeight(t *testing.T) {
	node := newFakeNode(t, 8, testState())
	p, err := Start(t, node.URL())
	if err != nil {
		t.Fatal(err)
	}
	c := httpClient(t)
	p.Set(StaleHeight{Height: 5})

	// status: the latest block is block 5.
	var st struct {
		SyncInfo map[string]json.RawMessage `json:"sync_info"`
	}
	upStatus := doGet(t, c, node.URL(), "/status").body
	if err := json.Unmarshal(decodeEnvelope(t, doGet(t, c, p.URL(), "/status").body).Result, &st); err != nil {
		t.Fatal(err)
	}
	b5 := node.blocks[4]
	for k, want := range map[string]string{
		"latest_block_height":   `"5"`,
		"latest_block_hash":     `"` + b5.blockID.Hash.String() + `"`,
		"latest_app_hash":       `"` + b5.header.AppHash.String() + `"`,
		"latest_block_time":     `"` + b5.header.Time.Format(time.RFC3339Nano) + `"`,
		"catching_up":           `false`,
		"earliest_block_height": `"1"`,
	} {
		if got := string(st.SyncInfo[k]); got != want {
			t.Errorf("status %s = %s, want %s", k, got, want)
		}
	}
	if !bytes.Contains(upStatus, []byte(`"latest_block_height":"8"`)) {
		t.Fatalf("upstream status %s", upStatus)
	}

	// commit, validators, block, header without a height or above 5: answered for 5.
	for _, target := range []string{"/commit", "/commit?height=7", "/validators", "/block?height=8", "/header"} {
		b := doGet(t, c, p.URL(), target).body
		if e := decodeEnvelope(t, b); e.Error != nil || !(bytes.Contains(b, []byte(`"height":"5"`)) || bytes.Contains(b, []byte(`"block_height":"5"`))) {
			t.Fatalf("%s: %s", target, b)
		}
	}
	got := decodeCommit(t, doPost(t, c, p.URL(), `{"jsonrpc":"2.0","id":1,"method":"commit","params":{}}`).body)
	if string(got.SignedHeader.Header["height"]) != `"5"` {
		t.Fatalf("post commit height %s", got.SignedHeader.Header["height"])
	}
	got = decodeCommit(t, doPost(t, c, p.URL(), `{"jsonrpc":"2.0","id":1,"method":"commit"}`).body)
	if string(got.SignedHeader.Header["height"]) != `"5"` {
		t.Fatalf("post commit without params: height %s", got.SignedHeader.Header["height"])
	}
	// At or below 5: untouched.
	mustEqualBytes(t, "commit 3", doGet(t, c, node.URL(), "/commit?height=3").body, doGet(t, c, p.URL(), "/commit?height=3").body)
	mustEqualBytes(t, "commit 5", doGet(t, c, node.URL(), "/commit?height=5").body, doGet(t, c, p.URL(), "/commit?height=5").body)

	// abci_query at height 0 (latest) or above 5 is asked upstream at 5.
	for _, target := range []string{uriQuery("status", []byte{1, 2}, 0, true), uriQuery("status", []byte{1, 2}, 7, true)} {
		q := decodeQuery(t, doGet(t, c, p.URL(), target).body)
		fc, _ := node.lastCall("abci_query")
		if q.Response.Height != "5" || fc.height != 5 {
			t.Fatalf("%s: response height %s, node asked at %d", target, q.Response.Height, fc.height)
		}
	}
	q := decodeQuery(t, doPost(t, c, p.URL(), `{"jsonrpc":"2.0","id":2,"method":"abci_query","params":["/store/status/key","0102","0",true]}`).body)
	if fc, _ := node.lastCall("abci_query"); q.Response.Height != "5" || fc.height != 5 || string(fc.data) != "\x01\x02" || !fc.prove {
		t.Fatalf("array params: response height %s, node call %+v", q.Response.Height, fc)
	}
	q = decodeQuery(t, doGet(t, c, p.URL(), uriQuery("status", []byte{1, 2}, 3, true)).body)
	if q.Response.Height != "3" {
		t.Fatalf("query at 3 answered at %s", q.Response.Height)
	}

	// abci_info: last block 5, with the app hash after block 5 (block 6's header).
	var info struct {
		Response map[string]json.RawMessage `json:"response"`
	}
	if err := json.Unmarshal(decodeEnvelope(t, doGet(t, c, p.URL(), "/abci_info").body).Result, &info); err != nil {
		t.Fatal(err)
	}
	wantHash, _ := json.Marshal(base64.StdEncoding.EncodeToString(node.blocks[5].header.AppHash))
	if string(info.Response["last_block_height"]) != `"5"` || string(info.Response["last_block_app_hash"]) != string(wantHash) {
		t.Fatalf("abci_info %v", info.Response)
	}
	// status, 5 URI requests, 2 POST commits, 3 queries, abci_info
	if n := p.Count(KindStaleHeight); n != 1+5+2+3+1 {
		t.Fatalf("count %d, events %v", n, p.Events())
	}
}

func TestStaleHeightRefuseAbove(t *testing.T) {
	node := newFakeNode(t, 8, testState())
	p, err := Start(t, node.URL())
	if err != nil {
		t.Fatal(err)
	}
	c := httpClient(t)
	p.Set(StaleHeight{Height: 4, RefuseAbove: true, CatchingUp: true})
	before := node.numCalls()

	r := doGet(t, c, p.URL(), "/commit?height=6")
	e := decodeEnvelope(t, r.body)
	if r.status != http.StatusInternalServerError || e.Error == nil || e.Error.Code != -32603 ||
		e.Error.Data != "height 6 must be less than or equal to the current blockchain height 4" || string(e.ID) != "-1" {
		t.Fatalf("status %d body %s", r.status, r.body)
	}
	q := decodeQuery(t, doGet(t, c, p.URL(), uriQuery("status", []byte{1, 2}, 6, true)).body)
	if q.Response.Code != 26 {
		t.Fatalf("query above: %+v", q.Response)
	}
	if n := node.numCalls(); n != before {
		t.Fatalf("refused requests reached the node: %d calls", n-before)
	}

	// A batch mixing refused, rewritten and untouched calls keeps the request order.
	batch := `[{"jsonrpc":"2.0","id":"a","method":"commit","params":{"height":"7"}},` +
		`{"jsonrpc":"2.0","id":"b","method":"commit","params":{}},` +
		`{"jsonrpc":"2.0","id":"c","method":"commit","params":{"height":"2"}},` +
		`{"jsonrpc":"2.0","id":"d","method":"validators","params":{"height":"8"}}]`
	var out []json.RawMessage
	if err := json.Unmarshal(doPost(t, c, p.URL(), batch).body, &out); err != nil || len(out) != 4 {
		t.Fatalf("batch: %v %d", err, len(out))
	}
	for i, want := range []string{`"a" error`, `"b" height 4`, `"c" height 2`, `"d" error`} {
		e := decodeEnvelope(t, out[i])
		desc := string(e.ID) + " "
		if e.Error != nil {
			desc += "error"
		} else {
			var cr commitResult
			_ = json.Unmarshal(e.Result, &cr)
			desc += "height " + strings.Trim(string(cr.SignedHeader.Header["height"]), `"`)
		}
		if desc != want {
			t.Errorf("batch response %d: %s, want %s", i, desc, want)
		}
	}
	// A batch whose every call is refused never reaches the node.
	before = node.numCalls()
	one := doPost(t, c, p.URL(), `[{"jsonrpc":"2.0","id":9,"method":"block","params":{"height":"5"}}]`)
	if e := decodeEnvelope(t, one.body); e.Error == nil || one.status != http.StatusOK || node.numCalls() != before {
		t.Fatalf("all-refused batch: %d %s", one.status, one.body)
	}

	// catching_up is reported.
	if b := doGet(t, c, p.URL(), "/status").body; !bytes.Contains(b, []byte(`"catching_up":true`)) || !bytes.Contains(b, []byte(`"latest_block_height":"4"`)) {
		t.Fatalf("status %s", b)
	}
}

// TestSwitchConcurrently switches modes while many clients query: every response is either
// upstream's or tampered, and the count matches what the clients saw.
func TestSwitchConcurrently(t *testing.T) {
	node := newFakeNode(t, 5, testState())
	p, err := Start(t, node.URL(), WithLogf(func(string, ...any) {}))
	if err != nil {
		t.Fatal(err)
	}
	c := httpClient(t)
	orig := testState()["status"]["\x01\x02"]
	stop := make(chan struct{})
	var switcher sync.WaitGroup
	switcher.Add(1)
	go func() {
		defer switcher.Done()
		modes := []Mode{FlipValueBit{}, DropProof{}, ForgeHeader{}}
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if i%2 == 0 {
				p.Enable(modes[i%3])
			} else {
				p.Disable(modes[i%3].Kind())
			}
			time.Sleep(100 * time.Microsecond)
		}
	}()
	var flipped, total sync.Map
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			n := 0
			for i := 0; i < 40; i++ {
				resp, err := c.Get(p.URL() + uriQuery("status", []byte{1, 2}, 0, true))
				if err != nil {
					t.Error(err)
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				var e envelope
				var q queryResult
				if json.Unmarshal(b, &e) != nil || json.Unmarshal(e.Result, &q) != nil {
					t.Errorf("bad response %s", b)
					return
				}
				v, _ := q.value(t)
				switch bitsDiffer(v, orig) {
				case 0:
				case 1:
					n++
				default:
					t.Errorf("value %q", v)
				}
			}
			flipped.Store(g, n)
			total.Store(g, 40)
		}(g)
	}
	wg.Wait()
	close(stop)
	switcher.Wait()
	sum := int64(0)
	flipped.Range(func(_, v any) bool { sum += int64(v.(int)); return true })
	if got := p.Count(KindFlipValueBit); got != sum {
		t.Fatalf("count %d, clients saw %d flipped values", got, sum)
	}
	p.Set()
	p.ResetCounts()
	target := uriQuery("status", []byte{1, 2}, 0, true)
	mustEqualBytes(t, "after Set()", doGet(t, c, node.URL(), target).body, doGet(t, c, p.URL(), target).body)
	if len(p.Events()) != 0 || len(p.Modes()) != 0 {
		t.Fatalf("events %v modes %v", p.Events(), p.Modes())
	}
}

func TestEnableDisable(t *testing.T) {
	node := newFakeNode(t, 2, testState())
	p, err := Start(t, node.URL())
	if err != nil {
		t.Fatal(err)
	}
	p.Enable(FlipValueBit{Bit: 1})
	p.Enable(DropProof{})
	p.Enable(FlipValueBit{Bit: 2})
	ms := p.Modes()
	if len(ms) != 2 || ms[0].(FlipValueBit).Bit != 2 || ms[1].Kind() != KindDropProof {
		t.Fatalf("modes %v", ms)
	}
	p.Disable(KindFlipValueBit)
	if ms := p.Modes(); len(ms) != 1 || ms[0].Kind() != KindDropProof {
		t.Fatalf("modes %v", ms)
	}
	p.Set(nil, Hook{})
	if ms := p.Modes(); len(ms) != 1 {
		t.Fatalf("modes %v", ms)
	}
	if p.Count("nope") != 0 {
		t.Fatal("unknown kind counted")
	}
}

func TestLimits(t *testing.T) {
	big := bytes.Repeat([]byte("x"), 4096)
	state := testState()
	state["status"]["big"] = big
	node := newFakeNode(t, 2, state)
	p, err := Start(t, node.URL(), WithMaxBodyBytes(2048))
	if err != nil {
		t.Fatal(err)
	}
	c := httpClient(t)
	large := `{"jsonrpc":"2.0","id":1,"method":"health","params":{"pad":"` + strings.Repeat("p", 4096) + `"}}`
	target := uriQuery("status", []byte("big"), 0, false)
	for _, modes := range [][]Mode{nil, {DropProof{}}} {
		p.Set(modes...)
		if r := doPost(t, c, p.URL(), large); r.status != http.StatusRequestEntityTooLarge && r.status != http.StatusBadGateway {
			t.Fatalf("%d modes: large request: status %d", len(modes), r.status)
		}
		// A response over the bound is not delivered whole.
		resp, err := c.Get(p.URL() + target)
		if err == nil {
			b, rerr := io.ReadAll(resp.Body)
			resp.Body.Close()
			if rerr == nil && resp.StatusCode == http.StatusOK && len(b) > 2048 {
				t.Fatalf("%d modes: %d-byte response passed", len(modes), len(b))
			}
		}
		// Small ones still pass.
		if r := doGet(t, c, p.URL(), "/health"); r.status != http.StatusOK {
			t.Fatalf("health after limits: %d", r.status)
		}
	}
}

func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(release) })
	p, err := Start(t, slow.URL, WithTimeout(300*time.Millisecond), WithLogf(func(string, ...any) {}))
	if err != nil {
		t.Fatal(err)
	}
	c := httpClient(t)
	for _, modes := range [][]Mode{nil, {StaleHeight{Height: 1}}} {
		p.Set(modes...)
		start := time.Now()
		r := doGet(t, c, p.URL(), "/status")
		if r.status != http.StatusBadGateway || time.Since(start) > 5*time.Second {
			t.Fatalf("status %d after %s", r.status, time.Since(start))
		}
	}
}

func TestUpstreamAddress(t *testing.T) {
	for _, bad := range []string{"ftp://127.0.0.1:1", "http://", "http://[::1"} {
		if p, err := Start(nil, bad); err == nil {
			p.Close()
			t.Errorf("Start(%q) succeeded", bad)
		}
	}
	node := newFakeNode(t, 2, testState())
	for _, addr := range []string{node.URL(), strings.Replace(node.URL(), "http://", "tcp://", 1), strings.TrimPrefix(node.URL(), "http://")} {
		p, err := Start(t, addr)
		if err != nil {
			t.Fatal(err)
		}
		if p.Upstream() != node.URL() || !strings.HasPrefix(p.URL(), "http://127.0.0.1:") || p.WebsocketURL() != "ws://"+p.Addr()+"/websocket" {
			t.Fatalf("%s: upstream %s url %s ws %s", addr, p.Upstream(), p.URL(), p.WebsocketURL())
		}
		if r := doGet(t, httpClient(t), p.URL(), "/health"); r.status != http.StatusOK {
			t.Fatalf("%s: health %d", addr, r.status)
		}
	}
}

func TestStartContext(t *testing.T) {
	node := newFakeNode(t, 2, testState())
	ctx, cancel := context.WithCancel(context.Background())
	p, err := StartContext(ctx, node.URL())
	if err != nil {
		t.Fatal(err)
	}
	c := httpClient(t)
	if r := doGet(t, c, p.URL(), "/health"); r.status != http.StatusOK {
		t.Fatalf("health %d", r.status)
	}
	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for {
		c.Transport.(*http.Transport).CloseIdleConnections()
		resp, err := c.Get(p.URL() + "/health")
		if err != nil {
			break
		}
		resp.Body.Close()
		if time.Now().After(deadline) {
			t.Fatal("proxy still serving after its context ended")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
}
