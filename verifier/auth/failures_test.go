package auth

import (
	"fmt"
	"testing"
)

func TestSourceKey(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.7:5555":             "192.0.2.7",
		"192.0.2.7":                  "192.0.2.7",
		"[::ffff:192.0.2.7]:1":       "192.0.2.7",
		"[2001:db8:1:2:3:4:5:6]:443": "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::1":       "2001:db8:1:2::/64",
		"bufconn":                    "bufconn",
		"":                           "",
	} {
		if got := SourceKey(in); got != want {
			t.Errorf("SourceKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFailureLimiter(t *testing.T) {
	f := NewFailureLimiter(0.001, 2)
	for range 2 {
		if _, blocked := f.Blocked("192.0.2.1:1"); blocked {
			t.Fatal("blocked before the burst")
		}
		f.Failed("192.0.2.1:1")
	}
	wait, blocked := f.Blocked("192.0.2.1:2") // another port, same source
	if !blocked || wait <= 0 {
		t.Fatalf("after the burst: blocked=%v wait=%v", blocked, wait)
	}
	if _, blocked := f.Blocked("192.0.2.2:1"); blocked {
		t.Fatal("another source blocked")
	}
	// An IPv6 /64 is one source.
	f.Failed("[2001:db8::1]:1")
	f.Failed("[2001:db8::2]:1")
	if _, blocked := f.Blocked("[2001:db8::3]:1"); !blocked {
		t.Fatal("IPv6 /64 not one source")
	}
}

// TestFailureLimiterBounded: the sources tracked stay bounded however many
// addresses fail.
func TestFailureLimiterBounded(t *testing.T) {
	f := NewFailureLimiter(1, 5)
	f.max = 1000
	for i := range 10_000 {
		f.Failed(fmt.Sprintf("10.%d.%d.%d:1", i>>16&255, i>>8&255, i&255))
	}
	if n := f.Sources(); n > 1000 {
		t.Fatalf("%d sources tracked, bound 1000", n)
	}
}

func FuzzSourceKey(f *testing.F) {
	for _, s := range []string{"192.0.2.7:1", "[::1]:2", "2001:db8::1", "x", "[::1", "::ffff:1.2.3.4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := SourceKey(s)
		if SourceKey(s) != k {
			t.Fatal("not deterministic")
		}
	})
}
