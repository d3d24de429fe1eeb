package main

import (
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/amanah-id/amanah/scripts/bench/report"
)

var levels = []int{1, 16, 64}

// writeDocs writes <docs>/benchmarks.md and the plots in <docs>/bench.
func writeDocs(r *Run, f map[string]any, o options) error {
	dir := filepath.Join(o.docs, "bench")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var plots []string
	if r.Load != nil {
		if err := throughputPlot(r, filepath.Join(dir, "verifier-throughput.png")); err != nil {
			return err
		}
		if err := latencyPlot(r, filepath.Join(dir, "verifier-latency.png")); err != nil {
			return err
		}
		plots = append(plots, "verifier-throughput.png", "verifier-latency.png")
	}
	if r.Chain != nil {
		if err := chainPlot(r, filepath.Join(dir, "chain-tps.png")); err != nil {
			return err
		}
		plots = append(plots, "chain-tps.png")
	}
	return os.WriteFile(filepath.Join(o.docs, "benchmarks.md"), []byte(markdown(r, f, plots)), 0o644)
}

func newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = x
	p.Y.Label.Text = y
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.TextStyle.Font.Size = vg.Points(9)
	p.Add(plotter.NewGrid())
	return p
}

var palette = []color.Color{
	color.RGBA{R: 31, G: 119, B: 180, A: 255}, color.RGBA{R: 214, G: 39, B: 40, A: 255},
	color.RGBA{R: 44, G: 160, B: 44, A: 255}, color.RGBA{R: 148, G: 103, B: 189, A: 255},
	color.RGBA{R: 255, G: 127, B: 14, A: 255}, color.RGBA{R: 127, G: 127, B: 127, A: 255},
}

func addLine(p *plot.Plot, name string, pts plotter.XYs, k int, dashed bool) error {
	l, s, err := plotter.NewLinePoints(pts)
	if err != nil {
		return err
	}
	l.Color, s.Color = palette[k%len(palette)], palette[k%len(palette)]
	l.Width = vg.Points(1.5)
	s.Shape = draw.CircleGlyph{}
	if dashed {
		l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	}
	p.Add(l, s)
	p.Legend.Add(name, l, s)
	return nil
}

// callersAxis maps 1/16/64 callers onto a log2 x axis.
func callersAxis(p *plot.Plot) {
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.ConstantTicks([]plot.Tick{{Value: 1, Label: "1"}, {Value: 16, Label: "16"}, {Value: 64, Label: "64"}})
	p.X.Min, p.X.Max = 0.8, 80
}

func throughputPlot(r *Run, path string) error {
	p := newPlot("Verifier throughput vs concurrency (same run)", "concurrent callers", "requests/s")
	callersAxis(p)
	k := 0
	for _, alg := range []string{"EdDSA", "ES256"} {
		var pts plotter.XYs
		for _, c := range levels {
			if l := r.level(alg, c); l != nil {
				pts = append(pts, plotter.XY{X: float64(c), Y: l.PerSecond})
			}
		}
		if err := addLine(p, "VerifyPresentation "+alg, pts, k, false); err != nil {
			return err
		}
		if _, ps, ok := r.floor(alg); ok {
			if err := addLine(p, "floor: bare signature checks "+alg+" (all cores)", plotter.XYs{{X: 1, Y: ps}, {X: 64, Y: ps}}, k, true); err != nil {
				return err
			}
		}
		k++
	}
	var pts plotter.XYs
	for _, c := range levels {
		if l := r.level("", c); l != nil {
			pts = append(pts, plotter.XY{X: float64(c), Y: l.PerSecond})
		}
	}
	if err := addLine(p, "gRPC echo (health Check)", pts, 2, false); err != nil {
		return err
	}
	if err := addLine(p, "target 5,000/s at 16 callers", plotter.XYs{{X: 16, Y: 5000}}, 5, false); err != nil {
		return err
	}
	// Linear axis from zero, with room above the lines for the legend.
	top := 5000.0
	for _, c := range levels {
		for _, alg := range []string{"", "EdDSA", "ES256"} {
			if l := r.level(alg, c); l != nil {
				top = max(top, l.PerSecond)
			}
		}
	}
	for _, alg := range []string{"EdDSA", "ES256"} {
		if _, ps, ok := r.floor(alg); ok {
			top = max(top, ps)
		}
	}
	p.Y.Min, p.Y.Max = 0, top*1.6
	return p.Save(8*vg.Inch, 5*vg.Inch, path)
}

