package statuslist

import "errors"

// Parameter and update errors.
var (
	// ErrInvalidBits reports a bits-per-entry value that is not allowed here.
	ErrInvalidBits = errors.New("statuslist: invalid bits per entry")
	// ErrSizeTooSmall reports a list size below MinSize.
	ErrSizeTooSmall = errors.New("statuslist: list size below minimum")
	// ErrSizeTooLarge reports a list size above MaxSize.
	ErrSizeTooLarge = errors.New("statuslist: list size above maximum")
	// ErrSizeNotAligned reports a list size that is not a whole number of pages.
	ErrSizeNotAligned = errors.New("statuslist: list size is not a whole number of pages")
	// ErrIndexOutOfRange reports an entry index at or beyond the list size.
	ErrIndexOutOfRange = errors.New("statuslist: index out of range")
	// ErrValueTooWide reports a status value that does not fit in bits.
	ErrValueTooWide = errors.New("statuslist: value does not fit in bits per entry")
	// ErrDuplicateIndex reports a delta that names the same index twice.
	ErrDuplicateIndex = errors.New("statuslist: duplicate index in delta")
	// ErrEmptyDelta reports a delta with no entries.
	ErrEmptyDelta = errors.New("statuslist: empty delta")
	// ErrBatchTooLarge reports a delta with more than MaxBatch entries.
	ErrBatchTooLarge = errors.New("statuslist: delta has too many entries")
	// ErrBadPage reports a page whose length is not PageBytes or a page number beyond the list.
	ErrBadPage = errors.New("statuslist: bad page")
	// ErrOffsetOutOfRange reports an in-page offset beyond the byte slice given.
	ErrOffsetOutOfRange = errors.New("statuslist: offset out of range")
)

// Decoding errors (untrusted input).
var (
	// ErrBadBase64 reports input that is not strict unpadded base64url.
	ErrBadBase64 = errors.New("statuslist: invalid base64url")
	// ErrMultibasePrefix reports a W3C encodedList without the multibase 'u' prefix.
	ErrMultibasePrefix = errors.New("statuslist: missing or unsupported multibase prefix")
	// ErrBadCompression reports a corrupt zlib or gzip stream (header, data or checksum).
	ErrBadCompression = errors.New("statuslist: invalid compressed data")
	// ErrTrailingData reports bytes after the end of the compressed stream.
	ErrTrailingData = errors.New("statuslist: trailing data after compressed stream")
	// ErrTooLarge reports decompressed data (or input text) above the configured maximum.
	ErrTooLarge = errors.New("statuslist: data exceeds size limit")
	// ErrLength reports a decompressed list of impossible length (empty, or not the expected length).
	ErrLength = errors.New("statuslist: wrong list length")
	// ErrBitstringTooShort reports a W3C bitstring below 16 KiB (W3C STATUS_LIST_LENGTH_ERROR).
	ErrBitstringTooShort = errors.New("statuslist: bitstring shorter than the 16KB minimum")
	// ErrMalformedClaim reports a status_list JSON object that is not well formed.
	ErrMalformedClaim = errors.New("statuslist: malformed status_list claim")
)
