// Package ledgertest is an in-memory ledger for unit tests and benchmarks: a
// Chain that keeps what the real chain keeps (every DID version, every
// accreditation with its full status history, relying parties, credential
// types, status lists in pages, and a change journal per block), and Nodes
// that serve it as a ledger.Source and can be stopped or made to lag.
//
// It stores records only: every verification rule is evaluated by the
// ledger.Cache itself, the same code that runs over the real chain, so the
// fake cannot model a rule differently. Tests of behaviour that depends on
// the chain's own logic (what a transaction writes) run against the real app
// (verifier/ledger/chaintest).
package ledgertest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/statuslist"
	"github.com/amanah-id/amanah/verifier/ledger"
	statustypes "github.com/amanah-id/amanah/x/status/types"
)

// ErrDown is what a stopped node answers.
var ErrDown = errors.New("ledgertest: node down")

// Window is an accreditation's validity window; a zero Until is ten years on.
type Window struct{ From, Until time.Time }

type list struct {
	info  ledger.ListInfo
	pages map[uint32][]byte
}

// Chain is an in-memory ledger. Changes are recorded in the pending journal
// and become a block at Commit.
type Chain struct {
	mu      sync.Mutex
	now     func() time.Time
	height  int64
	times   map[int64]time.Time
	pending ledger.Journal
	journal map[int64]ledger.Journal
	dids    map[string][]ledger.DIDVersion
	accr    map[string]*ledger.Accreditation
	held    map[string][]string
	rps     map[string]ledger.RelyingParty
	schemas map[string][]string // vct -> schema of each version
	lists   map[uint64]*list
	seq     int
	recs    map[string][]ledger.Recognition // foreign-ledger recognitions (recognition.go)
}

// NewChain returns an empty chain at height 0 whose clock is now (time.Now if nil).
func NewChain(now func() time.Time) *Chain {
	if now == nil {
		now = time.Now
	}
	return &Chain{now: now, times: map[int64]time.Time{}, journal: map[int64]ledger.Journal{},
		dids: map[string][]ledger.DIDVersion{}, accr: map[string]*ledger.Accreditation{}, held: map[string][]string{},
		rps: map[string]ledger.RelyingParty{}, schemas: map[string][]string{}, lists: map[uint64]*list{}}
}

// SetClock sets the clock that stamps the next blocks.
func (c *Chain) SetClock(now func() time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = now
}

// PutDID writes doc as the next version of its DID, current from time from.
func (c *Chain) PutDID(doc *didcore.Document, from time.Time, retired ...ledger.RetiredKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	vs := c.dids[doc.ID]
	c.dids[doc.ID] = append(vs, ledger.DIDVersion{Seq: uint64(len(vs) + 1), Document: doc, Updated: from, Retired: retired})
	c.pending.DIDs = append(c.pending.DIDs, doc.ID)
}

// Deactivate deactivates did at time at.
func (c *Chain) Deactivate(did string, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	vs := c.dids[did]
	c.dids[did] = append(vs, ledger.DIDVersion{Seq: uint64(len(vs) + 1), Updated: at, Deactivated: true})
	c.pending.DIDs = append(c.pending.DIDs, did)
}

// Accredit records a council-granted issuer accreditation of issuer for vct
// and returns its id.
func (c *Chain) Accredit(issuer, vct string, w Window) string {
	return c.Grant(ledger.Accreditation{Accredited: issuer, Role: ledger.RoleIssuer, VCTs: []string{vct},
		ValidFrom: w.From, ValidUntil: w.Until})
}

// Grant records accreditation a (ID assigned if empty; active from its
// ValidFrom; a zero ValidUntil is ten years on) and returns its id.
func (c *Chain) Grant(a ledger.Accreditation) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if a.ID == "" {
		c.seq++
		a.ID = fmt.Sprintf("accreditation-%d", c.seq)
	}
	if a.ValidUntil.IsZero() {
		a.ValidUntil = a.ValidFrom.AddDate(10, 0, 0)
	}
	a.Status = ledger.AccreditationActive
	a.History = []ledger.StatusChange{{Status: ledger.AccreditationActive, Time: c.now()}}
	c.accr[a.ID] = &a
	c.held[a.Accredited] = append(c.held[a.Accredited], a.ID)
	c.pending.Holders = append(c.pending.Holders, a.Accredited)
	return a.ID
}

// SetAccreditationStatus records a status change of accreditation id at time at.
func (c *Chain) SetAccreditationStatus(id string, st ledger.AccreditationStatus, at time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	a := c.accr[id]
	if a == nil {
		return fmt.Errorf("no accreditation %s", id)
	}
	cp := *a
	cp.Status = st
	cp.History = append(slices.Clone(a.History), ledger.StatusChange{Status: st, Time: at})
	c.accr[id] = &cp
	c.pending.Holders = append(c.pending.Holders, a.Accredited)
	return nil
}

