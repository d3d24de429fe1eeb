//go:build interop

package interop

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"github.com/amanah-id/amanah/issuer/issuerpb"
	"github.com/amanah-id/amanah/issuer/issuertest"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

// vciBatch is the batch size amanah-issuer is started with (its metadata's batch_size).
const vciBatch = 4

// tokenStatus is what lib/amanah.mjs fetchStatus reports for one credential.
type tokenStatus struct {
	Idx         uint32 `json:"idx"`
	URI         string `json:"uri"`
	Status      int    `json:"status"`
	Bits        int    `json:"bits"`
	Kid         string `json:"kid"`
	Alg         string `json:"alg"`
	ContentType string `json:"content_type"`
	Sub         string `json:"sub"`
	Iat         int64  `json:"iat"`
	Exp         int64  `json:"exp"`
	TTL         int64  `json:"ttl"`
}

// walletResult is the JSON line vci_wallet.mjs prints.
type walletResult struct {
	Offer struct {
		CredentialIssuer string `json:"credential_issuer"`
		ConfigurationID  string `json:"configuration_id"`
		TxCode           *struct {
			InputMode string `json:"input_mode"`
			Length    int    `json:"length"`
		} `json:"tx_code"`
	} `json:"offer"`
	Metadata struct {
		Format        string   `json:"format"`
		VCT           string   `json:"vct"`
		BatchSize     int      `json:"batch_size"`
		NonceEndpoint string   `json:"nonce_endpoint"`
		TokenEndpoint string   `json:"token_endpoint"`
		ProofAlgs     []string `json:"proof_algs"`
	} `json:"metadata"`
	TokenType string `json:"token_type"`
	Proof     struct {
		Count  int    `json:"count"`
		Typ    string `json:"typ"`
		Alg    string `json:"alg"`
		HasJWK bool   `json:"has_jwk"`
	} `json:"proof"`
	Count       int `json:"count"`
	Credentials []struct {
		HolderThumbprint string   `json:"holder_thumbprint"`
		HolderIsProofKey bool     `json:"holder_is_proof_key"`
		StatusIdx        *uint32  `json:"status_idx"`
		StatusURI        string   `json:"status_uri"`
		Salts            []string `json:"salts"`
		Digests          []string `json:"digests"`
		Signature        string   `json:"signature"`
		Kid              string   `json:"kid"`
		Iat              *int64   `json:"iat"`
		Nbf              *int64   `json:"nbf"`
		Exp              *int64   `json:"exp"`
		Typ              string   `json:"typ"`
		Alg              string   `json:"alg"`
	} `json:"credentials"`
	Verify struct {
		OK           bool           `json:"ok"`
		Kid          string         `json:"kid"`
		DID          string         `json:"did"`
		KeyAlg       string         `json:"key_alg"`
		HeaderTyp    string         `json:"header_typ"`
		Iss          string         `json:"iss"`
		VCT          string         `json:"vct"`
		VCTIntegrity *string        `json:"vct_integrity"`
		Exp          int64          `json:"exp"`
		Claims       map[string]any `json:"claims"`
	} `json:"verify"`
	Presentation struct {
		OK     bool           `json:"ok"`
		KbAud  string         `json:"kb_aud"`
		KbTyp  string         `json:"kb_typ"`
		Claims map[string]any `json:"claims"`
	} `json:"presentation"`
	TypeMetadata *struct {
		VCT     string `json:"vct"`
		Name    string `json:"name"`
		Display string `json:"display"`
		Claims  []struct {
			Path  []any   `json:"path"`
			SD    *string `json:"sd"`
			Label *string `json:"label"`
		} `json:"claims"`
	} `json:"type_metadata"`
	LibraryIntegrityCheck *struct {
		OK    bool   `json:"ok"`
		Error string `json:"error"`
	} `json:"library_integrity_check"`
	Errors struct {
		WrongTxCode *libError `json:"wrong_tx_code"`
		BadNonce    *libError `json:"bad_nonce"`
		ReusedToken *libError `json:"reused_token"`
	} `json:"errors"`
	Statuses []tokenStatus `json:"statuses"`
}

// libError is an error response of amanah-issuer as @openid4vc/* read it.
type libError struct {
	Code            *string `json:"code"`
	Status          int     `json:"status"`
	WWWAuthenticate *string `json:"www_authenticate"`
	Message         string  `json:"message"`
}

func (e *libError) is(code string, status int) bool {
	return e != nil && e.Code != nil && *e.Code == code && (status == 0 || e.Status == status)
}

