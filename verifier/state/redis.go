package state

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/amanah-id/amanah/verifier/challenge"
	"github.com/amanah-id/amanah/verifier/reason"
)

// Redis keeps state in Redis, shared by every verifier replica pointing at
// it. Keys (prefix "amanah:v1:"): ch:<nonce> a challenge (JSON, with a used
// flag), tx:<id> a transaction, st:<state> the id of the transaction with
// that state, res:<id> its result. Every key expires on its own (a TTL past
// the object's expiry), so nothing needs sweeping. Consume and Complete are
// atomic in Redis (a Lua script; SET NX), so across replicas a nonce is
// taken, and a transaction completed, at most once.
//
// Unlike the memory store, Redis does not cap outstanding challenges per
// party (the rate limit bounds them; the keys expire).
type Redis struct {
	c   *redis.Client
	ttl time.Duration
	now func() time.Time
}

const redisPrefix = "amanah:v1:"

// NewRedis connects to url (redis://[:password@]host:port/db, or rediss://)
// and checks that it answers; cfg gives the challenge TTL and the clock.
func NewRedis(ctx context.Context, url string, cfg challenge.Config) (*Redis, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	c := redis.NewClient(opt)
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := c.Ping(pctx).Err(); err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("state: redis %s: %w", opt.Addr, err)
	}
	ttl := cfg.TTL
	if ttl <= 0 {
		ttl = challenge.DefaultTTL
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Redis{c: c, ttl: ttl, now: now}, nil
}

// Close implements Store.
func (r *Redis) Close() error { return r.c.Close() }

type redisChallenge struct {
	Party    string   `json:"p"`
	Audience string   `json:"a"`
	Types    []string `json:"t"`
	Claims   []string `json:"c"`
	Expires  int64    `json:"e"` // unix ms
	Used     bool     `json:"u"`
}

// Create implements challenge.Backend.
func (r *Redis) Create(party, audience string, types, claims []string) (challenge.Challenge, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return challenge.Challenge{}, err
	}
	nonce := base64.RawURLEncoding.EncodeToString(b[:])
	exp := r.now().Add(r.ttl)
	v, err := json.Marshal(redisChallenge{Party: party, Audience: audience, Types: types, Claims: claims, Expires: exp.UnixMilli()})
	if err != nil {
		return challenge.Challenge{}, err
	}
	// Kept one more TTL past expiry, to name a late answer challenge_expired.
	if err := r.c.Set(context.Background(), redisPrefix+"ch:"+nonce, v, 2*r.ttl).Err(); err != nil {
		return challenge.Challenge{}, err
	}
	return challenge.Challenge{Nonce: nonce, Party: party, Audience: audience, Types: types, Claims: claims, Expires: exp}, nil
}

// consumeScript takes a challenge: it returns "unknown", "other", "expired",
// "used" or the challenge (marked used, its TTL kept).
var consumeScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if not v then return 'unknown' end
local c = cjson.decode(v)
if c['p'] ~= ARGV[1] then return 'other' end
if tonumber(ARGV[2]) >= c['e'] then return 'expired' end
if c['u'] then return 'used' end
c['u'] = true
redis.call('SET', KEYS[1], cjson.encode(c), 'KEEPTTL')
return v
`)

// Consume implements challenge.Backend: atomic across replicas.
func (r *Redis) Consume(nonce, party string) (challenge.Challenge, reason.Code) {
	res, err := consumeScript.Run(context.Background(), r.c, []string{redisPrefix + "ch:" + nonce}, party, r.now().UnixMilli()).Text()
	if err != nil {
		return challenge.Challenge{}, reason.Internal
	}
	switch res {
	case "unknown":
		return challenge.Challenge{}, reason.NonceUnknown
	case "other":
		return challenge.Challenge{}, reason.ChallengeOtherRP
	case "expired":
		return challenge.Challenge{}, reason.ChallengeExpired
	case "used":
		return challenge.Challenge{}, reason.NonceReplayed
	}
	var c redisChallenge
	if err := json.Unmarshal([]byte(res), &c); err != nil {
		return challenge.Challenge{}, reason.Internal
	}
	return challenge.Challenge{Nonce: nonce, Party: c.Party, Audience: c.Audience, Types: c.Types, Claims: c.Claims,
		Expires: time.UnixMilli(c.Expires)}, ""
}

func (r *Redis) keep(tx *Transaction) time.Duration {
	return max(tx.Expires.Sub(r.now())+Retention, time.Second)
}

// PutTransaction implements Transactions.
func (r *Redis) PutTransaction(ctx context.Context, tx *Transaction) error {
	v, err := json.Marshal(tx)
	if err != nil {
		return err
	}
	keep := r.keep(tx)
	_, err = r.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, redisPrefix+"tx:"+tx.ID, v, keep)
		p.Set(ctx, redisPrefix+"st:"+tx.State, tx.ID, keep)
		return nil
	})
	return err
}

// Transaction implements Transactions.
func (r *Redis) Transaction(ctx context.Context, id string) (*Transaction, error) {
	v, err := r.c.Get(ctx, redisPrefix+"tx:"+id).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	var tx Transaction
	if err := json.Unmarshal(v, &tx); err != nil {
		return nil, err
	}
	return &tx, nil
}

// TransactionByState implements Transactions.
func (r *Redis) TransactionByState(ctx context.Context, st string) (*Transaction, error) {
	id, err := r.c.Get(ctx, redisPrefix+"st:"+st).Result()
	if errors.Is(err, redis.Nil) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return r.Transaction(ctx, id)
}

// Complete implements Transactions: SET NX, so exactly one replica wins.
func (r *Redis) Complete(ctx context.Context, id string, res *Result) error {
	tx, err := r.Transaction(ctx, id)
	if err != nil {
		return err
	}
	v, err := json.Marshal(res)
	if err != nil {
		return err
	}
	ok, err := r.c.SetNX(ctx, redisPrefix+"res:"+id, v, r.keep(tx)).Result()
	if err != nil {
		return err
	}
	if !ok {
		return ErrCompleted
	}
	return nil
}

// Result implements Transactions.
func (r *Redis) Result(ctx context.Context, id string) (*Result, error) {
	v, err := r.c.Get(ctx, redisPrefix+"res:"+id).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var res Result
	if err := json.Unmarshal(v, &res); err != nil {
		return nil, err
	}
	return &res, nil
}
