package keeper_test

import (
	"testing"

	"cosmossdk.io/collections"
	"github.com/cosmos/cosmos-sdk/codec"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/testutil"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	"github.com/stretchr/testify/require"

	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/x/did"
	"github.com/amanah-id/amanah/x/did/keeper"
	"github.com/amanah-id/amanah/x/did/types"
)

// TestMigrate1to2 writes state in the version-1 layout (full records and a head index),
// migrates it, and checks the version-2 layout and that every read is unchanged.
func TestMigrate1to2(t *testing.T) {
	key := storetypes.NewKVStoreKey(types.StoreKey)
	tkey := storetypes.NewTransientStoreKey(types.TStoreKey)
	tctx := testutil.DefaultContextWithDB(t, key, tkey)
	ctx := tctx.Ctx.WithChainID(testChainID).WithBlockHeight(1).WithBlockTime(t0)
	cdc := moduletestutil.MakeTestEncodingConfig(did.AppModule{}).Codec
	ac := addresscodec.NewBech32Codec("amanah")
	svc := runtime.NewKVStoreService(key)
	k := keeper.NewKeeper(cdc, svc, runtime.NewTransientStoreService(tkey), ac)
	require.NoError(t, k.InitGenesis(ctx, types.DefaultGenesis()))
	signer, err := ac.BytesToString(make([]byte, 20))
	require.NoError(t, err)
	f := &fixture{ctx: ctx, k: k, msgs: keeper.NewMsgServerImpl(k), query: keeper.NewQueryServer(k), signer: signer}

	// Some DIDs with several versions, written by the current code.
	var dids []string
	for range 3 {
		i := newIdentity(t, keys.Ed25519)
		f.create(t, i)
		dids = append(dids, i.did())
	}
	f.advance(5)
	i := newIdentity(t, keys.Ed25519)
	f.create(t, i)
	f.advance(5)
	upd := *i.doc
	upd.AlsoKnownAs = []string{"https://example.gov/x"}
	_, err = f.msgs.UpdateDid(f.ctx, f.updateMsg(t, i.did(), mustJSON(t, &upd), "1", by(i)))
	require.NoError(t, err)
	dids = append(dids, i.did())
	want, err := k.ExportGenesis(f.ctx)
	require.NoError(t, err)

	// Rewrite it in the version-1 layout.
	sb := collections.NewSchemaBuilder(svc)
	heads := collections.NewMap(sb, types.HeadsKey, "heads", collections.StringKey, codec.CollValue[types.DidHead](cdc))
	_, err = sb.Build()
	require.NoError(t, err)
	for _, v := range want.Versions {
		require.NoError(t, k.Versions.Set(f.ctx, collections.Join(v.Did, v.Sequence), v))
		require.NoError(t, heads.Set(f.ctx, v.Did, types.DidHead{LatestSequence: v.Sequence, Deactivated: v.Deactivated}))
	}
	raw, err := k.Versions.Get(f.ctx, collections.Join(i.did(), uint64(2)))
	require.NoError(t, err)
	require.Equal(t, "1", raw.PreviousVersionId, "version-1 layout written")

	require.NoError(t, k.Migrate1to2(f.ctx))

	it, err := heads.Iterate(f.ctx, nil)
	require.NoError(t, err)
	require.False(t, it.Valid(), "head index removed")
	it.Close()
	raw, err = k.Versions.Get(f.ctx, collections.Join(i.did(), uint64(2)))
	require.NoError(t, err)
	require.Empty(t, raw.Did)
	require.Empty(t, raw.VersionId)
	require.Empty(t, raw.PreviousVersionId)
	got, err := k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.Equal(t, want, got)
	for _, did := range dids {
		active, err := k.IsActive(f.ctx, did)
		require.NoError(t, err)
		require.True(t, active)
	}
	_, md, err := k.Resolve(f.ctx, i.did())
	require.NoError(t, err)
	require.Equal(t, "2", md.VersionId)
	require.Equal(t, "1", md.PreviousVersionId)
}
