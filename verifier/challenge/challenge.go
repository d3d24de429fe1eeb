// Package challenge keeps the verifier's outstanding challenges: random
// single-use nonces bound to the relying party that asked for them, its
// audience and its requested credential types and claims, until they expire.
package challenge

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"sync"
	"time"

	"github.com/amanah-id/amanah/verifier/reason"
)

// Defaults for Config fields left zero.
const (
	DefaultTTL         = 5 * time.Minute
	DefaultMaxPerParty = 100_000
	DefaultMax         = 1_000_000
)

// ErrFull: the relying party (or the store) has too many outstanding challenges.
var ErrFull = errors.New("challenge: too many outstanding challenges")

// Challenge is one issued challenge.
type Challenge struct {
	// Nonce is the random single-use value (base64url, 128 bits).
	Nonce string
	// Party is the DID of the relying party the challenge was issued to.
	Party string
	// Audience is the aud the KB-JWT must carry.
	Audience string
	// Types are the credential types the relying party asked for.
	Types []string
	// Claims are the claims the relying party asked for.
	Claims []string
	// Expires is when the challenge stops being accepted.
	Expires time.Time

	used bool
}

// Config configures a Store.
type Config struct {
	// TTL is how long a challenge is valid.
	TTL time.Duration
	// MaxPerParty and Max bound outstanding challenges per party and in all.
	MaxPerParty, Max int
	// Now is the clock (time.Now if nil).
	Now func() time.Time
}

// Store holds outstanding challenges; it is safe for concurrent use.
type Store struct {
	cfg     Config
	mu      sync.Mutex
	m       map[string]*Challenge
	perPty  map[string]int
	created int
}

// NewStore returns an empty store.
func NewStore(cfg Config) *Store {
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultTTL
	}
	if cfg.MaxPerParty <= 0 {
		cfg.MaxPerParty = DefaultMaxPerParty
	}
	if cfg.Max <= 0 {
		cfg.Max = DefaultMax
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Store{cfg: cfg, m: map[string]*Challenge{}, perPty: map[string]int{}}
}

// Create issues a challenge for party.
func (s *Store) Create(party, audience string, types, claims []string) (Challenge, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return Challenge{}, err
	}
	now := s.cfg.Now()
	c := &Challenge{Nonce: base64.RawURLEncoding.EncodeToString(b[:]), Party: party, Audience: audience,
		Types: types, Claims: claims, Expires: now.Add(s.cfg.TTL)}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.created++
	if s.created%1024 == 0 || len(s.m) >= s.cfg.Max || s.perPty[party] >= s.cfg.MaxPerParty {
		s.sweepLocked(now)
	}
	if len(s.m) >= s.cfg.Max || s.perPty[party] >= s.cfg.MaxPerParty {
		return Challenge{}, ErrFull
	}
	s.m[c.Nonce] = c
	s.perPty[party]++
	return *c, nil
}

func (s *Store) sweepLocked(now time.Time) {
	for k, c := range s.m {
		if !now.Before(c.Expires) {
			s.deleteLocked(k, c)
		}
	}
}

func (s *Store) deleteLocked(k string, c *Challenge) {
	delete(s.m, k)
	if s.perPty[c.Party]--; s.perPty[c.Party] <= 0 {
		delete(s.perPty, c.Party)
	}
}

// Consume takes the challenge nonce for party. It fails with nonce_unknown,
// nonce_replayed, challenge_expired or challenge_other_relying_party; a
// challenge of another party is left untouched.
func (s *Store) Consume(nonce, party string) (Challenge, reason.Code) {
	now := s.cfg.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.m[nonce]
	switch {
	case !ok:
		return Challenge{}, reason.NonceUnknown
	case c.Party != party:
		return Challenge{}, reason.ChallengeOtherRP
	case !now.Before(c.Expires):
		s.deleteLocked(nonce, c)
		return Challenge{}, reason.ChallengeExpired
	case c.used:
		return Challenge{}, reason.NonceReplayed
	}
	c.used = true // kept until it expires, so a replay is named as one
	return *c, ""
}

// Len returns the number of challenges held (used ones until they expire).
func (s *Store) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}
