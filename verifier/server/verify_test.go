package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/credential/sdjwt"
	"github.com/amanah-id/amanah/credential/sdjwtvc"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/verifier/ledger/ledgertest"
	"github.com/amanah-id/amanah/verifier/reason"
	"github.com/amanah-id/amanah/verifier/service"
	"github.com/amanah-id/amanah/verifier/verifierpb"
	"github.com/amanah-id/amanah/verifier/verifiertest"
)

func TestVerifyPresentationOK(t *testing.T) {
	h := newHarness(t, options{})
	ch := h.challenge(nil, "given_name", "age_over_18")
	// The wallet discloses more than asked (address is not in bank-one's registration).
	pres := h.present(h.holder(7), ch.Nonce, "given_name", "age_over_18", "address", "family_name")
	resp := h.verify(rp(), pres, ch.Nonce, &verifierpb.Policy{RequiredClaims: []string{"age_over_18"}})
	if !resp.Verified || resp.Reason != "" {
		t.Fatalf("not verified: %s %v", resp.Reason, resp.Checks)
	}
	want := map[string]string{"given_name": `"Aminah"`, "age_over_18": "true"}
	if len(resp.DisclosedClaims) != len(want) {
		t.Fatalf("disclosed %v, want %v", resp.DisclosedClaims, want)
	}
	for k, v := range want {
		if resp.DisclosedClaims[k] != v {
			t.Errorf("claim %s = %q, want %q", k, resp.DisclosedClaims[k], v)
		}
	}
	if resp.Issuer != h.env.IssuerDID || resp.Vct != verifiertest.VCT || resp.LedgerHeight != h.env.Chain.Height() {
		t.Errorf("issuer %s vct %s height %d", resp.Issuer, resp.Vct, resp.LedgerHeight)
	}
	if sum := sha256.Sum256([]byte(pres)); resp.IssuedAtUnix == 0 || resp.ExpiresAtUnix <= resp.IssuedAtUnix ||
		resp.PresentationSha256 != hex.EncodeToString(sum[:]) {
		t.Errorf("times %d %d sha %q", resp.IssuedAtUnix, resp.ExpiresAtUnix, resp.PresentationSha256)
	}
	var names []string
	for _, c := range resp.Checks {
		if !c.Ok {
			t.Errorf("check %s failed: %s", c.Check, c.Reason)
		}
		names = append(names, c.Check)
	}
	if got := strings.Join(names, ","); got != "challenge,signature,issuer_key,key_binding,expiry,schema,accreditation,status,policy" {
		t.Errorf("checks %s", got)
	}
	// The same presentation again: the nonce is spent.
	if r := h.verify(rp(), pres, ch.Nonce, nil); r.Verified || r.Reason != string(reason.NonceReplayed) {
		t.Errorf("replay: verified=%v reason=%s", r.Verified, r.Reason)
	}
}

func TestVerifyES256(t *testing.T) {
	h := newHarness(t, options{})
	hd, err := h.env.Issue(verifiertest.VCT, 3, keys.P256)
	if err != nil {
		t.Fatal(err)
	}
	ch := h.challenge(nil)
	if r := h.verify(rp(), h.present(hd, ch.Nonce, "given_name"), ch.Nonce, nil); !r.Verified {
		t.Fatalf("ES256 holder: %s", r.Reason)
	}
}

