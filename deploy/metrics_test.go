package deploy

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"sigs.k8s.io/yaml"

	"github.com/amanah-id/amanah/issuer/issuertest"
	"github.com/amanah-id/amanah/localnet"
	ledgernode "github.com/amanah-id/amanah/verifier/ledger/node"
	"github.com/amanah-id/amanah/verifier/ledger/proved"
)

// binary is one program whose /metrics the alert rules and the dashboard query. Each metric
// name a query reads must be served by the binary that owns its prefix.
//
// To add a binary: write its start function (build it with
// localnet.BuildCommand, start it on free ports, wait until it serves /metrics, stop it in
// t.Cleanup; it may use the running network in e) and return its metrics URL. Until a binary
// has a start function, its metrics are checked only against declared: if its cmd/<name>
// directory exists, TestQueriesNameServedMetrics fails, asking for the start function.
type binary struct {
	name     string   // the command, cmd/<name>
	prefixes []string // the metric-name prefixes it owns
	// declared are the metric names the rules may read before the binary can be started
	// here (an issuer not yet written): a query naming another with its prefixes fails.
	declared []string
	start    func(e *env) string // starts it, returns its metrics URL; nil: not yet
}

var binaries = []binary{
	{name: "amanahd", prefixes: []string{"cometbft_"}, start: startNode},
	{name: "amanah-verifier", prefixes: []string{"amanah_verifier_", "grpc_server_"}, start: startVerifier},
	{name: "amanah-issuer", prefixes: []string{"amanah_issuer_"}, start: startIssuer},
}

// prometheusNames are series Prometheus itself adds to every scrape target.
var prometheusNames = map[string]bool{"up": true, "scrape_duration_seconds": true, "scrape_samples_scraped": true}

// env is the running network the binaries' start functions share.
type env struct {
	t   *testing.T
	ctx context.Context
	net *localnet.Net
}

// startNode starts a two-node localnet (two, so that the p2p metrics exist; amanahd init's
// settings: CometBFT metrics on, each node at its own port) and returns node 0's metrics URL
// once it has made block 3.
func startNode(e *env) string {
	t := e.t
	bin, err := localnet.BuildBinary(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	ports, err := localnet.FreeBasePorts(2)
	if err != nil {
		t.Fatal(err)
	}
	n, err := localnet.Init(e.ctx, localnet.Config{Binary: bin, Dir: t.TempDir(), N: 2, BasePorts: ports})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := n.StopAll(); err != nil {
			t.Error(err)
		}
	})
	if err := n.StartAll(); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(e.ctx, 60*time.Second)
	defer cancel()
	if err := n.WaitHeight(wctx, 0, 3); err != nil {
		t.Fatal(err)
	}
	e.net = n
	return n.Node(0).MetricsURL()
}

// startVerifier starts amanah-verifier over node 0 (trusting its block 1) and returns its
// metrics URL once amanah_verifier_fresh is 1.
func startVerifier(e *env) string {
	t := e.t
	bin, err := localnet.BuildCommand(e.ctx, "amanah-verifier")
	if err != nil {
		t.Fatal(err)
	}
	lb, err := proved.FetchLightBlock(e.ctx, e.net.Node(0).RPCURL(), 1, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	root, err := ledgernode.NewTrustRootFile(lb)
	if err != nil {
		t.Fatal(err)
	}
	bz, err := json.Marshal(root)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	rootPath := filepath.Join(dir, "trust-root.json")
	if err := os.WriteFile(rootPath, bz, 0o600); err != nil {
		t.Fatal(err)
	}
	metrics := freeAddr(t)
	key := make([]byte, 16)
	_, _ = rand.Read(key)
	cmd := exec.Command(bin, "--listen", freeAddr(t), "--rest", "off", "--metrics", metrics,
		"--trust-root", rootPath, "--node", "node0="+e.net.Node(0).RPCURL(), "--allow-plaintext-nodes")
	cmd.Env = append(os.Environ(), "AMANAH_VERIFIER_API_KEYS=did:amanah:test:bank="+hex.EncodeToString(key))
	logf, err := os.Create(filepath.Join(dir, "verifier.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); _ = logf.Close(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			t.Logf("verifier log:\n%s", b)
		}
	})
	url := "http://" + metrics + "/metrics"
	deadline := time.Now().Add(90 * time.Second)
	for {
		fams, err := scrape(e.ctx, url)
		if err == nil && gaugeValue(fams["amanah_verifier_fresh"]) == 1 {
			return url
		}
		select {
		case <-done:
			t.Fatal("amanah-verifier exited during start-up")
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("amanah-verifier not fresh within 90s (last scrape error %v)", err)
		}
		time.Sleep(250 * time.Millisecond) // poll until the deadline
	}
}

