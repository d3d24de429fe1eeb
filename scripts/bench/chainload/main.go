// Command chainload is the chain load test of the benchmark report: on a one-node local
// network (testutil/localnet: a real amanahd process, free loopback ports, a temporary
// directory, 1 s blocks) it measures, in one run,
//
//   - bank sends per second (TestDenom between authorised writer accounts),
//   - DID creations per second (MsgCreateDid with a fresh Ed25519 key per DID, signed by that
//     key, sent from the same writer accounts),
//
// each as committed transactions per second read from the blocks (heights, header times and
// block_results codes), not as submissions; the growth of the node's application.db per DID
// created; and the time from a status-list revocation's block to the change being readable
// through the node's x/status Entry query.
//
// Transactions are signed before each phase starts (the client's signing does not compete with
// the node for the two cores during the measured window), then submitted by one goroutine per
// sender account over CometBFT RPC (broadcast_tx_sync) with locally managed sequences, keeping
// a bounded mempool backlog so that every block can be full. The result is one JSON object on
// stdout; progress goes to stderr.
//
//	go run ./scripts/bench/chainload -duration 30s > chain.json
package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"github.com/amanah-id/amanah/scripts/bench/benchenv"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	"github.com/cosmos/gogoproto/proto"

	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/statuslist"
	"github.com/amanah-id/amanah/testutil/localnet"
	"github.com/amanah-id/amanah/testutil/localnet/txclient"
	counciltypes "github.com/amanah-id/amanah/x/council/types"
	"github.com/amanah-id/amanah/x/did/client/didsign"
	didtypes "github.com/amanah-id/amanah/x/did/types"
	statustypes "github.com/amanah-id/amanah/x/status/types"
)

// Phase is the measured result of one transaction kind.
type Phase struct {
	// Name is "bank_send" or "did_create".
	Name string `json:"name"`
	// TPS is committed successful transactions per second over the steady window.
	TPS float64 `json:"tps"`
	// WindowBlocks, WindowSeconds and WindowTxs describe the steady window: the blocks after
	// the first block holding the phase's transactions, up to the last block proposed before
	// submission stopped.
	WindowBlocks  int     `json:"window_blocks"`
	WindowSeconds float64 `json:"window_seconds"`
	WindowTxs     int     `json:"window_txs"`
	// FirstHeight and LastHeight bound the window (FirstHeight's own transactions excluded).
	FirstHeight int64 `json:"first_height"`
	LastHeight  int64 `json:"last_height"`
	// MaxTxsPerBlock is the fullest block of the window.
	MaxTxsPerBlock int `json:"max_txs_per_block"`
	// Submitted and Committed count the whole phase; Failed counts committed with code != 0.
	Submitted int `json:"submitted"`
	Committed int `json:"committed"`
	Failed    int `json:"failed"`
	// MeanBacklog is the mean mempool size seen while submitting (the node was saturated
	// when it stays well above zero).
	MeanBacklog float64 `json:"mean_mempool_backlog"`
	// PoolExhausted reports that the pre-signed transactions ran out before the duration.
	PoolExhausted bool `json:"pool_exhausted"`
	// GasLimit is the gas limit each transaction carried (1.3x the gas one used, measured).
	GasLimit uint64 `json:"gas_limit"`
	// GasUsed is the gas one transaction of this kind used.
	GasUsed uint64 `json:"gas_used"`
}

