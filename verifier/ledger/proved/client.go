package proved

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	dbm "github.com/cometbft/cometbft-db"
	"github.com/cometbft/cometbft/crypto/merkle"
	cmtlog "github.com/cometbft/cometbft/libs/log"
	"github.com/cometbft/cometbft/light"
	"github.com/cometbft/cometbft/light/provider"
	lighthttp "github.com/cometbft/cometbft/light/provider/http"
	lightdb "github.com/cometbft/cometbft/light/store/db"
	cmtcrypto "github.com/cometbft/cometbft/proto/tendermint/crypto"
	rpcclient "github.com/cometbft/cometbft/rpc/client"
	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	cmttypes "github.com/cometbft/cometbft/types"
)

// Errors of the reader; callers map them to "not verified".
var (
	// ErrBadProof: a node's answer did not prove what was asked (wrong key or
	// height, missing proof, proof not matching the verified app hash).
	ErrBadProof = errors.New("proved: answer not proved")
	// ErrNoNode: no node is left to ask (all unreachable or dropped).
	ErrNoNode = errors.New("proved: no node left to ask")
	// ErrHeader: the light client could not verify a header.
	ErrHeader = errors.New("proved: header not verified")
)

// Defaults for Config fields left zero.
const (
	DefaultTimeout       = 3 * time.Second
	DefaultDropFor       = time.Minute
	DefaultMaxClockDrift = 10 * time.Second
	// headerCacheSize bounds the verified light blocks kept in memory.
	headerCacheSize = 256
)

// TrustRoot is where trust in a chain starts: a header the operator trusts
// (from the council's published value or a node of its own), and for how long
// a verified header may serve as a base for verifying newer ones (the trusting
// period, shorter than the unbonding time).
type TrustRoot struct {
	ChainID string
	Height  int64
	Hash    []byte
	Period  time.Duration
}

// Validate checks the trust root's fields.
func (r TrustRoot) Validate() error {
	if r.ChainID == "" {
		return errors.New("trust root: chain id is empty")
	}
	return light.TrustOptions{Period: r.Period, Height: r.Height, Hash: r.Hash}.ValidateBasic()
}

// ParseHash reads a header hash in hex.
func ParseHash(s string) ([]byte, error) {
	b, err := hex.DecodeString(strings.TrimPrefix(strings.ToLower(s), "0x"))
	if err != nil || len(b) != 32 {
		return nil, fmt.Errorf("trust hash %q: want 64 hex digits", s)
	}
	return b, nil
}

// Endpoint is one node's CometBFT RPC address (https://host:port).
type Endpoint struct {
	Name string
	URL  string
}

// Config configures a Client.
type Config struct {
	Root TrustRoot
	// Primary is asked first; Witnesses cross-check its headers and answer
	// queries when it cannot. With no witness the primary witnesses itself
	// (no cross-check; logged).
	Primary   Endpoint
	Witnesses []Endpoint
	// TLS configures https endpoints (nil: system roots, no client certificate).
	TLS *TLSConfig
	// AllowPlaintext permits http:// endpoints.
	AllowPlaintext bool
	// Timeout bounds one request to a node.
	Timeout time.Duration
	// DropFor is how long a node that gave a bad proof is not asked again.
	DropFor time.Duration
	// MaxClockDrift is the largest header time ahead of the local clock accepted.
	MaxClockDrift time.Duration
	// Now is the clock (time.Now if nil).
	Now    func() time.Time
	Logger *slog.Logger
}

// node is one endpoint the client asks for proofs.
type node struct {
	Endpoint
	rpc      *rpchttp.HTTP
	badUntil time.Time
}

// Client reads proved facts from one chain. Safe for concurrent use.
type Client struct {
	cfg  Config
	prt  *merkle.ProofRuntime
	lcMu sync.Mutex // serialises light-client verification
	lc   *light.Client
	// anchor is the newest header verified by an earlier light client: a
	// light client rebuilt after losing its witnesses starts from it.
	anchor *cmttypes.LightBlock
	mu     sync.Mutex
	nodes  []*node
	rotate int // index of the light client's first choice of primary (guarded by mu)
	// builtWith names the nodes the light client was built over (guarded by lcMu).
	builtWith string
	// verified light blocks by height, a bounded recent set.
	blocks map[int64]*cmttypes.LightBlock
	// drops counts nodes dropped for an unproved answer or a bad header (guarded by mu).
	drops int64
}

