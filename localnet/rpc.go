package localnet

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// rpcTimeout bounds every CometBFT RPC call: a paused (SIGSTOP) node must not hang a caller.
const rpcTimeout = 3 * time.Second

var httpClient = &http.Client{Timeout: rpcTimeout}

// RPCError is a JSON-RPC error returned by a node.
type RPCError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    string `json:"data"`
}

// Error implements error.
func (e *RPCError) Error() string {
	return fmt.Sprintf("rpc error %d: %s: %s", e.Code, e.Message, e.Data)
}

// RPC is a minimal CometBFT JSON-RPC client for one node (loopback only).
type RPC struct {
	// URL is the node's RPC base, e.g. http://127.0.0.1:26657.
	URL string
}

// Call invokes method with params and decodes the result into out (which may be nil).
func (r RPC) Call(ctx context.Context, method string, params map[string]any, out any) error {
	ctx, cancel := context.WithTimeout(ctx, rpcTimeout)
	defer cancel()
	if params == nil {
		params = map[string]any{}
	}
	body, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := httpClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	var env struct {
		Result json.RawMessage `json:"result"`
		Error  *RPCError       `json:"error"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return fmt.Errorf("%s %s: decode %q: %w", r.URL, method, truncate(raw, 200), err)
	}
	if env.Error != nil {
		return env.Error
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(env.Result, out)
}

// Status is the part of /status the harness uses.
type Status struct {
	NodeID            string
	Network           string
	LatestBlockHeight int64
	LatestBlockHash   string
	LatestAppHash     string
	CatchingUp        bool
	// EarliestBlockHeight is the lowest block the node's block store holds: 1 on a node that
	// replayed the chain, the snapshot's height + 1 on one that joined by state sync.
	EarliestBlockHeight int64
	// ValidatorAddress is the address of the node's consensus key (hex); VotingPower its power
	// (0: not a validator).
	ValidatorAddress string
	VotingPower      int64
}

// Status returns the node's /status.
func (r RPC) Status(ctx context.Context) (Status, error) {
	var res struct {
		NodeInfo struct {
			ID      string `json:"id"`
			Network string `json:"network"`
		} `json:"node_info"`
		SyncInfo struct {
			LatestBlockHash   string `json:"latest_block_hash"`
			LatestAppHash     string `json:"latest_app_hash"`
			LatestBlockHeight string `json:"latest_block_height"`
			EarliestHeight    string `json:"earliest_block_height"`
			CatchingUp        bool   `json:"catching_up"`
		} `json:"sync_info"`
		ValidatorInfo struct {
			Address     string `json:"address"`
			VotingPower string `json:"voting_power"`
		} `json:"validator_info"`
	}
	if err := r.Call(ctx, "status", nil, &res); err != nil {
		return Status{}, err
	}
	h, err := strconv.ParseInt(res.SyncInfo.LatestBlockHeight, 10, 64)
	if err != nil {
		return Status{}, fmt.Errorf("status: height %q: %w", res.SyncInfo.LatestBlockHeight, err)
	}
	earliest, _ := strconv.ParseInt(res.SyncInfo.EarliestHeight, 10, 64)
	power, _ := strconv.ParseInt(res.ValidatorInfo.VotingPower, 10, 64)
	return Status{
		NodeID: res.NodeInfo.ID, Network: res.NodeInfo.Network, LatestBlockHeight: h,
		LatestBlockHash: res.SyncInfo.LatestBlockHash, LatestAppHash: res.SyncInfo.LatestAppHash,
		CatchingUp: res.SyncInfo.CatchingUp, EarliestBlockHeight: earliest,
		ValidatorAddress: res.ValidatorInfo.Address, VotingPower: power,
	}, nil
}

// BlockInfo is a block's identity: its hash and the header's app hash (the state after the
// previous block), and its transactions' hashes (upper-case hex SHA-256, as /tx names them).
type BlockInfo struct {
	Height   int64
	Hash     string
	AppHash  string
	NumTxs   int
	TxHashes []string
}

// Block returns the identity of the block at height.
func (r RPC) Block(ctx context.Context, height int64) (BlockInfo, error) {
	var res struct {
		BlockID struct {
			Hash string `json:"hash"`
		} `json:"block_id"`
		Block struct {
			Header struct {
				AppHash string `json:"app_hash"`
			} `json:"header"`
			Data struct {
				Txs []string `json:"txs"`
			} `json:"data"`
		} `json:"block"`
	}
	if err := r.Call(ctx, "block", map[string]any{"height": strconv.FormatInt(height, 10)}, &res); err != nil {
		return BlockInfo{}, err
	}
	info := BlockInfo{Height: height, Hash: res.BlockID.Hash, AppHash: res.Block.Header.AppHash, NumTxs: len(res.Block.Data.Txs)}
	for _, t := range res.Block.Data.Txs {
		raw, err := base64.StdEncoding.DecodeString(t)
		if err != nil {
			return BlockInfo{}, fmt.Errorf("block %d: tx not base64: %w", height, err)
		}
		sum := sha256.Sum256(raw)
		info.TxHashes = append(info.TxHashes, strings.ToUpper(hex.EncodeToString(sum[:])))
	}
	return info, nil
}

// TxResult is a committed transaction as /tx reports it.
type TxResult struct {
	Hash   string
	Height int64
	Code   uint32
	Log    string
}

// ErrTxNotFound is returned by Tx when the node has not indexed the transaction.
var ErrTxNotFound = errors.New("tx not found")

// Tx looks a committed transaction up by its hash (hex, as Broadcast returns it).
func (r RPC) Tx(ctx context.Context, hash string) (TxResult, error) {
	hb, err := hex.DecodeString(hash)
	if err != nil {
		return TxResult{}, fmt.Errorf("tx hash %q: %w", hash, err)
	}
	var res struct {
		Hash     string `json:"hash"`
		Height   string `json:"height"`
		TxResult struct {
			Code uint32 `json:"code"`
			Log  string `json:"log"`
		} `json:"tx_result"`
	}
	err = r.Call(ctx, "tx", map[string]any{"hash": base64.StdEncoding.EncodeToString(hb), "prove": false}, &res)
	var rerr *RPCError
	if errors.As(err, &rerr) && strings.Contains(rerr.Data, "not found") {
		return TxResult{}, ErrTxNotFound
	}
	if err != nil {
		return TxResult{}, err
	}
	h, err := strconv.ParseInt(res.Height, 10, 64)
	if err != nil {
		return TxResult{}, fmt.Errorf("tx height %q: %w", res.Height, err)
	}
	return TxResult{Hash: res.Hash, Height: h, Code: res.TxResult.Code, Log: res.TxResult.Log}, nil
}

// BroadcastResult is CheckTx's answer to broadcast_tx_sync.
type BroadcastResult struct {
	Hash      string
	Code      uint32
	Codespace string
	Log       string
}

// BroadcastSync submits tx bytes and returns the CheckTx result (code 0: in the mempool).
func (r RPC) BroadcastSync(ctx context.Context, tx []byte) (BroadcastResult, error) {
	var res struct {
		Code      uint32 `json:"code"`
		Codespace string `json:"codespace"`
		Log       string `json:"log"`
		Hash      string `json:"hash"`
	}
	if err := r.Call(ctx, "broadcast_tx_sync", map[string]any{"tx": base64.StdEncoding.EncodeToString(tx)}, &res); err != nil {
		return BroadcastResult{}, err
	}
	return BroadcastResult{Hash: res.Hash, Code: res.Code, Codespace: res.Codespace, Log: res.Log}, nil
}

// ABCIQuery runs an ABCI query (e.g. a gRPC method path with proto-encoded data) at height
// (0: latest) and returns the response value.
func (r RPC) ABCIQuery(ctx context.Context, path string, data []byte, height int64) ([]byte, error) {
	var res struct {
		Response struct {
			Code  uint32 `json:"code"`
			Log   string `json:"log"`
			Value []byte `json:"value"`
		} `json:"response"`
	}
	params := map[string]any{"path": path, "data": hex.EncodeToString(data), "height": strconv.FormatInt(height, 10), "prove": false}
	if err := r.Call(ctx, "abci_query", params, &res); err != nil {
		return nil, err
	}
	if res.Response.Code != 0 {
		return nil, fmt.Errorf("abci_query %s: code %d: %s", path, res.Response.Code, res.Response.Log)
	}
	return res.Response.Value, nil
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}
