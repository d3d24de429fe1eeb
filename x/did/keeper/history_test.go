package keeper_test

import (
	"fmt"
	"math/rand"
	"testing"
	"time"

	"cosmossdk.io/collections"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/types/query"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/x/did/types"
)

// history is a DID with five versions: v1 created at t0; v2 and v3 in the same block at
// t0+5s; v4 at t0+10s; v5 (deactivation) at t0+15s. Each active version has its own
// alsoKnownAs ("https://example.gov/vN").
func history(t *testing.T) (*fixture, identity) {
	t.Helper()
	f := newFixture(t)
	a := newIdentity(t, keys.Ed25519)
	f.create(t, a)
	update := func(prev string, n int) {
		d := *a.doc
		d.AlsoKnownAs = []string{fmt.Sprintf("https://example.gov/v%d", n)}
		_, err := f.msgs.UpdateDid(f.ctx, f.updateMsg(t, a.did(), mustJSON(t, &d), prev, by(a)))
		require.NoError(t, err)
	}
	f.advance(5)
	update("1", 2)
	update("2", 3) // same block, same time as v2
	f.advance(5)
	update("3", 4)
	f.advance(5)
	_, err := f.msgs.DeactivateDid(f.ctx, f.deactivateMsg(t, a.did(), "4", by(a)))
	require.NoError(t, err)
	return f, a
}

// TestResolveAtSemantics pins what "the version in force at t" means: the last version
// written at or before t (several versions of one block share its time: the last of them
// wins); before creation: not found; at or after deactivation: deactivated, with the
// deactivation version's metadata. The same through the gRPC query.
func TestResolveAtSemantics(t *testing.T) {
	f, a := history(t)
	sec := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	cases := []struct {
		name       string
		at         time.Time
		version    string // "" with err
		next       string
		err        error
		resolution string
	}{
		{"far past", time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), "", "", types.ErrDidNotFound, types.ResolutionErrNotFound},
		{"before the unix epoch", time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC), "", "", types.ErrDidNotFound, types.ResolutionErrNotFound},
		{"1ns before creation", t0.Add(-time.Nanosecond), "", "", types.ErrDidNotFound, types.ResolutionErrNotFound},
		{"at creation", t0, "1", "2", nil, ""},
		{"between v1 and v2", sec(4), "1", "2", nil, ""},
		{"1ns before the v2/v3 block", sec(5).Add(-time.Nanosecond), "1", "2", nil, ""},
		{"at the v2/v3 block: last wins", sec(5), "3", "4", nil, ""},
		{"between v3 and v4", sec(9), "3", "4", nil, ""},
		{"at v4", sec(10), "4", "5", nil, ""},
		{"same instant in another zone", sec(10).In(time.FixedZone("UTC+3", 3*3600)), "4", "5", nil, ""},
		{"1ns before deactivation", sec(15).Add(-time.Nanosecond), "4", "5", nil, ""},
		{"at deactivation", sec(15), "5", "", types.ErrDidDeactivated, types.ResolutionErrDeactivated},
		{"after deactivation", sec(3600), "5", "", types.ErrDidDeactivated, types.ResolutionErrDeactivated},
		{"year 2300 (beyond int64 nanoseconds)", time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC), "5", "", types.ErrDidDeactivated, types.ResolutionErrDeactivated},
		{"far future", time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), "5", "", types.ErrDidDeactivated, types.ResolutionErrDeactivated},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc, md, err := f.k.ResolveAt(f.ctx, a.did(), tc.at)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
			} else {
				require.NoError(t, err)
			}
			require.Equal(t, tc.version, md.VersionId)
			require.Equal(t, tc.next, md.NextVersionId)
			if tc.version != "" && tc.err == nil {
				if tc.version == "1" {
					require.Empty(t, doc.AlsoKnownAs)
				} else {
					require.Equal(t, []string{"https://example.gov/v" + tc.version}, doc.AlsoKnownAs)
				}
			}
			at := tc.at
			res, err := f.query.Resolve(f.ctx, &types.QueryResolveRequest{Did: a.did(), VersionTime: &at})
			require.NoError(t, err)
			require.Equal(t, tc.resolution, res.DidResolutionMetadata.Error)
			if tc.version != "" {
				require.NotNil(t, res.DidDocumentMetadata)
				require.Equal(t, tc.version, res.DidDocumentMetadata.VersionId)
			}
		})
	}
	// An unknown DID is not found at any time.
	_, _, err := f.k.ResolveAt(f.ctx, newIdentity(t, keys.Ed25519).did(), sec(10))
	require.ErrorIs(t, err, types.ErrDidNotFound)
}

