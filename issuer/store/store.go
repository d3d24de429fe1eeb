// Package store is amanah-issuer's embedded database (go.etcd.io/bbolt): credential offers
// (pre-authorized codes and transaction codes kept as SHA-256 hashes), access tokens, the
// issuer's status lists and which of their indices are allocated, and issuance records
// (a batch's credential ids and status indices; never a claim value). Every write is one
// bbolt transaction, fsynced before it returns (concurrent writes share one commit through
// bbolt's Batch: each write function may run again alone if another in its batch fails, so
// every one of them re-reads what it changes), so a record written before signing survives a
// crash during signing. c_nonces live in memory only (minutes long, single use): a restart
// forgets them, so a proof made before it is refused and the wallet asks for a new nonce.
package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Buckets.
var (
	bOffers  = []byte("offers")  // offer id -> Offer
	bCodes   = []byte("codes")   // sha256(pre-authorized code) -> offer id
	bTokens  = []byte("tokens")  // sha256(access token) -> Token
	bLists   = []byte("lists")   // list id (8 bytes) -> List
	bAlloc   = []byte("alloc")   // list id (8 bytes) -> allocation bitmap (1 bit per entry)
	bBatches = []byte("batches") // batch id -> Batch
	bCreds   = []byte("creds")   // credential id -> batch id
)

// Errors.
var (
	ErrNotFound = errors.New("store: not found")
	ErrListFull = errors.New("store: no list has room for the batch")
)

// OfferState is the life of an offer.
type OfferState string

// Offer states.
const (
	OfferOpen     OfferState = "open"     // the code may be redeemed
	OfferRedeemed OfferState = "redeemed" // an access token was issued
	OfferUsed     OfferState = "used"     // the batch was issued
	OfferDead     OfferState = "dead"     // transaction code attempts exhausted
)

// Offer is a credential offer. RecordID names the citizen's registry record (not its claims).
type Offer struct {
	ID             string     `json:"id"`
	RecordID       string     `json:"record_id"`
	ConfigID       string     `json:"config_id"`
	BatchSize      int        `json:"batch_size"`
	CodeHash       []byte     `json:"code_hash"`
	TxCodeHash     []byte     `json:"tx_code_hash,omitempty"`
	TxAttemptsLeft int        `json:"tx_attempts_left"`
	Expires        time.Time  `json:"expires"`
	State          OfferState `json:"state"`
	// OfferJSON is the offer object served at the offer's URI.
	OfferJSON []byte `json:"offer_json"`
}

// Token is an access token's grant.
type Token struct {
	OfferID string    `json:"offer_id"`
	Expires time.Time `json:"expires"`
	Used    bool      `json:"used"`
}

// List is one of the issuer's status lists on the ledger.
type List struct {
	ID        uint64 `json:"id"`
	Size      uint32 `json:"size"`
	Bits      uint8  `json:"bits"`
	Allocated uint32 `json:"allocated"`
	URI       string `json:"uri"`
}

// Credential is one credential of a batch.
type Credential struct {
	ID     string `json:"id"`
	ListID uint64 `json:"list_id"`
	Index  uint32 `json:"index"`
	Signed bool   `json:"signed"`
}

// Batch is an issuance record.
type Batch struct {
	ID          string       `json:"id"`
	OfferID     string       `json:"offer_id"`
	VCT         string       `json:"vct"`
	Issued      time.Time    `json:"issued"`
	Status      string       `json:"status"` // valid, revoked, suspended
	Credentials []Credential `json:"credentials"`
}

// Store is the opened database.
type Store struct {
	db      *bolt.DB
	nonceMu sync.Mutex
	nonces  map[string]time.Time // sha256(c_nonce) -> expiry
}

// Open opens (creating) the database file.
func Open(path string) (*Store, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bOffers, bCodes, bTokens, bLists, bAlloc, bBatches, bCreds} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	return &Store{db: db, nonces: map[string]time.Time{}}, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Hash is the SHA-256 under which secrets (codes, tokens, nonces) are kept.
func Hash(secret string) []byte { h := sha256.Sum256([]byte(secret)); return h[:] }

func put(b *bolt.Bucket, k []byte, v any) error {
	bz, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(k, bz)
}

func get(b *bolt.Bucket, k []byte, v any) error {
	bz := b.Get(k)
	if bz == nil {
		return ErrNotFound
	}
	return json.Unmarshal(bz, v)
}

