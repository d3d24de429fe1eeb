// Package service is amanah-issuer: the OpenID4VCI 1.0 credential issuer (pre-authorized code
// flow, batch issuance), the signed status list tokens of the issuer's lists, the type
// metadata of its credential types, the admin API and the metrics. See docs/issuer.md.
package service

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"strings"
	"sync"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/credential/sdjwtvc"
	"github.com/amanah-id/amanah/credential/typemeta"
	"github.com/amanah-id/amanah/issuer/chainledger"
	"github.com/amanah-id/amanah/issuer/oid4vci"
	"github.com/amanah-id/amanah/issuer/registry"
	"github.com/amanah-id/amanah/issuer/statusalloc"
	"github.com/amanah-id/amanah/issuer/store"
	"github.com/amanah-id/amanah/keys"
	statustypes "github.com/amanah-id/amanah/x/status/types"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

// ConfigSpec is one credential configuration the issuer offers.
type ConfigSpec struct {
	// VCT is the registered credential type.
	VCT string
}

// Config configures the service.
type Config struct {
	// IssuerURL is the credential issuer identifier and public base URL (https://issuer.example).
	IssuerURL string
	// DID and KeyID name the issuer and its assertionMethod key (a DID URL); Key signs.
	DID, KeyID string
	Key        keys.PrivateKey
	// Name is the issuer's display name.
	Name string
	// Configurations by credential_configuration_id.
	Configurations map[string]ConfigSpec
	// BatchSize is batch_credential_issuance.batch_size (default 10).
	BatchSize int
	// OfferTTL, TokenTTL, NonceTTL bound the pre-authorized code, access token and c_nonce
	// lifetimes (defaults 15 min, 5 min, 5 min); ValidFor is the credentials' validity (1 year).
	OfferTTL, TokenTTL, NonceTTL, ValidFor time.Duration
	// TxCodeAttempts is how many wrong transaction codes kill an offer (default 3).
	TxCodeAttempts int
	// StatusTTL is the status list token's ttl and lifetime (default 5 min); StatusCacheFor is
	// how long a generated token is reused before the ledger is read again (default 1 s,
	// shorter than a block).
	StatusTTL, StatusCacheFor time.Duration
	// Store, Registry and Ledger are the service's collaborators.
	Store    *store.Store
	Registry registry.Registry
	Ledger   chainledger.Ledger
	Metrics  *Metrics
	Logger   *slog.Logger
	// Rand is the randomness of codes, tokens, nonces and indices (crypto/rand if nil).
	Rand io.Reader
	// Now is the clock (time.Now if nil).
	Now func() time.Time
	// AfterSign, when set, runs after each credential is signed (tests: crash injection).
	AfterSign func(c store.Credential)
}

// Service is the issuer.
type Service struct {
	cfg     Config
	signer  jws.Signer
	pick    store.PickFunc
	listMu  sync.Mutex // one list creation at a time
	metaMu  sync.Mutex
	meta    map[string]*typeInfo // vct -> type metadata and compiled schema
	statMu  sync.Mutex
	statTok map[string]cachedToken
}

type typeInfo struct {
	doc       []byte
	integrity string
	schema    *jsonschema.Schema
	fetched   time.Time
}

type cachedToken struct {
	body    []byte
	ctype   string
	created time.Time
}

