// Package statuslist is the pure-Go core of Amanah's revocation and
// suspension lists: page arithmetic, bit deltas, an in-memory list, and the
// two wire encodings verifiers consume (IETF Token Status List and W3C
// Bitstring Status List v1.0). It has no chain or network dependencies; the
// x/status module stores pages and the verifier caches them, both through
// this package.
//
// # Lists
//
// A status list belongs to one issuer and holds Size entries of Bits bits
// each. Chain lists use 1 bit (0 valid, 1 revoked) or 2 bits (0 VALID,
// 1 INVALID/revoked, 2 SUSPENDED, 3 application specific, as in the IETF
// Token Status List). Size is between MinSize (131,072 entries, the W3C
// herd-privacy minimum of 16 KiB at 1 bit) and MaxSize (16,777,216 entries,
// 2 MiB at 1 bit, 4 MiB at 2 bits) and must be a whole number of pages.
//
// # Pages
//
// The list is stored as fixed-size pages of PageBytes (4 KiB) bytes:
// EntriesPerPage(1) = 32,768 and EntriesPerPage(2) = 16,384 entries. Entry i
// lives in page i / EntriesPerPage(bits) at offset i % EntriesPerPage(bits)
// (see Locate). An update touches only the pages containing its indices, so
// the store reads and writes (and the chain charges gas for) a bounded
// number of 4 KiB pages however large the list is: a 16M-entry list costs
// the same per update as a 131k-entry one. Pages that were never written are
// all zero (every entry VALID) and need not be stored.
//
// # Bit order
//
// Inside a page the layout is exactly the IETF Token Status List byte array:
// entries are packed least-significant-bit first. With 1 bit, entry 0 is bit
// 0 (value 0x01) of byte 0 and entry 7 is bit 7 (0x80); with 2 bits, entry 0
// is bits 0-1 of byte 0 and entry 3 is bits 6-7. Because pages are whole
// bytes, the concatenation of pages 0..n-1 IS the Token Status List byte
// array, and its "lst" is zlib of that concatenation with no re-packing.
//
// The W3C Bitstring Status List reads the other way round: index 0 is the
// left-most (most significant) bit of byte 0, and a statusSize-wide entry is
// read left to right. ToBitstringOrder and FromBitstringOrder convert
// between the two layouts byte by byte (bit reversal for 1 bit; reversal of
// the order of the 2-bit groups, keeping each group's own bit order, for 2
// bits).
//
// # Deltas
//
// Updates are Deltas: lists of (index, new value) entries, at most MaxBatch
// per update, with no duplicate index. Delta.Validate checks a delta against
// a list's parameters and GroupByPage splits it into per-page work in a
// deterministic (sorted) order, as chain code requires.
//
// # Untrusted input
//
// DecodeTokenStatusList, ParseStatusListClaim and DecodeBitstring parse data
// from the network. They bound the decompressed size (zip-bomb protection,
// DefaultMaxDecompressedBytes unless WithMaxDecompressedBytes says
// otherwise), reject trailing bytes after the compressed stream, non-strict
// base64, a wrong multibase prefix and impossible lengths, each with its own
// sentinel error for errors.Is.
package statuslist
