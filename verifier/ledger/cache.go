package ledger

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/amanah-id/amanah/credential/sdjwtvc"
	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/statuslist"
)

// ErrOutOfRange: a status index beyond the list's size.
var ErrOutOfRange = errors.New("ledger: status index out of range")

// Defaults for Config fields left zero.
const (
	DefaultFreshness    = 15 * time.Second
	DefaultQueryTimeout = 2 * time.Second
	DefaultMaxDIDs      = 1 << 20
	DefaultMaxPages     = 1 << 16
	DefaultMaxEntries   = 1 << 16
)

// Observer receives cache events (metrics); methods must be cheap.
type Observer interface {
	// CacheLookup records a cache hit or miss for a kind of object.
	CacheLookup(kind Kind, hit bool)
}

// Config configures a Cache.
type Config struct {
	// Freshness is how long after the last received block answers are still
	// given; past it every answer is ErrStale.
	Freshness time.Duration
	// QueryTimeout bounds one node query.
	QueryTimeout time.Duration
	// MaxDIDs, MaxPages and MaxEntries bound the cached DIDs, status pages,
	// and accreditation / relying-party entries.
	MaxDIDs, MaxPages, MaxEntries int
	// Now is the clock (time.Now if nil).
	Now func() time.Time
	// Observer receives cache hits and misses; may be nil.
	Observer Observer
	// Logger logs subscription failures (slog.Default if nil).
	Logger *slog.Logger
}

// Endpoint is one node: its query client and its block event source.
type Endpoint struct {
	// Name identifies the endpoint in logs and metrics.
	Name string
	// Node answers queries.
	Node Node
	// Events delivers the node's blocks.
	Events Events
}

// EndpointState is the observed state of one endpoint.
type EndpointState struct {
	Name   string
	Height int64
	SeenAt time.Time
}

// didMethod is one verification method of a cached DID version: its id
// relative to the DID ("#key-1"), and its key when it is an assertionMethod.
type didMethod struct {
	key       keys.PublicKey
	frag      string // interned by the didStore
	assertion bool
}

// didVersion is a compiled DID version, kept small (1M DIDs fit in memory):
// validity as Unix nanoseconds (until 0 = open) and a slice of methods.
type didVersion struct {
	from, until int64
	deactivated bool
	methods     []didMethod
}

func (v *didVersion) contains(t time.Time) bool {
	n := t.UnixNano()
	return n >= v.from && (v.until == 0 || n < v.until)
}

// method returns the method with id frag ("#..."), if any.
func (v *didVersion) method(frag string) (didMethod, bool) {
	for _, m := range v.methods {
		if m.frag == frag {
			return m, true
		}
	}
	return didMethod{}, false
}

type accrKey struct{ issuer, vct string }

type accrAnswer struct {
	w  Window
	ok bool
}

type endpointState struct {
	Endpoint
	height int64
	seenAt time.Time
}

// Cache is a View over one or more nodes. Create it with NewCache and start
// its event loops with Run.
type Cache struct {
	cfg Config

	mu        sync.RWMutex
	eps       []*endpointState
	sync      Sync
	epoch     [numKinds]uint64
	invalidAt [numKinds]int64
	dids      *didStore
	nDIDs     int
	accr      map[accrKey][]accrAnswer
	rps       map[string]*RelyingParty
	schemas   map[string]*Schema // nil: no such credential type
	lists     map[string]ListInfo
	pages     map[string]map[uint32][]byte
	nPages    int
}

var _ View = (*Cache)(nil)

// NewCache returns a cache over the endpoints (at least one).
func NewCache(cfg Config, endpoints ...Endpoint) (*Cache, error) {
	if len(endpoints) == 0 {
		return nil, errors.New("ledger: no endpoint")
	}
	if cfg.Freshness <= 0 {
		cfg.Freshness = DefaultFreshness
	}
	if cfg.QueryTimeout <= 0 {
		cfg.QueryTimeout = DefaultQueryTimeout
	}
	if cfg.MaxDIDs <= 0 {
		cfg.MaxDIDs = DefaultMaxDIDs
	}
	if cfg.MaxPages <= 0 {
		cfg.MaxPages = DefaultMaxPages
	}
	if cfg.MaxEntries <= 0 {
		cfg.MaxEntries = DefaultMaxEntries
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	c := &Cache{cfg: cfg}
	for _, ep := range endpoints {
		if ep.Node == nil || ep.Events == nil {
			return nil, fmt.Errorf("ledger: endpoint %q lacks a node or an event source", ep.Name)
		}
		c.eps = append(c.eps, &endpointState{Endpoint: ep})
	}
	c.resetLocked()
	return c, nil
}

func (c *Cache) resetLocked() {
	c.dids = newDIDStore()
	c.nDIDs = 0
	c.accr = make(map[accrKey][]accrAnswer)
	c.rps = make(map[string]*RelyingParty)
	c.schemas = make(map[string]*Schema)
	c.lists = make(map[string]ListInfo)
	c.pages = make(map[string]map[uint32][]byte)
	c.nPages = 0
	for k := range c.epoch {
		c.epoch[k]++
	}
}

// Run follows every endpoint's blocks until ctx ends.
func (c *Cache) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for i := range c.eps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.follow(ctx, c.eps[i])
		}()
	}
	wg.Wait()
}