// New checks cfg and returns the service.
func New(cfg Config) (*Service, error) {
	if cfg.IssuerURL == "" || cfg.DID == "" || cfg.KeyID == "" || cfg.Key.Public().IsZero() {
		return nil, errors.New("issuer: IssuerURL, DID, KeyID and Key are required")
	}
	if !strings.HasPrefix(cfg.KeyID, cfg.DID+"#") {
		return nil, fmt.Errorf("issuer: key id %q is not a DID URL of %s", cfg.KeyID, cfg.DID)
	}
	if cfg.Store == nil || cfg.Registry == nil || cfg.Ledger == nil {
		return nil, errors.New("issuer: Store, Registry and Ledger are required")
	}
	if len(cfg.Configurations) == 0 {
		return nil, errors.New("issuer: no credential configuration")
	}
	cfg.IssuerURL = strings.TrimRight(cfg.IssuerURL, "/")
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&cfg.OfferTTL, 15*time.Minute)
	def(&cfg.TokenTTL, 5*time.Minute)
	def(&cfg.NonceTTL, 5*time.Minute)
	def(&cfg.ValidFor, 365*24*time.Hour)
	def(&cfg.StatusTTL, 5*time.Minute)
	def(&cfg.StatusCacheFor, time.Second)
	if cfg.BatchSize == 0 {
		cfg.BatchSize = 10
	}
	if cfg.BatchSize < 1 || cfg.BatchSize > oid4vci.MaxBatchSize {
		return nil, fmt.Errorf("issuer: batch size %d not in 1..%d", cfg.BatchSize, oid4vci.MaxBatchSize)
	}
	if cfg.TxCodeAttempts == 0 {
		cfg.TxCodeAttempts = 3
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Metrics == nil {
		cfg.Metrics = NewMetrics(nil)
	}
	return &Service{cfg: cfg, signer: jws.NewKeySigner(cfg.Key), pick: statusalloc.Picker(cfg.Rand),
		meta: map[string]*typeInfo{}, statTok: map[string]cachedToken{}}, nil
}

// Config returns the effective configuration.
func (s *Service) Config() Config { return s.cfg }

func (s *Service) random(n int) string {
	b := make([]byte, n)
	if _, err := io.ReadFull(s.cfg.Rand, b); err != nil {
		panic(err) // crypto/rand does not fail
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *Service) digits(n int) string {
	var sb strings.Builder
	for i := 0; i < n; i++ {
		d, err := rand.Int(s.cfg.Rand, big.NewInt(10))
		if err != nil {
			panic(err)
		}
		sb.WriteByte(byte('0' + d.Int64()))
	}
	return sb.String()
}

// OfferRequest asks for an offer.
type OfferRequest struct {
	RecordID, ConfigID string
	TxCode             bool
	BatchSize          int
}

// OfferResult is a created offer.
type OfferResult struct {
	ID, URIByReference, URIByValue, TxCode string
	Expires                                time.Time
	Offer                                  *oid4vci.CredentialOffer
}

// CreateOffer makes a pre-authorized code offer for one registry record.
func (s *Service) CreateOffer(ctx context.Context, r OfferRequest) (*OfferResult, error) {
	if r.ConfigID == "" {
		for id := range s.cfg.Configurations {
			if r.ConfigID == "" || id < r.ConfigID {
				r.ConfigID = id
			}
		}
	}
	if _, ok := s.cfg.Configurations[r.ConfigID]; !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownConfiguration, r.ConfigID)
	}
	if r.BatchSize == 0 {
		r.BatchSize = s.cfg.BatchSize
	}
	if r.BatchSize < 1 || r.BatchSize > s.cfg.BatchSize {
		return nil, fmt.Errorf("%w: %d not in 1..%d", ErrBatchSize, r.BatchSize, s.cfg.BatchSize)
	}
	ok, err := s.cfg.Registry.Has(ctx, r.RecordID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%w: %q", registry.ErrNoRecord, r.RecordID)
	}
	code := s.random(32)
	o := &store.Offer{ID: s.random(16), RecordID: r.RecordID, ConfigID: r.ConfigID, BatchSize: r.BatchSize,
		CodeHash: store.Hash(code), Expires: s.cfg.Now().Add(s.cfg.OfferTTL), State: store.OfferOpen}
	g := oid4vci.PreAuthorizedGrant{PreAuthorizedCode: code}
	res := &OfferResult{ID: o.ID, Expires: o.Expires}
	if r.TxCode {
		res.TxCode = s.digits(6)
		o.TxCodeHash = store.Hash(res.TxCode)
		o.TxAttemptsLeft = s.cfg.TxCodeAttempts
		g.TxCode = &oid4vci.TxCode{InputMode: "numeric", Length: 6, Description: "the code the agency gave you"}
	}
	res.Offer = &oid4vci.CredentialOffer{CredentialIssuer: s.cfg.IssuerURL, CredentialConfigurationIDs: []string{r.ConfigID},
		Grants: map[string]oid4vci.PreAuthorizedGrant{oid4vci.GrantPreAuthorizedCode: g}}
	if o.OfferJSON, err = json.Marshal(res.Offer); err != nil {
		return nil, err
	}
	if err := s.cfg.Store.PutOffer(o); err != nil {
		return nil, err
	}
	res.URIByReference = oid4vci.OfferURIByReference(s.cfg.IssuerURL + "/offers/" + o.ID)
	if res.URIByValue, err = oid4vci.OfferURIByValue(res.Offer); err != nil {
		return nil, err
	}
	return res, nil
}

