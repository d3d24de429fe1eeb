package statusalloc_test

import (
	"testing"

	"github.com/amanah-id/amanah/issuer/statusalloc"
	"github.com/amanah-id/amanah/issuer/store"
)

// Indices are distinct, free, and not in issuance order (a run of 10 batches of 10 from a
// fresh list is never sorted and never contiguous).
func TestPickerRandomDistinctFree(t *testing.T) {
	l := store.List{ID: 1, Size: 131072}
	bm := make([]byte, l.Size/8)
	pick := statusalloc.Picker(nil)
	var all []uint32
	for b := 0; b < 10; b++ {
		idx, err := pick(l, bm, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range idx {
			if bm[i/8]&(1<<(i%8)) != 0 {
				t.Fatalf("index %d picked while allocated", i)
			}
			bm[i/8] |= 1 << (i % 8)
		}
		all = append(all, idx...)
	}
	sorted, contiguous := true, true
	for i := 1; i < len(all); i++ {
		sorted = sorted && all[i] > all[i-1]
		contiguous = contiguous && all[i] == all[i-1]+1
	}
	if sorted || contiguous {
		t.Fatalf("indices in issuance order: %v", all)
	}
}

// A nearly full list still yields its last free entries; a full one refuses.
func TestPickerNearlyFull(t *testing.T) {
	l := store.List{ID: 2, Size: 1024}
	bm := make([]byte, l.Size/8)
	for i := range bm {
		bm[i] = 0xff
	}
	bm[17] = 0xfe // index 136 free
	bm[90] = 0x7f // index 727 free
	idx, err := statusalloc.Picker(nil)(l, bm, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !(idx[0] == 136 && idx[1] == 727 || idx[0] == 727 && idx[1] == 136) {
		t.Fatalf("got %v, want 136 and 727", idx)
	}
	if _, err := statusalloc.Picker(nil)(l, bm, 3); err == nil {
		t.Fatal("3 from a list with 2 free entries: want an error")
	}
}
