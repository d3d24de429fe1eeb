// Command verifiermem measures the verifier's ledger cache (verifier/ledger.Cache, the state
// the verifier keeps) holding n DIDs: it fills a Cache with n synthetic DIDs, each the default
// document of a fresh Ed25519 key (one Multikey method in authentication, assertionMethod and
// capabilityInvocation, as x/did creates them), resolved through the cache from an in-memory
// node that hands each document over once and keeps nothing. It then reads the process's RSS
// (/proc/self/status VmRSS) and the Go heap (runtime.MemStats after a GC), before and after,
// and prints JSON: report.VerifierMem (scripts/bench/report).
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
	"github.com/amanah-id/amanah/scripts/bench/report"
	"github.com/amanah-id/amanah/verifier/ledger"
	didtypes "github.com/amanah-id/amanah/x/did/types"
)

// node is a ledger.Source that answers each DID's history once from pending and forgets it.
type node struct {
	pending sync.Map // did -> *didcore.Document
	queries atomic.Int64
	from    time.Time
	now     time.Time
}

func (n *node) Head(context.Context) (ledger.Head, error) {
	return ledger.Head{Height: 1, Time: n.now}, nil
}

func (n *node) Journal(context.Context, int64) (ledger.Journal, error) { return ledger.Journal{}, nil }

func (n *node) DIDHistory(_ context.Context, did string, _ int64) ([]ledger.DIDVersion, error) {
	n.queries.Add(1)
	d, ok := n.pending.LoadAndDelete(did)
	if !ok {
		return nil, nil
	}
	return []ledger.DIDVersion{{Seq: 1, Document: d.(*didcore.Document), Updated: n.from}}, nil
}

func (n *node) Held(context.Context, string, int64) ([]ledger.Accreditation, error) { return nil, nil }

func (n *node) StatusList(context.Context, uint64, int64) (ledger.ListInfo, error) {
	return ledger.ListInfo{}, ledger.ErrNotFound
}

func (n *node) StatusPage(context.Context, uint64, uint32, int64) ([]byte, error) { return nil, nil }

func (n *node) RelyingParty(context.Context, string, int64) (ledger.RelyingParty, error) {
	return ledger.RelyingParty{}, ledger.ErrNotFound
}

func (n *node) CredentialSchema(context.Context, string, int64) (ledger.Schema, error) {
	return ledger.Schema{}, ledger.ErrNotFound
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
	nd := &node{from: now.Add(-time.Hour), now: now}
	c, err := ledger.NewCache(ledger.Config{Freshness: 24 * time.Hour, MaxDIDs: max(n, ledger.DefaultMaxDIDs)}, nd)
	if err != nil {
		return err
	}
	if err := c.Step(ctx); err != nil {
		return err
	}
	res := report.VerifierMem{DIDs: n, HeapMBBefore: heapMB(), RSSMBBefore: rssMB()}
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
