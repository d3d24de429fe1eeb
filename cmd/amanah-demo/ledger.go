package main

import (
	"context"
	"fmt"
	"time"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	govv1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"
	"github.com/cosmos/gogoproto/proto"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/amanah-id/amanah/app"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/testutil/localnet"
	"github.com/amanah-id/amanah/testutil/localnet/txclient"
	"github.com/amanah-id/amanah/x/did/client/didsign"
	didtypes "github.com/amanah-id/amanah/x/did/types"
)

// ledger submits the demo's transactions to node 0 and reads its state over gRPC.
type ledger struct {
	net     *localnet.Net
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
	conn, err := grpc.NewClient(net.Node(0).GRPCAddr(),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(codec.NewProtoCodec(c.Codec.InterfaceRegistry()).GRPCCodec())))
	if err != nil {
		return nil, err
	}
	l := &ledger{net: net, client: c, conn: conn, chainID: net.Config.ChainID}
	p, err := didtypes.NewQueryClient(conn).Params(ctx, &didtypes.QueryParamsRequest{})
	if err != nil {
		return nil, fmt.Errorf("x/did params: %w", err)
	}
	l.network = p.Params.Network
	return l, nil
}

// deliver signs msgs as s, broadcasts them and waits for the block that commits them.
func (l *ledger) deliver(ctx context.Context, s txclient.Signer, msgs ...sdk.Msg) (localnet.TxResult, error) {
	rpc := l.net.Node(0).RPC()
	accNum, seq, err := l.client.Account(ctx, rpc, s.Address)
	if err != nil {
		return localnet.TxResult{}, fmt.Errorf("account %s: %w", s.Address, err)
	}
	tx, err := l.client.Sign(s, accNum, seq, "", msgs...)
	if err != nil {
		return localnet.TxResult{}, err
	}
	res, err := rpc.BroadcastSync(ctx, tx.Bytes)
	if err != nil {
		return localnet.TxResult{}, err
	}
	if res.Code != 0 {
		return localnet.TxResult{}, fmt.Errorf("refused in CheckTx (%s %d): %s", res.Codespace, res.Code, res.Log)
	}
	out, err := txclient.WaitTx(ctx, rpc, tx.Hash)
	if err != nil {
		return out, err
	}
	if out.Code != 0 {
		return out, fmt.Errorf("tx failed at height %d (code %d): %s", out.Height, out.Code, out.Log)
	}
	return out, nil
}

// didSign signs a message payload with a DID key (x/did sign bytes).
func (l *ledger) didSign(msg sdk.Msg, payload proto.Message, method string, key keys.PrivateKey) ([]didtypes.DidSignature, error) {
	return didsign.Sign(l.chainID, msg, payload, method, key)
}

// createDID publishes a fresh Ed25519 DID paid by payer and returns it with its key.
func (l *ledger) createDID(ctx context.Context, payer txclient.Signer) (string, keys.PrivateKey, error) {
	priv, err := keys.Generate(keys.Ed25519)
	if err != nil {
		return "", priv, err
	}
	doc := didtypes.NewDocument(l.network, priv.Public())
	bz, err := doc.MarshalJSON()
	if err != nil {
		return "", priv, err
	}
	msg := &didtypes.MsgCreateDid{Signer: payer.Address.String(), Payload: didtypes.CreateDidPayload{Document: bz}}
	if msg.Signatures, err = l.didSign(msg, &msg.Payload, doc.ID+"#key-1", priv); err != nil {
		return "", priv, err
	}
	if _, err := l.deliver(ctx, payer, msg); err != nil {
		return "", priv, err
	}
	return doc.ID, priv, nil
}

// councilDecision submits msgs as a gov proposal, has every member vote Yes, and waits until
// it is decided.
func (l *ledger) councilDecision(ctx context.Context, member txclient.Signer, title string, msgs ...sdk.Msg) error {
	submit, err := govv1.NewMsgSubmitProposal(msgs, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1000)),
		member.Address.String(), "", title, title, false)
	if err != nil {
		return err
	}
	if _, err := l.deliver(ctx, member, submit); err != nil {
		return err
	}
	gov := govv1.NewQueryClient(l.conn)
	props, err := gov.Proposals(ctx, &govv1.QueryProposalsRequest{})
	if err != nil || len(props.Proposals) == 0 {
		return fmt.Errorf("find proposal: %v", err)
	}
	id := props.Proposals[len(props.Proposals)-1].Id
	if _, err := l.deliver(ctx, member, govv1.NewMsgVote(member.Address, id, govv1.OptionYes, "")); err != nil {
		return err
	}
	deadline := time.Now().Add(l.net.Config.VotingPeriod + time.Minute)
	for time.Now().Before(deadline) {
		p, err := gov.Proposal(ctx, &govv1.QueryProposalRequest{ProposalId: id})
		if err != nil {
			return err
		}
		switch p.Proposal.Status {
		case govv1.StatusPassed:
			return nil
		case govv1.StatusVotingPeriod, govv1.StatusDepositPeriod:
		default:
			return fmt.Errorf("proposal %d %s: %s", id, p.Proposal.Status, p.Proposal.FailedReason)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
	return fmt.Errorf("proposal %d not decided in time", id)
}
