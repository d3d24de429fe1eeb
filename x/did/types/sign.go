package types

import (
	"fmt"

	"github.com/cosmos/gogoproto/proto"

	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/keys"
)

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