func (c *Cache) follow(ctx context.Context, ep *endpointState) {
	backoff := 50 * time.Millisecond
	for ctx.Err() == nil {
		ch, err := ep.Events.Subscribe(ctx)
		if err == nil {
			for b := range ch {
				c.Apply(ep.Name, b)
				backoff = 50 * time.Millisecond
			}
		} else {
			c.cfg.Logger.Warn("ledger: subscribe failed", "endpoint", ep.Name, "err", err)
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		backoff = min(backoff*2, 2*time.Second)
	}
}

// Apply records block b as received from the endpoint named name and
// invalidates what it changed. Blocks at or below the applied height only
// advance that endpoint; a gap in heights drops the whole cache.
func (c *Cache) Apply(name string, b Block) {
	now := c.cfg.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, ep := range c.eps {
		if ep.Name == name && b.Height >= ep.height {
			ep.height, ep.seenAt = b.Height, now
		}
	}
	if b.Height <= c.sync.Height {
		if b.Height == c.sync.Height {
			c.sync.SeenAt = now
		}
		return
	}
	if c.sync.Synced && b.Height > c.sync.Height+1 {
		// Missed blocks: their changes are unknown.
		c.resetLocked()
		for k := range c.invalidAt {
			c.invalidAt[k] = b.Height
		}
	}
	for _, ch := range b.Changes {
		c.invalidateLocked(ch, b.Height)
	}
	c.sync = Sync{Synced: true, Height: b.Height, BlockTime: b.Time, SeenAt: now}
}

func (c *Cache) invalidateLocked(ch Change, height int64) {
	if ch.Kind >= numKinds {
		return
	}
	c.epoch[ch.Kind]++
	c.invalidAt[ch.Kind] = height
	switch ch.Kind {
	case KindDID:
		if ch.Key == "" {
			c.dids, c.nDIDs = newDIDStore(), 0
			return
		}
		c.nDIDs -= c.dids.remove(ch.Key)
	case KindTrust:
		c.accr = make(map[accrKey][]accrAnswer)
		c.rps = make(map[string]*RelyingParty)
		c.schemas = make(map[string]*Schema)
	case KindStatus:
		if ch.Key == "" {
			c.lists, c.pages, c.nPages = make(map[string]ListInfo), make(map[string]map[uint32][]byte), 0
			return
		}
		pages := c.pages[ch.Key]
		if ch.Indices == nil {
			c.nPages -= len(pages)
			delete(c.pages, ch.Key)
			for uri, li := range c.lists {
				if li.ID == ch.Key {
					delete(c.lists, uri)
				}
			}
			return
		}
		var bits uint8
		for _, li := range c.lists {
			if li.ID == ch.Key {
				bits = li.Bits
			}
		}
		if bits == 0 {
			c.nPages -= len(pages)
			delete(c.pages, ch.Key)
			return
		}
		for _, idx := range ch.Indices {
			p, _ := statuslist.Locate(idx, bits)
			if _, ok := pages[p]; ok {
				delete(pages, p)
				c.nPages--
			}
		}
	}
}

// Sync returns how current the view is.
func (c *Cache) Sync() Sync {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.sync
}

// Endpoints returns the observed state of each endpoint.
func (c *Cache) Endpoints() []EndpointState {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]EndpointState, 0, len(c.eps))
	for _, ep := range c.eps {
		out = append(out, EndpointState{Name: ep.Name, Height: ep.height, SeenAt: ep.seenAt})
	}
	return out
}

// Fresh returns ErrStale when the view has not synced or its latest block is
// older than the freshness bound.
func (c *Cache) Fresh() error {
	s := c.Sync()
	if !s.Synced {
		return fmt.Errorf("%w: not synced", ErrStale)
	}
	if age := s.Age(c.cfg.Now()); age > c.cfg.Freshness {
		return fmt.Errorf("%w: last block %s ago (bound %s)", ErrStale, age.Round(time.Millisecond), c.cfg.Freshness)
	}
	return nil
}

