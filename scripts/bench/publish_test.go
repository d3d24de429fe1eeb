package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/amanah-id/amanah/scripts/bench/report"
)

// TestPublish: a run saved as run.json gives, through -publish, the page the run itself
// wrote; a partial run is refused unless -partial.
func TestPublish(t *testing.T) {
	raw, err := os.ReadFile("testdata/did-resolve-small.json")
	if err != nil {
		t.Fatal(err)
	}
	r := &Run{Resolve: &report.DIDResolve{}, Steps: []string{"resolve"}}
	if err := json.Unmarshal(raw, r.Resolve); err != nil {
		t.Fatal(err)
	}
	out, docs := t.TempDir(), t.TempDir()
	if err := writeDocs(r, r.flatten(), options{docs: out}); err != nil {
		t.Fatal(err)
	}
	if err := saveJSON(filepath.Join(out, "run.json"), r); err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	t.Cleanup(func() { _ = os.Chdir(wd) }) // publish moves to the module root
	err = publish(context.Background(), options{out: out, docs: docs})
	if err == nil || !strings.Contains(err.Error(), "partial run") {
		t.Fatalf("partial run published: %v", err)
	}
	if err := publish(context.Background(), options{out: out, docs: docs, partial: true}); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(out, "benchmarks.md"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(docs, "benchmarks.md"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("published page differs from the run's page")
	}
}