// Result is the whole run.
type Result struct {
	Started           time.Time `json:"started"`
	Nodes             int       `json:"nodes"`
	BlockTime         string    `json:"block_time"`
	Senders           int       `json:"senders"`
	Duration          string    `json:"duration_per_phase"`
	Bank              Phase     `json:"bank"`
	DID               Phase     `json:"did"`
	DIDCreateTPS      float64   `json:"did_create_tps"`
	BankSendTPS       float64   `json:"bank_send_tps"`
	DIDOverBank       float64   `json:"did_over_bank"`
	StateBytesPerDID  float64   `json:"state_bytes_per_did"`
	StateBytesMethod  string    `json:"state_bytes_method"`
	BlockBytesPerDID  float64   `json:"blockstore_bytes_per_did"`
	DBBackend         string    `json:"db_backend"`
	RevocationMS      float64   `json:"revocation_visible_ms"`
	RevocationMaxMS   float64   `json:"revocation_visible_ms_max"`
	RevocationSubmit  float64   `json:"revocation_submit_to_visible_ms"`
	RevocationSamples []float64 `json:"revocation_visible_ms_samples"`
	RevocationMethod  string    `json:"revocation_method"`
	LoadAvg           string    `json:"loadavg_at_start"`
	LoadAvgEnd        string    `json:"loadavg_at_end"`
}

func main() {
	dur := flag.Duration("duration", 30*time.Second, "submission time per phase")
	senders := flag.Int("senders", 4, "writer accounts sending in parallel")
	poolRate := flag.Int("pool-rate", 1500, "transactions pre-signed per second of -duration, per phase")
	backlog := flag.Int("backlog", 1200, "mempool size above which senders pause")
	revocations := flag.Int("revocations", 5, "status updates timed for revocation visibility")
	budget := flag.Duration("timeout", 12*time.Minute, "bound on the whole run")
	keep := flag.Bool("keep", false, "keep the network directory")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), *budget)
	defer cancel()
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := run(ctx, config{dur: *dur, senders: *senders, poolRate: *poolRate, backlog: *backlog, revocations: *revocations, keep: *keep})
	if err != nil {
		fmt.Fprintln(os.Stderr, "chainload:", err)
		os.Exit(1)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(res); err != nil {
		fmt.Fprintln(os.Stderr, "chainload:", err)
		os.Exit(1)
	}
}

type config struct {
	dur                                     time.Duration
	senders, poolRate, backlog, revocations int
	keep                                    bool
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s chainload: %s\n", time.Now().UTC().Format("15:04:05.000"), fmt.Sprintf(format, args...))
}

// lt is one load test: the network, the client and the sender accounts.
type lt struct {
	cfg     config
	net     *localnet.Net
	rpc     localnet.RPC
	c       *txclient.Client
	agency  txclient.Signer
	senders []txclient.Signer
	accNums []uint64
	network string // did:amanah network name
}

