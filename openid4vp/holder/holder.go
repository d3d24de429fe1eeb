// Package holder is the wallet's side of OpenID4VP 1.0: given an
// openid4vp:// request URI it fetches the request object, verifies it
// against the relying party's DID (through a Ledger), checks that the
// relying party's x/trust registration allows every claim asked (refusing
// any other, and saying which), chooses a credential per DCQL credential
// query (ChooseCredential), asks the citizen's consent with exactly what
// will leave the wallet, presents only that, and posts the response
// (encrypted for direct_post.jwt). The command `amanah wallet present
// <openid4vp-uri>` and tests call Present.
package holder

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/credential/sdjwt"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/openid4vp"
	"github.com/amanah-id/amanah/openid4vp/dcql"
)

// Codes the holder adds to those of openid4vp and dcql.
const (
	// CodeClientNotRegistered: the client's DID is not a registered relying party.
	CodeClientNotRegistered openid4vp.Code = "client_not_registered"
	// CodeOverAsking: the request asks for a claim (or type) the registration does not allow.
	CodeOverAsking openid4vp.Code = "claim_not_allowed_by_registration"
	// CodeAudienceNotRegistered: the client id is not an audience of the registration.
	CodeAudienceNotRegistered openid4vp.Code = "client_id_not_registered"
	// CodeNoCredential: no credential in the wallet meets the query.
	CodeNoCredential openid4vp.Code = "no_matching_credential"
	// CodeConsentRefused: the citizen said no.
	CodeConsentRefused openid4vp.Code = "consent_refused"
	// CodeResponseRefused: the verifier refused the response.
	CodeResponseRefused openid4vp.Code = "response_refused"
	// CodeLedger: the ledger could not be read.
	CodeLedger openid4vp.Code = "ledger_unavailable"
)

// ErrNotFound is what a Ledger wraps for a DID, key or registration that does not exist.
var ErrNotFound = errors.New("not found on the ledger")

// RelyingParty is a relying party's x/trust registration.
type RelyingParty struct {
	DID, Name     string
	AllowedClaims map[string][]string
	Audiences     []string
}

// Allows reports whether the registration allows claim of vct.
func (rp *RelyingParty) Allows(vct, claim string) bool {
	return slices.Contains(rp.AllowedClaims[vct], claim)
}

// Ledger is what the wallet reads from the ledger (through a node, proof-checked).
type Ledger interface {
	// AssertionKey returns key kid if it is an assertionMethod of did now
	// (an error wrapping ErrNotFound if not).
	AssertionKey(ctx context.Context, did, kid string) (keys.PublicKey, error)
	// RelyingParty returns did's registration (an error wrapping ErrNotFound if none).
	RelyingParty(ctx context.Context, did string) (*RelyingParty, error)
}

// Credential is a stored SD-JWT VC (issuance form).
type Credential struct {
	Name  string
	SDJWT string
	// Key is the credential's own holder key (each credential of a batch has its own); nil:
	// Options.Holder.
	Key *keys.PrivateKey
	// Batch names the batch it came in ("": a single credential) and ShownTo the relying
	// parties (DIDs) it was already presented to: ChooseCredential prefers a credential of a
	// batch nobody has seen, then one this relying party has not seen, and never shows a batch
	// credential twice to one relying party.
	Batch   string
	ShownTo []string
}

// Candidate is a credential the wallet could present.
type Candidate struct {
	// Index is its position in Options.Credentials.
	Index int
	Name  string
	VCT   string
	// Issuer is iss.
	Issuer string
	// Claims are every claim it can disclose (for matching).
	Claims  map[string]any
	Batch   string
	ShownTo []string
	sd      *sdjwt.SDJWT
	key     keys.PrivateKey
}

// Disclosure is what leaves the wallet for one credential query.
type Disclosure struct {
	QueryID    string
	Credential string
	VCT        string
	Issuer     string
	// Claims are the claim paths disclosed (dotted).
	Claims []string
	cand   *Candidate
}

