package ledger

import (
	"sort"
	"strings"
	"time"
)

// The cached DIDs are kept compact, so that a verifier holds a million issuer DIDs in well
// under 300 MB:
//
//   - a did:amanah DID in canonical form is keyed by its network (interned to a byte) and the
//     16 bytes its base58btc id encodes, so the DID string itself is not kept; any other DID
//     string is keyed by the string;
//   - the map holds only an index into one slice of entries (no per-DID pointer);
//   - an entry holds its first version inline; a version holds its methods in one slice;
//     each method holds its key inline (keys.PublicKey has no allocation for Ed25519) and its
//     fragment interned ("#key-1" is stored once).

// amanahPrefix starts every did:amanah DID.
const amanahPrefix = "did:amanah:"

// amanahIDBytes is the length of the bytes a did:amanah id encodes (didcore.AmanahID).
const amanahIDBytes = 16

// maxAmanahIDLen bounds the base58 id (16 bytes need at most 22 characters).
const maxAmanahIDLen = 24

// maxInterned bounds the interned networks and fragments (beyond it: not interned).
const (
	maxNetworks  = 255
	maxFragments = 4096
)

// didKey is the map key of a canonical did:amanah DID: its network's index + 1 and its id bytes.
type didKey struct {
	id  [amanahIDBytes]byte
	net uint8
}

// didEntry holds the complete history of one DID (at least one version): the first inline,
// any further in more, and the rare keys retired in good standing on the side.
type didEntry struct {
	first   didVersion
	more    []didVersion
	retired *[]retiredMark
}

// retiredMark records that version (index) withdrew method frag in good standing, which
// stopped issuing at (Unix nanoseconds).
type retiredMark struct {
	version int
	frag    string
	at      int64
}

// versionAt returns the index of the version current at t, or -1. Versions start in block-time
// order (several in one block share a start; the last of them is current), so the candidate is
// the last version starting at or before t: a binary search, O(log n) in the history.
func (e *didEntry) versionAt(t time.Time) int {
	n := t.UnixNano()
	i := sort.Search(e.len(), func(i int) bool { return e.version(i).from > n }) - 1
	if i < 0 || !e.version(i).contains(t) {
		return -1
	}
	return i
}

// retiredAt returns when method frag stopped issuing, if version i withdrew it in good standing.
func (e *didEntry) retiredAt(i int, frag string) (time.Time, bool) {
	if e.retired == nil {
		return time.Time{}, false
	}
	for _, r := range *e.retired {
		if r.version == i && r.frag == frag {
			return time.Unix(0, r.at), true
		}
	}
	return time.Time{}, false
}

// len returns how many versions e holds.
func (e *didEntry) len() int { return 1 + len(e.more) }

func (e *didEntry) version(i int) *didVersion {
	if i == 0 {
		return &e.first
	}
	return &e.more[i-1]
}

// didStore maps DIDs to their cached versions. It is not safe for concurrent use (the
// Cache's lock guards it).
type didStore struct {
	amanah  map[didKey]uint32
	others  map[string]uint32
	entries []didEntry
	free    []uint32
	nets    map[string]uint8
	netName []string
	frags   map[string]string
}

func newDIDStore() *didStore {
	return &didStore{
		amanah: make(map[didKey]uint32),
		others: make(map[string]uint32),
		nets:   make(map[string]uint8),
		frags:  make(map[string]string),
	}
}

// base58Digit maps a base58btc character to its value + 1 (0: not a digit).
var base58Digit = func() (t [256]uint8) {
	const alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = uint8(i + 1)
	}
	return t
}()

