package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/amanah-id/amanah/verifier/ledger/federation"
	"github.com/amanah-id/amanah/verifier/ledger/node"
	"github.com/amanah-id/amanah/verifier/ledger/proved"
)

// addForeign adds the -foreign chain-id=url flags to the configured foreign ledgers.
func addForeign(cfg *Config, flags []string) error {
	for _, f := range flags {
		chain, url, ok := strings.Cut(f, "=")
		if !ok || chain == "" || url == "" || strings.Contains(url, ",") {
			return fmt.Errorf("-foreign %q: want chain-id=https://rpc-host:port", f)
		}
		i := 0
		for i < len(cfg.ForeignLedgers) && cfg.ForeignLedgers[i].ChainID != chain {
			i++
		}
		if i == len(cfg.ForeignLedgers) {
			cfg.ForeignLedgers = append(cfg.ForeignLedgers, ForeignLedgerConfig{ChainID: chain})
		}
		fl := &cfg.ForeignLedgers[i]
		fl.Nodes = append(fl.Nodes, NodeConfig{Name: fmt.Sprintf("%s-%d", chain, len(fl.Nodes)), RPC: url})
	}
	return nil
}

// federate returns the federation of the configured foreign ledgers (nil if none).
func federate(view *node.View, cfg Config, o node.Options) (*federation.Federation, error) {
	if len(cfg.ForeignLedgers) == 0 {
		return nil, nil
	}
	var ls []node.ForeignLedger
	for _, f := range cfg.ForeignLedgers {
		l := node.ForeignLedger{ChainID: f.ChainID, Freshness: time.Duration(f.Freshness)}
		for i, n := range f.Nodes {
			name := n.Name
			if name == "" {
				name = fmt.Sprintf("%s-%d", f.ChainID, i)
			}
			l.Nodes = append(l.Nodes, proved.Endpoint{Name: name, URL: n.RPC})
		}
		ls = append(ls, l)
	}
	return view.Federate(ls, o)
}
