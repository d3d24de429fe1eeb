// Package state is where a verifier keeps what lives between calls:
// challenge nonces (verifier/challenge) and OpenID4VP transactions. One
// process keeps them in memory (Memory, the default); several replicas
// behind a load balancer share them in Redis (Redis, `--state redis://...`),
// so that a request created on one replica is answered on another and read
// on a third. Taking a challenge and completing a transaction are atomic
// across replicas: of concurrent attempts, exactly one succeeds.
package state

import (
	"context"
	"errors"
	"time"

	"github.com/amanah-id/amanah/verifier/challenge"
)

// Errors of a Store.
var (
	// ErrNotFound: no such transaction (never created, or forgotten a TTL after it expired).
	ErrNotFound = errors.New("state: transaction not found")
	// ErrCompleted: the transaction already has its result (single use).
	ErrCompleted = errors.New("state: transaction already completed")
	// ErrFull: too many outstanding transactions.
	ErrFull = errors.New("state: too many outstanding transactions")
)

// Transaction is one OpenID4VP presentation request, from its creation to
// the wallet's answer.
type Transaction struct {
	// ID names the transaction to the relying party (GetPresentationResult).
	ID string `json:"id"`
	// State is the request's state; it also names the request object
	// (request_uri) and the encryption key (kid).
	State string `json:"state"`
	// Party is the relying party DID that created it; ClientID its client id.
	Party    string `json:"party"`
	ClientID string `json:"client_id"`
	// Nonce is the KB-JWT nonce asked for.
	Nonce string `json:"nonce"`
	// Query is the DCQL query (JSON).
	Query []byte `json:"query"`
	// ResponseMode is direct_post or direct_post.jwt.
	ResponseMode string `json:"response_mode"`
	// EncKey is the ephemeral private key responses are encrypted to: the raw
	// P-256 scalar (openid4vp.EncryptionKey.MarshalPrivate; a private JWK
	// from earlier versions is still read), its kid the State.
	EncKey []byte `json:"enc_key,omitempty"`
	// RedirectURI is the same-device redirect ("" cross-device).
	RedirectURI string `json:"redirect_uri,omitempty"`
	// RequestObject is the signed request object served at request_uri.
	RequestObject string `json:"request_object"`
	// Expires is when the request stops being answerable.
	Expires time.Time `json:"expires"`
}

// Result is a completed transaction's outcome.
type Result struct {
	// ResponseCode is the same-device code ("" cross-device).
	ResponseCode string `json:"response_code,omitempty"`
	// Verdict is the encoded verdict (verifierpb.GetPresentationResultResponse).
	Verdict []byte `json:"verdict"`
}

// Transactions keeps OpenID4VP transactions.
type Transactions interface {
	// PutTransaction stores a new transaction until a TTL after it expires.
	PutTransaction(ctx context.Context, tx *Transaction) error
	// Transaction returns the transaction id (ErrNotFound).
	Transaction(ctx context.Context, id string) (*Transaction, error)
	// TransactionByState returns the transaction whose state is st (ErrNotFound).
	TransactionByState(ctx context.Context, st string) (*Transaction, error)
	// Complete stores the result of transaction id if it has none yet,
	// atomically (ErrCompleted otherwise: exactly one of concurrent calls wins).
	Complete(ctx context.Context, id string, r *Result) error
	// Result returns the transaction's result, nil while it has none.
	Result(ctx context.Context, id string) (*Result, error)
}

// Store is a verifier's state: challenges and transactions.
type Store interface {
	challenge.Backend
	Transactions
	// Close releases the store's resources.
	Close() error
}

// Retention is how long after its expiry a transaction is kept (to name a
// late answer as expired, and to let its result be read).
const Retention = 10 * time.Minute