// BenchmarkResolveAt resolves one DID at a time from its history of n versions (one every 5 s)
// on an IAVL store (committed): at a random time within the history, and at the oldest
// version (the far end from the newest).
func BenchmarkResolveAt(b *testing.B) {
	for _, n := range []int{1, 1000, 10_000} {
		f, a := historyOf(b, n)
		span := time.Duration(n) * 5 * time.Second
		b.Run(fmt.Sprintf("versions=%d/at=random", n), func(b *testing.B) {
			rng := rand.New(rand.NewSource(1))
			b.ReportAllocs()
			for b.Loop() {
				at := t0.Add(time.Duration(rng.Int63n(int64(span))))
				if _, _, err := f.k.ResolveAt(f.ctx, a.did(), at); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("versions=%d/at=oldest", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, md, err := f.k.ResolveAt(f.ctx, a.did(), t0); err != nil || md.VersionId != "1" {
					b.Fatal(err, md.VersionId)
				}
			}
		})
	}
}

// TestVersionTimeIndex: the index holds one entry per distinct time of a DID's versions after
// the first, the last version of that time; a DID that never changed (b) has no entry.
func TestVersionTimeIndex(t *testing.T) {
	f, a := history(t)
	b := newIdentity(t, keys.Ed25519)
	f.create(t, b)
	got := map[int64]uint64{}
	rng := collections.NewPrefixedPairRange[string, int64](a.did())
	require.NoError(t, f.k.VersionTimes.Walk(f.ctx, rng, func(k collections.Pair[string, int64], seq uint64) (bool, error) {
		got[k.K2()] = seq
		return false, nil
	}))
	sec := func(s int) int64 { return t0.Add(time.Duration(s) * time.Second).UnixNano() }
	require.Equal(t, map[int64]uint64{sec(5): 3, sec(10): 4, sec(15): 5}, got)
	has, err := f.k.VersionTimes.Iterate(f.ctx, collections.NewPrefixedPairRange[string, int64](b.did()))
	require.NoError(t, err)
	defer has.Close()
	require.False(t, has.Valid(), "a DID with one version has an index entry")
}

// historyOf stores a DID with n versions, one every 5 s from t0, through genesis, and commits.
func historyOf(tb testing.TB, n int) (*fixture, identity) {
	tb.Helper()
	a := newIdentity(tb, keys.Ed25519)
	doc := mustJSON(tb, a.doc)
	gs := types.DefaultGenesis()
	for s := 1; s <= n; s++ {
		v := types.DidDocumentVersion{Did: a.did(), Sequence: uint64(s), VersionId: types.VersionID(uint64(s)),
			DocumentJson: doc, Created: t0, Updated: t0.Add(time.Duration(s-1) * 5 * time.Second), Height: int64(s)}
		if s > 1 {
			v.PreviousVersionId = types.VersionID(uint64(s - 1))
		}
		gs.Versions = append(gs.Versions, v)
	}
	f := newFixture(tb)
	require.NoError(tb, f.k.InitGenesis(f.ctx, gs))
	f.cms.Commit()
	return f, a
}

// TestResolveAtCostIndependentOfHistory: resolving the oldest version of a DID with 300
// versions reads what resolving a DID with one version reads (gas counts every store read
// and every iterator step), and finds the right version.
func TestResolveAtCostIndependentOfHistory(t *testing.T) {
	gas := func(n int) uint64 {
		f, a := historyOf(t, n)
		ctx := f.ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
		_, md, err := f.k.ResolveAt(ctx, a.did(), t0.Add(time.Second))
		require.NoError(t, err)
		require.Equal(t, "1", md.VersionId)
		if n > 1 {
			require.Equal(t, "2", md.NextVersionId)
		}
		return ctx.GasMeter().GasConsumed()
	}
	one, many := gas(1), gas(300)
	t.Logf("gas of resolve at the oldest time: 1 version %d, 300 versions %d", one, many)
	require.LessOrEqual(t, many, one+50, "a resolve at a time must not walk the history")
}

// seqs returns the version ids of a page.
func seqs(mds []types.DocumentMetadata) []string {
	out := make([]string, len(mds))
	for i, md := range mds {
		out[i] = md.VersionId
	}
	return out
}

// TestVersionsPaging pages through a DID's versions by key and by offset, forwards and
// backwards, and refuses pages above MaxVersionsPageLimit and malformed page requests.
func TestVersionsPaging(t *testing.T) {
	f, a := history(t)
	list := func(p *query.PageRequest) (*types.QueryVersionsResponse, error) {
		return f.query.Versions(f.ctx, &types.QueryVersionsRequest{Did: a.did(), Pagination: p})
	}
	walk := func(reverse bool) (pages [][]string) {
		var key []byte
		for {
			res, err := list(&query.PageRequest{Key: key, Limit: 2, Reverse: reverse})
			require.NoError(t, err)
			pages = append(pages, seqs(res.Versions))
			if key = res.Pagination.NextKey; key == nil {
				return pages
			}
		}
	}
	require.Equal(t, [][]string{{"1", "2"}, {"3", "4"}, {"5"}}, walk(false))
	require.Equal(t, [][]string{{"5", "4"}, {"3", "2"}, {"1"}}, walk(true))

	for _, tc := range []struct {
		name string
		p    *query.PageRequest
		want []string
		next []byte
	}{
		{"no pagination", nil, []string{"1", "2", "3", "4", "5"}, nil},
		{"limit 0 is the maximum", &query.PageRequest{}, []string{"1", "2", "3", "4", "5"}, nil},
		{"limit at the maximum", &query.PageRequest{Limit: types.MaxVersionsPageLimit}, []string{"1", "2", "3", "4", "5"}, nil},
		{"offset", &query.PageRequest{Offset: 3}, []string{"4", "5"}, nil},
		{"offset and limit", &query.PageRequest{Offset: 1, Limit: 2}, []string{"2", "3"}, []byte{0, 0, 0, 0, 0, 0, 0, 4}},
		{"offset reverse", &query.PageRequest{Offset: 3, Reverse: true}, []string{"2", "1"}, nil},
		{"offset at the end", &query.PageRequest{Offset: 5}, []string{}, nil},
		{"huge offset", &query.PageRequest{Offset: ^uint64(0)}, []string{}, nil},
		{"huge offset reverse", &query.PageRequest{Offset: ^uint64(0), Reverse: true}, []string{}, nil},
		{"key of the last", &query.PageRequest{Key: []byte{0, 0, 0, 0, 0, 0, 0, 5}}, []string{"5"}, nil},
		{"key reverse", &query.PageRequest{Key: []byte{0, 0, 0, 0, 0, 0, 0, 2}, Reverse: true}, []string{"2", "1"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := list(tc.p)
			require.NoError(t, err)
			require.Equal(t, tc.want, seqs(res.Versions))
			require.Equal(t, tc.next, res.Pagination.NextKey)
		})
	}
	res, err := list(&query.PageRequest{Limit: 1, CountTotal: true})
	require.NoError(t, err)
	require.EqualValues(t, 5, res.Pagination.Total)
	require.Equal(t, "2", res.Versions[0].NextVersionId)

	for _, tc := range []struct {
		name string
		p    *query.PageRequest
		err  error
	}{
		{"limit above the maximum", &query.PageRequest{Limit: types.MaxVersionsPageLimit + 1}, types.ErrPageTooLarge},
		{"huge limit", &query.PageRequest{Limit: ^uint64(0)}, types.ErrPageTooLarge},
		{"key and offset", &query.PageRequest{Key: []byte{0, 0, 0, 0, 0, 0, 0, 2}, Offset: 1}, types.ErrInvalidPageSpec},
		{"short key", &query.PageRequest{Key: []byte{2}}, types.ErrInvalidPageKey},
		{"long key", &query.PageRequest{Key: make([]byte, 9)}, types.ErrInvalidPageKey},
		{"key of version 0", &query.PageRequest{Key: make([]byte, 8)}, types.ErrInvalidPageKey},
		{"key past the latest", &query.PageRequest{Key: []byte{0, 0, 0, 0, 0, 0, 0, 6}}, types.ErrInvalidPageKey},
		{"key with a DID prefix", &query.PageRequest{Key: append([]byte(a.did()), 0, 0, 0, 0, 0, 0, 0, 1)}, types.ErrInvalidPageKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := list(tc.p)
			require.Equal(t, codes.InvalidArgument, status.Code(err), "%v", err)
			require.ErrorContains(t, err, tc.err.Error())
		})
	}
	_, err = f.query.Versions(f.ctx, &types.QueryVersionsRequest{Did: newIdentity(t, keys.Ed25519).did()})
	require.Equal(t, codes.NotFound, status.Code(err))
}

