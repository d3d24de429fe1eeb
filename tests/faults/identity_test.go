//go:build faults

package faults

import (
	"context"
	"fmt"
	"sync"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/gogoproto/proto"

	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/localnet"
	"github.com/amanah-id/amanah/localnet/txclient"
	"github.com/amanah-id/amanah/statuslist"
	didtypes "github.com/amanah-id/amanah/x/did/types"
	statustypes "github.com/amanah-id/amanah/x/status/types"
)

// query runs a gRPC query through a node's ABCI query endpoint at height h (0: latest).
func query(ctx context.Context, rpc localnet.RPC, path string, req, res proto.Message, h int64) error {
	data, err := proto.Marshal(req)
	if err != nil {
		return err
	}
	val, err := rpc.ABCIQuery(ctx, path, data, h)
	if err != nil {
		return fmt.Errorf("%s on %s: %w", path, rpc.URL, err)
	}
	return proto.Unmarshal(val, res)
}

// deliver signs msgs as signer, submits them to node and waits until they are committed with
// code 0.
func (s *scenario) deliver(node int, signer txclient.Signer, msgs ...sdk.Msg) (localnet.TxResult, error) {
	rpc := s.net.Node(node).RPC()
	accNum, seq, err := s.c.Account(s.ctx, rpc, signer.Address)
	if err != nil {
		return localnet.TxResult{}, err
	}
	tx, err := s.c.Sign(signer, accNum, seq, "setup", msgs...)
	if err != nil {
		return localnet.TxResult{}, err
	}
	res, err := rpc.BroadcastSync(s.ctx, tx.Bytes)
	if err != nil {
		return localnet.TxResult{}, err
	}
	if res.Code != 0 {
		return localnet.TxResult{}, fmt.Errorf("CheckTx %s %d: %s", res.Codespace, res.Code, res.Log)
	}
	out, err := txclient.WaitTx(s.ctx, rpc, tx.Hash)
	if err != nil {
		return out, err
	}
	if out.Code != 0 {
		return out, fmt.Errorf("tx failed at height %d (code %d): %s", out.Height, out.Code, out.Log)
	}
	return out, nil
}

// didNetwork reads x/did's network name from node 0.
func (s *scenario) didNetwork() string {
	s.t.Helper()
	var p didtypes.QueryParamsResponse
	s.must(query(s.ctx, s.net.Node(0).RPC(), "/amanah.did.v1.Query/Params", &didtypes.QueryParamsRequest{}, &p, 0))
	return p.Params.Network
}

// statusOwner is an issuer DID with a revocation list that the status workload flips bits in.
type statusOwner struct {
	did    string
	key    keys.PrivateKey
	listID uint64
	seq0   uint64 // the owner's sequence after the list was created
	height int64  // the block that created the list: the last setup transaction
}

// createStatusOwner creates (through node 0, paid by payer) an issuer DID and a revocation
// list it owns.
func (s *scenario) createStatusOwner(network string, payer txclient.Signer) statusOwner {
	s.t.Helper()
	msg, did, key, err := txclient.NewDID(s.c.ChainID, network, payer.Address)
	s.must(err)
	_, err = s.deliver(0, payer, msg)
	s.must(err)
	rpc := s.net.Node(0).RPC()
	var seq statustypes.QuerySequenceResponse
	s.must(query(s.ctx, rpc, "/amanah.status.v1.Query/Sequence", &statustypes.QuerySequenceRequest{Owner: did}, &seq, 0))
	create := &statustypes.MsgCreateStatusList{Signer: payer.Address.String(), Payload: &statustypes.CreateStatusListPayload{
		Owner: did, Purpose: statustypes.StatusPurpose_STATUS_PURPOSE_REVOCATION, Size_: statuslist.MinSize, Sequence: seq.Sequence}}
	sig, err := didtypes.Sign(s.c.ChainID, sdk.MsgTypeURL(create), create.Payload, did+"#key-1", key)
	s.must(err)
	create.Signatures = []didtypes.DidSignature{sig}
	res, err := s.deliver(0, payer, create)
	s.must(err)
	var lists statustypes.QueryListsByOwnerResponse
	s.must(query(s.ctx, rpc, "/amanah.status.v1.Query/ListsByOwner", &statustypes.QueryListsByOwnerRequest{Owner: did}, &lists, 0))
	if len(lists.Lists) != 1 {
		s.t.Fatalf("owner %s has %d lists, want 1", did, len(lists.Lists))
	}
	s.logf("setup: issuer %s and revocation list %d (%d entries) created at height %d", did, lists.Lists[0].Id, statuslist.MinSize, res.Height)
	return statusOwner{did: did, key: key, listID: lists.Lists[0].Id, seq0: seq.Sequence + 1, height: res.Height}
}

