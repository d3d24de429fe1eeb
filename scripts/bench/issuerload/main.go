// Command issuerload measures amanah-issuer: batches of -batch credentials per second through
// the whole OpenID4VCI HTTP flow at -c concurrent wallets (the service on loopback HTTP with
// its real bbolt store, a FakeLedger: the ledger is not on the issuance path once a list
// exists), beside the bare signing floor of the same batches measured in the same run. It
// prints report.IssuerLoad as JSON.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/credential/sdjwtvc"
	"github.com/amanah-id/amanah/issuer/issuertest"
	"github.com/amanah-id/amanah/issuer/oid4vci"
	"github.com/amanah-id/amanah/issuer/service"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/scripts/bench/report"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

func main() {
	n := flag.Int("n", 300, "batches through the HTTP flow")
	c := flag.Int("c", 8, "concurrent wallets")
	batch := flag.Int("batch", 10, "credentials per batch")
	flag.Parse()
	r, err := run(*n, *c, *batch)
	if err != nil {
		fmt.Fprintln(os.Stderr, "issuerload:", err)
		os.Exit(1)
	}
	_ = json.NewEncoder(os.Stdout).Encode(r)
}

func run(n, c, batch int) (*report.IssuerLoad, error) {
	dir, err := os.MkdirTemp("", "issuerload")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	p, err := issuertest.ServeInProcess(dir, "", batch)
	if err != nil {
		return nil, err
	}
	defer p.Close()
	ctx := context.Background()
	one := func() error {
		o, err := p.Service.CreateOffer(ctx, service.OfferRequest{RecordID: "880412-14-5566"})
		if err != nil {
			return err
		}
		got, _, err := (&oid4vci.Wallet{}).Receive(ctx, o.URIByReference, "")
		if err == nil && len(got) != batch {
			err = fmt.Errorf("batch of %d", len(got))
		}
		return err
	}
	if err := one(); err != nil { // warm-up: the first list, the type metadata
		return nil, err
	}
	lat := make([]time.Duration, 0, n)
	var mu sync.Mutex
	var next, errs atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < c; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				t0 := time.Now()
				if err := one(); err != nil {
					errs.Add(1)
					fmt.Fprintln(os.Stderr, "issuerload:", err)
					continue
				}
				d := time.Since(t0)
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	secs := time.Since(start).Seconds()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(q float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000
	}
	floor, err := signFloor(n, c, batch)
	if err != nil {
		return nil, err
	}
	r := &report.IssuerLoad{BatchSize: batch, Callers: c, Batches: len(lat), Seconds: secs, BatchesPerSecond: float64(len(lat)) / secs,
		P50Ms: pct(0.5), P99Ms: pct(0.99), Errors: int(errs.Load()), FloorBatchesPerS: floor, StoreFsyncBatches: true}
	if floor > 0 {
		r.FloorRatio = r.BatchesPerSecond / floor
	}
	return r, nil
}

// signFloor signs n batches of batch credentials (the same claims, fresh holder keys made
// beforehand) on c goroutines and returns batches per second: the issuer's signing alone.
func signFloor(n, c, batch int) (float64, error) {
	ik, err := keys.Generate(keys.Ed25519)
	if err != nil {
		return 0, err
	}
	holders := make([]keys.PublicKey, batch)
	for i := range holders {
		k, err := keys.Generate(keys.Ed25519)
		if err != nil {
			return 0, err
		}
		holders[i] = k.Public()
	}
	is := &sdjwtvc.Issuer{DID: "did:amanah:bench:issuer", KeyID: "did:amanah:bench:issuer#key-1", Signer: jws.NewKeySigner(ik)}
	claims := map[string]any{"given_name": "Aisyah", "family_name": "Rahman", "birthdate": "1990-04-12", "nationality": "MY"}
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < c; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				for i := 0; i < batch; i++ {
					if _, err := is.Issue(context.Background(), sdjwtvc.Credential{VCT: trusttypes.NationalIDVCT, Claims: claims, Holder: holders[i],
						Status: &sdjwtvc.StatusRef{Index: uint64(i), URI: "https://issuer.example/amanah/status/v1/lists/1"}, VCTIntegrity: "sha256-x"}); err != nil {
						failed.Store(true)
					}
				}
			}
		}()
	}
	wg.Wait()
	if failed.Load() {
		return 0, fmt.Errorf("signing failed")
	}
	return float64(n) / time.Since(start).Seconds(), nil
}