// Plan is what the wallet will do, shown to the citizen for consent.
type Plan struct {
	ClientID         string
	RelyingPartyDID  string
	RelyingPartyName string
	ResponseURI      string
	ResponseMode     string
	Expires          time.Time
	Disclosures      []Disclosure
	req              *openid4vp.Verified
}

// Summary renders the plan for people.
func (p *Plan) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s) asks for:\n", p.RelyingPartyName, p.RelyingPartyDID)
	for _, d := range p.Disclosures {
		claims := strings.Join(d.Claims, ", ")
		if claims == "" {
			claims = "(no personal claim: only that you hold the credential)"
		}
		fmt.Fprintf(&b, "  from %s (%s): %s\n", d.Credential, d.VCT, claims)
	}
	fmt.Fprintf(&b, "The answer goes to %s.\n", p.ResponseURI)
	return b.String()
}

// Options configure Present.
type Options struct {
	// Ledger verifies the request's signer and reads the registration; required.
	Ledger Ledger
	// Credentials are the wallet's credentials.
	Credentials []Credential
	// Holder signs the key-binding JWTs; its public key must be each credential's cnf.
	Holder keys.PrivateKey
	// Consent is asked with the plan; false refuses (required: pass one that
	// returns true for scripts, as --yes does).
	Consent func(*Plan) (bool, error)
	// HTTP is the client (http.DefaultClient if nil).
	HTTP *http.Client
	// Now is the clock (time.Now if nil).
	Now func() time.Time
}

// Outcome is a presentation made.
type Outcome struct {
	Plan *Plan
	// RedirectURI is where the verifier sends the citizen (same-device), "" if none.
	RedirectURI string
}

// Present runs the whole flow for the request URI uri.
func Present(ctx context.Context, uri string, o Options) (*Outcome, error) {
	plan, err := Prepare(ctx, uri, o)
	if err != nil {
		return nil, err
	}
	if o.Consent == nil {
		return nil, openid4vp.Errorf(CodeConsentRefused, "no consent asked")
	}
	ok, err := o.Consent(plan)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, openid4vp.Errorf(CodeConsentRefused, "you did not consent; nothing was sent")
	}
	redirect, err := Send(ctx, plan, o)
	if err != nil {
		return nil, err
	}
	return &Outcome{Plan: plan, RedirectURI: redirect}, nil
}