// TestVersionsPagingLongHistory: 250 versions come in pages of at most 100, in order.
func TestVersionsPagingLongHistory(t *testing.T) {
	f, a := historyOf(t, 250)
	var all []string
	var sizes []int
	var key []byte
	for {
		res, err := f.query.Versions(f.ctx, &types.QueryVersionsRequest{Did: a.did(), Pagination: &query.PageRequest{Key: key}})
		require.NoError(t, err)
		all = append(all, seqs(res.Versions)...)
		sizes = append(sizes, len(res.Versions))
		if key = res.Pagination.NextKey; key == nil {
			break
		}
	}
	require.Equal(t, []int{100, 100, 50}, sizes)
	for i, id := range all {
		require.Equal(t, types.VersionID(uint64(i+1)), id)
	}
}

// FuzzVersionsPage: any page request gives either InvalidArgument or at most
// MaxVersionsPageLimit consecutive versions of the DID.
func FuzzVersionsPage(f *testing.F) {
	f.Add([]byte(nil), uint64(0), uint64(0), false, false)
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 3}, uint64(0), uint64(2), true, true)
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, uint64(0), uint64(1), false, false)
	f.Add([]byte{1}, uint64(7), uint64(101), false, true)
	f.Add([]byte(nil), ^uint64(0), uint64(100), true, false)
	fx, a := historyOf(f, 120)
	f.Fuzz(func(t *testing.T, key []byte, offset, limit uint64, reverse, total bool) {
		res, err := fx.query.Versions(fx.ctx, &types.QueryVersionsRequest{Did: a.did(),
			Pagination: &query.PageRequest{Key: key, Offset: offset, Limit: limit, Reverse: reverse, CountTotal: total}})
		if err != nil {
			require.Equal(t, codes.InvalidArgument, status.Code(err), "%v", err)
			return
		}
		require.LessOrEqual(t, len(res.Versions), types.MaxVersionsPageLimit)
		for i := 1; i < len(res.Versions); i++ {
			prev, err := types.ParseVersionID(res.Versions[i-1].VersionId)
			require.NoError(t, err)
			cur, err := types.ParseVersionID(res.Versions[i].VersionId)
			require.NoError(t, err)
			if reverse {
				require.Equal(t, prev-1, cur)
			} else {
				require.Equal(t, prev+1, cur)
			}
		}
	})
}
