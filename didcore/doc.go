// Package didcore is the W3C DID Core (v1.0) data model as Amanah uses it:
// DID and DID URL syntax, did:amanah identifiers, DID documents with
// deterministic JSON, and the validation rules a document must pass.
//
// Two decoders exist. json.Unmarshal / ParseDocument are strict: unknown
// members (at the top level, in verification methods and in services),
// duplicate member names, case variants of member names, null values and
// invalid UTF-8 are all rejected, because the ledger stores and hashes the
// re-marshalled document and nothing may be silently dropped. ParseDocumentLenient
// keeps unknown members as Extensions for reading documents of other methods.
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
// endpoint maps and extensions written with sorted keys and no whitespace,
// and strings escaped exactly as encoding/json escapes them (including <, >
// and &), so json.Marshal(doc) and doc.MarshalJSON() produce the same bytes.
package didcore
