package didsign_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cosmos/cosmos-sdk/client"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/testutil"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"

	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/x/did"
	"github.com/amanah-id/amanah/x/did/client/didsign"
	"github.com/amanah-id/amanah/x/did/keeper"
	didtypes "github.com/amanah-id/amanah/x/did/types"
)

const chainID = "amanah-test-1"

func newKey(t *testing.T) keys.PrivateKey {
	t.Helper()
	k, err := keys.Generate(keys.Ed25519)
	require.NoError(t, err)
	return k
}

func writeKey(t *testing.T, k keys.PrivateKey) string {
	t.Helper()
	b, err := k.JWK()
	require.NoError(t, err)
	p := filepath.Join(t.TempDir(), "key.jwk")
	require.NoError(t, os.WriteFile(p, b, 0o600))
	return p
}

func TestReadKey(t *testing.T) {
	k := newKey(t)
	p := writeKey(t, k)
	got, err := didsign.ReadKey(p)
	require.NoError(t, err)
	require.True(t, got.Public().Equal(k.Public()))

	ks, err := didsign.ReadKeys([]string{p, p})
	require.NoError(t, err)
	require.Len(t, ks, 2)

	_, err = didsign.ReadKey("")
	require.Error(t, err)
	_, err = didsign.ReadKeys(nil)
	require.Error(t, err)

	missing := filepath.Join(t.TempDir(), "missing.jwk")
	_, err = didsign.ReadKey(missing)
	require.ErrorIs(t, err, os.ErrNotExist)
	require.ErrorContains(t, err, missing)
	_, err = didsign.ReadKeys([]string{p, missing})
	require.ErrorIs(t, err, os.ErrNotExist)

	bad := filepath.Join(t.TempDir(), "bad.jwk")
	require.NoError(t, os.WriteFile(bad, []byte(`{"kty":"OKP","crv":"Ed25519"}`), 0o600))
	_, err = didsign.ReadKey(bad)
	require.ErrorContains(t, err, bad+": ")

	pubOnly := filepath.Join(t.TempDir(), "pub.jwk")
	pb, err := k.Public().JWK()
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(pubOnly, pb, 0o600))
	_, err = didsign.ReadKey(pubOnly)
	require.ErrorContains(t, err, pubOnly+": ", "a public JWK is not a signing key")
}

// authOnly is the default document of k with a second key that is only in authentication.
func authOnly(t *testing.T, k, other keys.PrivateKey) *didcore.Document {
	t.Helper()
	doc := didtypes.NewDocument(didtypes.DefaultNetwork, k.Public())
	doc.VerificationMethods = append(doc.VerificationMethods, didcore.VerificationMethod{
		ID: doc.ID + "#key-2", Type: didcore.TypeMultikey, Controller: doc.ID, PublicKeyMultibase: other.Public().Multikey(),
	})
	doc.Authentication = append(doc.Authentication, didcore.MethodRef{Ref: doc.ID + "#key-2"})
	return doc
}

func TestFindMethod(t *testing.T) {
	k, k2, stranger := newKey(t), newKey(t), newKey(t)
	doc := authOnly(t, k, k2)
	for _, rel := range []didcore.Relationship{didcore.CapabilityInvocation, didcore.AssertionMethod, didcore.Authentication} {
		id, err := didsign.FindMethod(doc, rel, k.Public())
		require.NoError(t, err)
		require.Equal(t, doc.ID+"#key-1", id)
	}
	id, err := didsign.FindMethod(doc, didcore.Authentication, k2.Public())
	require.NoError(t, err)
	require.Equal(t, doc.ID+"#key-2", id)

	_, err = didsign.FindMethod(doc, didcore.CapabilityInvocation, k2.Public())
	require.ErrorIs(t, err, didsign.ErrWrongRelationship)
	require.ErrorContains(t, err, "capabilityInvocation")
	_, err = didsign.FindMethod(doc, didcore.AssertionMethod, k2.Public())
	require.ErrorIs(t, err, didsign.ErrWrongRelationship)
	require.ErrorContains(t, err, "an assertionMethod")

	_, err = didsign.FindMethod(doc, didcore.AssertionMethod, stranger.Public())
	require.ErrorIs(t, err, didsign.ErrNoMethod)
	require.ErrorContains(t, err, doc.ID)
}

