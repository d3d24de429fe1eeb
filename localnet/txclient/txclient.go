// Package txclient signs and submits transactions to a localnet through CometBFT RPC, with the
// agencies' keys from the node homes' test keyrings, and reads accounts and balances at a
// height. It is the transaction side of the fault suite and of the localnet tests.
package txclient

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"cosmossdk.io/log/v2"
	sdkmath "cosmossdk.io/math"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/cosmos-sdk/client"
	clienttx "github.com/cosmos/cosmos-sdk/client/tx"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/crypto/hd"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/amanah-id/amanah/app"
	"github.com/amanah-id/amanah/localnet"
)

// DefaultGas is the gas limit of every transaction (the minimum gas price is zero).
const DefaultGas = 400_000

// Signer is a key that signs transactions.
type Signer struct {
	// Name is the key's name in Keyring.
	Name string
	// Address is the key's account address.
	Address sdk.AccAddress
	// Keyring holds the key.
	Keyring keyring.Keyring
}

// Client signs transactions for one chain and queries its nodes.
type Client struct {
	ChainID  string
	TxConfig client.TxConfig
	Codec    codec.Codec
}

// New returns a client for chainID, with the app's codecs.
func New(chainID string) (*Client, error) {
	dir, err := os.MkdirTemp("", "amanah-txclient")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	a := app.New(log.NewNopLogger(), dbm.NewMemDB(), true, simtestutil.NewAppOptionsWithFlagHome(dir))
	return &Client{ChainID: chainID, TxConfig: a.TxConfig(), Codec: a.AppCodec()}, nil
}

// AgencySigner opens agency i's key from its node home's test keyring.
func (c *Client) AgencySigner(net *localnet.Net, i int) (Signer, error) {
	nd := net.Node(i)
	kr, err := keyring.New(sdk.KeyringServiceName(), keyring.BackendTest, nd.Home, nil, c.Codec)
	if err != nil {
		return Signer{}, err
	}
	rec, err := kr.Key(nd.Agency.KeyName)
	if err != nil {
		return Signer{}, fmt.Errorf("txclient: node%d key %s: %w", i, nd.Agency.KeyName, err)
	}
	addr, err := rec.GetAddress()
	if err != nil {
		return Signer{}, err
	}
	return Signer{Name: nd.Agency.KeyName, Address: addr, Keyring: kr}, nil
}

// InMemory returns s with its key copied into an in-memory keyring, so that signing no longer
// reads the node home (which a test may wipe and restore).
func (c *Client) InMemory(s Signer) (Signer, error) {
	const pass = "in-memory"
	armor, err := s.Keyring.ExportPrivKeyArmor(s.Name, pass)
	if err != nil {
		return Signer{}, err
	}
	kr := keyring.NewInMemory(c.Codec)
	if err := kr.ImportPrivKey(s.Name, armor, pass); err != nil {
		return Signer{}, err
	}
	return Signer{Name: s.Name, Address: s.Address, Keyring: kr}, nil
}

// NewMemSigner creates a fresh secp256k1 key in memory (an account the chain has never seen).
func (c *Client) NewMemSigner(name string) (Signer, error) {
	kr := keyring.NewInMemory(c.Codec)
	rec, _, err := kr.NewMnemonic(name, keyring.English, sdk.FullFundraiserPath, keyring.DefaultBIP39Passphrase, hd.Secp256k1)
	if err != nil {
		return Signer{}, err
	}
	addr, err := rec.GetAddress()
	if err != nil {
		return Signer{}, err
	}
	return Signer{Name: name, Address: addr, Keyring: kr}, nil
}

// SignedTx is an encoded, signed transaction and its CometBFT hash (upper-case hex).
type SignedTx struct {
	Bytes []byte
	Hash  string
}

// Sign builds and signs a transaction of msgs with SIGN_MODE_DIRECT, zero fee, DefaultGas.
func (c *Client) Sign(s Signer, accNum, seq uint64, memo string, msgs ...sdk.Msg) (SignedTx, error) {
	return c.SignGas(s, accNum, seq, DefaultGas, memo, msgs...)
}