func latencyPlot(r *Run, path string) error {
	p := newPlot("Verifier latency percentiles vs concurrency", "concurrent callers", "latency (ms)")
	callersAxis(p)
	k := 0
	for _, alg := range []string{"EdDSA", "ES256"} {
		for qi, q := range []string{"p50", "p99", "p99.9"} {
			var pts plotter.XYs
			for _, c := range levels {
				if l := r.level(alg, c); l != nil {
					v := []float64{l.P50Micros, l.P99Micros, l.P999Micros}[qi]
					pts = append(pts, plotter.XY{X: float64(c), Y: max(v, 1) / 1000})
				}
			}
			if err := addLine(p, alg+" "+q, pts, k*3+qi, alg == "ES256"); err != nil {
				return err
			}
		}
		k++
	}
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	return p.Save(8*vg.Inch, 5*vg.Inch, path)
}

func chainPlot(r *Run, path string) error {
	p := newPlot("One node, 1 s blocks: committed transactions/s (same run)", "", "committed tx/s")
	vals := plotter.Values{r.Chain.BankSendTPS, r.Chain.DIDCreateTPS}
	b, err := plotter.NewBarChart(vals, vg.Points(60))
	if err != nil {
		return err
	}
	b.Color = palette[0]
	p.Add(b)
	p.NominalX("bank send (baseline)", "DID create")
	t, err := plotter.NewLine(plotter.XYs{{X: -0.5, Y: 200}, {X: 1.5, Y: 200}})
	if err != nil {
		return err
	}
	t.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	t.Color = palette[1]
	p.Add(t)
	p.Legend.Add("target: 200 DID creates/s", t)
	return p.Save(6*vg.Inch, 4*vg.Inch, path)
}

func num(f map[string]any, k string) (float64, bool) {
	switch v := f[k].(type) {
	case float64:
		return v, true
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	case uint64:
		return float64(v), true
	}
	return 0, false
}

func fmtNum(x float64) string {
	switch {
	case x >= 100:
		return addCommas(fmt.Sprintf("%.0f", x))
	case x >= 10:
		return fmt.Sprintf("%.1f", x)
	default:
		return fmt.Sprintf("%.3g", x)
	}
}

func addCommas(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}

func get(f map[string]any, k string) string {
	if v, ok := num(f, k); ok {
		return fmtNum(v)
	}
	return "n/a"
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**not met**"
}

