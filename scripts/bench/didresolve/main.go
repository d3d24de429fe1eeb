// Command didresolve measures x/did resolution through a node's gRPC with many DIDs stored: on
// a one-node local network (scripts/bench/benchnet: a real amanahd process, free loopback ports, a
// temporary directory, 1 s blocks) it
//
//  1. fills the ledger with -dids DIDs (default 100,000): each a MsgCreateDid of the default
//     document of a fresh Ed25519 key, signed by that key (x/did/types.Sign), -batch of them per
//     transaction, sent by -senders writer accounts over CometBFT RPC broadcast_tx_sync, and
//     checks from block_results that every transaction was committed with code 0;
//  2. times, over one gRPC connection dialled with the SDK codec (as cmd/amanah-demo does),
//     -n sequential x/did Query/Resolve calls for DIDs drawn at random from those stored, then
//     -cn calls from -c concurrent callers; beside them, in the same run and with the same
//     protocol, the bank Query/Balance of a funded account (a gRPC query that reads one store
//     key: the baseline). Every Resolve answer must carry a document and no resolution error;
//  3. reports application.db growth over the fill divided by the DIDs stored
//     (state_bytes_per_did at that size).
//
// With -early K (default 1,000) the same sequential measurement is also made once the first K
// DIDs are stored, before the rest of the fill, to show how latency changes with the store's
// size.
//
// The result is one JSON object on stdout, report.DIDResolve (scripts/bench/report); progress
// goes to stderr. The node is stopped and its
// directory removed before the command returns (unless -keep).
//
//	go run ./scripts/bench/didresolve -dids 100000 > resolve.json
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/amanah-id/amanah/localnet"
	"github.com/amanah-id/amanah/localnet/txclient"
	"github.com/amanah-id/amanah/scripts/bench/benchenv"
	"github.com/amanah-id/amanah/scripts/bench/benchnet"
	"github.com/amanah-id/amanah/scripts/bench/report"
	didtypes "github.com/amanah-id/amanah/x/did/types"
)

type config struct {
	dids, early, batch, senders, backlog int
	n, cn, c                             int
	gasFactor                            float64
	seed                                 uint64
	keep                                 bool
}

func main() {
	var cfg config
	flag.IntVar(&cfg.dids, "dids", 100_000, "DIDs to store before the measurement")
	flag.IntVar(&cfg.early, "early", 1000, "also measure (sequential) once this many DIDs are stored; 0: no")
	flag.IntVar(&cfg.batch, "batch", 10, "MsgCreateDid per transaction")
	flag.IntVar(&cfg.senders, "senders", 4, "writer accounts sending in parallel")
	flag.IntVar(&cfg.backlog, "backlog", 300, "mempool size (transactions) above which senders pause")
	flag.IntVar(&cfg.n, "n", 5000, "sequential queries per series")
	flag.IntVar(&cfg.cn, "cn", 20000, "queries per concurrent series")
	flag.IntVar(&cfg.c, "c", 8, "concurrent callers")
	flag.Float64Var(&cfg.gasFactor, "gas-factor", 1.2, "gas limit per fill transaction over the gas one used")
	flag.Uint64Var(&cfg.seed, "seed", 1, "seed of the random DID choice")
	flag.BoolVar(&cfg.keep, "keep", false, "keep the network directory")
	budget := flag.Duration("timeout", 20*time.Minute, "bound on the whole run")
	flag.Parse()
	if cfg.batch < 1 || cfg.senders < 1 || cfg.dids < cfg.batch || cfg.n < 1 || cfg.c < 1 || cfg.cn < cfg.c || cfg.early >= cfg.dids {
		benchenv.BadFlags("didresolve", "want -batch, -senders, -n, -c >= 1, -dids >= -batch, -cn >= -c, -early < -dids")
	}
	benchenv.Main("didresolve", *budget, func(ctx context.Context) (report.DIDResolve, error) { return run(ctx, cfg) })
}

var logf = benchenv.Logger("didresolve")

// bench is one run: the network, the clients, the writers and the DIDs stored so far.
type bench struct {
	cfg     config
	net     *benchnet.Net
	ch      *txclient.Chain
	senders []benchnet.Writer
	seqs    []uint64
	network string
	dids    []string // stored (committed) DIDs
	gasUsed uint64
}