// query runs q against live endpoints, freshest first, until one answers at
// a height no older than the kind's last invalidation. It returns the epoch
// read before querying, for insertLocked.
func (c *Cache) query(ctx context.Context, kind Kind, q func(context.Context, Node) (int64, error)) (uint64, error) {
	now := c.cfg.Now()
	c.mu.RLock()
	epoch, minHeight := c.epoch[kind], c.invalidAt[kind]
	live := make([]*endpointState, 0, len(c.eps))
	heights := make(map[*endpointState]int64, len(c.eps))
	for _, ep := range c.eps {
		if ep.height > 0 && now.Sub(ep.seenAt) <= c.cfg.Freshness {
			live = append(live, ep)
			heights[ep] = ep.height
		}
	}
	c.mu.RUnlock()
	slices.SortStableFunc(live, func(a, b *endpointState) int { return int(heights[b] - heights[a]) })
	var errs []error
	for _, ep := range live {
		qctx, cancel := context.WithTimeout(ctx, c.cfg.QueryTimeout)
		h, err := q(qctx, ep.Node)
		cancel()
		switch {
		case errors.Is(err, ErrNotFound):
			return epoch, err
		case err != nil:
			errs = append(errs, fmt.Errorf("%s: %w", ep.Name, err))
		case h < minHeight:
			errs = append(errs, fmt.Errorf("%s: answered at height %d, before change at %d", ep.Name, h, minHeight))
		default:
			return epoch, nil
		}
		if ctx.Err() != nil {
			break
		}
	}
	if len(live) == 0 {
		return epoch, fmt.Errorf("%w: no live endpoint", ErrUnavailable)
	}
	return epoch, fmt.Errorf("%w: %w", ErrUnavailable, errors.Join(errs...))
}

func (c *Cache) observe(k Kind, hit bool) {
	if c.cfg.Observer != nil {
		c.cfg.Observer.CacheLookup(k, hit)
	}
}

// IssuerKey implements View.
func (c *Cache) IssuerKey(ctx context.Context, iss, kid string, at time.Time) (keys.PublicKey, error) {
	if strings.HasPrefix(kid, "#") {
		kid = iss + kid
	}
	did, frag, _ := strings.Cut(kid, "#")
	if did != iss || frag == "" {
		return keys.PublicKey{}, fmt.Errorf("kid %q is not a key of %q: %w", kid, iss, sdjwtvc.ErrUnknownKey)
	}
	v, err := c.didAt(ctx, iss, at)
	if errors.Is(err, ErrNotFound) {
		return keys.PublicKey{}, fmt.Errorf("%s: %w", iss, sdjwtvc.ErrUnknownKey)
	}
	if err != nil {
		return keys.PublicKey{}, err
	}
	m, ok := v.method("#" + frag)
	switch {
	case !ok:
		return keys.PublicKey{}, fmt.Errorf("%s: %w", kid, sdjwtvc.ErrUnknownKey)
	case !m.assertion:
		return keys.PublicKey{}, fmt.Errorf("%s: %w", kid, sdjwtvc.ErrNotAssertionMethod)
	}
	// A deactivated DID signs nothing any more, whatever the iat claims.
	if cur, err := c.didAt(ctx, iss, c.cfg.Now()); err != nil && !errors.Is(err, ErrNotFound) {
		return keys.PublicKey{}, err
	} else if err == nil && cur.deactivated {
		return keys.PublicKey{}, fmt.Errorf("%s is deactivated: %w", iss, sdjwtvc.ErrUnknownKey)
	}
	return m.key, nil
}

// AssertionKeys implements View.
func (c *Cache) AssertionKeys(ctx context.Context, did string, at time.Time) ([]Key, error) {
	v, err := c.didAt(ctx, did, at)
	if err != nil {
		return nil, err
	}
	var out []Key
	for _, m := range v.methods {
		if m.assertion {
			out = append(out, Key{ID: did + m.frag, Key: m.key})
		}
	}
	return out, nil
}

