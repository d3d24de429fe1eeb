// Package chainledger is amanah-issuer's side of the ledger: it creates the issuer's status
// lists, writes status changes (one transaction for a whole batch), and reads the current
// lists and credential types, through one node (CometBFT RPC to submit, gRPC to query).
// Transactions are paid and signed by the issuer's operator account (the accreditation's
// operator); payloads are signed by the issuer DID's assertionMethod key.
package chainledger

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/localnet"
	"github.com/amanah-id/amanah/localnet/txclient"
	"github.com/amanah-id/amanah/statuslist"
	"github.com/amanah-id/amanah/x/did/client/didsign"
	statustypes "github.com/amanah-id/amanah/x/status/types"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

// EncodedList is a status list as the ledger holds it at Height.
type EncodedList struct {
	ID            uint64
	Owner         string
	Purpose       statustypes.StatusPurpose
	Bits          uint8
	Size          uint32
	Lst           string // IETF lst
	EncodedList   string // W3C encodedList
	UpdatedHeight int64
	Height        int64
}

// Ledger is what the issuer service needs from the chain.
type Ledger interface {
	// CreateList creates a new status list (purpose status: 2 bits, so suspension and
	// revocation share one index) owned by the issuer DID and returns its id.
	CreateList(ctx context.Context) (id uint64, size uint32, bits uint8, err error)
	// SetStatus writes value at every index, all lists in one transaction.
	SetStatus(ctx context.Context, changes map[uint64][]uint32, value uint8) (height int64, txHash string, err error)
	// Encoded reads a list as the ledger holds it now.
	Encoded(ctx context.Context, listID uint64) (*EncodedList, error)
	// CredentialType reads the latest version of a registered credential type.
	CredentialType(ctx context.Context, vct string) (*trusttypes.CredentialType, error)
	// Standing returns the issuer's standing start for vct: the latest time at or before now
	// at which a fact the verifier checks at a credential's iat changed (standing.go). The
	// service never writes an iat before it.
	Standing(ctx context.Context, vct string, now time.Time) (time.Time, error)
}

// Node is Ledger over one node.
type Node struct {
	ChainID  string
	DID      string
	KeyID    string // DID URL of the assertionMethod key
	Key      keys.PrivateKey
	Operator txclient.Signer
	Client   *txclient.Client
	RPC      localnet.RPC
	Conn     *grpc.ClientConn
	// ListSize is the size of new lists (statuslist.MinSize if 0).
	ListSize uint32

	mu sync.Mutex // one transaction at a time: the operator's account sequence and the DID payload sequence
}

// Dial connects to a node: rpcURL is its CometBFT RPC (http://host:26657), grpcAddr its gRPC
// (host:9090).
func Dial(chainID, rpcURL, grpcAddr string) (*txclient.Client, localnet.RPC, *grpc.ClientConn, error) {
	c, err := txclient.New(chainID)
	if err != nil {
		return nil, localnet.RPC{}, nil, err
	}
	conn, err := grpc.NewClient(grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(codec.NewProtoCodec(c.Codec.InterfaceRegistry()).GRPCCodec())))
	if err != nil {
		return nil, localnet.RPC{}, nil, err
	}
	return c, localnet.RPC{URL: rpcURL}, conn, nil
}

// CreateList implements Ledger.
func (n *Node) CreateList(ctx context.Context) (uint64, uint32, uint8, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	size := n.ListSize
	if size == 0 {
		size = statuslist.MinSize
	}
	sq := statustypes.NewQueryClient(n.Conn)
	seq, err := sq.Sequence(ctx, &statustypes.QuerySequenceRequest{Owner: n.DID})
	if err != nil {
		return 0, 0, 0, err
	}
	msg := &statustypes.MsgCreateStatusList{Signer: n.Operator.Address.String(), Payload: &statustypes.CreateStatusListPayload{
		Owner: n.DID, Purpose: statustypes.StatusPurpose_STATUS_PURPOSE_STATUS, Size_: size, Sequence: seq.Sequence}}
	if msg.Signatures, err = didsign.Sign(n.ChainID, msg, msg.Payload, n.KeyID, n.Key); err != nil {
		return 0, 0, 0, err
	}
	ch := &txclient.Chain{Client: n.Client, RPC: n.RPC, Conn: n.Conn}
	res, err := ch.Deliver(ctx, n.Operator, msg)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("create status list: %w", err)
	}
	// The new list is the owner's newest.
	lists, err := sq.ListsByOwner(ctx, &statustypes.QueryListsByOwnerRequest{Owner: n.DID})
	if err != nil {
		return 0, 0, 0, err
	}
	var id uint64
	for _, l := range lists.Lists {
		if l.CreatedHeight == res.Height && l.Id > id {
			id = l.Id
		}
	}
	if id == 0 {
		return 0, 0, 0, fmt.Errorf("create status list: committed in block %d but not found", res.Height)
	}
	return id, size, 2, nil
}