// SignGas is Sign with the gas limit gas.
func (c *Client) SignGas(s Signer, accNum, seq, gas uint64, memo string, msgs ...sdk.Msg) (SignedTx, error) {
	b := c.TxConfig.NewTxBuilder()
	if err := b.SetMsgs(msgs...); err != nil {
		return SignedTx{}, err
	}
	b.SetGasLimit(gas)
	b.SetMemo(memo)
	f := clienttx.Factory{}.WithTxConfig(c.TxConfig).WithKeybase(s.Keyring).WithChainID(c.ChainID).
		WithAccountNumber(accNum).WithSequence(seq).WithSignMode(signing.SignMode_SIGN_MODE_DIRECT)
	if err := clienttx.Sign(context.Background(), f, s.Name, b, true); err != nil {
		return SignedTx{}, err
	}
	raw, err := c.TxConfig.TxEncoder()(b.GetTx())
	if err != nil {
		return SignedTx{}, err
	}
	sum := sha256.Sum256(raw)
	return SignedTx{Bytes: raw, Hash: strings.ToUpper(hex.EncodeToString(sum[:]))}, nil
}

// ErrNoAccount is returned by Account for an address the chain does not know.
var ErrNoAccount = errors.New("account not found")

// Account returns addr's account number and sequence as node rpc sees them at its latest height.
func (c *Client) Account(ctx context.Context, rpc localnet.RPC, addr sdk.AccAddress) (accNum, seq uint64, err error) {
	return c.AccountAt(ctx, rpc, addr, 0)
}

// AccountAt returns addr's account number and sequence after block height (0: the node's
// latest). A node that has not committed height yet answers with an error.
func (c *Client) AccountAt(ctx context.Context, rpc localnet.RPC, addr sdk.AccAddress, height int64) (accNum, seq uint64, err error) {
	req := &authtypes.QueryAccountInfoRequest{Address: addr.String()}
	data, err := req.Marshal()
	if err != nil {
		return 0, 0, err
	}
	val, err := rpc.ABCIQuery(ctx, "/cosmos.auth.v1beta1.Query/AccountInfo", data, height)
	if err != nil {
		if strings.Contains(err.Error(), "not found") {
			return 0, 0, ErrNoAccount
		}
		return 0, 0, err
	}
	var res authtypes.QueryAccountInfoResponse
	if err := res.Unmarshal(val); err != nil {
		return 0, 0, err
	}
	if res.Info == nil {
		return 0, 0, ErrNoAccount
	}
	return res.Info.AccountNumber, res.Info.Sequence, nil
}

// Balance returns addr's balance of denom on node rpc at height (0: latest).
func (c *Client) Balance(ctx context.Context, rpc localnet.RPC, addr sdk.AccAddress, denom string, height int64) (sdkmath.Int, error) {
	req := &banktypes.QueryBalanceRequest{Address: addr.String(), Denom: denom}
	data, err := req.Marshal()
	if err != nil {
		return sdkmath.Int{}, err
	}
	val, err := rpc.ABCIQuery(ctx, "/cosmos.bank.v1beta1.Query/Balance", data, height)
	if err != nil {
		return sdkmath.Int{}, err
	}
	var res banktypes.QueryBalanceResponse
	if err := res.Unmarshal(val); err != nil {
		return sdkmath.Int{}, err
	}
	if res.Balance == nil {
		return sdkmath.ZeroInt(), nil
	}
	return res.Balance.Amount, nil
}

// WaitTx polls rpc until the transaction is committed, and returns its result. It stops when
// ctx ends (bounded by a one-minute cap).
func WaitTx(ctx context.Context, rpc localnet.RPC, hash string) (localnet.TxResult, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	tick := time.NewTicker(150 * time.Millisecond)
	defer tick.Stop()
	for {
		res, err := rpc.Tx(ctx, hash)
		if err == nil {
			return res, nil
		}
		select {
		case <-ctx.Done():
			return localnet.TxResult{}, fmt.Errorf("tx %s not committed (last: %v): %w", hash, err, ctx.Err())
		case <-tick.C:
		}
	}
}
