package rpcproxy

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// testState is the fake node's store contents.
func testState() map[string]map[string][]byte {
	return map[string]map[string][]byte{
		"status": {
			"\x01\x02": []byte("status list 2: revoked bits 0010"),
			"\x01\x03": []byte("status list 3"),
			"\x02\x01": []byte("other prefix"),
		},
		"did": {
			"did:amanah:alice": []byte(`{"id":"did:amanah:alice","verificationMethod":[{"publicKeyMultibase":"z6MkALICE"}]}`),
		},
	}
}

// httpClient returns a client whose idle connections are closed when the test ends.
func httpClient(t testing.TB) *http.Client {
	tr := &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 8}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 20 * time.Second}
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func doGet(t testing.TB, c *http.Client, base, pathQuery string) response {
	t.Helper()
	resp, err := c.Get(base + pathQuery)
	if err != nil {
		t.Fatalf("GET %s: %v", pathQuery, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read: %v", pathQuery, err)
	}
	return response{resp.StatusCode, resp.Header, b}
}

func doPost(t testing.TB, c *http.Client, base, body string) response {
	t.Helper()
	resp, err := c.Post(base, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatalf("POST %s: %v", body, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("POST %s: read: %v", body, err)
	}
	return response{resp.StatusCode, resp.Header, b}
}

// queryResult is the part of an abci_query response the tests look at.
type queryResult struct {
	Response struct {
		Code     int             `json:"code"`
		Key      []byte          `json:"key"`
		Value    json.RawMessage `json:"value"`
		ProofOps json.RawMessage `json:"proofOps"`
		Height   string          `json:"height"`
	} `json:"response"`
}

func (q queryResult) value(t testing.TB) ([]byte, bool) {
	t.Helper()
	if isNull(q.Response.Value) {
		return nil, false
	}
	var s string
	if err := json.Unmarshal(q.Response.Value, &s); err != nil {
		t.Fatal(err)
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b, true
}

// envelope decodes one JSON-RPC response.
type envelope struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  json.RawMessage `json:"result"`
	Error   *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Data    string `json:"data"`
	} `json:"error"`
}

func decodeEnvelope(t testing.TB, b []byte) envelope {
	t.Helper()
	var e envelope
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return e
}

func decodeQuery(t testing.TB, b []byte) queryResult {
	t.Helper()
	e := decodeEnvelope(t, b)
	if e.Error != nil {
		t.Fatalf("rpc error: %+v", e.Error)
	}
	var q queryResult
	if err := json.Unmarshal(e.Result, &q); err != nil {
		t.Fatalf("decode %s: %v", e.Result, err)
	}
	return q
}

// bitsDiffer counts the differing bits of two equal-length byte strings.
func bitsDiffer(a, b []byte) int {
	if len(a) != len(b) {
		return -1
	}
	n := 0
	for i := range a {
		x := a[i] ^ b[i]
		for ; x != 0; x &= x - 1 {
			n++
		}
	}
	return n
}

// sameHeaders checks the response headers a client looks at are upstream's.
func sameHeaders(t testing.TB, want, got http.Header) {
	t.Helper()
	for _, h := range []string{"Content-Type", "Cache-Control", "Content-Length"} {
		if want.Get(h) != got.Get(h) {
			t.Errorf("header %s: upstream %q, proxy %q", h, want.Get(h), got.Get(h))
		}
	}
}

func mustEqualBytes(t testing.TB, what string, want, got []byte) {
	t.Helper()
	if !bytes.Equal(want, got) {
		t.Fatalf("%s differs:\nupstream %s\nproxy    %s", what, want, got)
	}
}

func queryPath(store string) string { return "/store/" + store + "/key" }

// uriQuery is a URI abci_query for key in store.
func uriQuery(store string, key []byte, height int64, prove bool) string {
	return "/abci_query?path=%22" + queryPath(store) + "%22&data=0x" + hexUpper(key) + "&height=" + itoa(height) + "&prove=" + boolStr(prove)
}

// postQuery is a JSON-RPC abci_query as the CometBFT Go client sends it.
func postQuery(id any, store string, key []byte, height int64, prove bool) string {
	idj, _ := json.Marshal(id)
	return `{"jsonrpc":"2.0","id":` + string(idj) + `,"method":"abci_query","params":{"data":"` + hexUpper(key) +
		`","height":"` + itoa(height) + `","path":"` + queryPath(store) + `","prove":` + boolStr(prove) + `}}`
}

func hexUpper(b []byte) string { return strings.ToUpper(hex.EncodeToString(b)) }

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// newHTTPServer starts handler on loopback until the test ends and returns its URL.
func newHTTPServer(t testing.TB, handler http.Handler) string {
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestObjectKeepsOrderAndBytes(t *testing.T) {
	raw := []byte(`{ "z" : 1, "a\u0062":{"x":[1, 2 ,{"k":null}]},"value":"AAE=", "dup":1,"dup":2 }`)
	o, err := parseObject(raw)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(o.marshal()); got != `{"z":1,"ab":{"x":[1, 2 ,{"k":null}]},"value":"AAE=","dup":1,"dup":2}` {
		t.Fatalf("marshal %s", got)
	}
	if v, _ := o.get("dup"); string(v) != "2" {
		t.Fatalf("dup %s", v)
	}
	out, changed := editObject(raw, []string{"ab"}, func(o *object) bool { return false })
	if changed || !bytes.Equal(out, raw) {
		t.Fatal("an unchanged edit re-encoded the object")
	}
	out, changed = editObject(raw, []string{"ab"}, func(o *object) bool { o.set("x", json.RawMessage(`[]`)); return true })
	if !changed || string(out) != `{"z":1,"ab":{"x":[]},"value":"AAE=","dup":1,"dup":2}` {
		t.Fatalf("edit %s", out)
	}
	if _, changed := editObject(raw, []string{"missing"}, func(*object) bool { return true }); changed {
		t.Fatal("edited a missing member")
	}
	for _, bad := range []string{`[1]`, `{"a":1} x`, `{"a":}`, `"s"`, ``} {
		if _, err := parseObject([]byte(bad)); err == nil {
			t.Errorf("parseObject(%q) succeeded", bad)
		}
	}
	if v, ok := lookup(json.RawMessage(`{"a":{"b":"c"}}`), "a", "b"); !ok || string(v) != `"c"` {
		t.Fatalf("lookup %s", v)
	}
}
