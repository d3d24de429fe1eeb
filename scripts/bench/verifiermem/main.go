// Command verifiermem measures the verifier's ledger cache (verifier/ledger.Cache, the state
// the verifier keeps) holding n DIDs: it fills a Cache with n synthetic DIDs, each the default
// document of a fresh Ed25519 key (one Multikey method in authentication, assertionMethod and
// capabilityInvocation, as x/did creates them), resolved through the cache from an in-memory
// node that hands each document over once and keeps nothing. It then reads the process's RSS
// (/proc/self/status VmRSS) and the Go heap (runtime.MemStats after a GC), before and after,
// and prints JSON.
//
//	go run ./scripts/bench/verifiermem -n 1000000
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/verifier/ledger"
	didtypes "github.com/amanah-id/amanah/x/did/types"
)

// Result is the measurement.
type Result struct {
	DIDs            int     `json:"dids"`
	RSSMBBefore     float64 `json:"rss_mb_before"`
	RSSMBAfter      float64 `json:"rss_mb_after"`
	HeapMBBefore    float64 `json:"heap_inuse_mb_before"`
	HeapMBAfter     float64 `json:"heap_inuse_mb_after"`
	BytesPerDID     float64 `json:"heap_bytes_per_did"`
	FillSeconds     float64 `json:"fill_seconds"`
	CachedRequeried int64   `json:"requeried_of_first_1000"`
	Method          string  `json:"method"`
}

// node is a ledger.Node that answers each DID once from pending and forgets it.
type node struct {
	pending sync.Map // did -> *didcore.Document
	queries atomic.Int64
	from    time.Time
}

func (n *node) DIDVersion(_ context.Context, did string, _ time.Time) (ledger.DIDVersion, int64, error) {
	n.queries.Add(1)
	d, ok := n.pending.LoadAndDelete(did)
	if !ok {
		return ledger.DIDVersion{}, 1, ledger.ErrNotFound
	}
	return ledger.DIDVersion{Document: d.(*didcore.Document), ValidFrom: n.from}, 1, nil
}

func (n *node) Accreditation(context.Context, string, string, time.Time) (bool, ledger.Window, int64, error) {
	return false, ledger.Window{}, 1, ledger.ErrNotFound
}

func (n *node) StatusList(context.Context, string) (ledger.ListInfo, int64, error) {
	return ledger.ListInfo{}, 1, ledger.ErrNotFound
}

func (n *node) StatusPage(context.Context, string, uint32) ([]byte, int64, error) {
	return nil, 1, ledger.ErrNotFound
}

func (n *node) RelyingParty(context.Context, string) (ledger.RelyingParty, int64, error) {
	return ledger.RelyingParty{}, 1, ledger.ErrNotFound
}

func (n *node) CredentialSchema(context.Context, string) (ledger.Schema, int64, error) {
	return ledger.Schema{}, 1, ledger.ErrNotFound
}

// Subscribe implements ledger.Events; the blocks are applied by hand.
func (n *node) Subscribe(ctx context.Context) (<-chan ledger.Block, error) {
	ch := make(chan ledger.Block)
	go func() { <-ctx.Done(); close(ch) }()
	return ch, nil
}

func rssMB() float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

func heapMB() float64 {
	runtime.GC()
	debug.FreeOSMemory()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapInuse) / (1 << 20)
}

func main() {
	n := flag.Int("n", 1_000_000, "DIDs to cache")
	budget := flag.Duration("timeout", 10*time.Minute, "bound on the fill")
	flag.Parse()
	if err := run(*n, *budget); err != nil {
		fmt.Fprintln(os.Stderr, "verifiermem:", err)
		os.Exit(1)
	}
}

func run(n int, budget time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), budget)
	defer cancel()
	now := time.Now()
	nd := &node{from: now.Add(-time.Hour)}
	c, err := ledger.NewCache(ledger.Config{Freshness: 24 * time.Hour, MaxDIDs: max(n, ledger.DefaultMaxDIDs)},
		ledger.Endpoint{Name: "mem", Node: nd, Events: nd})
	if err != nil {
		return err
	}
	c.Apply("mem", ledger.Block{Height: 1, Time: now})
	res := Result{DIDs: n, HeapMBBefore: heapMB(), RSSMBBefore: rssMB()}
	first := make([]string, 0, 1000)
	var firstMu sync.Mutex
	start := time.Now()
	workers := runtime.GOMAXPROCS(0)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(n) || ctx.Err() != nil {
					errs[w] = ctx.Err()
					return
				}
				priv, err := keys.Generate(keys.Ed25519)
				if err != nil {
					errs[w] = err
					return
				}
				doc := didtypes.NewDocument(didtypes.DefaultNetwork, priv.Public())
				nd.pending.Store(doc.ID, doc)
				ks, err := c.AssertionKeys(ctx, doc.ID, now)
				if err != nil || len(ks) != 1 {
					errs[w] = fmt.Errorf("DID %d: %v (%d keys)", i, err, len(ks))
					return
				}
				if i < 1000 {
					firstMu.Lock()
					first = append(first, doc.ID)
					firstMu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	res.FillSeconds = time.Since(start).Seconds()
	res.HeapMBAfter, res.RSSMBAfter = heapMB(), rssMB()
	res.BytesPerDID = (res.HeapMBAfter - res.HeapMBBefore) * (1 << 20) / float64(n)
	// Still cached: the first DIDs answer without a node query.
	q0 := nd.queries.Load()
	for _, did := range first {
		if _, err := c.AssertionKeys(ctx, did, now); err != nil {
			return fmt.Errorf("cached %s: %w", did, err)
		}
	}
	res.CachedRequeried = nd.queries.Load() - q0
	res.Method = fmt.Sprintf("verifier/ledger.Cache filled with %d DIDs (default documents of fresh Ed25519 keys) through AssertionKeys "+
		"from an in-memory node that keeps nothing; VmRSS of this process and Go HeapInuse after runtime.GC + FreeOSMemory, "+
		"GOMAXPROCS %d", n, workers)
	runtime.KeepAlive(c)
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(res)
}
