package service

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	gogoproto "github.com/cosmos/gogoproto/proto"
	"google.golang.org/grpc/codes"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/openid4vp"
	"github.com/amanah-id/amanah/openid4vp/dcql"
	"github.com/amanah-id/amanah/verifier/audit"
	"github.com/amanah-id/amanah/verifier/challenge"
	"github.com/amanah-id/amanah/verifier/reason"
	"github.com/amanah-id/amanah/verifier/state"
	"github.com/amanah-id/amanah/verifier/verifierpb"
)

// DefaultRequestTTL is how long an OpenID4VP request is answerable.
const DefaultRequestTTL = 5 * time.Minute

// Paths of the public endpoints, under OpenID4VPConfig.PublicURL.
const (
	PathRequestObject = "/oid4vp/requests/"
	PathResponse      = "/oid4vp/response"
)

// QRScale is the QR code's pixels per module.
const QRScale = 4

// MaxRedirectURILen bounds a same-device redirect URI.
const MaxRedirectURILen = 2048

// OpenID4VPConfig configures OpenID4VP presentation requests.
type OpenID4VPConfig struct {
	// PublicURL is the base URL wallets reach the public endpoints at
	// (https, or http on loopback), without a trailing slash.
	PublicURL string
	// Keys are the relying parties' request-signing keys, by DID.
	Keys map[string]RequestKey
	// Transactions keeps the transactions; required.
	Transactions state.Transactions
	// TTL is how long a request is answerable (DefaultRequestTTL if 0).
	TTL time.Duration
	// PollInterval is how often AwaitPresentationResult looks (100 ms if 0).
	PollInterval time.Duration
}

// RequestKey is a relying party's request-signing key: an assertionMethod of its DID.
type RequestKey struct {
	// Kid is the key's DID URL.
	Kid string
	// Signer signs with it.
	Signer jws.Signer
}

func (c *OpenID4VPConfig) ttl() time.Duration {
	if c.TTL > 0 {
		return c.TTL
	}
	return DefaultRequestTTL
}

// CheckRequestKeys verifies that every configured request-signing key is an
// assertionMethod of its relying party's DID on the ledger now (the view
// must be synced); the verifier refuses to start otherwise.
func (s *Service) CheckRequestKeys(ctx context.Context) error {
	c := s.cfg.OpenID4VP
	if c == nil {
		return nil
	}
	for did, k := range c.Keys {
		if kd, _, _ := strings.Cut(k.Kid, "#"); kd != did {
			return fmt.Errorf("request key %s is not a key of %s", k.Kid, did)
		}
		ks, err := s.cfg.View.AssertionKeys(ctx, did, s.now())
		if err != nil {
			return fmt.Errorf("request key of %s: resolving the DID: %w", did, err)
		}
		found := false
		for _, lk := range ks {
			if lk.ID == k.Kid {
				if lk.Key.Algorithm() != k.Signer.Algorithm() {
					return fmt.Errorf("request key %s: the ledger's key is %s, the configured one %s", k.Kid, lk.Key.Algorithm(), k.Signer.Algorithm())
				}
				// Same key: sign and verify a probe.
				probe := []byte("amanah request key probe")
				sig, err := k.Signer.Sign(ctx, probe)
				if err != nil {
					return fmt.Errorf("request key %s: %w", k.Kid, err)
				}
				if lk.Key.Verify(probe, sig) != nil {
					return fmt.Errorf("request key %s: the configured private key is not the ledger's key %s", k.Kid, k.Kid)
				}
				found = true
			}
		}
		if !found {
			return fmt.Errorf("request key %s is not an assertionMethod of %s on the ledger", k.Kid, did)
		}
	}
	return nil
}

