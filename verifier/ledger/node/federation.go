package node

import (
	"time"

	"github.com/amanah-id/amanah/verifier/ledger/federation"
	"github.com/amanah-id/amanah/verifier/ledger/proved"
)

// ForeignLedger is a foreign ledger the operator lets the verifier follow: its chain id, its
// nodes (never on chain), and the freshness bound of its view (the local one if 0).
type ForeignLedger struct {
	ChainID   string
	Nodes     []proved.Endpoint
	Freshness time.Duration
}

// Federate returns the federation over v (the verifier's own ledger): each foreign ledger is
// followed, while the local council recognises it, by a proof-checked view opened with o's
// TLS, cache and logger settings, from the trust root in the recognition. Run it beside v.
func (v *View) Federate(foreign []ForeignLedger, o Options) (*federation.Federation, error) {
	fresh := map[string]time.Duration{}
	ls := make([]federation.Foreign, 0, len(foreign))
	for _, f := range foreign {
		ls = append(ls, federation.Foreign{ChainID: f.ChainID, Nodes: f.Nodes})
		fresh[f.ChainID] = f.Freshness
	}
	return federation.New(federation.Config{Local: v.Cache, LocalChainID: v.Client.ChainID(), LocalNetwork: v.Source.Network,
		Ledgers: ls, Logger: o.Logger,
		Open: func(root proved.TrustRoot, nodes []proved.Endpoint) (federation.Followed, error) {
			fo := o
			fo.Root, fo.Nodes = root, nodes
			fo.Cache.Observer = nil // the metrics count the own ledger's cache
			if d := fresh[root.ChainID]; d > 0 {
				fo.Cache.Freshness = d
			}
			fv, err := Open(fo)
			if err != nil {
				return nil, err
			}
			return fv.Cache, nil
		}})
}