// Service errors (admin side).
var (
	ErrUnknownConfiguration = errors.New("issuer: unknown credential configuration")
	ErrBatchSize            = errors.New("issuer: batch size out of range")
	ErrUnknownCredential    = errors.New("issuer: unknown credential id")
)

// Token redeems a pre-authorized code (token endpoint).
func (s *Service) Token(ctx context.Context, req *oid4vci.TokenRequest) (*oid4vci.TokenResponse, error) {
	now := s.cfg.Now()
	token := s.random(32)
	_, err := s.cfg.Store.Redeem(req.PreAuthorizedCode, func(o *store.Offer) error {
		switch o.State {
		case store.OfferDead:
			return oid4vci.Errorf(oid4vci.ErrInvalidGrant, "the offer is dead: too many wrong transaction codes")
		case store.OfferRedeemed, store.OfferUsed:
			return oid4vci.Errorf(oid4vci.ErrInvalidGrant, "the pre-authorized code was already used")
		}
		if now.After(o.Expires) {
			return oid4vci.Errorf(oid4vci.ErrInvalidGrant, "the pre-authorized code expired")
		}
		if o.TxCodeHash == nil {
			if req.HasTxCode {
				return oid4vci.Errorf(oid4vci.ErrInvalidRequest, "tx_code sent but the offer has none")
			}
		} else {
			if !req.HasTxCode {
				return oid4vci.Errorf(oid4vci.ErrInvalidRequest, "the offer requires a tx_code")
			}
			if subtle.ConstantTimeCompare(store.Hash(req.TxCode), o.TxCodeHash) != 1 {
				o.TxAttemptsLeft--
				if o.TxAttemptsLeft <= 0 {
					o.State = store.OfferDead
					return oid4vci.Errorf(oid4vci.ErrInvalidGrant, "wrong tx_code; no attempt left: the offer is dead")
				}
				return oid4vci.Errorf(oid4vci.ErrInvalidGrant, "wrong tx_code (%d attempt(s) left)", o.TxAttemptsLeft)
			}
		}
		o.State = store.OfferRedeemed
		return nil
	}, token, now.Add(s.cfg.TokenTTL))
	if errors.Is(err, store.ErrNotFound) {
		return nil, oid4vci.Errorf(oid4vci.ErrInvalidGrant, "the pre-authorized code is not one this issuer made")
	}
	if err != nil {
		return nil, err
	}
	return &oid4vci.TokenResponse{AccessToken: token, TokenType: "Bearer", ExpiresIn: int64(s.cfg.TokenTTL / time.Second)}, nil
}

// Nonce makes a fresh c_nonce (nonce endpoint).
func (s *Service) Nonce(ctx context.Context) (*oid4vci.NonceResponse, error) {
	n := s.random(24)
	if err := s.cfg.Store.PutNonce(n, s.cfg.Now().Add(s.cfg.NonceTTL)); err != nil {
		return nil, err
	}
	return &oid4vci.NonceResponse{CNonce: n}, nil
}

