// Package jws parses, verifies and produces JWS Compact Serialization tokens
// (RFC 7515) restricted to the asymmetric algorithms Amanah accepts: EdDSA
// (Ed25519), ES256 (P-256) and ES256K (secp256k1).
//
// It exists beside go-jose because presentation verification is the verifier
// service's hot path: go-jose's parse costs ~13 µs per JWS and its EdDSA path
// uses crypto/ed25519, while this package decodes the three segments once,
// reads the protected header with the strict JSON decoder and hands the
// signature to the key's own Verify (curve25519-voi for Ed25519). It rejects
// everything go-jose's ParseSigned would reject for compact tokens (wrong
// segment count, bad base64url, non-object header, alg outside the allow-list,
// unsupported "crit", "b64": false) and more: duplicate header members,
// whitespace inside the token, "none" and HMAC algorithms even if a caller
// lists them, and key-carrying headers ("jwk", "jku", "x5u", "x5c"), because
// a verification key must never come from the token it verifies. The fuzz and
// differential tests check that every token accepted here is accepted by
// go-jose with the same header and payload.
package jws