func u64(v uint64) []byte { var b [8]byte; binary.BigEndian.PutUint64(b[:], v); return b[:] }

// PutOffer stores a new offer and indexes its code.
func (s *Store) PutOffer(o *Offer) error {
	return s.db.Batch(func(tx *bolt.Tx) error {
		if err := put(tx.Bucket(bOffers), []byte(o.ID), o); err != nil {
			return err
		}
		return tx.Bucket(bCodes).Put(o.CodeHash, []byte(o.ID))
	})
}

// Offer returns an offer by id.
func (s *Store) Offer(id string) (*Offer, error) {
	var o Offer
	err := s.db.View(func(tx *bolt.Tx) error { return get(tx.Bucket(bOffers), []byte(id), &o) })
	return &o, err
}

// RedeemFunc decides, inside the transaction, what a token request does to the offer: it
// may change o and returns the error to answer (the offer is saved either way).
type RedeemFunc func(o *Offer) error

// Redeem finds the offer of a pre-authorized code, lets f update it, saves it, and on
// success stores the access token (hashed) with expiry.
func (s *Store) Redeem(code string, f RedeemFunc, token string, tokenExpires time.Time) (*Offer, error) {
	var o Offer
	var answer error
	err := s.db.Batch(func(tx *bolt.Tx) error {
		id := tx.Bucket(bCodes).Get(Hash(code))
		if id == nil {
			return ErrNotFound
		}
		if err := get(tx.Bucket(bOffers), id, &o); err != nil {
			return err
		}
		answer = f(&o)
		if err := put(tx.Bucket(bOffers), id, &o); err != nil {
			return err
		}
		if answer != nil {
			return nil //nolint:nilerr // the offer's change (a spent attempt) is committed; answer goes to the caller
		}
		return put(tx.Bucket(bTokens), Hash(token), &Token{OfferID: o.ID, Expires: tokenExpires})
	})
	if err != nil {
		return nil, err
	}
	return &o, answer
}

// TokenGrant returns an access token's grant and its offer.
func (s *Store) TokenGrant(token string) (*Token, *Offer, error) {
	var t Token
	var o Offer
	err := s.db.View(func(tx *bolt.Tx) error {
		if err := get(tx.Bucket(bTokens), Hash(token), &t); err != nil {
			return err
		}
		return get(tx.Bucket(bOffers), []byte(t.OfferID), &o)
	})
	return &t, &o, err
}

// PutNonce stores a fresh c_nonce until expires.
func (s *Store) PutNonce(nonce string, expires time.Time) error {
	s.nonceMu.Lock()
	defer s.nonceMu.Unlock()
	s.nonces[string(Hash(nonce))] = expires
	return nil
}

// ConsumeNonces deletes every distinct nonce given (the proofs of one batch may share a
// c_nonce), all or nothing: it fails (deleting none) if one is unknown, used or expired.
func (s *Store) ConsumeNonces(nonces []string, now time.Time) error {
	s.nonceMu.Lock()
	defer s.nonceMu.Unlock()
	seen := map[string]bool{}
	for _, n := range nonces {
		h := string(Hash(n))
		if seen[h] {
			continue
		}
		seen[h] = true
		exp, ok := s.nonces[h]
		if !ok {
			return fmt.Errorf("nonce unknown or already used")
		}
		if now.After(exp) {
			return fmt.Errorf("nonce expired")
		}
	}
	for h := range seen {
		delete(s.nonces, h)
	}
	return nil
}

// Prune forgets expired nonces.
func (s *Store) Prune(now time.Time) error {
	s.nonceMu.Lock()
	defer s.nonceMu.Unlock()
	for h, exp := range s.nonces {
		if now.After(exp) {
			delete(s.nonces, h)
		}
	}
	return nil
}

// AddList records a new status list with an empty allocation bitmap.
func (s *Store) AddList(l List) error {
	return s.db.Batch(func(tx *bolt.Tx) error {
		if err := put(tx.Bucket(bLists), u64(l.ID), &l); err != nil {
			return err
		}
		return tx.Bucket(bAlloc).Put(u64(l.ID), make([]byte, (l.Size+7)/8))
	})
}

// Lists returns the recorded lists, by id.
func (s *Store) Lists() ([]List, error) {
	var out []List
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bLists).ForEach(func(_, v []byte) error {
			var l List
			if err := json.Unmarshal(v, &l); err != nil {
				return err
			}
			out = append(out, l)
			return nil
		})
	})
	return out, err
}

