package statuslist

import (
	"bytes"
	"errors"
	"slices"
	"testing"
)

func TestValidateParams(t *testing.T) {
	tests := []struct {
		name string
		bits uint8
		size uint32
		want error
	}{
		{"1bit min", 1, MinSize, nil},
		{"2bit min", 2, MinSize, nil},
		{"1bit max", 1, MaxSize, nil},
		{"2bit max", 2, MaxSize, nil},
		{"1bit 1M", 1, 1 << 20, nil},
		{"2bit one page more", 2, MinSize + 16384, nil},
		{"bits 0", 0, MinSize, ErrInvalidBits},
		{"bits 3", 3, MinSize, ErrInvalidBits},
		{"bits 4 (codec only)", 4, MinSize, ErrInvalidBits},
		{"bits 8 (codec only)", 8, MinSize, ErrInvalidBits},
		{"too small", 1, MinSize - 32768, ErrSizeTooSmall},
		{"zero", 1, 0, ErrSizeTooSmall},
		{"too large", 1, MaxSize + 32768, ErrSizeTooLarge},
		{"max uint32", 2, ^uint32(0), ErrSizeTooLarge},
		{"1bit not aligned", 1, MinSize + 8, ErrSizeNotAligned},
		{"1bit half page", 1, MinSize + 16384, ErrSizeNotAligned},
		{"2bit not aligned", 2, MinSize + 1, ErrSizeNotAligned},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateParams(tc.bits, tc.size)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestPageArithmetic(t *testing.T) {
	if EntriesPerPage(1) != 32768 || EntriesPerPage(2) != 16384 || EntriesPerPage(4) != 8192 || EntriesPerPage(8) != 4096 || EntriesPerPage(3) != 0 {
		t.Fatal("EntriesPerPage")
	}
	if NumPages(1, MinSize) != 4 || NumPages(2, MinSize) != 8 || NumPages(1, MaxSize) != 512 || NumPages(2, MaxSize) != MaxPages {
		t.Fatal("NumPages")
	}
	for _, c := range []struct {
		index        uint32
		bits         uint8
		page, offset uint32
	}{
		{0, 1, 0, 0}, {32767, 1, 0, 32767}, {32768, 1, 1, 0}, {MaxSize - 1, 1, 511, 32767},
		{16383, 2, 0, 16383}, {16384, 2, 1, 0}, {100000, 2, 6, 100000 - 6*16384},
	} {
		p, o := Locate(c.index, c.bits)
		if p != c.page || o != c.offset {
			t.Errorf("Locate(%d,%d) = %d,%d want %d,%d", c.index, c.bits, p, o, c.page, c.offset)
		}
	}
	defer func() {
		if recover() == nil {
			t.Fatal("Locate with bits 3 did not panic")
		}
	}()
	Locate(1, 3)
}

// TestBitOrderIETF pins the in-page layout to the Token Status List examples.
func TestBitOrderIETF(t *testing.T) {
	page := make([]byte, 2)
	for i, v := range []uint8{1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1} {
		if err := Set(page, uint32(i), 1, v); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(page, []byte{0xb9, 0xa3}) {
		t.Fatalf("1-bit: %x, want b9a3", page)
	}
	page = make([]byte, 3)
	for i, v := range []uint8{1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3} {
		if err := Set(page, uint32(i), 2, v); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(page, []byte{0xc9, 0x44, 0xf9}) {
		t.Fatalf("2-bit: %x, want c944f9", page)
	}
	// Index 0 is the least significant bit of byte 0.
	page = make([]byte, 1)
	_ = Set(page, 0, 1, 1)
	if page[0] != 0x01 {
		t.Fatalf("index 0 -> %x", page[0])
	}
}

func TestGetSet(t *testing.T) {
	for _, bits := range []uint8{1, 2, 4, 8} {
		page := make([]byte, PageBytes)
		epp := EntriesPerPage(bits)
		m := mask(bits)
		for off := uint32(0); off < epp; off++ {
			if err := Set(page, off, bits, uint8(off*7)&m); err != nil {
				t.Fatal(err)
			}
		}
		for off := uint32(0); off < epp; off++ {
			want := uint8(off*7) & m
			if got := Get(page, off, bits); got != want || refLSB(page, int(off), int(bits)) != want {
				t.Fatalf("bits %d off %d: got %d want %d", bits, off, got, want)
			}
		}
		// Overwrite with zero clears only that entry.
		_ = Set(page, 5, bits, 0)
		if Get(page, 5, bits) != 0 || Get(page, 4, bits) != uint8(28)&m || Get(page, 6, bits) != uint8(42)&m {
			t.Fatalf("bits %d: overwrite disturbed neighbours", bits)
		}
	}
	page := make([]byte, PageBytes)
	for _, c := range []struct {
		off   uint32
		bits  uint8
		value uint8
		want  error
	}{
		{0, 3, 1, ErrInvalidBits},
		{0, 0, 0, ErrInvalidBits},
		{0, 1, 2, ErrValueTooWide},
		{0, 2, 4, ErrValueTooWide},
		{0, 4, 16, ErrValueTooWide},
		{32768, 1, 1, ErrOffsetOutOfRange},
		{16384, 2, 1, ErrOffsetOutOfRange},
		{^uint32(0), 8, 1, ErrOffsetOutOfRange},
	} {
		if err := Set(page, c.off, c.bits, c.value); !errors.Is(err, c.want) {
			t.Errorf("Set(%d,%d,%d) = %v, want %v", c.off, c.bits, c.value, err, c.want)
		}
	}
	if !bytes.Equal(page, make([]byte, PageBytes)) {
		t.Fatal("failed Set changed the page")
	}
	if _, err := StatusAt([]byte{0xff}, 8, 1); !errors.Is(err, ErrIndexOutOfRange) {
		t.Fatal("StatusAt out of range")
	}
	if _, err := StatusAt([]byte{0xff}, 0, 3); !errors.Is(err, ErrInvalidBits) {
		t.Fatal("StatusAt bits")
	}
}

// TestDeltaValidate is the keeper-style table for Delta.Validate.
func TestDeltaValidate(t *testing.T) {
	big := make(Delta, MaxBatch+1)
	for i := range big {
		big[i] = Entry{Index: uint32(i), Value: 1}
	}
	full := big[:MaxBatch]
	tests := []struct {
		name string
		d    Delta
		bits uint8
		size uint32
		want error
	}{
		{"one revoke", Delta{{5, 1}}, 1, MinSize, nil},
		{"unrevoke", Delta{{5, 0}}, 1, MinSize, nil},
		{"suspend 2bit", Delta{{5, 2}, {6, 3}, {7, 0}}, 2, MinSize, nil},
		{"last index", Delta{{MinSize - 1, 1}}, 1, MinSize, nil},
		{"max batch", full, 1, MinSize, nil},
		{"unsorted ok", Delta{{9, 1}, {3, 1}, {7, 1}}, 1, MinSize, nil},
		{"empty", Delta{}, 1, MinSize, ErrEmptyDelta},
		{"nil", nil, 1, MinSize, ErrEmptyDelta},
		{"oversize batch", big, 1, MinSize, ErrBatchTooLarge},
		{"index == size", Delta{{MinSize, 1}}, 1, MinSize, ErrIndexOutOfRange},
		{"index max uint32", Delta{{^uint32(0), 1}}, 2, MaxSize, ErrIndexOutOfRange},
		{"value 2 at 1 bit", Delta{{1, 2}}, 1, MinSize, ErrValueTooWide},
		{"value 4 at 2 bits", Delta{{1, 4}}, 2, MinSize, ErrValueTooWide},
		{"value 255", Delta{{1, 255}}, 2, MinSize, ErrValueTooWide},
		{"duplicate same value", Delta{{1, 1}, {1, 1}}, 1, MinSize, ErrDuplicateIndex},
		{"duplicate far apart", Delta{{1, 1}, {2, 0}, {70000, 1}, {1, 0}}, 1, MinSize, ErrDuplicateIndex},
		{"bad bits", Delta{{1, 1}}, 3, MinSize, ErrInvalidBits},
		{"bad size", Delta{{1, 1}}, 1, 1000, ErrSizeTooSmall},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := slices.Clone(tc.d)
			err := tc.d.Validate(tc.bits, tc.size)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if !slices.Equal(before, tc.d) {
				t.Fatal("Validate modified the delta")
			}
		})
	}
}

func TestGroupByPage(t *testing.T) {
	d := Delta{{70000, 1}, {5, 1}, {32768, 1}, {32767, 0}, {1, 1}, {65536, 1}}
	got := GroupByPage(d, 1)
	want := []PageDelta{
		{Page: 0, Entries: []PageEntry{{1, 1}, {5, 1}, {32767, 0}}},
		{Page: 1, Entries: []PageEntry{{0, 1}}},
		{Page: 2, Entries: []PageEntry{{0, 1}, {70000 - 65536, 1}}},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i].Page != want[i].Page || !slices.Equal(got[i].Entries, want[i].Entries) {
			t.Fatalf("page %d: got %+v want %+v", i, got[i], want[i])
		}
	}
	if d[0].Index != 70000 {
		t.Fatal("GroupByPage reordered its input")
	}
	// Deterministic: any permutation gives the same grouping.
	rev := slices.Clone(d)
	slices.Reverse(rev)
	got2 := GroupByPage(rev, 1)
	for i := range got {
		if got[i].Page != got2[i].Page || !slices.Equal(got[i].Entries, got2[i].Entries) {
			t.Fatal("grouping depends on input order")
		}
	}
	if !slices.Equal(d.Pages(1), []uint32{0, 1, 2}) || !slices.Equal(d.Pages(2), []uint32{0, 1, 2, 4}) {
		t.Fatalf("Pages: %v %v", d.Pages(1), d.Pages(2))
	}
	dup := GroupByPage(Delta{{5, 1}, {3, 1}, {5, 0}}, 1)
	if len(dup) != 1 || !slices.Equal(dup[0].Entries, []PageEntry{{3, 1}, {5, 1}, {5, 0}}) {
		t.Fatalf("equal indices must keep input order: %+v", dup)
	}
	if GroupByPage(nil, 1) != nil {
		t.Fatal("empty delta")
	}

	// Applying page by page (the keeper path) equals List.Apply.
	l, _ := NewList(1, MinSize)
	if err := l.Apply(d); err != nil {
		t.Fatal(err)
	}
	pages := map[uint32][]byte{}
	for _, pd := range got {
		page := make([]byte, PageBytes)
		if err := pd.ApplyTo(page, 1); err != nil {
			t.Fatal(err)
		}
		pages[pd.Page] = page
	}
	for p, page := range pages {
		lp, _ := l.Page(p)
		if !bytes.Equal(lp, page) {
			t.Fatalf("page %d differs", p)
		}
	}
}

func TestPageDeltaApplyTo(t *testing.T) {
	page := make([]byte, PageBytes)
	for _, c := range []struct {
		name string
		pd   PageDelta
		page []byte
		bits uint8
		want error
	}{
		{"short page", PageDelta{Entries: []PageEntry{{0, 1}}}, make([]byte, 10), 1, ErrBadPage},
		{"bad bits", PageDelta{Entries: []PageEntry{{0, 1}}}, page, 3, ErrInvalidBits},
		{"offset", PageDelta{Entries: []PageEntry{{0, 1}, {32768, 1}}}, page, 1, ErrOffsetOutOfRange},
		{"value", PageDelta{Entries: []PageEntry{{0, 1}, {1, 4}}}, page, 2, ErrValueTooWide},
	} {
		if err := c.pd.ApplyTo(c.page, c.bits); !errors.Is(err, c.want) {
			t.Errorf("%s: got %v want %v", c.name, err, c.want)
		}
	}
	if !bytes.Equal(page, make([]byte, PageBytes)) {
		t.Fatal("failed ApplyTo changed the page")
	}
}

func TestList(t *testing.T) {
	if _, err := NewList(3, MinSize); !errors.Is(err, ErrInvalidBits) {
		t.Fatal(err)
	}
	l, err := NewList(2, MinSize)
	if err != nil {
		t.Fatal(err)
	}
	if l.Bits() != 2 || l.Size() != MinSize || l.NumPages() != 8 || len(l.Bytes()) != MinSize*2/8 {
		t.Fatal("accessors")
	}
	if err := l.Apply(Delta{{0, StatusInvalid}, {MinSize - 1, StatusSuspended}, {20000, 3}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		i uint32
		v uint8
	}{{0, 1}, {1, 0}, {MinSize - 1, 2}, {20000, 3}, {19999, 0}} {
		if got, err := l.Get(c.i); err != nil || got != c.v {
			t.Fatalf("Get(%d) = %d, %v", c.i, got, err)
		}
	}
	if _, err := l.Get(MinSize); !errors.Is(err, ErrIndexOutOfRange) {
		t.Fatal("Get out of range")
	}
	// All-or-nothing: a bad entry at the end leaves the list unchanged.
	before := l.Bytes()
	for _, d := range []Delta{
		{{1, 1}, {2, 2}, {MinSize, 1}},
		{{1, 1}, {2, 9}},
		{{1, 1}, {1, 2}},
	} {
		if err := l.Apply(d); err == nil {
			t.Fatal("bad delta applied")
		}
		if !bytes.Equal(before, l.Bytes()) {
			t.Fatal("failed Apply changed the list")
		}
	}
	// Pages.
	p0, _ := l.Page(0)
	if p0[0] != 0x01 {
		t.Fatalf("page 0 byte 0 = %x", p0[0])
	}
	p0[0] = 0xff // a copy
	if v, _ := l.Get(0); v != 1 {
		t.Fatal("Page returned an alias")
	}
	if _, err := l.Page(8); !errors.Is(err, ErrBadPage) {
		t.Fatal("Page out of range")
	}
	if err := l.SetPage(1, make([]byte, 10)); !errors.Is(err, ErrBadPage) {
		t.Fatal("SetPage short")
	}
	if err := l.SetPage(9, make([]byte, PageBytes)); !errors.Is(err, ErrBadPage) {
		t.Fatal("SetPage out of range")
	}
	np := make([]byte, PageBytes)
	np[0] = 0x02 // entry 16384 = SUSPENDED
	if err := l.SetPage(1, np); err != nil {
		t.Fatal(err)
	}
	if v, _ := l.Get(16384); v != StatusSuspended {
		t.Fatal("SetPage not visible")
	}
	if err := l.SetPage(1, nil); err != nil {
		t.Fatal(err)
	}
	if v, _ := l.Get(16384); v != 0 {
		t.Fatal("SetPage(nil) did not clear")
	}
	// ListFromBytes.
	l2, err := ListFromBytes(2, l.Bytes())
	if err != nil || !bytes.Equal(l2.Bytes(), l.Bytes()) || l2.Size() != l.Size() {
		t.Fatalf("ListFromBytes: %v", err)
	}
	for _, c := range []struct {
		bits uint8
		raw  []byte
		want error
	}{
		{4, make([]byte, 65536), ErrInvalidBits},
		{1, make([]byte, 100), ErrSizeNotAligned},
		{1, make([]byte, PageBytes), ErrSizeTooSmall},
		{1, make([]byte, MaxSize/8+PageBytes), ErrSizeTooLarge},
	} {
		if _, err := ListFromBytes(c.bits, c.raw); !errors.Is(err, c.want) {
			t.Errorf("ListFromBytes(%d, %d bytes) = %v, want %v", c.bits, len(c.raw), err, c.want)
		}
	}
	// Encodings of a List.
	lst, err := l.TokenStatusList()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := DecodeTokenStatusList(lst, 2)
	if err != nil || !bytes.Equal(raw, l.Bytes()) {
		t.Fatal("TokenStatusList round trip")
	}
	enc, err := l.BitstringStatusList()
	if err != nil {
		t.Fatal(err)
	}
	msb, err := DecodeBitstring(enc)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := BitstringStatusAt(msb, MinSize-1, 2); v != StatusSuspended {
		t.Fatal("W3C view of last entry")
	}
}

// TestW3COrderConversion proves entry i reads the same value in the LSB-first
// (IETF/page) layout and, after conversion, in the W3C MSB-first layout.
func TestW3COrderConversion(t *testing.T) {
	// Every possible byte, for every width.
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	for _, bits := range []uint8{1, 2, 4, 8} {
		msb, err := ToBitstringOrder(all, bits)
		if err != nil {
			t.Fatal(err)
		}
		per := 8 / int(bits)
		for i := 0; i < len(all)*per; i++ {
			lsbV := refLSB(all, i, int(bits))
			if w3c := refMSB(msb, i, int(bits)); w3c != lsbV {
				t.Fatalf("bits %d index %d: LSB %d, W3C %d", bits, i, lsbV, w3c)
			}
			if got, _ := BitstringStatusAt(msb, uint32(i), bits); got != lsbV {
				t.Fatalf("BitstringStatusAt bits %d index %d", bits, i)
			}
		}
		back, _ := FromBitstringOrder(msb, bits)
		if !bytes.Equal(back, all) {
			t.Fatalf("bits %d: conversion is not an involution", bits)
		}
	}
	// Spot checks of the byte maps described in the package doc.
	m1, _ := ToBitstringOrder([]byte{0x01, 0xb9}, 1)
	m2, _ := ToBitstringOrder([]byte{0x01, 0xc9}, 2)
	if !bytes.Equal(m1, []byte{0x80, 0x9d}) || !bytes.Equal(m2, []byte{0x40, 0x63}) {
		t.Fatalf("got %x %x", m1, m2)
	}
	if _, err := ToBitstringOrder(all, 3); !errors.Is(err, ErrInvalidBits) {
		t.Fatal("bits 3")
	}
	if _, err := BitstringStatusAt(all, 0, 0); !errors.Is(err, ErrInvalidBits) {
		t.Fatal("statusSize 0")
	}
	if _, err := BitstringStatusAt(all, 2048, 1); !errors.Is(err, ErrIndexOutOfRange) {
		t.Fatal("out of range")
	}
}