// startIssuer starts a one-validator chain with an accredited issuer (issuer/issuertest) and
// a real amanah-issuer process on it; it asks for the issuer metadata once (so the request
// counter has a series) and returns the metrics URL of the issuer's public listener.
func startIssuer(e *env) string {
	t := e.t
	dir := t.TempDir()
	c, err := issuertest.StartChain(e.ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := c.Net.StopAll(); err != nil {
			t.Error(err)
		}
	})
	is, err := c.StartIssuer(e.ctx, filepath.Join(dir, "issuer"), issuertest.IssuerOptions{BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(is.Stop)
	ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, is.URL+"/.well-known/openid-credential-issuer", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("issuer metadata: %s", resp.Status)
	}
	return is.URL + "/metrics"
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// scrape reads url's Prometheus text exposition.
func scrape(ctx context.Context, url string) (map[string]*dto.MetricFamily, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	hc := &http.Client{Transport: &http.Transport{Proxy: nil}}
	defer hc.CloseIdleConnections()
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %s", url, resp.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	return p.TextToMetricFamilies(io.LimitReader(resp.Body, 16<<20))
}

func gaugeValue(mf *dto.MetricFamily) float64 {
	if mf == nil || len(mf.GetMetric()) != 1 {
		return -1
	}
	return mf.GetMetric()[0].GetGauge().GetValue()
}

// seriesNames are the names a query can select in the families: a histogram's _bucket, _sum
// and _count, a summary's quantiles, _sum and _count.
func seriesNames(fams map[string]*dto.MetricFamily) map[string]bool {
	out := map[string]bool{}
	for name, mf := range fams {
		switch mf.GetType() {
		case dto.MetricType_HISTOGRAM, dto.MetricType_GAUGE_HISTOGRAM:
			out[name+"_bucket"], out[name+"_sum"], out[name+"_count"] = true, true, true
		case dto.MetricType_SUMMARY:
			out[name], out[name+"_sum"], out[name+"_count"] = true, true, true
		default:
			out[name] = true
		}
	}
	return out
}

// query is one PromQL expression of the rules or the dashboard, with where it comes from.
type query struct{ where, expr string }

// ruleQueries returns alerts.yml's expressions.
func ruleQueries(t *testing.T) []query {
	raw, err := os.ReadFile("prometheus/alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Groups []struct {
			Name  string `json:"name"`
			Rules []struct {
				Alert  string `json:"alert"`
				Record string `json:"record"`
				Expr   string `json:"expr"`
			} `json:"rules"`
		} `json:"groups"`
	}
	if err := yaml.Unmarshal(raw, &f); err != nil { // the other fields are promtool's to check
		t.Fatal(err)
	}
	var qs []query
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			qs = append(qs, query{where: "alerts.yml " + g.Name + "/" + r.Alert + r.Record, expr: r.Expr})
		}
	}
	if len(qs) == 0 {
		t.Fatal("alerts.yml has no rules")
	}
	return qs
}