// RevokeAccreditations revokes, at time at, every accreditation of issuer for vct.
func (c *Chain) RevokeAccreditations(issuer, vct string, at time.Time) {
	c.mu.Lock()
	var ids []string
	for _, id := range c.held[issuer] {
		if slices.Contains(c.accr[id].VCTs, vct) {
			ids = append(ids, id)
		}
	}
	c.mu.Unlock()
	for _, id := range ids {
		_ = c.SetAccreditationStatus(id, ledger.AccreditationRevoked, at)
	}
}

// PutRelyingParty registers (or replaces) a relying party.
func (c *Chain) PutRelyingParty(rp ledger.RelyingParty) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rps[rp.DID] = rp
	c.pending.RelyingParties = append(c.pending.RelyingParties, rp.DID)
}

// PutCredentialType registers the next version of vct with schema.
func (c *Chain) PutCredentialType(vct, schema string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.schemas[vct] = append(c.schemas[vct], schema)
	c.pending.VCTs = append(c.pending.VCTs, vct)
}

// CreateList creates list id owned by owner.
func (c *Chain) CreateList(id uint64, owner string, bits uint8, size uint32) error {
	if !statuslist.ValidListBits(bits) {
		return statuslist.ErrInvalidBits
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, dup := c.lists[id]; dup {
		return fmt.Errorf("list %d exists", id)
	}
	c.lists[id] = &list{info: ledger.ListInfo{ID: id, Owner: owner, Bits: bits, Size: size}, pages: map[uint32][]byte{}}
	c.addListChange(id, nil)
	return nil
}

func (c *Chain) addListChange(id uint64, pages []uint32) {
	if c.pending.Lists == nil {
		c.pending.Lists = map[uint64][]uint32{}
	}
	c.pending.Lists[id] = append(c.pending.Lists[id], pages...)
}

// SetStatus sets entry idx of the list named by uri to value.
func (c *Chain) SetStatus(uri string, idx uint32, value uint8) error {
	ref, err := statustypes.ParseListURI(uri)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.lists[ref.ListID]
	if l == nil {
		return fmt.Errorf("no list %d", ref.ListID)
	}
	if idx >= l.info.Size {
		return ledger.ErrOutOfRange
	}
	p, off := statuslist.Locate(idx, l.info.Bits)
	page := slices.Clone(l.pages[p])
	if page == nil {
		page = make([]byte, statuslist.PageBytes)
	}
	if err := statuslist.Set(page, off, l.info.Bits, value); err != nil {
		return err
	}
	l.pages[p] = page
	c.addListChange(ref.ListID, []uint32{p})
	return nil
}

// Height returns the latest committed height.
func (c *Chain) Height() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.height
}

// Commit closes a block with the pending changes and returns its journal.
func (c *Chain) Commit() ledger.Journal {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.height++
	j := c.pending
	j.Height = c.height
	c.journal[c.height] = j
	c.times[c.height] = c.now()
	c.pending = ledger.Journal{}
	return j
}

// NewNode returns a node serving the chain.
func (c *Chain) NewNode(name string) *Node { return &Node{Name: name, chain: c} }

// Node serves a Chain as a ledger.Source.
type Node struct {
	// Name identifies the node.
	Name    string
	chain   *Chain
	down    atomic.Bool
	lag     atomic.Int64
	queries atomic.Int64
}

var _ ledger.Source = (*Node)(nil)

// SetDown stops (true) or restarts (false) the node.
func (n *Node) SetDown(down bool) { n.down.Store(down) }

// SetLag makes the node report a head lag blocks behind the chain.
func (n *Node) SetLag(lag int64) { n.lag.Store(lag) }

// Queries returns how many reads the node has answered or refused (Head excluded).
func (n *Node) Queries() int64 { return n.queries.Load() }

func (n *Node) begin(h int64) error {
	n.queries.Add(1)
	if n.down.Load() {
		return ErrDown
	}
	if h > n.chain.Height()-n.lag.Load() {
		return fmt.Errorf("ledgertest: height %d not reached", h)
	}
	return nil
}

// Head implements ledger.Source.
func (n *Node) Head(context.Context) (ledger.Head, error) {
	if n.down.Load() {
		return ledger.Head{}, ErrDown
	}
	c := n.chain
	c.mu.Lock()
	defer c.mu.Unlock()
	h := c.height - n.lag.Load()
	if h < 1 {
		return ledger.Head{}, errors.New("ledgertest: no block yet")
	}
	return ledger.Head{Height: h, Time: c.times[h]}, nil
}

// Journal implements ledger.Source.
func (n *Node) Journal(_ context.Context, h int64) (ledger.Journal, error) {
	if err := n.begin(h); err != nil {
		return ledger.Journal{}, err
	}
	n.chain.mu.Lock()
	defer n.chain.mu.Unlock()
	return n.chain.journal[h], nil
}

// DIDHistory implements ledger.Source.
func (n *Node) DIDHistory(_ context.Context, did string, h int64) ([]ledger.DIDVersion, error) {
	if err := n.begin(h); err != nil {
		return nil, err
	}
	n.chain.mu.Lock()
	defer n.chain.mu.Unlock()
	return slices.Clone(n.chain.dids[did]), nil
}

