// Package service implements amanah.verifier.v1.Verifier: challenges,
// presentation verification against the ledger view and the relying
// party's policy, and diagnostics. Every refusal carries a stable reason
// code (verifier/reason, credential/sdjwt).
package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"slices"
	"sync"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/amanah-id/amanah/credential/sdjwt"
	"github.com/amanah-id/amanah/credential/sdjwtvc"
	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/statuslist"
	"github.com/amanah-id/amanah/verifier/audit"
	"github.com/amanah-id/amanah/verifier/auth"
	"github.com/amanah-id/amanah/verifier/challenge"
	"github.com/amanah-id/amanah/verifier/claimschema"
	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/reason"
	"github.com/amanah-id/amanah/verifier/verifierpb"
)

// ErrorDomain is the ErrorInfo domain of the service's gRPC errors.
const ErrorDomain = reason.ErrorDomain

// Request limits (INVALID_ARGUMENT beyond them).
const (
	MaxNonceLen    = 64
	MaxStringLen   = 512
	MaxListItems   = 64
	MaxAudienceLen = 512
)

// Registered claims of an SD-JWT VC that are never returned as disclosed claims.
var registeredClaims = map[string]bool{
	"iss": true, "vct": true, "vct#integrity": true, "iat": true, "nbf": true, "exp": true,
	"cnf": true, "status": true, "jti": true, "aud": true, "_sd_alg": true,
}

// Recorder receives each verdict (metrics); may be nil.
type Recorder interface {
	Verification(verified bool, reason string)
}

// Config configures a Service.
type Config struct {
	// View is the ledger view; required.
	View ledger.View
	// Challenges is the challenge store; required.
	Challenges challenge.Backend
	// Audit receives one record per verification; may be nil.
	Audit *audit.Logger
	// Recorder receives verdicts; may be nil.
	Recorder Recorder
	// Freshness is the default maximum status age (ledger.DefaultFreshness if 0).
	Freshness time.Duration
	// Options are the SD-JWT limits, algorithms and clock; Nonce and Audience
	// come from each challenge. MaxSize also bounds the request's presentation.
	Options sdjwt.Options
	// Schemas caches compiled credential-type schemas
	// (claimschema.NewCache(claimschema.DefaultCacheSize) if nil).
	Schemas *claimschema.Cache
	// Evidence collects the evidence of a verdict when a request asks for it;
	// nil: evidence is not offered (include_evidence is ignored).
	Evidence EvidenceCollector
	// Federation routes credentials of recognised foreign ledgers (federation.go); nil: only
	// the own ledger's credentials.
	Federation Federation
	// OpenID4VP configures OpenID4VP presentation requests (nil: not offered).
	OpenID4VP *OpenID4VPConfig
}

// EvidenceCollector collects, with proofs, the ledger facts the rules read for
// one presentation (verifier/ledger/node.Collector).
type EvidenceCollector interface {
	Collect(ctx context.Context, subj *verifierpb.EvidenceSubject) (*verifierpb.Evidence, error)
}

// Service implements verifierpb.VerifierServer.
type Service struct {
	verifierpb.UnimplementedVerifierServer
	cfg     Config
	vc      *sdjwtvc.Verifier
	schemas *claimschema.Cache
	now     func() time.Time
}

var _ verifierpb.VerifierServer = (*Service)(nil)

// New returns the service.
func New(cfg Config) (*Service, error) {
	if cfg.View == nil || cfg.Challenges == nil {
		return nil, errors.New("service: View and Challenges are required")
	}
	if cfg.Options.MaxSize <= 0 {
		cfg.Options.MaxSize = sdjwt.DefaultMaxSize
	}
	if cfg.Freshness <= 0 {
		cfg.Freshness = ledger.DefaultFreshness
	}
	now := cfg.Options.Now
	if now == nil {
		now = time.Now
	}
	view := cfg.View
	resolve := view.IssuerKey
	if cfg.Federation != nil {
		resolve = cfg.Federation.IssuerKey
	}
	vc := &sdjwtvc.Verifier{Resolver: sdjwtvc.IssuerKeyResolverFunc(resolve), Options: cfg.Options}
	if cfg.Schemas == nil {
		cfg.Schemas = claimschema.NewCache(claimschema.DefaultCacheSize)
	}
	return &Service{cfg: cfg, vc: vc, schemas: cfg.Schemas, now: now}, nil
}

