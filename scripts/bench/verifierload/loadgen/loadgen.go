// Package loadgen is the verifier load generator's measurement, shared by scripts/bench/verifierload
// (in-memory ledger) and scripts/bench/verifierproved (proof-checked ledger over a real node)
// so that both apply the same load: presentations made before the clock starts (a fresh
// challenge each, the same disclosures), VerifyPresentation over gRPC from c callers, latency
// in an HdrHistogram, throughput as requests over wall time.
package loadgen

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/amanah-id/amanah/scripts/bench/report"
	"github.com/amanah-id/amanah/verifier/verifierpb"
	"github.com/amanah-id/amanah/verifier/verifiertest"
)

// Tally accumulates the rounds of one series: their latencies, requests and summed wall time.
type Tally struct {
	callers  int
	hist     *hdrhistogram.Histogram
	elapsed  time.Duration
	requests int
	errs     int64
	// Refused counts verdicts that were not "verified" (set by the caller's f).
	Refused atomic.Int64
}

// NewTally returns an empty series of c callers.
func NewTally(c int) *Tally {
	return &Tally{callers: c, hist: hdrhistogram.New(1, 10_000_000, 3)} // 1 µs .. 10 s
}

// Round makes reqs calls of f (f(0) .. f(reqs-1)) from the tally's callers, adds them, and
// returns the round's wall time.
func (t *Tally) Round(reqs int, f func(i int) error) time.Duration {
	var next, errs atomic.Int64
	hists := make([]*hdrhistogram.Histogram, t.callers)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range t.callers {
		hists[w] = hdrhistogram.New(1, 10_000_000, 3)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= reqs {
					return
				}
				t0 := time.Now()
				if err := f(i); err != nil {
					errs.Add(1)
				}
				_ = hists[w].RecordValue(time.Since(t0).Microseconds())
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	t.elapsed += el
	t.requests += reqs
	t.errs += errs.Load()
	for _, h := range hists {
		t.hist.Merge(h)
	}
	return el
}

// Level returns the series' throughput (requests over the summed time of its rounds) and latency.
func (t *Tally) Level() report.Level {
	l := report.Level{Callers: t.callers, Requests: t.requests, Errors: t.errs, Refused: t.Refused.Load(),
		P50Micros: float64(t.hist.ValueAtQuantile(50)), P99Micros: float64(t.hist.ValueAtQuantile(99)),
		P999Micros: float64(t.hist.ValueAtQuantile(99.9)), MaxMicros: float64(t.hist.Max())}
	if t.elapsed > 0 {
		l.PerSecond = float64(t.requests) / t.elapsed.Seconds()
	}
	return l
}

// Measure runs reqs calls of f over c callers and returns throughput and latency.
func Measure(c, reqs int, f func(i int) error) report.Level {
	t := NewTally(c)
	t.Round(reqs, f)
	return t.Level()
}

// Job is one prepared presentation and the challenge nonce it answers.
type Job struct{ Presentation, Nonce string }

// Request is what every presentation of a series asks for and discloses.
type Request struct {
	Audience string
	VCTs     []string
	Claims   []string
}

// Prepare makes n jobs: a challenge from cli for each (ctx carries the relying party's API
// key), answered by holders[i%len(holders)] disclosing the requested claims.
func Prepare(ctx context.Context, cli verifierpb.VerifierClient, holders []*verifiertest.Holder, n int, r Request) ([]Job, error) {
	jobs := make([]Job, n)
	for i := range jobs {
		ch, err := cli.CreateChallenge(ctx, &verifierpb.CreateChallengeRequest{Audience: r.Audience, CredentialTypes: r.VCTs, RequestedClaims: r.Claims})
		if err != nil {
			return nil, err
		}
		p, err := holders[i%len(holders)].Present(ch.Nonce, r.Audience, r.Claims...)
		if err != nil {
			return nil, err
		}
		jobs[i] = Job{p, ch.Nonce}
	}
	return jobs, nil
}

// Verify returns the call of job i: VerifyPresentation; a verdict other than verified adds to
// refused (nil: not counted).
func Verify(ctx context.Context, cli verifierpb.VerifierClient, jobs []Job, refused *atomic.Int64) func(i int) error {
	return func(i int) error {
		r, err := cli.VerifyPresentation(ctx, &verifierpb.VerifyPresentationRequest{Presentation: jobs[i].Presentation, Nonce: jobs[i].Nonce})
		if err == nil && !r.Verified && refused != nil {
			refused.Add(1)
		}
		return err
	}
}
