package txclient

import (
	"context"
	"fmt"
	"time"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	govv1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/amanah-id/amanah/app"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/localnet"
	"github.com/amanah-id/amanah/x/did/client/didsign"
	didtypes "github.com/amanah-id/amanah/x/did/types"
)

// Chain drives a localnet through node 0: it signs transactions with Client, submits them
// over the node's CometBFT RPC and waits for their results, and queries the node over gRPC
// (Conn, with the SDK's proto codec). It is the chain side shared by cmd/amanah-demo and the
// benches that build a trust world on a real node.
type Chain struct {
	Net    *localnet.Net
	Client *Client
	RPC    localnet.RPC
	Conn   *grpc.ClientConn
	// Gas is the gas limit of the transactions Deliver and SignNext sign; 0: DefaultGas.
	Gas uint64
}

// Dial returns a Chain on node 0 of net, with a gRPC connection (not yet connected: gRPC
// connects lazily) that the caller closes.
func Dial(net *localnet.Net, c *Client) (*Chain, error) {
	conn, err := grpc.NewClient(net.Node(0).GRPCAddr(),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(codec.NewProtoCodec(c.Codec.InterfaceRegistry()).GRPCCodec())))
	if err != nil {
		return nil, err
	}
	return &Chain{Net: net, Client: c, RPC: net.Node(0).RPC(), Conn: conn}, nil
}

// DIDNetwork returns the chain's did:amanah network name (x/did params).
func (ch *Chain) DIDNetwork(ctx context.Context) (string, error) {
	p, err := didtypes.NewQueryClient(ch.Conn).Params(ctx, &didtypes.QueryParamsRequest{})
	if err != nil {
		return "", fmt.Errorf("x/did params: %w", err)
	}
	return p.Params.Network, nil
}

// SignNext signs msgs as s at its current account sequence, with the gas limit ch.Gas.
func (ch *Chain) SignNext(ctx context.Context, s Signer, msgs ...sdk.Msg) (SignedTx, error) {
	accNum, seq, err := ch.Client.Account(ctx, ch.RPC, s.Address)
	if err != nil {
		return SignedTx{}, fmt.Errorf("account %s: %w", s.Address, err)
	}
	gas := ch.Gas
	if gas == 0 {
		gas = DefaultGas
	}
	return ch.Client.SignGas(s, accNum, seq, gas, "", msgs...)
}

// Broadcast submits tx and returns once CheckTx accepted it.
func (ch *Chain) Broadcast(ctx context.Context, tx SignedTx) error {
	res, err := ch.RPC.BroadcastSync(ctx, tx.Bytes)
	if err != nil {
		return err
	}
	if res.Code != 0 {
		return fmt.Errorf("refused in CheckTx (%s %d): %s", res.Codespace, res.Code, res.Log)
	}
	return nil
}

// Deliver signs msgs as s (SignNext) and submits them (Submit): it waits for the block that
// commits them; a transaction that fails in that block is an error (with its result).
func (ch *Chain) Deliver(ctx context.Context, s Signer, msgs ...sdk.Msg) (localnet.TxResult, error) {
	tx, err := ch.SignNext(ctx, s, msgs...)
	if err != nil {
		return localnet.TxResult{}, err
	}
	return ch.Submit(ctx, tx)
}

// NewDID returns the MsgCreateDid, paid by payer, of a fresh Ed25519 DID on network (the
// did:amanah network name), signed with the DID's key #key-1, and the DID and its key.
func (ch *Chain) NewDID(network string, payer Signer) (*didtypes.MsgCreateDid, string, keys.PrivateKey, error) {
	return NewDID(ch.Client.ChainID, network, payer.Address)
}

// NewDID is Chain.NewDID for a chain id and a payer address.
func NewDID(chainID, network string, payer sdk.AccAddress) (*didtypes.MsgCreateDid, string, keys.PrivateKey, error) {
	priv, err := keys.Generate(keys.Ed25519)
	if err != nil {
		return nil, "", priv, err
	}
	doc := didtypes.NewDocument(network, priv.Public())
	bz, err := doc.MarshalJSON()
	if err != nil {
		return nil, "", priv, err
	}
	msg := &didtypes.MsgCreateDid{Signer: payer.String(), Payload: didtypes.CreateDidPayload{Document: bz}}
	if msg.Signatures, err = didsign.Sign(chainID, msg, &msg.Payload, doc.ID+"#key-1", priv); err != nil {
		return nil, "", priv, err
	}
	return msg, doc.ID, priv, nil
}

// CouncilDecision submits msgs as a gov proposal (deposit 1000 of the bond denom) as member,
// votes Yes as member, and polls until the proposal has passed. It fails when the proposal is
// rejected or fails, when ctx ends, or when it is not decided within the voting period plus a
// minute. The other council members' votes are the caller's (a one-member council decides
// alone).
func (ch *Chain) CouncilDecision(ctx context.Context, member Signer, title string, msgs ...sdk.Msg) error {
	submit, err := govv1.NewMsgSubmitProposal(msgs, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1000)),
		member.Address.String(), "", title, title, false)
	if err != nil {
		return err
	}
	if _, err := ch.Deliver(ctx, member, submit); err != nil {
		return err
	}
	gov := govv1.NewQueryClient(ch.Conn)
	props, err := gov.Proposals(ctx, &govv1.QueryProposalsRequest{})
	if err != nil || len(props.Proposals) == 0 {
		return fmt.Errorf("find proposal: %v", err)
	}
	id := props.Proposals[len(props.Proposals)-1].Id
	if _, err := ch.Deliver(ctx, member, govv1.NewMsgVote(member.Address, id, govv1.OptionYes, "")); err != nil {
		return err
	}
	deadline := time.Now().Add(ch.Net.Config.VotingPeriod + time.Minute)
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