func run(ctx context.Context, cfg config) (res report.DIDResolve, err error) {
	res = report.DIDResolve{Started: time.Now().UTC(), Nodes: 1, BlockTime: "1s", LoadAvg: benchenv.LoadAvg(),
		Transport: "gRPC over TCP loopback to the node's gRPC server (app.toml grpc.address), one connection, SDK proto codec"}
	net, err := benchnet.Start(ctx, benchnet.Options{Name: "didresolve", Keep: cfg.keep, Logf: logf})
	if err != nil {
		return res, err
	}
	defer func() { net.Close(err) }()
	home := net.Home
	res.DBBackend = net.DBBackend
	b := &bench{cfg: cfg, net: net, ch: net.Chain}
	if err := b.setup(ctx); err != nil {
		return res, fmt.Errorf("setup: %w", err)
	}
	if err := b.ch.Advance(ctx, 1); err != nil {
		return res, err
	}
	appBefore, blkBefore := benchenv.DirSize(filepath.Join(home, "data", "application.db")), benchenv.DirSize(filepath.Join(home, "data", "blockstore.db"))
	res.AppDBBefore = appBefore

	// One batch with a generous limit gives the gas a batch uses; its DIDs count as stored.
	if err := b.measureGas(ctx); err != nil {
		return res, fmt.Errorf("gas: %w", err)
	}
	if cfg.early > 0 {
		f, err := b.fill(ctx, cfg.early-len(b.dids))
		if err != nil {
			return res, err
		}
		res.Fills = append(res.Fills, f)
		st, err := b.measure(ctx, false)
		if err != nil {
			return res, err
		}
		res.Early = &st
		res.EarlyDIDs, res.EarlyResolveP50, res.EarlyResolveP99 = st.DIDs, st.ResolveSeq.P50, st.ResolveSeq.P99
	}
	f, err := b.fill(ctx, cfg.dids-len(b.dids))
	if err != nil {
		return res, err
	}
	res.Fills = append(res.Fills, f)
	// Two more blocks so that the last DIDs' state is flushed by Commit.
	if err := b.ch.Advance(ctx, 2); err != nil {
		return res, err
	}
	appAfter, blkAfter := benchenv.DirSize(filepath.Join(home, "data", "application.db")), benchenv.DirSize(filepath.Join(home, "data", "blockstore.db"))
	res.AppDBAfter = appAfter
	res.DIDsStored = len(b.dids)
	res.StateBytesPerDID = float64(appAfter-appBefore) / float64(len(b.dids))
	res.BlockBytesPerDID = float64(blkAfter-blkBefore) / float64(len(b.dids))
	res.StateBytesMethod = fmt.Sprintf("growth of the node's data/application.db (%s) from before the first DID to two blocks after the last, "+
		"divided by the DIDs stored (%d): IAVL nodes of every version (pruning default), the writers' sequence updates and the empty "+
		"blocks' versions included; files not yet compacted counted as they lie", res.DBBackend, len(b.dids))

	full, err := b.measure(ctx, true)
	if err != nil {
		return res, err
	}
	res.Full = full
	res.ResolveP50, res.ResolveP99, res.ResolveRPSConc = full.ResolveSeq.P50, full.ResolveSeq.P99, full.ResolveConc.PerSecond
	res.BalanceP50, res.BalanceP99, res.BalanceRPSConc = full.BalanceSeq.P50, full.BalanceSeq.P99, full.BalanceConc.PerSecond
	res.ConcCallers = cfg.c
	res.Method = fmt.Sprintf("x/did Query/Resolve (latest version) over gRPC for DIDs drawn uniformly at random (seed %d) from the %d stored, "+
		"%d sequential calls, then %d calls from %d concurrent callers on the same connection; each Resolve answer checked "+
		"(document present, no resolution error). Baseline in the same run, same protocol: bank Query/Balance of a funded account, "+
		"alternating with Resolve in rounds (sequential: rounds of 50 calls; concurrent: 8 rounds of each) so that background load falls on both alike; "+
		"calls/s is calls over the summed time of that query's rounds. "+
		"Warm-up of 300 calls of each before timing. The node makes an empty block every second during the measurement; "+
		"client and node share the machine's cores", cfg.seed, len(b.dids), cfg.n, cfg.cn, cfg.c)
	res.LoadAvgEnd = benchenv.LoadAvg()
	return res, nil
}

// setup funds the sender accounts and authorises them as writers, in one agency transaction.
func (b *bench) setup(ctx context.Context) error {
	var err error
	if _, b.senders, err = b.net.Writers(ctx, b.cfg.senders, "writer", "resolve benchmark writer"); err != nil {
		return err
	}
	for _, s := range b.senders {
		_, seq, err := b.ch.Client.Account(ctx, b.ch.RPC, s.Address)
		if err != nil {
			return err
		}
		b.seqs = append(b.seqs, seq)
	}
	if b.network, err = b.ch.DIDNetwork(ctx); err != nil {
		return err
	}
	logf("%d writer accounts funded and authorised; did network %q", len(b.senders), b.network)
	return nil
}