// TestVerifyReasons runs one refusal per reason code with verified=false.
func TestVerifyReasons(t *testing.T) {
	type tc struct {
		name   string
		reason string
		check  string
		// run returns the response; it may set up ledger state first.
		run func(t *testing.T, h *harness) *verifierpb.VerifyPresentationResponse
	}
	simple := func(h *harness, idx uint64, pol *verifierpb.Policy, types []string, paths ...string) *verifierpb.VerifyPresentationResponse {
		ch := h.challenge(types)
		return h.verify(rp(), h.present(h.holder(idx), ch.Nonce, paths...), ch.Nonce, pol)
	}
	issueWith := func(h *harness, is *sdjwtvc.Issuer, edit func(*sdjwtvc.Credential)) *verifierpb.VerifyPresentationResponse {
		hd, err := h.env.IssueWith(is, keys.Ed25519, edit)
		if err != nil {
			h.t.Fatal(err)
		}
		ch := h.challenge(nil)
		return h.verify(rp(), h.present(hd, ch.Nonce, "given_name"), ch.Nonce, nil)
	}
	cases := []tc{
		{"nonce unknown", string(reason.NonceUnknown), "challenge", func(t *testing.T, h *harness) *verifierpb.VerifyPresentationResponse {
			return h.verify(rp(), h.present(h.holder(1), "nonce-never-issued"), "nonce-never-issued", nil)
		}},
		{"challenge expired", string(reason.ChallengeExpired), "challenge", func(t *testing.T, h *harness) *verifierpb.VerifyPresentationResponse {
			ch := h.challenge(nil)
			pres := h.present(h.holder(1), ch.Nonce)
			h.clock.Advance(6 * time.Minute)
			h.commit() // keep the ledger view fresh on the advanced clock
			return h.verify(rp(), pres, ch.Nonce, nil)
		}},
		{"challenge of another relying party", string(reason.ChallengeOtherRP), "challenge", func(t *testing.T, h *harness) *verifierpb.VerifyPresentationResponse {
			other, err := h.client.CreateChallenge(ctxKey(verifiertest.OtherKey), &verifierpb.CreateChallengeRequest{
				Audience: verifiertest.OtherAudience, CredentialTypes: []string{verifiertest.VCT}})
			if err != nil {
				t.Fatal(err)
			}
			return h.verify(rp(), h.present(h.holder(1), other.Nonce), other.Nonce, nil)
		}},
		{"vct not accepted by policy", string(reason.VCTNotAccepted), "policy", func(t *testing.T, h *harness) *verifierpb.VerifyPresentationResponse {
			return simple(h, 1, &verifierpb.Policy{AcceptedVcts: []string{verifiertest.OtherVCT}}, []string{verifiertest.VCT, verifiertest.OtherVCT}, "given_name")
		}},
		{"vct not in challenge", string(reason.VCTNotAccepted), "policy", func(t *testing.T, h *harness) *verifierpb.VerifyPresentationResponse {
			return simple(h, 1, nil, []string{verifiertest.OtherVCT}, "given_name")
		}},
		{"required claim not disclosed", string(reason.RequiredClaimMiss), "policy", func(t *testing.T, h *harness) *verifierpb.VerifyPresentationResponse {
			return simple(h, 1, &verifierpb.Policy{RequiredClaims: []string{"family_name"}}, nil, "given_name")
		}},
		{"required claim outside registration", string(reason.ClaimNotAllowed), "policy", func(t *testing.T, h *harness) *verifierpb.VerifyPresentationResponse {
			return simple(h, 1, &verifierpb.Policy{RequiredClaims: []string{"birthdate"}}, nil, "birthdate")
		}},
		{"revoked", string(reason.Revoked), "status", func(t *testing.T, h *harness) *verifierpb.VerifyPresentationResponse {
			ch := h.challenge(nil)
			pres := h.present(h.holder(42), ch.Nonce, "given_name")
			if err := h.env.Chain.SetStatus(verifiertest.ListURI, 42, 1); err != nil {
				t.Fatal(err)
			}
			h.commit()
			return h.verify(rp(), pres, ch.Nonce, nil)
		}},
		{"suspended", string(reason.Suspended), "status", func(t *testing.T, h *harness) *verifierpb.VerifyPresentationResponse {
			if err := h.env.Chain.SetStatus(verifiertest.ListURI, 43, 2); err != nil {
				t.Fatal(err)
			}
			h.commit()
			return simple(h, 43, nil, nil, "given_name")
		}},
		{"status value 3", string(reason.StatusInvalid), "status", func(t *testing.T, h *harness) *verifierpb.VerifyPresentationResponse {
			if err := h.env.Chain.SetStatus(verifiertest.ListURI, 44, 3); err != nil {
				t.Fatal(err)
			}
			h.commit()
			return simple(h, 44, nil, nil)
		}},
		{"status index beyond list", string(reason.StatusInvalid), "status", func(t *testing.T, h *harness) *verifierpb.VerifyPresentationResponse {
			return simple(h, verifiertest.ListSize+5, nil, nil)
		}},
		{"status list unknown", string(reason.StatusInvalid), "status", func(t *testing.T, h *harness) *verifierpb.VerifyPresentationResponse {
			return issueWith(h, h.env.Issuer, func(c *sdjwtvc.Credential) { c.Status.URI = "https://status.amanah.example/lists/404" })
		}},
		{"status node unreachable", string(reason.StatusUnknown), "status", func(t *testing.T, h *harness) *verifierpb.VerifyPresentationResponse {
			h.warm()
			ch := h.challenge(nil)
			pres := h.present(h.holder(100_000), ch.Nonce) // a page not cached yet
			h.env.Node.SetDown(true)
			return h.verify(rp(), pres, ch.Nonce, nil)
		}},
		{"status older than policy", string(reason.StatusStale), "status", func(t *testing.T, h *harness) *verifierpb.VerifyPresentationResponse {
			ch := h.challenge(nil)
			pres := h.present(h.holder(1), ch.Nonce)
			h.clock.Advance(3 * time.Second)
			return h.verify(rp(), pres, ch.Nonce, &verifierpb.Policy{MaxStatusAgeSeconds: 1})
		}},
		{"no status reference", string(reason.SchemaInvalid), "schema", func(t *testing.T, h *harness) *verifierpb.VerifyPresentationResponse {
			return issueWith(h, h.env.Issuer, func(c *sdjwtvc.Credential) { c.Status = nil })
		}},
		{"unaccredited issuer", string(reason.IssuerNotAccredited), "accreditation", func(t *testing.T, h *harness) *verifierpb.VerifyPresentationResponse {
			h.env.Chain.RevokeAccreditations(h.env.IssuerDID, verifiertest.VCT, h.clock.Now().Add(-time.Minute))
			h.commit()
			return simple(h, 1, nil, nil)
		}},
		{"accreditation unknown", string(reason.AccreditationUnknown), "accreditation", func(t *testing.T, h *harness) *verifierpb.VerifyPresentationResponse {
			h.warm()
			ch := h.challenge(nil)
			pres := h.present(h.holder(1), ch.Nonce)
			h.env.Chain.Accredit(h.env.IssuerDID, "https://amanah.example/vct/other", ledgerWindow()) // a change to the issuer's accreditations drops them from the cache
			h.commit()
			if _, err := h.cache.CredentialSchema(context.Background(), verifiertest.VCT); err != nil { // the schema is read again in time
				t.Fatal(err)
			}
			h.env.Node.SetDown(true)
			return h.verify(rp(), pres, ch.Nonce, nil)
		}},
		{"unknown kid", string(sdjwt.ReasonUnknownKid), "issuer_key", func(t *testing.T, h *harness) *verifierpb.VerifyPresentationResponse {
			is := *h.env.Issuer
			is.KeyID = h.env.IssuerDID + "#key-9"
			return issueWith(h, &is, nil)
		}},
		{"kid not assertionMethod", string(sdjwt.ReasonKidNotAssertionMethod), "issuer_key", func(t *testing.T, h *harness) *verifierpb.VerifyPresentationResponse {
			is := *h.env.Issuer
			is.KeyID, is.Signer = h.env.IssuerDID+verifiertest.OtherFrag, jws.NewKeySigner(h.env.AuthKey)
			return issueWith(h, &is, nil)
		}},
		{"kid of another DID", string(sdjwt.ReasonKidMismatch), "issuer_key", func(t *testing.T, h *harness) *verifierpb.VerifyPresentationResponse {
			is := *h.env.Issuer
			is.KeyID = "did:amanah:testnet:someone-else#key-1"
			return issueWith(h, &is, nil)
		}},
		{"issuer signature", string(sdjwt.ReasonSignatureInvalid), "signature", func(t *testing.T, h *harness) *verifierpb.VerifyPresentationResponse {
			ch := h.challenge(nil)
			hd := h.holder(1)
			jwt := hd.SDJWT.IssuerJWT
			i := strings.LastIndexByte(jwt, '.') + 5
			b := []byte(jwt)
			if b[i] == 'A' { // changes one base64url character inside the signature
				b[i] = 'B'
			} else {
				b[i] = 'A'
			}
			hd2, err := sdjwt.Parse(string(b) + "~")
			if err != nil {
				t.Fatal(err)
			}
			hd.SDJWT = hd2
			return h.verify(rp(), h.present(hd, ch.Nonce), ch.Nonce, nil)
		}},
		{"nonce mismatch in KB-JWT", string(sdjwt.ReasonNonceMismatch), "key_binding", func(t *testing.T, h *harness) *verifierpb.VerifyPresentationResponse {
			ch := h.challenge(nil)
			return h.verify(rp(), h.present(h.holder(1), "another-nonce"), ch.Nonce, nil)
		}},
		{"audience mismatch", string(sdjwt.ReasonAudMismatch), "key_binding", func(t *testing.T, h *harness) *verifierpb.VerifyPresentationResponse {
			ch := h.challenge(nil)
			p, err := h.holder(1).Present(ch.Nonce, "https://evil.example")
			if err != nil {
				t.Fatal(err)
			}
			return h.verify(rp(), p, ch.Nonce, nil)
		}},
		{"no key binding", string(sdjwt.ReasonKBMissing), "key_binding", func(t *testing.T, h *harness) *verifierpb.VerifyPresentationResponse {
			ch := h.challenge(nil)
			p, err := h.holder(1).SDJWT.Present(context.Background(), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			return h.verify(rp(), p, ch.Nonce, nil)
		}},
		{"expired credential", string(sdjwt.ReasonExpired), "expiry", func(t *testing.T, h *harness) *verifierpb.VerifyPresentationResponse {
			return issueWith(h, h.env.Issuer, func(c *sdjwtvc.Credential) { c.Expires = time.Now().Add(-time.Hour) })
		}},
		{"malformed KB-JWT", string(sdjwt.ReasonKBInvalid), "key_binding", func(t *testing.T, h *harness) *verifierpb.VerifyPresentationResponse {
			ch := h.challenge(nil)
			return h.verify(rp(), "not-a-jwt~e30.e30.AA", ch.Nonce, nil)
		}},
		{"malformed presentation", string(sdjwt.ReasonMalformed), "signature", func(t *testing.T, h *harness) *verifierpb.VerifyPresentationResponse {
			ch := h.challenge(nil)
			hd := h.holder(1)
			// A well-formed KB-JWT over an issuer part that is no JWS.
			p, err := sdjwt.Assemble(context.Background(), "not-a-jwt", nil,
				&sdjwt.KeyBinding{Signer: jws.NewKeySigner(hd.Key), Nonce: ch.Nonce, Audience: verifiertest.Audience})
			if err != nil {
				t.Fatal(err)
			}
			return h.verify(rp(), p, ch.Nonce, nil)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, options{})
			resp := c.run(t, h)
			if resp.Verified || resp.Reason != c.reason {
				t.Fatalf("verified=%v reason=%q, want %q (checks %v)", resp.Verified, resp.Reason, c.reason, resp.Checks)
			}
			if len(resp.DisclosedClaims) != 0 {
				t.Errorf("claims disclosed on refusal: %v", resp.DisclosedClaims)
			}
			var failed *verifierpb.CheckResult
			for _, ck := range resp.Checks {
				if !ck.Ok {
					failed = ck
					break
				}
			}
			if failed == nil || failed.Check != c.check || failed.Reason != c.reason {
				t.Errorf("first failed check %v, want %s/%s", failed, c.check, c.reason)
			}
		})
	}
}

