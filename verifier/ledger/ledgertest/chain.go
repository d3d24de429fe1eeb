// Package ledgertest is an in-memory ledger for tests and benchmarks: a Chain
// holding DIDs, accreditations, relying parties and status lists, and Nodes
// that answer ledger.Node queries and deliver its blocks, each of which can
// be stopped or made to lag.
package ledgertest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/statuslist"
	"github.com/amanah-id/amanah/verifier/ledger"
)

// ErrDown is what a stopped node answers.
var ErrDown = errors.New("ledgertest: node down")

type list struct {
	info ledger.ListInfo
	l    *statuslist.List
}

// Chain is an in-memory ledger. Changes become visible to nodes' event
// subscribers at the next Commit; queries see them at once.
type Chain struct {
	mu      sync.Mutex
	now     func() time.Time
	height  int64
	blocks  []ledger.Block
	pending []ledger.Change
	dids    map[string][]ledger.DIDVersion
	accr    map[[2]string][]ledger.Window
	rps     map[string]ledger.RelyingParty
	schemas map[string][]string // vct -> schema of each version
	lists   map[string]*list    // by uri
	nodes   []*Node
}

// NewChain returns an empty chain at height 0 whose clock is now (time.Now if nil).
func NewChain(now func() time.Time) *Chain {
	if now == nil {
		now = time.Now
	}
	return &Chain{now: now, dids: map[string][]ledger.DIDVersion{}, accr: map[[2]string][]ledger.Window{},
		rps: map[string]ledger.RelyingParty{}, schemas: map[string][]string{}, lists: map[string]*list{}}
}

// PutDID makes doc the current version of its DID from time from.
func (c *Chain) PutDID(doc *didcore.Document, from time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	vs := c.dids[doc.ID]
	if n := len(vs); n > 0 {
		vs[n-1].ValidUntil = from
	}
	c.dids[doc.ID] = append(vs, ledger.DIDVersion{Document: doc, ValidFrom: from})
	c.pending = append(c.pending, ledger.Change{Kind: ledger.KindDID, Key: doc.ID})
}

// Deactivate deactivates did from time at.
func (c *Chain) Deactivate(did string, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	vs := c.dids[did]
	if n := len(vs); n > 0 {
		vs[n-1].ValidUntil = at
	}
	c.dids[did] = append(vs, ledger.DIDVersion{ValidFrom: at, Deactivated: true})
	c.pending = append(c.pending, ledger.Change{Kind: ledger.KindDID, Key: did})
}

// Accredit accredits issuer for vct in window w.
func (c *Chain) Accredit(issuer, vct string, w ledger.Window) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := [2]string{issuer, vct}
	c.accr[k] = append(c.accr[k], w)
	c.pending = append(c.pending, ledger.Change{Kind: ledger.KindTrust})
}

// RevokeAccreditations ends every accreditation of issuer for vct at time at.
func (c *Chain) RevokeAccreditations(issuer, vct string, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, w := range c.accr[[2]string{issuer, vct}] {
		if w.Until.IsZero() || w.Until.After(at) {
			c.accr[[2]string{issuer, vct}][i].Until = at
		}
	}
	c.pending = append(c.pending, ledger.Change{Kind: ledger.KindTrust})
}

// PutRelyingParty registers a relying party.
func (c *Chain) PutRelyingParty(rp ledger.RelyingParty) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rps[rp.DID] = rp
	c.pending = append(c.pending, ledger.Change{Kind: ledger.KindTrust})
}

// PutCredentialType registers the next version of the credential type vct
// with the JSON Schema schema.
func (c *Chain) PutCredentialType(vct, schema string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.schemas[vct] = append(c.schemas[vct], schema)
	c.pending = append(c.pending, ledger.Change{Kind: ledger.KindTrust})
}

// CreateList creates a status list at uri with id, bits and size.
func (c *Chain) CreateList(uri, id string, bits uint8, size uint32) error {
	l, err := statuslist.NewList(bits, size)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lists[uri] = &list{info: ledger.ListInfo{ID: id, Bits: bits, Size: size}, l: l}
	return nil
}

