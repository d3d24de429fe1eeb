// Command chainload is the chain load test of the benchmark report: on a local network
// (scripts/bench/benchnet: real amanahd processes, one validator or -validators N, free
// loopback ports, each node its own home in a temporary directory, 1 s blocks; the load goes
// to node 0) it measures, in one run,
//
//   - bank sends per second (TestDenom between authorised writer accounts),
//   - DID creations per second (MsgCreateDid with a fresh Ed25519 key per DID, signed by that
//     key, sent from the same writer accounts),
//
// each as committed transactions per second read from the blocks (heights, header times and
// block_results codes), not as submissions; the growth of the node's application.db per DID
// created; and the time from a status-list revocation's block to the change being readable
// through the node's x/status Entry query: after the load on a -list-size entry list, or with
// -revoke-under-load during the DID phase's load (make bench: 16,777,216 entries on 4
// validators, revocation_visible_ms_4v). The block and mempool settings are stated in the
// result (settings).
//
// Transactions are signed before each phase starts (the client's signing does not compete with
// the node for the two cores during the measured window), then submitted by one goroutine per
// sender account over CometBFT RPC (broadcast_tx_sync) with locally managed sequences, keeping
// a bounded mempool backlog so that every block can be full. The result is one JSON object on
// stdout, report.ChainLoad (scripts/bench/report); progress goes to stderr.
//
//	go run ./scripts/bench/chainload -duration 30s > chain.json
//	go run ./scripts/bench/chainload -validators 4 -list-size 16777216 -revoke-under-load > chain4v.json
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	"github.com/cosmos/gogoproto/proto"

	"github.com/amanah-id/amanah/localnet"
	"github.com/amanah-id/amanah/localnet/txclient"
	"github.com/amanah-id/amanah/scripts/bench/benchenv"
	"github.com/amanah-id/amanah/scripts/bench/benchnet"
	"github.com/amanah-id/amanah/scripts/bench/report"
	"github.com/amanah-id/amanah/statuslist"
	"github.com/amanah-id/amanah/x/did/client/didsign"
	didtypes "github.com/amanah-id/amanah/x/did/types"
	statustypes "github.com/amanah-id/amanah/x/status/types"
)

func main() {
	dur := flag.Duration("duration", 30*time.Second, "submission time per phase")
	senders := flag.Int("senders", 4, "writer accounts sending in parallel")
	poolRate := flag.Int("pool-rate", 1500, "transactions pre-signed per second of -duration, per phase")
	backlog := flag.Int("backlog", 1200, "mempool size above which senders pause")
	revocations := flag.Int("revocations", 5, "status updates timed for revocation visibility")
	budget := flag.Duration("timeout", 12*time.Minute, "bound on the whole run")
	keep := flag.Bool("keep", false, "keep the network directory")
	validators := flag.Int("validators", 1, fmt.Sprintf("validator processes (1..%d), each its own home, on loopback", localnet.MaxNodes))
	listSize := flag.Int("list-size", statuslist.MinSize, fmt.Sprintf("entries of the revocation list (%d..%d)", statuslist.MinSize, statuslist.MaxSize))
	underLoad := flag.Bool("revoke-under-load", false, "time the revocations during the DID phase's load (default: after it)")
	flag.Parse()
	if *senders < 1 || *poolRate < 1 || *revocations < 1 || *dur <= 0 {
		benchenv.BadFlags("chainload", "-senders, -pool-rate, -revocations and -duration must be positive")
	}
	if *validators < 1 || *validators > localnet.MaxNodes || *listSize < statuslist.MinSize || *listSize > statuslist.MaxSize {
		benchenv.BadFlags("chainload", fmt.Sprintf("-validators must be 1..%d and -list-size %d..%d", localnet.MaxNodes, statuslist.MinSize, statuslist.MaxSize))
	}
	cfg := config{dur: *dur, senders: *senders, poolRate: *poolRate, backlog: *backlog, revocations: *revocations, keep: *keep,
		validators: *validators, listSize: uint32(*listSize), underLoad: *underLoad}
	benchenv.Main("chainload", *budget, func(ctx context.Context) (report.ChainLoad, error) { return run(ctx, cfg) })
}