func markdown(r *Run, f map[string]any, plots []string) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	m := r.Machine
	w("# Benchmarks\n\n")
	w("Generated from one `make bench` run (`go run ./scripts/bench`, report in `build/bench/`) of %s and published here by `make bench-docs`; do not edit by hand, run both again. ", m.Date)
	w("Every figure below comes from that one run, beside its baseline or floor from the same run. ")
	w("The raw outputs are in `build/bench/` (`results.json`: one flat object; `gobench.json`, `verifier-load.json`, `verifier-proved.json`, `verifier-mem.json`, `chain-load.json`, `did-resolve.json`).\n\n")
	w("## Machine\n\n")
	w("| | |\n|---|---|\n")
	w("| CPU | %s |\n| Cores | %d (GOMAXPROCS %d) |\n| Memory | %s MB |\n| Go | %s (%s) |\n| Commit | %s |\n| Date | %s |\n",
		m.CPU, m.Cores, m.GoMaxProcs, addCommas(fmt.Sprint(m.MemTotalMB)), m.Go, m.OS, m.Commit, m.Date)
	w("| Load average (1/5/15 min) | %s at start, %s at end |\n| Run time | %s s |\n\n", m.LoadAvgStart, m.LoadAvgEnd, get(f, "duration_s"))
	w("The machine is shared: other work was running during the run (see the load averages; a load above the core count means the figures are lower than an idle machine gives).\n\n")
	if len(r.Errors)+len(r.GoBenchErrors) > 0 {
		w("**Steps that failed in this run:**\n\n")
		for _, e := range append(append([]string{}, r.Errors...), r.GoBenchErrors...) {
			w("- %s\n", strings.ReplaceAll(e, "\n", " "))
		}
		w("\n")
	}

	w("## Summary against the targets\n\n")
	w("| Figure (results.json key) | Measured | Baseline / floor (same run) | Target | Verdict | Command |\n|---|---|---|---|---|---|\n")
	loadCmd := "`go run ./scripts/bench/verifierload -n 20000 -c 1,16,64 -alg EdDSA,ES256`"
	if v, ok := num(f, "verify_rps_c16_eddsa"); ok {
		p99, _ := num(f, "verify_p99_ms_c16_eddsa")
		w("| Verify RPC, EdDSA, 16 callers (`verify_rps_c16_eddsa`, `verify_p99_ms_c16_eddsa`) | %s/s, p99 %s ms | gRPC echo %s/s (p99 %s ms); floor %s checks/s on all cores | ≥ 5,000/s at p99 < 10 ms | %s | %s |\n",
			fmtNum(v), fmtNum(p99), get(f, "echo_rps_c16"), get(f, "echo_p99_ms_c16"), get(f, "floor_rps_all_cores_eddsa"), verdict(v >= 5000 && p99 < 10), loadCmd)
	}
	if v, ok := num(f, "verify_p50_us_c1_eddsa"); ok {
		w("| Verify RPC, EdDSA, one caller p50 (`verify_p50_us_c1_eddsa`) | %s µs | echo p50 %s µs; floor %s µs per presentation | < 200 µs | %s | %s |\n",
			fmtNum(v), get(f, "echo_p50_us_c1"), get(f, "floor_us_per_presentation_eddsa"), verdict(v < 200), loadCmd)
	}
	if v, ok := num(f, "verify_floor_ratio"); ok {
		w("| Verify throughput over the floor, EdDSA, 16 callers (`verify_floor_ratio`) | %s | floor = the two bare signature checks per presentation, all cores | (report; 1.0 = no overhead beyond the crypto) | n/a | %s |\n", fmtNum(v), loadCmd)
	}
	if v, ok := num(f, "verify_rps_c16_es256"); ok {
		w("| Verify RPC, ES256, 16 callers (`verify_rps_c16_es256`) | %s/s, p99 %s ms | floor %s checks/s on all cores | (report) | n/a | %s |\n",
			fmtNum(v), get(f, "verify_p99_ms_c16_es256"), get(f, "floor_rps_all_cores_es256"), loadCmd)
	}
	if p := r.Proved; p != nil {
		provedRows(&b, r, f)
	}
	if r.OID4VP != nil {
		oid4vpRow(&b, r.OID4VP)
	}
	if d, ok := num(f, "did_create_tps"); ok {
		bk, _ := num(f, "bank_send_tps")
		ratio := r.Chain.DIDOverBank // unrounded: the verdict must not round 69.98% up
		w("| DID creations committed per second, one node (`did_create_tps`) | %s/s (%s of bank sends) | bank sends %s/s (`bank_send_tps`) | ≥ 200/s and ≥ 70%% of bank sends | %s | `go run ./scripts/bench/chainload -duration %s` |\n",
			fmtNum(d), fmt.Sprintf("%.2f%%", ratio*100), fmtNum(bk), verdict(d >= 200 && ratio >= 0.7), r.Chain.Duration)
	}
	if d, ok := num(f, "did_create_tps_4v"); ok {
		bk, _ := num(f, "bank_send_tps_4v")
		w("| DID creations committed per second, 4 validators (`did_create_tps_4v`; bank sends `bank_send_tps_4v`) | %s/s; bank sends %s/s | one node in the same run: %s/s and %s/s (ratios %s, %s) | (report) | n/a | `go run ./scripts/bench/chainload -validators 4 -list-size 16777216 -revoke-under-load -duration %s` |\n",
			fmtNum(d), fmtNum(bk), get(f, "did_create_tps"), get(f, "bank_send_tps"), get(f, "did_create_tps_4v_over_1v"), get(f, "bank_send_tps_4v_over_1v"), r.Chain4v.Duration)
	}
	if v, ok := num(f, "revocation_visible_ms_4v"); ok {
		w("| Revocation readable after its block's commit, 4 validators, 16,777,216-entry list, under the DID load (`revocation_visible_ms_4v`, median; max %s) | %s ms | one node after the load: %s ms (`revocation_visible_ms`); submission to readable %s ms | within one block | %s | chainload -validators 4 (see below) |\n",
			get(f, "revocation_visible_ms_4v_max"), fmtNum(v), get(f, "revocation_visible_ms"), get(f, "revocation_submit_to_visible_ms_4v"), verdict(v < 1000))
	}
	if g1, ok := num(f, "status_gas_131k"); ok {
		g2, _ := num(f, "status_gas_16m")
		w("| Gas of one revocation, 16,777,216-entry list (`status_gas_16m`) | %s | 131,072-entry list %s (`status_gas_131k`) | within 10%% | %s | `go test -run '^$' -bench RevokeOne -benchtime 20x ./x/status/keeper` |\n",
			fmtNum(g2), fmtNum(g1), verdict(g2 <= 1.1*g1 && g2 >= 0.9*g1))
	}
	if v, ok := num(f, "revocation_visible_ms"); ok {
		w("| Revocation readable after its block's commit (`revocation_visible_ms`, median; max %s) | %s ms | submission to readable %s ms (`revocation_submit_to_visible_ms`); block time 1,000 ms | within one block | %s | chainload (node query; see below) |\n",
			get(f, "revocation_visible_ms_max"), fmtNum(v), get(f, "revocation_submit_to_visible_ms"), verdict(v < 1000))
	}
	if v, ok := num(f, "verifier_rss_mb_1m_dids"); ok {
		w("| Verifier memory with %s cached DIDs (`verifier_rss_mb_1m_dids`, process RSS) | %s MB | same process empty: %s MB; Go heap in use %s MB (%s B per DID) | < 300 MB | %s | `go run ./scripts/bench/verifiermem -n %d` |\n",
			addCommas(fmt.Sprint(r.Mem.DIDs)), fmtNum(v), get(f, "verifier_rss_mb_empty"), get(f, "verifier_heap_mb_1m_dids"), get(f, "verifier_heap_bytes_per_did"), verdict(v < 300), r.Mem.DIDs)
	}
	if v, ok := num(f, "state_bytes_per_did"); ok {
		w("| Node state per DID (`state_bytes_per_did`, application.db growth) | %s B | keeper-level key+value bytes %s B (`state_bytes_per_did_keeper`); block store %s B per DID tx | < 1 KB | %s | chainload (see below) |\n",
			fmtNum(v), get(f, "state_bytes_per_did_keeper"), get(f, "blockstore_bytes_per_did"), verdict(v < 1024))
	}
	if d := r.Resolve; d != nil && d.Full.ResolveConc != nil && d.Full.BalanceConc != nil {
		sz, c, fl := sizeKey(d.DIDsStored), d.ConcCallers, d.Full
		cmd := fmt.Sprintf("`go run ./scripts/bench/didresolve -dids %d`", d.DIDsStored)
		early := ""
		if e := d.Early; e != nil {
			early = fmt.Sprintf("; with %s DIDs stored: Resolve p50 %s µs, p99 %s µs (`did_resolve_p50_us_%s`)", addCommas(fmt.Sprint(e.DIDs)),
				fmtNum(e.ResolveSeq.P50), fmtNum(e.ResolveSeq.P99), sizeKey(e.DIDs))
		}
		w("| x/did Resolve through the node's gRPC, %s DIDs stored (`did_resolve_p50_us_%s`, `did_resolve_p99_us_%s`, `did_resolve_rps_c%d_%s`) | p50 %s µs, p99 %s µs; %d callers %s/s (p99 %s µs) | bank Balance over the same connection: p50 %s µs, p99 %s µs; %d callers %s/s (`grpc_balance_*_%s`)%s | (report) | n/a | %s |\n",
			addCommas(fmt.Sprint(d.DIDsStored)), sz, sz, c, sz, fmtNum(fl.ResolveSeq.P50), fmtNum(fl.ResolveSeq.P99), c, fmtNum(fl.ResolveConc.PerSecond), fmtNum(fl.ResolveConc.P99),
			fmtNum(fl.BalanceSeq.P50), fmtNum(fl.BalanceSeq.P99), c, fmtNum(fl.BalanceConc.PerSecond), sz, early, cmd)
		w("| Node state per DID with %s DIDs stored (`state_bytes_per_did_%s`, application.db growth) | %s B | block store %s B per DID (batched transactions of %d DIDs) | < 1 KB | %s | %s |\n",
			addCommas(fmt.Sprint(d.DIDsStored)), sz, fmtNum(d.StateBytesPerDID), fmtNum(d.BlockBytesPerDID), resolveBatch(d), verdict(d.StateBytesPerDID < 1024), cmd)
	}
	w("\n")

	for _, p := range plots {
		w("![%s](bench/%s)\n\n", strings.TrimSuffix(p, ".png"), p)
	}

	if r.Load != nil {
		w("## Verifier under load\n\n")
		w("`scripts/bench/verifierload`: VerifyPresentation over gRPC on TCP loopback to an in-process verifier with a warm in-memory ledger (%s), ", r.Load.Transport)
		w("EdDSA and ES256 SD-JWT VCs with key binding (2 of the claims disclosed), distinct challenge per request; the gRPC echo is the health Check RPC on the same connection; ")
		w("the floor is the presentation's two signature verifications alone (issuer JWT and KB-JWT), timed on one core and on all cores. Load generator and server share the %d cores.\n\n", r.Load.NumCPU)
		w("| Alg | Callers | Requests | Verifications/s | p50 µs | p99 µs | p99.9 µs | Errors+refused | Echo/s | Echo p50 µs | Echo p99 µs |\n|---|---|---|---|---|---|---|---|---|---|---|\n")
		for _, alg := range []string{"EdDSA", "ES256"} {
			for _, c := range levels {
				l, e := r.level(alg, c), r.level("", c)
				if l == nil {
					continue
				}
				es := [3]string{"n/a", "n/a", "n/a"}
				if e != nil {
					es = [3]string{fmtNum(e.PerSecond), fmtNum(e.P50Micros), fmtNum(e.P99Micros)}
				}
				w("| %s | %d | %s | %s | %s | %s | %s | %d | %s | %s | %s |\n", alg, c, addCommas(fmt.Sprint(l.Requests)), fmtNum(l.PerSecond),
					fmtNum(l.P50Micros), fmtNum(l.P99Micros), fmtNum(l.P999Micros), l.Errors+l.Refused, es[0], es[1], es[2])
			}
		}
		w("\n| Alg | Floor µs per presentation (one core) | Floor presentations/s (all cores) | One caller p50 / floor |\n|---|---|---|---|\n")
		for _, s := range r.Load.Suites {
			w("| %s | %s | %s | %s |\n", s.Alg, fmtNum(s.Floor.MicrosPerPresentation), fmtNum(s.Floor.PerSecondAllCores), fmtNum(s.RatioToFloor))
		}
		w("\n")
	}

	if r.Proved != nil {
		provedSection(&b, r)
	}
	if r.OID4VP != nil {
		oid4vpSection(&b, r.OID4VP)
	}

	if c := r.Chain; c != nil {
		w("## Chain load test\n\n")
		w("`scripts/bench/chainload`: one `amanahd` validator started by `localnet` (free loopback ports, temporary directory, `timeout_commit` 1 s, block gas limit 200,000,000, writer gas quota lifted to 10^15 so it does not cap the senders), ")
		w("%d writer accounts funded and authorised by the agency (`MsgAuthorizeWriter`), each sending from its own goroutine with locally managed sequences over CometBFT RPC `broadcast_tx_sync`. ", c.Senders)
		w("Transactions are signed before each phase (the client's signing does not take the node's cores during the window); senders pause while the mempool holds more than 1,200 transactions. ")
		w("Each phase submits for %s; the rate is **committed** successful transactions (block_results code 0) in the blocks after the first block holding the phase's transactions, up to the last block made before submission stopped, over the span of those blocks' header times. ", c.Duration)
		w("Bank sends move 1 `uamn` between the writers; each DID creation is a `MsgCreateDid` of the default document of a fresh Ed25519 key, signed by that key (`x/did/types.Sign`). ")
		w("Each transaction's gas limit is 1.3x the gas one such transaction used (measured at the start), so the block gas limit does not cap the rate.\n\n")
		w("| Phase | Committed tx/s | Window txs | Window blocks | Window s | Fullest block | Mean mempool backlog | Gas used per tx | Failed | Pool exhausted |\n|---|---|---|---|---|---|---|---|---|---|\n")
		for _, p := range []struct {
			n string
			p report.ChainPhase
		}{{"bank send (baseline)", c.Bank}, {"DID create", c.DID}} {
			w("| %s | %s | %s | %d (heights %d-%d) | %.2f | %d | %.0f | %s | %d | %v |\n", p.n, fmtNum(p.p.TPS), addCommas(fmt.Sprint(p.p.WindowTxs)), p.p.WindowBlocks,
				p.p.FirstHeight+1, p.p.LastHeight, p.p.WindowSeconds, p.p.MaxTxsPerBlock, p.p.MeanBacklog, addCommas(fmt.Sprint(p.p.GasUsed)), p.p.Failed, p.p.PoolExhausted)
		}
		w("\n- **state_bytes_per_did** (%s B): %s. The keeper's own count of key and value bytes for one DID (`x/did/keeper` BenchmarkStateBytesPerDID, before IAVL) is %s B; the block store grew %s B per DID transaction.\n",
			fmtNum(c.StateBytesPerDID), c.StateBytesMethod, get(f, "state_bytes_per_did_keeper"), fmtNum(c.BlockBytesPerDID))
		w("- **revocation_visible_ms** (median %s ms, max %s ms, samples %v): %s. Measured through the node query, not through the verifier's ledger view.\n",
			fmtNum(c.RevocationMS), fmtNum(c.RevocationMaxMS), c.RevocationSamples, c.RevocationMethod)
		w("- Load average during the chain test: %s at start, %s at end.\n\n", c.LoadAvg, c.LoadAvgEnd)
	}

	if c := r.Chain4v; c != nil {
		w("## Chain load test, 4 validators\n\n")
		w("`scripts/bench/chainload -validators 4`: the same load as above on four `amanahd` validator processes (each its own home, equal power, peers on loopback, the load sent to node 0), in the same run. Settings: %s.\n\n", c.Settings)
		w("| Phase | Committed tx/s | Window txs | Window blocks | Window s | Fullest block | Mean mempool backlog | Failed |\n|---|---|---|---|---|---|---|---|\n")
		for _, p := range []struct {
			n string
			p report.ChainPhase
		}{{"bank send", c.Bank}, {"DID create", c.DID}} {
			w("| %s | %s | %s | %d (heights %d-%d) | %.2f | %d | %.0f | %d |\n", p.n, fmtNum(p.p.TPS), addCommas(fmt.Sprint(p.p.WindowTxs)), p.p.WindowBlocks,
				p.p.FirstHeight+1, p.p.LastHeight, p.p.WindowSeconds, p.p.MaxTxsPerBlock, p.p.MeanBacklog, p.p.Failed)
		}
		w("\n- **revocation_visible_ms_4v** (median %s ms, max %s ms, samples %v): %s.\n", fmtNum(c.RevocationMS), fmtNum(c.RevocationMaxMS), c.RevocationSamples, c.RevocationMethod)
		w("- Load average during the 4-validator test: %s at start, %s at end.\n\n", c.LoadAvg, c.LoadAvgEnd)
	}

	if d := r.Resolve; d != nil && d.Full.ResolveConc != nil {
		w("## DID resolution with %s DIDs stored\n\n", addCommas(fmt.Sprint(d.DIDsStored)))
		w("`scripts/bench/didresolve`: a second one-node network (localnet, as above) filled with %s DIDs, ", addCommas(fmt.Sprint(d.DIDsStored)))
		w("each a `MsgCreateDid` of the default document of a fresh Ed25519 key signed by that key, %d per transaction from %d writer accounts; ", resolveBatch(d), resolveSenders(d))
		w("every transaction checked committed with code 0 in block_results. Then: %s. Transport: %s.\n\n", d.Method, d.Transport)
		w("| DIDs stored | Query | Callers | Calls | Calls/s | p50 µs | p90 µs | p99 µs | p99.9 µs | max µs | Errors |\n|---|---|---|---|---|---|---|---|---|---|---|\n")
		stages := []*report.ResolveStage{}
		if d.Early != nil {
			stages = append(stages, d.Early)
		}
		stages = append(stages, &d.Full)
		for _, st := range stages {
			for _, l := range []*report.ResolveLatency{&st.BalanceSeq, &st.ResolveSeq, st.BalanceConc, st.ResolveConc} {
				if l == nil {
					continue
				}
				w("| %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %d |\n", addCommas(fmt.Sprint(st.DIDs)), l.Query, l.Callers, addCommas(fmt.Sprint(l.Calls)),
					fmtNum(l.PerSecond), fmtNum(l.P50), fmtNum(l.P90), fmtNum(l.P99), fmtNum(l.P999), fmtNum(l.Max), l.Errors)
			}
		}
		w("\n- Resolve answers carried a %s-byte document on average.\n", fmtNum(d.Full.ResolveSeq.RespBytes))
		for _, x := range d.Fills {
			rate := "all in one block"
			if x.DIDsPerSecond > 0 {
				rate = fmtNum(x.DIDsPerSecond) + " DIDs/s committed over the blocks holding them"
			}
			w("- Fill: %s DIDs in %s transactions (%s gas each) in %.0f s, %s.\n",
				addCommas(fmt.Sprint(x.DIDs)), addCommas(fmt.Sprint(x.Txs)), addCommas(fmt.Sprint(x.GasUsedPerTx)), x.Seconds, rate)
		}
		w("- **state_bytes_per_did_%s** (%s B): %s. The block store grew %s B per DID.\n", sizeKey(d.DIDsStored), fmtNum(d.StateBytesPerDID), d.StateBytesMethod, fmtNum(d.BlockBytesPerDID))
		w("- Load average during the test: %s at start, %s at end.\n\n", d.LoadAvg, d.LoadAvgEnd)
	}

	if len(r.GoBench) > 0 {
		w("## Go benchmarks\n\n")
		w("Medians of `-count %d` runs (`go test -run '^$' -bench ... -benchmem`). The floor and comparison benchmarks sit in the same package run as what they bound ", r.GoBench[0].Runs)
		w("(`credential/sdjwtvc`: Verify beside Floor and vc-go's VcGoParse; `keys`: our verify beside the standard library's).\n\n")
		byPkg := map[string][]GoBench{}
		var pkgs []string
		for _, g := range r.GoBench {
			if byPkg[g.Package] == nil {
				pkgs = append(pkgs, g.Package)
			}
			byPkg[g.Package] = append(byPkg[g.Package], g)
		}
		for _, pkg := range pkgs {
			w("### %s\n\n`%s`\n\n| Benchmark | ns/op | B/op | allocs/op | other |\n|---|---|---|---|---|\n", pkg, byPkg[pkg][0].Command)
			for _, g := range byPkg[pkg] {
				var other []string
				var units []string
				for u := range g.Values {
					if u != "ns/op" && u != "B/op" && u != "allocs/op" {
						units = append(units, u)
					}
				}
				sort.Strings(units)
				for _, u := range units {
					other = append(other, fmtNum(g.Values[u])+" "+u)
				}
				cell := func(u string) string {
					if v, ok := g.Values[u]; ok {
						return fmtNum(v)
					}
					return ""
				}
				w("| %s | %s | %s | %s | %s |\n", g.Name, cell("ns/op"), cell("B/op"), cell("allocs/op"), strings.Join(other, ", "))
			}
			w("\n")
		}
	}
	w("## How to reproduce\n\n```\nmake bench                                  # everything; writes build/bench/ only (results.json, run.json, raw outputs, this page and its plots)\nmake bench-docs                             # this page and docs/bench/*.png from the run in build/bench/run.json (a whole run)\ngo run ./scripts/bench -skip chain,mem      # a subset (steps: gobench, load, proved, mem, chain, chain4v, resolve)\ngo run ./scripts/bench -only proved         # one step (make bench-verifier: -only load)\ngo run ./scripts/bench/chainload -duration 30s\ngo run ./scripts/bench/chainload -validators 4 -list-size 16777216 -revoke-under-load\ngo run ./scripts/bench/didresolve -dids 100000\ngo run ./scripts/bench/verifiermem -n 1000000\ngo run ./scripts/bench/verifierload -n 20000 -c 1,16,64\ngo run ./scripts/bench/verifierproved -n 20000\ngo run ./scripts/bench/oid4vpload -n 4000 -c 16 -cpuprofile /tmp/vp.prof   # pprof -tagignore side=wallet: the verifier's share\n```\n")
	return b.String()
}