func run(ctx context.Context, cfg config) (res Result, err error) {
	res = Result{Started: time.Now().UTC(), Nodes: 1, BlockTime: "1s", Senders: cfg.senders, Duration: cfg.dur.String(), LoadAvg: benchenv.LoadAvg()}
	bctx, bcancel := context.WithTimeout(ctx, 10*time.Minute)
	bin, err := localnet.BuildBinary(bctx)
	bcancel()
	if err != nil {
		return res, err
	}
	dir, err := os.MkdirTemp("", "amanah-chainload")
	if err != nil {
		return res, err
	}
	ports, err := localnet.FreeBasePorts(1)
	if err != nil {
		return res, err
	}
	net, err := localnet.Init(ctx, localnet.Config{Binary: bin, Dir: dir, N: 1, BasePorts: ports, BlockTime: time.Second,
		EditGenesis: liftWriterQuota})
	if err != nil {
		_ = os.RemoveAll(dir)
		return res, err
	}
	defer func() {
		if err != nil {
			logf("node log tail:\n%s", net.LogTail(0, 25))
		}
		if serr := net.StopAll(); serr != nil {
			logf("stop: %v", serr)
		}
		if cfg.keep {
			logf("network kept in %s", dir)
		} else {
			_ = os.RemoveAll(dir)
		}
	}()
	res.DBBackend = benchenv.DBBackend(net.Node(0).Home)
	if err := net.StartAll(); err != nil {
		return res, err
	}
	wctx, wcancel := context.WithTimeout(ctx, 90*time.Second)
	err = net.WaitHeight(wctx, 0, 2)
	wcancel()
	if err != nil {
		return res, err
	}
	logf("one-node network up (rpc %s, %s), load average %s", net.Node(0).RPCURL(), dir, res.LoadAvg)
	t := &lt{cfg: cfg, net: net, rpc: net.Node(0).RPC()}
	if t.c, err = txclient.New(net.Config.ChainID); err != nil {
		return res, err
	}
	if err := t.setup(ctx); err != nil {
		return res, fmt.Errorf("setup: %w", err)
	}

	// Gas of one transaction of each kind, for the gas limit the load carries.
	bankGas, didGas, err := t.measureGas(ctx)
	if err != nil {
		return res, fmt.Errorf("gas: %w", err)
	}
	logf("gas used: bank send %d, DID create %d", bankGas, didGas)

	res.Bank, err = t.phase(ctx, "bank_send", bankGas, t.bankMsg)
	if err != nil {
		return res, err
	}
	home := net.Node(0).Home
	appBefore, blkBefore := benchenv.DirSize(filepath.Join(home, "data", "application.db")), benchenv.DirSize(filepath.Join(home, "data", "blockstore.db"))
	res.DID, err = t.phase(ctx, "did_create", didGas, t.didMsg)
	if err != nil {
		return res, err
	}
	// One more block so the last DIDs' state is flushed by Commit.
	if err := t.advance(ctx, 1); err != nil {
		return res, err
	}
	appAfter, blkAfter := benchenv.DirSize(filepath.Join(home, "data", "application.db")), benchenv.DirSize(filepath.Join(home, "data", "blockstore.db"))
	if n := res.DID.Committed - res.DID.Failed; n > 0 {
		res.StateBytesPerDID = float64(appAfter-appBefore) / float64(n)
		res.BlockBytesPerDID = float64(blkAfter-blkBefore) / float64(n)
	}
	res.StateBytesMethod = fmt.Sprintf("growth of the node's data/application.db (%s) over the DID phase divided by the DIDs committed in it (%d): "+
		"IAVL nodes, the sender accounts' sequence updates and the empty blocks' versions included; files not yet compacted counted as they lie",
		res.DBBackend, res.DID.Committed-res.DID.Failed)
	res.BankSendTPS, res.DIDCreateTPS = res.Bank.TPS, res.DID.TPS
	if res.BankSendTPS > 0 {
		res.DIDOverBank = res.DIDCreateTPS / res.BankSendTPS
	}

	samples, submit, err := t.revocation(ctx)
	if err != nil {
		return res, fmt.Errorf("revocation: %w", err)
	}
	res.RevocationSamples = samples
	res.RevocationMS = median(samples)
	res.RevocationMaxMS = maxOf(samples)
	res.RevocationSubmit = median(submit)
	res.RevocationMethod = "time from the commit of the block holding a MsgUpdateStatusList (revoke one index; commit = the " +
		"validator's precommit timestamp for that block, from the next block's last commit) to the first poll (every 2 ms) of the " +
		"node's x/status Entry query (ABCI query at the latest height, through CometBFT RPC) returning the revoked status; median of " +
		"the samples. revocation_submit_to_visible_ms is from broadcast (just after a block) to readable"
	res.LoadAvgEnd = benchenv.LoadAvg()
	return res, nil
}

// liftWriterQuota raises the council's writer gas quota far above what the senders can
// submit: the load test measures the ledger's capacity, which the default quota (one block's
// gas per writer per 10 blocks, docs/block-space.md) would cap at the senders' share.
func liftWriterQuota(app map[string]any) error {
	council, ok := app["council"].(map[string]any)
	if !ok {
		return fmt.Errorf("genesis has no council")
	}
	params, ok := council["params"].(map[string]any)
	if !ok {
		return fmt.Errorf("council genesis has no params")
	}
	params["writer_gas_quota"] = "1000000000000000"
	return nil
}