// New prepares a client for the endpoints; no request is made until Start
// (or the first Latest) verifies the trust root's header through them.
func New(cfg Config) (*Client, error) {
	if err := cfg.Root.Validate(); err != nil {
		return nil, err
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.DropFor <= 0 {
		cfg.DropFor = DefaultDropFor
	}
	if cfg.MaxClockDrift <= 0 {
		cfg.MaxClockDrift = DefaultMaxClockDrift
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	hc, err := cfg.TLS.httpClient(cfg.Timeout)
	if err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, prt: newProofRuntime(), blocks: make(map[int64]*cmttypes.LightBlock)}
	for _, ep := range append([]Endpoint{cfg.Primary}, cfg.Witnesses...) {
		if ep.Name == "" {
			ep.Name = ep.URL
		}
		n, err := c.dial(ep, hc)
		if err != nil {
			return nil, err
		}
		c.nodes = append(c.nodes, n)
	}
	if len(cfg.Witnesses) == 0 {
		cfg.Logger.Warn("proved: no witness configured; the primary's headers are not cross-checked", "primary", cfg.Primary.URL)
	}
	return c, nil
}

// Start verifies the trust root's header (or the newest header verified
// before) through the nodes; later calls return at once until the light
// client is dropped after a failure. The primary is the first node not
// dropped, in an order that rotates after each failure, and every other such
// node is a witness (with one node left it is its own witness: its headers
// are still verified against the trusted validator set, but not
// cross-checked).
func (c *Client) Start(ctx context.Context) error {
	c.lcMu.Lock()
	defer c.lcMu.Unlock()
	if c.lc != nil {
		return nil
	}
	return c.buildLocked(ctx, c.lightOrder(nil))
}

// buildLocked builds the light client over order (primary first).
func (c *Client) buildLocked(ctx context.Context, order []*node) error {
	if len(order) == 0 {
		return fmt.Errorf("%w: no node is reachable and not dropped", ErrNoNode)
	}
	providers := make([]provider.Provider, len(order))
	for i, n := range order {
		providers[i] = benign{Provider: lighthttp.NewWithClient(c.cfg.Root.ChainID, n.rpc), c: c, n: n}
	}
	witnesses := providers[1:]
	if len(witnesses) == 0 {
		witnesses = providers[:1] // the light client requires a witness
	}
	r := c.cfg.Root
	if a := c.anchor; a != nil && a.Height > r.Height {
		r.Height, r.Hash = a.Height, a.Hash() // verified before, by the same rules
	}
	lc, err := light.NewClient(ctx, r.ChainID, light.TrustOptions{Period: r.Period, Height: r.Height, Hash: r.Hash},
		providers[0], witnesses, lightdb.New(dbm.NewMemDB(), r.ChainID),
		light.SkippingVerification(light.DefaultTrustLevel),
		light.MaxClockDrift(c.cfg.MaxClockDrift),
		light.MaxRetryAttempts(2),
		light.PruningSize(headerCacheSize),
		light.Logger(cmtlog.NewNopLogger()))
	if err != nil {
		c.mu.Lock()
		c.rotate++ // another primary next time
		c.mu.Unlock()
		return fmt.Errorf("%w: light client from trusted height %d via %s: %w", ErrHeader, r.Height, order[0].Name, err)
	}
	c.lc, c.builtWith = lc, names(order)
	return nil
}

func names(ns []*node) string {
	var b strings.Builder
	for _, n := range ns {
		b.WriteString(n.Name)
		b.WriteByte(0)
	}
	return b.String()
}

// lightOrder returns the nodes not dropped (and, when live is given, live),
// starting at the rotation point.
func (c *Client) lightOrder(live map[*node]bool) []*node {
	now := c.cfg.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []*node
	for i := range c.nodes {
		n := c.nodes[(i+c.rotate)%len(c.nodes)]
		if now.After(n.badUntil) && (live == nil || live[n]) {
			out = append(out, n)
		}
	}
	return out
}

func (c *Client) dial(ep Endpoint, hc *http.Client) (*node, error) {
	switch {
	case strings.HasPrefix(ep.URL, "https://"):
	case strings.HasPrefix(ep.URL, "http://"):
		if !c.cfg.AllowPlaintext {
			return nil, fmt.Errorf("node %s: plaintext http:// endpoint; use https:// or allow plaintext explicitly", ep.URL)
		}
		c.cfg.Logger.Warn("proved: plaintext connection to a node (allowed by configuration)", "node", ep.URL)
	default:
		return nil, fmt.Errorf("node %q: want an https:// (or, when allowed, http://) URL", ep.URL)
	}
	rpc, err := rpchttp.NewWithClient(ep.URL, "/websocket", hc)
	if err != nil {
		return nil, fmt.Errorf("node %s: %w", ep.URL, err)
	}
	return &node{Endpoint: ep, rpc: rpc}, nil
}

// ChainID returns the chain the client follows.
func (c *Client) ChainID() string { return c.cfg.Root.ChainID }

// Latest verifies and returns the newest header the nodes can all serve:
// the primary's newest height, or the highest a witness has if that is lower
// (asking for a height a witness does not have yet makes the light client's
// cross-check wait tens of seconds). A node that understates its height can
// only delay the view, and a delayed view goes stale and fails closed.
func (c *Client) Latest(ctx context.Context) (*cmttypes.LightBlock, error) {
	heights := c.probe(ctx)
	live := make(map[*node]bool, len(heights))
	for n, h := range heights {
		live[n] = h > 0
	}
	order := c.lightOrder(live)
	c.lcMu.Lock()
	defer c.lcMu.Unlock()
	if c.lc != nil && c.builtWith != names(order) {
		// A node went away or came back: rebuild, so that a dead witness
		// cannot stall the cross-check and a recovered one is used again.
		c.resetLocked(errors.New("reachable nodes changed"))
	}
	if c.lc == nil {
		if err := c.buildLocked(ctx, order); err != nil {
			return nil, err
		}
	}
	// The primary's newest height, or the best witness's if lower.
	target := heights[order[0]]
	if len(order) > 1 {
		var w int64
		for _, n := range order[1:] {
			w = max(w, heights[n])
		}
		target = min(target, w)
	}
	var err error
	if target > 0 {
		_, err = c.lc.VerifyLightBlockAtHeight(ctx, target, c.cfg.Now())
	} else {
		_, err = c.lc.Update(ctx, c.cfg.Now())
	}
	if err != nil {
		c.resetLocked(err)
		return nil, fmt.Errorf("%w: update: %w", ErrHeader, err)
	}
	lb, err := c.lc.TrustedLightBlock(0)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrHeader, err)
	}
	c.anchor = lb
	c.remember(lb)
	return lb, nil
}

