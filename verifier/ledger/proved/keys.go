package proved

import (
	"cosmossdk.io/collections"
	collcodec "cosmossdk.io/collections/codec"

	didtypes "github.com/amanah-id/amanah/x/did/types"
	statustypes "github.com/amanah-id/amanah/x/status/types"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

// The store keys the reader proves, built here from the modules' collection
// prefixes and key codecs (docs/architecture.md, "Store key layout"). A node
// is never asked to look anything up for us: it is asked for one exact key.
var (
	didVersionCodec     = collections.PairKeyCodec(collections.StringKey, collections.Uint64Key)
	credentialTypeCodec = collections.PairKeyCodec(collections.StringKey, collections.Uint32Key)
	pageCodec           = collections.PairKeyCodec(collections.Uint64Key, collections.Uint32Key)
)

func mustKey[K any](prefix collections.Prefix, kc collcodec.KeyCodec[K], k K) []byte {
	b, err := collections.EncodeKeyWithPrefix(prefix.Bytes(), kc, k)
	if err != nil {
		panic(err) // the codecs above encode every value of their type
	}
	return b
}

// DIDVersionKey is x/did's key of version seq (from 1) of did.
func DIDVersionKey(did string, seq uint64) []byte {
	return mustKey(didtypes.VersionsKey, didVersionCodec, collections.Join(did, seq))
}

// DIDChangesKey is x/did's journal key of height h.
func DIDChangesKey(h int64) []byte { return mustKey(didtypes.ChangesKey, collections.Int64Key, h) }

// AccreditationKey is x/trust's key of accreditation id.
func AccreditationKey(id string) []byte {
	return mustKey(trusttypes.AccreditationsKey, collections.StringKey, id)
}

// HeldKey is x/trust's key of the accreditation ids held by did.
func HeldKey(did string) []byte { return mustKey(trusttypes.HeldKey, collections.StringKey, did) }

// RelyingPartyKey is x/trust's key of a relying party's registration.
func RelyingPartyKey(did string) []byte {
	return mustKey(trusttypes.RelyingPartiesKey, collections.StringKey, did)
}

// CredentialTypeKey is x/trust's key of version v (from 1) of credential type vct.
func CredentialTypeKey(vct string, v uint32) []byte {
	return mustKey(trusttypes.CredentialTypesKey, credentialTypeCodec, collections.Join(vct, v))
}

// TrustChangesKey is x/trust's journal key of height h.
func TrustChangesKey(h int64) []byte { return mustKey(trusttypes.ChangesKey, collections.Int64Key, h) }

// StatusListKey is x/status's key of list id.
func StatusListKey(id uint64) []byte { return mustKey(statustypes.ListsKey, collections.Uint64Key, id) }

// StatusPageKey is x/status's key of page p of list id (absent: all zero).
func StatusPageKey(id uint64, p uint32) []byte {
	return mustKey(statustypes.PagesKey, pageCodec, collections.Join(id, p))
}

// StatusChangesKey is x/status's journal key of height h.
func StatusChangesKey(h int64) []byte {
	return mustKey(statustypes.BlockChangesKey, collections.Int64Key, h)
}

// LedgerRecognitionKey is x/trust's key of version v (from 1) of the recognition of the
// foreign ledger chainID (state version 4).
func LedgerRecognitionKey(chainID string, v uint32) []byte {
	return mustKey(trusttypes.LedgerRecognitionsKey, credentialTypeCodec, collections.Join(chainID, v))
}