type config struct {
	dur                                     time.Duration
	senders, poolRate, backlog, revocations int
	keep                                    bool
	validators                              int
	listSize                                uint32
	underLoad                               bool
}

var logf = benchenv.Logger("chainload")

// lt is one load test: the network, its chain client and the sender accounts.
type lt struct {
	cfg     config
	net     *benchnet.Net
	ch      *txclient.Chain
	agency  txclient.Signer
	senders []benchnet.Writer
	network string // did:amanah network name
}

func run(ctx context.Context, cfg config) (res report.ChainLoad, err error) {
	res = report.ChainLoad{Started: time.Now().UTC(), Nodes: cfg.validators, BlockTime: "1s", Senders: cfg.senders, Duration: cfg.dur.String(),
		LoadAvg: benchenv.LoadAvg(), RevocationListSize: int(cfg.listSize), RevocationUnderLoad: cfg.underLoad}
	net, err := benchnet.Start(ctx, benchnet.Options{Name: "chainload", Keep: cfg.keep, Logf: logf, Validators: cfg.validators}) // writer quota lifted by benchnet
	if err != nil {
		return res, err
	}
	defer func() { net.Close(err) }()
	res.DBBackend = net.DBBackend
	t := &lt{cfg: cfg, net: net, ch: net.Chain}
	if err := t.setup(ctx); err != nil {
		return res, fmt.Errorf("setup: %w", err)
	}
	if res.Settings, err = net.Settings(ctx); err != nil {
		return res, err
	}
	res.Settings += fmt.Sprintf("; %d senders to node 0, paused while its mempool holds over %d txs", cfg.senders, cfg.backlog)
	logf("settings: %s", res.Settings)
	list, err := t.revocationList(ctx)
	if err != nil {
		return res, fmt.Errorf("revocation list: %w", err)
	}

	// Gas of one transaction of each kind, for the gas limit the load carries.
	bankGas, didGas, err := t.measureGas(ctx)
	if err != nil {
		return res, fmt.Errorf("gas: %w", err)
	}
	logf("gas used: bank send %d, DID create %d", bankGas, didGas)

	res.Bank, err = t.phase(ctx, "bank_send", bankGas, t.bankMsg, nil)
	if err != nil {
		return res, err
	}
	data := filepath.Join(net.Home, "data")
	appBefore, blkBefore := benchenv.DirSize(filepath.Join(data, "application.db")), benchenv.DirSize(filepath.Join(data, "blockstore.db"))
	var revs []revocationSample
	var during func(ctx, load context.Context) error
	if cfg.underLoad {
		during = func(ctx, load context.Context) (err error) {
			revs, err = t.revoke(ctx, load, list)
			return err
		}
	}
	res.DID, err = t.phase(ctx, "did_create", didGas, t.didMsg, during)
	if err != nil {
		return res, err
	}
	// One more block so the last DIDs' state is flushed by Commit.
	if err := t.ch.Advance(ctx, 1); err != nil {
		return res, err
	}
	appAfter, blkAfter := benchenv.DirSize(filepath.Join(data, "application.db")), benchenv.DirSize(filepath.Join(data, "blockstore.db"))
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

	if !cfg.underLoad {
		if revs, err = t.revoke(ctx, nil, list); err != nil {
			return res, fmt.Errorf("revocation: %w", err)
		}
	}
	var samples, submit []float64
	for _, r := range revs {
		if cfg.underLoad && r.height > res.DID.LastHeight {
			continue // committed after the load's steady window: not under load
		}
		samples, submit = append(samples, r.visibleMS), append(submit, r.submitMS)
	}
	if len(samples) == 0 {
		return res, fmt.Errorf("revocation: none of %d samples committed within the load window (heights ..%d)", len(revs), res.DID.LastHeight)
	}
	res.RevocationSamples = samples
	res.RevocationMS = benchenv.Median(samples)
	res.RevocationMaxMS = slices.Max(samples)
	res.RevocationSubmit = benchenv.Median(submit)
	res.RevocationMethod = "time from the commit of the block holding a MsgUpdateStatusList (revoke one index; commit = the " +
		"precommit timestamp at which the precommits for that block, in the next block's last commit, first held more than 2/3 of the power) to the first poll (every 2 ms) of the " +
		"node's x/status Entry query (ABCI query at the latest height, through CometBFT RPC) returning the revoked status; median of " +
		"the samples. revocation_submit_to_visible_ms is from broadcast (just after a block) to readable"
	if cfg.underLoad {
		res.RevocationMethod += fmt.Sprintf("; the revocations were submitted during the did_create phase's load (%d of %d committed within its steady window, "+
			"heights ..%d, are counted) on a %d-entry list, polled every 10 ms (not 2 ms) so as to load node 0 less", len(samples), len(revs), res.DID.LastHeight, cfg.listSize)
	} else {
		res.RevocationMethod += fmt.Sprintf("; after the load phases, on a %d-entry list", cfg.listSize)
	}
	res.LoadAvgEnd = benchenv.LoadAvg()
	return res, nil
}