// setup funds the sender accounts and authorises them as writers, in one agency transaction.
func (t *lt) setup(ctx context.Context) error {
	var err error
	if t.agency, err = t.c.AgencySigner(t.net, 0); err != nil {
		return err
	}
	var msgs []sdk.Msg
	for i := range t.cfg.senders {
		s, err := t.c.NewMemSigner(fmt.Sprintf("sender%d", i))
		if err != nil {
			return err
		}
		t.senders = append(t.senders, s)
		msgs = append(msgs,
			banktypes.NewMsgSend(t.agency.Address, s.Address, sdk.NewCoins(sdk.NewInt64Coin(localnet.TestDenom, 10_000_000))),
			&counciltypes.MsgAuthorizeWriter{Granter: t.agency.Address.String(), Address: s.Address.String(), Note: "benchmark sender"})
	}
	if _, err := t.agencyTx(ctx, msgs...); err != nil {
		return err
	}
	for _, s := range t.senders {
		num, _, err := t.c.Account(ctx, t.rpc, s.Address)
		if err != nil {
			return err
		}
		t.accNums = append(t.accNums, num)
	}
	var p didtypes.QueryParamsResponse
	if err := t.query(ctx, "/amanah.did.v1.Query/Params", &didtypes.QueryParamsRequest{}, &p); err != nil {
		return err
	}
	t.network = p.Params.Network
	logf("%d writer accounts funded and authorised; did network %q", len(t.senders), t.network)
	return nil
}

// agencyTx signs msgs with the agency key (txclient's default gas), submits and waits for commit.
func (t *lt) agencyTx(ctx context.Context, msgs ...sdk.Msg) (localnet.TxResult, error) {
	num, seq, err := t.c.Account(ctx, t.rpc, t.agency.Address)
	if err != nil {
		return localnet.TxResult{}, err
	}
	tx, err := t.c.Sign(t.agency, num, seq, "chainload", msgs...)
	if err != nil {
		return localnet.TxResult{}, err
	}
	return t.submitWait(ctx, tx)
}

func (t *lt) submitWait(ctx context.Context, tx txclient.SignedTx) (localnet.TxResult, error) {
	br, err := t.rpc.BroadcastSync(ctx, tx.Bytes)
	if err != nil {
		return localnet.TxResult{}, err
	}
	if br.Code != 0 {
		return localnet.TxResult{}, fmt.Errorf("check tx: code %d %s: %s", br.Code, br.Codespace, br.Log)
	}
	r, err := txclient.WaitTx(ctx, t.rpc, tx.Hash)
	if err != nil {
		return r, err
	}
	if r.Code != 0 {
		return r, fmt.Errorf("tx %s: code %d: %s", tx.Hash, r.Code, r.Log)
	}
	return r, nil
}

func (t *lt) query(ctx context.Context, path string, req interface{ Marshal() ([]byte, error) }, out interface{ Unmarshal([]byte) error }) error {
	data, err := req.Marshal()
	if err != nil {
		return err
	}
	val, err := t.rpc.ABCIQuery(ctx, path, data, 0)
	if err != nil {
		return err
	}
	return out.Unmarshal(val)
}

// bankMsg is sender i's n-th bank send: 1 TestDenom to the next sender.
func (t *lt) bankMsg(i, _ int) (sdk.Msg, error) {
	to := t.senders[(i+1)%len(t.senders)].Address
	return banktypes.NewMsgSend(t.senders[i].Address, to, sdk.NewCoins(sdk.NewInt64Coin(localnet.TestDenom, 1))), nil
}

// didMsg is a MsgCreateDid of a fresh Ed25519 key's default document, signed by that key and
// submitted by sender i.
func (t *lt) didMsg(i, _ int) (sdk.Msg, error) {
	priv, err := keys.Generate(keys.Ed25519)
	if err != nil {
		return nil, err
	}
	doc := didtypes.NewDocument(t.network, priv.Public())
	raw, err := doc.MarshalJSON()
	if err != nil {
		return nil, err
	}
	m := &didtypes.MsgCreateDid{Signer: t.senders[i].Address.String(), Payload: didtypes.CreateDidPayload{Document: raw}}
	if m.Signatures, err = didsign.Sign(t.c.ChainID, m, &m.Payload, doc.ID+"#key-1", priv); err != nil {
		return nil, err
	}
	return m, nil
}

