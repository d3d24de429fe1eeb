package main

// The demo's issuance over OpenID4VCI (issue 14): the agency runs amanah-issuer, the wallet
// is given only the offer URI and receives a batch, one credential of the batch goes to the
// bank (through Amanah's verifier), another to a second relying party that verifies like any
// third-party verifier (issuer key from the node's DID resolution endpoint, status from the
// signed status list token at status_list.uri), and the two presentations share no
// linkable value: the iat/exp they share are day-coarse (a later batch carries the same).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/credential/sdjwt"
	"github.com/amanah-id/amanah/credential/sdjwtvc"
	"github.com/amanah-id/amanah/issuer/issuerpb"
	"github.com/amanah-id/amanah/issuer/issuertest"
	"github.com/amanah-id/amanah/issuer/oid4vci"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/localnet"
	"github.com/amanah-id/amanah/localnet/txclient"
	"github.com/amanah-id/amanah/statuslist"
	statustypes "github.com/amanah-id/amanah/x/status/types"
)

// demoBatchSize is the batch the wallet receives.
const demoBatchSize = 3

// secondPartyAudience is the second relying party (a shop verifying on its own).
const secondPartyAudience = "https://shop.example"

// oidState is the OpenID4VCI part of the story.
type oidState struct {
	proc      *issuertest.Issuer
	batch     []oid4vci.Received
	bankPres  string // what the bank saw
	shopPres  string // what the second party saw
	shopNonce string
	shared    int // linkable values the two presentations share
	// otherBatch is a credential of a second batch issued after the first: its timestamps
	// show whether the shared iat/exp are per batch or day-coarse.
	otherBatch string
	// coarseTS are the timestamps the two presentations share that every credential of the
	// issuer's day carries (not linkable: the whole day's issuance shares them).
	coarseTS  []string
	batchSize int
}

// receiveBatch starts amanah-issuer for the accredited issuer, creates an offer for the
// citizen's record over the admin API, and has the wallet receive the batch from the offer
// URI alone. The story then holds credential 0 (s.credential, s.holder, s.listID).
func (s *story) receiveBatch(ctx context.Context) (string, error) {
	ch := &issuertest.Chain{Net: s.net, Ledger: &txclient.Chain{Net: s.net, Client: s.l.client, RPC: s.net.Node(0).RPC(), Conn: s.l.conn},
		Council: s.council, Network: s.l.network, Issuer: s.issuer, IssuerKey: s.issuerKey, Operator: s.operator, Dir: s.dir}
	proc, err := ch.StartIssuer(ctx, filepath.Join(s.dir, "issuer"), issuertest.IssuerOptions{BatchSize: demoBatchSize})
	if err != nil {
		return "", err
	}
	s.oid = &oidState{proc: proc, batchSize: demoBatchSize}
	conn, err := grpc.NewClient(proc.AdminAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return "", err
	}
	defer conn.Close()
	actx := metadata.AppendToOutgoingContext(ctx, "x-api-key", proc.AdminKey)
	off, err := issuerpb.NewAdminClient(conn).CreateOffer(actx, &issuerpb.CreateOfferRequest{RecordId: "880412-14-5566", TxCode: true})
	if err != nil {
		return "", fmt.Errorf("create offer: %w", err)
	}
	// The wallet gets the offer URI (as from the QR code) and the transaction code, nothing else.
	batch, md, err := (&oid4vci.Wallet{}).Receive(ctx, off.OfferUri, off.TxCode)
	if err != nil {
		return "", fmt.Errorf("wallet receive: %w\n%s", err, localnet.FileTail(proc.Log, 10))
	}
	if len(batch) < 2 {
		return "", fmt.Errorf("batch of %d", len(batch))
	}
	s.oid.batch = batch
	// A second batch, later: the day-coarse iat/exp must be the same as the first batch's.
	off2, err := issuerpb.NewAdminClient(conn).CreateOffer(actx, &issuerpb.CreateOfferRequest{RecordId: "880412-14-5566", BatchSize: 1})
	if err != nil {
		return "", fmt.Errorf("create the second offer: %w", err)
	}
	other, _, err := (&oid4vci.Wallet{BatchSize: 1}).Receive(ctx, off2.OfferUri, "")
	if err != nil || len(other) != 1 {
		return "", fmt.Errorf("wallet receive (second batch): %v (%d credentials)\n%s", err, len(other), localnet.FileTail(proc.Log, 10))
	}
	s.oid.otherBatch = other[0].Credential
	s.credential, s.holder = batch[0].Credential, batch[0].Key
	st, err := statusOfCredential(batch[0].Credential)
	if err != nil {
		return "", err
	}
	ref, err := statustypes.ParseListURI(st.URI)
	if err != nil {
		return "", err
	}
	s.listID = ref.ListID
	return fmt.Sprintf("amanah-issuer at %s (issuer metadata batch_size %d); offer %s (QR %d bytes, tx_code by another channel); the wallet received %d credentials, each bound to its own key, status list %d",
		proc.URL, md.BatchCredentialIssuance.BatchSize, shortOffer(off.OfferUri), len(off.QrPng), len(batch), ref.ListID), nil
}