// ReportedHeight is the highest latest-block height the nodes report (not
// verified; 0 if none answers): a command that must see everything committed
// before it started waits until its verified state reaches it.
func (c *Client) ReportedHeight(ctx context.Context) int64 {
	var h int64
	for _, v := range c.probe(ctx) {
		h = max(h, v)
	}
	return h
}

// probe asks every node for its newest height (0: no answer).
func (c *Client) probe(ctx context.Context) map[*node]int64 {
	heights := make([]int64, len(c.nodes))
	var wg sync.WaitGroup
	for i, n := range c.nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			qctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
			defer cancel()
			if st, err := n.rpc.Status(qctx); err == nil {
				heights[i] = st.SyncInfo.LatestBlockHeight
			}
		}()
	}
	wg.Wait()
	out := make(map[*node]int64, len(c.nodes))
	for i, n := range c.nodes {
		out[n] = heights[i]
	}
	return out
}

// resetLocked drops the light client after a failure (a dead primary, a
// witness removed for good, a conflict): the next Start rebuilds it from the
// newest verified header with the next node as primary, so one bad or dead
// node cannot stall the view while another serves.
func (c *Client) resetLocked(err error) {
	if c.lc == nil {
		return
	}
	if lb, terr := c.lc.TrustedLightBlock(0); terr == nil {
		c.anchor = lb
	}
	c.lc = nil
	c.mu.Lock()
	c.rotate++
	c.mu.Unlock()
	c.cfg.Logger.Debug("proved: light client reset after a failure", "err", err)
}

