package did_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cosmossdk.io/collections"
	"github.com/cometbft/cometbft/crypto/merkle"
	rpcclient "github.com/cometbft/cometbft/rpc/client"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/store/v2/rootmulti"
	clitestutil "github.com/cosmos/cosmos-sdk/testutil/cli"
	"github.com/cosmos/cosmos-sdk/types/query"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/testutil/network"
	"github.com/amanah-id/amanah/x/did/client/cli"
	"github.com/amanah-id/amanah/x/did/types"
)

// TestDidNetwork runs the DID lifecycle on an in-process validator (real app, CometBFT, gRPC
// and the node's HTTP resolver): create -> rotate the key -> resolve the old version and at
// a time before the rotation -> deactivate -> a later update is rejected.
func TestDidNetwork(t *testing.T) {
	if testing.Short() {
		t.Skip("in-process network")
	}
	n := network.New(t, network.DefaultConfig(t, 1, 10*time.Second))
	val := n.Validators[0]
	from := "node0"
	chainID := val.ClientCtx.ChainID
	ctx := context.Background()
	qc := types.NewQueryClient(val.ClientCtx)

	p, err := qc.Params(ctx, &types.QueryParamsRequest{})
	require.NoError(t, err)
	require.Equal(t, types.DefaultNetwork, p.Params.Network)

	priv, err := keys.Generate(keys.Ed25519)
	require.NoError(t, err)
	doc := types.NewDocument(p.Params.Network, priv.Public())
	did, method := doc.ID, doc.ID+"#key-1"
	docJSON, err := doc.MarshalJSON()
	require.NoError(t, err)
	create := &types.MsgCreateDid{Signer: val.Address.String(), Payload: types.CreateDidPayload{Document: docJSON}}
	sig, err := types.Sign(chainID, types.TypeURLMsgCreateDid, &create.Payload, method, priv)
	require.NoError(t, err)
	create.Signatures = []types.DidSignature{sig}
	res := network.Deliver(t, n, val, from, create)
	require.Contains(t, res.RawLog+eventsString(res.Events), "EventDidCreated")
	require.NoError(t, n.WaitForNextBlock())
	require.NoError(t, n.WaitForNextBlock())
	requireProvedChange(t, val.ClientCtx, res.Height, did)

	// Rotate the key.
	next, err := keys.Generate(keys.Ed25519)
	require.NoError(t, err)
	rot := *doc
	rot.VerificationMethods = []didcore.VerificationMethod{{ID: method, Type: didcore.TypeMultikey, Controller: did, PublicKeyMultibase: next.Public().Multikey()}}
	rotJSON, err := rot.MarshalJSON()
	require.NoError(t, err)
	update := &types.MsgUpdateDid{Signer: val.Address.String(), Payload: types.UpdateDidPayload{Did: did, Document: rotJSON, PreviousVersionId: "1"}}
	sig, err = types.Sign(chainID, types.TypeURLMsgUpdateDid, &update.Payload, method, priv)
	require.NoError(t, err)
	update.Signatures = []types.DidSignature{sig}
	network.Deliver(t, n, val, from, update)

	latest, err := qc.Resolve(ctx, &types.QueryResolveRequest{Did: did})
	require.NoError(t, err)
	require.Empty(t, latest.DidResolutionMetadata.Error)
	require.Equal(t, "2", latest.DidDocumentMetadata.VersionId)
	require.Contains(t, string(latest.DidDocument), next.Public().Multikey())

	v1, err := qc.Resolve(ctx, &types.QueryResolveRequest{Did: did, VersionId: "1"})
	require.NoError(t, err)
	require.Contains(t, string(v1.DidDocument), priv.Public().Multikey())
	require.Equal(t, "2", v1.DidDocumentMetadata.NextVersionId)
	require.True(t, latest.DidDocumentMetadata.Updated.After(v1.DidDocumentMetadata.Updated))

	before := latest.DidDocumentMetadata.Updated.Add(-time.Second)
	atTime, err := qc.Resolve(ctx, &types.QueryResolveRequest{Did: did, VersionTime: &before})
	require.NoError(t, err)
	require.Equal(t, "1", atTime.DidDocumentMetadata.VersionId)
	require.Contains(t, string(atTime.DidDocument), priv.Public().Multikey())

	// The node's HTTP resolver (Universal Resolver driver shape).
	api := val.APIAddress
	code, ct, body := get(t, api+"/1.0/identifiers/"+did)
	require.Equal(t, http.StatusOK, code, body)
	require.Equal(t, types.ContentTypeResolution, ct)
	var rr types.ResolutionResult
	require.NoError(t, json.Unmarshal([]byte(body), &rr))
	require.Equal(t, "2", rr.DidDocumentMetadata.VersionID)
	code, _, body = get(t, api+"/1.0/identifiers/"+did+"?versionId=1")
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, body, priv.Public().Multikey())
	code, _, body = get(t, api+"/1.0/identifiers/"+did+"?versionTime="+types.FormatTime(before))
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, body, `"versionId":"1"`)
	// At a time: exactly the rotation's time gives version 2; before creation notFound; any
	// later time (here beyond what int64 nanoseconds hold) the latest.
	code, _, body = get(t, api+"/1.0/identifiers/"+did+"?versionTime="+types.FormatTime(latest.DidDocumentMetadata.Updated))
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, body, `"versionId":"2"`)
	code, _, _ = get(t, api+"/1.0/identifiers/"+did+"?versionTime=0001-01-01T00:00:00Z")
	require.Equal(t, http.StatusNotFound, code)
	code, _, body = get(t, api+"/1.0/identifiers/"+did+"?versionTime=9999-12-31T23:59:59Z")
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, body, `"versionId":"2"`)

	// The versions, newest first; a page above the maximum is refused.
	vs, err := qc.Versions(ctx, &types.QueryVersionsRequest{Did: did, Pagination: &query.PageRequest{Reverse: true, CountTotal: true}})
	require.NoError(t, err)
	require.Len(t, vs.Versions, 2)
	require.Equal(t, "2", vs.Versions[0].VersionId)
	require.EqualValues(t, 2, vs.Pagination.Total)
	_, err = qc.Versions(ctx, &types.QueryVersionsRequest{Did: did, Pagination: &query.PageRequest{Limit: types.MaxVersionsPageLimit + 1}})
	require.Equal(t, codes.InvalidArgument, status.Code(err), "%v", err)
	require.ErrorContains(t, err, types.ErrPageTooLarge.Error())

	code, _, _ = get(t, api+"/1.0/identifiers/did:amanah:local:nope")
	require.Equal(t, http.StatusBadRequest, code)
	other, _ := keys.Generate(keys.Ed25519)
	code, _, _ = get(t, api+"/1.0/identifiers/"+didcore.AmanahDID("local", other.Public()))
	require.Equal(t, http.StatusNotFound, code)

	// Deactivate with the new key; then an update is rejected in DeliverTx.
	deact := &types.MsgDeactivateDid{Signer: val.Address.String(), Payload: types.DeactivateDidPayload{Did: did, PreviousVersionId: "2"}}
	sig, err = types.Sign(chainID, types.TypeURLMsgDeactivateDid, &deact.Payload, method, next)
	require.NoError(t, err)
	deact.Signatures = []types.DidSignature{sig}
	network.Deliver(t, n, val, from, deact)

	update2 := &types.MsgUpdateDid{Signer: val.Address.String(), Payload: types.UpdateDidPayload{Did: did, Document: rotJSON, PreviousVersionId: "3"}}
	sig, err = types.Sign(chainID, types.TypeURLMsgUpdateDid, &update2.Payload, method, next)
	require.NoError(t, err)
	update2.Signatures = []types.DidSignature{sig}
	br := network.Broadcast(t, n, val, from, update2)
	require.Zero(t, br.Code, br.RawLog)
	failed := network.WaitTx(t, n, br.TxHash)
	require.Equal(t, types.ErrDidDeactivated.ABCICode(), failed.Code, failed.RawLog)
	require.Equal(t, types.ModuleName, failed.Codespace)

	gone, err := qc.Resolve(ctx, &types.QueryResolveRequest{Did: did})
	require.NoError(t, err)
	require.Equal(t, types.ResolutionErrDeactivated, gone.DidResolutionMetadata.Error)
	require.True(t, gone.DidDocumentMetadata.Deactivated)
	code, _, _ = get(t, api+"/1.0/identifiers/"+did)
	require.Equal(t, http.StatusGone, code)
	code, _, _ = get(t, api+"/1.0/identifiers/"+did+"?versionId=2")
	require.Equal(t, http.StatusOK, code)

	// The CLI: `tx did create --key` (default document) and `q did resolve`.
	cliKey, err := keys.Generate(keys.P256)
	require.NoError(t, err)
	jwk, err := cliKey.JWK()
	require.NoError(t, err)
	keyFile := filepath.Join(t.TempDir(), "key.jwk")
	require.NoError(t, os.WriteFile(keyFile, jwk, 0o600))
	out, err := clitestutil.ExecTestCLICmd(val.ClientCtx, cli.CreateCmd(), []string{"--key", keyFile,
		"--from", from, "--chain-id", chainID, "--yes", "--broadcast-mode", "sync", "--gas", "400000", "--output", "json"})
	require.NoError(t, err, out.String())
	var txRes struct {
		TxHash string `json:"txhash"`
		Code   uint32 `json:"code"`
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &txRes), out.String())
	require.Zero(t, txRes.Code, out.String())
	require.Zero(t, network.WaitTx(t, n, txRes.TxHash).Code)
	cliDID := didcore.AmanahDID(p.Params.Network, cliKey.Public())
	out, err = clitestutil.ExecTestCLICmd(val.ClientCtx, cli.ResolveCmd(), []string{cliDID})
	require.NoError(t, err)
	var cliRes types.ResolutionResult
	require.NoError(t, json.Unmarshal(out.Bytes(), &cliRes), out.String())
	require.Empty(t, cliRes.DidResolutionMetadata.Error)
	require.Equal(t, "1", cliRes.DidDocumentMetadata.VersionID)
	require.Contains(t, string(cliRes.DidDocument), cliDID)
}