// dashboardQueries returns every target expression of the dashboard's panels (in rows too)
// and its template variables' queries.
func dashboardQueries(t *testing.T) []query {
	raw, err := os.ReadFile("grafana/amanah.json")
	if err != nil {
		t.Fatal(err)
	}
	type panel struct {
		Title   string `json:"title"`
		Targets []struct {
			Expr string `json:"expr"`
		} `json:"targets"`
		Panels []json.RawMessage `json:"panels"`
	}
	var d struct {
		Panels     []json.RawMessage `json:"panels"`
		Templating struct {
			List []struct {
				Name  string `json:"name"`
				Type  string `json:"type"`
				Query any    `json:"query"`
			} `json:"list"`
		} `json:"templating"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	var qs []query
	var walk func(ps []json.RawMessage)
	walk = func(ps []json.RawMessage) {
		for _, r := range ps {
			var p panel
			if err := json.Unmarshal(r, &p); err != nil {
				t.Fatal(err)
			}
			for _, tg := range p.Targets {
				if strings.TrimSpace(tg.Expr) == "" {
					t.Errorf("dashboard panel %q has a target without expr", p.Title)
				}
				qs = append(qs, query{where: "amanah.json panel " + p.Title, expr: tg.Expr})
			}
			walk(p.Panels)
		}
	}
	walk(d.Panels)
	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		q, _ := v.Query.(string)
		if m, ok := v.Query.(map[string]any); ok {
			q, _ = m["query"].(string)
		}
		qs = append(qs, query{where: "amanah.json variable " + v.Name, expr: q})
	}
	if len(qs) == 0 {
		t.Fatal("the dashboard has no queries")
	}
	return qs
}

func owner(name string) *binary {
	for i := range binaries {
		for _, p := range binaries[i].prefixes {
			if strings.HasPrefix(name, p) {
				return &binaries[i]
			}
		}
	}
	return nil
}

// TestQueriesNameServedMetrics starts a real amanahd (a two-node localnet on free ports)
// and a real amanah-verifier reading it, scrapes their /metrics, and fails on any alert rule
// or dashboard query that names a metric its binary does not serve. Metrics of no binary's
// prefix (go_*, process_*) must be served by one of them.
func TestQueriesNameServedMetrics(t *testing.T) {
	if testing.Short() {
		t.Skip("starts amanahd and amanah-verifier")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	e := &env{t: t, ctx: ctx}
	served := map[string]map[string]bool{} // binary -> series names
	anyServed := map[string]bool{}
	for _, b := range binaries {
		if b.start == nil {
			if _, err := os.Stat(filepath.Join("..", "cmd", b.name)); err == nil {
				t.Errorf("cmd/%s exists: write its start function in binaries (deploy/metrics_test.go), so that the queries of its metrics are checked against what it serves", b.name)
			} else {
				t.Logf("%s: not in cmd/ yet; queries of its metrics are checked against its declared names %v", b.name, b.declared)
			}
			continue
		}
		url := b.start(e)
		fams, err := scrape(ctx, url)
		if err != nil {
			t.Fatalf("%s: %v", b.name, err)
		}
		served[b.name] = seriesNames(fams)
		for n := range served[b.name] {
			anyServed[n] = true
		}
		if os.Getenv("AMANAH_DUMP_METRICS") != "" {
			names := make([]string, 0, len(served[b.name]))
			for n := range served[b.name] {
				names = append(names, n)
			}
			sort.Strings(names)
			t.Logf("%s serves %d series names:\n%s", b.name, len(names), strings.Join(names, "\n"))
		}
	}
	checked := 0
	for _, q := range append(ruleQueries(t), dashboardQueries(t)...) {
		names := metricNames(q.expr)
		if len(names) == 0 {
			t.Errorf("%s: no metric in %q", q.where, q.expr)
		}
		for _, n := range names {
			checked++
			if prometheusNames[n] {
				continue
			}
			b := owner(n)
			switch {
			case b == nil:
				if !anyServed[n] {
					t.Errorf("%s: %s is served by no binary (query %q)", q.where, n, q.expr)
				}
			case served[b.name] != nil:
				if !served[b.name][n] {
					t.Errorf("%s: %s does not serve %s (query %q)", q.where, b.name, n, q.expr)
				}
			default:
				found := false
				for _, d := range b.declared {
					found = found || d == n || d+"_bucket" == n || d+"_sum" == n || d+"_count" == n
				}
				if !found {
					t.Errorf("%s: %s is not among %s's declared metrics %v (query %q)", q.where, n, b.name, b.declared, q.expr)
				}
			}
		}
	}
	t.Logf("%d metric names in the rules and the dashboard checked", checked)
}