func shortOffer(u string) string {
	if len(u) > 60 {
		return u[:60] + "..."
	}
	return u
}

func statusOfCredential(sd string) (*sdjwtvc.StatusRef, error) {
	tok, err := jws.Parse(strings.SplitN(sd, "~", 2)[0], nil)
	if err != nil {
		return nil, err
	}
	var p struct {
		Status struct {
			StatusList struct {
				Idx uint64 `json:"idx"`
				URI string `json:"uri"`
			} `json:"status_list"`
		} `json:"status"`
	}
	if err := json.Unmarshal(tok.Payload, &p); err != nil {
		return nil, err
	}
	return &sdjwtvc.StatusRef{Index: p.Status.StatusList.Idx, URI: p.Status.StatusList.URI}, nil
}

// presentToSecondParty: the bank already saw credential 0; the shop gets credential 1 and
// verifies it as a third-party verifier would. Then the two presentations are compared.
func (s *story) presentToSecondParty(ctx context.Context) (string, error) {
	if s.oid == nil {
		return "", errors.New("no batch")
	}
	// What the bank saw (same disclosures as the bank step).
	bankCred, err := sdjwt.Parse(s.oid.batch[0].Credential)
	if err != nil {
		return "", err
	}
	if s.oid.bankPres, err = bankCred.Present(ctx, disclosed, &sdjwt.KeyBinding{Signer: jws.NewKeySigner(s.oid.batch[0].Key), Nonce: "bank-nonce", Audience: bankAudience}); err != nil {
		return "", err
	}
	c1 := s.oid.batch[1]
	cred, err := sdjwt.Parse(c1.Credential)
	if err != nil {
		return "", err
	}
	nonce := fmt.Sprintf("shop-%d", time.Now().UnixNano())
	s.oid.shopNonce = nonce
	if s.oid.shopPres, err = cred.Present(ctx, disclosed, &sdjwt.KeyBinding{Signer: jws.NewKeySigner(c1.Key), Nonce: nonce, Audience: secondPartyAudience}); err != nil {
		return "", err
	}
	// The shop: issuer key from the node's DID resolution endpoint, status from the token.
	res, err := thirdPartyVerify(ctx, s.net.Node(0).RESTURL(), s.oid.shopPres, nonce, secondPartyAudience)
	if err != nil {
		return "", fmt.Errorf("the second relying party: %w", err)
	}
	linkable, coarse := linkableShared(s.oid.bankPres, s.oid.shopPres, s.oid.otherBatch)
	s.oid.shared, s.oid.coarseTS = len(linkable), coarse
	if len(linkable) != 0 {
		return "", fmt.Errorf("the two presentations share %d linkable values: %v", len(linkable), linkable)
	}
	ts := "no timestamp"
	if len(coarse) > 0 {
		ts = strings.Join(coarse, ", ") + " (day-coarse: a credential of a later batch carries the same, so they point to the issuer's whole day of issuance, not to this batch)"
	}
	return fmt.Sprintf("the shop verified credential 2 of the batch on its own (issuer key resolved from the node, status %d from the signed status list token at %s): %v; compared %s: bank and shop presentations share 0 signatures, digests, salts, holder keys or status entries, and share %s",
		res.status, res.uri, res.claims, strings.Join(comparedValues, ", "), ts), nil
}

type thirdPartyResult struct {
	claims map[string]any
	status uint8
	uri    string
}