// batchTx returns sender i's next transaction: n MsgCreateDid, each of a fresh Ed25519 key's
// default document signed by that key, with the given gas limit; and the DIDs it creates.
func (b *bench) batchTx(i, n int, gas uint64) (txclient.SignedTx, []string, error) {
	msgs := make([]sdk.Msg, 0, n)
	ids := make([]string, 0, n)
	for range n {
		m, id, _, err := b.ch.NewDID(b.network, b.senders[i].Signer)
		if err != nil {
			return txclient.SignedTx{}, nil, err
		}
		msgs = append(msgs, m)
		ids = append(ids, id)
	}
	tx, err := b.ch.Client.SignGas(b.senders[i].Signer, b.senders[i].AccNum, b.seqs[i], gas, "", msgs...)
	if err != nil {
		return tx, nil, err
	}
	b.seqs[i]++
	return tx, ids, nil
}

// measureGas commits one full batch from sender 0 with a 20M gas limit and keeps the gas it used.
func (b *bench) measureGas(ctx context.Context) error {
	tx, ids, err := b.batchTx(0, b.cfg.batch, 20_000_000)
	if err != nil {
		return err
	}
	if _, err := b.ch.Submit(ctx, tx); err != nil {
		return err
	}
	if b.gasUsed, err = b.ch.GasUsed(ctx, tx.Hash); err != nil {
		return err
	}
	b.dids = append(b.dids, ids...)
	logf("gas used by one transaction of %d MsgCreateDid: %d", b.cfg.batch, b.gasUsed)
	return nil
}

// fill creates count more DIDs (a multiple of the batch, rounded up), waits until every
// transaction is committed and checks from block_results that none failed.
func (b *bench) fill(ctx context.Context, count int) (report.ResolveFill, error) {
	nTx := (count + b.cfg.batch - 1) / b.cfg.batch
	f := report.ResolveFill{Txs: nTx, Batch: b.cfg.batch, Senders: len(b.senders), GasUsedPerTx: b.gasUsed,
		GasLimit: uint64(float64(b.gasUsed)*b.cfg.gasFactor) + 5000}
	if nTx == 0 {
		return f, nil
	}
	h0, err := b.ch.Height(ctx)
	if err != nil {
		return f, err
	}
	start := time.Now()
	logf("fill: %d DIDs in %d transactions of %d from %d writers (gas limit %d each), %d stored so far",
		nTx*b.cfg.batch, nTx, b.cfg.batch, len(b.senders), f.GasLimit, len(b.dids))
	fctx, fcancel := context.WithCancel(ctx)
	defer fcancel()
	mempool := b.net.WatchMempool(fctx)
	var next, sent atomic.Int64
	progDone := make(chan struct{})
	go func() { // progress
		defer close(progDone)
		tick := time.NewTicker(15 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-fctx.Done():
				return
			case <-tick.C:
				h, _ := b.ch.Height(fctx)
				logf("fill: %d of %d transactions accepted after %s, height %d, mempool %d, load %s",
					sent.Load(), nTx, time.Since(start).Round(time.Second), h, mempool.Size(), benchenv.LoadAvg())
			}
		}
	}()
	made := make([][]string, len(b.senders))
	errs := make([]error, len(b.senders))
	var wg sync.WaitGroup
	for i := range b.senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for fctx.Err() == nil {
				if next.Add(1) > int64(nTx) {
					return
				}
				tx, ids, err := b.batchTx(i, b.cfg.batch, f.GasLimit)
				if err == nil {
					err = b.net.BroadcastPaced(fctx, tx, mempool, b.cfg.backlog)
				}
				if err != nil {
					errs[i] = err
					fcancel()
					return
				}
				made[i] = append(made[i], ids...)
				sent.Add(1)
			}
		}()
	}
	wg.Wait()
	stop := func() {
		fcancel()
		f.MeanBacklog = mempool.Stop()
		<-progDone
	}
	if err := errors.Join(errs...); err != nil {
		stop()
		return f, fmt.Errorf("fill: %w", err)
	}
	if ctx.Err() != nil {
		stop()
		return f, ctx.Err()
	}
	// Drain: every transaction is committed before the measurement.
	err = b.net.Drain(ctx, 5*time.Minute)
	stop()
	if err != nil {
		return f, fmt.Errorf("fill: %w", err)
	}
	if err := b.ch.Advance(ctx, 1); err != nil {
		return f, err
	}
	f.Seconds = time.Since(start).Seconds()
	hEnd, err := b.ch.Height(ctx)
	if err != nil {
		return f, err
	}
	committed, firstTxs := 0, 0
	var firstT, lastT time.Time
	for h := h0 + 1; h <= hEnd; h++ {
		bm, err := b.ch.Block(ctx, h)
		if err != nil {
			return f, err
		}
		if bm.Txs() == 0 {
			continue
		}
		if f.FirstHeight == 0 {
			f.FirstHeight, firstT, firstTxs = h, bm.Time, bm.Txs()
		}
		f.LastHeight, lastT = h, bm.Time
		committed += bm.Txs()
		f.FailedTxs += bm.Failed
		f.MaxDIDsBlock = max(f.MaxDIDsBlock, bm.Txs()*b.cfg.batch)
	}
	if committed != nTx || f.FailedTxs != 0 {
		return f, fmt.Errorf("fill: %d transactions sent, %d committed, %d failed", nTx, committed, f.FailedTxs)
	}
	for _, ids := range made {
		b.dids = append(b.dids, ids...)
	}
	f.DIDs = nTx * b.cfg.batch
	// The rate over the blocks holding the fill (the first block's DIDs start the clock).
	f.BlockSeconds = lastT.Sub(firstT).Seconds()
	if f.BlockSeconds > 0 {
		f.DIDsPerSecond = float64(f.DIDs-b.cfg.batch*firstTxs) / f.BlockSeconds
	}
	logf("fill: %d DIDs committed in %.0f s (heights %d..%d, %.0f DIDs/s over the blocks, fullest block %d DIDs, mean backlog %.0f txs); %d stored",
		f.DIDs, f.Seconds, f.FirstHeight, f.LastHeight, f.DIDsPerSecond, f.MaxDIDsBlock, f.MeanBacklog, len(b.dids))
	return f, nil
}

