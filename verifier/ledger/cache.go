package ledger

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/amanah-id/amanah/credential/sdjwtvc"
	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/statuslist"
	statustypes "github.com/amanah-id/amanah/x/status/types"
)

// Defaults for Config fields left zero.
const (
	DefaultFreshness    = 15 * time.Second
	DefaultClockSkew    = 2 * time.Second
	DefaultPoll         = 200 * time.Millisecond
	DefaultMaxCatchUp   = 120
	DefaultQueryTimeout = 5 * time.Second
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
	// Freshness bounds the age of the state answers rest on, by the block
	// time of its verified header; past it (plus ClockSkew) every answer is
	// ErrStale.
	Freshness time.Duration
	// ClockSkew is the difference between block times and the local clock
	// tolerated on top of Freshness.
	ClockSkew time.Duration
	// Poll is how often the cache asks its Source for a newer state.
	Poll time.Duration
	// MaxCatchUp is how many blocks behind the cache replays journals; further
	// behind it starts over empty at the new state.
	MaxCatchUp int64
	// QueryTimeout bounds one Source read.
	QueryTimeout time.Duration
	// MaxDIDs bounds the cached DIDs; MaxPages the status pages; MaxEntries
	// each of the other kinds (holders, relying parties, types, lists).
	MaxDIDs, MaxPages, MaxEntries int
	// Now is the clock (time.Now if nil).
	Now func() time.Time
	// Observer receives cache hits and misses; may be nil.
	Observer Observer
	// Logger logs follower failures (slog.Default if nil).
	Logger *slog.Logger
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

type pageKey struct {
	list uint64
	page uint32
}

// Cache is a View over a Source. Create it with NewCache and follow the
// chain with Run.
type Cache struct {
	cfg Config
	src Source

	mu    sync.RWMutex
	sync  Sync
	epoch [numKinds]uint64
	dids  *didStore
	nDIDs int

	// The other kinds, each an LRU; a nil value caches a proved absence.
	missingDIDs *lru.Cache[string, struct{}]
	held        *lru.Cache[string, []Accreditation]
	rps         *lru.Cache[string, *RelyingParty]
	schemas     *lru.Cache[string, *Schema]
	// recognitions of foreign ledgers by chain id (an empty list: never recognised).
	recognitions *lru.Cache[string, *[]Recognition]
	lists        *lru.Cache[uint64, *ListInfo]
	pages        *lru.Cache[pageKey, []byte]
}

var _ View = (*Cache)(nil)

// NewCache returns a cache over src.
func NewCache(cfg Config, src Source) (*Cache, error) {
	if src == nil {
		return nil, errors.New("ledger: no source")
	}
	if cfg.Freshness <= 0 {
		cfg.Freshness = DefaultFreshness
	}
	if cfg.ClockSkew <= 0 {
		cfg.ClockSkew = DefaultClockSkew
	}
	if cfg.Poll <= 0 {
		cfg.Poll = DefaultPoll
	}
	if cfg.MaxCatchUp <= 0 {
		cfg.MaxCatchUp = DefaultMaxCatchUp
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
	c := &Cache{cfg: cfg, src: src}
	c.resetLocked()
	return c, nil
}

// NewPinned returns a view fixed at state head over src: it never follows the
// chain and is always fresh as of head.Time. Evidence is collected and
// re-checked with it, by the same rules as the live view.
func NewPinned(cfg Config, src Source, head Head) (*Cache, error) {
	cfg.Now = func() time.Time { return head.Time }
	c, err := NewCache(cfg, src)
	if err != nil {
		return nil, err
	}
	c.sync = Sync{Synced: true, Height: head.Height, BlockTime: head.Time, SeenAt: head.Time}
	return c, nil
}

func mustLRU[K comparable, V any](n int) *lru.Cache[K, V] {
	c, err := lru.New[K, V](n)
	if err != nil {
		panic(err) // only for n <= 0, excluded by NewCache
	}
	return c
}

func (c *Cache) resetLocked() {
	c.dids, c.nDIDs = newDIDStore(), 0
	c.missingDIDs = mustLRU[string, struct{}](c.cfg.MaxEntries)
	c.held = mustLRU[string, []Accreditation](c.cfg.MaxEntries)
	c.rps = mustLRU[string, *RelyingParty](c.cfg.MaxEntries)
	c.schemas = mustLRU[string, *Schema](c.cfg.MaxEntries)
	c.recognitions = mustLRU[string, *[]Recognition](c.cfg.MaxEntries)
	c.lists = mustLRU[uint64, *ListInfo](c.cfg.MaxEntries)
	c.pages = mustLRU[pageKey, []byte](c.cfg.MaxPages)
	for k := range c.epoch {
		c.epoch[k]++
	}
}

// Run follows the chain until ctx ends: every Poll it asks the Source for a
// newer verified state and applies the journal of every block up to it.
func (c *Cache) Run(ctx context.Context) {
	t := time.NewTicker(c.cfg.Poll)
	defer t.Stop()
	var lastErr string
	for {
		if err := c.Step(ctx); err != nil && ctx.Err() == nil {
			if msg := err.Error(); msg != lastErr { // log each new failure once
				c.cfg.Logger.Warn("ledger: follow", "err", err)
				lastErr = msg
			}
		} else {
			lastErr = ""
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Step advances the cache to the Source's newest state once.
func (c *Cache) Step(ctx context.Context) error {
	qctx, cancel := context.WithTimeout(ctx, c.cfg.QueryTimeout)
	head, err := c.src.Head(qctx)
	cancel()
	if err != nil {
		return fmt.Errorf("head: %w", err)
	}
	c.mu.RLock()
	cur := c.sync
	c.mu.RUnlock()
	switch {
	case head.Height < cur.Height:
		return fmt.Errorf("head %d is behind the applied state %d", head.Height, cur.Height)
	case head.Height == cur.Height:
		return nil
	case !cur.Synced || head.Height-cur.Height > c.cfg.MaxCatchUp:
		c.mu.Lock()
		c.resetLocked()
		c.sync = Sync{Synced: true, Height: head.Height, BlockTime: head.Time, SeenAt: c.cfg.Now()}
		c.mu.Unlock()
		return nil
	}
	for h := cur.Height + 1; h <= head.Height; h++ {
		qctx, cancel := context.WithTimeout(ctx, c.cfg.QueryTimeout)
		j, err := c.src.Journal(qctx, h)
		cancel()
		if err != nil {
			return fmt.Errorf("journal %d: %w", h, err)
		}
		c.mu.Lock()
		c.applyLocked(j)
		c.sync.Height = h
		if h == head.Height {
			c.sync.BlockTime, c.sync.SeenAt = head.Time, c.cfg.Now()
		}
		c.mu.Unlock()
	}
	return nil
}

// applyLocked drops what block j changed.
func (c *Cache) applyLocked(j Journal) {
	if len(j.DIDs) > 0 {
		c.epoch[KindDID]++
		for _, d := range j.DIDs {
			c.nDIDs -= c.dids.remove(d)
			c.missingDIDs.Remove(d)
		}
	}
	if len(j.Holders)+len(j.RelyingParties)+len(j.VCTs)+len(j.Ledgers) > 0 {
		c.epoch[KindTrust]++
		for _, d := range j.Holders {
			c.held.Remove(d)
		}
		for _, d := range j.RelyingParties {
			c.rps.Remove(d)
		}
		for _, v := range j.VCTs {
			c.schemas.Remove(v)
		}
		for _, l := range j.Ledgers {
			c.recognitions.Remove(l)
		}
	}
	if len(j.Lists) > 0 {
		c.epoch[KindStatus]++
		for id, pages := range j.Lists {
			if li, ok := c.lists.Peek(id); ok && li == nil {
				c.lists.Remove(id) // created (maybe written too): a cached absence goes; a list's parameters never change
			}
			for _, p := range pages {
				c.pages.Remove(pageKey{id, p})
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

// Fresh returns ErrStale when the view has not synced or the block time of its
// state is older than the freshness bound.
func (c *Cache) Fresh() error {
	s := c.Sync()
	if !s.Synced {
		return fmt.Errorf("%w: not synced", ErrStale)
	}
	if age := s.Age(c.cfg.Now()); age > c.cfg.Freshness+c.cfg.ClockSkew {
		return fmt.Errorf("%w: state of block time %s is %s old (bound %s + skew %s)", ErrStale,
			s.BlockTime.UTC().Format(time.RFC3339), age.Round(time.Millisecond), c.cfg.Freshness, c.cfg.ClockSkew)
	}
	return nil
}

// read runs one Source read at the applied state height, returning the epoch
// of kind read before it (an insert is kept only if no block changed the kind
// meanwhile). Source failures other than ErrNotFound are ErrUnavailable.
func (c *Cache) read(ctx context.Context, kind Kind, q func(context.Context, int64) error) (uint64, error) {
	c.mu.RLock()
	epoch, h := c.epoch[kind], c.sync.Height
	c.mu.RUnlock()
	qctx, cancel := context.WithTimeout(ctx, c.cfg.QueryTimeout)
	defer cancel()
	err := q(qctx, h)
	if err != nil && !errors.Is(err, ErrNotFound) {
		err = fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return epoch, err
}

func (c *Cache) observe(k Kind, hit bool) {
	if c.cfg.Observer != nil {
		c.cfg.Observer.CacheLookup(k, hit)
	}
}

// did returns the complete history of did (nil: no such DID).
func (c *Cache) did(ctx context.Context, did string) (*didEntry, error) {
	c.mu.RLock()
	if e := c.dids.lookup(did); e != nil {
		cp := *e
		c.mu.RUnlock()
		c.observe(KindDID, true)
		return &cp, nil
	}
	c.mu.RUnlock()
	if _, ok := c.missingDIDs.Get(did); ok {
		c.observe(KindDID, true)
		return nil, nil
	}
	c.observe(KindDID, false)
	var hist []DIDVersion
	epoch, err := c.read(ctx, KindDID, func(ctx context.Context, h int64) (err error) {
		hist, err = c.src.DIDHistory(ctx, did, h)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", did, err)
	}
	if len(hist) == 0 {
		c.mu.Lock()
		if c.epoch[KindDID] == epoch {
			c.missingDIDs.Add(did, struct{}{})
		}
		c.mu.Unlock()
		return nil, nil
	}
	vs, retired := compileHistory(did, hist)
	c.mu.Lock()
	if c.epoch[KindDID] == epoch {
		if c.dids.lookup(did) == nil {
			if c.nDIDs >= c.cfg.MaxDIDs {
				c.nDIDs -= c.dids.removeAny() // an arbitrary entry
			}
			c.nDIDs += len(vs)
		}
		c.dids.put(did, vs, retired)
	}
	c.mu.Unlock()
	return &didEntry{first: vs[0], more: vs[1:], retired: &retired}, nil
}

// compileHistory compiles a complete history: each version valid from its
// write until the next one's.
func compileHistory(did string, hist []DIDVersion) ([]didVersion, []retiredMark) {
	vs := make([]didVersion, len(hist))
	var retired []retiredMark
	for i, dv := range hist {
		vs[i] = compileVersion(did, dv)
		if i+1 < len(hist) {
			vs[i].until = hist[i+1].Updated.UnixNano()
		}
		for _, r := range dv.Retired {
			if frag, ok := relative(did, r.ID); ok {
				retired = append(retired, retiredMark{version: i, frag: frag, at: r.At.UnixNano()})
			}
		}
	}
	return vs, retired
}

// relative returns the fragment ("#key-1") of a method id of did.
func relative(did, id string) (string, bool) {
	if strings.HasPrefix(id, "#") {
		return id, true
	}
	if rest, ok := strings.CutPrefix(id, did); ok && strings.HasPrefix(rest, "#") {
		return rest, true
	}
	return "", false // a method of another DID cannot sign for this one
}

func compileVersion(did string, dv DIDVersion) didVersion {
	v := didVersion{from: dv.Updated.UnixNano(), deactivated: dv.Deactivated}
	if dv.Deactivated || dv.Document == nil {
		return v
	}
	asserts := dv.Document.MethodsFor(didcore.AssertionMethod)
	var buf [8]didMethod
	v.methods = buf[:0]
	for _, m := range asserts {
		f, ok := relative(did, m.ID)
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
		if f, ok := relative(did, m.ID); ok {
			if _, dup := v.method(f); !dup {
				v.methods = append(v.methods, didMethod{frag: f})
			}
		}
	}
	v.methods = append([]didMethod(nil), v.methods...) // exact size, off the stack buffer
	return v
}

// IssuerKey implements View (keyRule).
func (c *Cache) IssuerKey(ctx context.Context, iss, kid string, at time.Time) (keys.PublicKey, error) {
	if err := c.Fresh(); err != nil {
		return keys.PublicKey{}, err
	}
	if strings.HasPrefix(kid, "#") {
		kid = iss + kid
	}
	did, frag, _ := strings.Cut(kid, "#")
	if did != iss || frag == "" {
		return keys.PublicKey{}, fmt.Errorf("kid %q is not a key of %q: %w", kid, iss, sdjwtvc.ErrUnknownKey)
	}
	e, err := c.did(ctx, iss)
	if err != nil {
		return keys.PublicKey{}, err
	}
	if e == nil {
		return keys.PublicKey{}, fmt.Errorf("%s: %w", iss, sdjwtvc.ErrUnknownKey)
	}
	k, err := keyRule(e, "#"+frag, at)
	if err != nil {
		return keys.PublicKey{}, fmt.Errorf("%s: %w", kid, err)
	}
	return k, nil
}

// AssertionKeys implements View.
func (c *Cache) AssertionKeys(ctx context.Context, did string, at time.Time) ([]Key, error) {
	if err := c.Fresh(); err != nil {
		return nil, err
	}
	e, err := c.did(ctx, did)
	if err != nil {
		return nil, err
	}
	i := -1
	if e != nil {
		i = e.versionAt(at)
	}
	if i < 0 {
		return nil, fmt.Errorf("%s at %s: %w", did, at.UTC().Format(time.RFC3339), ErrNotFound)
	}
	var out []Key
	for _, m := range e.version(i).methods {
		if m.assertion {
			out = append(out, Key{ID: did + m.frag, Key: m.key})
		}
	}
	return out, nil
}

// heldBy returns every accreditation did holds.
func (c *Cache) heldBy(ctx context.Context, did string) ([]Accreditation, error) {
	if as, ok := c.held.Get(did); ok {
		c.observe(KindTrust, true)
		return as, nil
	}
	c.observe(KindTrust, false)
	var as []Accreditation
	epoch, err := c.read(ctx, KindTrust, func(ctx context.Context, h int64) (err error) {
		as, err = c.src.Held(ctx, did, h)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("accreditations of %s: %w", did, err)
	}
	c.mu.Lock()
	if c.epoch[KindTrust] == epoch {
		c.held.Add(did, as)
	}
	c.mu.Unlock()
	return as, nil
}

// cacheFacts serves accreditedRule from the cache within one request.
type cacheFacts struct {
	c   *Cache
	ctx context.Context
}

func (f cacheFacts) did(did string) (*didEntry, error)        { return f.c.did(f.ctx, did) }
func (f cacheFacts) held(did string) ([]Accreditation, error) { return f.c.heldBy(f.ctx, did) }

// Accredited implements View (accreditedRule).
func (c *Cache) Accredited(ctx context.Context, issuer, vct string, at time.Time) (bool, error) {
	if err := c.Fresh(); err != nil {
		return false, err
	}
	ok, err := accreditedRule(cacheFacts{c, ctx}, issuer, vct, at)
	if err != nil {
		return false, fmt.Errorf("accreditation of %s for %s: %w", issuer, vct, err)
	}
	return ok, nil
}

// cached returns m's value for k; on a miss it reads it from the Source at the
// applied height and keeps it (nil: proved absent, ErrNotFound) unless a block
// changed the kind meanwhile.
func cached[K comparable, V any](ctx context.Context, c *Cache, kind Kind, m *lru.Cache[K, *V], k K,
	read func(context.Context, int64) (V, error)) (*V, error) {
	v, ok := m.Get(k)
	c.observe(kind, ok)
	if !ok {
		var got V
		epoch, err := c.read(ctx, kind, func(ctx context.Context, h int64) (err error) {
			got, err = read(ctx, h)
			return err
		})
		switch {
		case errors.Is(err, ErrNotFound):
		case err != nil:
			return nil, err
		default:
			v = &got
		}
		c.mu.Lock()
		if c.epoch[kind] == epoch {
			m.Add(k, v)
		}
		c.mu.Unlock()
	}
	if v == nil {
		return nil, ErrNotFound
	}
	return v, nil
}

// RelyingParty implements View.
func (c *Cache) RelyingParty(ctx context.Context, did string) (*RelyingParty, error) {
	if err := c.Fresh(); err != nil {
		return nil, err
	}
	rp, err := cached(ctx, c, KindTrust, c.rps, did, func(ctx context.Context, h int64) (RelyingParty, error) {
		return c.src.RelyingParty(ctx, did, h)
	})
	if err != nil {
		return nil, fmt.Errorf("relying party %s: %w", did, err)
	}
	return rp, nil
}

// CredentialSchema implements View.
func (c *Cache) CredentialSchema(ctx context.Context, vct string) (Schema, error) {
	if err := c.Fresh(); err != nil {
		return Schema{}, err
	}
	sch, err := cached(ctx, c, KindTrust, c.schemas, vct, func(ctx context.Context, h int64) (Schema, error) {
		got, err := c.src.CredentialSchema(ctx, vct, h)
		got.VCT, got.SHA256 = vct, sha256.Sum256([]byte(got.JSON)) // the view's own digest
		return got, err
	})
	if err != nil {
		return Schema{}, fmt.Errorf("credential type %s: %w", vct, err)
	}
	return *sch, nil
}

// list returns a status list's parameters (ErrNotFound if none).
func (c *Cache) list(ctx context.Context, id uint64) (ListInfo, error) {
	li, err := cached(ctx, c, KindStatus, c.lists, id, func(ctx context.Context, h int64) (ListInfo, error) {
		got, err := c.src.StatusList(ctx, id, h)
		if err == nil && (!statuslist.ValidListBits(got.Bits) || got.ID != id) {
			err = fmt.Errorf("%w: list %d: bits %d, id %d", ErrUnavailable, id, got.Bits, got.ID)
		}
		return got, err
	})
	if err != nil {
		return ListInfo{}, err
	}
	return *li, nil
}

// Status implements View: the list named by uri (either URI form) must exist
// and be owned by issuer; a page never written reads as all zero only because
// its absence is proved at the state height, at which the list exists.
func (c *Cache) Status(ctx context.Context, uri string, idx uint32, issuer string) (uint8, int64, error) {
	if err := c.Fresh(); err != nil {
		return 0, 0, err
	}
	ref, err := statustypes.ParseListURI(uri)
	if err != nil {
		return 0, 0, fmt.Errorf("status list %q: %w: %v", uri, ErrNotFound, err)
	}
	if ref.Owner != "" && ref.Owner != issuer {
		return 0, 0, fmt.Errorf("status list %q names owner %s, issuer is %s: %w", uri, ref.Owner, issuer, ErrWrongOwner)
	}
	li, err := c.list(ctx, ref.ListID)
	if err != nil {
		return 0, 0, fmt.Errorf("status list %d: %w", ref.ListID, err)
	}
	if li.Owner != issuer {
		return 0, 0, fmt.Errorf("status list %d is owned by %s, issuer is %s: %w", li.ID, li.Owner, issuer, ErrWrongOwner)
	}
	if idx >= li.Size {
		return 0, 0, fmt.Errorf("status list %d index %d of %d: %w", li.ID, idx, li.Size, ErrOutOfRange)
	}
	p, off := statuslist.Locate(idx, li.Bits)
	k := pageKey{li.ID, p}
	c.mu.RLock()
	height := c.sync.Height
	c.mu.RUnlock()
	page, ok := c.pages.Get(k)
	c.observe(KindStatus, ok)
	if !ok {
		epoch, err := c.read(ctx, KindStatus, func(ctx context.Context, h int64) (err error) {
			page, err = c.src.StatusPage(ctx, li.ID, p, h)
			height = h
			return err
		})
		if err != nil {
			return 0, 0, fmt.Errorf("status list %d page %d: %w", li.ID, p, err)
		}
		if len(page) != 0 && len(page) != statuslist.PageBytes {
			return 0, 0, fmt.Errorf("status list %d page %d: %d bytes: %w", li.ID, p, len(page), ErrUnavailable)
		}
		if page == nil {
			page = zeroPage
		}
		c.mu.Lock()
		if c.epoch[KindStatus] == epoch {
			c.pages.Add(k, page)
		}
		c.mu.Unlock()
	}
	return statuslist.Get(page, off, li.Bits), height, nil
}

// zeroPage is every never-written page (read only).
var zeroPage = make([]byte, statuslist.PageBytes)