// Error returns a gRPC status error with code c whose message starts with
// the reason and which carries an ErrorInfo detail naming it.
func Error(c codes.Code, r reason.Code, format string, args ...any) error {
	return reason.Error(c, r, format, args...)
}

// ReasonOfError returns the reason carried by a gRPC error of this service.
func ReasonOfError(err error) reason.Code { return reason.OfError(err) }

func party(ctx context.Context) (string, error) {
	did, ok := auth.PartyFrom(ctx)
	if !ok {
		return "", Error(codes.Unauthenticated, reason.Unauthenticated, "no authenticated relying party")
	}
	return did, nil
}

// ledgerErr maps a ledger error outside a credential check to a gRPC error.
func ledgerErr(err error) error {
	if errors.Is(err, ledger.ErrStale) || errors.Is(err, ledger.ErrUnavailable) || errors.Is(err, context.DeadlineExceeded) {
		return Error(codes.Unavailable, reason.StatusUnknown, "%v", err)
	}
	return Error(codes.Internal, reason.Internal, "ledger: %v", err)
}

func checkList(field string, xs []string, maxLen int) error {
	if len(xs) > MaxListItems {
		return Error(codes.InvalidArgument, reason.RequestTooLarge, "%s: %d items (max %d)", field, len(xs), MaxListItems)
	}
	for _, x := range xs {
		if x == "" || len(x) > maxLen {
			return Error(codes.InvalidArgument, reason.RequestInvalid, "%s: empty item or longer than %d bytes", field, maxLen)
		}
	}
	return nil
}

// CreateChallenge implements verifierpb.VerifierServer.
func (s *Service) CreateChallenge(ctx context.Context, req *verifierpb.CreateChallengeRequest) (*verifierpb.CreateChallengeResponse, error) {
	rpDID, err := party(ctx)
	if err != nil {
		return nil, err
	}
	if req.Audience == "" || len(req.Audience) > MaxAudienceLen {
		return nil, Error(codes.InvalidArgument, reason.RequestInvalid, "audience: required, at most %d bytes", MaxAudienceLen)
	}
	if len(req.CredentialTypes) == 0 {
		return nil, Error(codes.InvalidArgument, reason.RequestInvalid, "credential_types: at least one required")
	}
	if err := checkList("credential_types", req.CredentialTypes, MaxStringLen); err != nil {
		return nil, err
	}
	if err := checkList("requested_claims", req.RequestedClaims, MaxStringLen); err != nil {
		return nil, err
	}
	rp, err := s.registeredParty(ctx, rpDID)
	if err != nil {
		return nil, err
	}
	if !rp.AllowsAudience(req.Audience) {
		return nil, Error(codes.PermissionDenied, reason.AudienceNotRegistered, "audience %q is not in the registration of %s", req.Audience, rpDID)
	}
	for _, vct := range req.CredentialTypes {
		if _, ok := rp.AllowedClaims[vct]; !ok && !rp.AcceptsForeignVCT(vct) {
			return nil, Error(codes.PermissionDenied, reason.VCTNotRegistered, "credential type %q is not in the registration of %s", vct, rpDID)
		}
		for _, c := range req.RequestedClaims {
			if !rp.Allows(vct, c) && !rp.AllowsForeignVCT(vct, c) {
				return nil, Error(codes.PermissionDenied, reason.ClaimNotAllowed, "claim %q of %q is not in the registration of %s", c, vct, rpDID)
			}
		}
	}
	ch, err := s.cfg.Challenges.Create(rpDID, req.Audience, slices.Clone(req.CredentialTypes), slices.Clone(req.RequestedClaims))
	if errors.Is(err, challenge.ErrFull) {
		return nil, Error(codes.ResourceExhausted, reason.RateLimited, "%v", err)
	}
	if err != nil {
		return nil, Error(codes.Internal, reason.Internal, "challenge: %v", err)
	}
	return &verifierpb.CreateChallengeResponse{Nonce: ch.Nonce, ExpiresAtUnix: ch.Expires.Unix(), Audience: ch.Audience}, nil
}

// verdict accumulates check results.
type verdict struct {
	resp *verifierpb.VerifyPresentationResponse
	// results backs the check results: one allocation for a verification's checks.
	results []verifierpb.CheckResult
}