func (c *Cache) didAt(ctx context.Context, did string, at time.Time) (didVersion, error) {
	if err := c.Fresh(); err != nil {
		return didVersion{}, err
	}
	c.mu.RLock()
	if e := c.dids.lookup(did); e != nil {
		for i := range e.len() {
			if v := e.version(i); v.contains(at) {
				out := *v
				c.mu.RUnlock()
				c.observe(KindDID, true)
				return out, nil
			}
		}
	}
	c.mu.RUnlock()
	c.observe(KindDID, false)
	var dv DIDVersion
	epoch, err := c.query(ctx, KindDID, func(ctx context.Context, n Node) (h int64, err error) {
		dv, h, err = n.DIDVersion(ctx, did, at)
		return h, err
	})
	if err != nil {
		return didVersion{}, fmt.Errorf("resolve %s: %w", did, err)
	}
	v := compileVersion(did, dv)
	c.mu.Lock()
	if c.epoch[KindDID] == epoch {
		if c.nDIDs >= c.cfg.MaxDIDs {
			c.evictDIDLocked()
		}
		c.dids.add(did, v)
		c.nDIDs++
	}
	c.mu.Unlock()
	return v, nil
}

func (c *Cache) evictDIDLocked() {
	c.nDIDs -= c.dids.removeAny() // an arbitrary entry
}

func compileVersion(did string, dv DIDVersion) didVersion {
	v := didVersion{from: dv.ValidFrom.UnixNano(), deactivated: dv.Deactivated}
	if !dv.ValidUntil.IsZero() {
		v.until = dv.ValidUntil.UnixNano()
	}
	if dv.Deactivated || dv.Document == nil {
		return v
	}
	frag := func(id string) (string, bool) {
		if strings.HasPrefix(id, "#") {
			return id, true
		}
		if rest, ok := strings.CutPrefix(id, did); ok && strings.HasPrefix(rest, "#") {
			return rest, true
		}
		return "", false // a method of another DID cannot sign for this one
	}
	asserts := dv.Document.MethodsFor(didcore.AssertionMethod)
	var buf [8]didMethod
	v.methods = buf[:0]
	for _, m := range asserts {
		f, ok := frag(m.ID)
		if !ok {
			continue
		}
		k, err := m.PublicKey()
		if err != nil {
			continue // a key this verifier cannot use is no key
		}
		v.methods = append(v.methods, didMethod{frag: f, key: k, assertion: true})
	}
	for _, m := range dv.Document.VerificationMethods {
		if f, ok := frag(m.ID); ok {
			if _, dup := v.method(f); !dup {
				v.methods = append(v.methods, didMethod{frag: f})
			}
		}
	}
	v.methods = append([]didMethod(nil), v.methods...) // exact size, off the stack buffer
	return v
}

// Accredited implements View.
func (c *Cache) Accredited(ctx context.Context, issuer, vct string, at time.Time) (bool, error) {
	if err := c.Fresh(); err != nil {
		return false, err
	}
	key := accrKey{issuer, vct}
	c.mu.RLock()
	for _, a := range c.accr[key] {
		if a.w.Contains(at) {
			c.mu.RUnlock()
			c.observe(KindTrust, true)
			return a.ok, nil
		}
	}
	c.mu.RUnlock()
	c.observe(KindTrust, false)
	var a accrAnswer
	epoch, err := c.query(ctx, KindTrust, func(ctx context.Context, n Node) (h int64, err error) {
		a.ok, a.w, h, err = n.Accreditation(ctx, issuer, vct, at)
		return h, err
	})
	if errors.Is(err, ErrNotFound) {
		a, err = accrAnswer{w: Window{From: at, Until: at.Add(time.Second)}}, nil
	}
	if err != nil {
		return false, fmt.Errorf("accreditation of %s for %s: %w", issuer, vct, err)
	}
	if !a.w.Contains(at) { // a node's window must cover the instant asked about
		a.w = Window{From: at, Until: at.Add(time.Second)}
	}
	c.mu.Lock()
	if c.epoch[KindTrust] == epoch {
		if len(c.accr) >= c.cfg.MaxEntries {
			clear(c.accr)
		}
		if len(c.accr[key]) >= 64 {
			c.accr[key] = c.accr[key][:0]
		}
		c.accr[key] = append(c.accr[key], a)
	}
	c.mu.Unlock()
	return a.ok, nil
}

// RelyingParty implements View.
func (c *Cache) RelyingParty(ctx context.Context, did string) (*RelyingParty, error) {
	if err := c.Fresh(); err != nil {
		return nil, err
	}
	c.mu.RLock()
	rp, ok := c.rps[did]
	c.mu.RUnlock()
	c.observe(KindTrust, ok)
	if ok {
		return rp, nil
	}
	var got RelyingParty
	epoch, err := c.query(ctx, KindTrust, func(ctx context.Context, n Node) (h int64, err error) {
		got, h, err = n.RelyingParty(ctx, did)
		return h, err
	})
	if err != nil {
		return nil, fmt.Errorf("relying party %s: %w", did, err)
	}
	rp = &got
	c.mu.Lock()
	if c.epoch[KindTrust] == epoch {
		if len(c.rps) >= c.cfg.MaxEntries {
			clear(c.rps)
		}
		c.rps[did] = rp
	}
	c.mu.Unlock()
	return rp, nil
}