func randomID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// requestedClaims returns the top-level claim names a credential query asks for.
func requestedClaims(cq *dcql.CredentialQuery) []string {
	var out []string
	for _, c := range cq.Claims {
		if name, ok := c.Path[0].(string); ok && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

// CreatePresentationRequest implements verifierpb.VerifierServer.
func (s *Service) CreatePresentationRequest(ctx context.Context, req *verifierpb.CreatePresentationRequestRequest) (*verifierpb.CreatePresentationRequestResponse, error) {
	rpDID, err := party(ctx)
	if err != nil {
		return nil, err
	}
	c := s.cfg.OpenID4VP
	if c == nil {
		return nil, Error(codes.FailedPrecondition, reason.OpenID4VPNotConfigured, "this verifier serves no OpenID4VP endpoint")
	}
	key, ok := c.Keys[rpDID]
	if !ok {
		return nil, Error(codes.FailedPrecondition, reason.RequestKeyNotConfigured, "no request-signing key is configured for %s", rpDID)
	}
	var q *dcql.Query
	switch {
	case req.DcqlQuery != "" && (len(req.VctValues) > 0 || len(req.Claims) > 0):
		return nil, Error(codes.InvalidArgument, reason.RequestInvalid, "give dcql_query or vct_values and claims, not both")
	case req.DcqlQuery != "":
		if q, err = dcql.Parse([]byte(req.DcqlQuery)); err != nil {
			return nil, Error(codes.InvalidArgument, reason.Code(dcql.CodeOf(err)), "dcql_query: %v", err)
		}
	default:
		if len(req.VctValues) == 0 {
			return nil, Error(codes.InvalidArgument, reason.RequestInvalid, "dcql_query or vct_values required")
		}
		if err := checkList("vct_values", req.VctValues, MaxStringLen); err != nil {
			return nil, err
		}
		if err := checkList("claims", req.Claims, MaxStringLen); err != nil {
			return nil, err
		}
		q = dcql.Simple(req.VctValues, req.Claims)
		if err := q.Validate(); err != nil {
			return nil, Error(codes.InvalidArgument, reason.Code(dcql.CodeOf(err)), "%v", err)
		}
	}
	mode := req.ResponseMode
	if mode == "" {
		mode = openid4vp.ModeDirectPostJWT
	}
	if mode != openid4vp.ModeDirectPost && mode != openid4vp.ModeDirectPostJWT {
		return nil, Error(codes.InvalidArgument, reason.RequestInvalid, "response_mode %q: direct_post or direct_post.jwt", mode)
	}
	if req.RedirectUri != "" {
		if len(req.RedirectUri) > MaxRedirectURILen || strings.Contains(req.RedirectUri, "#") || openid4vp.CheckHTTPURL(req.RedirectUri) != nil {
			return nil, Error(codes.InvalidArgument, reason.RequestInvalid, "redirect_uri: an https URL (http on loopback) without fragment, at most %d bytes", MaxRedirectURILen)
		}
	}
	rp, err := s.registeredParty(ctx, rpDID)
	if err != nil {
		return nil, err
	}
	clientID := openid4vp.ClientIDOf(rpDID)
	if !rp.AllowsAudience(clientID) {
		return nil, Error(codes.PermissionDenied, reason.AudienceNotRegistered, "client id %q is not an audience in the registration of %s", clientID, rpDID)
	}
	for i := range q.Credentials {
		cq := &q.Credentials[i]
		for _, vct := range cq.Meta.VCTValues {
			if _, ok := rp.AllowedClaims[vct]; !ok {
				return nil, Error(codes.PermissionDenied, reason.VCTNotRegistered, "credential type %q is not in the registration of %s", vct, rpDID)
			}
			for _, cl := range cq.Claims {
				name, _ := cl.Path[0].(string)
				if !rp.Allows(vct, name) {
					return nil, Error(codes.PermissionDenied, reason.ClaimNotAllowed, "claim %s of %q is not in the registration of %s", cl.Path, vct, rpDID)
				}
			}
		}
	}
	qb, err := json.Marshal(q)
	if err != nil {
		return nil, Error(codes.Internal, reason.Internal, "%v", err)
	}
	ids := make([]string, 3)
	for i := range ids {
		if ids[i], err = randomID(); err != nil {
			return nil, Error(codes.Internal, reason.Internal, "%v", err)
		}
	}
	now := s.now()
	tx := &state.Transaction{ID: ids[0], State: ids[1], Nonce: ids[2], Party: rpDID, ClientID: clientID, Query: qb,
		ResponseMode: mode, RedirectURI: req.RedirectUri, Expires: now.Add(c.ttl()).Truncate(time.Second)}
	ro := &openid4vp.RequestObject{Aud: openid4vp.AudSelfIssued, ClientID: clientID,
		ResponseType: openid4vp.ResponseTypeVPToken, ResponseMode: mode, ResponseURI: c.PublicURL + PathResponse,
		Nonce: tx.Nonce, State: tx.State, DCQLQuery: qb, IssuedAt: now.Unix(), Expires: tx.Expires.Unix(),
		ClientMetadata: &openid4vp.ClientMetadata{VPFormats: openid4vp.VPFormatsSupported()}}
	if mode == openid4vp.ModeDirectPostJWT {
		ek, err := openid4vp.NewEncryptionKey(tx.State)
		if err != nil {
			return nil, Error(codes.Internal, reason.Internal, "%v", err)
		}
		pub, err := ek.PublicJWK()
		if err != nil {
			return nil, Error(codes.Internal, reason.Internal, "%v", err)
		}
		if tx.EncKey, err = ek.MarshalPrivate(); err != nil {
			return nil, Error(codes.Internal, reason.Internal, "%v", err)
		}
		ro.ClientMetadata.JWKS = &openid4vp.JWKS{Keys: []json.RawMessage{pub}}
		ro.ClientMetadata.EncValues = []string{openid4vp.EncA128GCM, openid4vp.EncA256GCM}
	}
	if tx.RequestObject, err = openid4vp.SignRequest(ctx, key.Signer, key.Kid, ro); err != nil {
		return nil, Error(codes.Internal, reason.Internal, "signing the request: %v", err)
	}
	if err := c.Transactions.PutTransaction(ctx, tx); err != nil {
		if errors.Is(err, state.ErrFull) {
			return nil, Error(codes.ResourceExhausted, reason.RateLimited, "%v", err)
		}
		return nil, Error(codes.Unavailable, reason.Internal, "state: %v", err)
	}
	uri := openid4vp.BuildURI(clientID, c.PublicURL+PathRequestObject+tx.State)
	out := &verifierpb.CreatePresentationRequestResponse{TransactionId: tx.ID, RequestUri: uri,
		ExpiresAtUnix: tx.Expires.Unix(), ClientId: clientID, Nonce: tx.Nonce}
	if !req.OmitQr {
		if out.QrPng, err = qrPNG(uri); err != nil {
			return nil, Error(codes.Internal, reason.Internal, "QR code: %v", err)
		}
	}
	return out, nil
}

// presentationResult returns the transaction's state for party.
func (s *Service) presentationResult(ctx context.Context, req *verifierpb.GetPresentationResultRequest) (*verifierpb.GetPresentationResultResponse, error) {
	rpDID, err := party(ctx)
	if err != nil {
		return nil, err
	}
	c := s.cfg.OpenID4VP
	if c == nil {
		return nil, Error(codes.FailedPrecondition, reason.OpenID4VPNotConfigured, "this verifier serves no OpenID4VP endpoint")
	}
	if req.TransactionId == "" || len(req.TransactionId) > MaxNonceLen {
		return nil, Error(codes.InvalidArgument, reason.RequestInvalid, "transaction_id: required, at most %d bytes", MaxNonceLen)
	}
	tx, err := c.Transactions.Transaction(ctx, req.TransactionId)
	if errors.Is(err, state.ErrNotFound) {
		return nil, Error(codes.NotFound, reason.TransactionUnknown, "no transaction %q", req.TransactionId)
	}
	if err != nil {
		return nil, Error(codes.Unavailable, reason.Internal, "state: %v", err)
	}
	if tx.Party != rpDID {
		return nil, Error(codes.PermissionDenied, reason.TransactionOtherRP, "transaction %q belongs to another relying party", req.TransactionId)
	}
	res, err := c.Transactions.Result(ctx, tx.ID)
	if err != nil {
		return nil, Error(codes.Unavailable, reason.Internal, "state: %v", err)
	}
	out := &verifierpb.GetPresentationResultResponse{TransactionId: tx.ID, ExpiresAtUnix: tx.Expires.Unix()}
	if res == nil {
		out.Status = "pending"
		if !s.now().Before(tx.Expires) {
			out.Status = "expired"
		}
		return out, nil
	}
	if tx.RedirectURI != "" && (req.ResponseCode == "" || req.ResponseCode != res.ResponseCode) {
		return nil, Error(codes.PermissionDenied, reason.ResponseCodeInvalid, "the result of a same-device request needs the response_code of the wallet's redirect")
	}
	if err := gogoproto.Unmarshal(res.Verdict, out); err != nil {
		return nil, Error(codes.Internal, reason.Internal, "stored verdict: %v", err)
	}
	out.TransactionId, out.ExpiresAtUnix, out.Status = tx.ID, tx.Expires.Unix(), "complete"
	return out, nil
}

// GetPresentationResult implements verifierpb.VerifierServer.
func (s *Service) GetPresentationResult(ctx context.Context, req *verifierpb.GetPresentationResultRequest) (*verifierpb.GetPresentationResultResponse, error) {
	return s.presentationResult(ctx, req)
}

// AwaitPresentationResult implements verifierpb.VerifierServer: the current
// state at once, then the final one (complete or expired).
func (s *Service) AwaitPresentationResult(req *verifierpb.GetPresentationResultRequest, stream verifierpb.Verifier_AwaitPresentationResultServer) error {
	ctx := stream.Context()
	res, err := s.presentationResult(ctx, req)
	if err != nil {
		return err
	}
	if err := stream.Send(res); err != nil {
		return err
	}
	iv := s.cfg.OpenID4VP.PollInterval
	if iv <= 0 {
		iv = 100 * time.Millisecond
	}
	t := time.NewTicker(iv)
	defer t.Stop()
	for res.Status == "pending" {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		if res, err = s.presentationResult(ctx, req); err != nil {
			return err
		}
	}
	return stream.Send(res)
}

// ResponseError is a refused wallet response: its HTTP status and stable code.
type ResponseError struct {
	Status int
	Code   reason.Code
	Msg    string
}

func (e *ResponseError) Error() string { return string(e.Code) + ": " + e.Msg }

func respErr(status int, c reason.Code, format string, args ...any) *ResponseError {
	return &ResponseError{Status: status, Code: c, Msg: fmt.Sprintf(format, args...)}
}

func oidErr(status int, err error) *ResponseError {
	c := openid4vp.CodeOf(err)
	if c == "" {
		c = openid4vp.CodeResponseMalformed
	}
	return respErr(status, reason.Code(c), "%v", err)
}

// RequestObject returns the signed request object of the request whose
// state is st (the public request_uri endpoint).
func (s *Service) RequestObject(ctx context.Context, st string) (string, *ResponseError) {
	c := s.cfg.OpenID4VP
	if c == nil {
		return "", respErr(404, reason.OpenID4VPNotConfigured, "no OpenID4VP endpoint")
	}
	if st == "" || len(st) > openid4vp.MaxStateLen {
		return "", respErr(404, reason.Code(openid4vp.CodeStateUnknown), "no such request")
	}
	tx, err := c.Transactions.TransactionByState(ctx, st)
	if errors.Is(err, state.ErrNotFound) {
		return "", respErr(404, reason.Code(openid4vp.CodeStateUnknown), "no such request")
	}
	if err != nil {
		return "", respErr(503, reason.Internal, "state: %v", err)
	}
	if !s.now().Before(tx.Expires) {
		return "", respErr(410, reason.Code(openid4vp.CodeTransactionExpired), "the request expired at %s", tx.Expires.UTC().Format(time.RFC3339))
	}
	return tx.RequestObject, nil
}

// ResponseAnswer is what the response endpoint answers a wallet.
type ResponseAnswer struct {
	// RedirectURI is the same-device redirect ("" cross-device).
	RedirectURI string `json:"redirect_uri,omitempty"`
}

// bindingFailure reports a verification failure that shows the presentation
// is not a well-formed, key-bound answer to this request (refused, nothing
// changes), as opposed to a credential the ledger refuses (a verdict).
func bindingFailure(c reason.Check) bool {
	switch c {
	case reason.CheckSignature, reason.CheckKeyBinding, reason.CheckIssuerKey, reason.CheckExpiry:
		return true
	}
	return false
}

// HandleResponse processes a wallet's response (the public response
// endpoint): form is the posted form (direct_post: vp_token and state;
// direct_post.jwt: response). A refused response changes nothing.
func (s *Service) HandleResponse(ctx context.Context, form map[string][]string) (*ResponseAnswer, *ResponseError) {
	start := time.Now()
	c := s.cfg.OpenID4VP
	if c == nil {
		return nil, respErr(404, reason.OpenID4VPNotConfigured, "no OpenID4VP endpoint")
	}
	var tx *state.Transaction
	var resp *openid4vp.Response
	lookup := func(st string) *ResponseError {
		var err error
		tx, err = c.Transactions.TransactionByState(ctx, st)
		if errors.Is(err, state.ErrNotFound) {
			return respErr(400, reason.Code(openid4vp.CodeStateUnknown), "no request with this state")
		}
		if err != nil {
			return respErr(503, reason.Internal, "state: %v", err)
		}
		return nil
	}
	if enc, ok := form["response"]; ok {
		if len(enc) != 1 || len(form) != 1 {
			return nil, respErr(400, reason.Code(openid4vp.CodeResponseMalformed), "an encrypted response is one parameter, response")
		}
		jwe, err := openid4vp.ParseResponseJWE(enc[0])
		if err != nil {
			return nil, oidErr(400, err)
		}
		kid := jwe.KeyID()
		if len(kid) > openid4vp.MaxStateLen {
			return nil, respErr(400, reason.Code(openid4vp.CodeStateUnknown), "no request with this key")
		}
		if re := lookup(kid); re != nil {
			return nil, re
		}
		if tx.ResponseMode != openid4vp.ModeDirectPostJWT || len(tx.EncKey) == 0 {
			return nil, respErr(400, reason.Code(openid4vp.CodeResponseMalformed), "the request asked for %s, not an encrypted response", tx.ResponseMode)
		}
		ek, err := openid4vp.ParseEncryptionKey(tx.State, tx.EncKey)
		if err != nil {
			return nil, respErr(500, reason.Internal, "stored key: %v", err)
		}
		if resp, err = jwe.Decrypt(ek); err != nil {
			return nil, oidErr(400, err)
		}
		if resp.State != tx.State {
			return nil, respErr(400, reason.Code(openid4vp.CodeStateUnknown), "the response's state is not its request's")
		}
	} else {
		var err error
		if resp, err = openid4vp.ParseDirectPost(form); err != nil {
			return nil, oidErr(400, err)
		}
		if re := lookup(resp.State); re != nil {
			return nil, re
		}
		if tx.ResponseMode == openid4vp.ModeDirectPostJWT {
			return nil, respErr(400, reason.Code(openid4vp.CodeResponseNotEncrypted), "the request asked for an encrypted response (direct_post.jwt)")
		}
	}
	if !s.now().Before(tx.Expires) {
		return nil, respErr(400, reason.Code(openid4vp.CodeTransactionExpired), "the request expired at %s", tx.Expires.UTC().Format(time.RFC3339))
	}
	if r, err := c.Transactions.Result(ctx, tx.ID); err != nil {
		return nil, respErr(503, reason.Internal, "state: %v", err)
	} else if r != nil {
		return nil, respErr(400, reason.Code(openid4vp.CodeResponseReplayed), "the request was already answered")
	}
	q, err := dcql.Parse(tx.Query)
	if err != nil {
		return nil, respErr(500, reason.Internal, "stored query: %v", err)
	}
	if err := s.cfg.View.Fresh(); err != nil {
		return nil, respErr(503, reason.StatusUnknown, "%v", err)
	}
	out := &verifierpb.GetPresentationResultResponse{Status: "complete"}
	met := map[string]bool{}
	ids := make([]string, 0, len(resp.VPToken))
	for id := range resp.VPToken {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		cq := q.Credential(id)
		if cq == nil {
			return nil, respErr(400, reason.Code(openid4vp.CodeVPTokenInvalid), "vp_token: no credential query %q", id)
		}
		pres := resp.VPToken[id]
		if len(pres) > 1 && !cq.Multiple {
			return nil, respErr(400, reason.Code(openid4vp.CodeVPTokenInvalid), "vp_token[%q]: %d presentations for a query without multiple", id, len(pres))
		}
		ch := challenge.Challenge{Nonce: tx.Nonce, Party: tx.Party, Audience: tx.ClientID, Types: cq.Meta.VCTValues,
			Claims: requestedClaims(cq), Expires: tx.Expires}
		allMet := true
		for _, p := range pres {
			if len(p) > s.cfg.Options.MaxSize {
				return nil, respErr(400, reason.RequestTooLarge, "vp_token[%q]: presentation of %d bytes (max %d)", id, len(p), s.cfg.Options.MaxSize)
			}
			sum := presentationSHA256(p)
			v := &verdict{resp: &verifierpb.VerifyPresentationResponse{PresentationSha256: fmt.Sprintf("%x", sum[:])}}
			v.add(reason.CheckChallenge, "")
			res := s.check(ctx, tx.Party, ch, p, nil, false, v)
			vr := v.resp
			if res == nil {
				// Not a well-formed, key-bound answer to this request.
				failed := reason.Check("")
				for _, cr := range vr.Checks {
					if !cr.Ok {
						failed = reason.Check(cr.Check)
						break
					}
				}
				if bindingFailure(failed) || failed == "" {
					return nil, respErr(400, reason.Code(vr.Reason), "vp_token[%q]: %s", id, vr.Reason)
				}
			}
			if res != nil {
				if _, ok := cq.Match(dcql.Credential{VCT: res.VCT, Claims: res.Claims}); !ok {
					allMet = false
				}
			}
			vr.Verified = vr.Reason == ""
			if !vr.Verified {
				vr.DisclosedClaims = nil
			}
			if vr.LedgerHeight == 0 {
				vr.LedgerHeight = s.cfg.View.Sync().Height
			}
			out.Credentials = append(out.Credentials, &verifierpb.CredentialVerdict{CredentialQueryId: id, Verdict: vr})
		}
		met[id] = allMet
	}
	if !q.Satisfied(met) {
		return nil, respErr(400, reason.Code(dcql.CodeUnmet), "the presented credentials do not satisfy the DCQL query")
	}
	out.Verified = true
	for _, cv := range out.Credentials {
		if !cv.Verdict.Verified {
			out.Verified = false
			out.Reason = cv.Verdict.Reason
			break
		}
	}
	b, err := gogoproto.Marshal(out)
	if err != nil {
		return nil, respErr(500, reason.Internal, "%v", err)
	}
	result := &state.Result{Verdict: b}
	ans := &ResponseAnswer{}
	if tx.RedirectURI != "" {
		if result.ResponseCode, err = randomID(); err != nil {
			return nil, respErr(500, reason.Internal, "%v", err)
		}
		ans.RedirectURI = tx.RedirectURI + "#response_code=" + result.ResponseCode
	}
	if err := c.Transactions.Complete(ctx, tx.ID, result); err != nil {
		if errors.Is(err, state.ErrCompleted) {
			return nil, respErr(400, reason.Code(openid4vp.CodeResponseReplayed), "the request was already answered")
		}
		return nil, respErr(503, reason.Internal, "state: %v", err)
	}
	for _, cv := range out.Credentials {
		vr := cv.Verdict
		if s.cfg.Recorder != nil {
			s.cfg.Recorder.Verification(vr.Verified, vr.Reason)
		}
		s.cfg.Audit.Log(ctx, audit.Record{Client: tx.Party, Method: "OpenID4VP", VCT: vr.Vct, Issuer: vr.Issuer,
			Verified: vr.Verified, Reason: vr.Reason, Height: vr.LedgerHeight, PresentationSHA256: vr.PresentationSha256,
			Disclosed: len(vr.DisclosedClaims), Duration: time.Since(start)})
	}
	return ans, nil
}