func get(t *testing.T, url string) (int, string, string) {
	t.Helper()
	resp, err := http.Get(url) //nolint:gosec // test URL
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

func eventsString[E any](evs []E) string {
	b, _ := json.Marshal(evs)
	return strings.ReplaceAll(string(b), `\"`, `"`)
}

// requireProvedChange reads the DID change journal entry of height h the way the verifier
// does: abci_query /store/did/key (prove=true, at h) of ChangesKey || Int64Key(h), the value
// checked with the node's ICS23 proof against the app hash of block h+1, and decoded as
// DidChanges. It must list did.
func requireProvedChange(t *testing.T, clientCtx client.Context, h int64, did string) {
	t.Helper()
	key, err := collections.EncodeKeyWithPrefix(types.ChangesKey, collections.Int64Key, h)
	require.NoError(t, err)
	ctx := context.Background()
	q, err := clientCtx.Client.ABCIQueryWithOptions(ctx, "/store/"+types.StoreKey+"/key", key,
		rpcclient.ABCIQueryOptions{Height: h, Prove: true})
	require.NoError(t, err)
	require.Zero(t, q.Response.Code, q.Response.Log)
	require.Equal(t, h, q.Response.Height)
	require.NotNil(t, q.Response.ProofOps)
	next := h + 1
	blk, err := clientCtx.Client.Block(ctx, &next)
	require.NoError(t, err)
	path := merkle.KeyPath{}.AppendKey([]byte(types.StoreKey), merkle.KeyEncodingURL).AppendKey(key, merkle.KeyEncodingHex)
	require.NoError(t, rootmulti.DefaultProofRuntime().VerifyValue(q.Response.ProofOps, blk.Block.AppHash, path.String(), q.Response.Value))
	var changes types.DidChanges
	require.NoError(t, changes.Unmarshal(q.Response.Value))
	require.Contains(t, changes.Dids, did)
}
