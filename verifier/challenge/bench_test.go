package challenge

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkCreateP99 measures the p99 latency of Create for one relying
// party in two stores: an empty one, and one holding 1M outstanding
// challenges of another party that sits at its cap and keeps asking (the
// case where a sweep under the store's lock would stall every other party).
// It reports both p99s and their ratio.
//
//	go test ./verifier/challenge -run '^$' -bench CreateP99 -benchtime 1x
func BenchmarkCreateP99(b *testing.B) {
	const outstanding = 1_000_000
	const samples = 20_000
	type pct struct{ p99, p999, max time.Duration }
	measure := func(s *Store, hammer bool) pct {
		var stop atomic.Bool
		var wg sync.WaitGroup
		if hammer {
			wg.Add(1)
			go func() { // the party at its cap keeps asking and is refused
				defer wg.Done()
				for !stop.Load() {
					if _, err := s.Create("did:amanah:test:bulk", "aud", nil, nil); err == nil {
						panic("bulk party not at its cap")
					}
				}
			}()
		}
		lat := make([]time.Duration, samples)
		for i := range lat {
			t0 := time.Now()
			if _, err := s.Create("did:amanah:test:small", "aud", nil, nil); err != nil {
				b.Fatal(err)
			}
			lat[i] = time.Since(t0)
		}
		stop.Store(true)
		wg.Wait()
		slices.Sort(lat)
		return pct{lat[len(lat)*99/100], lat[len(lat)*999/1000], lat[len(lat)-1]}
	}
	for range b.N {
		empty := NewStore(Config{MaxPerParty: outstanding, Max: 2 * outstanding})
		p99Empty := measure(empty, false)

		full := NewStore(Config{MaxPerParty: outstanding, Max: 2 * outstanding})
		for i := range outstanding {
			if _, err := full.Create("did:amanah:test:bulk", "aud", nil, nil); err != nil {
				b.Fatalf("fill %d: %v", i, err)
			}
		}
		if full.Len() != outstanding {
			b.Fatal(fmt.Sprint("len ", full.Len()))
		}
		p99Full := measure(full, true)
		b.ReportMetric(float64(p99Empty.p99.Nanoseconds()), "p99-empty-ns")
		b.ReportMetric(float64(p99Full.p99.Nanoseconds()), "p99-1M-ns")
		b.ReportMetric(float64(p99Full.p99)/float64(p99Empty.p99), "p99-ratio")
		b.ReportMetric(float64(p99Empty.p999.Nanoseconds()), "p99.9-empty-ns")
		b.ReportMetric(float64(p99Full.p999.Nanoseconds()), "p99.9-1M-ns")
		b.ReportMetric(float64(p99Empty.max.Nanoseconds()), "max-empty-ns")
		b.ReportMetric(float64(p99Full.max.Nanoseconds()), "max-1M-ns")
	}
}
