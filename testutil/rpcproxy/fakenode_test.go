package rpcproxy

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/tmhash"
	cmtbytes "github.com/cometbft/cometbft/libs/bytes"
	cmtlog "github.com/cometbft/cometbft/libs/log"
	"github.com/cometbft/cometbft/p2p"
	cmtcrypto "github.com/cometbft/cometbft/proto/tendermint/crypto"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	cmtversion "github.com/cometbft/cometbft/proto/tendermint/version"
	ctypes "github.com/cometbft/cometbft/rpc/core/types"
	rpcserver "github.com/cometbft/cometbft/rpc/jsonrpc/server"
	rpctypes "github.com/cometbft/cometbft/rpc/jsonrpc/types"
	"github.com/cometbft/cometbft/types"
	"github.com/cometbft/cometbft/version"
)

const fakeChainID = "amanah-test"

// fakeNode is a test upstream that is CometBFT's own JSON-RPC server (rpc/jsonrpc/server: the
// POST, batch, URI GET and websocket handlers a node runs) over a small in-memory chain of
// validly signed blocks, so every response has exactly the shape a real node gives.
type fakeNode struct {
	srv    *httptest.Server
	pv     types.MockPV
	vals   *types.ValidatorSet
	blocks []fakeBlock // blocks[i] is height i+1
	state  map[string]map[string][]byte

	mu    sync.Mutex
	calls []fakeCall
}

type fakeBlock struct {
	header  types.Header
	blockID types.BlockID
	commit  *types.Commit
	last    *types.Commit // the previous block's commit (nil at height 1)
}

// fakeCall records a request the node served.
type fakeCall struct {
	method string
	height int64 // 0: none given
	path   string
	data   []byte
	prove  bool
}

// genesisTime is an hour ago, so the light client takes the headers as recent.
var genesisTime = time.Now().UTC().Add(-time.Hour).Truncate(time.Second).Add(807649164 * time.Nanosecond)

// newFakeNode starts a node whose chain is at height n; its stores hold state (store -> key ->
// value).
func newFakeNode(t testing.TB, n int, state map[string]map[string][]byte) *fakeNode {
	t.Helper()
	f := &fakeNode{pv: types.NewMockPV(), state: state}
	pub, err := f.pv.GetPubKey()
	if err != nil {
		t.Fatal(err)
	}
	val := types.NewValidator(pub, 100)
	f.vals = types.NewValidatorSet([]*types.Validator{val})
	var lastID types.BlockID
	var lastCommit *types.Commit
	for h := int64(1); h <= int64(n); h++ {
		hdr := types.Header{
			Version:            cmtversion.Consensus{Block: version.BlockProtocol},
			ChainID:            fakeChainID,
			Height:             h,
			Time:               genesisTime.Add(time.Duration(h) * time.Second),
			LastBlockID:        lastID,
			DataHash:           types.Txs{}.Hash(),
			ValidatorsHash:     f.vals.Hash(),
			NextValidatorsHash: f.vals.Hash(),
			ConsensusHash:      types.DefaultConsensusParams().Hash(),
			AppHash:            tmhash.Sum([]byte(fmt.Sprintf("app hash %d", h))),
			LastResultsHash:    tmhash.Sum(nil),
			EvidenceHash:       types.EvidenceList{}.Hash(),
			ProposerAddress:    val.Address,
		}
		if lastCommit != nil {
			hdr.LastCommitHash = lastCommit.Hash()
		}
		id := types.BlockID{Hash: hdr.Hash(), PartSetHeader: types.PartSetHeader{Total: 1, Hash: tmhash.Sum([]byte(fmt.Sprintf("parts %d", h)))}}
		vote := &types.Vote{
			Type:             cmtproto.PrecommitType,
			Height:           h,
			BlockID:          id,
			Timestamp:        hdr.Time.Add(time.Second),
			ValidatorAddress: val.Address,
		}
		pb := vote.ToProto()
		if err := f.pv.SignVote(fakeChainID, pb); err != nil {
			t.Fatal(err)
		}
		commit := &types.Commit{Height: h, BlockID: id, Signatures: []types.CommitSig{{
			BlockIDFlag: types.BlockIDFlagCommit, ValidatorAddress: val.Address, Timestamp: vote.Timestamp, Signature: pb.Signature,
		}}}
		f.blocks = append(f.blocks, fakeBlock{header: hdr, blockID: id, commit: commit, last: lastCommit})
		lastID, lastCommit = id, commit
	}

	funcs := map[string]*rpcserver.RPCFunc{
		"health":     rpcserver.NewRPCFunc(f.health, ""),
		"status":     rpcserver.NewRPCFunc(f.status, ""),
		"block":      rpcserver.NewRPCFunc(f.block, "height", rpcserver.Cacheable("height")),
		"header":     rpcserver.NewRPCFunc(f.headerAt, "height", rpcserver.Cacheable("height")),
		"commit":     rpcserver.NewRPCFunc(f.commitAt, "height", rpcserver.Cacheable("height")),
		"validators": rpcserver.NewRPCFunc(f.validators, "height,page,per_page", rpcserver.Cacheable("height")),
		"abci_query": rpcserver.NewRPCFunc(f.abciQuery, "path,data,height,prove"),
		"abci_info":  rpcserver.NewRPCFunc(f.abciInfo, "", rpcserver.Cacheable()),
	}
	mux := http.NewServeMux()
	wm := rpcserver.NewWebsocketManager(funcs)
	wm.SetLogger(cmtlog.NewNopLogger())
	mux.HandleFunc("/websocket", wm.WebsocketHandler)
	rpcserver.RegisterRPCFuncs(mux, funcs, cmtlog.NewNopLogger())
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeNode) URL() string { return f.srv.URL }

