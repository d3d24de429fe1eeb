package ledger

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/openid4vp/holder"
)

// HolderLedger is a View as the wallet reads it (openid4vp/holder.Ledger):
// a relying party's request-signing key and its registration.
type HolderLedger struct {
	View View
	// Now is the clock (time.Now if nil).
	Now func() time.Time
}

var _ holder.Ledger = HolderLedger{}

func (h HolderLedger) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// AssertionKey implements holder.Ledger.
func (h HolderLedger) AssertionKey(ctx context.Context, did, kid string) (keys.PublicKey, error) {
	if err := h.View.Fresh(); err != nil {
		return keys.PublicKey{}, err
	}
	ks, err := h.View.AssertionKeys(ctx, did, h.now())
	if errors.Is(err, ErrNotFound) {
		return keys.PublicKey{}, fmt.Errorf("%s: %w", did, holder.ErrNotFound)
	}
	if err != nil {
		return keys.PublicKey{}, err
	}
	for _, k := range ks {
		if k.ID == kid {
			return k.Key, nil
		}
	}
	return keys.PublicKey{}, fmt.Errorf("%s is not an assertionMethod of %s: %w", kid, did, holder.ErrNotFound)
}

// RelyingParty implements holder.Ledger.
func (h HolderLedger) RelyingParty(ctx context.Context, did string) (*holder.RelyingParty, error) {
	if err := h.View.Fresh(); err != nil {
		return nil, err
	}
	rp, err := h.View.RelyingParty(ctx, did)
	if errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("%s: %w", did, holder.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return &holder.RelyingParty{DID: rp.DID, Name: rp.Name, AllowedClaims: rp.AllowedClaims, Audiences: rp.Audiences}, nil
}