// statusResult is the JSON line vci_status.mjs prints.
type statusResult struct {
	Statuses      []tokenStatus `json:"statuses"`
	SDJWTVCVerify struct {
		OK    bool   `json:"ok"`
		Error string `json:"error"`
	} `json:"sdjwtvc_verify"`
}

// TestOpenID4VCIWithOWFLibraries: a real one-validator chain and a real amanah-issuer process;
// @openid4vc/openid4vci as the wallet receives a batch over the pre-authorized code flow with
// a tx_code (offer by reference), @sd-jwt/sd-jwt-vc verifies a credential with the issuer key
// resolved from the node's DID resolution endpoint (and a key-bound presentation of it), and
// @sd-jwt/jwt-status-list reads every credential's status from the signed status list token
// at its status_list.uri: 0 before, 1 after the issuer's admin API revokes the batch.
func TestOpenID4VCIWithOWFLibraries(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	dir := t.TempDir()
	ch, err := issuertest.StartChain(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Net.StopAll()
	is, err := ch.StartIssuer(ctx, filepath.Join(dir, "issuer"), issuertest.IssuerOptions{BatchSize: vciBatch})
	if err != nil {
		t.Fatal(err)
	}
	defer is.Stop()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("amanah-issuer log (tail):\n%s", tailFile(is.Log, 4000))
		}
	})
	conn, err := grpc.NewClient(is.AdminAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	admin := issuerpb.NewAdminClient(conn)
	actx := metadata.AppendToOutgoingContext(ctx, "x-api-key", is.AdminKey)
	offerMade := time.Now().Truncate(time.Second)
	off, err := admin.CreateOffer(actx, &issuerpb.CreateOfferRequest{RecordId: "880412-14-5566", TxCode: true})
	if err != nil {
		t.Fatal(err)
	}
	resolver := ch.Net.Node(0).RESTURL()
	state := filepath.Join(dir, "wallet-state.json")
	wrong := "000000"
	if off.TxCode == wrong {
		wrong = "111111"
	}
	env := map[string]string{"OFFER_URI": off.OfferUri, "TX_CODE": off.TxCode, "WRONG_TX_CODE": wrong, "RESOLVER_URL": resolver, "STATE_FILE": state}

	var w walletResult
	runNode(t, "vci_wallet.mjs", env, &w)

	// The offer and the metadata as the wallet library read them.
	if w.Offer.CredentialIssuer != is.URL || w.Offer.TxCode == nil || w.Offer.TxCode.Length != 6 || w.Offer.TxCode.InputMode != "numeric" {
		t.Errorf("offer as resolved: %+v (issuer %s)", w.Offer, is.URL)
	}
	if w.Metadata.Format != "dc+sd-jwt" || w.Metadata.VCT != trusttypes.NationalIDVCT || w.Metadata.BatchSize != vciBatch ||
		w.Metadata.NonceEndpoint != is.URL+"/nonce" || w.Metadata.TokenEndpoint != is.URL+"/token" {
		t.Errorf("metadata as read by @openid4vc/openid4vci: %+v", w.Metadata)
	}
	if !strings.EqualFold(w.TokenType, "bearer") {
		t.Errorf("token_type %q", w.TokenType)
	}
	if w.Proof.Count != vciBatch || w.Proof.Typ != "openid4vci-proof+jwt" || w.Proof.Alg != "ES256" || !w.Proof.HasJWK {
		t.Errorf("key proofs the library built: %+v", w.Proof)
	}

	// Our error responses as the library reads them (OpenID4VCI 1.0 sections 6.3 and 8.3.1.2).
	if e := w.Errors.WrongTxCode; !e.is("invalid_grant", 400) {
		t.Errorf("wrong tx_code: %+v, want invalid_grant (400)", e)
	}
	if e := w.Errors.BadNonce; !e.is("invalid_nonce", 400) {
		t.Errorf("proof with a nonce the issuer never gave: %+v, want invalid_nonce (400)", e)
	}
	if e := w.Errors.ReusedToken; !e.is("invalid_token", 401) || e.WWWAuthenticate == nil || !strings.EqualFold(*e.WWWAuthenticate, "bearer") {
		t.Errorf("second credential request with the spent access token: %+v, want invalid_token (401)", e)
	}

	// The batch: batch_size credentials, each bound to its own proof key, with its own status
	// index, salts, digests and signature.
	if w.Count != vciBatch || len(w.Credentials) != vciBatch {
		t.Fatalf("received %d credentials (%d decoded), want the batch of %d", w.Count, len(w.Credentials), vciBatch)
	}
	seen := map[string]string{}
	unique := func(kind, v string, i int) {
		if v == "" {
			t.Errorf("credential %d: empty %s", i, kind)
			return
		}
		if prev, dup := seen[kind+"\x00"+v]; dup {
			t.Errorf("credential %d shares its %s %q with credential %s", i, kind, v, prev)
		}
		seen[kind+"\x00"+v] = fmt.Sprint(i)
	}
	listURI := ""
	idxs := map[uint32]bool{}
	for i, c := range w.Credentials {
		if !c.HolderIsProofKey {
			t.Errorf("credential %d: cnf.jwk is not the key of proof %d", i, i)
		}
		if c.Typ != "dc+sd-jwt" || c.Alg != "EdDSA" || c.Kid != ch.Issuer+"#key-1" {
			t.Errorf("credential %d header: typ %q alg %q kid %q", i, c.Typ, c.Alg, c.Kid)
		}
		unique("holder key", c.HolderThumbprint, i)
		unique("signature", c.Signature, i)
		if c.StatusIdx == nil {
			t.Fatalf("credential %d has no status_list.idx", i)
		}
		unique("status index", fmt.Sprintf("%s#%d", c.StatusURI, *c.StatusIdx), i)
		idxs[*c.StatusIdx] = true
		if !strings.HasPrefix(c.StatusURI, is.URL+"/") {
			t.Errorf("credential %d: status_list.uri %q is not served by the issuer %s", i, c.StatusURI, is.URL)
		}
		listURI = c.StatusURI
		if len(c.Salts) < 4 || len(c.Salts) != len(c.Digests) {
			t.Errorf("credential %d: %d salts, %d digests", i, len(c.Salts), len(c.Digests))
		}
		for _, s := range c.Salts {
			unique("salt", s, i)
		}
		for _, d := range c.Digests {
			unique("digest", d, i)
		}
	}

	// Timestamps are visible to every verifier. amanah-issuer writes a day-coarse iat (the UTC
	// day's start, or the issuer's standing start if later: this chain was set up seconds ago)
	// and exp from it (docs/issuer.md "Issuance time"): the same in every credential, not the
	// second of issuance, so they link a presentation to the issuer's day, not to this batch.
	// The second batch below must carry the same values.
	ts := func(p *int64) string {
		if p == nil {
			return "-"
		}
		return fmt.Sprint(*p)
	}
	var dayIat, dayExp int64
	for i, c := range w.Credentials {
		if c.Iat == nil || c.Exp == nil || c.Nbf != nil {
			t.Fatalf("credential %d: iat %s nbf %s exp %s", i, ts(c.Iat), ts(c.Nbf), ts(c.Exp))
		}
		if i == 0 {
			dayIat, dayExp = *c.Iat, *c.Exp
		} else if *c.Iat != dayIat || *c.Exp != dayExp {
			t.Errorf("credential %d: iat %d exp %d, credential 0 has %d %d", i, *c.Iat, *c.Exp, dayIat, dayExp)
		}
	}
	if now := time.Now().UTC(); dayIat < time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).Add(-24*time.Hour).Unix() || dayIat >= offerMade.Unix() {
		t.Errorf("iat %s: want the day's start or the issuer's standing start, before the offer (%s)", time.Unix(dayIat, 0).UTC(), offerMade)
	}

	// The issuance record has exactly the indices the credentials carry.
	list, err := admin.ListIssuances(actx, &issuerpb.ListIssuancesRequest{})
	if err != nil || len(list.Issuances) != 1 || len(list.Issuances[0].Credentials) != vciBatch {
		t.Fatalf("issuance records: %v %v", err, list)
	}
	batch := list.Issuances[0]
	for _, c := range batch.Credentials {
		if !idxs[c.Index] || !c.Signed {
			t.Errorf("issuance record %s (list %d index %d, signed %v) is not one of the received credentials' indices %v", c.CredentialId, c.ListId, c.Index, c.Signed, idxs)
		}
	}

	// @sd-jwt/sd-jwt-vc verified a credential with the key from the node's resolver.
	v := w.Verify
	if !v.OK || v.Kid != ch.Issuer+"#key-1" || v.DID != ch.Issuer || v.KeyAlg != "EdDSA" || v.Iss != ch.Issuer || v.VCT != trusttypes.NationalIDVCT || v.HeaderTyp != "dc+sd-jwt" {
		t.Errorf("sd-jwt-vc verification: %+v", v)
	}
	if v.VCTIntegrity == nil || !strings.HasPrefix(*v.VCTIntegrity, "sha256-") {
		t.Errorf("vct#integrity %v", v.VCTIntegrity)
	}
	if exp := time.Unix(v.Exp, 0); exp.Before(time.Now().AddDate(0, 11, 0)) {
		t.Errorf("exp %s: want about a year", exp)
	}
	want := map[string]any{"given_name": "Aisyah", "family_name": "Rahman", "birthdate": "1990-04-12", "nationality": "MY", "age_over_18": true}
	for k, val := range want {
		if v.Claims[k] != val {
			t.Errorf("verified claim %s = %v, want %v (claims %v)", k, v.Claims[k], val, v.Claims)
		}
	}
	p := w.Presentation
	if !p.OK || p.KbTyp != "kb+jwt" || p.Claims["given_name"] != "Aisyah" || p.Claims["age_over_18"] != true {
		t.Errorf("key-bound presentation: %+v", p)
	}
	for _, hidden := range []string{"family_name", "birthdate", "nationality"} {
		if _, shown := p.Claims[hidden]; shown {
			t.Errorf("presentation discloses %s, which was not selected", hidden)
		}
	}

	// Type metadata resolved by sd-jwt-vc, bound by vct#integrity (SRI, checked by the script).
	if tm := w.TypeMetadata; tm == nil || tm.VCT != trusttypes.NationalIDVCT || tm.Display != "National identity credential" || !hasClaim(tm.Claims, "given_name") {
		t.Errorf("type metadata as resolved by sd-jwt-vc: %+v", tm)
	}
	if li := w.LibraryIntegrityCheck; li == nil {
		t.Errorf("the library's own vct#integrity check did not run")
	} else {
		// Known deviation of @sd-jwt/sd-jwt-vc 0.19.0 (docs/interop.md): it compares the hex
		// digest with the base64 value of the SRI string, so it refuses every correct one.
		t.Logf("@sd-jwt/sd-jwt-vc's own vct#integrity check on our (SRI) value: %+v", *li)
	}

	// @sd-jwt/jwt-status-list: every credential valid (0) in the signed token.
	checkStatuses(t, "before revocation", w.Statuses, 0, listURI, ch.Issuer)
	var before statusResult
	runNode(t, "vci_status.mjs", env, &before)
	checkStatuses(t, "before revocation (second fetch)", before.Statuses, 0, listURI, ch.Issuer)
	if !before.SDJWTVCVerify.OK {
		t.Errorf("sd-jwt-vc refuses the valid credential: %s", before.SDJWTVCVerify.Error)
	}

	// A second citizen session: the offer by value, without a tx_code. Its batch is not
	// revoked below and must stay valid.
	off2, err := admin.CreateOffer(actx, &issuerpb.CreateOfferRequest{RecordId: "880412-14-5566"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(off2.OfferByValueUri, "credential_offer=") {
		t.Fatalf("offer by value %q", off2.OfferByValueUri)
	}
	env2 := map[string]string{"OFFER_URI": off2.OfferByValueUri, "RESOLVER_URL": resolver, "STATE_FILE": filepath.Join(dir, "wallet2-state.json")}
	var w2 walletResult
	runNode(t, "vci_wallet.mjs", env2, &w2)
	if w2.Offer.TxCode != nil || w2.Count != vciBatch || !w2.Verify.OK || !w2.Presentation.OK || !allStatus(w2.Statuses, 0) {
		t.Errorf("offer by value: tx_code %v, %d credentials, verified %v, presented %v, statuses %+v", w2.Offer.TxCode, w2.Count, w2.Verify.OK, w2.Presentation.OK, w2.Statuses)
	}
	for i, c := range w2.Credentials {
		if c.Iat == nil || c.Exp == nil || *c.Iat != dayIat || *c.Exp != dayExp {
			t.Errorf("second batch credential %d: iat %s exp %s, the first batch's are %d %d (day-coarse, shared)", i, ts(c.Iat), ts(c.Exp), dayIat, dayExp)
		}
		for _, c1 := range w.Credentials {
			if c.StatusURI == c1.StatusURI && c.StatusIdx != nil && c1.StatusIdx != nil && *c.StatusIdx == *c1.StatusIdx {
				t.Errorf("both batches use %s index %d", c.StatusURI, *c.StatusIdx)
			}
		}
	}

	// An offer for fewer credentials than the metadata's batch_size (an admin option of
	// CreateOffer that the offer does not carry): a standard wallet asks for batch_size.
	off3, err := admin.CreateOffer(actx, &issuerpb.CreateOfferRequest{RecordId: "880412-14-5566", BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	var probe struct {
		BatchSize       int       `json:"batch_size"`
		Proofs          int       `json:"proofs"`
		CredentialError *libError `json:"credential_error"`
	}
	runNode(t, "vci_wallet.mjs", map[string]string{"OFFER_URI": off3.OfferUri, "RESOLVER_URL": resolver,
		"STATE_FILE": filepath.Join(dir, "wallet3-state.json"), "EXPECT_CREDENTIAL_ERROR": "1"}, &probe)
	if probe.Proofs != vciBatch || !probe.CredentialError.is("invalid_credential_request", 400) {
		t.Errorf("offer of 2, wallet asking for batch_size %d: %+v", vciBatch, probe)
	} else {
		t.Logf("interop hazard (docs/interop.md): an offer of 2 refuses the standard wallet's %d proofs: %s", probe.Proofs, probe.CredentialError.Message)
	}

	// Revoke through the admin API (one transaction for the batch), wait for its block, and
	// read the status again with the third-party libraries.
	res, err := admin.SetStatus(actx, &issuerpb.SetStatusRequest{CredentialId: batch.Credentials[0].CredentialId, Status: issuerpb.Status_STATUS_REVOKED})
	if err != nil {
		t.Fatal(err)
	}
	if res.Credentials != vciBatch || res.Height <= 0 {
		t.Fatalf("revocation: %+v", res)
	}
	wctx, wcancel := context.WithTimeout(ctx, 60*time.Second)
	defer wcancel()
	if err := ch.Net.WaitHeight(wctx, 0, res.Height); err != nil {
		t.Fatalf("block %d of the revocation: %v", res.Height, err)
	}
	var after statusResult
	committed := time.Now()
	deadline := committed.Add(60 * time.Second)
	polls := 0
	for {
		polls++
		runNode(t, "vci_status.mjs", env, &after)
		if allStatus(after.Statuses, 1) || time.Now().After(deadline) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	checkStatuses(t, fmt.Sprintf("after the revocation in block %d", res.Height), after.Statuses, 1, listURI, ch.Issuer)
	t.Logf("revocation seen by @sd-jwt/jwt-status-list on poll %d, %s after block %d was committed", polls, time.Since(committed).Round(time.Millisecond), res.Height)
	var other statusResult
	runNode(t, "vci_status.mjs", env2, &other)
	checkStatuses(t, "the other batch, after the revocation", other.Statuses, 0, "", ch.Issuer)
	if !other.SDJWTVCVerify.OK {
		t.Errorf("sd-jwt-vc refuses a credential of the batch that was not revoked: %s", other.SDJWTVCVerify.Error)
	}
	if after.SDJWTVCVerify.OK || !strings.Contains(after.SDJWTVCVerify.Error, "Status is not valid") {
		t.Errorf("sd-jwt-vc on the revoked credential: %+v (want refused: Status is not valid)", after.SDJWTVCVerify)
	}
}

func hasClaim(claims []struct {
	Path  []any   `json:"path"`
	SD    *string `json:"sd"`
	Label *string `json:"label"`
}, name string) bool {
	for _, c := range claims {
		if len(c.Path) == 1 && c.Path[0] == name && c.Label != nil && *c.Label != "" {
			return true
		}
	}
	return false
}

func allStatus(st []tokenStatus, v int) bool {
	for _, s := range st {
		if s.Status != v {
			return false
		}
	}
	return len(st) > 0
}

// checkStatuses asserts that every credential of the batch has status want in a token that
// is a proper IETF Token Status List token of the issuer.
func checkStatuses(t *testing.T, when string, st []tokenStatus, want int, listURI, issuer string) {
	t.Helper()
	if len(st) != vciBatch {
		t.Errorf("%s: %d statuses, want %d", when, len(st), vciBatch)
	}
	var got []string
	for i, s := range st {
		got = append(got, fmt.Sprintf("%d@%d", s.Status, s.Idx))
		if s.Status != want {
			t.Errorf("%s: credential %d (index %d) has status %d, want %d", when, i, s.Idx, s.Status, want)
		}
		if s.Bits != 2 || s.Kid != issuer+"#key-1" || s.Alg != "EdDSA" || !strings.HasPrefix(s.ContentType, "application/statuslist+jwt") ||
			s.Sub != s.URI || s.Iat == 0 || s.Exp <= s.Iat || s.TTL <= 0 {
			t.Errorf("%s: status list token of credential %d: %+v", when, i, s)
		}
		if listURI != "" && s.URI != listURI {
			t.Logf("%s: credential %d uses list %s (another list than %s)", when, i, s.URI, listURI)
		}
	}
	sort.Strings(got)
	t.Logf("%s: statuses %v", when, got)
}

func tailFile(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}
