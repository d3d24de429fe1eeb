package types

import (
	"context"

	"cosmossdk.io/core/address"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/amanah-id/amanah/didcore"
	didtypes "github.com/amanah-id/amanah/x/did/types"
)

// DIDKeeper is what the trust registry needs from x/did: DID-key authorisation and liveness.
type DIDKeeper interface {
	// VerifySignatures checks that sigs are valid signatures of signBytes by methods of did in relationship rel.
	VerifySignatures(ctx context.Context, did string, rel didcore.Relationship, signBytes []byte, sigs []didtypes.DidSignature) error
	// IsActive reports whether did exists and is not deactivated.
	IsActive(ctx context.Context, did string) (bool, error)
	// Network returns this chain's did:amanah network name.
	Network(ctx context.Context) (string, error)
}

// CouncilKeeper is what the trust registry needs from x/council: the authority and writers.
type CouncilKeeper interface {
	// Authority returns the gov module account that carries council decisions.
	Authority() string
	// AddressCodec returns the account address codec.
	AddressCodec() address.Codec
	// AuthorizeAccreditedWriter lets acc submit transactions while the accreditation
	// accreditationID is in force (the council asks AccreditationInForce on each transaction),
	// recording granter and a note.
	AuthorizeAccreditedWriter(ctx context.Context, acc sdk.AccAddress, granter, accreditationID, note string) error
}
