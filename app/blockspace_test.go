package app

import (
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/mempool"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
)

// TestPrepareProposal: the block takes urgent transactions first, stops at max_gas, and never
// takes a signer's transaction after one of its earlier ones was left out.
func TestPrepareProposal(t *testing.T) {
	enc := moduletestutil.MakeTestEncodingConfig()
	key := storetypes.NewKVStoreKey("t")
	ctx := testutil.DefaultContextWithDB(t, key, storetypes.NewTransientStoreKey("tt")).Ctx.
		WithConsensusParams(cmtproto.ConsensusParams{Block: &cmtproto.BlockParams{MaxGas: 1000, MaxBytes: 1 << 20}})
	mp := mempool.NewPriorityMempool(mempool.DefaultPriorityNonceMempoolConfig())
	type spec struct {
		name     string
		signer   cryptotypes.PrivKey
		seq, gas uint64
		priority int64
	}
	flooder, other, revoker := secp256k1.GenPrivKey(), secp256k1.GenPrivKey(), secp256k1.GenPrivKey()
	specs := []spec{
		{"flood 0", flooder, 0, 290, 0},
		{"flood 1", flooder, 1, 290, 0},
		{"big", other, 0, 950, 0},  // never fits beside the revocation
		{"small", other, 1, 10, 0}, // would fit, but follows "big"
		{"flood 2", flooder, 2, 290, 0},
		{"revocation", revoker, 0, 100, 1_000_000},
	}
	names := map[string]string{}
	for _, sp := range specs {
		b := enc.TxConfig.NewTxBuilder()
		addr := sdk.AccAddress(sp.signer.PubKey().Address())
		if err := b.SetMsgs(banktypes.NewMsgSend(addr, addr, sdk.NewCoins(sdk.NewInt64Coin("uamn", 1)))); err != nil {
			t.Fatal(err)
		}
		b.SetGasLimit(sp.gas)
		if err := b.SetSignatures(signing.SignatureV2{PubKey: sp.signer.PubKey(), Sequence: sp.seq,
			Data: &signing.SingleSignatureData{SignMode: signing.SignMode_SIGN_MODE_DIRECT}}); err != nil {
			t.Fatal(err)
		}
		if err := mp.Insert(ctx.WithPriority(sp.priority), b.GetTx(), mempool.InsertOption{GasWanted: sp.gas}); err != nil {
			t.Fatal(err)
		}
		bz, err := enc.TxConfig.TxEncoder()(b.GetTx())
		if err != nil {
			t.Fatal(err)
		}
		names[string(bz)] = sp.name
	}
	res, err := prepareProposal(mp, enc.TxConfig.TxEncoder())(ctx, &abci.RequestPrepareProposal{MaxTxBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, bz := range res.Txs {
		got = append(got, names[string(bz)])
	}
	// max_gas 1000: the revocation (100) and the flood (3*290) fit; "big" does not, so
	// "small" may not follow it although 10 more gas would fit.
	want := []string{"revocation", "flood 0", "flood 1", "flood 2"}
	if len(got) != len(want) || got[0] != "revocation" {
		t.Fatalf("proposal %v, want %v with the revocation first", got, want)
	}
	seen := map[string]bool{}
	for _, n := range got {
		seen[n] = true
	}
	for _, n := range want {
		if !seen[n] {
			t.Fatalf("proposal %v lacks %s", got, n)
		}
	}
	if seen["small"] || seen["big"] {
		t.Fatalf("proposal %v takes a transaction of a signer whose earlier one did not fit", got)
	}
}