// fakeQuery answers Resolve from a map of documents.
type fakeQuery struct {
	didtypes.QueryClient
	docs map[string]*didcore.Document
}

func (q fakeQuery) Resolve(_ context.Context, in *didtypes.QueryResolveRequest, _ ...grpc.CallOption) (*didtypes.QueryResolveResponse, error) {
	doc, ok := q.docs[in.Did]
	if !ok {
		return &didtypes.QueryResolveResponse{DidResolutionMetadata: didtypes.ResolutionMetadata{Error: "notFound", ErrorMessage: "no such DID"}}, nil
	}
	b, err := doc.MarshalJSON()
	if err != nil {
		return nil, err
	}
	return &didtypes.QueryResolveResponse{DidDocument: b, DidDocumentMetadata: &didtypes.DocumentMetadata{VersionId: "3"}}, nil
}

func TestResolveMethod(t *testing.T) {
	k, k2 := newKey(t), newKey(t)
	doc := authOnly(t, k, k2)
	qc := fakeQuery{docs: map[string]*didcore.Document{doc.ID: doc}}

	got, version, err := didsign.Resolve(context.Background(), qc, doc.ID)
	require.NoError(t, err)
	require.Equal(t, doc.ID, got.ID)
	require.Equal(t, "3", version)

	id, err := didsign.ResolveMethod(context.Background(), qc, doc.ID, didcore.AssertionMethod, k.Public())
	require.NoError(t, err)
	require.Equal(t, doc.ID+"#key-1", id)
	_, err = didsign.ResolveMethod(context.Background(), qc, doc.ID, didcore.AssertionMethod, k2.Public())
	require.ErrorIs(t, err, didsign.ErrWrongRelationship)

	_, _, err = didsign.Resolve(context.Background(), qc, "did:amanah:local:nobody")
	require.ErrorContains(t, err, "notFound: no such DID")
}

func TestChainID(t *testing.T) {
	id, err := didsign.ChainID(context.Background(), client.Context{ChainID: chainID})
	require.NoError(t, err)
	require.Equal(t, chainID, id)
	_, err = didsign.ChainID(context.Background(), client.Context{})
	require.ErrorContains(t, err, "no --chain-id")
}

func TestSignVerifies(t *testing.T) {
	k := newKey(t)
	doc := didtypes.NewDocument(didtypes.DefaultNetwork, k.Public())
	raw, err := doc.MarshalJSON()
	require.NoError(t, err)
	msg := &didtypes.MsgCreateDid{Payload: didtypes.CreateDidPayload{Document: raw}}
	sigs, err := didsign.Sign(chainID, msg, &msg.Payload, doc.ID+"#key-1", k)
	require.NoError(t, err)
	require.Len(t, sigs, 1)
	require.Equal(t, doc.ID+"#key-1", sigs[0].VerificationMethod)
	sb, err := didtypes.SignBytes(chainID, didtypes.TypeURLMsgCreateDid, &msg.Payload)
	require.NoError(t, err)
	require.NoError(t, k.Public().Verify(sb, sigs[0].Signature))
	other, err := didtypes.SignBytes("other-chain", didtypes.TypeURLMsgCreateDid, &msg.Payload)
	require.NoError(t, err)
	require.Error(t, k.Public().Verify(other, sigs[0].Signature), "bound to the chain id")

	_, err = didsign.Sign("", msg, &msg.Payload, doc.ID+"#key-1", k)
	require.Error(t, err)
}

