package challenge

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/amanah-id/amanah/verifier/reason"
)

type testClock struct{ off atomic.Int64 }

func (c *testClock) Now() time.Time {
	return time.Unix(1_800_000_000, 0).Add(time.Duration(c.off.Load()))
}
func (c *testClock) Advance(d time.Duration) { c.off.Add(int64(d)) }

func TestConsumeOnceAndReasons(t *testing.T) {
	clk := &testClock{}
	s := NewStore(Config{TTL: time.Minute, Now: clk.Now})
	c, err := s.Create("did:a", "aud", []string{"t"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, r := s.Consume(c.Nonce, "did:b"); r != reason.ChallengeOtherRP {
		t.Fatalf("other party: %q", r)
	}
	if got, r := s.Consume(c.Nonce, "did:a"); r != "" || got.Audience != "aud" {
		t.Fatalf("consume: %q %+v", r, got)
	}
	if _, r := s.Consume(c.Nonce, "did:a"); r != reason.NonceReplayed {
		t.Fatalf("replay: %q", r)
	}
	if _, r := s.Consume("nope", "did:a"); r != reason.NonceUnknown {
		t.Fatalf("unknown: %q", r)
	}
	c2, _ := s.Create("did:a", "aud", nil, nil)
	clk.Advance(time.Minute)
	// Named as expired for one more TTL, whatever else happens meanwhile.
	for range 3 * expireBatch {
		if _, err := s.Create("did:b", "aud", nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, r := s.Consume(c2.Nonce, "did:a"); r != reason.ChallengeExpired {
		t.Fatalf("expired: %q", r)
	}
	if _, r := s.Consume(c.Nonce, "did:a"); r != reason.ChallengeExpired {
		t.Fatalf("used, then expired: %q", r)
	}
	clk.Advance(time.Minute)
	if _, err := s.Create("did:b", "aud", nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, r := s.Consume(c2.Nonce, "did:a"); r != reason.NonceUnknown {
		t.Fatalf("a TTL after expiry: %q", r)
	}
}

// TestConcurrentConsumeIsAtomic: of many concurrent consumers of one nonce, exactly one wins.
func TestConcurrentConsumeIsAtomic(t *testing.T) {
	s := NewStore(Config{})
	c, _ := s.Create("did:a", "aud", nil, nil)
	var wins atomic.Int32
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, r := s.Consume(c.Nonce, "did:a"); r == "" {
				wins.Add(1)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d consumers won", wins.Load())
	}
}

// TestIncrementalExpiry: expired challenges leave the store a bounded batch
// per call (no call walks the whole store), and a party at its cap gets room
// as soon as its oldest challenges expire.
func TestIncrementalExpiry(t *testing.T) {
	clk := &testClock{}
	s := NewStore(Config{TTL: time.Minute, MaxPerParty: 5000, Max: 100_000, Now: clk.Now})
	for range 5000 {
		if _, err := s.Create("did:bulk", "aud", nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Create("did:bulk", "aud", nil, nil); !errors.Is(err, ErrFull) {
		t.Fatalf("at cap: %v", err)
	}
	clk.Advance(time.Minute)
	if _, err := s.Create("did:other", "aud", nil, nil); err != nil {
		t.Fatal(err)
	}
	if n := s.Len(); n != 5001-expireBatch {
		t.Fatalf("after one call %d held, want %d (one batch expired)", n, 5001-expireBatch)
	}
	// The party at its cap is admitted once its challenges have expired.
	if _, err := s.Create("did:bulk", "aud", nil, nil); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	if n := s.Len(); n != 5002-2*expireBatch {
		t.Fatalf("%d held, want %d (two batches expired)", n, 5002-2*expireBatch)
	}
}

// TestQueueMatchesModel drives the chunked FIFO against a slice.
func TestQueueMatchesModel(t *testing.T) {
	var q queue
	var model []*Challenge
	seed := uint32(1)
	for i := range 200_000 {
		seed = seed*1664525 + 1013904223
		if seed>>30 != 0 || len(model) == 0 { // 3 pushes per pop on average
			c := &Challenge{Nonce: string(rune(i))}
			q.push(c)
			model = append(model, c)
			continue
		}
		if q.peek() != model[0] {
			t.Fatalf("step %d: head differs", i)
		}
		q.pop()
		model = model[1:]
	}
	for len(model) > 0 {
		if q.peek() != model[0] {
			t.Fatal("drain: head differs")
		}
		q.pop()
		model = model[1:]
	}
	if q.peek() != nil || len(q.chunks) != 0 {
		t.Fatal("queue not empty")
	}
}