// setup funds the sender accounts and authorises them as writers, in one agency transaction.
func (t *lt) setup(ctx context.Context) error {
	var err error
	if t.agency, t.senders, err = t.net.Writers(ctx, t.cfg.senders, "sender", "benchmark sender"); err != nil {
		return err
	}
	if t.network, err = t.ch.DIDNetwork(ctx); err != nil {
		return err
	}
	logf("%d writer accounts funded and authorised; did network %q", len(t.senders), t.network)
	return nil
}

// bankMsg is sender i's n-th bank send: 1 TestDenom to the next sender.
func (t *lt) bankMsg(i, _ int) (sdk.Msg, error) {
	to := t.senders[(i+1)%len(t.senders)].Address
	return banktypes.NewMsgSend(t.senders[i].Address, to, sdk.NewCoins(sdk.NewInt64Coin(localnet.TestDenom, 1))), nil
}

// didMsg is a MsgCreateDid of a fresh Ed25519 key's default document, signed by that key and
// submitted by sender i.
func (t *lt) didMsg(i, _ int) (sdk.Msg, error) {
	m, _, _, err := t.ch.NewDID(t.network, t.senders[i].Signer)
	return m, err
}

// measureGas commits one bank send and one DID create from sender 0 with txclient's default
// gas and returns the gas each used.
func (t *lt) measureGas(ctx context.Context) (bank, did uint64, err error) {
	var used [2]uint64
	for k, mk := range []func(int, int) (sdk.Msg, error){t.bankMsg, t.didMsg} {
		m, err := mk(0, 0)
		if err != nil {
			return 0, 0, err
		}
		out, err := t.ch.Deliver(ctx, t.senders[0].Signer, m)
		if err != nil {
			return 0, 0, err
		}
		if used[k], err = t.ch.GasUsed(ctx, out.Hash); err != nil {
			return 0, 0, err
		}
	}
	return used[0], used[1], nil
}

