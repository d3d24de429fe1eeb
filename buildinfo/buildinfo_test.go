package buildinfo

import "testing"

// TestGet: the stamped values win; without them, "devel" and a commit (or "unknown").
func TestGet(t *testing.T) {
	defer func(v, c string) { Version, Commit = v, c }(Version, Commit)
	Version, Commit = "v1.2.3", "abc123"
	if v, c := Get(); v != "v1.2.3" || c != "abc123" {
		t.Fatalf("stamped: got %q %q", v, c)
	}
	if s := String("amanahd"); s != "amanahd v1.2.3 (commit abc123)" {
		t.Fatalf("String: %q", s)
	}
	Version, Commit = "", ""
	if v, c := Get(); v != "devel" || c == "" {
		t.Fatalf("unstamped: got %q %q", v, c)
	}
}
