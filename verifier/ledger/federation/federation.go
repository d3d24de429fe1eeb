// Package federation lets a verifier accept credentials of foreign Amanah ledgers that its own
// council recognises (x/trust LedgerRecognition; docs/federation.md). For each foreign ledger
// in its configuration (chain id and node endpoints: endpoints are never on chain) it reads the
// recognition from its own ledger with proofs, and, while the recognition is not withdrawn,
// follows that ledger with a light client started from the recognition's trust root and
// proof-checked reads (a ledger.View of its own, with its own freshness). A credential is
// routed by its issuer DID's network (did:amanah:<network>:...): the local network goes to the
// local view, a recognised network to that ledger's view; anything else is not recognised. A
// foreign ledger that is unreachable or stale fails closed for its own credentials only.
package federation

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/ledger/proved"
)

// Foreign is one foreign ledger an operator lets the verifier follow.
type Foreign struct {
	// ChainID is the foreign ledger's chain id (its recognition's key).
	ChainID string
	// Nodes are its CometBFT RPC endpoints: the first the primary, the others witnesses.
	Nodes []proved.Endpoint
}

// Followed is a followed view of a foreign ledger.
type Followed interface {
	ledger.View
	// Run follows the ledger until ctx ends.
	Run(ctx context.Context)
}

// Opener opens a view of a foreign ledger from a trust root (node.Open in production).
type Opener func(root proved.TrustRoot, nodes []proved.Endpoint) (Followed, error)

// Local is the verifier's own ledger view with its recognitions (*ledger.Cache).
type Local interface {
	ledger.View
	Recognition(ctx context.Context, chainID string) ([]ledger.Recognition, error)
}

// Config configures a Federation.
type Config struct {
	// Local is the verifier's own ledger view; required.
	Local Local
	// LocalChainID is the own ledger's chain id (named in verdicts).
	LocalChainID string
	// LocalNetwork returns the own ledger's did:amanah network (proved x/did params); required.
	LocalNetwork func(ctx context.Context) (string, error)
	// Ledgers are the foreign ledgers to follow.
	Ledgers []Foreign
	// Open opens a foreign view; required.
	Open Opener
	// Poll is how often recognitions are re-read (DefaultPoll if 0).
	Poll   time.Duration
	Logger *slog.Logger
}

// DefaultPoll is how often the recognitions are re-read.
const DefaultPoll = time.Second

// Federation routes issuer lookups to the ledger of the issuer's DID. Safe for concurrent use.
type Federation struct {
	cfg Config

	mu      sync.RWMutex
	network string
	views   map[string]*followed
}

type followed struct {
	view   Followed
	root   proved.TrustRoot
	cancel context.CancelFunc
}

