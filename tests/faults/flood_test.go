//go:build faults

package faults

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/amanah-id/amanah/localnet"
	"github.com/amanah-id/amanah/localnet/txclient"
	counciltypes "github.com/amanah-id/amanah/x/council/types"
	didtypes "github.com/amanah-id/amanah/x/did/types"
	statustypes "github.com/amanah-id/amanah/x/status/types"
)

// Flood parameters: blocks hold floodPerBlock flood transactions, the flooder's quota is
// floodQuotaTxs of them per window, so a flood at the quota's edge is a backlog of
// floodQuotaTxs/floodPerBlock full blocks. The window is long enough not to roll over
// during the test (it starts near height 10).
const (
	floodGas        = 300_000 // gas limit of each flood transaction (one DID creation)
	floodPerBlock   = 10
	floodQuotaTxs   = 60
	floodWindow     = 1000
	floodBeyond     = 5 // attempts beyond the quota, each must be refused
	floodBlockGas   = floodGas * floodPerBlock
	floodQuota      = floodGas * floodQuotaTxs
	revokeMaxBlocks = 2
)

// TestFloodingWriter: one writer floods DID creations up to its quota's edge (six full blocks
// of backlog) and beyond, while another writer revokes an entry on its status list. The
// revocation commits within 2 blocks of submission, ahead of flood transactions submitted
// before it (the mempool proposes revocations first); every attempt beyond the quota is
// refused in CheckTx with the quota error; every accepted transaction commits with code 0;
// the four validators agree on the app hash (the quota usage is consensus state).
func TestFloodingWriter(t *testing.T) {
	s := newScenarioConfig(t, 4, 3*time.Minute, func(c *localnet.Config) {
		c.BlockMaxGas = floodBlockGas
		c.EditGenesis = localnet.WriterQuota(floodQuota, floodWindow)
	})
	net, ctx := s.net, s.ctx
	s.logf("network of 4 validators up; block gas limit %d (%d flood txs), writer quota %d gas (%d flood txs) per %d blocks",
		floodBlockGas, floodPerBlock, floodQuota, floodQuotaTxs, floodWindow)

	// Setup: agency 0 funds and authorises two writers, the flooder and the revoker; the
	// revoker creates an issuer DID and a revocation list.
	agency, err := s.c.AgencySigner(net, 0)
	s.must(err)
	flooder, err := s.c.NewMemSigner("flooder")
	s.must(err)
	revoker, err := s.c.NewMemSigner("revoker")
	s.must(err)
	var setup []sdk.Msg
	for _, w := range []txclient.Signer{flooder, revoker} {
		setup = append(setup,
			banktypes.NewMsgSend(agency.Address, w.Address, sdk.NewCoins(sdk.NewInt64Coin(localnet.TestDenom, 1000))),
			&counciltypes.MsgAuthorizeWriter{Granter: agency.Address.String(), Address: w.Address.String(), Note: "flood test " + w.Name})
	}
	_, err = s.deliver(0, agency, setup...)
	s.must(err)
	network := s.didNetwork()
	owner := s.createStatusOwner(network, revoker)

	// Flood: sign the quota's worth of DID creations first, then submit them back to back.
	rpc0 := net.Node(0).RPC()
	accNum, seq, err := s.c.Account(ctx, rpc0, flooder.Address)
	s.must(err)
	newFlood := func(seq uint64, n int) (txclient.SignedTx, string) {
		msg, did, _, err := txclient.NewDID(s.c.ChainID, network, flooder.Address)
		s.must(err)
		tx, err := s.c.SignGas(flooder, accNum, seq, floodGas, fmt.Sprintf("flood %d", n), msg)
		s.must(err)
		return tx, did
	}
	type flood struct {
		tx  txclient.SignedTx
		did string
	}
	var accepted []flood
	for n := 0; n < floodQuotaTxs; n++ {
		tx, did := newFlood(seq+uint64(n), n)
		accepted = append(accepted, flood{tx, did})
	}
	for n, f := range accepted {
		res, err := rpc0.BroadcastSync(ctx, f.tx.Bytes)
		s.must(err)
		if res.Code != 0 {
			t.Fatalf("flood tx %d of %d (within the quota) refused: %s %d: %s", n, floodQuotaTxs, res.Codespace, res.Code, res.Log)
		}
	}
	seq += floodQuotaTxs
	s.logf("flood: %d DID creations (%d gas each, the whole quota) accepted into the mempool of node0", floodQuotaTxs, floodGas)

	// The revocation, submitted to another node while the flood is backlogged.
	upd := &statustypes.MsgUpdateStatusList{Signer: revoker.Address.String(), Payload: &statustypes.UpdateStatusListPayload{
		ListId: owner.listID, Sequence: owner.seq0, Indices: []uint32{7}, Values: []byte{1}}}
	sig, err := didtypes.Sign(s.c.ChainID, sdk.MsgTypeURL(upd), upd.Payload, owner.did+"#key-1", owner.key)
	s.must(err)
	upd.Signatures = []didtypes.DidSignature{sig}
	rpc1 := net.Node(1).RPC()
	rAcc, rSeq, err := s.c.Account(ctx, rpc1, revoker.Address)
	s.must(err)
	revTx, err := s.c.Sign(revoker, rAcc, rSeq, "revocation", upd)
	s.must(err)
	st, err := rpc1.Status(ctx)
	s.must(err)
	submitted := st.LatestBlockHeight
	res, err := rpc1.BroadcastSync(ctx, revTx.Bytes)
	s.must(err)
	if res.Code != 0 {
		t.Fatalf("revocation refused: %s %d: %s", res.Codespace, res.Code, res.Log)
	}
	s.logf("revocation of list %d entry 7 submitted to node1 at height %d", owner.listID, submitted)

	// Beyond the quota: each attempt (the next sequence, a fresh DID each time) is refused by
	// node0, whose pending state holds the whole flood (another node may not have received
	// all of it yet, and would answer with a sequence mismatch).
	for n := 0; n < floodBeyond; n++ {
		tx, _ := newFlood(seq, floodQuotaTxs+n)
		res, err := rpc0.BroadcastSync(ctx, tx.Bytes)
		s.must(err)
		if res.Codespace != counciltypes.ErrQuotaExceeded.Codespace() || res.Code != counciltypes.ErrQuotaExceeded.ABCICode() {
			t.Fatalf("flood tx beyond the quota (attempt %d): got %q %d: %s, want the quota error", n, res.Codespace, res.Code, res.Log)
		}
		if n == 0 {
			s.logf("beyond the quota, node0 refuses: %s", res.Log)
		}
		for _, want := range []string{strconv.Itoa(floodQuota), "window of " + strconv.Itoa(floodWindow) + " blocks", "resets at height " + strconv.Itoa(floodWindow)} {
			if !strings.Contains(res.Log, want) {
				t.Errorf("quota refusal %q does not say %q", res.Log, want)
			}
		}
	}
	s.logf("%d attempts beyond the quota refused with %s code %d", floodBeyond, counciltypes.ErrQuotaExceeded.Codespace(), counciltypes.ErrQuotaExceeded.ABCICode())

	rev, err := txclient.WaitTx(ctx, rpc1, revTx.Hash)
	s.must(err)
	if rev.Code != 0 {
		t.Fatalf("revocation failed at height %d: code %d %s", rev.Height, rev.Code, rev.Log)
	}
	if rev.Height > submitted+revokeMaxBlocks {
		t.Errorf("revocation submitted at height %d committed at %d: more than %d blocks", submitted, rev.Height, revokeMaxBlocks)
	}

	// Nothing lost: every accepted flood transaction commits with code 0 and its DID resolves.
	later, last := 0, int64(0)
	for n, f := range accepted {
		r, err := txclient.WaitTx(ctx, rpc0, f.tx.Hash)
		s.must(err)
		if r.Code != 0 {
			t.Fatalf("accepted flood tx %d failed at height %d: code %d %s", n, r.Height, r.Code, r.Log)
		}
		if r.Height > rev.Height {
			later++
		}
		last = max(last, r.Height)
	}
	s.logf("revocation committed at height %d (%d block(s) after submission); %d of the %d flood txs submitted before it committed after it; the last at height %d",
		rev.Height, rev.Height-submitted, later, floodQuotaTxs, last)
	if later == 0 {
		t.Errorf("no flood transaction submitted before the revocation committed after it: the revocation did not overtake the backlog (FIFO order?)")
	}

	// The four validators agree on the state after the flood (writer usage included), and on
	// what it holds.
	h := s.maxHeight(all(4)...) + 1
	s.must(s.waitAll(60*time.Second, h+1, all(4)...))
	var refApp string
	for i := range 4 {
		b, err := net.Node(i).RPC().Block(ctx, h+1)
		s.must(err)
		if i == 0 {
			refApp = b.AppHash
		} else if b.AppHash != refApp {
			t.Fatalf("node%d app hash after height %d is %s, node0 %s", i, h, b.AppHash, refApp)
		}
		rpc := net.Node(i).RPC()
		var entry statustypes.QueryEntryResponse
		s.must(query(ctx, rpc, "/amanah.status.v1.Query/Entry", &statustypes.QueryEntryRequest{ListId: owner.listID, Index: 7}, &entry, h))
		if entry.Status != 1 {
			t.Fatalf("node%d: list %d entry 7 is %d at height %d, want 1 (revoked)", i, owner.listID, entry.Status, h)
		}
		for _, f := range accepted {
			var r didtypes.QueryResolveResponse
			s.must(query(ctx, rpc, "/amanah.did.v1.Query/Resolve", &didtypes.QueryResolveRequest{Did: f.did}, &r, h))
			if r.DidResolutionMetadata.Error != "" || len(r.DidDocument) == 0 {
				t.Fatalf("node%d: flooded DID %s does not resolve at height %d: %s", i, f.did, h, r.DidResolutionMetadata.Error)
			}
		}
	}
	s.logf("app hash after height %d identical on all 4 nodes (%.16s...); the revoked entry and all %d flooded DIDs read back on every node", h, refApp, floodQuotaTxs)
}