// measureGas commits one bank send and one DID create from sender 0 with txclient's default
// gas and returns the gas each used.
func (t *lt) measureGas(ctx context.Context) (bank, did uint64, err error) {
	for k, mk := range []func(int, int) (sdk.Msg, error){t.bankMsg, t.didMsg} {
		m, err := mk(0, 0)
		if err != nil {
			return 0, 0, err
		}
		_, seq, err := t.c.Account(ctx, t.rpc, t.senders[0].Address)
		if err != nil {
			return 0, 0, err
		}
		tx, err := t.c.Sign(t.senders[0], t.accNums[0], seq, "", m)
		if err != nil {
			return 0, 0, err
		}
		if _, err := t.submitWait(ctx, tx); err != nil {
			return 0, 0, err
		}
		used, err := t.gasUsed(ctx, tx.Hash)
		if err != nil {
			return 0, 0, err
		}
		if k == 0 {
			bank = used
		} else {
			did = used
		}
	}
	return bank, did, nil
}

func (t *lt) gasUsed(ctx context.Context, hash string) (uint64, error) {
	hb, err := hex.DecodeString(hash)
	if err != nil {
		return 0, err
	}
	var res struct {
		TxResult struct {
			GasUsed string `json:"gas_used"`
		} `json:"tx_result"`
	}
	if err := t.rpc.Call(ctx, "tx", map[string]any{"hash": hb, "prove": false}, &res); err != nil {
		return 0, err
	}
	return strconv.ParseUint(res.TxResult.GasUsed, 10, 64)
}

// blockMeta is one block's header time and transaction outcomes.
type blockMeta struct {
	height  int64
	time    time.Time
	ok, bad int
}

func (t *lt) block(ctx context.Context, h int64) (blockMeta, error) {
	var b struct {
		Block struct {
			Header struct {
				Time time.Time `json:"time"`
			} `json:"header"`
		} `json:"block"`
	}
	hs := strconv.FormatInt(h, 10)
	if err := t.rpc.Call(ctx, "block", map[string]any{"height": hs}, &b); err != nil {
		return blockMeta{}, err
	}
	var r struct {
		TxsResults []struct {
			Code uint32 `json:"code"`
		} `json:"txs_results"`
	}
	if err := t.rpc.Call(ctx, "block_results", map[string]any{"height": hs}, &r); err != nil {
		return blockMeta{}, err
	}
	m := blockMeta{height: h, time: b.Block.Header.Time}
	for _, x := range r.TxsResults {
		if x.Code == 0 {
			m.ok++
		} else {
			m.bad++
		}
	}
	return m, nil
}

// commitTime returns when block h was committed: the validator's precommit timestamp for h,
// as recorded in block h+1's last commit (it waits for block h+1).
func (t *lt) commitTime(ctx context.Context, h int64) (time.Time, error) {
	wctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := t.net.WaitHeight(wctx, 0, h+1); err != nil {
		return time.Time{}, err
	}
	var b struct {
		Block struct {
			LastCommit struct {
				Height     string `json:"height"`
				Signatures []struct {
					Timestamp time.Time `json:"timestamp"`
				} `json:"signatures"`
			} `json:"last_commit"`
		} `json:"block"`
	}
	if err := t.rpc.Call(ctx, "block", map[string]any{"height": strconv.FormatInt(h+1, 10)}, &b); err != nil {
		return time.Time{}, err
	}
	var latest time.Time
	for _, s := range b.Block.LastCommit.Signatures {
		if s.Timestamp.After(latest) {
			latest = s.Timestamp
		}
	}
	if latest.IsZero() || b.Block.LastCommit.Height != strconv.FormatInt(h, 10) {
		return time.Time{}, fmt.Errorf("block %d: no precommit timestamp for %d", h+1, h)
	}
	return latest, nil
}

func (t *lt) height(ctx context.Context) (int64, error) {
	st, err := t.rpc.Status(ctx)
	return st.LatestBlockHeight, err
}

