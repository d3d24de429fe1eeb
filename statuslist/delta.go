package statuslist

import (
	"fmt"
	"slices"
)

// Entry sets the status of one list index.
type Entry struct {
	Index uint32 // list index, < list size
	Value uint8  // new status, < 1<<bits
}

// Delta is one update of a list: a batch of index -> new value entries.
type Delta []Entry

// PageEntry sets the status at one offset inside a page.
type PageEntry struct {
	Offset uint32 // index within the page, < EntriesPerPage(bits)
	Value  uint8  // new status
}

// PageDelta is the part of a Delta that falls in one page.
type PageDelta struct {
	Page    uint32      // page number (index / EntriesPerPage(bits))
	Entries []PageEntry // ascending by offset
}

// Validate checks d against a list of the given bits and size: parameters,
// non-empty, at most MaxBatch entries, every index < size, every value
// fitting in bits, and no index named twice. It does not modify d.
func (d Delta) Validate(bits uint8, size uint32) error {
	if err := ValidateParams(bits, size); err != nil {
		return err
	}
	if len(d) == 0 {
		return ErrEmptyDelta
	}
	if len(d) > MaxBatch {
		return fmt.Errorf("%w: %d > %d", ErrBatchTooLarge, len(d), MaxBatch)
	}
	m := mask(bits)
	idx := make([]uint32, len(d))
	for i, e := range d {
		if e.Index >= size {
			return fmt.Errorf("%w: entry %d: index %d >= size %d", ErrIndexOutOfRange, i, e.Index, size)
		}
		if e.Value > m {
			return fmt.Errorf("%w: entry %d: value %d with %d bits", ErrValueTooWide, i, e.Value, bits)
		}
		idx[i] = e.Index
	}
	slices.Sort(idx)
	for i := 1; i < len(idx); i++ {
		if idx[i] == idx[i-1] {
			return fmt.Errorf("%w: index %d", ErrDuplicateIndex, idx[i])
		}
	}
	return nil
}

// GroupByPage splits d into per-page deltas, pages ascending and offsets
// ascending within a page (input order kept for equal indices). The result
// is deterministic for a given d; validate d first. It panics if bits is not
// 1, 2, 4 or 8.
func GroupByPage(d Delta, bits uint8) []PageDelta {
	if len(d) == 0 {
		return nil
	}
	epp := EntriesPerPage(bits)
	if epp == 0 {
		panic(fmt.Sprintf("statuslist: GroupByPage with invalid bits %d", bits))
	}
	// Sort (index, position) keys: a stable order without a comparator.
	keys := make([]uint64, len(d))
	for i, e := range d {
		keys[i] = uint64(e.Index)<<32 | uint64(i)
	}
	slices.Sort(keys)
	entries := make([]PageEntry, len(d)) // one backing array for all pages
	var out []PageDelta
	start := 0
	for k, key := range keys {
		e := d[uint32(key)]
		p, off := e.Index/epp, e.Index%epp
		if len(out) == 0 || out[len(out)-1].Page != p {
			if len(out) > 0 {
				out[len(out)-1].Entries = entries[start:k:k]
			}
			out = append(out, PageDelta{Page: p})
			start = k
		}
		entries[k] = PageEntry{Offset: off, Value: e.Value}
	}
	out[len(out)-1].Entries = entries[start:len(keys):len(keys)]
	return out
}

// Pages returns the sorted, distinct page numbers d touches.
func (d Delta) Pages(bits uint8) []uint32 {
	pages := make([]uint32, 0, len(d))
	for _, e := range d {
		p, _ := Locate(e.Index, bits)
		pages = append(pages, p)
	}
	slices.Sort(pages)
	return slices.Compact(pages)
}

// ApplyTo writes pd's entries into page, which must be PageBytes long; it
// checks every entry before changing anything, so page is unchanged on error.
func (pd PageDelta) ApplyTo(page []byte, bits uint8) error {
	if len(page) != PageBytes {
		return fmt.Errorf("%w: page %d has %d bytes, want %d", ErrBadPage, pd.Page, len(page), PageBytes)
	}
	epp := EntriesPerPage(bits)
	if epp == 0 {
		return fmt.Errorf("%w: %d", ErrInvalidBits, bits)
	}
	m := mask(bits)
	for _, e := range pd.Entries {
		if e.Offset >= epp {
			return fmt.Errorf("%w: offset %d >= %d", ErrOffsetOutOfRange, e.Offset, epp)
		}
		if e.Value > m {
			return fmt.Errorf("%w: value %d with %d bits", ErrValueTooWide, e.Value, bits)
		}
	}
	for _, e := range pd.Entries {
		setUnchecked(page, e.Offset, bits, e.Value)
	}
	return nil
}

// setUnchecked is Set without checks; callers have validated offset and value.
func setUnchecked(page []byte, offset uint32, bits uint8, value uint8) {
	bitpos := uint64(offset) * uint64(bits)
	shift := bitpos & 7
	b := &page[bitpos>>3]
	*b = *b&^(mask(bits)<<shift) | value<<shift
}
