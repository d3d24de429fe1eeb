package verifiertest

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/amanah-id/amanah/verifier/assemble"
	"github.com/amanah-id/amanah/verifier/auth"
	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/server"
	"github.com/amanah-id/amanah/verifier/service"
)

// Verifier is a verifier serving the in-memory world.
type Verifier struct {
	Server  *server.Server
	Cache   *ledger.Cache
	Service *service.Service
}

// Serve starts a verifier for the world on lis (no rate limit, audit to
// auditW or discarded if nil) and returns once its ledger view has synced.
func (e *Env) Serve(ctx context.Context, lis net.Listener, auditW io.Writer) (*Verifier, error) {
	v, err := assemble.New(assemble.Config{Clients: Clients(), Audit: auditW, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
		func(obs ledger.Observer) (assemble.Ledger, error) {
			cache, err := e.NewCache(ledger.Config{Observer: obs})
			return assemble.Ledger{Cache: cache}, err
		})
	if err != nil {
		return nil, err
	}
	go v.Cache.Run(ctx)
	srv := v.Server
	go func() { _ = srv.Serve(lis) }()
	go func() { <-ctx.Done(); srv.GRPC.Stop() }()
	deadline := time.Now().Add(5 * time.Second)
	for !srv.CheckHealth() {
		if time.Now().After(deadline) {
			return nil, errors.New("verifiertest: ledger view did not sync")
		}
		time.Sleep(time.Millisecond)
	}
	return &Verifier{Server: srv, Cache: v.Cache, Service: v.Service}, nil
}

// Clients are the world's relying parties: bank-one (RPDID, RPKey) and
// bank-two (OtherRP, OtherKey).
func Clients() []auth.Client {
	return []auth.Client{{DID: RPDID, APIKeys: []string{RPKey}}, {DID: OtherRP, APIKeys: []string{OtherKey}}}
}

// KeepFresh commits an empty block every interval until ctx ends, as a
// chain would, so that the view stays within its freshness bound.
func (e *Env) KeepFresh(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			e.Chain.Commit()
		}
	}
}
