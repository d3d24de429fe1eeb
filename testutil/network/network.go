// Package network starts in-process networks of Amanah validators (the SDK's
// testutil/network with Amanah's app, genesis and council) and signs and broadcasts
// transactions on them. One network per test process.
package network

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"cosmossdk.io/log/v2"
	sdkmath "cosmossdk.io/math"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client"
	clienttx "github.com/cosmos/cosmos-sdk/client/tx"
	"github.com/cosmos/cosmos-sdk/crypto/hd"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	pruningtypes "github.com/cosmos/cosmos-sdk/store/v2/pruning/types"
	sdknetwork "github.com/cosmos/cosmos-sdk/testutil/network"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	govv1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"
	"github.com/cosmos/go-bip39"

	"github.com/amanah-id/amanah/app"
	counciltypes "github.com/amanah-id/amanah/x/council/types"
)

type (
	// Network is a running in-process network.
	Network = sdknetwork.Network
	// Validator is one in-process validator.
	Validator = sdknetwork.Validator
	// Config configures a network.
	Config = sdknetwork.Config
)

// DepositAllowance is the ubond each agency holds beyond its bond, to pay gov deposits.
var DepositAllowance = sdkmath.NewInt(1_000_000)

// DefaultConfig returns a config for n validators, all admitted to the council in genesis,
// one-second blocks and a voting period of votingPeriod.
func DefaultConfig(t testing.TB, n int, votingPeriod time.Duration) Config {
	t.Helper()
	fixture := func() sdknetwork.TestFixture {
		a := app.New(log.NewNopLogger(), dbm.NewMemDB(), true, simtestutil.NewAppOptionsWithFlagHome(t.TempDir()))
		return sdknetwork.TestFixture{
			GenesisState: a.DefaultGenesis(),
			EncodingConfig: moduletestutil.TestEncodingConfig{
				InterfaceRegistry: a.InterfaceRegistry(),
				Codec:             a.AppCodec(),
				TxConfig:          a.TxConfig(),
				Amino:             a.LegacyAmino(),
			},
		}
	}
	cfg := sdknetwork.DefaultConfig(fixture)
	cfg.ChainID = "amanah-test"
	cfg.NumValidators = n
	cfg.BondDenom = app.BondDenom
	cfg.MinGasPrices = "0" + app.BondDenom
	cfg.TimeoutCommit = time.Second
	cfg.BondedTokens = counciltypes.DefaultBondAmount
	cfg.StakingTokens = counciltypes.DefaultBondAmount.Add(DepositAllowance)
	chainID := cfg.ChainID
	cfg.AppConstructor = func(val sdknetwork.ValidatorI) servertypes.Application {
		return app.New(val.GetCtx().Logger, dbm.NewMemDB(), true,
			simtestutil.NewAppOptionsWithFlagHome(val.GetCtx().Config.RootDir),
			baseapp.SetPruning(pruningtypes.NewPruningOptionsFromString(val.GetAppConfig().Pruning)),
			baseapp.SetMinGasPrices(val.GetAppConfig().MinGasPrices),
			baseapp.SetChainID(chainID),
		)
	}

	// Mnemonics fixed up front give the operator addresses, so genesis can admit them.
	kr := keyring.NewInMemory(cfg.Codec)
	council := counciltypes.DefaultGenesis()
	for i := 0; i < n; i++ {
		entropy, err := bip39.NewEntropy(256)
		if err != nil {
			t.Fatal(err)
		}
		mnemonic, err := bip39.NewMnemonic(entropy)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := kr.NewAccount(fmt.Sprintf("node%d", i), mnemonic, "", sdk.FullFundraiserPath, hd.Secp256k1)
		if err != nil {
			t.Fatal(err)
		}
		addr, err := rec.GetAddress()
		if err != nil {
			t.Fatal(err)
		}
		cfg.Mnemonics = append(cfg.Mnemonics, mnemonic)
		council.Members = append(council.Members, counciltypes.Member{Address: addr.String(), Name: fmt.Sprintf("Agency %d", i)})
	}
	cfg.GenesisState[counciltypes.ModuleName] = cfg.Codec.MustMarshalJSON(council)

	var gov govv1.GenesisState
	cfg.Codec.MustUnmarshalJSON(cfg.GenesisState[govtypes.ModuleName], &gov)
	app.SetCouncilGovParams(gov.Params, votingPeriod)
	cfg.GenesisState[govtypes.ModuleName] = cfg.Codec.MustMarshalJSON(&gov)
	return cfg
}

