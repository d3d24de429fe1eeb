package main

import "testing"

func TestAddForeign(t *testing.T) {
	var cfg Config
	if err := addForeign(&cfg, []string{"amanah-th=https://a:26657", "amanah-th=https://b:26657", "amanah-sg=https://c:26657"}); err != nil {
		t.Fatal(err)
	}
	if len(cfg.ForeignLedgers) != 2 || len(cfg.ForeignLedgers[0].Nodes) != 2 || cfg.ForeignLedgers[0].Nodes[1].RPC != "https://b:26657" {
		t.Fatalf("%+v", cfg.ForeignLedgers)
	}
	for _, bad := range []string{"amanah-th", "=https://a", "amanah-th=", "amanah-th=https://a,https://b"} {
		if err := addForeign(&Config{}, []string{bad}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