// statusSlots is how many list entries the status workload cycles through: the n-th update sets
// entry n%statusSlots to 1 on even rounds and back to 0 on odd rounds.
const statusSlots = 16

// identityMix is the stream's workload: sender statusSender flips bits on one revocation list
// (MsgUpdateStatusList with the owner's next sequence, so it is the only sender for that
// owner), and every other sender alternates a fresh-DID MsgCreateDid and a bank send.
type identityMix struct {
	chainID, network string
	bank             *bankSends
	owner            statusOwner
	statusSender     int

	mu   sync.Mutex
	dids map[[2]int]string // (sender, n) -> the DID that tx creates
}

func (w *identityMix) Name() string {
	return fmt.Sprintf("did-create + status-update (list %d) + bank-send", w.owner.listID)
}

func (w *identityMix) Msgs(sender, n int) ([]sdk.Msg, error) {
	from := w.bank.addrs[sender]
	switch {
	case sender == w.statusSender:
		idx, val := uint32(n%statusSlots), byte(1-(n/statusSlots)%2)
		upd := &statustypes.MsgUpdateStatusList{Signer: from.String(), Payload: &statustypes.UpdateStatusListPayload{
			ListId: w.owner.listID, Sequence: w.owner.seq0 + uint64(n), Indices: []uint32{idx}, Values: []byte{val}}}
		sig, err := didtypes.Sign(w.chainID, sdk.MsgTypeURL(upd), upd.Payload, w.owner.did+"#key-1", w.owner.key)
		if err != nil {
			return nil, err
		}
		upd.Signatures = []didtypes.DidSignature{sig}
		return []sdk.Msg{upd}, nil
	case n%2 == 0:
		msg, did, _, err := txclient.NewDID(w.chainID, w.network, from)
		if err != nil {
			return nil, err
		}
		w.mu.Lock()
		w.dids[[2]int{sender, n}] = did
		w.mu.Unlock()
		return []sdk.Msg{msg}, nil
	default:
		return w.bank.Msgs(sender, n)
	}
}

// counts returns how many acknowledged transactions of each kind there are.
func (w *identityMix) counts(acked []Acked) (dids, updates, sends int) {
	for _, a := range acked {
		for _, m := range a.Msgs {
			switch m.(type) {
			case *didtypes.MsgCreateDid:
				dids++
			case *statustypes.MsgUpdateStatusList:
				updates++
			default:
				sends++
			}
		}
	}
	return
}

// Verify checks bank balances, that every acknowledged DID resolves (not deactivated), and
// that each list entry the acknowledged updates touched holds the value of the last of them.
func (w *identityMix) Verify(ctx context.Context, rpc localnet.RPC, h int64, acked []Acked) error {
	if err := w.bank.Verify(ctx, rpc, h, acked); err != nil {
		return err
	}
	want := map[uint32]uint32{}
	lastN := map[uint32]int{}
	for _, a := range acked {
		for _, m := range a.Msgs {
			switch msg := m.(type) {
			case *didtypes.MsgCreateDid:
				w.mu.Lock()
				did := w.dids[[2]int{a.Sender, a.N}]
				w.mu.Unlock()
				var res didtypes.QueryResolveResponse
				if err := query(ctx, rpc, "/amanah.did.v1.Query/Resolve", &didtypes.QueryResolveRequest{Did: did}, &res, h); err != nil {
					return fmt.Errorf("DID %s (tx %s, height %d): %w", did, a.Hash, a.Height, err)
				}
				if res.DidResolutionMetadata.Error != "" || len(res.DidDocument) == 0 || res.DidDocumentMetadata == nil || res.DidDocumentMetadata.Deactivated {
					return fmt.Errorf("%s at height %d: DID %s (committed at %d) does not resolve: %q %s",
						rpc.URL, h, did, a.Height, res.DidResolutionMetadata.Error, res.DidResolutionMetadata.ErrorMessage)
				}
			case *statustypes.MsgUpdateStatusList:
				for k, idx := range msg.Payload.Indices {
					if n, ok := lastN[idx]; !ok || a.N > n {
						lastN[idx], want[idx] = a.N, uint32(msg.Payload.Values[k])
					}
				}
			}
		}
	}
	for idx, v := range want {
		var res statustypes.QueryEntryResponse
		if err := query(ctx, rpc, "/amanah.status.v1.Query/Entry", &statustypes.QueryEntryRequest{ListId: w.owner.listID, Index: idx}, &res, h); err != nil {
			return err
		}
		if res.Status != v {
			return fmt.Errorf("%s at height %d: list %d entry %d is %d, want %d (last acknowledged update #%d)",
				rpc.URL, h, w.owner.listID, idx, res.Status, v, lastN[idx])
		}
	}
	return nil
}