// SetStatus implements Ledger: one MsgUpdateStatusList per list, all in one transaction.
func (n *Node) SetStatus(ctx context.Context, changes map[uint64][]uint32, value uint8) (int64, string, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	seq, err := statustypes.NewQueryClient(n.Conn).Sequence(ctx, &statustypes.QuerySequenceRequest{Owner: n.DID})
	if err != nil {
		return 0, "", err
	}
	ids := make([]uint64, 0, len(changes))
	for id := range changes {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	var msgs []sdk.Msg
	for i, id := range ids {
		idx := append([]uint32(nil), changes[id]...)
		sort.Slice(idx, func(a, b int) bool { return idx[a] < idx[b] })
		vals := make([]byte, len(idx))
		for j := range vals {
			vals[j] = value
		}
		m := &statustypes.MsgUpdateStatusList{Signer: n.Operator.Address.String(), Payload: &statustypes.UpdateStatusListPayload{
			ListId: id, Sequence: seq.Sequence + uint64(i), Indices: idx, Values: vals}}
		if m.Signatures, err = didsign.Sign(n.ChainID, m, m.Payload, n.KeyID, n.Key); err != nil {
			return 0, "", err
		}
		msgs = append(msgs, m)
	}
	// Gas grows with the 4 KiB pages the update rewrites (about 130k gas each).
	pages := map[[2]uint64]bool{}
	for id, idx := range changes {
		for _, i := range idx {
			pg, _ := statuslist.Locate(i, 2)
			pages[[2]uint64{id, uint64(pg)}] = true
		}
	}
	ch := &txclient.Chain{Client: n.Client, RPC: n.RPC, Conn: n.Conn, Gas: 400_000 + 250_000*uint64(len(pages))}
	res, err := ch.Deliver(ctx, n.Operator, msgs...)
	if err != nil {
		return 0, "", fmt.Errorf("update status: %w", err)
	}
	return res.Height, res.Hash, nil
}

// Encoded implements Ledger.
func (n *Node) Encoded(ctx context.Context, listID uint64) (*EncodedList, error) {
	r, err := statustypes.NewQueryClient(n.Conn).Encoded(ctx, &statustypes.QueryEncodedRequest{ListId: listID})
	if err != nil {
		return nil, err
	}
	return &EncodedList{ID: r.List.Id, Owner: r.List.Owner, Purpose: r.List.Purpose, Bits: uint8(r.List.Bits), Size: r.List.Size_,
		Lst: r.Lst, EncodedList: r.EncodedList, UpdatedHeight: r.List.UpdatedHeight, Height: r.Height}, nil
}

// CredentialType implements Ledger.
func (n *Node) CredentialType(ctx context.Context, vct string) (*trusttypes.CredentialType, error) {
	r, err := trusttypes.NewQueryClient(n.Conn).CredentialType(ctx, &trusttypes.QueryCredentialTypeRequest{Vct: vct})
	if err != nil {
		return nil, err
	}
	return &r.CredentialType, nil
}

// WaitReady polls until the node answers a query or ctx ends.
func (n *Node) WaitReady(ctx context.Context) error {
	for {
		_, err := statustypes.NewQueryClient(n.Conn).Sequence(ctx, &statustypes.QuerySequenceRequest{Owner: n.DID})
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("node not ready: %w", err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}
