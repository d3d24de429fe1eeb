package statuslist

import (
	"bytes"
	"fmt"
)

// List is an in-memory status list made of PageBytes pages; missing pages
// are all zero. Concurrent readers are safe; writers (Apply, SetPage) need
// exclusive access.
type List struct {
	bits  uint8
	size  uint32
	pages [][]byte // len NumPages; nil = all-zero page
}

// NewList returns an all-VALID list after ValidateParams(bits, size).
func NewList(bits uint8, size uint32) (*List, error) {
	if err := ValidateParams(bits, size); err != nil {
		return nil, err
	}
	return &List{bits: bits, size: size, pages: make([][]byte, NumPages(bits, size))}, nil
}

// ListFromBytes builds a list from a whole LSB-first byte array (e.g. a decoded Token Status List); raw is copied.
func ListFromBytes(bits uint8, raw []byte) (*List, error) {
	if !ValidListBits(bits) {
		return nil, fmt.Errorf("%w: %d (want 1 or 2)", ErrInvalidBits, bits)
	}
	if len(raw)%PageBytes != 0 {
		return nil, fmt.Errorf("%w: %d bytes is not a whole number of %d-byte pages", ErrSizeNotAligned, len(raw), PageBytes)
	}
	entries := uint64(len(raw)) * 8 / uint64(bits)
	if entries > MaxSize {
		return nil, fmt.Errorf("%w: %d entries", ErrSizeTooLarge, entries)
	}
	l, err := NewList(bits, uint32(entries))
	if err != nil {
		return nil, err
	}
	var zero [PageBytes]byte
	for p := range l.pages {
		src := raw[p*PageBytes : (p+1)*PageBytes]
		if !bytes.Equal(src, zero[:]) {
			l.pages[p] = bytes.Clone(src)
		}
	}
	return l, nil
}

// Bits returns the bits per entry.
func (l *List) Bits() uint8 { return l.bits }

// Size returns the number of entries.
func (l *List) Size() uint32 { return l.size }

// NumPages returns the number of pages.
func (l *List) NumPages() uint32 { return uint32(len(l.pages)) }

// Get returns the status of entry index.
func (l *List) Get(index uint32) (uint8, error) {
	if index >= l.size {
		return 0, fmt.Errorf("%w: %d >= size %d", ErrIndexOutOfRange, index, l.size)
	}
	p, off := Locate(index, l.bits)
	page := l.pages[p]
	if page == nil {
		return StatusValid, nil
	}
	return Get(page, off, l.bits), nil
}

// Apply validates d and then writes it; on error the list is unchanged.
func (l *List) Apply(d Delta) error {
	if err := d.Validate(l.bits, l.size); err != nil {
		return err
	}
	for _, e := range d {
		p, off := Locate(e.Index, l.bits)
		if l.pages[p] == nil {
			if e.Value == 0 {
				continue
			}
			l.pages[p] = make([]byte, PageBytes)
		}
		setUnchecked(l.pages[p], off, l.bits, e.Value)
	}
	return nil
}

// Page returns a copy of page p (all zero if never written).
func (l *List) Page(p uint32) ([]byte, error) {
	if p >= uint32(len(l.pages)) {
		return nil, fmt.Errorf("%w: page %d of %d", ErrBadPage, p, len(l.pages))
	}
	if l.pages[p] == nil {
		return make([]byte, PageBytes), nil
	}
	return bytes.Clone(l.pages[p]), nil
}

// SetPage replaces page p with a copy of data, which must be PageBytes long (nil means all zero).
func (l *List) SetPage(p uint32, data []byte) error {
	if p >= uint32(len(l.pages)) {
		return fmt.Errorf("%w: page %d of %d", ErrBadPage, p, len(l.pages))
	}
	if data == nil {
		l.pages[p] = nil
		return nil
	}
	if len(data) != PageBytes {
		return fmt.Errorf("%w: %d bytes, want %d", ErrBadPage, len(data), PageBytes)
	}
	l.pages[p] = bytes.Clone(data)
	return nil
}

// Bytes returns the concatenation of all pages: the Token Status List byte array (LSB-first).
func (l *List) Bytes() []byte {
	out := make([]byte, len(l.pages)*PageBytes)
	for p, page := range l.pages {
		if page != nil {
			copy(out[p*PageBytes:], page)
		}
	}
	return out
}

// TokenStatusList returns the IETF "lst" value of the list.
func (l *List) TokenStatusList() (string, error) {
	return EncodeTokenStatusList(l.bits, l.Bytes())
}

// BitstringStatusList returns the W3C "encodedList" value of the list (statusSize = Bits).
func (l *List) BitstringStatusList() (string, error) {
	return EncodeBitstringStatusList(l.Bytes(), l.bits)
}