// phase pre-signs the phase's transactions, submits them for cfg.dur, waits for the mempool to
// drain, and reads the committed rate from the blocks. during, if set, runs beside the
// submission (load ends when it stops) and is waited for before the phase returns.
func (t *lt) phase(ctx context.Context, name string, gasUsed uint64, mk func(i, n int) (sdk.Msg, error),
	during func(ctx, load context.Context) error) (report.ChainPhase, error) {
	p := report.ChainPhase{Name: name, GasUsed: gasUsed, GasLimit: gasUsed*13/10 + 2000}
	perSender := max(int(t.cfg.dur.Seconds()*float64(t.cfg.poolRate))/len(t.senders), 1)
	pools := make([][]txclient.SignedTx, len(t.senders))
	start := time.Now()
	var wg sync.WaitGroup
	errs := make([]error, len(t.senders))
	for i, s := range t.senders {
		_, seq, err := t.ch.Client.Account(ctx, t.ch.RPC, s.Address)
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
					tx, err = t.ch.Client.SignGas(s.Signer, s.AccNum, seq+uint64(n), p.GasLimit, "", m)
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

	h0, err := t.ch.Height(ctx)
	if err != nil {
		return p, err
	}
	sctx, scancel := context.WithTimeout(ctx, t.cfg.dur)
	defer scancel()
	mempool := t.net.WatchMempool(sctx)
	duringDone := make(chan error, 1)
	if during != nil {
		go func() { duringDone <- during(ctx, sctx) }()
	} else {
		duringDone <- nil
	}
	var submitted, exhausted atomic.Int64
	for i := range t.senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = t.submit(sctx, pools[i], mempool, &submitted)
			if errs[i] == nil && sctx.Err() == nil {
				exhausted.Add(1)
			}
		}()
	}
	wg.Wait()
	tStop := time.Now()
	scancel()
	p.MeanBacklog = mempool.Stop()
	if ctx.Err() != nil {
		return p, ctx.Err()
	}
	if err := errors.Join(errs...); err != nil {
		return p, fmt.Errorf("%s: %w", name, err)
	}
	p.Submitted = int(submitted.Load())
	p.PoolExhausted = exhausted.Load() > 0
	logf("%s: %d submitted; waiting for the mempool to drain", name, p.Submitted)

	// Drain: every submitted transaction is committed (or evicted) before the next phase.
	if err := t.net.Drain(ctx, 3*time.Minute); err != nil {
		return p, fmt.Errorf("%s: %w", name, err)
	}
	if err := <-duringDone; err != nil {
		return p, fmt.Errorf("%s: %w", name, err)
	}
	if err := t.ch.Advance(ctx, 1); err != nil {
		return p, err
	}
	hEnd, err := t.ch.Height(ctx)
	if err != nil {
		return p, err
	}
	var blocks []txclient.BlockOutcome
	for h := h0 + 1; h <= hEnd; h++ {
		b, err := t.ch.Block(ctx, h)
		if err != nil {
			return p, err
		}
		blocks = append(blocks, b)
		p.Committed += b.Txs()
		p.Failed += b.Failed
		for c, n := range b.FailedCodes {
			if p.FailedCodes == nil {
				p.FailedCodes, p.FailedLog = map[string]int{}, b.FailedLog
			}
			p.FailedCodes[c] += n
		}
	}
	// The steady window: from the first block with transactions (its time starts the clock,
	// its transactions do not count) to the last block proposed before submission stopped
	// (the mempool still held transactions when it was made).
	first, last := -1, -1
	for k, b := range blocks {
		if first < 0 && b.Txs() > 0 {
			first = k
		}
		if first >= 0 && !b.Time.After(tStop) {
			last = k
		}
	}
	if first < 0 || last <= first {
		return p, fmt.Errorf("%s: no steady window (first %d, last %d, %d blocks)", name, first, last, len(blocks))
	}
	for _, b := range blocks[first+1 : last+1] {
		p.WindowTxs += b.OK
		p.MaxTxsPerBlock = max(p.MaxTxsPerBlock, b.Txs())
	}
	p.FirstHeight, p.LastHeight = blocks[first].Height, blocks[last].Height
	p.WindowBlocks = last - first
	p.WindowSeconds = blocks[last].Time.Sub(blocks[first].Time).Seconds()
	p.TPS = float64(p.WindowTxs) / p.WindowSeconds
	logf("%s: %.1f committed tx/s (%d txs in %d blocks over %.2fs, heights %d..%d, fullest block %d, mean backlog %.0f, %d failed %v, load %s)",
		name, p.TPS, p.WindowTxs, p.WindowBlocks, p.WindowSeconds, p.FirstHeight+1, p.LastHeight, p.MaxTxsPerBlock, p.MeanBacklog, p.Failed, p.FailedCodes, benchenv.LoadAvg())
	if p.FailedLog != "" {
		logf("%s: a failure's log: %s", name, p.FailedLog)
	}
	return p, nil
}

