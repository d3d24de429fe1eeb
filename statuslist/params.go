package statuslist

import "fmt"

const (
	// MinSize is the smallest list, in entries (W3C herd-privacy minimum, 16 KiB at 1 bit).
	MinSize = 131072
	// MaxSize is the largest list, in entries (2^24: 2 MiB at 1 bit, 4 MiB at 2 bits).
	MaxSize = 16777216
	// PageBytes is the fixed size of one stored page.
	PageBytes = 4096
	// MaxBatch is the largest number of entries in one Delta.
	MaxBatch = 10000
	// MaxPages is the largest number of pages of any valid list (MaxSize at 2 bits).
	MaxPages = MaxSize * 2 / 8 / PageBytes
)

// Status values shared by the IETF Token Status List and our 2-bit lists.
const (
	// StatusValid is 0x00 VALID (not revoked, not suspended).
	StatusValid uint8 = 0x00
	// StatusInvalid is 0x01 INVALID (revoked).
	StatusInvalid uint8 = 0x01
	// StatusSuspended is 0x02 SUSPENDED (2-bit lists only).
	StatusSuspended uint8 = 0x02
	// StatusApplicationSpecific is 0x03, reserved for application use.
	StatusApplicationSpecific uint8 = 0x03
)

// ValidListBits reports whether bits is allowed for a chain list (1 or 2).
func ValidListBits(bits uint8) bool { return bits == 1 || bits == 2 }

// ValidCodecBits reports whether bits is allowed by the IETF Token Status List (1, 2, 4 or 8).
func ValidCodecBits(bits uint8) bool { return bits == 1 || bits == 2 || bits == 4 || bits == 8 }

// ValidateParams checks the bits and size of a chain list.
func ValidateParams(bits uint8, size uint32) error {
	if !ValidListBits(bits) {
		return fmt.Errorf("%w: %d (want 1 or 2)", ErrInvalidBits, bits)
	}
	if size < MinSize {
		return fmt.Errorf("%w: %d < %d", ErrSizeTooSmall, size, MinSize)
	}
	if size > MaxSize {
		return fmt.Errorf("%w: %d > %d", ErrSizeTooLarge, size, MaxSize)
	}
	if epp := EntriesPerPage(bits); size%epp != 0 {
		return fmt.Errorf("%w: %d is not a multiple of %d", ErrSizeNotAligned, size, epp)
	}
	return nil
}

// EntriesPerPage returns how many entries of bits bits fit in one page (0 if bits is not 1, 2, 4 or 8).
func EntriesPerPage(bits uint8) uint32 {
	if !ValidCodecBits(bits) {
		return 0
	}
	return PageBytes * 8 / uint32(bits)
}

// NumPages returns the number of pages of a list of size entries (size must be page-aligned, see ValidateParams).
func NumPages(bits uint8, size uint32) uint32 {
	epp := EntriesPerPage(bits)
	if epp == 0 {
		return 0
	}
	return (size + epp - 1) / epp
}

// Locate returns the page number and in-page offset of entry index; it panics if bits is not 1, 2, 4 or 8.
func Locate(index uint32, bits uint8) (page uint32, offset uint32) {
	epp := EntriesPerPage(bits)
	if epp == 0 {
		panic(fmt.Sprintf("statuslist: Locate with invalid bits %d", bits))
	}
	return index / epp, index % epp
}

// mask returns the value mask for bits bits.
func mask(bits uint8) uint8 { return uint8(uint32(1)<<bits - 1) }

// Get reads the entry at offset from page (or any LSB-first byte array); offset must be in range and bits 1, 2, 4 or 8.
func Get(page []byte, offset uint32, bits uint8) uint8 {
	bitpos := uint64(offset) * uint64(bits)
	return (page[bitpos>>3] >> (bitpos & 7)) & mask(bits)
}

// Set writes value at offset in page (or any LSB-first byte array).
func Set(page []byte, offset uint32, bits uint8, value uint8) error {
	if !ValidCodecBits(bits) {
		return fmt.Errorf("%w: %d", ErrInvalidBits, bits)
	}
	m := mask(bits)
	if value > m {
		return fmt.Errorf("%w: value %d with %d bits", ErrValueTooWide, value, bits)
	}
	bitpos := uint64(offset) * uint64(bits)
	if bitpos>>3 >= uint64(len(page)) {
		return fmt.Errorf("%w: offset %d in %d bytes", ErrOffsetOutOfRange, offset, len(page))
	}
	shift := bitpos & 7
	b := &page[bitpos>>3]
	*b = *b&^(m<<shift) | value<<shift
	return nil
}

// StatusAt reads entry index of a whole LSB-first (Token Status List) byte array, checking bounds.
func StatusAt(raw []byte, index uint32, bits uint8) (uint8, error) {
	if !ValidCodecBits(bits) {
		return 0, fmt.Errorf("%w: %d", ErrInvalidBits, bits)
	}
	if uint64(index)*uint64(bits) >= uint64(len(raw))*8 {
		return 0, fmt.Errorf("%w: %d", ErrIndexOutOfRange, index)
	}
	return Get(raw, index, bits), nil
}