// verdictChecks is the capacity reserved for check results (a full verification's count).
const verdictChecks = 16

func (v *verdict) add(c reason.Check, r reason.Code) {
	if len(v.results) == cap(v.results) { // a new block; earlier results keep their addresses
		v.results = make([]verifierpb.CheckResult, 0, verdictChecks)
	}
	if v.resp.Checks == nil {
		v.resp.Checks = make([]*verifierpb.CheckResult, 0, verdictChecks)
	}
	v.results = v.results[:len(v.results)+1]
	cr := &v.results[len(v.results)-1]
	cr.Check, cr.Ok, cr.Reason = string(c), r == "", string(r)
	v.resp.Checks = append(v.resp.Checks, cr)
	if r != "" && v.resp.Reason == "" {
		v.resp.Reason = string(r)
	}
}

// VerifyPresentation implements verifierpb.VerifierServer.
func (s *Service) VerifyPresentation(ctx context.Context, req *verifierpb.VerifyPresentationRequest) (*verifierpb.VerifyPresentationResponse, error) {
	start := time.Now()
	rpDID, err := party(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.validateVerify(req); err != nil {
		return nil, err
	}
	if err := s.cfg.View.Fresh(); err != nil {
		return nil, ledgerErr(err)
	}
	sum := presentationSHA256(req.Presentation)
	v := &verdict{resp: &verifierpb.VerifyPresentationResponse{PresentationSha256: hex.EncodeToString(sum[:])}}
	s.verify(ctx, rpDID, req, v)
	resp := v.resp
	resp.Verified = resp.Reason == ""
	if !resp.Verified {
		resp.DisclosedClaims = nil
	}
	if resp.LedgerHeight == 0 {
		resp.LedgerHeight = s.cfg.View.Sync().Height
	}
	if s.cfg.Recorder != nil {
		s.cfg.Recorder.Verification(resp.Verified, resp.Reason)
	}
	s.cfg.Audit.Log(ctx, audit.Record{Client: rpDID, Method: "VerifyPresentation", VCT: resp.Vct, Issuer: resp.Issuer,
		Verified: resp.Verified, Reason: resp.Reason, Height: resp.LedgerHeight, PresentationSHA256: resp.PresentationSha256,
		Disclosed: len(resp.DisclosedClaims), Duration: time.Since(start)})
	return resp, nil
}

// hashBufs are buffers for presentationSHA256, sized to the largest
// presentation hashed so far (at most Options.MaxSize).
var hashBufs = sync.Pool{New: func() any { return new([]byte) }}

// presentationSHA256 is the SHA-256 of p. sha256.Sum256([]byte(p)) copies p
// to the heap on every call (a presentation is a few KiB); this copies it to
// a reused buffer.
func presentationSHA256(p string) [sha256.Size]byte {
	b := hashBufs.Get().(*[]byte)
	*b = append((*b)[:0], p...)
	sum := sha256.Sum256(*b)
	hashBufs.Put(b)
	return sum
}

func (s *Service) validateVerify(req *verifierpb.VerifyPresentationRequest) error {
	switch {
	case req.Presentation == "":
		return Error(codes.InvalidArgument, reason.RequestInvalid, "presentation: required")
	case len(req.Presentation) > s.cfg.Options.MaxSize:
		return Error(codes.InvalidArgument, reason.RequestTooLarge, "presentation: %d bytes (max %d)", len(req.Presentation), s.cfg.Options.MaxSize)
	case req.Nonce == "" || len(req.Nonce) > MaxNonceLen:
		return Error(codes.InvalidArgument, reason.RequestInvalid, "nonce: required, at most %d bytes", MaxNonceLen)
	}
	if p := req.Policy; p != nil {
		if err := checkList("policy.accepted_vcts", p.AcceptedVcts, MaxStringLen); err != nil {
			return err
		}
		if err := checkList("policy.required_claims", p.RequiredClaims, MaxStringLen); err != nil {
			return err
		}
		if p.MaxStatusAgeSeconds < 0 {
			return Error(codes.InvalidArgument, reason.RequestInvalid, "policy.max_status_age_seconds: negative")
		}
	}
	return nil
}

func (s *Service) verify(ctx context.Context, rpDID string, req *verifierpb.VerifyPresentationRequest, v *verdict) {
	ch, r := s.cfg.Challenges.Consume(req.Nonce, rpDID)
	v.add(reason.CheckChallenge, r)
	if r != "" {
		return
	}
	s.check(ctx, rpDID, ch, req.Presentation, req.Policy, req.IncludeEvidence, v)
}

// check makes every check after the challenge's of presentation for ch; it
// returns the credential's processed claims when the SD-JWT VC verified (nil otherwise).
func (s *Service) check(ctx context.Context, rpDID string, ch challenge.Challenge, presentation string, policy *verifierpb.Policy,
	includeEvidence bool, v *verdict) *sdjwtvc.Result {
	res, err := s.vc.Verify(ctx, presentation, sdjwtvc.Challenge{Nonce: ch.Nonce, Audience: ch.Audience})
	if fr := federationReason(err); fr != "" {
		v.resp.IssuerLedger = ledger.LedgerOf(err)
		v.add(reason.CheckIssuerLedger, fr)
		return nil
	}
	if err != nil {
		sr := sdjwt.ReasonOf(err)
		if sr == "" {
			sr = sdjwt.ReasonMalformed
		}
		v.add(reason.CheckOf(sr), reason.Code(sr))
		return nil
	}
	for _, c := range []reason.Check{reason.CheckSignature, reason.CheckIssuerKey, reason.CheckKeyBinding, reason.CheckExpiry} {
		v.add(c, "")
	}
	resp := v.resp
	resp.Issuer, resp.Vct = res.Issuer, res.VCT
	resp.IssuedAtUnix = res.IssuedAt.Unix()
	if !res.ExpiresAt.IsZero() {
		resp.ExpiresAtUnix = res.ExpiresAt.Unix()
	}
	// issuer ledger: the own, or a recognised foreign one whose view holds the issuer's facts.
	view, foreign, ok := s.admit(ctx, res.Issuer, res.VCT, v)
	if !ok {
		return nil
	}

	// schema: what Amanah requires of every credential, and the disclosed
	// claims against the credential type's schema in x/trust.
	v.add(reason.CheckSchema, s.schema(ctx, view, res))

	// accreditation at issuance and now.
	now := s.now()
	v.add(reason.CheckAccreditation, s.accreditation(ctx, view, res.Issuer, res.VCT, res.IssuedAt, now))

	// status.
	maxAge := s.cfg.Freshness
	if p := policy; p != nil && p.MaxStatusAgeSeconds > 0 {
		maxAge = time.Duration(min(p.MaxStatusAgeSeconds, math.MaxInt64/int64(time.Second))) * time.Second
	}
	sr, height := s.status(ctx, view, res.Status, res.Issuer, maxAge, now)
	resp.LedgerHeight = height
	v.add(reason.CheckStatus, sr)

	// policy and claims.
	pr, claims := s.policy(ctx, rpDID, ch, policy, res, foreign)
	v.add(reason.CheckPolicy, pr)
	resp.DisclosedClaims = claims

	if includeEvidence && s.cfg.Evidence != nil && foreign == nil && res.Status != nil && res.Status.Index <= math.MaxUint32 {
		subj := &verifierpb.EvidenceSubject{Issuer: res.Issuer, Kid: res.KeyID, IssuedAtUnix: res.IssuedAt.Unix(), Vct: res.VCT,
			StatusUri: res.Status.URI, StatusIndex: uint32(res.Status.Index), RelyingParty: rpDID, CheckedAtUnix: now.Unix()}
		if ev, err := s.cfg.Evidence.Collect(ctx, subj); err == nil {
			resp.Evidence = ev
		} else {
			slog.WarnContext(ctx, "verifier: evidence not collected", "err", err)
		}
	}
	return res
}

// schema checks what Amanah requires of every credential, then each
// disclosed claim against its subschema in the JSON Schema registered for
// the credential's type (claimschema): an unregistered type, a claim the
// schema does not define or a value it does not allow is schema_invalid; a
// schema that cannot be read is schema_unknown.
func (s *Service) schema(ctx context.Context, view ledger.View, res *sdjwtvc.Result) reason.Code {
	if res.IssuedAt.IsZero() || !res.KeyBound || res.Status == nil || res.VCT == "" {
		return reason.SchemaInvalid
	}
	sch, err := view.CredentialSchema(ctx, res.VCT)
	switch {
	case errors.Is(err, ledger.ErrNotFound):
		return reason.SchemaInvalid
	case err != nil:
		return reason.SchemaUnknown
	}
	cs, err := s.schemas.Get(res.VCT, sch.SHA256, sch.JSON)
	if err != nil {
		return reason.SchemaInvalid
	}
	for name, val := range res.Claims {
		if registeredClaims[name] {
			continue
		}
		if cs.ValidateClaim(name, val) != nil {
			return reason.SchemaInvalid
		}
	}
	return ""
}

func (s *Service) accreditation(ctx context.Context, view ledger.View, iss, vct string, iat, now time.Time) reason.Code {
	for _, at := range []time.Time{iat, now} {
		ok, err := view.Accredited(ctx, iss, vct, at)
		if err != nil {
			return reason.AccreditationUnknown
		}
		if !ok {
			return reason.IssuerNotAccredited
		}
	}
	return ""
}

func (s *Service) status(ctx context.Context, view ledger.View, ref *sdjwtvc.StatusRef, issuer string, maxAge time.Duration, now time.Time) (reason.Code, int64) {
	if ref == nil {
		return reason.StatusUnknown, 0
	}
	if ref.Index > math.MaxUint32 {
		return reason.StatusInvalid, 0
	}
	val, height, err := view.Status(ctx, ref.URI, uint32(ref.Index), issuer)
	switch {
	case errors.Is(err, ledger.ErrWrongOwner):
		return reason.StatusWrongOwner, 0
	case errors.Is(err, ledger.ErrNotFound), errors.Is(err, ledger.ErrOutOfRange):
		return reason.StatusInvalid, 0
	case err != nil:
		return reason.StatusUnknown, 0
	}
	if view.Sync().Age(now) > maxAge {
		return reason.StatusStale, height
	}
	switch val {
	case statuslist.StatusValid:
		return "", height
	case statuslist.StatusInvalid:
		return reason.Revoked, height
	case statuslist.StatusSuspended:
		return reason.Suspended, height
	}
	return reason.StatusInvalid, height
}

func (s *Service) policy(ctx context.Context, rpDID string, ch challenge.Challenge, p *verifierpb.Policy, res *sdjwtvc.Result,
	foreign *ledger.ForeignAdmission) (reason.Code, map[string]string) {
	vct := res.VCT // a foreign type counts as the local type it is recognised as
	if foreign != nil {
		vct = foreign.Type.EffectiveVCT()
	}
	accepted := ch.Types
	var required []string
	if p != nil {
		if len(p.AcceptedVcts) > 0 {
			accepted = p.AcceptedVcts
		}
		required = p.RequiredClaims
	}
	if !slices.Contains(accepted, vct) || !slices.Contains(ch.Types, vct) {
		return reason.VCTNotAccepted, nil
	}
	rp, err := s.cfg.View.RelyingParty(ctx, rpDID)
	switch {
	case errors.Is(err, ledger.ErrNotFound):
		return reason.RPNotRegistered, nil
	case err != nil:
		return reason.StatusUnknown, nil
	}
	// The registration may have changed since the challenge: its audience must still be listed.
	if !rp.AllowsAudience(ch.Audience) {
		return reason.AudienceNotRegistered, nil
	}
	allows := func(c string) bool { return rp.Allows(vct, c) }
	if foreign != nil {
		var r reason.Code
		if allows, r = foreignAllows(rp, foreign, res.VCT); r != "" {
			return r, nil
		}
	} else if _, ok := rp.AllowedClaims[vct]; !ok {
		return reason.VCTNotRegistered, nil
	}
	for _, c := range required {
		if !allows(c) {
			return reason.ClaimNotAllowed, nil
		}
		if _, ok := res.Claims[c]; !ok || registeredClaims[c] {
			return reason.RequiredClaimMiss, nil
		}
	}
	out := make(map[string]string)
	for name, val := range res.Claims {
		if registeredClaims[name] || !allows(name) {
			continue
		}
		if len(ch.Claims) > 0 && !slices.Contains(ch.Claims, name) && !slices.Contains(required, name) {
			continue
		}
		b, err := json.Marshal(val)
		if err != nil {
			return reason.SchemaInvalid, nil
		}
		out[name] = string(b)
	}
	return "", out
}

// ResolveDid implements verifierpb.VerifierServer.
func (s *Service) ResolveDid(ctx context.Context, req *verifierpb.ResolveDidRequest) (*verifierpb.ResolveDidResponse, error) {
	if _, err := party(ctx); err != nil {
		return nil, err
	}
	if len(req.Did) > didcore.MaxDIDURLLength {
		return nil, Error(codes.InvalidArgument, reason.RequestTooLarge, "did: longer than %d bytes", didcore.MaxDIDURLLength)
	}
	if _, err := didcore.ParseDID(req.Did); err != nil {
		return nil, Error(codes.InvalidArgument, reason.RequestInvalid, "did: %v", err)
	}
	at := s.now()
	if req.AtUnix > 0 {
		at = time.Unix(req.AtUnix, 0)
	}
	if err := s.cfg.View.Fresh(); err != nil {
		return nil, ledgerErr(err)
	}
	ks, err := s.cfg.View.AssertionKeys(ctx, req.Did, at)
	if errors.Is(err, ledger.ErrNotFound) {
		return nil, Error(codes.NotFound, reason.Code(sdjwt.ReasonUnknownKid), "%s not found at %s", req.Did, at.UTC().Format(time.RFC3339))
	}
	if err != nil {
		return nil, ledgerErr(err)
	}
	resp := &verifierpb.ResolveDidResponse{Did: req.Did, LedgerHeight: s.cfg.View.Sync().Height}
	for _, k := range ks {
		jwk, err := k.Key.JWK()
		if err != nil {
			continue
		}
		resp.AssertionKeys = append(resp.AssertionKeys, &verifierpb.VerificationKey{Id: k.ID, Curve: string(k.Key.Curve()), PublicKeyJwk: string(jwk)})
	}
	return resp, nil
}

// CheckStatus implements verifierpb.VerifierServer.
func (s *Service) CheckStatus(ctx context.Context, req *verifierpb.CheckStatusRequest) (*verifierpb.CheckStatusResponse, error) {
	if _, err := party(ctx); err != nil {
		return nil, err
	}
	if req.Uri == "" || len(req.Uri) > MaxStringLen {
		return nil, Error(codes.InvalidArgument, reason.RequestInvalid, "uri: required, at most %d bytes", MaxStringLen)
	}
	if req.Issuer == "" || len(req.Issuer) > MaxStringLen {
		return nil, Error(codes.InvalidArgument, reason.RequestInvalid, "issuer: required (the list must be the issuer's), at most %d bytes", MaxStringLen)
	}
	if err := s.cfg.View.Fresh(); err != nil {
		return nil, ledgerErr(err)
	}
	val, height, err := s.cfg.View.Status(ctx, req.Uri, req.Index, req.Issuer)
	switch {
	case errors.Is(err, ledger.ErrWrongOwner):
		return nil, Error(codes.FailedPrecondition, reason.StatusWrongOwner, "%v", err)
	case errors.Is(err, ledger.ErrNotFound), errors.Is(err, ledger.ErrOutOfRange):
		return nil, Error(codes.NotFound, reason.StatusInvalid, "%v", err)
	case err != nil:
		return nil, ledgerErr(err)
	}
	name := map[uint8]string{statuslist.StatusValid: "valid", statuslist.StatusInvalid: "revoked", statuslist.StatusSuspended: "suspended"}[val]
	if name == "" {
		name = "unknown"
	}
	return &verifierpb.CheckStatusResponse{Value: uint32(val), Status: name, LedgerHeight: height}, nil
}

// registeredParty returns rpDID's x/trust registration from a fresh view: ledger_unavailable
// when the view is not fresh, rp_not_registered when there is none.
func (s *Service) registeredParty(ctx context.Context, rpDID string) (*ledger.RelyingParty, error) {
	if err := s.cfg.View.Fresh(); err != nil {
		return nil, ledgerErr(err)
	}
	rp, err := s.cfg.View.RelyingParty(ctx, rpDID)
	if errors.Is(err, ledger.ErrNotFound) {
		return nil, Error(codes.PermissionDenied, reason.RPNotRegistered, "%s is not a registered relying party", rpDID)
	}
	if err != nil {
		return nil, ledgerErr(err)
	}
	return rp, nil
}