func TestSignAll(t *testing.T) {
	k, k2, stranger := newKey(t), newKey(t), newKey(t)
	doc := authOnly(t, k, k2)
	ctl := didtypes.NewDocument(didtypes.DefaultNetwork, k2.Public())
	msg := &didtypes.MsgDeactivateDid{Payload: didtypes.DeactivateDidPayload{Did: doc.ID, PreviousVersionId: "1"}}
	sb, err := didtypes.SignBytes(chainID, didtypes.TypeURLMsgDeactivateDid, &msg.Payload)
	require.NoError(t, err)

	// k signs for doc; k2 is only authentication in doc but capabilityInvocation of ctl; the
	// repeated k adds no signature.
	sigs, err := didsign.SignAll(chainID, msg, &msg.Payload, []keys.PrivateKey{k, k2, k}, []*didcore.Document{doc, ctl}, didcore.CapabilityInvocation)
	require.NoError(t, err)
	require.Len(t, sigs, 2)
	require.Equal(t, doc.ID+"#key-1", sigs[0].VerificationMethod)
	require.Equal(t, ctl.ID+"#key-1", sigs[1].VerificationMethod)
	require.NoError(t, k.Public().Verify(sb, sigs[0].Signature))
	require.NoError(t, k2.Public().Verify(sb, sigs[1].Signature))

	_, err = didsign.SignAll(chainID, msg, &msg.Payload, []keys.PrivateKey{k, k2}, []*didcore.Document{doc}, didcore.CapabilityInvocation)
	require.ErrorIs(t, err, didsign.ErrNoMethod)
	require.ErrorContains(t, err, "key #2 is not a capabilityInvocation key")
	_, err = didsign.SignAll(chainID, msg, &msg.Payload, []keys.PrivateKey{stranger}, []*didcore.Document{doc, ctl}, didcore.AssertionMethod)
	require.ErrorContains(t, err, "key #1 is not an assertionMethod key")
}

// TestLedgerAccepts runs the signatures through the x/did keeper: a create signed with SignAll,
// then VerifySignatures of an assertionMethod signature (as x/status checks) and of one by a
// key in the wrong relationship.
func TestLedgerAccepts(t *testing.T) {
	key := storetypes.NewKVStoreKey(didtypes.StoreKey)
	tkey := storetypes.NewTransientStoreKey(didtypes.TStoreKey)
	tctx := testutil.DefaultContextWithDB(t, key, tkey)
	ctx := tctx.Ctx.WithChainID(chainID).WithBlockHeight(1).WithBlockTime(time.Date(2026, 7, 1, 10, 0, 0, 0, time.UTC))
	cdc := moduletestutil.MakeTestEncodingConfig(did.AppModule{}).Codec
	ac := addresscodec.NewBech32Codec("amanah")
	k := keeper.NewKeeper(cdc, runtime.NewKVStoreService(key), runtime.NewTransientStoreService(tkey), ac)
	require.NoError(t, k.InitGenesis(ctx, didtypes.DefaultGenesis()))
	signer, err := ac.BytesToString(make([]byte, 20))
	require.NoError(t, err)

	priv, authKey := newKey(t), newKey(t)
	doc := authOnly(t, priv, authKey)
	raw, err := doc.MarshalJSON()
	require.NoError(t, err)
	create := &didtypes.MsgCreateDid{Signer: signer, Payload: didtypes.CreateDidPayload{Document: raw}}
	create.Signatures, err = didsign.SignAll(chainID, create, &create.Payload, []keys.PrivateKey{priv}, []*didcore.Document{doc}, didcore.CapabilityInvocation)
	require.NoError(t, err)
	_, err = keeper.NewMsgServerImpl(k).CreateDid(ctx, create)
	require.NoError(t, err)

	// Any payload and message type will do for VerifySignatures; a deactivation's is at hand.
	msg := &didtypes.MsgDeactivateDid{Payload: didtypes.DeactivateDidPayload{Did: doc.ID}}
	sb, err := didtypes.SignBytes(chainID, didtypes.TypeURLMsgDeactivateDid, &msg.Payload)
	require.NoError(t, err)
	method, err := didsign.FindMethod(doc, didcore.AssertionMethod, priv.Public())
	require.NoError(t, err)
	sigs, err := didsign.Sign(chainID, msg, &msg.Payload, method, priv)
	require.NoError(t, err)
	require.NoError(t, k.VerifySignatures(ctx, doc.ID, didcore.AssertionMethod, sb, sigs))

	wrong, err := didsign.Sign(chainID, msg, &msg.Payload, doc.ID+"#key-2", authKey)
	require.NoError(t, err)
	require.ErrorIs(t, k.VerifySignatures(ctx, doc.ID, didcore.AssertionMethod, sb, wrong), didtypes.ErrUnauthorized)
	require.NoError(t, k.VerifySignatures(ctx, doc.ID, didcore.Authentication, sb, wrong))
}
