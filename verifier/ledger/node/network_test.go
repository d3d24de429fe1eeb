package node_test

import (
	"context"
	"errors"
	"testing"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"

	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/statuslist"
	"github.com/amanah-id/amanah/testutil/network"
	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/ledger/node"
	didtypes "github.com/amanah-id/amanah/x/did/types"
	statustypes "github.com/amanah-id/amanah/x/status/types"
)

// TestRealNetwork runs the verifier's ledger view against an in-process
// validator (real app, CometBFT, gRPC and RPC websocket): an issuer DID and a
// status list made by transactions, the issuer key resolved through x/did,
// a revocation seen through the block's events, and x/trust answers.
func TestRealNetwork(t *testing.T) {
	if testing.Short() {
		t.Skip("in-process network")
	}
	n := network.New(t, network.DefaultConfig(t, 1, 10*time.Second))
	val := n.Validators[0]
	from, chainID, ctx := "node0", val.ClientCtx.ChainID, context.Background()
	signer := val.Address.String()
	dq := didtypes.NewQueryClient(val.ClientCtx)

	p, err := dq.Params(ctx, &didtypes.QueryParamsRequest{})
	require.NoError(t, err)
	priv, err := keys.Generate(keys.Ed25519)
	require.NoError(t, err)
	doc := didtypes.NewDocument(p.Params.Network, priv.Public())
	owner, method := doc.ID, doc.ID+"#key-1"
	docJSON, err := doc.MarshalJSON()
	require.NoError(t, err)
	createDid := &didtypes.MsgCreateDid{Signer: signer, Payload: didtypes.CreateDidPayload{Document: docJSON}}
	sig, err := didtypes.Sign(chainID, didtypes.TypeURLMsgCreateDid, &createDid.Payload, method, priv)
	require.NoError(t, err)
	createDid.Signatures = []didtypes.DidSignature{sig}
	network.Deliver(t, n, val, from, createDid)
	sign := func(msg sdk.Msg, payload proto.Message) []didtypes.DidSignature {
		sb, err := didtypes.SignBytes(chainID, sdk.MsgTypeURL(msg), payload)
		require.NoError(t, err)
		s, err := priv.Sign(sb)
		require.NoError(t, err)
		return []didtypes.DidSignature{{VerificationMethod: method, Signature: s}}
	}
	create := &statustypes.MsgCreateStatusList{Signer: signer, Payload: &statustypes.CreateStatusListPayload{
		Owner: owner, Purpose: statustypes.StatusPurpose_STATUS_PURPOSE_STATUS, Size_: statuslist.MinSize}}
	create.Signatures = sign(create, create.Payload)
	network.Deliver(t, n, val, from, create)
	lists, err := statustypes.NewQueryClient(val.ClientCtx).ListsByOwner(ctx, &statustypes.QueryListsByOwnerRequest{Owner: owner})
	require.NoError(t, err)
	require.Len(t, lists.Lists, 1)
	id := lists.Lists[0].Id
	uri := statustypes.ListURL("https://node.example", id, "")

	cli, err := node.Dial(val.AppConfig.GRPC.Address, nil)
	require.NoError(t, err)
	defer cli.Close()
	cache, err := ledger.NewCache(ledger.Config{Freshness: 30 * time.Second},
		ledger.Endpoint{Name: "val0", Node: cli, Events: node.NewEvents(val.RPCAddress)})
	require.NoError(t, err)
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go cache.Run(rctx)
	require.Eventually(t, func() bool { return cache.Fresh() == nil }, 20*time.Second, 10*time.Millisecond, "view never synced")

	// x/did: the assertion key, at now and at a time before the DID existed.
	k, err := cache.IssuerKey(ctx, owner, method, time.Now())
	require.NoError(t, err)
	require.True(t, k.Equal(priv.Public()))
	_, err = cache.IssuerKey(ctx, owner, owner+"#key-9", time.Now())
	require.Error(t, err)
	_, err = cache.IssuerKey(ctx, owner, method, time.Now().Add(-time.Hour))
	require.Error(t, err)

	// x/trust: nothing registered.
	_, err = cache.RelyingParty(ctx, "did:amanah:"+p.Params.Network+":nobody")
	require.True(t, errors.Is(err, ledger.ErrNotFound), "%v", err)
	ok, err := cache.Accredited(ctx, owner, "https://amanah.example/vct/x", time.Now())
	require.NoError(t, err)
	require.False(t, ok)
	_, err = cache.CredentialSchema(ctx, "https://amanah.example/vct/x")
	require.True(t, errors.Is(err, ledger.ErrNotFound), "%v", err)
	_, err = cache.CredentialSchema(ctx, "not a vct")
	require.True(t, errors.Is(err, ledger.ErrNotFound), "%v", err)

	// x/status: valid, then revoked in a transaction; the block's event drops the page.
	v, _, err := cache.Status(ctx, uri, 70000)
	require.NoError(t, err)
	require.Equal(t, uint8(0), v)
	value, err := statustypes.StatusPurpose_STATUS_PURPOSE_STATUS.ValueFor(statustypes.OpRevoke)
	require.NoError(t, err)
	upd := &statustypes.MsgUpdateStatusList{Signer: signer, Payload: &statustypes.UpdateStatusListPayload{
		ListId: id, Sequence: 1, Indices: []uint32{70000}, Values: []byte{value}}}
	upd.Signatures = sign(upd, upd.Payload)
	res := network.Deliver(t, n, val, from, upd)
	committed := time.Now()
	require.Eventually(t, func() bool {
		v, _, err := cache.Status(ctx, uri, 70000)
		return err == nil && v == value
	}, 10*time.Second, time.Millisecond, "revocation never seen")
	t.Logf("revocation at height %d seen %s after the tx was delivered (cache height %d)", res.Height,
		time.Since(committed).Round(time.Millisecond), cache.Sync().Height)
	require.GreaterOrEqual(t, cache.Sync().Height, res.Height)
	_, _, err = cache.Status(ctx, statustypes.ListURL("https://node.example", id+1, ""), 1)
	require.True(t, errors.Is(err, ledger.ErrNotFound), "%v", err)
}
