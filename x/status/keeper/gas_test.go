package keeper_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"

	"github.com/amanah-id/amanah/statuslist"
	"github.com/amanah-id/amanah/x/status/types"
)

// updateGas runs one signed update on a fresh gas meter and returns the gas it consumed.
func updateGas(t testing.TB, f *fixture, i issuer, id uint64, indices []uint32, values []byte) uint64 {
	t.Helper()
	msg := f.updateMsg(t, i, id, indices, values)
	ctx := f.ctx.WithGasMeter(storetypes.NewGasMeter(1 << 40))
	if _, err := f.msgs.UpdateStatusList(ctx, msg); err != nil {
		t.Fatal(err)
	}
	return ctx.GasMeter().GasConsumed()
}

// TestGasIndependentOfListSize is the paging property: revoking one index costs the same
// (within 10%) in a 131,072-entry list and in a 16,777,216-entry list.
func TestGasIndependentOfListSize(t *testing.T) {
	f := newFixture(t)
	iss := newIssuer(t, f.dids)
	small := f.create(t, iss, types.StatusPurpose_STATUS_PURPOSE_REVOCATION, statuslist.MinSize)
	large := f.create(t, iss, types.StatusPurpose_STATUS_PURPOSE_REVOCATION, statuslist.MaxSize)
	for _, tc := range []struct {
		name       string
		smallIndex uint32
		largeIndex uint32
	}{
		{"first write of a page", 100, statuslist.MaxSize - 100},
		{"page already stored", 101, statuslist.MaxSize - 101},
		{"middle of the list", statuslist.MinSize / 2, statuslist.MaxSize / 2},
	} {
		gs := updateGas(t, f, iss, small, []uint32{tc.smallIndex}, []byte{1})
		gl := updateGas(t, f, iss, large, []uint32{tc.largeIndex}, []byte{1})
		t.Logf("%s: 131072 entries %d gas, 16777216 entries %d gas", tc.name, gs, gl)
		if d := float64(gl) - float64(gs); d > 0.1*float64(gs) || -d > 0.1*float64(gs) {
			t.Errorf("%s: gas %d (16M) vs %d (131k) differ by more than 10%%", tc.name, gl, gs)
		}
	}
}

func benchRevokeOne(b *testing.B, size uint32) {
	f := newFixture(b)
	iss := newIssuer(b, f.dids)
	id := f.create(b, iss, types.StatusPurpose_STATUS_PURPOSE_REVOCATION, size)
	rng := rand.New(rand.NewPCG(7, uint64(size)))
	var gas uint64
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		b.StopTimer()
		msg := f.updateMsg(b, iss, id, []uint32{rng.Uint32N(size)}, []byte{1})
		ctx := f.ctx.WithGasMeter(storetypes.NewGasMeter(1 << 40))
		b.StartTimer()
		if _, err := f.msgs.UpdateStatusList(ctx, msg); err != nil {
			b.Fatal(err)
		}
		gas += ctx.GasMeter().GasConsumed()
	}
	b.ReportMetric(float64(gas)/float64(b.N), "gas/op")
}

// BenchmarkRevokeOne131k is one revocation in a 131,072-entry list (gas/op is the figure).
func BenchmarkRevokeOne131k(b *testing.B) { benchRevokeOne(b, statuslist.MinSize) }

// BenchmarkRevokeOne16M is one revocation in a 16,777,216-entry list.
func BenchmarkRevokeOne16M(b *testing.B) { benchRevokeOne(b, statuslist.MaxSize) }

