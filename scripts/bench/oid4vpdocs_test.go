package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/amanah-id/amanah/scripts/bench/report"
)

// TestOID4VPDocs: the page says what the OpenID4VP flow figure times, beside its baseline,
// and the wallet's CPU measured apart.
func TestOID4VPDocs(t *testing.T) {
	o := &report.OID4VPLoad{Timed: "TIMED-TEXT", Note: "NOTE",
		Flow: report.Level{Callers: 16, Requests: 100, PerSecond: 2500}, Verify: report.Level{Callers: 16, Requests: 100, PerSecond: 10000},
		FlowWithWallet: &report.Level{Callers: 16, Requests: 100, PerSecond: 1500},
		Ratio:          0.25, CPURatio: 0.3, FlowCPUMicros: 370, VerifyCPUMicros: 113, WalletCPUMicros: 109}
	r := &Run{OID4VP: o, Steps: []string{"oid4vp"}}
	out := t.TempDir()
	if err := writeDocs(r, r.flatten(), options{docs: out}); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(out, "benchmarks.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"`oid4vp_flow_rps_c16`", "**ratio 0.250**", "| ratio ≥ 0.5 | **not met** |", "wallet 109 µs CPU/flow",
		"## OpenID4VP flows", "What is timed: TIMED-TEXT.", "| flow, wallet inline | 16 | 100 | 1,500 |", "| bare VerifyPresentation (baseline) | 16 | 100 | 10,000 |"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("page lacks %q", want)
		}
	}
}
