package statuslist

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// randomDelta returns a valid delta: n distinct indices, clustered in one page or spread over the list.
func randomDelta(r *rand.Rand, bits uint8, size uint32, n int) Delta {
	seen := map[uint32]bool{}
	d := make(Delta, 0, n)
	clustered := r.IntN(2) == 0
	epp := EntriesPerPage(bits)
	base := r.Uint32N(size/epp) * epp
	for len(d) < n {
		var i uint32
		if clustered {
			i = base + r.Uint32N(epp)
		} else {
			i = r.Uint32N(size)
		}
		if seen[i] {
			continue
		}
		seen[i] = true
		d = append(d, Entry{Index: i, Value: uint8(r.UintN(1 << bits))})
	}
	return d
}

// TestPropertyListMatchesReference applies random deltas to a List and to a
// naive []uint8 model and checks they agree entry by entry, and that both
// encodings decode back to the model.
func TestPropertyListMatchesReference(t *testing.T) {
	for _, bits := range []uint8{1, 2} {
		t.Run(map[uint8]string{1: "1bit", 2: "2bit"}[bits], func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(bits), 42))
			size := uint32(MinSize * 2)
			l, err := NewList(bits, size)
			if err != nil {
				t.Fatal(err)
			}
			ref := make([]uint8, size)
			rounds := 60
			if testing.Short() {
				rounds = 15
			}
			for round := 0; round < rounds; round++ {
				n := 1 + r.IntN(3000)
				if round%10 == 9 {
					n = MaxBatch
				}
				d := randomDelta(r, bits, size, n)
				if round%7 == 3 {
					// Poison the last entry: the whole delta must be rejected.
					bad := d[len(d)-1]
					switch r.IntN(3) {
					case 0:
						bad.Index = size + r.Uint32N(1000)
					case 1:
						bad.Value = 1 << bits
					default:
						bad.Index = d[0].Index
					}
					d[len(d)-1] = bad
					before := l.Bytes()
					if err := l.Apply(d); err == nil {
						t.Fatal("poisoned delta applied")
					}
					if !bytes.Equal(before, l.Bytes()) {
						t.Fatal("rejected delta changed the list")
					}
					continue
				}
				if err := l.Apply(d); err != nil {
					t.Fatal(err)
				}
				for _, e := range d {
					ref[e.Index] = e.Value
				}
				for _, e := range d {
					if got, _ := l.Get(e.Index); got != ref[e.Index] {
						t.Fatalf("round %d index %d: %d want %d", round, e.Index, got, ref[e.Index])
					}
				}
			}
			// Full comparison, bit by bit.
			raw := l.Bytes()
			if !bytes.Equal(raw, packRef(ref, int(bits))) {
				t.Fatal("List.Bytes differs from packed reference")
			}
			for i := range ref {
				if got, _ := l.Get(uint32(i)); got != ref[i] {
					t.Fatalf("index %d: %d want %d", i, got, ref[i])
				}
			}
			// IETF round trip.
			lst, err := EncodeTokenStatusList(bits, raw)
			if err != nil {
				t.Fatal(err)
			}
			dec, err := DecodeTokenStatusList(lst, bits, WithExactLength(len(raw)))
			if err != nil {
				t.Fatal(err)
			}
			// W3C round trip, read with the independent MSB-first reader.
			enc, err := EncodeBitstringStatusList(raw, bits)
			if err != nil {
				t.Fatal(err)
			}
			msb, err := DecodeBitstring(enc)
			if err != nil {
				t.Fatal(err)
			}
			back, err := DecodeBitstringStatusList(enc, bits)
			if err != nil || !bytes.Equal(back, raw) {
				t.Fatalf("W3C LSB round trip: %v", err)
			}
			for i := range ref {
				if v := refLSB(dec, i, int(bits)); v != ref[i] {
					t.Fatalf("IETF index %d: %d want %d", i, v, ref[i])
				}
				if v := refMSB(msb, i, int(bits)); v != ref[i] {
					t.Fatalf("W3C index %d: %d want %d", i, v, ref[i])
				}
			}
			// And the page-wise keeper path over a fresh page set gives the same pages.
			l2, _ := ListFromBytes(bits, dec)
			if !bytes.Equal(l2.Bytes(), raw) {
				t.Fatal("ListFromBytes(decoded) differs")
			}
		})
	}
}

// TestPropertyKeeperPath checks GroupByPage + PageDelta.ApplyTo over stored pages against List.Apply.
func TestPropertyKeeperPath(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for _, bits := range []uint8{1, 2} {
		size := uint32(1 << 20)
		l, _ := NewList(bits, size)
		store := map[uint32][]byte{}
		for round := 0; round < 20; round++ {
			d := randomDelta(r, bits, size, 1+r.IntN(2000))
			if err := d.Validate(bits, size); err != nil {
				t.Fatal(err)
			}
			groups := GroupByPage(d, bits)
			if len(groups) != len(d.Pages(bits)) {
				t.Fatal("GroupByPage and Pages disagree")
			}
			for _, pd := range groups {
				page, ok := store[pd.Page]
				if !ok {
					page = make([]byte, PageBytes)
				}
				if err := pd.ApplyTo(page, bits); err != nil {
					t.Fatal(err)
				}
				store[pd.Page] = page
			}
			if err := l.Apply(d); err != nil {
				t.Fatal(err)
			}
		}
		for p := uint32(0); p < l.NumPages(); p++ {
			lp, _ := l.Page(p)
			sp, ok := store[p]
			if !ok {
				sp = make([]byte, PageBytes)
			}
			if !bytes.Equal(lp, sp) {
				t.Fatalf("bits %d page %d differs", bits, p)
			}
		}
	}
}
