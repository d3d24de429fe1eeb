//go:build faults

package faults

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	sdkmath "cosmossdk.io/math"
	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/amanah-id/amanah/localnet"
	"github.com/amanah-id/amanah/localnet/txclient"
)

// Workload makes the stream's transactions and checks that the final state holds the committed
// ones. Bank sends are the first; DID and status workloads plug in as further implementations.
type Workload interface {
	// Name names the workload in logs.
	Name() string
	// Msgs returns the messages of sender's n-th transaction (deterministic in sender and n).
	Msgs(sender int, n int) ([]sdk.Msg, error)
	// Verify checks on one node, at height h, the state that the acknowledged transactions imply.
	Verify(ctx context.Context, rpc localnet.RPC, h int64, acked []Acked) error
}

// Acked is a transaction the stream saw committed (found by hash on a node, code 0).
type Acked struct {
	Sender, N int
	Hash      string
	Height    int64
	Msgs      []sdk.Msg
}

// bankSends sends TestDenom from agency s to agency s+1: n+1 units in the n-th transaction.
type bankSends struct {
	c     *txclient.Client
	addrs []sdk.AccAddress
	// start holds the balances before the stream (by address), when setup transactions moved
	// TestDenom; nil: every agency holds its genesis TestDenomAmount.
	start map[string]sdkmath.Int
}

func (b *bankSends) Name() string { return "bank-send " + localnet.TestDenom }

func (b *bankSends) Msgs(sender, n int) ([]sdk.Msg, error) {
	to := b.addrs[(sender+1)%len(b.addrs)]
	return []sdk.Msg{banktypes.NewMsgSend(b.addrs[sender], to, sdk.NewCoins(sdk.NewInt64Coin(localnet.TestDenom, int64(n+1))))}, nil
}

func (b *bankSends) Verify(ctx context.Context, rpc localnet.RPC, h int64, acked []Acked) error {
	want := map[string]sdkmath.Int{}
	for _, a := range b.addrs {
		want[a.String()] = sdkmath.NewInt(localnet.TestDenomAmount)
		if v, ok := b.start[a.String()]; ok {
			want[a.String()] = v
		}
	}
	for _, a := range acked {
		for _, m := range a.Msgs {
			send, ok := m.(*banktypes.MsgSend)
			if !ok {
				continue
			}
			amt := send.Amount.AmountOf(localnet.TestDenom)
			want[send.FromAddress] = want[send.FromAddress].Sub(amt)
			want[send.ToAddress] = want[send.ToAddress].Add(amt)
		}
	}
	for _, a := range b.addrs {
		got, err := b.c.Balance(ctx, rpc, a, localnet.TestDenom, h)
		if err != nil {
			return err
		}
		if !got.Equal(want[a.String()]) {
			return fmt.Errorf("%s at height %d: %s balance %s%s, want %s from %d acknowledged txs",
				rpc.URL, h, a, got, localnet.TestDenom, want[a.String()], len(acked))
		}
	}
	return nil
}

// Stream submits transactions from every agency, one in flight per agency, rotating over the
// nodes and re-submitting to another node until the transaction is committed. It never drops a
// transaction: a transaction not committed within txDeadline is an error.
type Stream struct {
	net     *localnet.Net
	c       *txclient.Client
	signers []txclient.Signer
	w       Workload
	logf    func(format string, args ...any)
	// from is the height of the last setup transaction: senders read their account sequence
	// as of that block, so a node still behind it cannot hand out a sequence already used.
	from int64

	stop chan struct{}
	wg   sync.WaitGroup

	mu        sync.Mutex
	acked     []Acked
	errs      []error
	submitted int
}

const (
	txDeadline  = 90 * time.Second
	resubmitGap = 4 * time.Second
)

// Start runs the stream until Stop.
func (s *Stream) Start(ctx context.Context) {
	s.stop = make(chan struct{})
	for i := range s.signers {
		s.wg.Add(1)
		go func() { defer s.wg.Done(); s.sender(ctx, i) }()
	}
}