// Authorize checks an access token and returns its offer (credential endpoint, first step).
func (s *Service) Authorize(token string) (*store.Offer, error) {
	t, o, err := s.cfg.Store.TokenGrant(token)
	if err != nil {
		return nil, oid4vci.Errorf(oid4vci.ErrInvalidToken, "unknown access token")
	}
	if t.Used {
		return nil, oid4vci.Errorf(oid4vci.ErrInvalidToken, "the access token was already used for this offer's batch")
	}
	if s.cfg.Now().After(t.Expires) {
		return nil, oid4vci.Errorf(oid4vci.ErrInvalidToken, "the access token expired")
	}
	return o, nil
}

// Credential answers a credential request: every proof checked and its nonce consumed, the
// record read and checked against the type's JSON Schema, the issuance recorded (indices
// allocated), and only then the batch signed.
func (s *Service) Credential(ctx context.Context, token string, req *oid4vci.CredentialRequest) (*oid4vci.CredentialResponse, error) {
	o, err := s.Authorize(token)
	if err != nil {
		return nil, err
	}
	spec, ok := s.cfg.Configurations[req.CredentialConfigurationID]
	if !ok {
		return nil, oid4vci.Errorf(oid4vci.ErrUnknownCredentialConfiguration, "%q is not in credential_configurations_supported", req.CredentialConfigurationID)
	}
	if req.CredentialConfigurationID != o.ConfigID {
		return nil, oid4vci.Errorf(oid4vci.ErrUnknownCredentialConfiguration, "%q was not offered with this access token", req.CredentialConfigurationID)
	}
	if len(req.ProofJWTs) > o.BatchSize {
		return nil, oid4vci.Errorf(oid4vci.ErrInvalidCredentialRequest, "%d proofs: the offer is for a batch of at most %d", len(req.ProofJWTs), o.BatchSize)
	}
	now := s.cfg.Now()
	holders := make([]keys.PublicKey, len(req.ProofJWTs))
	nonces := make([]string, len(req.ProofJWTs))
	for i, p := range req.ProofJWTs {
		pr, err := oid4vci.VerifyProofJWT(p, oid4vci.ProofCheck{Audience: s.cfg.IssuerURL, Now: now})
		if err != nil {
			var e *oid4vci.Error
			if errors.As(err, &e) {
				e.Description = fmt.Sprintf("proofs.jwt[%d]: %s", i, e.Description)
			}
			return nil, err
		}
		for j := 0; j < i; j++ {
			if holders[j].Equal(pr.Key) {
				return nil, oid4vci.Errorf(oid4vci.ErrInvalidProof, "proofs.jwt[%d] and [%d] prove the same key: one key per credential", j, i)
			}
		}
		holders[i], nonces[i] = pr.Key, pr.Nonce
	}
	if err := s.cfg.Store.ConsumeNonces(nonces, now); err != nil {
		return nil, oid4vci.Errorf(oid4vci.ErrInvalidNonce, "%v: get a fresh c_nonce from the nonce endpoint", err)
	}
	ti, err := s.typeInfo(ctx, spec.VCT)
	if err != nil {
		return nil, err
	}
	claims, err := s.cfg.Registry.Record(ctx, o.RecordID)
	if err != nil {
		if errors.Is(err, registry.ErrNoRecord) {
			return nil, oid4vci.Errorf(oid4vci.ErrCredentialRequestDenied, "the offered record no longer exists")
		}
		return nil, err
	}
	if err := validateRecord(ti.schema, claims, now); err != nil {
		s.cfg.Logger.Warn("record refused by the type's schema", "offer", o.ID, "vct", spec.VCT, "err", err)
		return nil, oid4vci.Errorf(oid4vci.ErrCredentialRequestDenied, "the registry record does not satisfy the credential type's schema")
	}
	// One iat for the whole day's issuance (IssuanceTime), never before the issuer's standing.
	standing, err := s.cfg.Ledger.Standing(ctx, spec.VCT, now)
	if err != nil {
		return nil, fmt.Errorf("issuer: the issuer's standing on the ledger: %w", err)
	}
	iat := IssuanceTime(now, standing)
	if claims, err = withAgePredicates(claims, now); err != nil {
		return nil, oid4vci.Errorf(oid4vci.ErrCredentialRequestDenied, "the registry record's birthdate is invalid")
	}
	b := &store.Batch{ID: now.UTC().Format("20060102T150405Z") + "-" + s.random(6), VCT: spec.VCT, Issued: now, Status: "valid"}
	for range holders {
		b.Credentials = append(b.Credentials, store.Credential{ID: "urn:uuid:" + uuid(s.cfg.Rand)})
	}
	// Record first (indices allocated, batch written, token spent, fsynced), then sign.
	if err := s.record(ctx, b, token); err != nil {
		return nil, err
	}
	out := &oid4vci.CredentialResponse{}
	for i, h := range holders {
		c := b.Credentials[i]
		is := &sdjwtvc.Issuer{DID: s.cfg.DID, KeyID: s.cfg.KeyID, Signer: s.signer, Rand: s.cfg.Rand, Now: func() time.Time { return iat }}
		sd, err := is.Issue(ctx, sdjwtvc.Credential{VCT: spec.VCT, Claims: claims, Holder: h, Expires: iat.Add(s.cfg.ValidFor),
			Status: &sdjwtvc.StatusRef{Index: uint64(c.Index), URI: s.ListURI(c.ListID)}, VCTIntegrity: ti.integrity})
		if err != nil {
			s.cfg.Metrics.SigningErrors.Inc()
			s.cfg.Logger.Error("signing failed; the batch is recorded and its indices stay revocable", "batch", b.ID, "err", err)
			return nil, err
		}
		if s.cfg.AfterSign != nil {
			s.cfg.AfterSign(c)
		}
		out.Credentials = append(out.Credentials, oid4vci.IssuedCredential{Credential: sd})
	}
	if err := s.cfg.Store.MarkSigned(b.ID); err != nil {
		s.cfg.Logger.Warn("mark signed", "batch", b.ID, "err", err)
	}
	s.cfg.Metrics.Issued.Add(float64(len(out.Credentials)))
	return out, nil
}