func wantCode(t *testing.T, err error, c codes.Code, r reason.Code) {
	t.Helper()
	if status.Code(err) != c {
		t.Fatalf("code %v (%v), want %v", status.Code(err), err, c)
	}
	if r != "" && service.ReasonOfError(err) != r {
		t.Fatalf("reason %q (%v), want %q", service.ReasonOfError(err), err, r)
	}
}

func TestCreateChallenge(t *testing.T) {
	h := newHarness(t, options{})
	ch := h.challenge(nil, "given_name")
	if len(ch.Nonce) < 22 || ch.Audience != verifiertest.Audience || ch.ExpiresAtUnix <= time.Now().Unix() {
		t.Fatalf("challenge %+v", ch)
	}
	if ch2 := h.challenge(nil, "given_name"); ch2.Nonce == ch.Nonce {
		t.Fatal("nonce reused")
	}
	req := func(key string, types []string, claims ...string) error {
		aud := verifiertest.Audience
		if key == verifiertest.OtherKey {
			aud = verifiertest.OtherAudience
		}
		_, err := h.client.CreateChallenge(ctxKey(key), &verifierpb.CreateChallengeRequest{Audience: aud,
			CredentialTypes: types, RequestedClaims: claims})
		return err
	}
	vct := []string{verifiertest.VCT}
	wantCode(t, req(verifiertest.RPKey, vct, "birthdate"), codes.PermissionDenied, reason.ClaimNotAllowed)
	wantCode(t, req(verifiertest.OtherKey, vct, "given_name"), codes.PermissionDenied, reason.ClaimNotAllowed)
	wantCode(t, req(verifiertest.OtherKey, []string{verifiertest.OtherVCT}), codes.PermissionDenied, reason.VCTNotRegistered)
	wantCode(t, req(unregisteredKey, vct), codes.PermissionDenied, reason.RPNotRegistered)
	wantCode(t, req(verifiertest.RPKey, nil), codes.InvalidArgument, reason.RequestInvalid)
	many := make([]string, 100)
	for i := range many {
		many[i] = "given_name"
	}
	wantCode(t, req(verifiertest.RPKey, vct, many...), codes.InvalidArgument, reason.RequestTooLarge)
	wantCode(t, req(verifiertest.RPKey, []string{""}), codes.InvalidArgument, reason.RequestInvalid)
	_, err := h.client.CreateChallenge(rp(), &verifierpb.CreateChallengeRequest{CredentialTypes: vct})
	wantCode(t, err, codes.InvalidArgument, reason.RequestInvalid)
}

