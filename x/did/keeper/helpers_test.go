package keeper_test

import (
	"testing"
	"time"

	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/runtime"
	"github.com/cosmos/cosmos-sdk/store/v2"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	"github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"

	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/x/did"
	"github.com/amanah-id/amanah/x/did/keeper"
	"github.com/amanah-id/amanah/x/did/types"
)

const testChainID = "amanah-test-1"

var t0 = time.Date(2026, 7, 1, 10, 0, 0, 0, time.UTC)

// fixture is a keeper on an in-memory store with a context at height 1, time t0.
type fixture struct {
	ctx    sdk.Context
	k      *keeper.Keeper
	msgs   types.MsgServer
	query  types.QueryServer
	signer string
	cms    store.CommitMultiStore // nil when the fixture was built by hand
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	key := storetypes.NewKVStoreKey(types.StoreKey)
	tkey := storetypes.NewTransientStoreKey(types.TStoreKey)
	tctx := testutil.DefaultContextWithDB(tb, key, tkey)
	ctx := tctx.Ctx.WithChainID(testChainID).WithBlockHeight(1).WithBlockTime(t0)
	cdc := moduletestutil.MakeTestEncodingConfig(did.AppModule{}).Codec
	ac := addresscodec.NewBech32Codec("amanah")
	k := keeper.NewKeeper(cdc, runtime.NewKVStoreService(key), runtime.NewTransientStoreService(tkey), ac)
	require.NoError(tb, k.InitGenesis(ctx, types.DefaultGenesis()))
	signer, err := ac.BytesToString(make([]byte, 20))
	require.NoError(tb, err)
	return &fixture{ctx: ctx, k: k, msgs: keeper.NewMsgServerImpl(k), query: keeper.NewQueryServer(k), signer: signer, cms: tctx.CMS}
}

// endBlock runs the module's EndBlock, commits (which empties the transient store, as the
// node's commit does) and moves to the next height, secs seconds later.
func (f *fixture) endBlock(tb testing.TB, secs int) {
	tb.Helper()
	require.NoError(tb, f.k.EndBlock(f.ctx))
	f.cms.Commit()
	f.advance(secs)
}

// advance moves the block by one height and secs seconds.
func (f *fixture) advance(secs int) {
	f.ctx = f.ctx.WithBlockHeight(f.ctx.BlockHeight() + 1).WithBlockTime(f.ctx.BlockTime().Add(time.Duration(secs) * time.Second))
}

// identity is a key and the default document of it.
type identity struct {
	priv keys.PrivateKey
	doc  *didcore.Document
}

func (i identity) did() string    { return i.doc.ID }
func (i identity) method() string { return i.doc.ID + "#key-1" }

func newIdentity(tb testing.TB, c keys.Curve) identity {
	tb.Helper()
	priv, err := keys.Generate(c)
	require.NoError(tb, err)
	return identity{priv: priv, doc: types.NewDocument(types.DefaultNetwork, priv.Public())}
}

// signer is one (method id, private key) pair.
type signer struct {
	method string
	priv   keys.PrivateKey
}

func by(i identity) signer { return signer{i.method(), i.priv} }

func sign(tb testing.TB, typeURL string, payload proto.Message, ss ...signer) []types.DidSignature {
	tb.Helper()
	out := make([]types.DidSignature, 0, len(ss))
	for _, s := range ss {
		sig, err := types.Sign(testChainID, typeURL, payload, s.method, s.priv)
		require.NoError(tb, err)
		out = append(out, sig)
	}
	return out
}

func mustJSON(tb testing.TB, d *didcore.Document) []byte {
	tb.Helper()
	b, err := d.MarshalJSON()
	require.NoError(tb, err)
	return b
}

func (f *fixture) createMsg(tb testing.TB, doc []byte, ss ...signer) *types.MsgCreateDid {
	m := &types.MsgCreateDid{Signer: f.signer, Payload: types.CreateDidPayload{Document: doc}}
	m.Signatures = sign(tb, types.TypeURLMsgCreateDid, &m.Payload, ss...)
	return m
}

func (f *fixture) updateMsg(tb testing.TB, didStr string, doc []byte, prev string, ss ...signer) *types.MsgUpdateDid {
	m := &types.MsgUpdateDid{Signer: f.signer, Payload: types.UpdateDidPayload{Did: didStr, Document: doc, PreviousVersionId: prev}}
	m.Signatures = sign(tb, types.TypeURLMsgUpdateDid, &m.Payload, ss...)
	return m
}

func (f *fixture) deactivateMsg(tb testing.TB, didStr, prev string, ss ...signer) *types.MsgDeactivateDid {
	m := &types.MsgDeactivateDid{Signer: f.signer, Payload: types.DeactivateDidPayload{Did: didStr, PreviousVersionId: prev}}
	m.Signatures = sign(tb, types.TypeURLMsgDeactivateDid, &m.Payload, ss...)
	return m
}

// create registers the default document of i.
func (f *fixture) create(tb testing.TB, i identity) {
	tb.Helper()
	_, err := f.msgs.CreateDid(f.ctx, f.createMsg(tb, mustJSON(tb, i.doc), by(i)))
	require.NoError(tb, err)
}

// rotated returns i's document with its key replaced by next's key (same method id).
func rotated(i identity, next keys.PrivateKey) *didcore.Document {
	d := *i.doc
	d.VerificationMethods = []didcore.VerificationMethod{{
		ID: i.method(), Type: didcore.TypeMultikey, Controller: i.did(), PublicKeyMultibase: next.Public().Multikey(),
	}}
	return &d
}

// export returns the whole state as genesis (to prove failed messages change nothing).
func (f *fixture) export(tb testing.TB) *types.GenesisState {
	tb.Helper()
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(tb, err)
	return gs
}
