package state_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/stretchr/testify/require"

	"github.com/amanah-id/amanah/verifier/challenge"
	"github.com/amanah-id/amanah/verifier/reason"
	"github.com/amanah-id/amanah/verifier/state"
	"github.com/amanah-id/amanah/verifier/state/statetest"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// conformance checks what every Store must do; open returns two handles on
// one store (two replicas).
func conformance(t *testing.T, open func(cfg challenge.Config) (a, b state.Store)) {
	ctx := context.Background()
	clk := &clock{t: time.Now()}
	a, b := open(challenge.Config{TTL: time.Minute, Now: clk.now})

	// Challenges: made on a, taken once on b, never again; other party refused untouched.
	ch, err := a.Create("did:rp:1", "aud", []string{"vct"}, []string{"given_name"})
	require.NoError(t, err)
	_, r := b.Consume(ch.Nonce, "did:rp:2")
	require.Equal(t, reason.ChallengeOtherRP, r)
	got, r := b.Consume(ch.Nonce, "did:rp:1")
	require.Empty(t, r)
	require.Equal(t, "aud", got.Audience)
	require.Equal(t, []string{"given_name"}, got.Claims)
	_, r = a.Consume(ch.Nonce, "did:rp:1")
	require.Equal(t, reason.NonceReplayed, r)
	_, r = a.Consume("nope", "did:rp:1")
	require.Equal(t, reason.NonceUnknown, r)
	late, err := a.Create("did:rp:1", "aud", nil, nil)
	require.NoError(t, err)
	clk.add(90 * time.Second)
	_, r = b.Consume(late.Nonce, "did:rp:1")
	require.Equal(t, reason.ChallengeExpired, r)

	// Concurrent takes across the two handles: exactly one wins.
	ch, err = a.Create("did:rp:1", "aud", nil, nil)
	require.NoError(t, err)
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := a
			if i%2 == 1 {
				s = b
			}
			if _, r := s.Consume(ch.Nonce, "did:rp:1"); r == "" {
				wins.Add(1)
			}
		}()
	}
	wg.Wait()
	require.EqualValues(t, 1, wins.Load())

	// Transactions.
	tx := &state.Transaction{ID: "tx-1", State: "st-1", Party: "did:rp:1", Nonce: "n", Query: []byte(`{}`), Expires: clk.now().Add(time.Minute)}
	require.NoError(t, a.PutTransaction(ctx, tx))
	g, err := b.TransactionByState(ctx, "st-1")
	require.NoError(t, err)
	require.Equal(t, "tx-1", g.ID)
	require.Equal(t, "did:rp:1", g.Party)
	_, err = b.Transaction(ctx, "tx-2")
	require.ErrorIs(t, err, state.ErrNotFound)
	_, err = b.TransactionByState(ctx, "st-2")
	require.ErrorIs(t, err, state.ErrNotFound)
	res, err := a.Result(ctx, "tx-1")
	require.NoError(t, err)
	require.Nil(t, res)
	wins.Store(0)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := a
			if i%2 == 1 {
				s = b
			}
			err := s.Complete(ctx, "tx-1", &state.Result{Verdict: []byte{byte(i)}})
			if err == nil {
				wins.Add(1)
			} else if !errors.Is(err, state.ErrCompleted) {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	require.EqualValues(t, 1, wins.Load())
	res, err = b.Result(ctx, "tx-1")
	require.NoError(t, err)
	require.Len(t, res.Verdict, 1)
	require.ErrorIs(t, a.Complete(ctx, "tx-9", &state.Result{}), state.ErrNotFound)
}

func TestMemory(t *testing.T) {
	conformance(t, func(cfg challenge.Config) (state.Store, state.Store) {
		m := state.NewMemory(cfg)
		return m, m
	})
}

func TestRedisMiniredis(t *testing.T) {
	mr := miniredis.RunT(t)
	conformance(t, func(cfg challenge.Config) (state.Store, state.Store) {
		a, err := state.Open(context.Background(), "redis://"+mr.Addr(), cfg)
		require.NoError(t, err)
		b, err := state.Open(context.Background(), "redis://"+mr.Addr(), cfg)
		require.NoError(t, err)
		t.Cleanup(func() { a.Close(); b.Close() })
		return a, b
	})
}

func TestRedisServer(t *testing.T) {
	url := statetest.Redis(t)
	conformance(t, func(cfg challenge.Config) (state.Store, state.Store) {
		a, err := state.Open(context.Background(), url, cfg)
		require.NoError(t, err)
		b, err := state.Open(context.Background(), url, cfg)
		require.NoError(t, err)
		t.Cleanup(func() { a.Close(); b.Close() })
		return a, b
	})
}

func TestOpenRejects(t *testing.T) {
	_, err := state.Open(context.Background(), "postgres://x", challenge.Config{})
	require.Error(t, err)
	_, err = state.Open(context.Background(), "redis://127.0.0.1:1", challenge.Config{})
	require.Error(t, err)
}
