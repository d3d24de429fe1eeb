package main

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/gogoproto/proto"
	"google.golang.org/grpc"

	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/localnet"
	"github.com/amanah-id/amanah/localnet/txclient"
	"github.com/amanah-id/amanah/x/did/client/didsign"
	didtypes "github.com/amanah-id/amanah/x/did/types"
)

// ledger submits the demo's transactions to node 0 and reads its state over gRPC (through
// txclient.Chain).
type ledger struct {
	chain   *txclient.Chain
	client  *txclient.Client
	conn    *grpc.ClientConn
	chainID string
	network string // the did:amanah network name
}

func newLedger(ctx context.Context, net *localnet.Net) (*ledger, error) {
	c, err := txclient.New(net.Config.ChainID)
	if err != nil {
		return nil, err
	}
	ch, err := txclient.Dial(net, c)
	if err != nil {
		return nil, err
	}
	l := &ledger{chain: ch, client: c, conn: ch.Conn, chainID: net.Config.ChainID}
	if l.network, err = ch.DIDNetwork(ctx); err != nil {
		return nil, err
	}
	return l, nil
}

// deliver signs msgs as s, broadcasts them and waits for the block that commits them.
func (l *ledger) deliver(ctx context.Context, s txclient.Signer, msgs ...sdk.Msg) (localnet.TxResult, error) {
	return l.chain.Deliver(ctx, s, msgs...)
}

// didSign signs a message payload with a DID key (x/did sign bytes).
func (l *ledger) didSign(msg sdk.Msg, payload proto.Message, method string, key keys.PrivateKey) ([]didtypes.DidSignature, error) {
	return didsign.Sign(l.chainID, msg, payload, method, key)
}

// createDID publishes a fresh Ed25519 DID paid by payer and returns it with its key.
func (l *ledger) createDID(ctx context.Context, payer txclient.Signer) (string, keys.PrivateKey, error) {
	msg, id, priv, err := l.chain.NewDID(l.network, payer)
	if err != nil {
		return "", priv, err
	}
	if _, err := l.deliver(ctx, payer, msg); err != nil {
		return "", priv, err
	}
	return id, priv, nil
}

// councilDecision submits msgs as a gov proposal, has every member vote Yes, and waits until
// it is decided.
func (l *ledger) councilDecision(ctx context.Context, member txclient.Signer, title string, msgs ...sdk.Msg) error {
	return l.chain.CouncilDecision(ctx, member, title, msgs...)
}
