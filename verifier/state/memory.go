package state

import (
	"context"
	"sync"
	"time"

	"github.com/amanah-id/amanah/verifier/challenge"
)

// DefaultMaxTransactions bounds a memory store's transactions.
const DefaultMaxTransactions = 100_000

// Memory keeps state in this process: challenges in a challenge.Store,
// transactions in maps (expired ones are dropped as new ones come).
type Memory struct {
	*challenge.Store
	now   func() time.Time
	max   int
	mu    sync.Mutex
	txs   map[string]*memTx
	state map[string]string
	order []string // transaction ids, oldest first
}

type memTx struct {
	tx  Transaction
	res *Result
}

// NewMemory returns a memory store; cfg configures its challenges (and its clock).
func NewMemory(cfg challenge.Config) *Memory {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Memory{Store: challenge.NewStore(cfg), now: now, max: DefaultMaxTransactions,
		txs: map[string]*memTx{}, state: map[string]string{}}
}

// Close implements Store.
func (m *Memory) Close() error { return nil }

// PutTransaction implements Transactions.
func (m *Memory) PutTransaction(_ context.Context, tx *Transaction) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.dropExpiredLocked()
	if len(m.txs) >= m.max {
		return ErrFull
	}
	c := *tx
	m.txs[tx.ID] = &memTx{tx: c}
	m.state[tx.State] = tx.ID
	m.order = append(m.order, tx.ID)
	return nil
}

// dropExpiredLocked forgets the oldest transactions a retention past their expiry.
func (m *Memory) dropExpiredLocked() {
	now := m.now()
	n := 0
	for _, id := range m.order {
		t, ok := m.txs[id]
		if ok && now.Before(t.tx.Expires.Add(Retention)) {
			break
		}
		if ok {
			delete(m.state, t.tx.State)
			delete(m.txs, id)
		}
		n++
	}
	m.order = m.order[n:]
}

// Transaction implements Transactions.
func (m *Memory) Transaction(_ context.Context, id string) (*Transaction, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.txs[id]
	if !ok {
		return nil, ErrNotFound
	}
	c := t.tx
	return &c, nil
}

// TransactionByState implements Transactions.
func (m *Memory) TransactionByState(ctx context.Context, st string) (*Transaction, error) {
	m.mu.Lock()
	id, ok := m.state[st]
	m.mu.Unlock()
	if !ok {
		return nil, ErrNotFound
	}
	return m.Transaction(ctx, id)
}

// Complete implements Transactions.
func (m *Memory) Complete(_ context.Context, id string, r *Result) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.txs[id]
	if !ok {
		return ErrNotFound
	}
	if t.res != nil {
		return ErrCompleted
	}
	c := *r
	t.res = &c
	return nil
}

// Result implements Transactions.
func (m *Memory) Result(_ context.Context, id string) (*Result, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.txs[id]
	if !ok {
		return nil, ErrNotFound
	}
	if t.res == nil {
		return nil, nil
	}
	c := *t.res
	return &c, nil
}