func resolveBatch(d *report.DIDResolve) int {
	if len(d.Fills) > 0 {
		return d.Fills[len(d.Fills)-1].Batch
	}
	return 0
}

func resolveSenders(d *report.DIDResolve) int {
	if len(d.Fills) > 0 {
		return d.Fills[len(d.Fills)-1].Senders
	}
	return 0
}

// provedCmd is the command of the proof-checked view's figures.
const provedCmd = "`go run ./scripts/bench -only proved` (`go run ./scripts/bench/verifierproved -n %d`)"

// provedRows writes the summary rows of scripts/bench/verifierproved.
func provedRows(b *strings.Builder, r *Run, f map[string]any) {
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p := r.Proved
	l := p.Load
	cmd := fmt.Sprintf(provedCmd, l.Proved.Requests)
	a := strings.ToLower(l.Alg)
	w("| Verify RPC over the proof-checked ledger view (real node, warm cache), %s, %d callers (`verify_rps_c%d_%s_proved`, `verify_proof_overhead_ratio`) | %s/s, p99 %s ms; **ratio %s** | in-memory view in alternating rounds of the same run %s/s, p99 %s ms (`verify_rps_c%d_%s_memory_paired`) | ratio ≥ 0.9 | %s | %s |\n",
		l.Alg, l.Callers, l.Callers, a, fmtNum(l.Proved.PerSecond), fmtNum(l.Proved.P99Micros/1000), fmt.Sprintf("%.3f", l.Ratio),
		fmtNum(l.Memory.PerSecond), fmtNum(l.Memory.P99Micros/1000), l.Callers, a, verdict(l.Ratio >= 0.9), cmd)
	w("| Cold verification, every ledger fact fetched and proved (`verify_cold_p50_ms`, `verify_cold_p90_ms`; a fresh view per sample) | p50 %s ms, p90 %s ms (%d samples, median %s facts proved each) | warm on the same views: p50 %s ms (`verify_warm_p50_ms`), p90 %s ms | (report) | n/a | %s |\n",
		fmtNum(p.Cold.ColdP50Ms), fmtNum(p.Cold.ColdP90Ms), p.Cold.Samples, fmt.Sprintf("%.0f", p.Cold.FactsPerCold), fmtNum(p.Cold.WarmP50Ms), fmtNum(p.Cold.WarmP90Ms), cmd)
	rv := p.Revocation
	nodeQ := ""
	if v, ok := num(f, "revocation_visible_ms"); ok {
		nodeQ = fmt.Sprintf("; readable through the node's own query %s ms after the commit (`revocation_visible_ms`, chainload)", fmtNum(v))
	}
	w("| Revocation refused by the verifier after its block's commit (`revocation_visible_verifier_ms`, median of %d; max %s; `revocation_visible_verifier_blocks`) | %s ms; %s block(s) | block interval %s ms (`chain_block_interval_ms`, same run)%s | (report) | n/a | %s |\n",
		len(rv.Samples), fmtNum(rv.MaxMs), fmtNum(rv.MedianMs), fmtNum(rv.MedianBlocks), fmtNum(rv.BlockIntervalMs), nodeQ, cmd)
}