// PickFunc chooses n free indices of a list given its allocation bitmap (bit i set =
// allocated); statusalloc picks them at random.
type PickFunc func(l List, bitmap []byte, n int) ([]uint32, error)

// RecordBatch allocates one index per credential from the first list with room (pick chooses
// which), marks the offer used and the token spent, and writes the issuance record with every
// credential unsigned: all in one transaction. It returns ErrListFull when no list has room.
func (s *Store) RecordBatch(b *Batch, token string, pick PickFunc) error {
	return s.db.Batch(func(tx *bolt.Tx) error {
		var t Token
		if err := get(tx.Bucket(bTokens), Hash(token), &t); err != nil {
			return err
		}
		if t.Used {
			return fmt.Errorf("access token already used")
		}
		t.Used = true
		if err := put(tx.Bucket(bTokens), Hash(token), &t); err != nil {
			return err
		}
		var o Offer
		if err := get(tx.Bucket(bOffers), []byte(t.OfferID), &o); err != nil {
			return err
		}
		o.State = OfferUsed
		o.RecordID = "" // the record is no longer needed
		if err := put(tx.Bucket(bOffers), []byte(o.ID), &o); err != nil {
			return err
		}
		n := len(b.Credentials)
		c := tx.Bucket(bLists).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var l List
			if err := json.Unmarshal(v, &l); err != nil {
				return err
			}
			if l.Size-l.Allocated < uint32(n) {
				continue
			}
			bm := bytes.Clone(tx.Bucket(bAlloc).Get(k))
			idx, err := pick(l, bm, n)
			if err != nil {
				return err
			}
			for i, ix := range idx {
				if bm[ix/8]&(1<<(ix%8)) != 0 {
					return fmt.Errorf("store: index %d of list %d picked twice", ix, l.ID)
				}
				bm[ix/8] |= 1 << (ix % 8)
				b.Credentials[i].ListID, b.Credentials[i].Index, b.Credentials[i].Signed = l.ID, ix, false
			}
			l.Allocated += uint32(n)
			if err := tx.Bucket(bAlloc).Put(k, bm); err != nil {
				return err
			}
			if err := put(tx.Bucket(bLists), k, &l); err != nil {
				return err
			}
			b.OfferID = o.ID
			if err := put(tx.Bucket(bBatches), []byte(b.ID), b); err != nil {
				return err
			}
			for _, cr := range b.Credentials {
				if err := tx.Bucket(bCreds).Put([]byte(cr.ID), []byte(b.ID)); err != nil {
					return err
				}
			}
			return nil
		}
		return ErrListFull
	})
}

// MarkSigned records that the batch's credentials were signed.
func (s *Store) MarkSigned(batchID string) error {
	return s.UpdateBatch(batchID, func(b *Batch) error {
		for i := range b.Credentials {
			b.Credentials[i].Signed = true
		}
		return nil
	})
}

// UpdateBatch changes a batch record in one transaction.
func (s *Store) UpdateBatch(batchID string, f func(b *Batch) error) error {
	return s.db.Batch(func(tx *bolt.Tx) error {
		var b Batch
		if err := get(tx.Bucket(bBatches), []byte(batchID), &b); err != nil {
			return err
		}
		if err := f(&b); err != nil {
			return err
		}
		return put(tx.Bucket(bBatches), []byte(batchID), &b)
	})
}

// BatchOf returns the batch holding a credential.
func (s *Store) BatchOf(credentialID string) (*Batch, error) {
	var b Batch
	err := s.db.View(func(tx *bolt.Tx) error {
		id := tx.Bucket(bCreds).Get([]byte(credentialID))
		if id == nil {
			return ErrNotFound
		}
		return get(tx.Bucket(bBatches), id, &b)
	})
	return &b, err
}

// Batches returns up to limit batches with ids after `after`, in id order.
func (s *Store) Batches(after string, limit int) ([]Batch, error) {
	var out []Batch
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bBatches).Cursor()
		k, v := c.First()
		if after != "" {
			k, v = c.Seek([]byte(after))
			if k != nil && string(k) == after {
				k, v = c.Next()
			}
		}
		for ; k != nil && len(out) < limit; k, v = c.Next() {
			var b Batch
			if err := json.Unmarshal(v, &b); err != nil {
				return err
			}
			out = append(out, b)
		}
		return nil
	})
	return out, err
}