// measure times Resolve and the Balance baseline over gRPC at the current store size:
// sequential series, and with conc the concurrent series too.
func (b *bench) measure(ctx context.Context, conc bool) (report.ResolveStage, error) {
	st := report.ResolveStage{DIDs: len(b.dids)}
	var err error
	if st.Height, err = b.ch.Height(ctx); err != nil {
		return st, err
	}
	dq := didtypes.NewQueryClient(b.ch.Conn)
	bq := banktypes.NewQueryClient(b.ch.Conn)
	balReq := &banktypes.QueryBalanceRequest{Address: b.senders[0].Address.String(), Denom: localnet.TestDenom}
	dids := b.dids
	// call returns the answer's document size for Resolve, 0 for Balance.
	resolve := func(ctx context.Context, rng *rand.Rand) (int, error) {
		did := dids[rng.IntN(len(dids))]
		r, err := dq.Resolve(ctx, &didtypes.QueryResolveRequest{Did: did})
		if err != nil {
			return 0, err
		}
		if r.DidResolutionMetadata.Error != "" || len(r.DidDocument) == 0 {
			return 0, fmt.Errorf("resolve %s: %q %s", did, r.DidResolutionMetadata.Error, r.DidResolutionMetadata.ErrorMessage)
		}
		return len(r.DidDocument), nil
	}
	balance := func(ctx context.Context, _ *rand.Rand) (int, error) {
		r, err := bq.Balance(ctx, balReq)
		if err != nil {
			return 0, err
		}
		if r.Balance == nil || !r.Balance.Amount.IsPositive() {
			return 0, errors.New("balance: empty answer")
		}
		return 0, nil
	}
	// Warm-up (connection, caches on both sides), not timed.
	rng := rand.New(rand.NewPCG(b.cfg.seed, 99))
	for range 300 {
		if _, err := resolve(ctx, rng); err != nil {
			return st, fmt.Errorf("warm-up: %w", err)
		}
		if _, err := balance(ctx, rng); err != nil {
			return st, fmt.Errorf("warm-up: %w", err)
		}
	}
	bal := query{"cosmos.bank.v1beta1.Query/Balance", balance}
	res := query{"amanah.did.v1.Query/Resolve", resolve}
	// Sequential: rounds of 50 calls, alternating Balance and Resolve.
	if st.BalanceSeq, st.ResolveSeq, err = pair(ctx, bal, res, 1, b.cfg.n, b.cfg.n/50, b.cfg.seed); err != nil {
		return st, err
	}
	if conc {
		// Concurrent: 8 rounds of each, alternating.
		bc, rc, err := pair(ctx, bal, res, b.cfg.c, b.cfg.cn, 8, b.cfg.seed+1)
		if err != nil {
			return st, err
		}
		st.BalanceConc, st.ResolveConc = &bc, &rc
	}
	if st.BalanceSeq.P50 > 0 {
		st.ResolveOverBl = benchenv.Round(st.ResolveSeq.P50/st.BalanceSeq.P50, 2)
	}
	st.LoadAvg = benchenv.LoadAvg()
	logf("%d DIDs stored: Resolve p50 %.0f µs p99 %.0f µs (Balance p50 %.0f µs p99 %.0f µs), sequential %d",
		st.DIDs, st.ResolveSeq.P50, st.ResolveSeq.P99, st.BalanceSeq.P50, st.BalanceSeq.P99, b.cfg.n)
	if conc {
		logf("%d DIDs stored, %d callers: Resolve %.0f/s p50 %.0f µs p99 %.0f µs; Balance %.0f/s p50 %.0f µs p99 %.0f µs",
			st.DIDs, b.cfg.c, st.ResolveConc.PerSecond, st.ResolveConc.P50, st.ResolveConc.P99,
			st.BalanceConc.PerSecond, st.BalanceConc.P50, st.BalanceConc.P99)
	}
	return st, nil
}

