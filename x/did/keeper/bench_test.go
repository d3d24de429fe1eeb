package keeper_test

import (
	"context"
	"fmt"
	"math/rand"
	"testing"

	corestore "cosmossdk.io/core/store"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/testutil"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"

	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/x/did"
	"github.com/amanah-id/amanah/x/did/keeper"
	"github.com/amanah-id/amanah/x/did/types"
)

// withMethods returns i's document with n Ed25519 verification methods (#key-1 is i's key and
// the only capabilityInvocation method; all n are in authentication).
func withMethods(tb testing.TB, i identity, n int) *didcore.Document {
	d := *i.doc
	d.Authentication = append([]didcore.MethodRef{}, d.Authentication...)
	for j := 2; j <= n; j++ {
		k, err := keys.Generate(keys.Ed25519)
		if err != nil {
			tb.Fatal(err)
		}
		id := fmt.Sprintf("%s#key-%d", i.did(), j)
		d.VerificationMethods = append(d.VerificationMethods, didcore.VerificationMethod{
			ID: id, Type: didcore.TypeMultikey, Controller: i.did(), PublicKeyMultibase: k.Public().Multikey()})
		d.Authentication = append(d.Authentication, didcore.MethodRef{Ref: id})
	}
	return &d
}

// BenchmarkCreateDid measures the msg server (parse, validate, verify, store) on an IAVL store
// and reports the gas of one create. Key generation and client signing are not timed.
func BenchmarkCreateDid(b *testing.B) {
	for _, n := range []int{1, 10} {
		b.Run(fmt.Sprintf("methods=%d", n), func(b *testing.B) {
			f := newFixture(b)
			var gas uint64
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				i := newIdentity(b, keys.Ed25519)
				m := f.createMsg(b, mustJSON(b, withMethods(b, i, n)), by(i))
				ctx := f.ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
				b.StartTimer()
				if _, err := f.msgs.CreateDid(ctx, m); err != nil {
					b.Fatal(err)
				}
				gas = ctx.GasMeter().GasConsumed()
			}
			b.ReportMetric(float64(gas), "gas/op")
			b.ReportMetric(float64(len(m0(b, n))), "docB")
		})
	}
}

func m0(b *testing.B, n int) []byte {
	return mustJSON(b, withMethods(b, newIdentity(b, keys.Ed25519), n))
}

// BenchmarkUpdateDid measures updates of one DID (a new alsoKnownAs each time) and reports the
// gas of one update.
func BenchmarkUpdateDid(b *testing.B) {
	for _, n := range []int{1, 10} {
		b.Run(fmt.Sprintf("methods=%d", n), func(b *testing.B) {
			f := newFixture(b)
			i := newIdentity(b, keys.Ed25519)
			doc := withMethods(b, i, n)
			_, err := f.msgs.CreateDid(f.ctx, f.createMsg(b, mustJSON(b, doc), by(i)))
			if err != nil {
				b.Fatal(err)
			}
			var gas uint64
			seq := uint64(1)
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				doc.AlsoKnownAs = []string{fmt.Sprintf("https://example.gov/v%d", seq)}
				m := f.updateMsg(b, i.did(), mustJSON(b, doc), types.VersionID(seq), by(i))
				ctx := f.ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
				b.StartTimer()
				if _, err := f.msgs.UpdateDid(ctx, m); err != nil {
					b.Fatal(err)
				}
				gas = ctx.GasMeter().GasConsumed()
				seq++
			}
			b.ReportMetric(float64(gas), "gas/op")
		})
	}
}

// BenchmarkResolve100k resolves random DIDs among 100,000 stored ones from the keeper. The
// store is the SDK's in-memory store (no IAVL): this measures the keeper's own cost (two
// reads, proto and strict JSON decoding); IAVL adds ~100 µs per read at 1M keys.
func BenchmarkResolve100k(b *testing.B) {
	const n = 100_000
	memKey := storetypes.NewMemoryStoreKey("mem_did")
	tkey := storetypes.NewTransientStoreKey(types.TStoreKey)
	ctx := testutil.DefaultContextWithKeys(nil, map[string]*storetypes.TransientStoreKey{types.TStoreKey: tkey},
		map[string]*storetypes.MemoryStoreKey{"mem_did": memKey}).
		WithChainID(testChainID).WithBlockHeight(1).WithBlockTime(t0)
	cdc := moduletestutil.MakeTestEncodingConfig(did.AppModule{}).Codec
	k := keeper.NewKeeper(cdc, memKVService{runtime.NewMemStoreService(memKey)}, runtime.NewTransientStoreService(tkey),
		addresscodec.NewBech32Codec("amanah"))
	gs := types.DefaultGenesis()
	dids := make([]string, n)
	for j := range n {
		i := newIdentity(b, keys.Ed25519)
		dids[j] = i.did()
		gs.Versions = append(gs.Versions, types.DidDocumentVersion{Did: i.did(), Sequence: 1, VersionId: "1",
			DocumentJson: mustJSON(b, i.doc), Created: t0, Updated: t0, Height: 1})
	}
	if err := k.InitGenesis(ctx, gs); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewSource(1))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := k.Resolve(ctx, dids[rng.Intn(n)]); err != nil {
			b.Fatal(err)
		}
	}
}

// memKVService opens the in-memory store as a KV store (a keeper on a store without IAVL).
type memKVService struct{ corestore.MemoryStoreService }

// OpenKVStore returns the memory store.
func (m memKVService) OpenKVStore(ctx context.Context) corestore.KVStore {
	return m.OpenMemoryStore(ctx)
}

// BenchmarkStateBytesPerDID reports the bytes (keys + values, before IAVL overhead) one DID
// with the default one-key document occupies, and what each further version adds.
func BenchmarkStateBytesPerDID(b *testing.B) {
	for b.Loop() {
		key := storetypes.NewKVStoreKey(types.StoreKey)
		tkey := storetypes.NewTransientStoreKey(types.TStoreKey)
		tctx := testutil.DefaultContextWithDB(b, key, tkey)
		ctx := tctx.Ctx.WithChainID(testChainID).WithBlockHeight(1).WithBlockTime(t0)
		cdc := moduletestutil.MakeTestEncodingConfig(did.AppModule{}).Codec
		k := keeper.NewKeeper(cdc, runtime.NewKVStoreService(key), runtime.NewTransientStoreService(tkey), addresscodec.NewBech32Codec("amanah"))
		if err := k.InitGenesis(ctx, types.DefaultGenesis()); err != nil {
			b.Fatal(err)
		}
		size := func() int {
			it := ctx.KVStore(key).Iterator(nil, nil)
			defer it.Close()
			total := 0
			for ; it.Valid(); it.Next() {
				total += len(it.Key()) + len(it.Value())
			}
			return total
		}
		empty := size()
		ms := keeper.NewMsgServerImpl(k)
		i := newIdentity(b, keys.Ed25519)
		f := &fixture{ctx: ctx, k: k, msgs: ms, signer: "unused"}
		f.signer, _ = addresscodec.NewBech32Codec("amanah").BytesToString(make([]byte, 20))
		f.create(b, i)
		one := size()
		d := *i.doc
		d.AlsoKnownAs = []string{"https://example.gov/a"}
		if _, err := ms.UpdateDid(ctx, f.updateMsg(b, i.did(), mustJSON(b, &d), "1", by(i))); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(one-empty), "B/DID")
		b.ReportMetric(float64(size()-one), "B/version")
		b.ReportMetric(float64(len(mustJSON(b, i.doc))), "docB")
	}
}
