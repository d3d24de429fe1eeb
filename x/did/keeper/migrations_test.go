package keeper_test

import (
	"testing"
	"time"

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

// TestMigrate2to3 removes the time index (the version-2 layout), migrates, and checks that the
// index is rebuilt exactly (more versions than one migration batch) and that resolution at a
// time answers as before; a stored time outside the index's range fails the migration.
func TestMigrate2to3(t *testing.T) {
	f, a := historyOf(t, 1100) // more than one batch of 1024
	b := newIdentity(t, keys.Ed25519)
	f.create(t, b)
	f.advance(5)
	d := *b.doc
	d.AlsoKnownAs = []string{"https://example.gov/b"}
	_, err := f.msgs.UpdateDid(f.ctx, f.updateMsg(t, b.did(), mustJSON(t, &d), "1", by(b)))
	require.NoError(t, err)
	_, err = f.msgs.DeactivateDid(f.ctx, f.deactivateMsg(t, b.did(), "2", by(b))) // same block as v2
	require.NoError(t, err)

	type entry struct {
		did string
		ns  int64
	}
	index := func() map[entry]uint64 { // (collections.Pair holds pointers: not a map key)
		out := map[entry]uint64{}
		require.NoError(t, f.k.VersionTimes.Walk(f.ctx, nil, func(k collections.Pair[string, int64], seq uint64) (bool, error) {
			out[entry{k.K1(), k.K2()}] = seq
			return false, nil
		}))
		return out
	}
	want := index()
	require.Len(t, want, 1099+1) // a: versions 2..1100; b: versions 2 and 3 share one time
	require.Equal(t, uint64(3), want[entry{b.did(), f.ctx.BlockTime().UnixNano()}])
	wantGenesis := f.export(t)

	// The version-2 layout: no time index.
	require.NoError(t, f.k.VersionTimes.Clear(f.ctx, nil))
	require.Empty(t, index())
	_, md0, err := f.k.ResolveAt(f.ctx, a.did(), t0.Add(5*time.Second*500+time.Second))
	require.NoError(t, err)
	require.Equal(t, "1", md0.VersionId, "without the index every time falls back to version 1")

	require.NoError(t, f.k.Migrate2to3(f.ctx))
	require.Equal(t, want, index())
	require.Equal(t, wantGenesis, f.export(t))
	_, md, err := f.k.ResolveAt(f.ctx, a.did(), t0.Add(5*time.Second*500+time.Second))
	require.NoError(t, err)
	require.Equal(t, "501", md.VersionId)
	_, md, err = f.k.ResolveAt(f.ctx, b.did(), f.ctx.BlockTime())
	require.ErrorIs(t, err, types.ErrDidDeactivated)
	require.Equal(t, "3", md.VersionId)
	require.NoError(t, f.k.Migrate2to3(f.ctx), "idempotent")
	require.Equal(t, want, index())

	// A version whose time the index cannot hold (not producible by a chain) fails it.
	c := newIdentity(t, keys.Ed25519)
	require.NoError(t, f.k.Versions.Set(f.ctx, collections.Join(c.did(), uint64(1)), types.DidDocumentVersion{
		DocumentJson: mustJSON(t, c.doc), Created: t0, Updated: time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)}))
	require.ErrorIs(t, f.k.Migrate2to3(f.ctx), types.ErrTimeOutOfRange)
}
