package main_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/credential/typemeta"
	"github.com/amanah-id/amanah/issuer/issuerpb"
	"github.com/amanah-id/amanah/issuer/issuertest"
	"github.com/amanah-id/amanah/issuer/oid4vci"
	"github.com/amanah-id/amanah/statuslist"
	statustypes "github.com/amanah-id/amanah/x/status/types"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

func admin(t *testing.T, is *issuertest.Issuer) (issuerpb.AdminClient, context.Context) {
	conn, err := grpc.NewClient(is.AdminAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return issuerpb.NewAdminClient(conn), metadata.AppendToOutgoingContext(context.Background(), "x-api-key", is.AdminKey)
}

// A real amanah-issuer process against a real one-validator chain: a batch over OpenID4VCI,
// verified at its shared day-coarse iat through a proof-checked ledger view (verify_test.go),
// the status list token at the credential's URI built from the ledger list, a revocation of
// the whole batch in one transaction visible in the next token, the type metadata bound by
// vct#integrity, and a SIGKILL in the middle of signing a batch that leaves every signed
// credential's index recorded (and revocable) after the restart.
func TestIssuerOnChain(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a chain")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	dir := t.TempDir()
	ch, err := issuertest.StartChain(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := ch.Net.StopAll(); err != nil {
			t.Error(err)
		}
	}()
	signedLog := filepath.Join(dir, "signed.log")
	is, err := ch.StartIssuer(ctx, filepath.Join(dir, "issuer"), issuertest.IssuerOptions{BatchSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer is.Stop()
	ac, actx := admin(t, is)
	// Unauthenticated admin calls are refused.
	if _, err := ac.ListIssuances(context.Background(), &issuerpb.ListIssuancesRequest{}); err == nil || !strings.Contains(err.Error(), "Unauthenticated") {
		t.Fatalf("admin call without API key: %v", err)
	}
	off, err := ac.CreateOffer(actx, &issuerpb.CreateOfferRequest{RecordId: "880412-14-5566", TxCode: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(off.QrPng) < 100 || string(off.QrPng[1:4]) != "PNG" {
		t.Fatalf("qr code is not a PNG")
	}
	issuedAfter := time.Now().Truncate(time.Second)
	got, _, err := (&oid4vci.Wallet{}).Receive(ctx, off.OfferUri, off.TxCode)
	if err != nil {
		t.Fatalf("receive: %v\n%s", err, tail(is.Log))
	}
	if len(got) != 3 {
		t.Fatalf("batch of %d", len(got))
	}
	verifyOnLedger(ctx, t, ch, got, issuedAfter)
	tok, _ := jws.Parse(strings.SplitN(got[0].Credential, "~", 2)[0], nil)
	var p struct {
		Integrity string `json:"vct#integrity"`
		Status    struct {
			StatusList struct {
				Idx uint32 `json:"idx"`
				URI string `json:"uri"`
			} `json:"status_list"`
		} `json:"status"`
	}
	_ = json.Unmarshal(tok.Payload, &p)
	ref, err := statustypes.ParseListURI(p.Status.StatusList.URI)
	if err != nil || !strings.HasPrefix(p.Status.StatusList.URI, is.URL) {
		t.Fatalf("status uri %q: %v", p.Status.StatusList.URI, err)
	}
	// The type metadata at the vct path, bound by vct#integrity.
	md := get(t, is.URL+"/credentials/national-id")
	if typemeta.Integrity(md) != p.Integrity {
		t.Fatalf("vct#integrity %s does not match the served type metadata %s", p.Integrity, typemeta.Integrity(md))
	}
	// Every node serves the same document at the vct path and at the query form.
	for _, u := range []string{ch.Net.Node(0).RESTURL() + "/credentials/national-id",
		ch.Net.Node(0).RESTURL() + "/amanah/trust/v1/type-metadata?vct=" + url.QueryEscape(trusttypes.NationalIDVCT)} {
		if nb := get(t, u); string(nb) != string(md) {
			t.Fatalf("node type metadata at %s differs from the issuer's:\n%s\n%s", u, nb, md)
		}
	}
	var tm typemeta.Metadata
	if err := json.Unmarshal(md, &tm); err != nil || tm.Name != "National identity credential" || len(tm.Claims) != 8 || tm.Claims[0].SD != "always" {
		t.Fatalf("type metadata %v %+v", err, tm)
	}
	// Revoke the batch through the admin API: one transaction.
	list, err := ac.ListIssuances(actx, &issuerpb.ListIssuancesRequest{})
	if err != nil || len(list.Issuances) != 1 {
		t.Fatalf("issuances: %v %v", err, list)
	}
	b := list.Issuances[0]
	res, err := ac.SetStatus(actx, &issuerpb.SetStatusRequest{CredentialId: b.Credentials[1].CredentialId, Status: issuerpb.Status_STATUS_REVOKED})
	if err != nil {
		t.Fatal(err)
	}
	if res.Credentials != 3 {
		t.Fatalf("revoked %d credentials, want the batch of 3", res.Credentials)
	}
	sq := statustypes.NewQueryClient(ch.Ledger.Conn)
	for _, c := range b.Credentials {
		e, err := sq.Entry(ctx, &statustypes.QueryEntryRequest{ListId: c.ListId, Index: c.Index})
		if err != nil || e.Status != 1 || e.UpdatedHeight != res.Height {
			t.Fatalf("entry %d/%d: %v %+v (revocation block %d)", c.ListId, c.Index, err, e, res.Height)
		}
	}
	// The status list token at the credential's uri shows it (regenerated from the ledger).
	deadline := time.Now().Add(30 * time.Second)
	for {
		raw := statusOf(t, p.Status.StatusList.URI)
		if v, _ := statuslist.StatusAt(raw, p.Status.StatusList.Idx, 2); v == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("status token at %s still shows index %d valid", p.Status.StatusList.URI, p.Status.StatusList.Idx)
		}
		time.Sleep(200 * time.Millisecond)
	}
	_ = ref

	// Crash in the middle of a batch.
	is.Stop()
	is2, err := ch.StartIssuer(ctx, filepath.Join(dir, "issuer"), issuertest.IssuerOptions{BatchSize: 3,
		Env: []string{"AMANAH_ISSUER_TEST_SIGN_DELAY=3s", "AMANAH_ISSUER_TEST_SIGNED_LOG=" + signedLog}})
	if err != nil {
		t.Fatal(err)
	}
	ac2, actx2 := admin(t, is2)
	off2, err := ac2.CreateOffer(actx2, &issuerpb.CreateOfferRequest{RecordId: "880412-14-5566"})
	if err != nil {
		t.Fatal(err)
	}
	recvErr := make(chan error, 1)
	go func() {
		_, _, err := (&oid4vci.Wallet{}).Receive(ctx, off2.OfferUri, "")
		recvErr <- err
	}()
	for deadline := time.Now().Add(60 * time.Second); ; {
		if lines(signedLog) >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing signed: %s", tail(is2.Log))
		}
		time.Sleep(20 * time.Millisecond)
	}
	is2.Kill()
	if err := <-recvErr; err == nil {
		t.Fatal("the wallet got a batch from a killed issuer")
	}
	is3, err := ch.StartIssuer(ctx, filepath.Join(dir, "issuer"), issuertest.IssuerOptions{BatchSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer is3.Stop()
	ac3, actx3 := admin(t, is3)
	all, err := ac3.ListIssuances(actx3, &issuerpb.ListIssuancesRequest{})
	if err != nil || len(all.Issuances) != 2 {
		t.Fatalf("issuances after the crash: %v %v", err, all)
	}
	recorded := map[string]string{}
	var crashed *issuerpb.Issuance
	for _, is := range all.Issuances {
		for _, c := range is.Credentials {
			recorded[fmt.Sprintf("%d %d", c.ListId, c.Index)] = c.CredentialId
			if !c.Signed {
				crashed = is
			}
		}
	}
	f, _ := os.Open(signedLog)
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		if _, ok := recorded[sc.Text()]; !ok {
			t.Fatalf("credential signed at %q has no issuance record", sc.Text())
		}
	}
	f.Close()
	if crashed == nil {
		t.Fatal("the crashed batch is not recorded as unsigned")
	}
	// Whoever holds the credential signed before the crash: its batch can be revoked.
	res2, err := ac3.SetStatus(actx3, &issuerpb.SetStatusRequest{CredentialId: crashed.Credentials[0].CredentialId, Status: issuerpb.Status_STATUS_REVOKED})
	if err != nil || res2.Credentials != 3 {
		t.Fatalf("revoke the crashed batch: %v %v", err, res2)
	}
	t.Logf("%d credential(s) signed before SIGKILL; all recorded and revoked in block %d", n, res2.Height)
}

func get(t *testing.T, u string) []byte {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s %s", u, resp.Status, b)
	}
	return b
}

func statusOf(t *testing.T, uri string) []byte {
	t.Helper()
	tok, err := jws.Parse(string(get(t, uri)), nil)
	if err != nil || tok.Typ != "statuslist+jwt" {
		t.Fatalf("status token: %v", err)
	}
	var p struct {
		Sub        string                     `json:"sub"`
		StatusList statuslist.StatusListClaim `json:"status_list"`
	}
	_ = json.Unmarshal(tok.Payload, &p)
	if p.Sub != uri {
		t.Fatalf("sub %q, want %q", p.Sub, uri)
	}
	raw, err := p.StatusList.Decode()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func lines(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	return strings.Count(string(b), "\n")
}

func tail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return string(b)
}