func (t *lt) mempoolSize(ctx context.Context) (int, error) {
	var r struct {
		NTxs string `json:"n_txs"`
	}
	if err := t.rpc.Call(ctx, "num_unconfirmed_txs", nil, &r); err != nil {
		return 0, err
	}
	return strconv.Atoi(r.NTxs)
}

// advance waits for n more committed blocks.
func (t *lt) advance(ctx context.Context, n int64) error {
	h, err := t.height(ctx)
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, time.Duration(n)*5*time.Second+10*time.Second)
	defer cancel()
	return t.net.WaitHeight(wctx, 0, h+n)
}

// phase pre-signs the phase's transactions, submits them for cfg.dur, waits for the mempool to
// drain, and reads the committed rate from the blocks.
func (t *lt) phase(ctx context.Context, name string, gasUsed uint64, mk func(i, n int) (sdk.Msg, error)) (Phase, error) {
	p := Phase{Name: name, GasUsed: gasUsed, GasLimit: gasUsed*13/10 + 2000}
	perSender := max(int(t.cfg.dur.Seconds()*float64(t.cfg.poolRate))/len(t.senders), 1)
	pools := make([][]txclient.SignedTx, len(t.senders))
	start := time.Now()
	var wg sync.WaitGroup
	errs := make([]error, len(t.senders))
	for i := range t.senders {
		_, seq, err := t.c.Account(ctx, t.rpc, t.senders[i].Address)
		if err != nil {
			return p, err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range perSender {
				if ctx.Err() != nil {
					errs[i] = ctx.Err()
					return
				}
				m, err := mk(i, n)
				if err == nil {
					var tx txclient.SignedTx
					tx, err = t.c.SignGas(t.senders[i], t.accNums[i], seq+uint64(n), p.GasLimit, "", m)
					pools[i] = append(pools[i], tx)
				}
				if err != nil {
					errs[i] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return p, err
	}
	logf("%s: %d transactions signed in %s (gas limit %d each); submitting for %s",
		name, perSender*len(t.senders), time.Since(start).Round(time.Millisecond), p.GasLimit, t.cfg.dur)

	h0, err := t.height(ctx)
	if err != nil {
		return p, err
	}
	sctx, scancel := context.WithTimeout(ctx, t.cfg.dur)
	defer scancel()
	var backlog atomic.Int64
	var samples, sampleSum atomic.Int64
	monDone := make(chan struct{})
	go func() { // mempool monitor
		defer close(monDone)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			if n, err := t.mempoolSize(sctx); err == nil {
				backlog.Store(int64(n))
				samples.Add(1)
				sampleSum.Add(int64(n))
			}
			select {
			case <-sctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	var submitted atomic.Int64
	var exhausted atomic.Int64
	for i := range t.senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = t.submit(sctx, pools[i], &backlog, &submitted)
			if errs[i] == nil && sctx.Err() == nil {
				exhausted.Add(1)
			}
		}()
	}
	wg.Wait()
	tStop := time.Now()
	scancel()
	<-monDone
	if ctx.Err() != nil {
		return p, ctx.Err()
	}
	if err := errors.Join(errs...); err != nil {
		return p, fmt.Errorf("%s: %w", name, err)
	}
	p.Submitted = int(submitted.Load())
	p.PoolExhausted = exhausted.Load() > 0
	if s := samples.Load(); s > 0 {
		p.MeanBacklog = float64(sampleSum.Load()) / float64(s)
	}
	logf("%s: %d submitted; waiting for the mempool to drain", name, p.Submitted)

	// Drain: every submitted transaction is committed (or evicted) before the next phase.
	deadline := time.Now().Add(3 * time.Minute)
	for {
		n, err := t.mempoolSize(ctx)
		if err == nil && n == 0 {
			break
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return p, fmt.Errorf("%s: mempool not drained (%d left, err %v)", name, n, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err := t.advance(ctx, 1); err != nil {
		return p, err
	}
	hEnd, err := t.height(ctx)
	if err != nil {
		return p, err
	}
	var blocks []blockMeta
	for h := h0 + 1; h <= hEnd; h++ {
		b, err := t.block(ctx, h)
		if err != nil {
			return p, err
		}
		blocks = append(blocks, b)
		p.Committed += b.ok + b.bad
		p.Failed += b.bad
	}
	// The steady window: from the first block with transactions (its time starts the clock,
	// its transactions do not count) to the last block proposed before submission stopped
	// (the mempool still held transactions when it was made).
	first, last := -1, -1
	for k, b := range blocks {
		if first < 0 && b.ok+b.bad > 0 {
			first = k
		}
		if first >= 0 && !b.time.After(tStop) {
			last = k
		}
	}
	if first < 0 || last <= first {
		return p, fmt.Errorf("%s: no steady window (first %d, last %d, %d blocks)", name, first, last, len(blocks))
	}
	for _, b := range blocks[first+1 : last+1] {
		p.WindowTxs += b.ok
		p.MaxTxsPerBlock = max(p.MaxTxsPerBlock, b.ok+b.bad)
	}
	p.FirstHeight, p.LastHeight = blocks[first].height, blocks[last].height
	p.WindowBlocks = last - first
	p.WindowSeconds = blocks[last].time.Sub(blocks[first].time).Seconds()
	p.TPS = float64(p.WindowTxs) / p.WindowSeconds
	logf("%s: %.1f committed tx/s (%d txs in %d blocks over %.2fs, heights %d..%d, fullest block %d, mean backlog %.0f, %d failed, load %s)",
		name, p.TPS, p.WindowTxs, p.WindowBlocks, p.WindowSeconds, p.FirstHeight+1, p.LastHeight, p.MaxTxsPerBlock, p.MeanBacklog, p.Failed, benchenv.LoadAvg())
	return p, nil
}

// submit broadcasts pool in order until ctx ends or the pool is done, pausing while the
// mempool holds more than cfg.backlog transactions and retrying a full mempool.
func (t *lt) submit(ctx context.Context, pool []txclient.SignedTx, backlog, submitted *atomic.Int64) error {
	for k := 0; k < len(pool); {
		if ctx.Err() != nil {
			return nil
		}
		if backlog.Load() > int64(t.cfg.backlog) {
			benchenv.Pause(ctx, 20*time.Millisecond)
			continue
		}
		br, err := t.rpc.BroadcastSync(ctx, pool[k].Bytes)
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil:
			// Transport error: the tx may or may not be in the mempool; resend (a duplicate
			// is answered "already in cache").
			benchenv.Pause(ctx, 50*time.Millisecond)
			continue
		case br.Code == 0, strings.Contains(br.Log, "already exists in cache"), strings.Contains(br.Log, "tx already exists"):
			k++
			submitted.Add(1)
		case strings.Contains(strings.ToLower(br.Log), "mempool is full"):
			benchenv.Pause(ctx, 50*time.Millisecond)
		default:
			return fmt.Errorf("check tx %d: code %d %s: %s", k, br.Code, br.Codespace, br.Log)
		}
	}
	return nil
}

// revocation creates an issuer DID and a revocation list, then times cfg.revocations single
// revocations: block header time to readable through the Entry query, and submission to
// readable.
func (t *lt) revocation(ctx context.Context) (visible, submit []float64, err error) {
	priv, err := keys.Generate(keys.Ed25519)
	if err != nil {
		return nil, nil, err
	}
	doc := didtypes.NewDocument(t.network, priv.Public())
	raw, err := doc.MarshalJSON()
	if err != nil {
		return nil, nil, err
	}
	owner, method := doc.ID, doc.ID+"#key-1"
	signer := t.agency.Address.String()
	cd := &didtypes.MsgCreateDid{Signer: signer, Payload: didtypes.CreateDidPayload{Document: raw}}
	if cd.Signatures, err = didsign.Sign(t.c.ChainID, cd, &cd.Payload, method, priv); err != nil {
		return nil, nil, err
	}
	if _, err := t.agencyTx(ctx, cd); err != nil {
		return nil, nil, err
	}
	didSig := func(msg sdk.Msg, payload proto.Message) ([]didtypes.DidSignature, error) {
		return didsign.Sign(t.c.ChainID, msg, payload, method, priv)
	}
	create := &statustypes.MsgCreateStatusList{Signer: signer, Payload: &statustypes.CreateStatusListPayload{
		Owner: owner, Purpose: statustypes.StatusPurpose_STATUS_PURPOSE_REVOCATION, Size_: statuslist.MinSize}}
	if create.Signatures, err = didSig(create, create.Payload); err != nil {
		return nil, nil, err
	}
	if _, err := t.agencyTx(ctx, create); err != nil {
		return nil, nil, err
	}
	var lists statustypes.QueryListsByOwnerResponse
	if err := t.query(ctx, "/amanah.status.v1.Query/ListsByOwner", &statustypes.QueryListsByOwnerRequest{Owner: owner}, &lists); err != nil {
		return nil, nil, err
	}
	if len(lists.Lists) != 1 {
		return nil, nil, fmt.Errorf("owner has %d lists", len(lists.Lists))
	}
	id := lists.Lists[0].Id
	value, err := statustypes.StatusPurpose_STATUS_PURPOSE_REVOCATION.ValueFor(statustypes.OpRevoke)
	if err != nil {
		return nil, nil, err
	}
	for k := 1; k <= t.cfg.revocations; k++ {
		idx := uint32(1000 * k)
		upd := &statustypes.MsgUpdateStatusList{Signer: signer, Payload: &statustypes.UpdateStatusListPayload{
			ListId: id, Sequence: uint64(k), Indices: []uint32{idx}, Values: []byte{value}}}
		if upd.Signatures, err = didSig(upd, upd.Payload); err != nil {
			return nil, nil, err
		}
		num, seq, err := t.c.Account(ctx, t.rpc, t.agency.Address)
		if err != nil {
			return nil, nil, err
		}
		tx, err := t.c.Sign(t.agency, num, seq, "", upd)
		if err != nil {
			return nil, nil, err
		}
		// Start just after a block so that the wait for inclusion is about one block.
		if err := t.advance(ctx, 1); err != nil {
			return nil, nil, err
		}
		tSubmit := time.Now()
		br, err := t.rpc.BroadcastSync(ctx, tx.Bytes)
		if err != nil || br.Code != 0 {
			return nil, nil, fmt.Errorf("revocation %d: %v %+v", k, err, br)
		}
		qreq, err := (&statustypes.QueryEntryRequest{ListId: id, Index: idx}).Marshal()
		if err != nil {
			return nil, nil, err
		}
		var tVisible time.Time
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) && ctx.Err() == nil {
			val, err := t.rpc.ABCIQuery(ctx, "/amanah.status.v1.Query/Entry", qreq, 0)
			if err == nil {
				var e statustypes.QueryEntryResponse
				if e.Unmarshal(val) == nil && e.Status == uint32(value) {
					tVisible = time.Now()
					break
				}
			}
			time.Sleep(2 * time.Millisecond)
		}
		if tVisible.IsZero() {
			return nil, nil, fmt.Errorf("revocation %d not readable within 30s", k)
		}
		r, err := txclient.WaitTx(ctx, t.rpc, tx.Hash)
		if err != nil {
			return nil, nil, err
		}
		tCommit, err := t.commitTime(ctx, r.Height)
		if err != nil {
			return nil, nil, err
		}
		ms := float64(tVisible.Sub(tCommit).Microseconds()) / 1000
		visible = append(visible, ms)
		submit = append(submit, float64(tVisible.Sub(tSubmit).Microseconds())/1000)
		logf("revocation %d: block %d, readable %.1f ms after its commit (precommit time), %.1f ms after submission", k, r.Height, ms, submit[len(submit)-1])
	}
	return visible, submit, nil
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func maxOf(xs []float64) float64 {
	m := 0.0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}
