package main

import (
	"fmt"
	"strings"

	"github.com/amanah-id/amanah/scripts/bench/report"
)

// oid4vpCmd is how the bench runs scripts/bench/oid4vpload.
const oid4vpCmd = "`go run ./scripts/bench/oid4vpload -n 4000 -c 16`"

// oid4vpRow writes the summary row of scripts/bench/oid4vpload.
func oid4vpRow(b *strings.Builder, o *report.OID4VPLoad) {
	c := o.Flow.Callers
	fmt.Fprintf(b, "| OpenID4VP flow (create request, fetch request object, post response, read result), wallet untimed, %d callers (`oid4vp_flow_rps_c%d`, `oid4vp_flow_over_verify_ratio`; CPU `oid4vp_flow_cpu_us`) | %s/s, p99 %s ms, %s µs CPU/flow; **ratio %.3f** | bare VerifyPresentation of the same verifier %s/s, %s µs CPU (`oid4vp_verify_rps_c%d_eddsa_paired`); CPU ratio %.3f; wallet %s µs CPU/flow (`oid4vp_wallet_cpu_us`) | ratio ≥ 0.5 | %s | %s |\n",
		c, c, fmtNum(o.Flow.PerSecond), fmtNum(o.Flow.P99Micros/1000), fmtNum(o.FlowCPUMicros), o.Ratio,
		fmtNum(o.Verify.PerSecond), fmtNum(o.VerifyCPUMicros), c, o.CPURatio, fmtNum(o.WalletCPUMicros), verdict(o.Ratio >= 0.5), oid4vpCmd)
}

// oid4vpSection writes the section of scripts/bench/oid4vpload: what its figures time.
func oid4vpSection(b *strings.Builder, o *report.OID4VPLoad) {
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	w("## OpenID4VP flows\n\n")
	w("`scripts/bench/oid4vpload`: %s. QR code asked for: %v. What is timed: %s.\n\n", o.Note, o.QR, o.Timed)
	w("| Measurement | Callers | Requests | Per second | p50 µs | p99 µs | CPU µs per op | Errors+refused |\n|---|---|---|---|---|---|---|---|\n")
	row := func(name string, l *report.Level, cpu float64) {
		if l == nil {
			return
		}
		w("| %s | %d | %s | %s | %s | %s | %s | %d |\n", name, l.Callers, addCommas(fmt.Sprint(l.Requests)), fmtNum(l.PerSecond),
			fmtNum(l.P50Micros), fmtNum(l.P99Micros), fmtNum(cpu), l.Errors+l.Refused)
	}
	row("flow, wallet untimed (state in memory)", &o.Flow, o.FlowCPUMicros)
	row("flow, wallet inline", o.FlowWithWallet, o.FlowWithWalletCPUMicros)
	row("flow, wallet untimed (state in redis-server)", o.FlowRedis, 0)
	row("bare VerifyPresentation (baseline)", &o.Verify, o.VerifyCPUMicros)
	w("\nFlow over verify %.3f (wallet inline: %.3f); verify CPU over flow CPU %.3f. The wallet's own work (untimed) took %s µs CPU per flow. Load average at start: %s.\n\n",
		o.Ratio, o.RatioWithWallet, o.CPURatio, fmtNum(o.WalletCPUMicros), o.LoadAvg)
}
