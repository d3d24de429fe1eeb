// Package issuertest helps test amanah-issuer: FakeLedger (an in-memory Ledger for unit
// tests), and Chain/StartIssuer (chain.go), which run a real one-validator localnet with an
// accredited issuer and start a real amanah-issuer process against it (used by the issuer's
// process tests, the demo's checks and the Node.js interop harness).
package issuertest

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/amanah-id/amanah/issuer/chainledger"
	"github.com/amanah-id/amanah/statuslist"
	statustypes "github.com/amanah-id/amanah/x/status/types"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

// FakeLedger is an in-memory chainledger.Ledger: lists of 2-bit entries owned by Owner, the
// national id credential type registered, a height that grows with each write.
type FakeLedger struct {
	Owner string
	Size  uint32 // list size (statuslist.MinSize if 0)

	mu     sync.Mutex
	lists  map[uint64]*statuslist.List
	height int64
	// Txs counts SetStatus transactions; Creates counts CreateList calls.
	Txs, Creates int
	// Types are the registered types by vct (NationalIDVCT by default).
	Types map[string]*trusttypes.CredentialType
	// StandingStart is what Standing returns.
	StandingStart time.Time
}

// NewFakeLedger returns a ledger with the national id type.
func NewFakeLedger(owner string) *FakeLedger {
	return &FakeLedger{Owner: owner, lists: map[uint64]*statuslist.List{}, height: 1, Types: map[string]*trusttypes.CredentialType{
		trusttypes.NationalIDVCT: {Vct: trusttypes.NationalIDVCT, Version: 1, Schema: trusttypes.NationalIDSchema,
			SelectivelyDisclosable: trusttypes.NationalIDClaims, DisplayName: "National identity credential",
			Description: "Issued by the National Registration Department"}}}
}

// CreateList implements chainledger.Ledger.
func (f *FakeLedger) CreateList(context.Context) (uint64, uint32, uint8, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	size := f.Size // a small Size only makes the issuer think lists fill early
	if size == 0 {
		size = statuslist.MinSize
	}
	l, err := statuslist.NewList(2, statuslist.MinSize)
	if err != nil {
		return 0, 0, 0, err
	}
	id := uint64(len(f.lists) + 1)
	f.lists[id] = l
	f.Creates++
	f.height++
	return id, size, 2, nil
}

// SetStatus implements chainledger.Ledger.
func (f *FakeLedger) SetStatus(_ context.Context, changes map[uint64][]uint32, value uint8) (int64, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for id, idx := range changes {
		l, ok := f.lists[id]
		if !ok {
			return 0, "", fmt.Errorf("no list %d", id)
		}
		d := statuslist.Delta{}
		for _, i := range idx {
			d = append(d, statuslist.Entry{Index: i, Value: value})
		}
		if err := l.Apply(d); err != nil {
			return 0, "", err
		}
	}
	f.Txs++
	f.height++
	return f.height, fmt.Sprintf("TX%d", f.Txs), nil
}

// Get returns an entry (tests).
func (f *FakeLedger) Get(list uint64, idx uint32) uint8 {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, _ := f.lists[list].Get(idx)
	return v
}

// Encoded implements chainledger.Ledger.
func (f *FakeLedger) Encoded(_ context.Context, id uint64) (*chainledger.EncodedList, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	l, ok := f.lists[id]
	if !ok {
		return nil, fmt.Errorf("no list %d", id)
	}
	lst, err := l.TokenStatusList()
	if err != nil {
		return nil, err
	}
	bs, err := l.BitstringStatusList()
	if err != nil {
		return nil, err
	}
	return &chainledger.EncodedList{ID: id, Owner: f.Owner, Purpose: statustypes.StatusPurpose_STATUS_PURPOSE_STATUS, Bits: 2,
		Size: l.Size(), Lst: lst, EncodedList: bs, Height: f.height}, nil
}

// CredentialType implements chainledger.Ledger.
func (f *FakeLedger) CredentialType(_ context.Context, vct string) (*trusttypes.CredentialType, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ct, ok := f.Types[vct]
	if !ok {
		return nil, fmt.Errorf("credential type %s not registered", vct)
	}
	return ct, nil
}

// Standing implements chainledger.Ledger: StandingStart (zero: the issuer's standing began
// before any issuance window).
func (f *FakeLedger) Standing(context.Context, string, time.Time) (time.Time, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.StandingStart, nil
}