// Stop lets each sender finish its transaction in flight, then returns what was acknowledged.
func (s *Stream) Stop() ([]Acked, error) {
	close(s.stop)
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Acked(nil), s.acked...), errors.Join(s.errs...)
}

// Count returns the number of acknowledged transactions so far.
func (s *Stream) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.acked)
}

func (s *Stream) fail(err error) {
	s.mu.Lock()
	s.errs = append(s.errs, err)
	s.mu.Unlock()
}

func (s *Stream) sender(ctx context.Context, i int) {
	signer := s.signers[i]
	nodes := len(s.net.Nodes)
	var accNum, seq uint64
	var err error
	deadline := time.Now().Add(txDeadline)
	for k := 0; ; k++ { // the account after block s.from, from any node that has it
		accNum, seq, err = s.c.AccountAt(ctx, s.net.Node((i+k)%nodes).RPC(), signer.Address, s.from)
		if err == nil {
			break
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			s.fail(fmt.Errorf("sender %d: account: %w", i, err))
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	for n := 0; ; n++ {
		select {
		case <-s.stop:
			return
		case <-ctx.Done():
			return
		default:
		}
		msgs, err := s.w.Msgs(i, n)
		if err != nil {
			s.fail(err)
			return
		}
		tx, err := s.c.Sign(signer, accNum, seq, fmt.Sprintf("stream %d/%d", i, n), msgs...)
		if err != nil {
			s.fail(err)
			return
		}
		s.mu.Lock()
		s.submitted++
		s.mu.Unlock()
		res, err := s.commit(ctx, i+n, tx)
		if err != nil {
			s.fail(fmt.Errorf("sender %d tx %d (seq %d, %s): %w", i, n, seq, tx.Hash, err))
			return
		}
		seq++ // a transaction that fails in DeliverTx still uses its sequence
		if res.Code != 0 {
			s.fail(fmt.Errorf("sender %d tx %d %s failed in the block: code %d %s", i, n, tx.Hash, res.Code, res.Log))
			continue
		}
		s.mu.Lock()
		s.acked = append(s.acked, Acked{Sender: i, N: n, Hash: tx.Hash, Height: res.Height, Msgs: msgs})
		s.mu.Unlock()
	}
}

// commit submits tx to node first and polls every node until one reports it committed,
// re-submitting to the next node every resubmitGap.
func (s *Stream) commit(ctx context.Context, first int, tx txclient.SignedTx) (localnet.TxResult, error) {
	nodes := len(s.net.Nodes)
	deadline := time.Now().Add(txDeadline)
	var lastSubmit time.Time
	var lastRefusal string
	target := first % nodes
	for attempt := 0; time.Now().Before(deadline); attempt++ {
		if ctx.Err() != nil {
			return localnet.TxResult{}, ctx.Err()
		}
		if time.Since(lastSubmit) > resubmitGap {
			// Errors are expected here (node down or paused, "tx already in cache",
			// a restarted node still catching up): the next node gets it later.
			res, err := s.net.Node(target).RPC().BroadcastSync(ctx, tx.Bytes)
			switch {
			case err != nil:
				lastRefusal = fmt.Sprintf("node%d: %v", target, err)
			case res.Code != 0:
				lastRefusal = fmt.Sprintf("node%d: CheckTx %s %d: %s", target, res.Codespace, res.Code, res.Log)
			}
			lastSubmit = time.Now()
			target = (target + 1) % nodes
		}
		res, err := s.net.Node(attempt%nodes).RPC().Tx(ctx, tx.Hash)
		if err == nil {
			return res, nil
		}
		time.Sleep(150 * time.Millisecond)
	}
	return localnet.TxResult{}, fmt.Errorf("not committed within %s (last refusal: %s)", txDeadline, lastRefusal)
}
