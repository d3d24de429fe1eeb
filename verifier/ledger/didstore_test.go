package ledger

import (
	"testing"
	"time"

	"github.com/mr-tron/base58"

	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/keys"
)

// TestDecodeAmanahID: the compact key decodes exactly the canonical base58btc of 16 bytes,
// so two different DID strings never share a key.
func TestDecodeAmanahID(t *testing.T) {
	for range 200 {
		k, err := keys.Generate(keys.Ed25519)
		if err != nil {
			t.Fatal(err)
		}
		id := didcore.AmanahID(k.Public())
		got, ok := decodeAmanahID(id)
		want, _ := base58.Decode(id)
		if !ok || string(got[:]) != string(want) {
			t.Fatalf("%s: %x %v, want %x", id, got, ok, want)
		}
	}
	for _, b := range [][]byte{make([]byte, 16), append([]byte{0, 0}, make([]byte, 14)...), {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
		{255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255}} {
		s := base58.Encode(b)
		if got, ok := decodeAmanahID(s); !ok || string(got[:]) != string(b) {
			t.Fatalf("%s: %x %v", s, got, ok)
		}
		for _, bad := range []string{"1" + s, s + "1", s[1:], s + "z", s[:len(s)-1] + "0", ""} {
			if raw, err := base58.Decode(bad); err == nil && len(raw) == 16 && base58.Encode(raw) == bad {
				continue // still canonical
			}
			if _, ok := decodeAmanahID(bad); ok {
				t.Fatalf("%q accepted", bad)
			}
		}
	}
}

// TestDIDStoreKeys: amanah DIDs on many networks, other DIDs, removal and reuse.
func TestDIDStoreKeys(t *testing.T) {
	s := newDIDStore()
	k, _ := keys.Generate(keys.Ed25519)
	a, b := didcore.AmanahDID("net-a", k.Public()), didcore.AmanahDID("net-b", k.Public())
	other := "did:jwk:abc"
	nonCanon := "did:amanah:net-a:1" + didcore.AmanahID(k.Public())
	for i, d := range []string{a, b, other, nonCanon} {
		s.put(d, []didVersion{{from: int64(i)}}, nil)
	}
	for i, d := range []string{a, b, other, nonCanon} {
		if e := s.lookup(d); e == nil || e.first.from != int64(i) {
			t.Fatalf("%s: %+v", d, e)
		}
	}
	if len(s.amanah) != 2 || len(s.others) != 2 {
		t.Fatalf("amanah %d others %d", len(s.amanah), len(s.others))
	}
	if n := s.remove(a); n != 1 || s.lookup(a) != nil || s.lookup(b) == nil {
		t.Fatal("remove")
	}
	s.put(a, []didVersion{{from: 7}, {from: 8}}, []retiredMark{{version: 1, frag: "#key-1", at: 9}})
	if e := s.lookup(a); e == nil || e.len() != 2 || e.version(1).from != 8 || len(s.entries) != 4 {
		t.Fatalf("reuse: %+v", e)
	}
	if at, ok := s.lookup(a).retiredAt(1, "#key-1"); !ok || at.UnixNano() != 9 {
		t.Fatal("retired mark lost")
	}
	s.put(a, []didVersion{{from: 10}}, nil) // a new history replaces the old one
	if e := s.lookup(a); e.len() != 1 || e.first.from != 10 || e.retired != nil || len(s.entries) != 4 {
		t.Fatalf("replace: %+v", e)
	}
}

// TestVersionAtMatchesScan: the binary search finds the same version as a scan of every version,
// with several versions in one block (zero-length intervals: the last of them is current), an
// open last version, and times before the first.
func TestVersionAtMatchesScan(t *testing.T) {
	starts := []int64{100, 200, 200, 200, 350, 351, 900, 900}
	e := &didEntry{}
	for i, from := range starts {
		v := didVersion{from: from}
		if i+1 < len(starts) {
			v.until = starts[i+1]
		}
		if i == 0 {
			e.first = v
		} else {
			e.more = append(e.more, v)
		}
	}
	scan := func(tm time.Time) int {
		for i := range e.len() {
			if e.version(i).contains(tm) {
				return i
			}
		}
		return -1
	}
	for n := int64(0); n <= 1000; n++ {
		tm := time.Unix(0, n)
		if got, want := e.versionAt(tm), scan(tm); got != want {
			t.Fatalf("at %d ns: versionAt %d, scan %d", n, got, want)
		}
	}
	if got := e.versionAt(time.Unix(0, 200)); got != 3 {
		t.Fatalf("at a block with three versions: %d, want the last (3)", got)
	}
	if got := e.versionAt(time.Unix(0, 99)); got != -1 {
		t.Fatalf("before the first version: %d", got)
	}
}