func (f *fakeNode) latest() int64 { return int64(len(f.blocks)) }

func (f *fakeNode) record(c fakeCall) {
	f.mu.Lock()
	f.calls = append(f.calls, c)
	f.mu.Unlock()
}

func (f *fakeNode) numCalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

// lastCall returns the last request for method.
func (f *fakeNode) lastCall(method string) (fakeCall, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.calls) - 1; i >= 0; i-- {
		if f.calls[i].method == method {
			return f.calls[i], true
		}
	}
	return fakeCall{}, false
}

// height resolves a height argument the way rpc/core's getHeight does.
func (f *fakeNode) height(p *int64) (int64, error) {
	if p == nil {
		return f.latest(), nil
	}
	h := *p
	if h <= 0 {
		return 0, fmt.Errorf("height must be greater than 0, but got %d", h)
	}
	if h > f.latest() {
		return 0, fmt.Errorf("height %d must be less than or equal to the current blockchain height %d", h, f.latest())
	}
	return h, nil
}

func heightOf(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func (f *fakeNode) health(*rpctypes.Context) (*ctypes.ResultHealth, error) {
	f.record(fakeCall{method: "health"})
	return &ctypes.ResultHealth{}, nil
}

func (f *fakeNode) status(*rpctypes.Context) (*ctypes.ResultStatus, error) {
	f.record(fakeCall{method: "status"})
	first, last := f.blocks[0], f.blocks[len(f.blocks)-1]
	pub, _ := f.pv.GetPubKey()
	return &ctypes.ResultStatus{
		NodeInfo: p2p.DefaultNodeInfo{
			ProtocolVersion: p2p.NewProtocolVersion(8, version.BlockProtocol, 0),
			DefaultNodeID:   "3f05110f1d346931a883474918c3990bbaade085",
			ListenAddr:      "127.0.0.1:40106",
			Network:         fakeChainID,
			Version:         "0.40.0",
			Channels:        cmtbytes.HexBytes{0x40, 0x20, 0x21, 0x22, 0x23, 0x30, 0x38, 0x60, 0x61},
			Moniker:         "node0",
			Other:           p2p.DefaultNodeInfoOther{TxIndex: "on", RPCAddress: "tcp://127.0.0.1:40107"},
		},
		SyncInfo: ctypes.SyncInfo{
			LatestBlockHash:     last.blockID.Hash,
			LatestAppHash:       last.header.AppHash,
			LatestBlockHeight:   last.header.Height,
			LatestBlockTime:     last.header.Time,
			EarliestBlockHash:   first.blockID.Hash,
			EarliestAppHash:     first.header.AppHash,
			EarliestBlockHeight: first.header.Height,
			EarliestBlockTime:   first.header.Time,
		},
		ValidatorInfo: ctypes.ValidatorInfo{Address: pub.Address(), PubKey: pub, VotingPower: 100},
	}, nil
}

func (f *fakeNode) block(_ *rpctypes.Context, hp *int64) (*ctypes.ResultBlock, error) {
	f.record(fakeCall{method: "block", height: heightOf(hp)})
	h, err := f.height(hp)
	if err != nil {
		return nil, err
	}
	b := f.blocks[h-1]
	last := b.last
	if last == nil {
		last = &types.Commit{}
	}
	return &ctypes.ResultBlock{BlockID: b.blockID, Block: &types.Block{Header: b.header, LastCommit: last}}, nil
}

func (f *fakeNode) headerAt(_ *rpctypes.Context, hp *int64) (*ctypes.ResultHeader, error) {
	f.record(fakeCall{method: "header", height: heightOf(hp)})
	h, err := f.height(hp)
	if err != nil {
		return nil, err
	}
	hdr := f.blocks[h-1].header
	return &ctypes.ResultHeader{Header: &hdr}, nil
}

func (f *fakeNode) commitAt(_ *rpctypes.Context, hp *int64) (*ctypes.ResultCommit, error) {
	f.record(fakeCall{method: "commit", height: heightOf(hp)})
	h, err := f.height(hp)
	if err != nil {
		return nil, err
	}
	b := f.blocks[h-1]
	hdr := b.header
	return ctypes.NewResultCommit(&hdr, b.commit, h != f.latest()), nil
}

func (f *fakeNode) validators(_ *rpctypes.Context, hp *int64, _, _ *int) (*ctypes.ResultValidators, error) {
	f.record(fakeCall{method: "validators", height: heightOf(hp)})
	h, err := f.height(hp)
	if err != nil {
		return nil, err
	}
	return &ctypes.ResultValidators{BlockHeight: h, Validators: f.vals.Validators, Count: f.vals.Size(), Total: f.vals.Size()}, nil
}

// abciQuery answers /store/<store>/key queries from the state; a value's proof is made-up bytes.
func (f *fakeNode) abciQuery(_ *rpctypes.Context, path string, data cmtbytes.HexBytes, height int64, prove bool) (*ctypes.ResultABCIQuery, error) {
	f.record(fakeCall{method: "abci_query", height: height, path: path, data: data, prove: prove})
	if height == 0 {
		height = f.latest()
	}
	store, ok := strings.CutPrefix(path, "/store/")
	store, ok2 := strings.CutSuffix(store, "/key")
	if !ok || !ok2 || f.state[store] == nil {
		return &ctypes.ResultABCIQuery{Response: abci.ResponseQuery{Code: 1, Codespace: "sdk", Log: "unknown query path", Height: height}}, nil
	}
	value := f.state[store][string(data)]
	resp := abci.ResponseQuery{Key: data, Value: value, Height: height}
	if prove {
		leaf := sha256.Sum256(append(append([]byte(nil), data...), value...))
		root := sha256.Sum256([]byte(fmt.Sprintf("%s@%d", store, height)))
		resp.ProofOps = &cmtcrypto.ProofOps{Ops: []cmtcrypto.ProofOp{
			{Type: "ics23:iavl", Key: data, Data: leaf[:]},
			{Type: "ics23:simple", Key: []byte(store), Data: root[:]},
		}}
	}
	return &ctypes.ResultABCIQuery{Response: resp}, nil
}

func (f *fakeNode) abciInfo(*rpctypes.Context) (*ctypes.ResultABCIInfo, error) {
	f.record(fakeCall{method: "abci_info"})
	last := f.blocks[len(f.blocks)-1]
	return &ctypes.ResultABCIInfo{Response: abci.ResponseInfo{Data: "amanah", LastBlockHeight: last.header.Height, LastBlockAppHash: tmhash.Sum([]byte("app after last"))}}, nil
}
