package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the trust registry module's name and store key.
	ModuleName = "trust"
	// StoreKey is the trust registry's KV store key.
	StoreKey = ModuleName
	// TStoreKey is the trust registry's transient store key (what changed in the current block).
	TStoreKey = "transient_trust"
)

// NationalIDVCT is the credential type of the national identity credential (the demo trust chain).
const NationalIDVCT = "https://amanah.gov.example/credentials/national-id"

// Collection prefixes of the trust registry's state.
var (
	CredentialTypesKey = collections.NewPrefix(0)
	AccreditationsKey  = collections.NewPrefix(1)
	// AccreditationsByHolderKey was the Accredited multi-index (holder, id) of state version 1;
	// HeldKey replaced it (Migrate1to2 deletes its keys) and the prefix stays reserved.
	AccreditationsByHolderKey  = collections.NewPrefix(2)
	AccreditationsByGrantorKey = collections.NewPrefix(3)
	RelyingPartiesKey          = collections.NewPrefix(4)
	// HeldKey maps an accredited DID (StringKey) to the ids of every accreditation it holds
	// (AccreditationIds, sorted): one provable value per holder.
	HeldKey = collections.NewPrefix(5)
	// ChangesKey is the per-block change journal: block height (Int64Key) -> TrustChanges.
	ChangesKey = collections.NewPrefix(6)
	// StoreVersionKey holds the state version, written at genesis and by migrations, so that
	// the store is never empty: an ICS23 absence proof cannot be made in an empty store, and
	// verifiers prove absences (a journal entry for a block without trust changes).
	StoreVersionKey = collections.NewPrefix(7)
	// LedgerRecognitionsKey holds every version of every foreign-ledger recognition:
	// Pair[StringKey chain id, Uint32Key version] -> LedgerRecognition (state version 4).
	LedgerRecognitionsKey = collections.NewPrefix(8)
)

// Collection prefixes of the transient store (reset at every commit): what the current block changed.
var (
	ChangedAccreditedKey     = collections.NewPrefix(0)
	ChangedRelyingPartiesKey = collections.NewPrefix(1)
	ChangedVCTsKey           = collections.NewPrefix(2)
	ChangedLedgersKey        = collections.NewPrefix(3)
)

// ChangeRetentionBlocks is how many blocks of change journal the registry keeps: the entry of
// height h is deleted at the end of block h + ChangeRetentionBlocks.
const ChangeRetentionBlocks = 100_000

// Bounds on what a message may carry, checked before any parsing or state access.
const (
	// MaxSchemaBytes bounds a credential type's JSON Schema.
	MaxSchemaBytes = 32 << 10
	// MaxSchemaDepth bounds the nesting of a schema's JSON values.
	MaxSchemaDepth = 32
	// MaxURILength bounds a vct URI.
	MaxURILength = 256
	// MaxDIDLength bounds a DID in a payload.
	MaxDIDLength = 256
	// MaxIDLength bounds an accreditation id.
	MaxIDLength = 128
	// MaxNameLength bounds display and legal names.
	MaxNameLength = 256
	// MaxDescriptionLength bounds a description or a reason.
	MaxDescriptionLength = 1024
	// MaxRegistrationNumberLength bounds a relying party's registration number.
	MaxRegistrationNumberLength = 64
	// MaxVCTs bounds the credential types of one accreditation or relying party.
	MaxVCTs = 64
	// MaxClaims bounds the claims listed for one credential type.
	MaxClaims = 256
	// MaxClaimNameLength bounds a claim name.
	MaxClaimNameLength = 128
	// MaxSignatures bounds the DID signatures of one message.
	MaxSignatures = 16
	// MaxSignatureBytes bounds one DID signature.
	MaxSignatureBytes = 128
	// MaxAudiences bounds the audiences of one relying party.
	MaxAudiences = 16
	// MaxAudienceLength bounds one audience (the verifier takes up to 512 bytes).
	MaxAudienceLength = 256
	// MaxHistory bounds the status changes one accreditation may go through.
	MaxHistory = 1024
	// MaxChainIDLength bounds a foreign chain id (CometBFT's bound).
	MaxChainIDLength = 50
	// MinTrustingPeriod and MaxTrustingPeriod bound a recognition's light-client trusting period.
	MinTrustingPeriodSeconds = 60
	MaxTrustingPeriodSeconds = 365 * 24 * 3600
	// MaxRecognitionVersions bounds the versions of one recognition.
	MaxRecognitionVersions = 1024
	// SchemaCompileGasPerByte is the gas charged per schema byte for compiling it.
	SchemaCompileGasPerByte = 10
)

// Reasons IsAccredited gives when the answer is no; stable strings clients may match on.
const (
	ReasonIssuerInactive          = "issuer_inactive"
	ReasonNoAccreditation         = "no_accreditation"
	ReasonNotYetValid             = "not_yet_valid"
	ReasonExpired                 = "expired"
	ReasonSuspended               = "suspended"
	ReasonRevoked                 = "revoked"
	ReasonAccreditorInactive      = "accreditor_inactive"
	ReasonAccreditorNotAccredited = "accreditor_not_accredited"
)