// decodeAmanahID decodes a base58btc id that is the canonical encoding of exactly 16 bytes.
func decodeAmanahID(s string) (id [amanahIDBytes]byte, ok bool) {
	if len(s) == 0 || len(s) > maxAmanahIDLen {
		return id, false
	}
	ones := 0
	for ones < len(s) && s[ones] == '1' {
		ones++
	}
	for i := ones; i < len(s); i++ {
		d := base58Digit[s[i]]
		if d == 0 {
			return id, false
		}
		carry := uint32(d - 1)
		for j := amanahIDBytes - 1; j >= 0; j-- {
			carry += uint32(id[j]) * 58
			id[j] = byte(carry)
			carry >>= 8
		}
		if carry != 0 {
			return id, false // more than 16 bytes
		}
	}
	zeros := 0
	for zeros < amanahIDBytes && id[zeros] == 0 {
		zeros++
	}
	// Canonical: one leading '1' per leading zero byte, and no other.
	return id, zeros == ones
}

// key returns the compact key of did, if it is a canonical did:amanah DID on a known network
// (intern: on any network, interning it).
func (s *didStore) key(did string, intern bool) (didKey, bool) {
	rest, ok := strings.CutPrefix(did, amanahPrefix)
	if !ok {
		return didKey{}, false
	}
	net, id, ok := strings.Cut(rest, ":")
	if !ok || net == "" || len(net) > 32 {
		return didKey{}, false
	}
	var k didKey
	if k.id, ok = decodeAmanahID(id); !ok {
		return didKey{}, false
	}
	n, ok := s.nets[net]
	if !ok {
		if !intern || len(s.netName) >= maxNetworks {
			return didKey{}, false
		}
		s.netName = append(s.netName, strings.Clone(net))
		n = uint8(len(s.netName))
		s.nets[s.netName[n-1]] = n
	}
	k.net = n
	return k, true
}

// lookup returns the entry of did, if cached. A canonical did:amanah DID on a known network
// is only ever stored under its compact key (networks are never forgotten), anything else
// under its string.
func (s *didStore) lookup(did string) *didEntry {
	var (
		i  uint32
		ok bool
	)
	if k, isKey := s.key(did, false); isKey {
		i, ok = s.amanah[k]
	} else {
		i, ok = s.others[did]
	}
	if !ok {
		return nil
	}
	return &s.entries[i]
}

// put stores the complete history of did (at least one version), replacing any.
func (s *didStore) put(did string, vs []didVersion, retired []retiredMark) {
	for _, v := range vs {
		for i := range v.methods {
			v.methods[i].frag = s.intern(v.methods[i].frag)
		}
	}
	e := didEntry{first: vs[0]}
	if len(vs) > 1 {
		e.more = vs[1:]
	}
	if len(retired) > 0 {
		e.retired = &retired
	}
	if old := s.lookup(did); old != nil {
		*old = e
		return
	}
	var i uint32
	if n := len(s.free); n > 0 {
		i, s.free = s.free[n-1], s.free[:n-1]
	} else {
		s.entries = append(s.entries, didEntry{})
		i = uint32(len(s.entries) - 1)
	}
	s.entries[i] = e
	if k, ok := s.key(did, true); ok {
		s.amanah[k] = i
	} else {
		s.others[strings.Clone(did)] = i
	}
}

// remove drops did and returns how many versions it held.
func (s *didStore) remove(did string) int {
	if k, ok := s.key(did, false); ok {
		if i, ok := s.amanah[k]; ok {
			delete(s.amanah, k)
			return s.release(i)
		}
		return 0
	}
	if i, ok := s.others[did]; ok {
		delete(s.others, did)
		return s.release(i)
	}
	return 0
}

// removeAny drops an arbitrary DID and returns how many versions it held.
func (s *didStore) removeAny() int {
	for k, i := range s.amanah {
		delete(s.amanah, k)
		return s.release(i)
	}
	for k, i := range s.others {
		delete(s.others, k)
		return s.release(i)
	}
	return 0
}

func (s *didStore) release(i uint32) int {
	n := s.entries[i].len()
	s.entries[i] = didEntry{}
	s.free = append(s.free, i)
	return n
}

// intern returns the stored copy of a method fragment.
func (s *didStore) intern(frag string) string {
	if f, ok := s.frags[frag]; ok {
		return f
	}
	f := strings.Clone(frag)
	if len(s.frags) < maxFragments {
		s.frags[f] = f
	}
	return f
}