// SetStatus sets entry idx of the list at uri.
func (c *Chain) SetStatus(uri string, idx uint32, value uint8) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	l, ok := c.lists[uri]
	if !ok {
		return fmt.Errorf("no list %s", uri)
	}
	if err := l.l.Apply(statuslist.Delta{{Index: idx, Value: value}}); err != nil {
		return err
	}
	c.pending = append(c.pending, ledger.Change{Kind: ledger.KindStatus, Key: l.info.ID, Indices: []uint32{idx}})
	return nil
}

// Height returns the latest committed height.
func (c *Chain) Height() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.height
}

// Commit closes a block with the pending changes and delivers it to every
// node's subscribers (a lagging node delivers an older block).
func (c *Chain) Commit() ledger.Block {
	c.mu.Lock()
	c.height++
	b := ledger.Block{Height: c.height, Time: c.now(), Changes: c.pending}
	c.pending = nil
	c.blocks = append(c.blocks, b)
	nodes := append([]*Node(nil), c.nodes...)
	c.mu.Unlock()
	for _, n := range nodes {
		n.deliver()
	}
	return b
}

// NewNode returns a node of the chain named name.
func (c *Chain) NewNode(name string) *Node {
	n := &Node{chain: c, Name: name}
	c.mu.Lock()
	c.nodes = append(c.nodes, n)
	c.mu.Unlock()
	return n
}

// Node answers ledger.Node queries and delivers blocks from a Chain.
type Node struct {
	// Name identifies the node.
	Name  string
	chain *Chain

	down    atomic.Bool
	lag     atomic.Int64
	queries atomic.Int64

	mu        sync.Mutex
	subs      []chan ledger.Block
	delivered int64
}

var (
	_ ledger.Node   = (*Node)(nil)
	_ ledger.Events = (*Node)(nil)
)

// Endpoint returns the node as a ledger.Endpoint.
func (n *Node) Endpoint() ledger.Endpoint {
	return ledger.Endpoint{Name: n.Name, Node: n, Events: n}
}

// SetDown stops (true) or restarts (false) the node; a stopped node closes its
// subscriptions and answers ErrDown.
func (n *Node) SetDown(down bool) {
	n.down.Store(down)
	if down {
		n.mu.Lock()
		for _, s := range n.subs {
			close(s)
		}
		n.subs = nil
		n.mu.Unlock()
	}
}

// SetLag makes the node report and deliver blocks lag heights behind the chain.
func (n *Node) SetLag(lag int64) { n.lag.Store(lag) }

// Queries returns how many queries the node has answered or refused.
func (n *Node) Queries() int64 { return n.queries.Load() }

func (n *Node) height() int64 { return max(n.chain.Height()-n.lag.Load(), 0) }

// Subscribe implements ledger.Events: it delivers the node's latest block at
// once, then each new one.
func (n *Node) Subscribe(ctx context.Context) (<-chan ledger.Block, error) {
	if n.down.Load() {
		return nil, ErrDown
	}
	ch := make(chan ledger.Block, 256)
	n.mu.Lock()
	n.subs = append(n.subs, ch)
	n.delivered = 0
	n.mu.Unlock()
	go func() {
		<-ctx.Done()
		n.mu.Lock()
		defer n.mu.Unlock()
		for i, s := range n.subs {
			if s == ch {
				close(s)
				n.subs = append(n.subs[:i], n.subs[i+1:]...)
				return
			}
		}
	}()
	n.deliver()
	return ch, nil
}

func (n *Node) deliver() {
	if n.down.Load() {
		return
	}
	h := n.height()
	n.chain.mu.Lock()
	var bs []ledger.Block
	n.mu.Lock()
	from := n.delivered
	if from == 0 && h > 0 {
		from = h - 1 // a fresh subscription starts at the latest block
	}
	for i := from; i < h; i++ {
		bs = append(bs, n.chain.blocks[i])
	}
	n.delivered = max(n.delivered, h)
	n.chain.mu.Unlock()
	for _, s := range n.subs {
		for _, b := range bs {
			select {
			case s <- b:
			default:
			}
		}
	}
	n.mu.Unlock()
}

