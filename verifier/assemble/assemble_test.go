package assemble_test

import (
	"errors"
	"testing"

	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/verifier/assemble"
	"github.com/amanah-id/amanah/verifier/auth"
	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/verifiertest"
)

// TestNew checks what the assembly wires: the metrics observe the cache and
// export the ledger gauges and the proved counter; without metrics the cache
// has no observer; errors of the ledger and of the clients are returned.
func TestNew(t *testing.T) {
	env, err := verifiertest.New(keys.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	var got ledger.Observer
	open := func(obs ledger.Observer) (assemble.Ledger, error) {
		got = obs
		c, err := env.NewCache(ledger.Config{Observer: obs})
		return assemble.Ledger{Cache: c, Proved: func() int64 { return 7 },
			Drops: func() int64 { return 2 }, Usable: func() int { return 3 }}, err
	}
	v, err := assemble.New(assemble.Config{Clients: verifiertest.Clients(), Metrics: true}, open)
	if err != nil {
		t.Fatal(err)
	}
	if v.Metrics == nil || got != v.Metrics || v.Server == nil || v.Service == nil || v.Cache == nil {
		t.Fatalf("pieces not wired: %+v observer %v", v, got)
	}
	mfs, err := v.Metrics.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	values := map[string]float64{}
	for _, mf := range mfs {
		names[mf.GetName()] = true
		if m := mf.GetMetric(); len(m) == 1 && len(m[0].GetLabel()) == 0 {
			values[mf.GetName()] = m[0].GetGauge().GetValue() + m[0].GetCounter().GetValue()
		}
	}
	for _, n := range []string{"amanah_verifier_ledger_height", "amanah_verifier_ledger_lag_seconds", "amanah_verifier_ledger_facts_proved_total",
		"amanah_verifier_fresh", "amanah_verifier_node_drops_total", "amanah_verifier_nodes_usable",
		// The standard gRPC server metrics, with a series per method before any call.
		"grpc_server_started_total", "grpc_server_handled_total", "grpc_server_handling_seconds",
		// Vectors with their zero series from the start.
		"amanah_verifier_verifications_total", "amanah_verifier_ledger_cache_lookups_total", "amanah_verifier_rejected_total"} {
		if !names[n] {
			t.Errorf("metric %s not registered (have %v)", n, names)
		}
	}
	// The cache has never synced: not fresh.
	for n, want := range map[string]float64{"amanah_verifier_fresh": 0, "amanah_verifier_node_drops_total": 2, "amanah_verifier_nodes_usable": 3} {
		if got, ok := values[n]; !ok || got != want {
			t.Errorf("%s = %v (present %v), want %v", n, got, ok, want)
		}
	}

	v, err = assemble.New(assemble.Config{Clients: verifiertest.Clients()}, open)
	if err != nil {
		t.Fatal(err)
	}
	if v.Metrics != nil || got != nil {
		t.Fatalf("metrics without Config.Metrics: %v, observer %v", v.Metrics, got)
	}

	boom := errors.New("boom")
	if _, err := assemble.New(assemble.Config{Clients: verifiertest.Clients()}, func(ledger.Observer) (assemble.Ledger, error) {
		return assemble.Ledger{}, boom
	}); !errors.Is(err, boom) {
		t.Fatalf("ledger error: got %v", err)
	}
	if _, err := assemble.New(assemble.Config{Clients: []auth.Client{{DID: verifiertest.RPDID, APIKeys: []string{"short"}}}}, open); err == nil {
		t.Fatal("a client with a short API key was accepted")
	}
}