// thirdPartyVerify is what a verifier outside Amanah does with standard pieces.
func thirdPartyVerify(ctx context.Context, nodeREST, pres, nonce, aud string) (*thirdPartyResult, error) {
	resolve := sdjwtvc.IssuerKeyResolverFunc(func(ctx context.Context, iss, kid string, _ time.Time) (keys.PublicKey, error) {
		return resolveKey(ctx, nodeREST, iss, kid)
	})
	v := &sdjwtvc.Verifier{Resolver: resolve}
	r, err := v.Verify(ctx, pres, sdjwtvc.Challenge{Nonce: nonce, Audience: aud})
	if err != nil {
		return nil, err
	}
	if r.Status == nil {
		return nil, errors.New("no status")
	}
	body, err := httpGet(ctx, r.Status.URI, "application/statuslist+jwt")
	if err != nil {
		return nil, err
	}
	tok, err := jws.Parse(string(body), nil)
	if err != nil || tok.Typ != "statuslist+jwt" {
		return nil, fmt.Errorf("status list token: %v (typ %q)", err, tok.Typ)
	}
	var p struct {
		Sub        string                     `json:"sub"`
		Iss        string                     `json:"iss"`
		Exp        int64                      `json:"exp"`
		StatusList statuslist.StatusListClaim `json:"status_list"`
	}
	if err := json.Unmarshal(tok.Payload, &p); err != nil {
		return nil, err
	}
	k, err := resolveKey(ctx, nodeREST, r.Issuer, tok.Kid)
	if err != nil {
		return nil, err
	}
	if err := tok.Verify(k); err != nil || p.Sub != r.Status.URI || p.Iss != r.Issuer || time.Now().Unix() > p.Exp {
		return nil, fmt.Errorf("status list token not valid for %s: %v", r.Status.URI, err)
	}
	raw, err := p.StatusList.Decode()
	if err != nil {
		return nil, err
	}
	st, err := statuslist.StatusAt(raw, uint32(r.Status.Index), p.StatusList.Bits)
	if err != nil {
		return nil, err
	}
	if st != 0 {
		return nil, fmt.Errorf("status %d", st)
	}
	shown := map[string]any{}
	for _, k := range disclosed {
		shown[k] = r.Claims[k]
	}
	return &thirdPartyResult{claims: shown, status: st, uri: r.Status.URI}, nil
}

func httpGet(ctx context.Context, u, accept string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", accept)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return b, nil
}

