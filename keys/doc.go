// Package keys holds the public and private signing keys Amanah accepts
// (Ed25519, NIST P-256 and secp256k1) and their encodings: raw bytes, JWK
// (RFC 7517/7518/8037), Multikey (multibase base58btc + multicodec) and did:jwk.
//
// Signatures use the JOSE forms: Ed25519 signs the message itself (64 bytes);
// ECDSA signs SHA-256(message) and is encoded as the 64-byte r||s
// concatenation (RFC 7518 section 3.4), not DER.
//
// Verification rules, which are consensus-relevant and must not drift:
//
//   - Ed25519 is verified with curve25519-voi using its VerifyOptionsStdLib
//     preset: the same accept/reject verdict as Go's crypto/ed25519
//     (cofactorless equation, S must be canonical, R compared as its canonical
//     encoding). Public keys are additionally screened on import: a key that
//     is not a canonical encoding of a point, or is a small-order point, is
//     rejected with ErrInvalidKey, so the stdlib's leniency for such keys is
//     never reached.
//   - P-256 accepts any S in [1, n-1] (ES256 interop); Sign emits low-S.
//   - secp256k1 rejects high-S signatures (S > n/2) as malleable; Sign emits
//     low-S (RFC 6979 deterministic nonces, via dcrd).
//
// Parsers are strict: JSON read by jsonstrict (no duplicate members, valid
// UTF-8, no lone surrogate escapes, no trailing data), exact member names,
// unpadded canonical base64url, exact lengths, points on the curve, and no
// private material where a public key is expected.
package keys