// benign is a light provider whose transport failures (a node down or
// restarting) read as "no response", not as misbehaviour: the light client
// removes a witness for good on any other error. A block that fails its own
// checks drops the node (headers and queries) for DropFor.
type benign struct {
	provider.Provider
	c *Client
	n *node
}

// LightBlock implements provider.Provider.
func (b benign) LightBlock(ctx context.Context, h int64) (*cmttypes.LightBlock, error) {
	lb, err := b.Provider.LightBlock(ctx, h)
	var bad provider.ErrBadLightBlock
	switch {
	case errors.As(err, &bad):
		b.c.drop(b.n, err)
		return lb, err
	case err == nil, errors.Is(err, provider.ErrHeightTooHigh), errors.Is(err, provider.ErrLightBlockNotFound),
		errors.Is(err, provider.ErrNoResponse), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return lb, err
	}
	return nil, provider.ErrNoResponse
}

// LightBlock returns the verified light block at height h.
func (c *Client) LightBlock(ctx context.Context, h int64) (*cmttypes.LightBlock, error) {
	c.mu.Lock()
	lb := c.blocks[h]
	c.mu.Unlock()
	if lb != nil {
		return lb, nil
	}
	if err := c.Start(ctx); err != nil {
		return nil, err
	}
	c.lcMu.Lock()
	if c.lc == nil { // reset meanwhile
		c.lcMu.Unlock()
		return nil, fmt.Errorf("%w: light client being rebuilt", ErrHeader)
	}
	lb, err := c.lc.VerifyLightBlockAtHeight(ctx, h, c.cfg.Now())
	if err != nil {
		c.resetLocked(err)
	}
	c.lcMu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("%w: height %d: %w", ErrHeader, h, err)
	}
	c.remember(lb)
	return lb, nil
}

func (c *Client) remember(lb *cmttypes.LightBlock) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.blocks) >= headerCacheSize {
		var low int64 = -1
		for h := range c.blocks {
			if low < 0 || h < low {
				low = h
			}
		}
		delete(c.blocks, low)
	}
	c.blocks[lb.Height] = lb
}

// Fact is one proved store entry: the value under Key in Store at state
// height Height (nil Value: proved absent), with its proof.
type Fact struct {
	Store  string
	Key    []byte
	Height int64
	Value  []byte
	Proof  *cmtcrypto.ProofOps
}

// Exists reports whether the fact proves a value (not an absence).
func (f Fact) Exists() bool { return f.Value != nil }

// Get reads key from store at state height h, proved against the app hash of
// the verified header h+1. Nodes are asked in order; one whose answer does not
// prove the question is dropped for DropFor; one that cannot be reached is
// skipped for this read.
func (c *Client) Get(ctx context.Context, store string, key []byte, h int64) (Fact, error) {
	if h < 2 {
		return Fact{}, fmt.Errorf("%w: state height %d has no proofs", ErrBadProof, h)
	}
	lb, err := c.LightBlock(ctx, h+1)
	if err != nil {
		return Fact{}, err
	}
	var errs []error
	for _, n := range c.usable() {
		f, err := c.ask(ctx, n, store, key, h, lb.AppHash)
		if err == nil {
			return f, nil
		}
		errs = append(errs, fmt.Errorf("%s: %w", n.Name, err))
		if errors.Is(err, ErrBadProof) {
			c.drop(n, err)
		}
		if ctx.Err() != nil {
			break
		}
	}
	if len(errs) == 0 {
		return Fact{}, ErrNoNode
	}
	return Fact{}, fmt.Errorf("%w: %w", ErrNoNode, errors.Join(errs...))
}

