package keys

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"hash/maphash"
	"strings"
	"sync"

	"github.com/multiformats/go-multibase"
)

// Multicodec varint prefixes of the supported public keys.
var (
	multicodecEd25519   = []byte{0xed, 0x01} // ed25519-pub 0xed
	multicodecP256      = []byte{0x80, 0x24} // p256-pub 0x1200
	multicodecSecp256k1 = []byte{0xe7, 0x01} // secp256k1-pub 0xe7
)

// maxMultikeyLen bounds Multikey input; the longest valid value is 49 characters.
const maxMultikeyLen = 128

func multicodecPrefix(c Curve) []byte {
	switch c {
	case Ed25519:
		return multicodecEd25519
	case P256:
		return multicodecP256
	case Secp256k1:
		return multicodecSecp256k1
	}
	return nil
}

// Multikey returns the multibase base58btc ('z') encoding of the multicodec-prefixed Bytes().
func (k PublicKey) Multikey() string {
	p := multicodecPrefix(k.Curve())
	if p == nil {
		return ""
	}
	s, _ := multibase.Encode(multibase.Base58BTC, append(append([]byte(nil), p...), k.raw[:k.size()]...)) // cannot fail for Base58BTC
	return s
}

// parsedMultikeys memoises ParseMultikey's successful answers (a pure function of the
// string): a DID transaction parses the same key several times (document rules, id check,
// authorisation) and again in DeliverTx after CheckTx, and point decompression dominates.
// Direct-mapped: an entry holds the whole string and is only used on an exact match.
var parsedMultikeys struct {
	mu   sync.Mutex
	seed maphash.Seed
	e    [1024]struct {
		s string
		k PublicKey
	}
}

func init() { parsedMultikeys.seed = maphash.MakeSeed() }

// ParseMultikey decodes a Multikey string (base58btc, multicodec-prefixed, EC keys compressed).
func ParseMultikey(s string) (PublicKey, error) {
	c := &parsedMultikeys
	i := maphash.String(c.seed, s) % uint64(len(c.e))
	c.mu.Lock()
	if e := &c.e[i]; e.s == s && s != "" {
		k := e.k
		c.mu.Unlock()
		return k, nil
	}
	c.mu.Unlock()
	k, err := parseMultikey(s)
	if err != nil {
		return k, err
	}
	c.mu.Lock()
	c.e[i].s, c.e[i].k = strings.Clone(s), k
	c.mu.Unlock()
	return k, nil
}

func parseMultikey(s string) (PublicKey, error) {
	if len(s) == 0 || len(s) > maxMultikeyLen {
		return PublicKey{}, fmt.Errorf("%w: length %d", ErrInvalidMultikey, len(s))
	}
	if s[0] != 'z' {
		return PublicKey{}, fmt.Errorf("%w: multibase prefix %q, want 'z' (base58btc)", ErrInvalidMultikey, s[0])
	}
	enc, b, err := multibase.Decode(s)
	if err != nil || enc != multibase.Base58BTC {
		return PublicKey{}, fmt.Errorf("%w: not base58btc", ErrInvalidMultikey)
	}
	var c Curve
	switch {
	case bytes.HasPrefix(b, multicodecEd25519):
		c = Ed25519
	case bytes.HasPrefix(b, multicodecP256):
		c = P256
	case bytes.HasPrefix(b, multicodecSecp256k1):
		c = Secp256k1
	default:
		return PublicKey{}, fmt.Errorf("%w: %w: unknown multicodec prefix", ErrInvalidMultikey, ErrUnsupportedCurve)
	}
	raw := b[2:]
	want := Ed25519PublicKeySize
	if c != Ed25519 {
		want = ECPublicKeySize
	}
	if len(raw) != want {
		return PublicKey{}, fmt.Errorf("%w: %s key is %d bytes, want %d", ErrInvalidMultikey, c, len(raw), want)
	}
	k, err := PublicKeyFromBytes(c, raw)
	if err != nil {
		return PublicKey{}, fmt.Errorf("%w: %w", ErrInvalidMultikey, err)
	}
	if k.Multikey() != s { // base58 has one encoding per byte string; this also pins the prefix
		return PublicKey{}, fmt.Errorf("%w: non-canonical encoding", ErrInvalidMultikey)
	}
	return k, nil
}

func sha256Sum(b []byte) []byte {
	h := sha256.Sum256(b)
	return h[:]
}