// provedSection writes the section of scripts/bench/verifierproved.
func provedSection(b *strings.Builder, r *Run) {
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p := r.Proved
	l := p.Load
	w("## Verifier over the proof-checked ledger view\n\n")
	w("`scripts/bench/verifierproved`: a one-node network (localnet, as below: a real `amanahd`, 1 s blocks, %s) on which the trust world is built by transactions as `cmd/amanah-demo` builds it: ", p.DBBackend)
	w("the council's vote registers the national-ID credential type and accredits an accreditation body, the body accredits an issuer and registers a bank as relying party, the issuer creates a revocation list; ")
	w("credentials with the in-memory world's claims are issued by that issuer. The verifier's ledger view is the proof-checked one: %s. ", p.View)
	w("Transport: %s.\n\n", p.Transport)
	w("**Throughput.** The load of `scripts/bench/verifierload` (shared code, `scripts/bench/verifierload/loadgen`: presentations made before the clock starts, a fresh challenge each, given_name and age_over_18 disclosed) ")
	w("from %d callers, against the proof-checked verifier with a warm cache and against the in-memory verifier of `scripts/bench/verifierload` (verifiertest) in the same process, ", l.Callers)
	w("in %d alternating rounds of %s requests each (in-memory first in even rounds, proved first in odd ones) so that background load falls on both alike; requests/s is requests over the summed time of a verifier's rounds. ", l.Rounds, addCommas(fmt.Sprint(l.RequestsPerRound)))
	w("During the proved rounds the view proved %d facts (the blocks' change journals; nothing the requests needed was missing from its cache).\n\n", l.FactsProved)
	w("| Ledger view | Callers | Requests | Verifications/s | p50 µs | p99 µs | p99.9 µs | max µs | Errors+refused |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, x := range []struct {
		n string
		l report.Level
	}{{"proof-checked (real node)", l.Proved}, {"in memory (verifiertest)", l.Memory}} {
		w("| %s | %d | %s | %s | %s | %s | %s | %s | %d |\n", x.n, x.l.Callers, addCommas(fmt.Sprint(x.l.Requests)), fmtNum(x.l.PerSecond),
			fmtNum(x.l.P50Micros), fmtNum(x.l.P99Micros), fmtNum(x.l.P999Micros), fmtNum(x.l.MaxMicros), x.l.Errors+x.l.Refused)
	}
	w("\nProved over in-memory: %.3f (per round pair: %v).\n\n", l.Ratio, l.RoundRatios)
	w("**Cold and warm.** %s. Cold p50 %s ms, p90 %s ms, max %s ms; warm p50 %s ms, p90 %s ms.\n\n",
		p.Cold.Method, fmtNum(p.Cold.ColdP50Ms), fmtNum(p.Cold.ColdP90Ms), fmtNum(p.Cold.ColdMaxMs), fmtNum(p.Cold.WarmP50Ms), fmtNum(p.Cold.WarmP90Ms))
	rv := p.Revocation
	w("**Revocation through the verifier.** %s. The chain's block interval in the same run: %s ms (header times over %d blocks).\n\n", rv.Method, fmtNum(rv.BlockIntervalMs), rv.IntervalBlocks)
	w("| Revoking block | Refusal ledger height | Blocks | Commit seen after submission (ms) | Refused after the commit (ms) | Refused after submission (ms) | Polls refused for another reason |\n|---|---|---|---|---|---|---|\n")
	for _, s := range rv.Samples {
		w("| %d | %d | %d | %s | %s | %s | %d |\n", s.Height, s.RefusedAt, s.Blocks, fmtNum(s.SubmitToCommit), fmtNum(s.CommitToRefuse), fmtNum(s.SubmitToRefuse), s.Other)
	}
	w("\nMedian %s ms after the commit (%s block(s) by ledger height), %s ms after submission. %d facts proved by the main view over the run. Load average during the test: %s at start, %s at end.\n\n",
		fmtNum(rv.MedianMs), fmtNum(rv.MedianBlocks), fmtNum(rv.MedianSubmitMs), p.ProvedTotal, p.LoadAvg, p.LoadAvgEnd)
}