func (n *Node) begin() (int64, error) {
	n.queries.Add(1)
	if n.down.Load() {
		return 0, ErrDown
	}
	return n.height(), nil
}

// DIDVersion implements ledger.Node.
func (n *Node) DIDVersion(_ context.Context, did string, at time.Time) (ledger.DIDVersion, int64, error) {
	h, err := n.begin()
	if err != nil {
		return ledger.DIDVersion{}, 0, err
	}
	n.chain.mu.Lock()
	defer n.chain.mu.Unlock()
	vs := n.chain.dids[did]
	if at.IsZero() && len(vs) > 0 {
		return vs[len(vs)-1], h, nil
	}
	for _, v := range vs {
		if (ledger.Window{From: v.ValidFrom, Until: v.ValidUntil}).Contains(at) {
			return v, h, nil
		}
	}
	return ledger.DIDVersion{}, h, ledger.ErrNotFound
}

// Accreditation implements ledger.Node: the window is the accreditation
// window containing at, or the gap between windows when none does.
func (n *Node) Accreditation(_ context.Context, issuer, vct string, at time.Time) (bool, ledger.Window, int64, error) {
	h, err := n.begin()
	if err != nil {
		return false, ledger.Window{}, 0, err
	}
	n.chain.mu.Lock()
	defer n.chain.mu.Unlock()
	gap := ledger.Window{}
	for _, w := range n.chain.accr[[2]string{issuer, vct}] {
		if w.Contains(at) {
			return true, w, h, nil
		}
		if !w.Until.IsZero() && !w.Until.After(at) && w.Until.After(gap.From) {
			gap.From = w.Until
		}
		if w.From.After(at) && (gap.Until.IsZero() || w.From.Before(gap.Until)) {
			gap.Until = w.From
		}
	}
	return false, gap, h, nil
}

// StatusList implements ledger.Node.
func (n *Node) StatusList(_ context.Context, uri string) (ledger.ListInfo, int64, error) {
	h, err := n.begin()
	if err != nil {
		return ledger.ListInfo{}, 0, err
	}
	n.chain.mu.Lock()
	defer n.chain.mu.Unlock()
	l, ok := n.chain.lists[uri]
	if !ok {
		return ledger.ListInfo{}, h, ledger.ErrNotFound
	}
	return l.info, h, nil
}

// StatusPage implements ledger.Node.
func (n *Node) StatusPage(_ context.Context, id string, page uint32) ([]byte, int64, error) {
	h, err := n.begin()
	if err != nil {
		return nil, 0, err
	}
	n.chain.mu.Lock()
	defer n.chain.mu.Unlock()
	for _, l := range n.chain.lists {
		if l.info.ID == id {
			p, err := l.l.Page(page)
			if err != nil {
				return nil, h, ledger.ErrNotFound
			}
			return p, h, nil
		}
	}
	return nil, h, ledger.ErrNotFound
}

// RelyingParty implements ledger.Node.
func (n *Node) RelyingParty(_ context.Context, did string) (ledger.RelyingParty, int64, error) {
	h, err := n.begin()
	if err != nil {
		return ledger.RelyingParty{}, 0, err
	}
	n.chain.mu.Lock()
	defer n.chain.mu.Unlock()
	rp, ok := n.chain.rps[did]
	if !ok {
		return ledger.RelyingParty{}, h, ledger.ErrNotFound
	}
	return rp, h, nil
}

// CredentialSchema implements ledger.Node: the latest version's schema.
func (n *Node) CredentialSchema(_ context.Context, vct string) (ledger.Schema, int64, error) {
	h, err := n.begin()
	if err != nil {
		return ledger.Schema{}, 0, err
	}
	n.chain.mu.Lock()
	defer n.chain.mu.Unlock()
	vs := n.chain.schemas[vct]
	if len(vs) == 0 {
		return ledger.Schema{}, h, ledger.ErrNotFound
	}
	return ledger.Schema{VCT: vct, Version: uint32(len(vs)), JSON: vs[len(vs)-1]}, h, nil
}
