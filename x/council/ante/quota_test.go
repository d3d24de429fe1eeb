package ante_test

import (
	"context"
	"testing"

	errorsmod "cosmossdk.io/errors"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	govv1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"

	"github.com/amanah-id/amanah/x/council/ante"
	"github.com/amanah-id/amanah/x/council/types"
)

type charge struct {
	acc    string
	gas    uint64
	height int64
	force  bool
}

// fakeQuota records charges and refuses once refuse is set.
type fakeQuota struct {
	members map[string]bool
	charges []charge
	refuse  bool
}

func (f *fakeQuota) IsMember(_ context.Context, a sdk.AccAddress) (bool, error) {
	return f.members[a.String()], nil
}

func (f *fakeQuota) ChargeQuota(_ context.Context, a sdk.AccAddress, gas uint64, h int64, force bool) error {
	if f.refuse && !force {
		return errorsmod.Wrap(types.ErrQuotaExceeded, "refused")
	}
	f.charges = append(f.charges, charge{a.String(), gas, h, force})
	return nil
}

func addr(i byte) sdk.AccAddress { return sdk.AccAddress(append(make([]byte, 19), i)) }

// urgentVote stands in for a revocation update: gov votes are "urgent" in this test.
func urgentVote(m sdk.Msg) bool { _, ok := m.(*govv1.MsgVote); return ok }

func TestQuotaAndPriorityDecorators(t *testing.T) {
	enc := moduletestutil.MakeTestEncodingConfig()
	newTx := func(gas uint64, msgs ...sdk.Msg) sdk.Tx {
		b := enc.TxConfig.NewTxBuilder()
		if err := b.SetMsgs(msgs...); err != nil {
			t.Fatal(err)
		}
		b.SetGasLimit(gas)
		return b.GetTx()
	}
	send := func(from sdk.AccAddress) sdk.Msg {
		return banktypes.NewMsgSend(from, addr(99), sdk.NewCoins(sdk.NewInt64Coin("uamn", 1)))
	}
	vote := func(from sdk.AccAddress) sdk.Msg {
		return &govv1.MsgVote{ProposalId: 1, Voter: from.String(), Option: govv1.OptionYes}
	}
	writer, member := addr(1), addr(2)
	key := storetypes.NewKVStoreKey("t")
	base := testutil.DefaultContextWithDB(t, key, storetypes.NewTransientStoreKey("tt")).Ctx.WithBlockHeight(41)

	cases := []struct {
		name     string
		tx       sdk.Tx
		checkTx  bool
		simulate bool
		refuse   bool
		wantErr  bool
		charges  []charge
		priority int64
	}{
		{"writer in DeliverTx: charged at the block's height", newTx(300, send(writer)), false, false, false, false,
			[]charge{{writer.String(), 300, 41, false}}, 0},
		{"writer in CheckTx: charged at the next height", newTx(300, send(writer)), true, false, false, false,
			[]charge{{writer.String(), 300, 42, false}}, 0},
		{"member: not charged", newTx(300, send(member)), false, false, false, false, nil, 0},
		{"simulation: not charged", newTx(300, send(writer)), false, true, false, false, nil, 0},
		{"over the quota: refused", newTx(300, send(writer)), false, false, true, true, nil, 0},
		{"urgent over the quota: charged, not refused, priority", newTx(300, vote(writer)), false, false, true, false,
			[]charge{{writer.String(), 300, 41, true}}, ante.UrgentPriority},
		{"urgent mixed with other messages: refused, no priority", newTx(300, vote(writer), send(writer)), false, false, true, true, nil, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k := &fakeQuota{members: map[string]bool{member.String(): true}, refuse: tc.refuse}
			ctx := base.WithIsCheckTx(tc.checkTx)
			chain := sdk.ChainAnteDecorators(ante.NewPriorityDecorator(urgentVote), ante.NewQuotaDecorator(k, urgentVote))
			out, err := chain(ctx, tc.tx, tc.simulate)
			if tc.wantErr {
				if !types.ErrQuotaExceeded.Is(err) {
					t.Fatalf("got %v, want the quota error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(k.charges) != len(tc.charges) {
				t.Fatalf("charges %+v, want %+v", k.charges, tc.charges)
			}
			for i := range tc.charges {
				if k.charges[i] != tc.charges[i] {
					t.Fatalf("charge %d: %+v, want %+v", i, k.charges[i], tc.charges[i])
				}
			}
			if out.Priority() != tc.priority {
				t.Fatalf("priority %d, want %d", out.Priority(), tc.priority)
			}
		})
	}
}
