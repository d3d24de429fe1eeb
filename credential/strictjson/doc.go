// Package strictjson decodes untrusted JSON (RFC 8259) into generic Go values
// while rejecting what encoding/json silently accepts: duplicate object member
// names, nesting deeper than a limit, invalid UTF-8 and lone surrogate escapes.
//
// Decoded values are map[string]any, []any, string, json.Number, bool and nil.
// Numbers are kept as json.Number so integers such as NumericDate values are
// exact and re-encode byte for byte. The decoder is a single pass over the
// input, which makes it faster than encoding/json's scan-then-decode on the
// small JWT payloads and disclosures it is used for.
package strictjson
