// Package jsonstrict is Amanah's one reader of untrusted JSON (RFC 8259). It refuses what
// encoding/json silently accepts or repairs, and writes the canonical JSON the ledger stores.
//
// # Rules
//
// Every reader in this package accepts exactly the same inputs (for the same Limits); they
// differ only in what they return. An input is accepted only if all of these hold:
//
//   - Size: the input is at most Limits.MaxBytes long, checked before reading (ErrTooLarge).
//     Zero means no limit.
//   - One value: the input is exactly one JSON value, optionally surrounded by JSON
//     whitespace (space, tab, LF, CR). Anything after the value is ErrTrailingData.
//   - Grammar: RFC 8259 exactly. No comments, trailing commas, single quotes, NaN or
//     Infinity, leading '+' or leading zeros; literals are lower-case true, false and null;
//     strings contain no raw control character U+0000 to U+001F and only the escapes
//     \" \\ \/ \b \f \n \r \t and \uXXXX (ErrSyntax).
//   - UTF-8: strings are valid UTF-8 as utf8.Valid defines it: no stray or truncated
//     bytes, no overlong forms, no encoded surrogates, nothing above U+10FFFF
//     (ErrInvalidUTF8). Bytes of 0x80 and above outside strings are a syntax error.
//   - Surrogates: a \u escape of a high surrogate (D800 to DBFF) must be followed at once by
//     a \u escape of a low surrogate (DC00 to DFFF); any other surrogate escape, such as
//     "\ud800" or "\udc00", is ErrLoneSurrogate (which errors.Is also matches against
//     ErrInvalidUTF8). encoding/json would replace it with U+FFFD.
//   - Unique names: within every object, at every level, member names are distinct after
//     unescaping, so "a" and "\u0061" are the same name (ErrDuplicateMember).
//   - Depth: the top-level value is at depth 0 and a member value or array element is one
//     deeper than the object or array that holds it. A value deeper than Limits.MaxDepth
//     (DefaultMaxDepth when zero or less) is ErrTooDeep. With 32, a scalar may sit inside 32
//     nested arrays, and 33 nested arrays are accepted only if the innermost is empty.
//   - Numbers are kept as written (json.Number, or verbatim in Canonical): no range check,
//     no normalisation.
//
// A reader that needs a given type reports ErrNotObject, ErrNotArray or ErrNotString for an
// otherwise valid input of another type. Errors carry the byte offset where reading stopped.
//
// # Readers
//
//   - Decode and DecodeObject build Go values: map[string]any, []any, string, json.Number,
//     bool and nil. They are single-pass and allocation-lean (credential verification is a
//     hot path).
//   - Members returns an object's members in document order with their raw values;
//     Elements returns an array's raw elements; String returns a string's value. The raw
//     values are the bytes as written, without surrounding whitespace, copied out of the
//     input. The whole input is checked, not only the level returned.
//   - Canonical returns the canonical encoding of a value (below).
//
// # Canonical JSON
//
// Canonical writes no whitespace; object members sorted by name, comparing the UTF-8 bytes
// of the unescaped names (Go string order); array elements in order; numbers and literals
// verbatim; strings escaped as encoding/json escapes them with HTML escaping on (the
// AppendString rules): \" and \\; \b \f \n \r \t; every other character below U+0020 as
// \u00XX with lower-case hex; <, > and & as \u003c, \u003e and \u0026; U+2028 and U+2029 as
// \u2028 and \u2029; everything else, DEL and '/' included, as raw UTF-8. So
// Canonical(b) equals json.Marshal of Decode(b).
//
// Canonical bytes are consensus bytes: x/did stores DID documents in this form (through
// didcore) and hashes them. testdata/canonical-golden.jsonl pins them against the readers
// this package replaced; a change to any byte is a state break.
package jsonstrict