func (o *Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

func (o *Options) client() *http.Client {
	if o.HTTP != nil {
		return o.HTTP
	}
	return http.DefaultClient
}

// Prepare fetches and verifies the request, checks the registration and
// chooses what to disclose; nothing is sent.
func Prepare(ctx context.Context, uri string, o Options) (*Plan, error) {
	clientID, requestURI, err := openid4vp.ParseURI(uri)
	if err != nil {
		return nil, err
	}
	jar, err := fetch(ctx, o.client(), requestURI)
	if err != nil {
		return nil, err
	}
	resolve := func(ctx context.Context, did, kid string) (keys.PublicKey, error) {
		return o.Ledger.AssertionKey(ctx, did, kid)
	}
	v, err := openid4vp.VerifyRequest(ctx, jar, clientID, resolve, o.now())
	if err != nil {
		return nil, err
	}
	rp, err := o.Ledger.RelyingParty(ctx, v.DID)
	if errors.Is(err, ErrNotFound) {
		return nil, openid4vp.Errorf(CodeClientNotRegistered, "%s is not a registered relying party; refusing", v.DID)
	}
	if err != nil {
		return nil, openid4vp.Errorf(CodeLedger, "%v", err)
	}
	if !slices.Contains(rp.Audiences, clientID) {
		return nil, openid4vp.Errorf(CodeAudienceNotRegistered, "%s (%s) did not register the client id %s; refusing", rp.Name, v.DID, clientID)
	}
	if err := checkRegistration(v.Query, rp); err != nil {
		return nil, err
	}
	cands := candidates(o.Credentials, o.Holder, o.now())
	chosen := map[string]*Candidate{}
	claimsOf := map[string][]dcql.Claim{}
	can := map[string]bool{}
	for i := range v.Query.Credentials {
		cq := &v.Query.Credentials[i]
		c, claims := ChooseCredential(cq, cands, v.DID)
		if c != nil {
			chosen[cq.ID], claimsOf[cq.ID], can[cq.ID] = c, claims, true
		}
	}
	ids, err := v.Query.Wanted(can)
	if err != nil {
		return nil, openid4vp.Errorf(CodeNoCredential, "no credential in the wallet meets the request: %v", err)
	}
	plan := &Plan{ClientID: clientID, RelyingPartyDID: v.DID, RelyingPartyName: rp.Name, ResponseURI: v.Object.ResponseURI,
		ResponseMode: v.Object.ResponseMode, Expires: time.Unix(v.Object.Expires, 0), req: v}
	for _, id := range ids {
		c := chosen[id]
		d := Disclosure{QueryID: id, Credential: c.Name, VCT: c.VCT, Issuer: c.Issuer, cand: c}
		for _, cl := range claimsOf[id] {
			name, ok := cl.Path.Names()
			if !ok {
				return nil, openid4vp.Errorf(openid4vp.Code(dcql.CodeUnsupported), "claim path %s: the wallet discloses object members only", cl.Path)
			}
			if !slices.Contains(d.Claims, name) {
				d.Claims = append(d.Claims, name)
			}
		}
		plan.Disclosures = append(plan.Disclosures, d)
	}
	return plan, nil
}

// checkRegistration refuses a query asking for a type or claim the
// registration does not allow, naming every one.
func checkRegistration(q *dcql.Query, rp *RelyingParty) error {
	var over []string
	for _, cq := range q.Credentials {
		for _, vct := range cq.Meta.VCTValues {
			if _, ok := rp.AllowedClaims[vct]; !ok {
				over = append(over, fmt.Sprintf("credential type %s", vct))
				continue
			}
			for _, cl := range cq.Claims {
				name, _ := cl.Path[0].(string)
				if !rp.Allows(vct, name) {
					over = append(over, fmt.Sprintf("%s of %s", cl.Path, vct))
				}
			}
		}
	}
	if len(over) > 0 {
		return openid4vp.Errorf(CodeOverAsking, "%s (%s) asks for what its registration does not allow: %s; refusing",
			rp.Name, rp.DID, strings.Join(over, ", "))
	}
	return nil
}

// ChooseCredential picks the credential to answer credential query cq for
// the relying party rpDID, and the claims to disclose. It is the one place the
// choice is made. Among the candidates the query matches (in wallet order) it
// takes, so that two relying parties never see the same credential while a
// fresh one is left: a batch credential shown to nobody; else a batch
// credential not yet shown to rpDID; else a single credential (not from a
// batch). A batch credential already shown to rpDID is never chosen: when
// that is all that is left, the batch is used up and a refill is due.
func ChooseCredential(cq *dcql.CredentialQuery, cands []*Candidate, rpDID string) (*Candidate, []dcql.Claim) {
	var best *Candidate
	var bestClaims []dcql.Claim
	rank := func(c *Candidate) int {
		switch {
		case c.Batch == "":
			return 2
		case len(c.ShownTo) == 0:
			return 0
		case !slices.Contains(c.ShownTo, rpDID):
			return 1
		}
		return -1 // shown to this relying party: never again
	}
	for _, c := range cands {
		r := rank(c)
		if r < 0 || (best != nil && r >= rank(best)) {
			continue
		}
		if claims, ok := cq.Match(dcql.Credential{VCT: c.VCT, Claims: c.Claims}); ok {
			best, bestClaims = c, claims
		}
	}
	return best, bestClaims
}

// candidates returns the usable credentials: SD-JWT VCs bound to their holder
// key (the credential's own, else holder), not expired.
func candidates(creds []Credential, holder keys.PrivateKey, now time.Time) []*Candidate {
	var out []*Candidate
	for i, c := range creds {
		sd, err := sdjwt.Parse(c.SDJWT)
		if err != nil {
			continue
		}
		vct, _ := sd.Payload["vct"].(string)
		iss, _ := sd.Payload["iss"].(string)
		if vct == "" {
			continue
		}
		if exp, ok, err := sdjwt.NumericDate(sd.Payload, "exp"); err != nil || (ok && !now.Before(exp)) {
			continue
		}
		key := holder
		if c.Key != nil {
			key = *c.Key
		}
		cnf, _ := sd.Payload["cnf"].(map[string]any)
		jwk, _ := json.Marshal(cnf["jwk"])
		if hk, err := keys.ParsePublicJWK(jwk); err != nil || !hk.Equal(key.Public()) {
			continue
		}
		out = append(out, &Candidate{Index: i, Name: c.Name, VCT: vct, Issuer: iss, Claims: sd.Expanded(), Batch: c.Batch,
			ShownTo: c.ShownTo, sd: sd, key: key})
	}
	return out
}

// Send presents the plan's disclosures and posts the response; it returns
// the redirect the verifier answers ("" if none).
func Send(ctx context.Context, plan *Plan, o Options) (string, error) {
	ro := plan.req.Object
	resp := &openid4vp.Response{VPToken: map[string][]string{}, State: ro.State}
	for _, d := range plan.Disclosures {
		p, err := d.cand.sd.Present(ctx, d.Claims, &sdjwt.KeyBinding{Signer: jws.NewKeySigner(d.cand.key), Nonce: ro.Nonce, Audience: ro.ClientID})
		if err != nil {
			return "", fmt.Errorf("presenting %s: %w", d.Credential, err)
		}
		resp.VPToken[d.QueryID] = []string{p}
	}
	var form url.Values
	if ro.ResponseMode == openid4vp.ModeDirectPostJWT {
		jwe, err := ro.Encrypt(resp)
		if err != nil {
			return "", err
		}
		form = url.Values{"response": {jwe}}
	} else {
		var err error
		if form, err = resp.Form(); err != nil {
			return "", err
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ro.ResponseURI, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	hr, err := o.client().Do(req)
	if err != nil {
		return "", openid4vp.Errorf(CodeResponseRefused, "posting the response: %v", err)
	}
	defer hr.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(hr.Body, 64<<10))
	var ans struct {
		RedirectURI string `json:"redirect_uri"`
		Reason      string `json:"reason"`
		Description string `json:"error_description"`
	}
	_ = json.Unmarshal(body, &ans)
	if hr.StatusCode != http.StatusOK {
		if ans.Description == "" {
			ans.Description = strings.TrimSpace(string(body))
		}
		return "", &openid4vp.Error{Code: CodeResponseRefused, Msg: fmt.Sprintf("the verifier refused the response (HTTP %d): %s", hr.StatusCode, ans.Description)}
	}
	return ans.RedirectURI, nil
}

func fetch(ctx context.Context, c *http.Client, uri string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, uri, nil)
	if err != nil {
		return "", openid4vp.Errorf(openid4vp.CodeRequestURIInvalid, "%v", err)
	}
	req.Header.Set("Accept", openid4vp.ContentTypeRequest)
	hr, err := c.Do(req)
	if err != nil {
		return "", openid4vp.Errorf(openid4vp.CodeRequestFetchFailed, "fetching %s: %v", uri, err)
	}
	defer hr.Body.Close()
	body, err := io.ReadAll(io.LimitReader(hr.Body, openid4vp.MaxRequestObjectLen+1))
	if err != nil {
		return "", openid4vp.Errorf(openid4vp.CodeRequestFetchFailed, "fetching %s: %v", uri, err)
	}
	if hr.StatusCode != http.StatusOK {
		var e struct {
			Description string `json:"error_description"`
			Reason      string `json:"reason"`
		}
		_ = json.Unmarshal(body, &e)
		if e.Reason == string(openid4vp.CodeTransactionExpired) {
			return "", openid4vp.Errorf(openid4vp.CodeRequestExpired, "the request expired (%s)", e.Description)
		}
		return "", openid4vp.Errorf(openid4vp.CodeRequestFetchFailed, "fetching %s: HTTP %d %s", uri, hr.StatusCode, e.Description)
	}
	if len(body) > openid4vp.MaxRequestObjectLen {
		return "", openid4vp.Errorf(openid4vp.CodeRequestObjectMalformed, "request object over %d bytes", openid4vp.MaxRequestObjectLen)
	}
	return string(bytes.TrimSpace(body)), nil
}
