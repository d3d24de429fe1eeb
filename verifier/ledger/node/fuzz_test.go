package node_test

import (
	"context"
	"os"
	"testing"

	"github.com/amanah-id/amanah/verifier/ledger/node"
)

// FuzzVerifyEvidence feeds arbitrary evidence files (untrusted: a bank or a
// party to a dispute supplies them) to the offline re-check: it must never
// panic, and a file that does not decode or verify is refused. The seeds are
// evidence produced by a real chain (cmd/amanah/testdata).
func FuzzVerifyEvidence(f *testing.F) {
	_, anchor, err := node.ReadTrustRootFile("../../../cmd/amanah/testdata/trust-root.json")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range []string{"evidence-verified.json", "evidence-revoked.json"} {
		b, err := os.ReadFile("../../../cmd/amanah/testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"chain_id":"x","height":"1","subject":{}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		ev, err := node.UnmarshalEvidence(b)
		if err != nil {
			return
		}
		r, err := node.VerifyEvidence(context.Background(), ev, anchor)
		if err == nil && r.Supports() && (ev.Subject == nil || len(ev.Facts) == 0) {
			t.Fatalf("evidence without a subject or facts supports verified: %+v", r)
		}
	})
}
