package types_test

import (
	"strings"
	"testing"

	sdkmath "cosmossdk.io/math"

	"github.com/amanah-id/amanah/x/council/types"
)

func TestParamsValidate(t *testing.T) {
	cases := []struct {
		name string
		edit func(*types.Params)
		want string // "" = valid
	}{
		{"defaults", func(*types.Params) {}, ""},
		{"zero bond", func(p *types.Params) { p.BondAmount = sdkmath.ZeroInt() }, "bond_amount"},
		{"quota zero", func(p *types.Params) { p.WriterGasQuota = 0 }, "writer_gas_quota"},
		{"quota below minimum", func(p *types.Params) { p.WriterGasQuota = types.MinWriterGasQuota - 1 }, "writer_gas_quota"},
		{"quota at minimum", func(p *types.Params) { p.WriterGasQuota = types.MinWriterGasQuota }, ""},
		{"window zero", func(p *types.Params) { p.QuotaWindowBlocks = 0 }, "quota_window_blocks"},
		{"window one block", func(p *types.Params) { p.QuotaWindowBlocks = 1 }, ""},
		{"window at maximum", func(p *types.Params) { p.QuotaWindowBlocks = types.MaxQuotaWindowBlocks }, ""},
		{"window above maximum", func(p *types.Params) { p.QuotaWindowBlocks = types.MaxQuotaWindowBlocks + 1 }, "quota_window_blocks"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := types.DefaultParams()
			tc.edit(&p)
			err := p.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("valid params refused: %v", err)
			case tc.want != "" && (err == nil || !types.ErrInvalidParams.Is(err) || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("got %v, want ErrInvalidParams about %s", err, tc.want)
			}
		})
	}
}

func TestParamsWindow(t *testing.T) {
	p := types.DefaultParams()
	p.QuotaWindowBlocks = 10
	for _, tc := range []struct {
		h        int64
		w        uint64
		resetsAt int64
	}{{0, 0, 10}, {9, 0, 10}, {10, 1, 20}, {19, 1, 20}, {-5, 0, 10}} {
		if w, r := p.Window(tc.h); w != tc.w || r != tc.resetsAt {
			t.Errorf("Window(%d) = %d, %d; want %d, %d", tc.h, w, r, tc.w, tc.resetsAt)
		}
	}
}