// submit broadcasts pool in order until ctx ends or the pool is done, pausing while the
// mempool holds more than cfg.backlog transactions (benchnet.BroadcastPaced).
func (t *lt) submit(ctx context.Context, pool []txclient.SignedTx, mempool *benchnet.Mempool, submitted *atomic.Int64) error {
	for k := range pool {
		if err := t.net.BroadcastPaced(ctx, pool[k], mempool, t.cfg.backlog); err != nil {
			if ctx.Err() != nil {
				return nil //nolint:nilerr // the phase's time is up: the cut-off broadcast's error is expected
			}
			return fmt.Errorf("tx %d: %w", k, err)
		}
		submitted.Add(1)
	}
	return nil
}

// list is the revocation list the revocations update, with what signing its updates needs.
type list struct {
	id     uint64
	value  byte
	signer string
	sign   func(msg sdk.Msg, payload proto.Message) ([]didtypes.DidSignature, error)
	// accNum and seq are the agency's account number and next sequence, read once before
	// any load (the revocations are signed locally: no account query while node 0 is loaded).
	accNum, seq uint64
}

// revocationList creates an issuer DID and a revocation list of cfg.listSize entries.
func (t *lt) revocationList(ctx context.Context) (*list, error) {
	cd, owner, priv, err := t.ch.NewDID(t.network, t.agency)
	if err != nil {
		return nil, err
	}
	if _, err := t.ch.Deliver(ctx, t.agency, cd); err != nil {
		return nil, err
	}
	method := owner + "#key-1"
	l := &list{signer: t.agency.Address.String(), sign: func(msg sdk.Msg, payload proto.Message) ([]didtypes.DidSignature, error) {
		return didsign.Sign(t.ch.Client.ChainID, msg, payload, method, priv)
	}}
	create := &statustypes.MsgCreateStatusList{Signer: l.signer, Payload: &statustypes.CreateStatusListPayload{
		Owner: owner, Purpose: statustypes.StatusPurpose_STATUS_PURPOSE_REVOCATION, Size_: t.cfg.listSize}}
	if create.Signatures, err = l.sign(create, create.Payload); err != nil {
		return nil, err
	}
	if _, err := t.ch.Deliver(ctx, t.agency, create); err != nil {
		return nil, err
	}
	lists, err := statustypes.NewQueryClient(t.ch.Conn).ListsByOwner(ctx, &statustypes.QueryListsByOwnerRequest{Owner: owner})
	if err != nil {
		return nil, err
	}
	if len(lists.Lists) != 1 {
		return nil, fmt.Errorf("owner has %d lists", len(lists.Lists))
	}
	l.id = lists.Lists[0].Id
	if l.value, err = statustypes.StatusPurpose_STATUS_PURPOSE_REVOCATION.ValueFor(statustypes.OpRevoke); err != nil {
		return nil, err
	}
	if l.accNum, l.seq, err = t.ch.Client.Account(ctx, t.ch.RPC, t.agency.Address); err != nil {
		return nil, err
	}
	logf("revocation list %d: %d entries", l.id, t.cfg.listSize)
	return l, nil
}

// revocationSample is one timed revocation.
type revocationSample struct {
	height              int64
	visibleMS, submitMS float64
}

