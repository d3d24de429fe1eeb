package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/amanah-id/amanah/scripts/bench/report"
)

// TestResolveReport reads a didresolve output (a small run: 2,000 DIDs, 500 early) into the
// flat results and the generated page.
func TestResolveReport(t *testing.T) {
	raw, err := os.ReadFile("testdata/did-resolve-small.json")
	if err != nil {
		t.Fatal(err)
	}
	r := &Run{Resolve: &report.DIDResolve{}}
	if err := json.Unmarshal(raw, r.Resolve); err != nil {
		t.Fatal(err)
	}
	f := r.flatten()
	for _, k := range []string{"did_resolve_p50_us_2k", "did_resolve_p99_us_2k", "did_resolve_rps_c8_2k", "did_resolve_p99_us_c8_2k",
		"grpc_balance_p50_us_2k", "grpc_balance_p99_us_2k", "grpc_balance_rps_c8_2k", "did_resolve_p50_us_500",
		"state_bytes_per_did_2k", "did_resolve_errors_2k", "did_resolve_fill_dids_per_s"} {
		if v, ok := num(f, k); !ok || (v <= 0 && k != "did_resolve_errors_2k") {
			t.Errorf("%s = %v (%v)", k, f[k], ok)
		}
	}
	md := markdown(r, f, nil)
	for _, want := range []string{"x/did Resolve through the node's gRPC, 2,000 DIDs stored", "## DID resolution with 2,000 DIDs stored",
		"| 2,000 | amanah.did.v1.Query/Resolve | 8 |", "`state_bytes_per_did_2k`"} {
		if !strings.Contains(md, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestSizeKey(t *testing.T) {
	for n, want := range map[int]string{100_000: "100k", 1000: "1k", 1_000_000: "1m", 500: "500", 1500: "1500"} {
		if got := sizeKey(n); got != want {
			t.Errorf("sizeKey(%d) = %q, want %q", n, got, want)
		}
	}
}
