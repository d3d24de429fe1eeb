// Package challenge keeps the verifier's outstanding challenges: random
// single-use nonces bound to the relying party that asked for them, its
// audience and its requested credential types and claims, until they expire.
//
// Expiry is incremental: challenges are queued in the order they were
// issued, and since every challenge of a store lives for the same TTL, the
// oldest expires first. Each Create and Consume handles the few expired
// challenges at the head of the queue (O(1) amortised), so no call ever
// walks the whole store under its lock: a relying party at its cap is
// refused at once without slowing the others. An expired challenge stops
// counting against the caps at once but is remembered for one more TTL, so
// that a late presentation is told challenge_expired (not nonce_unknown)
// whatever the traffic; the store so holds at most twice Max challenges.
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

	used    bool
	expired bool // no longer counted against the caps; kept one more TTL
}

// Backend is what the verifier service needs of a challenge store: Store
// in memory, or a store shared by replicas (verifier/state). Consume must
// take a challenge atomically (a nonce is accepted at most once, whatever
// the number of replicas).
type Backend interface {
	// Create issues a challenge for party (ErrFull when over a cap).
	Create(party, audience string, types, claims []string) (Challenge, error)
	// Consume takes the challenge nonce for party (see Store.Consume).
	Consume(nonce, party string) (Challenge, reason.Code)
}

var _ Backend = (*Store)(nil)

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
	live   int   // challenges not yet expired (the sum of perPty)
	q      queue // live challenges, oldest first
	grace  queue // expired challenges kept to be named as such, oldest first
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
	if s.live >= s.cfg.Max || s.perPty[party] >= s.cfg.MaxPerParty {
		// Full: expire every challenge due (each is handled once, so this
		// stays O(1) amortised), then decide.
		s.expireLocked(now, -1)
		if s.live >= s.cfg.Max || s.perPty[party] >= s.cfg.MaxPerParty {
			return Challenge{}, ErrFull
		}
	}
	s.m[c.Nonce] = c
	s.perPty[party]++
	s.live++
	s.q.push(c)
	return *c, nil
}

// expireLocked handles up to limit (all when negative) challenges due at
// the heads of the queues: a live one past its expiry stops counting
// against the caps, an expired one a TTL later is forgotten.
func (s *Store) expireLocked(now time.Time, limit int) {
	for n := limit; n != 0; n-- {
		c := s.q.peek()
		if c == nil || now.Before(c.Expires) {
			break
		}
		s.q.pop()
		c.expired = true
		s.live--
		if s.perPty[c.Party]--; s.perPty[c.Party] <= 0 {
			delete(s.perPty, c.Party)
		}
		s.grace.push(c)
	}
	for n := limit; n != 0; n-- {
		c := s.grace.peek()
		if c == nil || now.Before(c.Expires.Add(s.cfg.TTL)) {
			break
		}
		s.grace.pop()
		delete(s.m, c.Nonce)
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
	case c.expired || !now.Before(c.Expires):
		return Challenge{}, reason.ChallengeExpired
	case c.used:
		return Challenge{}, reason.NonceReplayed
	}
	c.used = true // kept until it expires, so a replay is named as one
	return *c, ""
}

// Len returns the number of outstanding challenges: issued, not yet
// expired (used ones included), as counted against Max.
func (s *Store) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.live
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