// New starts a network and stops it when the test ends.
func New(t testing.TB, cfg Config) *Network {
	t.Helper()
	n, err := sdknetwork.New(t, t.TempDir(), cfg)
	if err != nil {
		t.Fatalf("start network: %v", err)
	}
	t.Cleanup(n.Cleanup)
	if _, err := n.WaitForHeightWithTimeout(2, 60*time.Second); err != nil {
		t.Fatalf("network did not reach height 2: %v", err)
	}
	return n
}

// NewKey adds a fresh secp256k1 account key named uid to val's keyring.
func NewKey(t testing.TB, val *Validator, uid string) sdk.AccAddress {
	t.Helper()
	rec, _, err := val.ClientCtx.Keyring.NewMnemonic(uid, keyring.English, sdk.FullFundraiserPath, "", hd.Secp256k1)
	if err != nil {
		t.Fatal(err)
	}
	addr, err := rec.GetAddress()
	if err != nil {
		t.Fatal(err)
	}
	return addr
}

// Broadcast signs msgs with the key named from in val's keyring and broadcasts them in
// sync mode through the first validator (the one with RPC). It returns the CheckTx
// response; a CheckTx rejection is a non-zero Code.
func Broadcast(t testing.TB, n *Network, val *Validator, from string, msgs ...sdk.Msg) *sdk.TxResponse {
	t.Helper()
	rec, err := val.ClientCtx.Keyring.Key(from)
	if err != nil {
		t.Fatal(err)
	}
	addr, err := rec.GetAddress()
	if err != nil {
		t.Fatal(err)
	}
	clientCtx := n.Validators[0].ClientCtx.WithKeyring(val.ClientCtx.Keyring).WithFromName(from).WithFromAddress(addr).WithBroadcastMode("sync").
		WithSkipConfirmation(true)
	txf := clienttx.Factory{}.
		WithChainID(clientCtx.ChainID).
		WithKeybase(clientCtx.Keyring).
		WithTxConfig(clientCtx.TxConfig).
		WithAccountRetriever(authtypes.AccountRetriever{}).
		WithGas(2_000_000).
		WithSignMode(1) // SIGN_MODE_DIRECT
	txf, err = txf.Prepare(clientCtx)
	if err != nil {
		// An account the chain has never seen has no number yet: its tx is rejected anyway,
		// but sign it so the node's answer is what the test sees.
		if !strings.Contains(err.Error(), "not found") {
			t.Fatal(err)
		}
		txf = txf.WithAccountNumber(0).WithSequence(0)
	}
	builder, err := txf.BuildUnsignedTx(msgs...)
	if err != nil {
		t.Fatal(err)
	}
	if err := clienttx.Sign(context.Background(), txf, from, builder, true); err != nil {
		t.Fatal(err)
	}
	bz, err := clientCtx.TxConfig.TxEncoder()(builder.GetTx())
	if err != nil {
		t.Fatal(err)
	}
	res, err := clientCtx.BroadcastTx(bz)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// WaitTx waits (bounded) until the tx with hash is in a block and returns its result.
func WaitTx(t testing.TB, n *Network, hash string) *sdk.TxResponse {
	t.Helper()
	svc := txtypes.NewServiceClient(n.Validators[0].ClientCtx)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		res, err := svc.GetTx(context.Background(), &txtypes.GetTxRequest{Hash: hash})
		if err == nil {
			return res.TxResponse
		}
		if err := n.WaitForNextBlock(); err != nil {
			t.Fatal(err)
		}
	}
	t.Fatalf("tx %s not committed within 60s", hash)
	return nil
}

// Deliver broadcasts msgs and waits for them to be committed; it fails the test unless
// both CheckTx and DeliverTx succeed.
func Deliver(t testing.TB, n *Network, val *Validator, from string, msgs ...sdk.Msg) *sdk.TxResponse {
	t.Helper()
	res := Broadcast(t, n, val, from, msgs...)
	if res.Code != 0 {
		t.Fatalf("CheckTx rejected tx: code %d: %s", res.Code, res.RawLog)
	}
	out := WaitTx(t, n, res.TxHash)
	if out.Code != 0 {
		t.Fatalf("tx failed: code %d: %s", out.Code, out.RawLog)
	}
	return out
}

// ClientCtx returns val's client context (for query clients).
func ClientCtx(val *Validator) client.Context { return val.ClientCtx }