func (c *Client) usable() []*node {
	now := c.cfg.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]*node, 0, len(c.nodes))
	for _, n := range c.nodes {
		if now.After(n.badUntil) {
			out = append(out, n)
		}
	}
	return out
}

func (c *Client) drop(n *node, err error) {
	c.mu.Lock()
	n.badUntil = c.cfg.Now().Add(c.cfg.DropFor)
	c.drops++
	c.mu.Unlock()
	c.cfg.Logger.Warn("proved: node dropped for an unproved answer or a bad header", "node", n.Name, "for", c.cfg.DropFor, "err", err)
}

// Drops returns how many times a node was dropped for an unproved answer or a
// bad header since the client was made (the verifier's metric
// amanah_verifier_node_drops_total).
func (c *Client) Drops() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.drops
}

// Usable returns how many nodes are not dropped now.
func (c *Client) Usable() int { return len(c.usable()) }

// Dropped returns the names of the nodes currently dropped.
func (c *Client) Dropped() []string {
	now := c.cfg.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, n := range c.nodes {
		if !now.After(n.badUntil) {
			out = append(out, n.Name)
		}
	}
	return out
}

func (c *Client) ask(ctx context.Context, n *node, store string, key []byte, h int64, appHash []byte) (Fact, error) {
	qctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	res, err := n.rpc.ABCIQueryWithOptions(qctx, "/store/"+store+"/key", key, rpcclient.ABCIQueryOptions{Height: h, Prove: true})
	if err != nil {
		return Fact{}, err // transport: not the node's fault we can prove
	}
	r := res.Response
	switch {
	case r.Code != 0:
		return Fact{}, fmt.Errorf("%w: query code %d: %s", ErrBadProof, r.Code, r.Log)
	case r.Height != h:
		return Fact{}, fmt.Errorf("%w: answered at height %d, asked %d", ErrBadProof, r.Height, h)
	case !bytes.Equal(r.Key, key):
		return Fact{}, fmt.Errorf("%w: answered key %x, asked %x", ErrBadProof, r.Key, key)
	case r.ProofOps == nil || len(r.ProofOps.Ops) == 0:
		return Fact{}, fmt.Errorf("%w: no proof", ErrBadProof)
	}
	f := Fact{Store: store, Key: key, Height: h, Value: r.Value, Proof: r.ProofOps}
	if len(f.Value) == 0 {
		f.Value = nil // the SDK stores no empty values; an empty answer claims absence
	}
	if err := verifyFact(c.prt, f, appHash); err != nil {
		return Fact{}, err
	}
	return f, nil
}

// verifyFact checks f's proof against appHash.
func verifyFact(prt *merkle.ProofRuntime, f Fact, appHash []byte) error {
	kp := merkle.KeyPath{}.AppendKey([]byte(f.Store), merkle.KeyEncodingURL).AppendKey(f.Key, merkle.KeyEncodingURL).String()
	var err error
	if f.Value != nil {
		err = prt.VerifyValue(f.Proof, appHash, kp, f.Value)
	} else {
		err = prt.VerifyAbsence(f.Proof, appHash, kp)
	}
	if err != nil {
		return fmt.Errorf("%w: %s/%x at %d: %w", ErrBadProof, f.Store, f.Key, f.Height, err)
	}
	return nil
}

// FetchLightBlock reads the light block at height h (0: the latest) from one
// node WITHOUT verifying it: trust on first use, for an operator taking a trust
// root from a node it runs itself (`amanah trust-root`). Never use it to
// verify anything.
func FetchLightBlock(ctx context.Context, url string, h int64, tlsCfg *TLSConfig, allowPlaintext bool) (*cmttypes.LightBlock, error) {
	c := &Client{cfg: Config{AllowPlaintext: allowPlaintext, Logger: slog.Default()}}
	hc, err := tlsCfg.httpClient(DefaultTimeout)
	if err != nil {
		return nil, err
	}
	n, err := c.dial(Endpoint{Name: url, URL: url}, hc)
	if err != nil {
		return nil, err
	}
	st, err := n.rpc.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("node %s: %w", url, err)
	}
	return lighthttp.NewWithClient(st.NodeInfo.Network, n.rpc).LightBlock(ctx, h)
}