// CredentialSchema implements View. Answers, "not registered" included, are
// kept until the trust registry changes.
func (c *Cache) CredentialSchema(ctx context.Context, vct string) (Schema, error) {
	if err := c.Fresh(); err != nil {
		return Schema{}, err
	}
	c.mu.RLock()
	sch, ok := c.schemas[vct]
	c.mu.RUnlock()
	c.observe(KindTrust, ok)
	if !ok {
		var got Schema
		epoch, err := c.query(ctx, KindTrust, func(ctx context.Context, n Node) (h int64, err error) {
			got, h, err = n.CredentialSchema(ctx, vct)
			return h, err
		})
		switch {
		case errors.Is(err, ErrNotFound):
			sch = nil
		case err != nil:
			return Schema{}, fmt.Errorf("credential type %s: %w", vct, err)
		default:
			got.VCT, got.SHA256 = vct, sha256.Sum256([]byte(got.JSON))
			sch = &got
		}
		c.mu.Lock()
		if c.epoch[KindTrust] == epoch {
			if len(c.schemas) >= c.cfg.MaxEntries {
				clear(c.schemas)
			}
			c.schemas[vct] = sch
		}
		c.mu.Unlock()
	}
	if sch == nil {
		return Schema{}, fmt.Errorf("credential type %s: %w", vct, ErrNotFound)
	}
	return *sch, nil
}

// Status implements View.
func (c *Cache) Status(ctx context.Context, uri string, idx uint32) (uint8, int64, error) {
	if err := c.Fresh(); err != nil {
		return 0, 0, err
	}
	c.mu.RLock()
	li, ok := c.lists[uri]
	height := c.sync.Height
	c.mu.RUnlock()
	if !ok {
		c.observe(KindStatus, false)
		epoch, err := c.query(ctx, KindStatus, func(ctx context.Context, n Node) (h int64, err error) {
			li, h, err = n.StatusList(ctx, uri)
			return h, err
		})
		if err != nil {
			return 0, 0, fmt.Errorf("status list %s: %w", uri, err)
		}
		if !statuslist.ValidListBits(li.Bits) {
			return 0, 0, fmt.Errorf("status list %s: %w", uri, statuslist.ErrInvalidBits)
		}
		c.mu.Lock()
		if c.epoch[KindStatus] == epoch {
			if len(c.lists) >= c.cfg.MaxEntries {
				clear(c.lists)
			}
			c.lists[uri] = li
		}
		c.mu.Unlock()
	}
	if idx >= li.Size {
		return 0, 0, fmt.Errorf("status list %s index %d of %d: %w", uri, idx, li.Size, ErrOutOfRange)
	}
	p, off := statuslist.Locate(idx, li.Bits)
	c.mu.RLock()
	page, ok := c.pages[li.ID][p]
	c.mu.RUnlock()
	c.observe(KindStatus, ok)
	if !ok {
		epoch, err := c.query(ctx, KindStatus, func(ctx context.Context, n Node) (h int64, err error) {
			page, h, err = n.StatusPage(ctx, li.ID, p)
			return h, err
		})
		if errors.Is(err, ErrNotFound) {
			page, err = nil, nil // never written: every entry valid
		}
		if err != nil {
			return 0, 0, fmt.Errorf("status list %s page %d: %w", uri, p, err)
		}
		if len(page) != 0 && len(page) != statuslist.PageBytes {
			return 0, 0, fmt.Errorf("status list %s page %d: %d bytes: %w", uri, p, len(page), ErrUnavailable)
		}
		c.mu.Lock()
		if c.epoch[KindStatus] == epoch {
			if c.nPages >= c.cfg.MaxPages {
				c.pages, c.nPages = make(map[string]map[uint32][]byte), 0
			}
			m := c.pages[li.ID]
			if m == nil {
				m = make(map[uint32][]byte)
				c.pages[li.ID] = m
			}
			if _, dup := m[p]; !dup {
				c.nPages++
			}
			m[p] = page
		}
		height = c.sync.Height
		c.mu.Unlock()
	}
	if len(page) == 0 {
		return statuslist.StatusValid, height, nil
	}
	return statuslist.Get(page, off, li.Bits), height, nil
}