// record writes the issuance record, creating a new status list on the ledger when no list
// has room for the batch.
func (s *Service) record(ctx context.Context, b *store.Batch, token string) error {
	for attempt := 0; attempt < 3; attempt++ {
		err := s.cfg.Store.RecordBatch(b, token, s.pick)
		if !errors.Is(err, store.ErrListFull) {
			if err != nil && strings.Contains(err.Error(), "access token already used") {
				return oid4vci.Errorf(oid4vci.ErrInvalidToken, "the access token was already used for this offer's batch")
			}
			return err
		}
		if err := s.newList(ctx, len(b.Credentials)); err != nil {
			return err
		}
	}
	return errors.New("issuer: no status list room after creating one")
}

func (s *Service) newList(ctx context.Context, need int) error {
	s.listMu.Lock()
	defer s.listMu.Unlock()
	lists, err := s.cfg.Store.Lists()
	if err != nil {
		return err
	}
	for _, l := range lists {
		if l.Size-l.Allocated >= uint32(need) {
			return nil // another request made one meanwhile
		}
	}
	id, size, bits, err := s.cfg.Ledger.CreateList(ctx)
	if err != nil {
		return fmt.Errorf("issuer: create a status list: %w", err)
	}
	s.cfg.Logger.Info("created status list", "list", id, "size", size)
	return s.cfg.Store.AddList(store.List{ID: id, Size: size, Bits: bits, URI: s.ListURI(id)})
}

// ListURI is the status_list.uri of a list: served by this service (a signed token), and a
// path Amanah's verifier maps to the ledger list (statustypes.ParseListURI).
func (s *Service) ListURI(id uint64) string { return statustypes.ListURL(s.cfg.IssuerURL, id, "") }

