// Package didcore is the W3C DID Core (v1.0) data model as Amanah uses it:
// DID and DID URL syntax, did:amanah identifiers, DID documents with
// deterministic JSON, and the validation rules a document must pass.
//
// JSON is read with jsonstrict (duplicate member names at any level, invalid
// UTF-8, lone surrogate escapes and trailing data are refused). Two decoders
// exist. json.Unmarshal / ParseDocument are strict: unknown members (at the top
// level, in verification methods and in services), case variants of member
// names and null values are rejected as well, because the ledger stores and
// hashes the re-marshalled document and nothing may be silently dropped or
// replaced. ParseDocumentLenient keeps unknown members as Extensions for
// reading documents of other methods.
//
// Two rule sets exist. Validate is the ledger profile: @context is required,
// only Multikey, Ed25519VerificationKey2020, JsonWebKey and JsonWebKey2020
// methods with Ed25519, P-256 or secp256k1 keys are allowed, method ids live
// under the document's DID, and extensions are refused. ValidateCore checks
// DID Core conformance for documents of any method (as in the DID test
// suite): @context may be absent in plain JSON, and methods of other types or
// curves (e.g. X25519 key agreement keys) are checked only for shape.
// Neither requires did:amanah; the ledger adds that on top (CheckAmanahID).
//
// Marshalling is deterministic: members in a fixed order (@context, id,
// controller, alsoKnownAs, verificationMethod, authentication,
// assertionMethod, keyAgreement, capabilityInvocation, capabilityDelegation,
// service, then extensions sorted by name), single-element @context,
// controller and service type written as a string, JSON objects inside JWKs,
// endpoint maps and extensions written as jsonstrict.Canonical writes them
// (sorted keys, no whitespace, nesting at most 32 deep counted from the value),
// and strings escaped exactly as encoding/json escapes them (including <, >
// and &), so json.Marshal(doc) and doc.MarshalJSON() produce the same bytes.
package didcore
