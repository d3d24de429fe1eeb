package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/ledger/proved"
)

// Options say which chain to follow, from which nodes, trusting what.
type Options struct {
	// Root is the light client's trust root.
	Root proved.TrustRoot
	// Nodes are the chain's RPC endpoints: the first is the primary, the
	// others witnesses (at least two nodes run by different agencies are
	// recommended; one node is its own witness and is not cross-checked).
	Nodes []proved.Endpoint
	// TLS configures https node endpoints; AllowPlaintext permits http://.
	TLS            *proved.TLSConfig
	AllowPlaintext bool
	// Cache configures the ledger view.
	Cache  ledger.Config
	Logger *slog.Logger
}

// View is a proof-checked ledger view: the light client, the Source over it,
// the cache the verifier reads, and the evidence collector.
type View struct {
	Client   *proved.Client
	Source   *Source
	Cache    *ledger.Cache
	Evidence *Collector
}

// Open returns the view over the nodes; Run follows the chain, first
// verifying the trust root's header through the nodes (until then, and
// whenever they cannot be reached, the view is stale and fails closed). Only
// configuration errors are returned.
func Open(o Options) (*View, error) {
	if len(o.Nodes) == 0 {
		return nil, errors.New("ledger view: at least one node is required")
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	c, err := proved.New(proved.Config{Root: o.Root, Primary: o.Nodes[0], Witnesses: o.Nodes[1:], TLS: o.TLS,
		AllowPlaintext: o.AllowPlaintext, Logger: o.Logger})
	if err != nil {
		return nil, fmt.Errorf("ledger view: %w", err)
	}
	src := New(c)
	o.Cache.Logger = o.Logger
	cache, err := ledger.NewCache(o.Cache, src)
	if err != nil {
		return nil, err
	}
	return &View{Client: c, Source: src, Cache: cache, Evidence: &Collector{Source: src, View: cache, Config: o.Cache}}, nil
}

// Run follows the chain until ctx ends.
func (v *View) Run(ctx context.Context) { v.Cache.Run(ctx) }
