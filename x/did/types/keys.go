package types

import (
	"math"
	"time"

	"cosmossdk.io/collections"
)

const (
	// ModuleName is the DID registry module's name and store key.
	ModuleName = "did"
	// StoreKey is the DID registry's KV store key.
	StoreKey = ModuleName
	// TStoreKey is the DID registry's transient store key (the DIDs changed in the current block).
	TStoreKey = "transient_did"
	// DefaultNetwork is the did:amanah network name unless genesis sets another.
	DefaultNetwork = "local"
)

// Collection prefixes of the DID registry's state.
var (
	ParamsKey   = collections.NewPrefix(0)
	VersionsKey = collections.NewPrefix(1)
	// HeadsKey was the head index (latest sequence per DID); it is no longer written (the
	// newest version is the head) and stays reserved.
	HeadsKey = collections.NewPrefix(2)
	// ChangesKey is the per-block change journal: block height (Int64Key) -> DidChanges.
	ChangesKey = collections.NewPrefix(3)
	// VersionTimesKey is the time index of the versions: (did, updated as Unix nanoseconds)
	// (Pair[StringKey, Int64Key]) -> the sequence (Uint64Value) of the last version written at
	// that time. The version in force at t is the value of the last key at or before (did, t).
	VersionTimesKey = collections.NewPrefix(4)
)

// MaxVersionsPageLimit bounds the versions one Versions query returns (also its default).
const MaxVersionsPageLimit = 100

// Collection prefixes of the transient store (reset at every commit).
var (
	// ChangedKey collects the DIDs written in the current block (StringKey set).
	ChangedKey = collections.NewPrefix(0)
)

// ChangeRetentionBlocks is how many blocks of change journal the registry keeps: the entry of
// height h is deleted at the end of block h + ChangeRetentionBlocks.
const ChangeRetentionBlocks = 100_000

// Payload and signature bounds, checked before any parsing.
const (
	// MaxPayloadDocumentBytes bounds the submitted document JSON (twice the canonical limit,
	// so pretty-printed input fits; the canonical form is then held to didcore's limit).
	MaxPayloadDocumentBytes = 32 << 10
	// MaxSignatures bounds the signatures of one message.
	MaxSignatures = 32
	// MaxSignatureBytes bounds one signature (Ed25519 and ECDSA r||s are 64 bytes).
	MaxSignatureBytes = 128
	// MaxVersionIDLength bounds a version id in a payload or query.
	MaxVersionIDLength = 20
	// SignatureVerifyGas is the gas charged for each DID-key signature verification.
	SignatureVerifyGas = 1000
)

// Resolution errors (W3C DID Resolution didResolutionMetadata.error values).
const (
	ResolutionErrNotFound       = "notFound"
	ResolutionErrInvalidDid     = "invalidDid"
	ResolutionErrDeactivated    = "deactivated"
	ResolutionErrInvalidOptions = "invalidOptions"
)

// Content types of DID resolution.
const (
	// ContentTypeDIDJSON is the media type of a DID document in plain JSON.
	ContentTypeDIDJSON = "application/did+json"
	// ContentTypeDIDLDJSON is the media type of a DID document in JSON-LD.
	ContentTypeDIDLDJSON = "application/did+ld+json"
	// ContentTypeResolution is the media type of a DID resolution result.
	ContentTypeResolution = "application/did-resolution+json"
	// ContentTypeResolutionLD is the Universal Resolver's media type of a resolution result.
	ContentTypeResolutionLD = `application/ld+json;profile="https://w3id.org/did-resolution"`
)

// The times the version time index holds: Unix nanoseconds in an int64.
var (
	MinIndexedTime = time.Unix(0, math.MinInt64).UTC()
	MaxIndexedTime = time.Unix(0, math.MaxInt64).UTC()
)

// IndexedTime reports whether t is within the time index's range (every block time is).
func IndexedTime(t time.Time) bool {
	return !t.Before(MinIndexedTime) && !t.After(MaxIndexedTime)
}
