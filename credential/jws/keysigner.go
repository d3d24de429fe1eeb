package jws

import (
	"context"

	"github.com/amanah-id/amanah/keys"
)

// KeySigner is a Signer backed by an in-process keys.PrivateKey.
type KeySigner struct{ Key keys.PrivateKey }

// NewKeySigner returns a Signer for k.
func NewKeySigner(k keys.PrivateKey) KeySigner { return KeySigner{Key: k} }

// Algorithm returns the key's JOSE algorithm (EdDSA, ES256 or ES256K).
func (s KeySigner) Algorithm() string { return s.Key.Public().Algorithm() }

// Sign signs signingInput with the key; ctx is unused.
func (s KeySigner) Sign(_ context.Context, signingInput []byte) ([]byte, error) {
	return s.Key.Sign(signingInput)
}
