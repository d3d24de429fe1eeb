// Package sdjwt implements Selective Disclosure for JWTs (RFC 9901): making
// claims selectively disclosable (Conceal, Issue), holder-side selection of
// disclosures with key binding (Parse, SDJWT.Present), and strict verification
// of presentations (Verify) with stable failure reasons (Reason, VerifyError).
//
// Verify is the verifier service's hot path. Before any parsing it bounds the
// input size and the number of '~' segments; JSON is read with jsonstrict
// (duplicate keys, lone surrogate escapes and excess depth rejected); JWS are
// read with the lean credential/jws parser and an explicit algorithm
// allow-list; the issuer key comes only from the caller's IssuerKeyFunc, never
// from token headers.
//
// SD-JWT VC rules (typ, vct, DID issuer keys, status) live in credential/sdjwtvc.
package sdjwt