// New returns a federation; Run starts following.
func New(cfg Config) (*Federation, error) {
	if cfg.Local == nil || cfg.Open == nil || cfg.LocalNetwork == nil {
		return nil, errors.New("federation: Local, LocalNetwork and Open are required")
	}
	seen := map[string]bool{}
	for _, l := range cfg.Ledgers {
		if l.ChainID == "" || len(l.Nodes) == 0 {
			return nil, fmt.Errorf("federation: ledger %q needs a chain id and at least one node", l.ChainID)
		}
		if seen[l.ChainID] || l.ChainID == cfg.LocalChainID {
			return nil, fmt.Errorf("federation: ledger %q listed twice or is the local ledger", l.ChainID)
		}
		seen[l.ChainID] = true
	}
	if cfg.Poll <= 0 {
		cfg.Poll = DefaultPoll
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Federation{cfg: cfg, views: map[string]*followed{}}, nil
}

// Run re-reads the recognitions every Poll until ctx ends, opening, re-opening (new trust
// root) and closing the foreign views as they change.
func (f *Federation) Run(ctx context.Context) {
	t := time.NewTicker(f.cfg.Poll)
	defer t.Stop()
	defer f.closeAll()
	for {
		f.Step(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (f *Federation) closeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for id, v := range f.views {
		v.cancel()
		delete(f.views, id)
	}
}

// Step reconciles the followed views with the recognitions once.
func (f *Federation) Step(ctx context.Context) {
	if err := f.cfg.Local.Fresh(); err != nil {
		return // nothing is known about recognitions; keep what is followed
	}
	for _, l := range f.cfg.Ledgers {
		rs, err := f.cfg.Local.Recognition(ctx, l.ChainID)
		if err != nil {
			f.cfg.Logger.Warn("federation: read recognition", "chain_id", l.ChainID, "err", err)
			continue
		}
		f.mu.RLock()
		cur := f.views[l.ChainID]
		f.mu.RUnlock()
		if len(rs) == 0 || rs[len(rs)-1].Status == ledger.RecognitionWithdrawn {
			if cur != nil {
				f.cfg.Logger.Info("federation: recognition withdrawn; no longer following", "chain_id", l.ChainID)
				f.drop(l.ChainID)
			}
			continue
		}
		last := rs[len(rs)-1]
		root := proved.TrustRoot{ChainID: l.ChainID, Height: last.RootHeight, Hash: last.RootHash, Period: last.RootPeriod}
		if cur != nil && sameRoot(cur.root, root) {
			continue
		}
		view, err := f.cfg.Open(root, l.Nodes)
		if err != nil {
			f.cfg.Logger.Warn("federation: open foreign ledger", "chain_id", l.ChainID, "err", err)
			continue
		}
		vctx, cancel := context.WithCancel(ctx)
		go view.Run(vctx)
		f.mu.Lock()
		if old := f.views[l.ChainID]; old != nil {
			old.cancel()
		}
		f.views[l.ChainID] = &followed{view: view, root: root, cancel: cancel}
		f.mu.Unlock()
		f.cfg.Logger.Info("federation: following foreign ledger", "chain_id", l.ChainID, "recognition", last.Version,
			"trust_height", root.Height)
	}
}

func sameRoot(a, b proved.TrustRoot) bool {
	return a.ChainID == b.ChainID && a.Height == b.Height && bytes.Equal(a.Hash, b.Hash) && a.Period == b.Period
}

func (f *Federation) drop(chainID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if v := f.views[chainID]; v != nil {
		v.cancel()
		delete(f.views, chainID)
	}
}

// LocalChainID returns the own ledger's chain id.
func (f *Federation) LocalChainID() string { return f.cfg.LocalChainID }

// localNetwork returns the own DID network, read once.
func (f *Federation) localNetwork(ctx context.Context) (string, error) {
	f.mu.RLock()
	n := f.network
	f.mu.RUnlock()
	if n != "" {
		return n, nil
	}
	n, err := f.cfg.LocalNetwork(ctx)
	if err != nil {
		return "", fmt.Errorf("%w: own did network: %w", ledger.ErrUnavailable, err)
	}
	f.mu.Lock()
	f.network = n
	f.mu.Unlock()
	return n, nil
}

// networkOf returns the network of a did:amanah DID ("" if it is not one).
func networkOf(did string) string {
	rest, ok := strings.CutPrefix(did, "did:amanah:")
	if !ok {
		return ""
	}
	n, _, ok := strings.Cut(rest, ":")
	if !ok {
		return ""
	}
	return n
}

// route returns nil for a DID of the own ledger, else the admission of its foreign ledger
// (Type unset) or an error wrapping ErrLedgerNotRecognised or ErrForeignUnavailable.
func (f *Federation) route(ctx context.Context, did string) (*ledger.ForeignAdmission, error) {
	own, err := f.localNetwork(ctx)
	if err != nil {
		return nil, err
	}
	n := networkOf(did)
	if n == "" || n == own {
		return nil, nil
	}
	for _, l := range f.cfg.Ledgers {
		rs, err := f.cfg.Local.Recognition(ctx, l.ChainID)
		if err != nil {
			return nil, err
		}
		if len(rs) == 0 || rs[len(rs)-1].DIDNetwork != n {
			continue
		}
		last := rs[len(rs)-1]
		if last.Status != ledger.RecognitionActive {
			return nil, &ledger.LedgerError{ChainID: l.ChainID, Err: fmt.Errorf("%w: network %q, recognition version %d is %s",
				ledger.ErrLedgerNotRecognised, n, last.Version, statusName(last.Status))}
		}
		f.mu.RLock()
		v := f.views[l.ChainID]
		f.mu.RUnlock()
		if v == nil {
			return nil, &ledger.LedgerError{ChainID: l.ChainID, Err: fmt.Errorf("%w: not followed yet", ledger.ErrForeignUnavailable)}
		}
		if err := v.view.Fresh(); err != nil {
			return nil, &ledger.LedgerError{ChainID: l.ChainID, Err: fmt.Errorf("%w: %w", ledger.ErrForeignUnavailable, err)}
		}
		return &ledger.ForeignAdmission{ChainID: l.ChainID, Recognition: last, View: v.view}, nil
	}
	return nil, fmt.Errorf("%w: no recognised ledger of did network %q", ledger.ErrLedgerNotRecognised, n)
}

func statusName(s ledger.RecognitionStatus) string {
	switch s {
	case ledger.RecognitionActive:
		return "active"
	case ledger.RecognitionSuspended:
		return "suspended"
	case ledger.RecognitionWithdrawn:
		return "withdrawn"
	}
	return fmt.Sprintf("status %d", s)
}

// IssuerKey resolves an issuer key on the issuer's ledger (the sdjwtvc resolver).
func (f *Federation) IssuerKey(ctx context.Context, iss, kid string, at time.Time) (keys.PublicKey, error) {
	fa, err := f.route(ctx, iss)
	if err != nil {
		return keys.PublicKey{}, err
	}
	if fa == nil {
		return f.cfg.Local.IssuerKey(ctx, iss, kid, at)
	}
	return fa.View.IssuerKey(ctx, iss, kid, at)
}

// Admit returns nil for a credential of the own ledger; for a foreign one, the admission:
// the ledger recognised (active) for vct, and followed with a fresh view.
func (f *Federation) Admit(ctx context.Context, iss, vct string) (*ledger.ForeignAdmission, error) {
	fa, err := f.route(ctx, iss)
	if err != nil || fa == nil {
		return nil, err
	}
	t, ok := fa.Recognition.Type(vct)
	if !ok {
		return nil, &ledger.LedgerError{ChainID: fa.ChainID, Err: fmt.Errorf("%w: %s does not recognise %s of %s",
			ledger.ErrTypeNotRecognised, f.cfg.LocalChainID, vct, fa.ChainID)}
	}
	fa.Type = t
	return fa, nil
}

// Followed returns the view of a foreign ledger, if followed.
func (f *Federation) Followed(chainID string) (ledger.View, bool) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	v := f.views[chainID]
	if v == nil {
		return nil, false
	}
	return v.view, true
}