// resolveKey reads a DID document from a node's resolution endpoint and returns the key kid.
func resolveKey(ctx context.Context, nodeREST, did, kid string) (keys.PublicKey, error) {
	b, err := httpGet(ctx, strings.TrimRight(nodeREST, "/")+"/1.0/identifiers/"+did, "application/did+json")
	if err != nil {
		return keys.PublicKey{}, err
	}
	var doc struct {
		VerificationMethod []struct {
			ID                 string          `json:"id"`
			PublicKeyMultibase string          `json:"publicKeyMultibase"`
			PublicKeyJwk       json.RawMessage `json:"publicKeyJwk"`
		} `json:"verificationMethod"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return keys.PublicKey{}, err
	}
	for _, vm := range doc.VerificationMethod {
		if vm.ID != kid && did+vm.ID != kid {
			continue
		}
		if vm.PublicKeyMultibase != "" {
			return keys.ParseMultikey(vm.PublicKeyMultibase)
		}
		return keys.ParsePublicJWK(vm.PublicKeyJwk)
	}
	return keys.PublicKey{}, fmt.Errorf("%s has no key %s", did, kid)
}

// comparedValues are the kinds of value linkableValues collects.
var comparedValues = []string{"signature", "digests", "salts", "holder key (cnf)", "status entry", "iat", "nbf", "exp"}

// timestampKinds are the registered time claims linkableValues collects.
var timestampKinds = []string{"iat", "nbf", "exp"}

// linkableValues collects what an observer could match across presentations: the issuer
// signature, every digest (_sd entries), every salt, the holder key, the status entry and
// the timestamps iat, nbf and exp.
func linkableValues(pres string) map[string]bool {
	out := map[string]bool{}
	sd, err := sdjwt.Parse(pres)
	if err != nil {
		return out
	}
	jwt := strings.SplitN(pres, "~", 2)[0]
	tok, err := jws.Parse(jwt, nil)
	if err != nil {
		return out
	}
	out["sig:"+string(tok.Signature)] = true
	for _, d := range sd.Disclosures {
		out["salt:"+d.Salt] = true
		out["digest:"+sdjwt.DigestOf(d.Encoded)] = true
	}
	var p map[string]any
	_ = json.Unmarshal(tok.Payload, &p)
	var walk func(v any)
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			for k, e := range t {
				if k == "_sd" {
					if arr, ok := e.([]any); ok {
						for _, d := range arr {
							out[fmt.Sprint("digest:", d)] = true
						}
					}
				}
				walk(e)
			}
		case []any:
			for _, e := range t {
				if m, ok := e.(map[string]any); ok && m["..."] != nil {
					out[fmt.Sprint("digest:", m["..."])] = true
				}
				walk(e)
			}
		}
	}
	walk(p)
	if cnf, err := json.Marshal(p["cnf"]); err == nil {
		out["cnf:"+string(cnf)] = true
	}
	if st, err := json.Marshal(p["status"]); err == nil {
		out["status:"+string(st)] = true
	}
	for _, k := range timestampKinds {
		if v, ok := p[k].(float64); ok {
			out[fmt.Sprintf("%s:%d", k, int64(v))] = true
		} else if ok := p[k] != nil; ok {
			out[fmt.Sprint(k, ":", p[k])] = true
		}
	}
	return out
}

// linkableShared returns the values presentations a and b share that link them, and the
// timestamps they share that do not: a timestamp is day-coarse, shared by every credential
// the issuer signs that day, only if other (a credential of a later batch) carries it too.
func linkableShared(a, b, other string) (linkable, coarse []string) {
	va, vb, vo := linkableValues(a), linkableValues(b), linkableValues(other)
	for k := range va {
		if !vb[k] {
			continue
		}
		kind, _, _ := strings.Cut(k, ":")
		if slices.Contains(timestampKinds, kind) && vo[k] {
			coarse = append(coarse, k)
			continue
		}
		linkable = append(linkable, k)
	}
	slices.Sort(linkable)
	slices.Sort(coarse)
	return linkable, coarse
}

// revokeBatch revokes the whole batch through the issuer's admin API (one ledger
// transaction) and waits until Amanah's verifier refuses credential 0 as revoked.
func (s *story) revokeBatch(ctx context.Context) (string, error) {
	conn, err := grpc.NewClient(s.oid.proc.AdminAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return "", err
	}
	defer conn.Close()
	actx := metadata.AppendToOutgoingContext(ctx, "x-api-key", s.oid.proc.AdminKey)
	ac := issuerpb.NewAdminClient(conn)
	list, err := ac.ListIssuances(actx, &issuerpb.ListIssuancesRequest{})
	if err != nil || len(list.Issuances) == 0 {
		return "", fmt.Errorf("issuance records: %v", err)
	}
	// The batch of credential 0 (the demo also received a second, one-credential batch).
	st0, err := statusOfCredential(s.credential)
	if err != nil {
		return "", err
	}
	var b *issuerpb.Issuance
	for _, is := range list.Issuances {
		for _, c := range is.Credentials {
			if c.ListId == s.listID && uint64(c.Index) == st0.Index {
				b = is
			}
		}
	}
	if b == nil {
		return "", fmt.Errorf("no issuance record holds credential 0 (list %d index %d)", s.listID, st0.Index)
	}
	submitted := time.Now()
	res, err := ac.SetStatus(actx, &issuerpb.SetStatusRequest{CredentialId: b.Credentials[0].CredentialId, Status: issuerpb.Status_STATUS_REVOKED})
	if err != nil {
		return "", fmt.Errorf("revoke: %w", err)
	}
	committed := time.Now()
	c, err := s.dial()
	if err != nil {
		return "", err
	}
	defer c.Close()
	deadline := committed.Add(30 * time.Second)
	for attempt := 0; time.Now().Before(deadline) && attempt < 300; attempt++ {
		r, err := s.present(ctx, c)
		if err != nil {
			return "", err
		}
		if !r.Verified {
			if r.Reason != "revoked" {
				return "", fmt.Errorf("refused with reason %q, want revoked", r.Reason)
			}
			s.revocationLatency = time.Since(committed)
			s.revocationFromSubmit = time.Since(submitted)
			s.revocationBlocks = r.Height - res.Height
			// The shop's check of the signed status list token sees it too (within a block).
			tokenSees := false
			for i := 0; i < 100 && !tokenSees; i++ {
				_, err := thirdPartyVerify(ctx, s.net.Node(0).RESTURL(), s.oid.shopPres, s.oid.shopNonce, secondPartyAudience)
				tokenSees = err != nil && strings.Contains(err.Error(), "status 1")
				if !tokenSees {
					time.Sleep(100 * time.Millisecond)
				}
			}
			if !tokenSees {
				return "", errors.New("the status list token at the credentials' uri does not show the revocation")
			}
			return fmt.Sprintf("the agency revoked the batch (%d credentials) in one transaction, block %d; the verifier refuses credential 1 (%q) at height %d, %d ms after the commit; the status list token at the credentials' uri shows it too",
				res.Credentials, res.Height, r.Reason, r.Height, s.revocationLatency.Milliseconds()), nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return "", errors.New("the verifier still accepts the revoked credential after 30s")
}

// oidSummary are the OpenID4VCI figures of the final JSON.
func (s *story) oidSummary() map[string]any {
	if s.oid == nil {
		return map[string]any{"issuance_protocol": "none", "batch_size": 0, "linkable_values_shared": -1}
	}
	return map[string]any{"issuance_protocol": "openid4vci", "batch_size": len(s.oid.batch), "linkable_values_shared": s.oid.shared,
		"linkable_values_compared": comparedValues, "day_coarse_timestamps_shared": s.oid.coarseTS}
}

func (s *story) stopIssuer() {
	if s.oid != nil && s.oid.proc != nil {
		s.oid.proc.Stop()
	}
}