func TestVerifyBadRequests(t *testing.T) {
	h := newHarness(t, options{})
	ch := h.challenge(nil)
	call := func(req *verifierpb.VerifyPresentationRequest) error {
		_, err := h.client.VerifyPresentation(rp(), req)
		return err
	}
	big := strings.Repeat("a", sdjwt.DefaultMaxSize+1)
	wantCode(t, call(&verifierpb.VerifyPresentationRequest{Presentation: big, Nonce: ch.Nonce}), codes.InvalidArgument, reason.RequestTooLarge)
	wantCode(t, call(&verifierpb.VerifyPresentationRequest{Nonce: ch.Nonce}), codes.InvalidArgument, reason.RequestInvalid)
	wantCode(t, call(&verifierpb.VerifyPresentationRequest{Presentation: "x~", Nonce: strings.Repeat("n", 65)}), codes.InvalidArgument, reason.RequestInvalid)
	wantCode(t, call(&verifierpb.VerifyPresentationRequest{Presentation: "x~", Nonce: ch.Nonce,
		Policy: &verifierpb.Policy{MaxStatusAgeSeconds: -1}}), codes.InvalidArgument, reason.RequestInvalid)
	wantCode(t, call(&verifierpb.VerifyPresentationRequest{Presentation: "x~", Nonce: ch.Nonce,
		Policy: &verifierpb.Policy{RequiredClaims: make([]string, 65)}}), codes.InvalidArgument, reason.RequestTooLarge)
	// Beyond the transport bound gRPC refuses the message itself.
	huge := strings.Repeat("a", 300<<10)
	if err := call(&verifierpb.VerifyPresentationRequest{Presentation: huge, Nonce: ch.Nonce}); status.Code(err) != codes.ResourceExhausted {
		t.Fatalf("huge message: %v", err)
	}
	// A refused request does not spend the challenge.
	pres := h.present(h.holder(1), ch.Nonce)
	if r := h.verify(rp(), pres, ch.Nonce, nil); !r.Verified {
		t.Fatalf("after bad requests: %s", r.Reason)
	}
}

func ledgerWindow() ledgertest.Window { return ledgertest.Window{From: time.Now().Add(-time.Hour)} }

// TestPresentationDigest: presentation_sha256 is the SHA-256 of each
// presentation as sent, whatever the lengths of those hashed before it (the
// service hashes through reused buffers), refused or verified.
func TestPresentationDigest(t *testing.T) {
	h := newHarness(t, options{})
	hd := h.holder(3)
	for _, paths := range [][]string{{"given_name", "family_name", "address", "age_over_18"}, {"given_name"}, {"age_over_18", "family_name"}} {
		ch := h.challenge(nil)
		pres := h.present(hd, ch.Nonce, paths...)
		for _, p := range []string{pres, pres[:len(pres)/2]} { // the half is refused (and its nonce then spent)
			resp := h.verify(rp(), p, ch.Nonce, nil)
			if sum := sha256.Sum256([]byte(p)); resp.PresentationSha256 != hex.EncodeToString(sum[:]) {
				t.Fatalf("%d bytes: sha %s, want %x", len(p), resp.PresentationSha256, sum)
			}
		}
	}
}
