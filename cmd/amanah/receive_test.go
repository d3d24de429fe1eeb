package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/amanah-id/amanah/credential/sdjwt"
	"github.com/amanah-id/amanah/issuer/issuertest"
	"github.com/amanah-id/amanah/issuer/service"
)

// amanah wallet receive runs the OpenID4VCI flow from the offer URI alone; present uses a
// credential of the batch not yet shown, says when the batch is used up, and two
// presentations to two parties share no signature or salt.
func TestWalletReceiveAndPresentBatch(t *testing.T) {
	dir := t.TempDir()
	is, err := issuertest.ServeInProcess(dir, "", 3)
	if err != nil {
		t.Fatal(err)
	}
	defer is.Close()
	env := map[string]string{passphraseEnv: testPass}
	w := filepath.Join(dir, "wallet.json")
	mustRun(t, env, "wallet", "init", "--wallet", w)
	off, err := is.Service.CreateOffer(context.Background(), service.OfferRequest{RecordID: "880412-14-5566", TxCode: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, errs, code := run(t, env, "wallet", "receive", off.URIByReference, "--wallet", w, "--tx-code", "999999x"); code == 0 || !strings.Contains(errs, "invalid_grant") {
		t.Fatalf("wrong tx code: exit %d %s", code, errs)
	}
	out := mustRun(t, env, "wallet", "receive", off.URIByReference, "--wallet", w, "--tx-code", off.TxCode, "--name", "mykad")
	if !strings.Contains(out, "3 credentials") {
		t.Fatalf("receive: %s", out)
	}
	list := mustRun(t, env, "wallet", "list", "--wallet", w)
	for _, n := range []string{"mykad-1", "mykad-2", "mykad-3"} {
		if !strings.Contains(list, n) {
			t.Fatalf("list lacks %s:\n%s", n, list)
		}
	}
	present := func(aud string) (string, string, int) {
		return run(t, env, "wallet", "present", "mykad", "--wallet", w, "--disclose", "age_over_18", "--nonce", "n-"+aud, "--aud", aud)
	}
	bank, errs1, code := present("https://bank.example")
	if code != 0 {
		t.Fatal(errs1)
	}
	shop, errs2, code := present("https://shop.example")
	if code != 0 {
		t.Fatal(errs2)
	}
	if !strings.Contains(errs1, "mykad-1") || !strings.Contains(errs2, "mykad-2") {
		t.Fatalf("presented %q then %q", errs1, errs2)
	}
	b, _ := sdjwt.Parse(strings.TrimSpace(bank))
	s, _ := sdjwt.Parse(strings.TrimSpace(shop))
	if strings.Split(bank, "~")[0] == strings.Split(shop, "~")[0] {
		t.Fatal("both parties got the same issuer-signed JWT")
	}
	for _, d := range b.Disclosures {
		for _, e := range s.Disclosures {
			if d.Salt == e.Salt {
				t.Fatal("a salt is shared between the two presentations")
			}
		}
	}
	if _, errs, code := present("https://bank.example"); code != 0 || !strings.Contains(errs, "mykad-3") || !strings.Contains(errs, "used up") {
		t.Fatalf("third: exit %d %s", code, errs)
	}
	// No fresh credential: one not shown to this party, with a warning; then used up.
	if _, errs, code := present("https://bank.example"); code != 0 || !strings.Contains(errs, "mykad-2") || !strings.Contains(errs, "refill") {
		t.Fatalf("fourth: exit %d %s", code, errs)
	}
	if _, errs, code := present("https://bank.example"); code == 0 || !strings.Contains(errs, "batch used up") {
		t.Fatalf("fifth: exit %d %s", code, errs)
	}
}