func uuid(r io.Reader) string {
	var b [16]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		panic(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// validateRecord checks the record (with the predicates the issuer derives) against the schema.
func validateRecord(sch *jsonschema.Schema, claims map[string]any, now time.Time) error {
	full := map[string]any{}
	for k, v := range claims {
		full[k] = v
	}
	if bd, ok := claims["birthdate"].(string); ok {
		preds, err := sdjwtvc.AgePredicates(bd, now, sdjwtvc.DefaultAgeThresholds)
		if err != nil {
			return err
		}
		for k, v := range preds {
			if _, clash := full[k]; !clash {
				full[k] = v
			}
		}
	}
	b, err := json.Marshal(full)
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}

// typeInfo returns (caching for a minute) the type metadata, integrity and compiled schema of
// a vct as the ledger holds it.
func (s *Service) typeInfo(ctx context.Context, vct string) (*typeInfo, error) {
	s.metaMu.Lock()
	ti := s.meta[vct]
	s.metaMu.Unlock()
	if ti != nil && s.cfg.Now().Sub(ti.fetched) < time.Minute {
		return ti, nil
	}
	ct, err := s.cfg.Ledger.CredentialType(ctx, vct)
	if err != nil {
		return nil, fmt.Errorf("issuer: credential type %s: %w", vct, err)
	}
	md, err := typemeta.Build(TypeOf(ct))
	if err != nil {
		return nil, err
	}
	doc, err := md.Bytes()
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(noLoader{})
	sdoc, err := jsonschema.UnmarshalJSON(strings.NewReader(ct.Schema))
	if err != nil {
		return nil, err
	}
	if err := c.AddResource("urn:amanah:schema", sdoc); err != nil {
		return nil, err
	}
	sch, err := c.Compile("urn:amanah:schema")
	if err != nil {
		return nil, fmt.Errorf("issuer: schema of %s: %w", vct, err)
	}
	ti = &typeInfo{doc: doc, integrity: typemeta.Integrity(doc), schema: sch, fetched: s.cfg.Now()}
	s.metaMu.Lock()
	s.meta[vct] = ti
	s.metaMu.Unlock()
	return ti, nil
}

type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("schema reference %s: remote schemas are not loaded", url)
}

// SetStatus revokes, suspends or reinstates every credential of the batch holding
// credentialID, in one ledger transaction. value: 0 valid, 1 revoked, 2 suspended.
func (s *Service) SetStatus(ctx context.Context, credentialID string, value uint8) (*store.Batch, int64, string, error) {
	b, err := s.cfg.Store.BatchOf(credentialID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, 0, "", fmt.Errorf("%w: %q", ErrUnknownCredential, credentialID)
	}
	if err != nil {
		return nil, 0, "", err
	}
	if b.Status == "revoked" {
		return nil, 0, "", fmt.Errorf("issuer: batch %s is revoked for good", b.ID)
	}
	changes := map[uint64][]uint32{}
	for _, c := range b.Credentials {
		changes[c.ListID] = append(changes[c.ListID], c.Index)
	}
	h, hash, err := s.cfg.Ledger.SetStatus(ctx, changes, value)
	if err != nil {
		return nil, 0, "", err
	}
	status := map[uint8]string{0: "valid", 1: "revoked", 2: "suspended"}[value]
	if err := s.cfg.Store.UpdateBatch(b.ID, func(x *store.Batch) error { x.Status = status; return nil }); err != nil {
		return nil, 0, "", err
	}
	b.Status = status
	s.statMu.Lock()
	s.statTok = map[string]cachedToken{} // the next status request reads the ledger again
	s.statMu.Unlock()
	return b, h, hash, nil
}

// TypeOf converts a registered credential type for typemeta.
func TypeOf(ct *trusttypes.CredentialType) typemeta.Type {
	return typemeta.Type{Vct: ct.Vct, DisplayName: ct.DisplayName, Description: ct.Description, Schema: ct.Schema,
		SelectivelyDisclosable: ct.SelectivelyDisclosable}
}
