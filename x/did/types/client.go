package types

import (
	"fmt"

	"github.com/cosmos/gogoproto/proto"

	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/keys"
)

// ContextMultikey is the JSON-LD context of Multikey verification methods.
const ContextMultikey = "https://w3id.org/security/multikey/v1"

// NewDocument returns the default document of a key: did:amanah:<network>:<id of pub>, one
// Multikey method #key-1 in authentication, assertionMethod and capabilityInvocation.
func NewDocument(network string, pub keys.PublicKey) *didcore.Document {
	did := didcore.AmanahDID(network, pub)
	ref := []didcore.MethodRef{{Ref: did + "#key-1"}}
	return &didcore.Document{
		Context: []string{didcore.ContextV1, ContextMultikey},
		ID:      did,
		VerificationMethods: []didcore.VerificationMethod{{
			ID: did + "#key-1", Type: didcore.TypeMultikey, Controller: did, PublicKeyMultibase: pub.Multikey(),
		}},
		Authentication:       ref,
		AssertionMethod:      ref,
		CapabilityInvocation: ref,
	}
}

// Sign returns the signature of methodID with priv over SignBytes(chainID, typeURL, payload).
func Sign(chainID, typeURL string, payload proto.Message, methodID string, priv keys.PrivateKey) (DidSignature, error) {
	sb, err := SignBytes(chainID, typeURL, payload)
	if err != nil {
		return DidSignature{}, err
	}
	sig, err := priv.Sign(sb)
	if err != nil {
		return DidSignature{}, fmt.Errorf("sign with %s: %w", methodID, err)
	}
	return DidSignature{VerificationMethod: methodID, Signature: sig}, nil
}

// FindMethod returns the absolute id of the first method of doc in relationship rel whose key
// is pub, or "" if none.
func FindMethod(doc *didcore.Document, rel didcore.Relationship, pub keys.PublicKey) string {
	for _, vm := range doc.MethodsFor(rel) {
		if k, err := vm.PublicKey(); err == nil && k.Equal(pub) {
			return vm.ID
		}
	}
	return ""
}
