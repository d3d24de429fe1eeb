package proved

import (
	"context"
	"fmt"

	"github.com/cosmos/gogoproto/proto"

	didtypes "github.com/amanah-id/amanah/x/did/types"
	statustypes "github.com/amanah-id/amanah/x/status/types"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

// Bounds on what one read walks, so a node cannot make the reader loop.
const (
	// MaxDIDVersions bounds the versions of one DID read as a history.
	MaxDIDVersions = 4096
	// MaxTypeVersions bounds the versions of one credential type.
	MaxTypeVersions = 1024
	// MaxHeld bounds the accreditations one DID holds.
	MaxHeld = 1024
)

// Facts collects the facts a read relied on (for evidence); nil collects nothing.
type Facts struct{ List []Fact }

func (fs *Facts) add(f Fact) {
	if fs != nil {
		fs.List = append(fs.List, f)
	}
}

// Getter reads one proved fact: a Client (from nodes) or a FactSet (from
// evidence, offline).
type Getter interface {
	Get(ctx context.Context, store string, key []byte, h int64) (Fact, error)
}

// get reads and records one fact, decoding an existing value into v.
func get(ctx context.Context, g Getter, fs *Facts, store string, key []byte, h int64, v proto.Message) (bool, error) {
	f, err := g.Get(ctx, store, key, h)
	if err != nil {
		return false, err
	}
	fs.add(f)
	if !f.Exists() {
		return false, nil
	}
	if err := proto.Unmarshal(f.Value, v); err != nil {
		return false, fmt.Errorf("%w: %s/%x: decode %T: %w", ErrBadProof, store, key, v, err)
	}
	return true, nil
}

// DIDHistory returns every version of did at state height h, oldest first,
// proved complete: versions 1..n exist and n+1 is proved absent. An empty
// history means the DID did not exist at h.
func DIDHistory(ctx context.Context, g Getter, did string, h int64, fs *Facts) ([]didtypes.DidDocumentVersion, error) {
	var out []didtypes.DidDocumentVersion
	for seq := uint64(1); seq <= MaxDIDVersions+1; seq++ {
		var v didtypes.DidDocumentVersion
		ok, err := get(ctx, g, fs, didtypes.StoreKey, DIDVersionKey(did, seq), h, &v)
		if err != nil {
			return nil, fmt.Errorf("%s version %d: %w", did, seq, err)
		}
		if !ok {
			return out, nil
		}
		// The store leaves out what the (proved) key says: the DID and the sequence.
		if (v.Did != "" && v.Did != did) || (v.Sequence != 0 && v.Sequence != seq) {
			return nil, fmt.Errorf("%w: %s version %d holds %s version %d", ErrBadProof, did, seq, v.Did, v.Sequence)
		}
		v.Did, v.Sequence = did, seq
		out = append(out, v)
	}
	return nil, fmt.Errorf("%s: more than %d versions", did, MaxDIDVersions)
}

// Held returns the accreditations did holds at state height h (every one,
// revoked ones included, each with its full status history).
func Held(ctx context.Context, g Getter, did string, h int64, fs *Facts) ([]trusttypes.Accreditation, error) {
	var ids trusttypes.AccreditationIds
	ok, err := get(ctx, g, fs, trusttypes.StoreKey, HeldKey(did), h, &ids)
	if err != nil || !ok {
		return nil, err
	}
	if len(ids.Ids) > MaxHeld {
		return nil, fmt.Errorf("%s holds %d accreditations (bound %d)", did, len(ids.Ids), MaxHeld)
	}
	out := make([]trusttypes.Accreditation, 0, len(ids.Ids))
	for _, id := range ids.Ids {
		var a trusttypes.Accreditation
		ok, err := get(ctx, g, fs, trusttypes.StoreKey, AccreditationKey(id), h, &a)
		if err != nil {
			return nil, fmt.Errorf("accreditation %s: %w", id, err)
		}
		if !ok || a.Id != id || a.Accredited != did {
			return nil, fmt.Errorf("%w: accreditation %s listed for %s is missing or not theirs", ErrBadProof, id, did)
		}
		out = append(out, a)
	}
	return out, nil
}

// RelyingParty returns a relying party's registration at h (false: none).
func RelyingParty(ctx context.Context, g Getter, did string, h int64, fs *Facts) (trusttypes.RelyingParty, bool, error) {
	var rp trusttypes.RelyingParty
	ok, err := get(ctx, g, fs, trusttypes.StoreKey, RelyingPartyKey(did), h, &rp)
	if ok && rp.Did != did {
		return rp, false, fmt.Errorf("%w: relying party %s holds %s", ErrBadProof, did, rp.Did)
	}
	return rp, ok, err
}

// CredentialType returns the latest version of credential type vct at h,
// proved latest (the next version is proved absent); false: not registered.
func CredentialType(ctx context.Context, g Getter, vct string, h int64, fs *Facts) (trusttypes.CredentialType, bool, error) {
	var latest trusttypes.CredentialType
	for v := uint32(1); v <= MaxTypeVersions+1; v++ {
		var ct trusttypes.CredentialType
		ok, err := get(ctx, g, fs, trusttypes.StoreKey, CredentialTypeKey(vct, v), h, &ct)
		if err != nil {
			return latest, false, fmt.Errorf("credential type %s version %d: %w", vct, v, err)
		}
		if !ok {
			return latest, v > 1, nil
		}
		if ct.Vct != vct || ct.Version != v {
			return latest, false, fmt.Errorf("%w: credential type %s version %d holds %s version %d", ErrBadProof, vct, v, ct.Vct, ct.Version)
		}
		latest = ct
	}
	return latest, false, fmt.Errorf("credential type %s: more than %d versions", vct, MaxTypeVersions)
}

// StatusList returns list id's parameters at h (false: no such list).
func StatusList(ctx context.Context, g Getter, id uint64, h int64, fs *Facts) (statustypes.StatusList, bool, error) {
	var l statustypes.StatusList
	ok, err := get(ctx, g, fs, statustypes.StoreKey, StatusListKey(id), h, &l)
	if ok && l.Id != id {
		return l, false, fmt.Errorf("%w: list %d holds list %d", ErrBadProof, id, l.Id)
	}
	return l, ok, err
}

// StatusPage returns page p of list id at h; a page proved absent was never
// written and is returned as nil (every entry 0). The caller must have proved
// the list exists at h and that p is within it.
func StatusPage(ctx context.Context, g Getter, id uint64, p uint32, h int64, fs *Facts) ([]byte, error) {
	f, err := g.Get(ctx, statustypes.StoreKey, StatusPageKey(id, p), h)
	if err != nil {
		return nil, err
	}
	fs.add(f)
	return f.Value, nil
}

// Journal is what one block changed, from the three modules' proved journals.
type Journal struct {
	Height int64
	DIDs   didtypes.DidChanges
	Trust  trusttypes.TrustChanges
	Status statustypes.StatusChanges
}

// ReadJournal reads the change journals of block h (proved at state height h).
func ReadJournal(ctx context.Context, g Getter, h int64) (Journal, error) {
	j := Journal{Height: h}
	if _, err := get(ctx, g, nil, didtypes.StoreKey, DIDChangesKey(h), h, &j.DIDs); err != nil {
		return j, fmt.Errorf("did journal %d: %w", h, err)
	}
	if _, err := get(ctx, g, nil, trusttypes.StoreKey, TrustChangesKey(h), h, &j.Trust); err != nil {
		return j, fmt.Errorf("trust journal %d: %w", h, err)
	}
	if _, err := get(ctx, g, nil, statustypes.StoreKey, StatusChangesKey(h), h, &j.Status); err != nil {
		return j, fmt.Errorf("status journal %d: %w", h, err)
	}
	return j, nil
}