// BenchmarkBatch1000 is a 1,000-index batch: random indices over the whole list, and
// sequential indices (an issuer revoking a run of credentials it issued together).
func BenchmarkBatch1000(b *testing.B) {
	for _, size := range []uint32{statuslist.MinSize, 1 << 20, statuslist.MaxSize} {
		for _, layout := range []string{"random", "sequential"} {
			b.Run(fmt.Sprintf("size=%d/%s", size, layout), func(b *testing.B) {
				f := newFixture(b)
				iss := newIssuer(b, f.dids)
				id := f.create(b, iss, types.StatusPurpose_STATUS_PURPOSE_REVOCATION, size)
				rng := rand.New(rand.NewPCG(9, uint64(size)))
				var gas uint64
				for n := 0; n < b.N; n++ {
					b.StopTimer()
					idx := make([]uint32, 0, 1000)
					seen := map[uint32]bool{}
					start := rng.Uint32N(size - 1000)
					for len(idx) < 1000 {
						i := start + uint32(len(idx))
						if layout == "random" {
							i = rng.Uint32N(size)
						}
						if !seen[i] {
							seen[i] = true
							idx = append(idx, i)
						}
					}
					msg := f.updateMsg(b, iss, id, idx, fill(1000, 1))
					ctx := f.ctx.WithGasMeter(storetypes.NewGasMeter(1 << 50)).WithBlockHeight(f.ctx.BlockHeight() + int64(n) + 1)
					b.StartTimer()
					if _, err := f.msgs.UpdateStatusList(ctx, msg); err != nil {
						b.Fatal(err)
					}
					gas += ctx.GasMeter().GasConsumed()
				}
				b.ReportMetric(float64(gas)/float64(b.N), "gas/op")
			})
		}
	}
}

// BenchmarkUpdateToReadable is the keeper-level time from applying an update to reading it
// back through the Entry query (one index) and the Encoded query (whole 1M-entry list).
func BenchmarkUpdateToReadable(b *testing.B) {
	f := newFixture(b)
	iss := newIssuer(b, f.dids)
	id := f.create(b, iss, types.StatusPurpose_STATUS_PURPOSE_REVOCATION, 1<<20)
	for _, q := range []string{"entry", "encoded-token"} {
		b.Run(q, func(b *testing.B) {
			var total time.Duration
			for n := 0; n < b.N; n++ {
				b.StopTimer()
				i := uint32(n*7919) % (1 << 20)
				v := byte(1 - n/(1<<20)%2)
				msg := f.updateMsg(b, iss, id, []uint32{i}, []byte{v})
				b.StartTimer()
				start := time.Now()
				if _, err := f.msgs.UpdateStatusList(f.ctx, msg); err != nil {
					b.Fatal(err)
				}
				if q == "entry" {
					res, err := f.q.Entry(f.ctx, &types.QueryEntryRequest{ListId: id, Index: i})
					if err != nil || res.Status != uint32(v) {
						b.Fatal(err, res)
					}
				} else if _, err := f.q.Encoded(f.ctx, &types.QueryEncodedRequest{ListId: id, Format: types.ListFormat_LIST_FORMAT_TOKEN}); err != nil {
					b.Fatal(err)
				}
				total += time.Since(start)
			}
			b.ReportMetric(float64(total.Microseconds())/float64(b.N), "µs/update+read")
		})
	}
}

// TestLargestBatchGas measures the most expensive legitimate status update: a full batch
// (statuslist.MaxBatch entries) spread over every page of the largest 2-bit list, so every
// page is read and written. docs/block-space.md derives the block gas limit from it; the
// bound here is the figure the docs state (keeper gas only; the transaction's size and
// signature add about 1.1M, see the docs).
func TestLargestBatchGas(t *testing.T) {
	f := newFixture(t)
	iss := newIssuer(t, f.dids)
	id := f.create(t, iss, types.StatusPurpose_STATUS_PURPOSE_STATUS, statuslist.MaxSize)
	pages := statuslist.NumPages(2, statuslist.MaxSize)
	perPage := uint32(statuslist.PageBytes * 8 / 2) // entries per page at 2 bits
	idx := make([]uint32, 0, statuslist.MaxBatch)
	for n := uint32(0); len(idx) < statuslist.MaxBatch; n++ {
		idx = append(idx, (n%pages)*perPage+n/pages)
	}
	msgBytes := f.updateMsg(t, iss, id, idx, fill(len(idx), 1)).Size()
	gas := updateGas(t, f, iss, id, idx, fill(len(idx), 1))
	t.Logf("%d entries over %d pages of a %d-entry 2-bit list: %d gas, message %d bytes", len(idx), pages, statuslist.MaxSize, gas, msgBytes)
	const bound = 160_000_000
	if gas > bound {
		t.Errorf("largest batch takes %d gas, more than the %d docs/block-space.md budgets", gas, bound)
	}
}
