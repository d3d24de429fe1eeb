// Package challenge keeps the verifier's outstanding challenges: random
// single-use nonces bound to the relying party that asked for them, its
// audience and its requested credential types and claims, until they expire.
//
// Expiry is incremental: challenges are queued in the order they were
// issued, and since every challenge of a store lives for the same TTL, the
// oldest expires first. Each Create and Consume drops the few expired
// challenges at the head of the queue (O(1) amortised), so no call ever
// walks the whole store under its lock: a relying party at its cap is
// refused at once without slowing the others.
//
// Another backend (a store shared by several verifier replicas, for
// instance) implements the same two calls, Create and Consume, with the same
// meaning; Consume must take a challenge atomically (a nonce is accepted at
// most once, whatever the number of replicas).
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
	gone bool // removed from the map (expired at Consume); skipped by expiry
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

// Store holds outstanding challenges in memory; it is safe for concurrent use.
type Store struct {
	cfg    Config
	mu     sync.Mutex
	m      map[string]*Challenge
	perPty map[string]int
	q      queue
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

// expireBatch bounds the expired challenges one call drops, so that a burst
// of expiries is spread over the following calls.
const expireBatch = 64

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
	s.expireLocked(now, expireBatch)
	if len(s.m) >= s.cfg.Max || s.perPty[party] >= s.cfg.MaxPerParty {
		// Full: drop every expired challenge (each is dropped once, so this
		// stays O(1) amortised), then decide.
		s.expireLocked(now, -1)
		if len(s.m) >= s.cfg.Max || s.perPty[party] >= s.cfg.MaxPerParty {
			return Challenge{}, ErrFull
		}
	}
	s.m[c.Nonce] = c
	s.perPty[party]++
	s.q.push(c)
	return *c, nil
}

// expireLocked drops up to limit (all when negative) expired challenges
// from the head of the queue.
func (s *Store) expireLocked(now time.Time, limit int) {
	for ; limit != 0; limit-- {
		c := s.q.peek()
		if c == nil {
			return
		}
		if !c.gone && now.Before(c.Expires) {
			return
		}
		s.q.pop()
		if !c.gone {
			s.deleteLocked(c)
		}
	}
}

func (s *Store) deleteLocked(c *Challenge) {
	c.gone = true
	delete(s.m, c.Nonce)
	if s.perPty[c.Party]--; s.perPty[c.Party] <= 0 {
		delete(s.perPty, c.Party)
	}
}

// Consume takes the challenge nonce for party. It fails with nonce_unknown,
// nonce_replayed, challenge_expired or challenge_other_relying_party; a
// challenge of another party is left untouched. Taking a challenge is
// atomic: of concurrent calls with one nonce, one succeeds.
func (s *Store) Consume(nonce, party string) (Challenge, reason.Code) {
	now := s.cfg.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expireLocked(now, expireBatch)
	c, ok := s.m[nonce]
	switch {
	case !ok:
		return Challenge{}, reason.NonceUnknown
	case c.Party != party:
		return Challenge{}, reason.ChallengeOtherRP
	case !now.Before(c.Expires):
		s.deleteLocked(c)
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

// queue is a FIFO of challenges in fixed-size chunks: push and pop are O(1)
// and never copy the queue (a grown slice copies only chunk pointers).
type queue struct {
	chunks     []*chunk
	head, tail int // index of the next pop in chunks[0], next push in the last chunk
}

const chunkSize = 1024

type chunk [chunkSize]*Challenge

func (q *queue) push(c *Challenge) {
	if len(q.chunks) == 0 || q.tail == chunkSize {
		q.chunks = append(q.chunks, new(chunk))
		q.tail = 0
	}
	q.chunks[len(q.chunks)-1][q.tail] = c
	q.tail++
}

func (q *queue) peek() *Challenge {
	if len(q.chunks) == 0 || (len(q.chunks) == 1 && q.head == q.tail) {
		return nil
	}
	return q.chunks[0][q.head]
}

func (q *queue) pop() {
	q.chunks[0][q.head] = nil
	q.head++
	if q.head == chunkSize || (len(q.chunks) == 1 && q.head == q.tail) {
		q.chunks[0] = nil
		q.chunks = q.chunks[1:]
		q.head = 0
		if len(q.chunks) == 0 {
			q.tail = 0
		}
	}
}