// Held implements ledger.Source.
func (n *Node) Held(_ context.Context, did string, h int64) ([]ledger.Accreditation, error) {
	if err := n.begin(h); err != nil {
		return nil, err
	}
	c := n.chain
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []ledger.Accreditation
	for _, id := range c.held[did] {
		out = append(out, *c.accr[id])
	}
	return out, nil
}

// RelyingParty implements ledger.Source.
func (n *Node) RelyingParty(_ context.Context, did string, h int64) (ledger.RelyingParty, error) {
	if err := n.begin(h); err != nil {
		return ledger.RelyingParty{}, err
	}
	n.chain.mu.Lock()
	defer n.chain.mu.Unlock()
	rp, ok := n.chain.rps[did]
	if !ok {
		return rp, ledger.ErrNotFound
	}
	return rp, nil
}

// CredentialSchema implements ledger.Source.
func (n *Node) CredentialSchema(_ context.Context, vct string, h int64) (ledger.Schema, error) {
	if err := n.begin(h); err != nil {
		return ledger.Schema{}, err
	}
	n.chain.mu.Lock()
	defer n.chain.mu.Unlock()
	vs := n.chain.schemas[vct]
	if len(vs) == 0 {
		return ledger.Schema{}, ledger.ErrNotFound
	}
	return ledger.Schema{VCT: vct, Version: uint32(len(vs)), JSON: vs[len(vs)-1]}, nil
}

// StatusList implements ledger.Source.
func (n *Node) StatusList(_ context.Context, id uint64, h int64) (ledger.ListInfo, error) {
	if err := n.begin(h); err != nil {
		return ledger.ListInfo{}, err
	}
	n.chain.mu.Lock()
	defer n.chain.mu.Unlock()
	l := n.chain.lists[id]
	if l == nil {
		return ledger.ListInfo{}, ledger.ErrNotFound
	}
	return l.info, nil
}

// StatusPage implements ledger.Source.
func (n *Node) StatusPage(_ context.Context, id uint64, p uint32, h int64) ([]byte, error) {
	if err := n.begin(h); err != nil {
		return nil, err
	}
	n.chain.mu.Lock()
	defer n.chain.mu.Unlock()
	l := n.chain.lists[id]
	if l == nil {
		return nil, fmt.Errorf("page of an unknown list %d", id)
	}
	return slices.Clone(l.pages[p]), nil
}

// Failover is a Source over several nodes: each read goes to the first node
// that answers, the head is the highest any node reports.
type Failover []*Node

var _ ledger.Source = Failover(nil)

func each[T any](nodes Failover, f func(*Node) (T, error)) (T, error) {
	var errs []error
	for _, n := range nodes {
		v, err := f(n)
		if err == nil || errors.Is(err, ledger.ErrNotFound) {
			return v, err
		}
		errs = append(errs, fmt.Errorf("%s: %w", n.Name, err))
	}
	var zero T
	return zero, errors.Join(errs...)
}

// Head implements ledger.Source.
func (f Failover) Head(ctx context.Context) (ledger.Head, error) {
	var best ledger.Head
	var errs []error
	for _, n := range f {
		h, err := n.Head(ctx)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if h.Height > best.Height {
			best = h
		}
	}
	if best.Height == 0 {
		return best, errors.Join(errs...)
	}
	return best, nil
}

// Journal implements ledger.Source.
func (f Failover) Journal(ctx context.Context, h int64) (ledger.Journal, error) {
	return each(f, func(n *Node) (ledger.Journal, error) { return n.Journal(ctx, h) })
}

// DIDHistory implements ledger.Source.
func (f Failover) DIDHistory(ctx context.Context, did string, h int64) ([]ledger.DIDVersion, error) {
	return each(f, func(n *Node) ([]ledger.DIDVersion, error) { return n.DIDHistory(ctx, did, h) })
}

// Held implements ledger.Source.
func (f Failover) Held(ctx context.Context, did string, h int64) ([]ledger.Accreditation, error) {
	return each(f, func(n *Node) ([]ledger.Accreditation, error) { return n.Held(ctx, did, h) })
}

// RelyingParty implements ledger.Source.
func (f Failover) RelyingParty(ctx context.Context, did string, h int64) (ledger.RelyingParty, error) {
	return each(f, func(n *Node) (ledger.RelyingParty, error) { return n.RelyingParty(ctx, did, h) })
}

// CredentialSchema implements ledger.Source.
func (f Failover) CredentialSchema(ctx context.Context, vct string, h int64) (ledger.Schema, error) {
	return each(f, func(n *Node) (ledger.Schema, error) { return n.CredentialSchema(ctx, vct, h) })
}

// StatusList implements ledger.Source.
func (f Failover) StatusList(ctx context.Context, id uint64, h int64) (ledger.ListInfo, error) {
	return each(f, func(n *Node) (ledger.ListInfo, error) { return n.StatusList(ctx, id, h) })
}

// StatusPage implements ledger.Source.
func (f Failover) StatusPage(ctx context.Context, id uint64, p uint32, h int64) ([]byte, error) {
	return each(f, func(n *Node) ([]byte, error) { return n.StatusPage(ctx, id, p, h) })
}
