package ledger_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"testing"

	"github.com/amanah-id/amanah/verifier/ledger"
)

// TestCredentialSchema: schemas (and their absence) are cached until a block
// changes the trust registry; the digest is the view's own.
func TestCredentialSchema(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	const vct, v1, v2 = "https://amanah.example/vct/x", `{"type":"object","properties":{"a":{"type":"string"}}}`,
		`{"type":"object","properties":{"a":{"type":"integer"}}}`
	f.apply()
	if _, err := f.cache.CredentialSchema(ctx, vct); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("unregistered: %v", err)
	}
	q := f.node.Queries()
	if _, err := f.cache.CredentialSchema(ctx, vct); !errors.Is(err, ledger.ErrNotFound) || f.node.Queries() != q {
		t.Fatalf("unregistered, again: %v (%d queries)", err, f.node.Queries()-q)
	}
	f.chain.PutCredentialType(vct, v1)
	f.apply()
	s, err := f.cache.CredentialSchema(ctx, vct)
	if err != nil || s.JSON != v1 || s.Version != 1 || s.VCT != vct || s.SHA256 != sha256.Sum256([]byte(v1)) {
		t.Fatalf("v1: %+v %v", s, err)
	}
	q = f.node.Queries()
	if s, _ := f.cache.CredentialSchema(ctx, vct); s.JSON != v1 || f.node.Queries() != q {
		t.Fatal("not cached")
	}
	f.chain.PutCredentialType(vct, v2)
	f.apply()
	if s, err := f.cache.CredentialSchema(ctx, vct); err != nil || s.JSON != v2 || s.Version != 2 {
		t.Fatalf("after a new version: %+v %v", s, err)
	}
	// A node that cannot answer is no answer.
	f.chain.PutCredentialType(vct, v1)
	f.apply()
	f.node.SetDown(true)
	if _, err := f.cache.CredentialSchema(ctx, vct); !errors.Is(err, ledger.ErrUnavailable) {
		t.Fatalf("node down: %v", err)
	}
}