// query is one kind of timed call: it returns the answer's document size (Resolve) or 0.
type query struct {
	name string
	call func(context.Context, *rand.Rand) (int, error)
}

// tally accumulates one query's timed calls over the rounds of a series.
type tally struct {
	lat      []time.Duration
	elapsed  time.Duration
	errs     int64
	docBytes int64
	firstErr string
}

// round makes calls calls of q from callers goroutines and adds them to t.
func (t *tally) round(ctx context.Context, q query, callers, calls int, seed, stream uint64) {
	lat := make([]time.Duration, calls)
	var next, errs, docBytes atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for g := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, stream*1000+uint64(g)))
			for ctx.Err() == nil {
				k := next.Add(1) - 1
				if k >= int64(calls) {
					return
				}
				cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				t0 := time.Now()
				n, err := q.call(cctx, rng)
				lat[k] = time.Since(t0)
				cancel()
				if err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
				}
				docBytes.Add(int64(n))
			}
		}()
	}
	wg.Wait()
	t.elapsed += time.Since(start)
	t.lat = append(t.lat, lat...)
	t.errs += errs.Load()
	t.docBytes += docBytes.Load()
	if e, ok := firstErr.Load().(string); ok && t.firstErr == "" {
		t.firstErr = e
	}
}

// pair times queries a and b, calls calls of each from callers goroutines, alternating between
// them in rounds (a, b, a, b, ...) so that a change of the machine's background load during
// the series falls on both alike. Calls/s is calls over the summed time of the query's rounds.
// An error answer counts in Errors; more than 1% of the calls failing fails the series.
func pair(ctx context.Context, a, b query, callers, calls, rounds int, seed uint64) (la, lb report.ResolveLatency, err error) {
	rounds = max(min(rounds, calls/callers), 1)
	ts := []*tally{{}, {}}
	qs := []query{a, b}
	for r := range rounds {
		n := calls/rounds + btoi(r < calls%rounds)
		for k := range qs {
			if ctx.Err() != nil {
				return la, lb, ctx.Err()
			}
			ts[k].round(ctx, qs[k], callers, n, seed, uint64(2*r+k))
		}
	}
	out := make([]report.ResolveLatency, 2)
	for k, t := range ts {
		l := report.ResolveLatency{Query: qs[k].name, Callers: callers, Calls: len(t.lat), Errors: t.errs, Rounds: rounds}
		l.Seconds = benchenv.Round(t.elapsed.Seconds(), 3)
		l.PerSecond = benchenv.Round(float64(len(t.lat))/t.elapsed.Seconds(), 1)
		sort.Slice(t.lat, func(i, j int) bool { return t.lat[i] < t.lat[j] })
		q := func(p float64) float64 {
			i := min(int(p*float64(len(t.lat))), len(t.lat)-1)
			return benchenv.Round(float64(t.lat[i].Nanoseconds())/1000, 1)
		}
		l.P50, l.P90, l.P99, l.P999 = q(0.50), q(0.90), q(0.99), q(0.999)
		l.Max = benchenv.Round(float64(t.lat[len(t.lat)-1].Nanoseconds())/1000, 1)
		if t.docBytes > 0 {
			l.RespBytes = benchenv.Round(float64(t.docBytes)/float64(len(t.lat)-int(t.errs)), 1)
		}
		if t.errs*100 > int64(len(t.lat)) {
			return la, lb, fmt.Errorf("%s: %d of %d calls failed, first: %s", l.Query, t.errs, len(t.lat), t.firstErr)
		}
		out[k] = l
	}
	return out[0], out[1], nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
