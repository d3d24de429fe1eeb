// Package didsign is the client side of DID-key signatures (x/did sign bytes): loading a
// private JWK file, choosing the verification method of a key in the relationship a module
// checks (capabilityInvocation for x/did and x/trust, assertionMethod for x/status), the chain
// id to sign for, and signing a message payload into the []didtypes.DidSignature the message
// carries. It knows no command-line flags: the CLIs, the demo and the bench tools share it.
package didsign

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/cosmos/cosmos-sdk/client"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/gogoproto/proto"

	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/keys"
	didtypes "github.com/amanah-id/amanah/x/did/types"
)

// ErrNoMethod: a document has no verification method with the key.
var ErrNoMethod = errors.New("no verification method with the key")

// ErrWrongRelationship: a document has the key, but not in the relationship asked for.
var ErrWrongRelationship = errors.New("the key's verification method is not in the relationship")

// ReadKey loads a private JWK file. A read error is returned as it is (it names the file); a
// parse error is prefixed with the path.
func ReadKey(path string) (keys.PrivateKey, error) {
	if path == "" {
		return keys.PrivateKey{}, errors.New("no key file given")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return keys.PrivateKey{}, err
	}
	k, err := keys.ParsePrivateJWK(b)
	if err != nil {
		return keys.PrivateKey{}, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// ReadKeys loads several private JWK files, in order; at least one is required.
func ReadKeys(paths []string) ([]keys.PrivateKey, error) {
	if len(paths) == 0 {
		return nil, errors.New("no key file given")
	}
	out := make([]keys.PrivateKey, 0, len(paths))
	for _, p := range paths {
		k, err := ReadKey(p)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, nil
}

// FindMethod returns the absolute id of the first method of doc in relationship rel whose key
// is pub. Otherwise the error wraps ErrWrongRelationship when doc has the key only in other
// relationships (or only as a bare verification method), else ErrNoMethod.
func FindMethod(doc *didcore.Document, rel didcore.Relationship, pub keys.PublicKey) (string, error) {
	if id := didtypes.FindMethod(doc, rel, pub); id != "" {
		return id, nil
	}
	if hasKey(doc, pub) {
		return "", methodError{fmt.Sprintf("the key is a method of %s but not %s", doc.ID, article(rel)), ErrWrongRelationship}
	}
	return "", methodError{fmt.Sprintf("the key is not %s of %s", article(rel), doc.ID), ErrNoMethod}
}

// hasKey reports whether any method of doc, listed or embedded in a relationship, has key pub.
func hasKey(doc *didcore.Document, pub keys.PublicKey) bool {
	for _, vm := range doc.VerificationMethods {
		if k, err := vm.PublicKey(); err == nil && k.Equal(pub) {
			return true
		}
	}
	for _, rel := range didcore.Relationships {
		if didtypes.FindMethod(doc, rel, pub) != "" {
			return true
		}
	}
	return false
}

// methodError is a message of its own that matches ErrNoMethod or ErrWrongRelationship.
type methodError struct {
	msg  string
	kind error
}

func (e methodError) Error() string { return e.msg }
func (e methodError) Unwrap() error { return e.kind }

// article is rel with "a" or "an" before it.
func article(rel didcore.Relationship) string {
	if rel == didcore.AssertionMethod {
		return "an " + string(rel)
	}
	return "a " + string(rel)
}

// Resolve returns the latest document of an active DID and its version id.
func Resolve(ctx context.Context, qc didtypes.QueryClient, did string) (*didcore.Document, string, error) {
	res, err := qc.Resolve(ctx, &didtypes.QueryResolveRequest{Did: did})
	if err != nil {
		return nil, "", fmt.Errorf("resolve %s: %w", did, err)
	}
	if e := res.DidResolutionMetadata.Error; e != "" {
		return nil, "", fmt.Errorf("resolve %s: %s: %s", did, e, res.DidResolutionMetadata.ErrorMessage)
	}
	doc, err := didcore.ParseDocument(res.DidDocument)
	if err != nil {
		return nil, "", fmt.Errorf("resolve %s: %w", did, err)
	}
	var version string
	if md := res.DidDocumentMetadata; md != nil {
		version = md.VersionId
	}
	return doc, version, nil
}

// ResolveMethod resolves did and returns its first method in relationship rel whose key is pub.
func ResolveMethod(ctx context.Context, qc didtypes.QueryClient, did string, rel didcore.Relationship, pub keys.PublicKey) (string, error) {
	doc, _, err := Resolve(ctx, qc, did)
	if err != nil {
		return "", err
	}
	return FindMethod(doc, rel, pub)
}

// ChainID is the client context's chain id (--chain-id), else the connected node's network.
func ChainID(ctx context.Context, clientCtx client.Context) (string, error) {
	if clientCtx.ChainID != "" {
		return clientCtx.ChainID, nil
	}
	node, err := clientCtx.GetNode()
	if err != nil {
		return "", fmt.Errorf("no --chain-id and no node: %w", err)
	}
	st, err := node.Status(ctx)
	if err != nil {
		return "", fmt.Errorf("no --chain-id and node status failed: %w", err)
	}
	return st.NodeInfo.Network, nil
}

// Sign signs payload, the payload of msg, for chainID with key as verification method method:
// the one signature the message carries.
func Sign(chainID string, msg sdk.Msg, payload proto.Message, method string, key keys.PrivateKey) ([]didtypes.DidSignature, error) {
	sig, err := didtypes.Sign(chainID, sdk.MsgTypeURL(msg), payload, method, key)
	if err != nil {
		return nil, err
	}
	return []didtypes.DidSignature{sig}, nil
}

// SignAll signs payload, the payload of msg, for chainID with every key, once for each method
// in relationship rel of docs that holds it (a method is used once however many keys or
// documents name it). Every key must be in some such method: the error for the first that is
// not names it by its position, from 1, and wraps ErrNoMethod.
func SignAll(chainID string, msg sdk.Msg, payload proto.Message, privs []keys.PrivateKey, docs []*didcore.Document, rel didcore.Relationship) ([]didtypes.DidSignature, error) {
	typeURL := sdk.MsgTypeURL(msg)
	var sigs []didtypes.DidSignature
	done := map[string]bool{}
	for i, priv := range privs {
		found := false
		for _, d := range docs {
			for _, vm := range d.MethodsFor(rel) {
				if k, err := vm.PublicKey(); err != nil || !k.Equal(priv.Public()) {
					continue
				}
				found = true
				if done[vm.ID] {
					continue
				}
				done[vm.ID] = true
				s, err := didtypes.Sign(chainID, typeURL, payload, vm.ID, priv)
				if err != nil {
					return nil, err
				}
				sigs = append(sigs, s)
			}
		}
		if !found {
			return nil, methodError{fmt.Sprintf("key #%d is not %s key of the DID or its controllers", i+1, article(rel)), ErrNoMethod}
		}
	}
	return sigs, nil
}
