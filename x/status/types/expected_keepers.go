package types

import (
	"context"

	"github.com/amanah-id/amanah/didcore"
	didtypes "github.com/amanah-id/amanah/x/did/types"
)

// DIDKeeper is what the status module needs from x/did: whether an owner DID is active, and
// whether DID signatures over sign bytes come from keys in one of its verification relationships.
type DIDKeeper interface {
	VerifySignatures(ctx context.Context, did string, rel didcore.Relationship, signBytes []byte, sigs []didtypes.DidSignature) error
	IsActive(ctx context.Context, did string) (bool, error)
}