// revoke times cfg.revocations single revocations on l: block commit time to readable through
// the Entry query, and submission to readable. With load non-nil, no new revocation starts
// once load is done (the samples run during the load).
func (t *lt) revoke(ctx, load context.Context, l *list) ([]revocationSample, error) {
	var out []revocationSample
	poll := 2 * time.Millisecond
	if load != nil {
		poll = 10 * time.Millisecond // lighter on node 0 while it takes the load
	}
	// With load, no new revocation starts once the load is over.
	for k := 1; k <= t.cfg.revocations && (load == nil || load.Err() == nil); k++ {
		// Indices spread over the list (the last page of a 16M list too).
		idx := uint32(uint64(k) * uint64(t.cfg.listSize-1) / uint64(t.cfg.revocations))
		upd := &statustypes.MsgUpdateStatusList{Signer: l.signer, Payload: &statustypes.UpdateStatusListPayload{
			ListId: l.id, Sequence: uint64(k), Indices: []uint32{idx}, Values: []byte{l.value}}}
		var err error
		if upd.Signatures, err = l.sign(upd, upd.Payload); err != nil {
			return nil, err
		}
		gas := t.ch.Gas
		if gas == 0 {
			gas = txclient.DefaultGas
		}
		tx, err := t.ch.Client.SignGas(t.agency, l.accNum, l.seq, gas, "", upd)
		if err != nil {
			return nil, err
		}
		// Start just after a block so that the wait for inclusion is about one block.
		if err := retry(ctx, "advance", func() error { return t.ch.Advance(ctx, 1) }); err != nil {
			return nil, err
		}
		tSubmit := time.Now()
		if err := retry(ctx, "broadcast", func() error {
			err := t.ch.Broadcast(ctx, tx)
			if err != nil && strings.Contains(err.Error(), "already exists") {
				return nil // an earlier attempt arrived
			}
			return err
		}); err != nil {
			return nil, fmt.Errorf("revocation %d: %w", k, err)
		}
		l.seq++
		qreq, err := (&statustypes.QueryEntryRequest{ListId: l.id, Index: idx}).Marshal()
		if err != nil {
			return nil, err
		}
		var tVisible time.Time
		deadline := time.Now().Add(60 * time.Second)
		for time.Now().Before(deadline) && ctx.Err() == nil {
			val, err := t.ch.RPC.ABCIQuery(ctx, "/amanah.status.v1.Query/Entry", qreq, 0)
			if err == nil {
				var e statustypes.QueryEntryResponse
				if e.Unmarshal(val) == nil && e.Status == uint32(l.value) {
					tVisible = time.Now()
					break
				}
			}
			time.Sleep(poll)
		}
		if tVisible.IsZero() {
			return nil, fmt.Errorf("revocation %d not readable within 60s", k)
		}
		var r localnet.TxResult
		if err := retry(ctx, "wait tx", func() (err error) { r, err = txclient.WaitTx(ctx, t.ch.RPC, tx.Hash); return err }); err != nil {
			return nil, err
		}
		var tCommit time.Time
		if err := retry(ctx, "commit time", func() (err error) { tCommit, err = t.ch.CommitTime(ctx, r.Height); return err }); err != nil {
			return nil, err
		}
		s := revocationSample{height: r.Height, visibleMS: float64(tVisible.Sub(tCommit).Microseconds()) / 1000,
			submitMS: float64(tVisible.Sub(tSubmit).Microseconds()) / 1000}
		out = append(out, s)
		logf("revocation %d (index %d): block %d, readable %.1f ms after its commit (precommit time), %.1f ms after submission",
			k, idx, r.Height, s.visibleMS, s.submitMS)
	}
	return out, nil
}

// retry runs f up to 5 times, 500 ms apart, while it fails and ctx lasts: node 0's RPC times
// out now and then while it takes the load (3 s bound per call).
func retry(ctx context.Context, what string, f func() error) error {
	var err error
	for attempt := 1; attempt <= 5; attempt++ {
		if err = f(); err == nil || ctx.Err() != nil {
			return err
		}
		logf("%s: %v (attempt %d of 5)", what, err, attempt)
		benchenv.Pause(ctx, 500*time.Millisecond)
	}
	return err
}
