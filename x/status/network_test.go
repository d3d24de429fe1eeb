package status_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"

	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/statuslist"
	"github.com/amanah-id/amanah/testutil/network"
	didtypes "github.com/amanah-id/amanah/x/did/types"
	"github.com/amanah-id/amanah/x/status/client/rest"
	"github.com/amanah-id/amanah/x/status/types"
)

// TestStatusNetwork runs create -> revoke -> suspend -> reinstate on an in-process validator
// (real app with the real x/did keeper, CometBFT, gRPC and the node's HTTP endpoint), and after
// each step decodes both encodings of the list and compares them bit by bit with a reference.
func TestStatusNetwork(t *testing.T) {
	if testing.Short() {
		t.Skip("in-process network")
	}
	n := network.New(t, network.DefaultConfig(t, 1, 10*time.Second))
	val := n.Validators[0]
	from, chainID, ctx := "node0", val.ClientCtx.ChainID, context.Background()
	signer := val.Address.String()
	dq, sq := didtypes.NewQueryClient(val.ClientCtx), types.NewQueryClient(val.ClientCtx)

	// The issuer's DID: #key-1 is its assertionMethod (and capabilityInvocation) key.
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

	create := &types.MsgCreateStatusList{Signer: signer, Payload: &types.CreateStatusListPayload{
		Owner: owner, Purpose: types.StatusPurpose_STATUS_PURPOSE_STATUS, Size_: statuslist.MinSize}}
	create.Signatures = sign(create, create.Payload)
	res := network.Deliver(t, n, val, from, create)
	require.Contains(t, eventTypes(res), "amanah.status.v1.EventStatusListCreated")
	lists, err := sq.ListsByOwner(ctx, &types.QueryListsByOwnerRequest{Owner: owner})
	require.NoError(t, err)
	require.Len(t, lists.Lists, 1)
	id := lists.Lists[0].Id

	ref, err := statuslist.NewList(2, statuslist.MinSize)
	require.NoError(t, err)
	seq := uint64(1)
	step := func(name string, op types.Operation, indices ...uint32) {
		value, err := types.StatusPurpose_STATUS_PURPOSE_STATUS.ValueFor(op)
		require.NoError(t, err, name)
		values := make([]byte, len(indices))
		d := make(statuslist.Delta, len(indices))
		for i, idx := range indices {
			values[i] = value
			d[i] = statuslist.Entry{Index: idx, Value: value}
		}
		require.NoError(t, ref.Apply(d))
		msg := &types.MsgUpdateStatusList{Signer: signer, Payload: &types.UpdateStatusListPayload{
			ListId: id, Sequence: seq, Indices: indices, Values: values}}
		msg.Signatures = sign(msg, msg.Payload)
		seq++
		res := network.Deliver(t, n, val, from, msg)
		require.Contains(t, eventTypes(res), "amanah.status.v1.EventStatusListUpdated", name)

		// Readable in the next query: both encodings equal the reference bit by bit.
		enc, err := sq.Encoded(ctx, &types.QueryEncodedRequest{ListId: id})
		require.NoError(t, err, name)
		require.Equal(t, res.Height, enc.List.UpdatedHeight, name)
		token, err := statuslist.DecodeTokenStatusList(enc.Lst, 2)
		require.NoError(t, err, name)
		bitstring, err := statuslist.DecodeBitstringStatusList(enc.EncodedList, 2)
		require.NoError(t, err, name)
		want := ref.Bytes()
		for i := uint32(0); i < statuslist.MinSize; i++ {
			w, _ := statuslist.StatusAt(want, i, 2)
			got1, _ := statuslist.StatusAt(token, i, 2)
			got2, _ := statuslist.StatusAt(bitstring, i, 2)
			if got1 != w || got2 != w {
				t.Fatalf("%s: entry %d: token %d, bitstring %d, want %d", name, i, got1, got2, w)
			}
		}
		for _, idx := range indices {
			e, err := sq.Entry(ctx, &types.QueryEntryRequest{ListId: id, Index: idx})
			require.NoError(t, err)
			require.Equal(t, uint32(value), e.Status, name)
		}
	}
	step("revoke", types.OpRevoke, 5, 100000)
	step("suspend", types.OpSuspend, 7, 40000, 131071)
	step("reinstate", types.OpReinstate, 7, 131071)

	// A replayed update is rejected and changes nothing.
	replay := &types.MsgUpdateStatusList{Signer: signer, Payload: &types.UpdateStatusListPayload{
		ListId: id, Sequence: 1, Indices: []uint32{5}, Values: []byte{0}}}
	replay.Signatures = sign(replay, replay.Payload)
	bres := network.Broadcast(t, n, val, from, replay)
	if bres.Code == 0 {
		out := network.WaitTx(t, n, bres.TxHash)
		require.Equal(t, types.ErrBadSequence.ABCICode(), out.Code, out.RawLog)
	}
	e, err := sq.Entry(ctx, &types.QueryEntryRequest{ListId: id, Index: 5})
	require.NoError(t, err)
	require.Equal(t, uint32(statuslist.StatusInvalid), e.Status)

	// The node's HTTP endpoint serves the list at the URI credentials name.
	var tok rest.TokenStatusList
	getJSON(t, types.ListURL(val.APIAddress, id, ""), &tok)
	raw, err := statuslist.DecodeTokenStatusList(tok.StatusList.Lst, 2)
	require.NoError(t, err)
	require.Equal(t, ref.Bytes(), raw)
	var cred rest.BitstringCredential
	getJSON(t, types.ListURL(val.APIAddress, id, types.FormatBitstring), &cred)
	raw, err = statuslist.DecodeBitstringStatusList(cred.CredentialSubject.EncodedList, 2)
	require.NoError(t, err)
	require.Equal(t, ref.Bytes(), raw)
	require.Equal(t, owner, cred.Issuer)
	resp, err := http.Get(types.ListURL(val.APIAddress, 999, "")) //nolint:gosec // test URL
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url) //nolint:gosec // test URL
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(b))
	require.NoError(t, json.Unmarshal(b, v), string(b))
}

func eventTypes(res *sdk.TxResponse) []string {
	var out []string
	for _, e := range res.Events {
		out = append(out, e.Type)
	}
	return out
}
