// Command verifierproved measures the verifier service over its proof-checked ledger view
// (verifier/ledger/node: every ledger fact read with a Merkle proof checked against headers the
// light client verified from a trust root) on a real one-node chain: a localnet
// amanahd validator (scripts/bench/benchnet: free loopback ports, a temporary directory, 1 s blocks) on which the
// trust world is built by real transactions, as cmd/amanah-demo builds it (world.go). It
// reports
//
//  1. throughput and latency of the scripts/bench/verifierload EdDSA load (-c callers, default 16;
//     presentations made before the clock starts, distinct challenge each, given_name and
//     age_over_18 disclosed) against that verifier with a warm cache, and against the
//     in-memory verifier of scripts/bench/verifierload (verifiertest) in the same process, in
//     alternating rounds so that background load falls on both alike; the ratio of the two;
//  2. cold latency: a fresh verifier per sample (new light client from the trust root, synced
//     to the head, empty ledger cache, new service), the first verification timed: every fact
//     it uses fetched from the node and proved; then warm verifications on that same view;
//  3. revocation visibility through the verifier: after a MsgUpdateStatusList revoking a
//     credential's index, the time from the commit of its block (seen by polling the node's
//     tx result every 2 ms) to the verifier refusing the credential with "revoked" (asked
//     every -poll), and the ledger height of that refusal minus the revoking block's height;
//     beside the chain's block interval measured from header times in the same run.
//
// Both verifiers run in this process and are called over gRPC on TCP loopback, the layout of
// scripts/bench/verifierload; the node is a separate process on the same cores. The result is one
// JSON object on stdout, report.VerifierProved (scripts/bench/report); progress goes to stderr.
// The node is stopped and its directory removed before the command returns (unless -keep).
//
//	go run ./scripts/bench/verifierproved > verifier-proved.json
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime"
	"sort"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/localnet"
	"github.com/amanah-id/amanah/scripts/bench/benchenv"
	"github.com/amanah-id/amanah/scripts/bench/benchnet"
	"github.com/amanah-id/amanah/scripts/bench/report"
	"github.com/amanah-id/amanah/scripts/bench/verifierload/loadgen"
	"github.com/amanah-id/amanah/verifier/assemble"
	"github.com/amanah-id/amanah/verifier/auth"
	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/ledger/node"
	"github.com/amanah-id/amanah/verifier/ledger/proved"
	"github.com/amanah-id/amanah/verifier/reason"
	"github.com/amanah-id/amanah/verifier/verifierpb"
	"github.com/amanah-id/amanah/verifier/verifiertest"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

type config struct {
	n, c, rounds, warmup int
	cold, warm           int
	revocations          int
	poll                 time.Duration
	keep                 bool
}

func main() {
	var cfg config
	flag.IntVar(&cfg.n, "n", 20000, "timed requests of each verifier (proved, in-memory) in the throughput series")
	flag.IntVar(&cfg.c, "c", 16, "concurrent callers in the throughput series")
	flag.IntVar(&cfg.rounds, "rounds", 10, "alternating rounds of each verifier in the throughput series")
	flag.IntVar(&cfg.warmup, "warmup", 300, "untimed verifications of each verifier before the series")
	flag.IntVar(&cfg.cold, "cold", 25, "cold samples (a fresh proved view each)")
	flag.IntVar(&cfg.warm, "warm", 8, "warm verifications timed on each cold sample's view after the cold one")
	flag.IntVar(&cfg.revocations, "revocations", 7, "revocations timed through the verifier")
	flag.DurationVar(&cfg.poll, "poll", 5*time.Millisecond, "interval of the verifier polls after a revocation")
	flag.BoolVar(&cfg.keep, "keep", false, "keep the network directory")
	budget := flag.Duration("timeout", 15*time.Minute, "bound on the whole run")
	flag.Parse()
	if cfg.n < cfg.rounds || cfg.c < 1 || cfg.rounds < 1 || cfg.cold < 1 || cfg.warm < 1 || cfg.revocations < 1 || cfg.poll <= 0 {
		benchenv.BadFlags("verifierproved", "want -n >= -rounds, and -c, -rounds, -cold, -warm, -revocations, -poll positive")
	}
	benchenv.Main("verifierproved", *budget, func(ctx context.Context) (report.VerifierProved, error) { return run(ctx, cfg) })
}

var logf = benchenv.Logger("verifierproved")

// quiet is the verifiers' logger: the bench's stderr is its progress.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func run(ctx context.Context, cfg config) (res report.VerifierProved, err error) {
	res = report.VerifierProved{Started: time.Now().UTC(), Nodes: 1, BlockTime: "1s", GoMaxProcs: runtime.GOMAXPROCS(0), NumCPU: runtime.NumCPU(),
		LoadAvg:   benchenv.LoadAvg(),
		Transport: "gRPC over TCP loopback to verifiers served in this process (as scripts/bench/verifierload); the node is a separate amanahd process on the same cores",
		View: "verifier/ledger/node.Open over the node's CometBFT RPC (plaintext loopback, no witness), trust root = block 1 " +
			"(proved.FetchLightBlock), ledger.Config defaults as amanah-verifier: freshness 15 s, view poll 200 ms"}
	lnet, err := benchnet.Start(ctx, benchnet.Options{Name: "verifierproved", Keep: cfg.keep, VotingPeriod: 3 * time.Second, Logf: logf})
	if err != nil {
		return res, err
	}
	defer func() { lnet.Close(err) }()
	res.DBBackend = lnet.DBBackend
	rpcURL := lnet.Node(0).RPCURL()
	w, err := newWorld(ctx, lnet)
	if err != nil {
		return res, err
	}
	if err := w.build(ctx); err != nil {
		return res, fmt.Errorf("trust world: %w", err)
	}

	// The credentials: 64 holders for the load (as scripts/bench/verifierload), one per revocation.
	holders := make([]*verifiertest.Holder, 64)
	for i := range holders {
		if holders[i], err = w.issue(uint64(i)); err != nil {
			return res, err
		}
	}
	revoked := make([]*verifiertest.Holder, cfg.revocations)
	for i := range revoked {
		if revoked[i], err = w.issue(uint64(1000 + i)); err != nil {
			return res, err
		}
	}

	lb, err := proved.FetchLightBlock(ctx, rpcURL, 1, nil, true)
	if err != nil {
		return res, fmt.Errorf("trust root: %w", err)
	}
	root := proved.TrustRoot{ChainID: w.chainID, Height: lb.Height, Hash: lb.Hash(), Period: 14 * 24 * time.Hour}
	open := func(ctx context.Context) (*verifier, time.Duration, error) {
		return openProved(ctx, root, rpcURL, w.built, w.bank, w.bankKey)
	}
	pv, _, err := open(ctx)
	if err != nil {
		return res, err
	}
	defer pv.close()
	mv, mholders, err := openMemory(ctx)
	if err != nil {
		return res, err
	}
	defer mv.close()
	logf("verifiers serving: proved on %s (trust root %d %X), in-memory on %s", pv.addr, root.Height, root.Hash[:6], mv.addr)

	hA, err := w.chain.Height(ctx)
	if err != nil {
		return res, err
	}
	if res.Load, err = throughput(ctx, cfg, pv, holders, mv, mholders); err != nil {
		return res, fmt.Errorf("throughput: %w", err)
	}
	if res.Cold, err = cold(ctx, cfg, open, holders); err != nil {
		return res, fmt.Errorf("cold: %w", err)
	}
	if res.Revocation, err = revocation(ctx, cfg, w, pv, revoked); err != nil {
		return res, fmt.Errorf("revocation: %w", err)
	}
	hB, err := w.chain.Height(ctx)
	if err != nil {
		return res, err
	}
	tA, errA := w.chain.BlockTime(ctx, hA)
	tB, errB := w.chain.BlockTime(ctx, hB)
	if err := errors.Join(errA, errB); err != nil {
		return res, err
	}
	res.Revocation.BlockIntervalMs = benchenv.Round(float64(tB.Sub(tA).Microseconds())/1000/float64(hB-hA), 1)
	res.Revocation.IntervalBlocks = hB - hA
	logf("block interval %.1f ms (header times of blocks %d..%d)", res.Revocation.BlockIntervalMs, hA, hB)
	res.ProvedTotal = pv.view.Source.Proved()
	res.LoadAvgEnd = benchenv.LoadAvg()
	return res, nil
}

// verifier is a verifier service served in this process, and a client of it.
type verifier struct {
	addr string
	cli  verifierpb.VerifierClient
	conn *grpc.ClientConn
	rctx context.Context // carries the relying party's API key
	view *node.View      // the proved view (nil: in memory)
	stop func()
}

func (v *verifier) close() {
	_ = v.conn.Close()
	v.stop()
}

// dial connects to addr as the relying party with API key key.
func dial(ctx context.Context, addr, key string) (*grpc.ClientConn, verifierpb.VerifierClient, context.Context, error) {
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, nil, nil, err
	}
	return conn, verifierpb.NewVerifierClient(conn), metadata.AppendToOutgoingContext(ctx, auth.APIKeyHeader, key), nil
}

// openProved opens a proof-checked view over the node, waits until it is fresh and its state
// includes block minHeight (the trust world), and serves a verifier over it as verifiertest.Serve serves the in-memory one (same service and server
// configuration; the view and its evidence collector differ). It returns the time the view
// took to become fresh.
func openProved(ctx context.Context, root proved.TrustRoot, rpcURL string, minHeight int64, bank, key string) (*verifier, time.Duration, error) {
	start := time.Now()
	view, err := node.Open(node.Options{Root: root, Nodes: []proved.Endpoint{{Name: "node0", URL: rpcURL}}, AllowPlaintext: true,
		Cache: ledger.Config{Freshness: ledger.DefaultFreshness}, Logger: quiet})
	if err != nil {
		return nil, 0, err
	}
	vctx, cancel := context.WithCancel(ctx)
	go view.Run(vctx)
	for view.Cache.Fresh() != nil || view.Cache.Sync().Height < minHeight {
		if time.Since(start) > 60*time.Second || vctx.Err() != nil {
			cancel()
			return nil, 0, fmt.Errorf("proved view not fresh within 60s: %v", view.Cache.Fresh())
		}
		time.Sleep(2 * time.Millisecond)
	}
	synced := time.Since(start)
	v, err := assemble.New(assemble.Config{Clients: []auth.Client{{DID: bank, APIKeys: []string{key}}}, Logger: quiet},
		func(ledger.Observer) (assemble.Ledger, error) {
			return assemble.Ledger{Cache: view.Cache, Evidence: view.Evidence}, nil
		})
	if err != nil {
		cancel()
		return nil, 0, err
	}
	srv := v.Server
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		return nil, 0, err
	}
	go func() { _ = srv.Serve(lis) }()
	conn, cli, rctx, err := dial(ctx, lis.Addr().String(), key)
	if err != nil {
		srv.GRPC.Stop()
		cancel()
		return nil, 0, err
	}
	return &verifier{addr: lis.Addr().String(), cli: cli, conn: conn, rctx: rctx, view: view,
		stop: func() { srv.GRPC.Stop(); cancel() }}, synced, nil
}

// openMemory serves scripts/bench/verifierload's in-memory EdDSA world (verifiertest), with its 64 holders.
func openMemory(ctx context.Context) (*verifier, []*verifiertest.Holder, error) {
	env, err := verifiertest.New(keys.Ed25519)
	if err != nil {
		return nil, nil, err
	}
	vctx, cancel := context.WithCancel(ctx)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		return nil, nil, err
	}
	if _, err := env.Serve(vctx, lis, nil); err != nil {
		cancel()
		return nil, nil, err
	}
	go env.KeepFresh(vctx, time.Second)
	conn, cli, rctx, err := dial(ctx, lis.Addr().String(), verifiertest.RPKey)
	if err != nil {
		cancel()
		return nil, nil, err
	}
	holders := make([]*verifiertest.Holder, 64)
	for i := range holders {
		if holders[i], err = env.Issue(verifiertest.VCT, uint64(i), keys.Ed25519); err != nil {
			cancel()
			return nil, nil, err
		}
	}
	return &verifier{addr: lis.Addr().String(), cli: cli, conn: conn, rctx: rctx, stop: cancel}, holders, nil
}

var (
	provedReq = loadgen.Request{Audience: audience, VCTs: []string{trusttypes.NationalIDVCT}, Claims: claims}
	memReq    = loadgen.Request{Audience: verifiertest.Audience, VCTs: []string{verifiertest.VCT}, Claims: claims}
)

// verifyOnce presents holder's credential to v once and returns the verdict and its latency
// (the VerifyPresentation call alone).
func verifyOnce(v *verifier, h *verifiertest.Holder, r loadgen.Request) (*verifierpb.VerifyPresentationResponse, time.Duration, error) {
	jobs, err := loadgen.Prepare(v.rctx, v.cli, []*verifiertest.Holder{h}, 1, r)
	if err != nil {
		return nil, 0, err
	}
	t0 := time.Now()
	res, err := v.cli.VerifyPresentation(v.rctx, &verifierpb.VerifyPresentationRequest{Presentation: jobs[0].Presentation, Nonce: jobs[0].Nonce})
	return res, time.Since(t0), err
}

// throughput times cfg.n verifications of each verifier from cfg.c callers, in cfg.rounds
// alternating rounds (in-memory first in even rounds, proved first in odd ones).
func throughput(ctx context.Context, cfg config, pv *verifier, ph []*verifiertest.Holder, mv *verifier, mh []*verifiertest.Holder) (report.ProvedLoad, error) {
	l := report.ProvedLoad{Alg: "EdDSA", Callers: cfg.c, Rounds: cfg.rounds, RequestsPerRound: cfg.n / cfg.rounds}
	type side struct {
		name    string
		v       *verifier
		holders []*verifiertest.Holder
		req     loadgen.Request
		tally   *loadgen.Tally
	}
	sides := []*side{{"in-memory", mv, mh, memReq, loadgen.NewTally(cfg.c)}, {"proved", pv, ph, provedReq, loadgen.NewTally(cfg.c)}}
	for _, s := range sides { // warm-up: connections, caches
		jobs, err := loadgen.Prepare(s.v.rctx, s.v.cli, s.holders, cfg.warmup, s.req)
		if err != nil {
			return l, err
		}
		for i := range jobs {
			r, err := s.v.cli.VerifyPresentation(s.v.rctx, &verifierpb.VerifyPresentationRequest{Presentation: jobs[i].Presentation, Nonce: jobs[i].Nonce})
			if err != nil {
				return l, fmt.Errorf("%s warm-up: %w", s.name, err)
			}
			if !r.Verified {
				return l, fmt.Errorf("%s warm-up: refused: %s", s.name, r.Reason)
			}
		}
	}
	logf("throughput: %d callers, %d rounds of %d verifications each, alternating in-memory and proved", cfg.c, cfg.rounds, l.RequestsPerRound)
	var proofs int64
	for r := range cfg.rounds {
		order := []*side{sides[0], sides[1]}
		if r%2 == 1 {
			order = []*side{sides[1], sides[0]}
		}
		rps := map[string]float64{}
		for _, s := range order {
			if ctx.Err() != nil {
				return l, ctx.Err()
			}
			jobs, err := loadgen.Prepare(s.v.rctx, s.v.cli, s.holders, l.RequestsPerRound, s.req)
			if err != nil {
				return l, err
			}
			before := pv.view.Source.Proved()
			el := s.tally.Round(len(jobs), loadgen.Verify(s.v.rctx, s.v.cli, jobs, &s.tally.Refused))
			if s.v == pv {
				proofs += pv.view.Source.Proved() - before
			}
			rps[s.name] = float64(len(jobs)) / el.Seconds()
		}
		l.RoundRatios = append(l.RoundRatios, benchenv.Round(rps["proved"]/rps["in-memory"], 3))
		logf("round %d: in-memory %.0f/s, proved %.0f/s (%.3f)", r+1, rps["in-memory"], rps["proved"], rps["proved"]/rps["in-memory"])
	}
	l.Memory, l.Proved = sides[0].tally.Level(), sides[1].tally.Level()
	l.FactsProved = proofs
	if l.Memory.PerSecond > 0 {
		l.Ratio = benchenv.Round(l.Proved.PerSecond/l.Memory.PerSecond, 4)
	}
	l.Method = fmt.Sprintf("scripts/bench/verifierload's %s load (scripts/bench/verifierload/loadgen) from %d callers, %d alternating rounds of %d requests "+
		"on each verifier (in-memory first in even rounds, proved first in odd ones); requests/s = requests over the summed time of "+
		"that verifier's rounds; both verifiers warmed with %d verifications first", l.Alg, cfg.c, cfg.rounds, l.RequestsPerRound, cfg.warmup)
	logf("throughput: proved %.0f/s (p99 %.2f ms), in-memory %.0f/s (p99 %.2f ms): ratio %.3f",
		l.Proved.PerSecond, l.Proved.P99Micros/1000, l.Memory.PerSecond, l.Memory.P99Micros/1000, l.Ratio)
	return l, nil
}

// cold times, on cfg.cold fresh proved verifiers, the first verification (every fact fetched
// and proved) and then cfg.warm verifications on the same view.
func cold(ctx context.Context, cfg config, open func(context.Context) (*verifier, time.Duration, error), holders []*verifiertest.Holder) (report.ProvedCold, error) {
	c := report.ProvedCold{Samples: cfg.cold, WarmPerSample: cfg.warm}
	var coldMs, warmMs, facts, syncMs []float64
	for k := range cfg.cold {
		if ctx.Err() != nil {
			return c, ctx.Err()
		}
		v, synced, err := open(ctx)
		if err != nil {
			return c, err
		}
		h := holders[k%len(holders)]
		// The challenge request opens the connection; only VerifyPresentation is timed.
		jobs, err := loadgen.Prepare(v.rctx, v.cli, []*verifiertest.Holder{h}, 1, provedReq)
		if err != nil {
			v.close()
			return c, err
		}
		before := v.view.Source.Proved()
		t0 := time.Now()
		res, err := v.cli.VerifyPresentation(v.rctx, &verifierpb.VerifyPresentationRequest{Presentation: jobs[0].Presentation, Nonce: jobs[0].Nonce})
		d := time.Since(t0)
		n := v.view.Source.Proved() - before
		if err == nil && !res.Verified {
			err = fmt.Errorf("cold verification refused: %s", res.Reason)
		}
		if err != nil {
			v.close()
			return c, err
		}
		coldMs = append(coldMs, ms(d))
		facts = append(facts, float64(n))
		syncMs = append(syncMs, ms(synced))
		for range cfg.warm {
			res, d, err := verifyOnce(v, h, provedReq)
			if err == nil && !res.Verified {
				err = fmt.Errorf("warm verification refused: %s", res.Reason)
			}
			if err != nil {
				v.close()
				return c, err
			}
			warmMs = append(warmMs, ms(d))
		}
		v.close()
	}
	c.ColdMs = coldMs
	c.ColdP50Ms, c.ColdP90Ms, c.ColdMaxMs = quantile(coldMs, 0.5), quantile(coldMs, 0.9), quantile(coldMs, 1)
	c.WarmP50Ms, c.WarmP90Ms = quantile(warmMs, 0.5), quantile(warmMs, 0.9)
	c.FactsPerCold = quantile(facts, 0.5)
	c.SyncMs = quantile(syncMs, 0.5)
	c.Method = fmt.Sprintf("A fresh verifier per sample (%d samples): a new proof-checked view (new light client from the trust root, "+
		"followed until fresh: synced to the head with an empty ledger cache) and a new service and server over it; one challenge "+
		"(untimed, it opens the connection), then the first VerifyPresentation timed (cold: every ledger fact it uses fetched "+
		"from the node with its proof and checked; median %.0f facts proved during it), then %d more on the same view (warm: "+
		"facts from the cache); 1 caller; median time to a fresh view %.0f ms (not in the figures)", cfg.cold, c.FactsPerCold, cfg.warm, c.SyncMs)
	logf("cold: p50 %.2f ms, p90 %.2f ms, max %.2f ms (median %.0f facts proved); warm on the same views: p50 %.3f ms, p90 %.3f ms",
		c.ColdP50Ms, c.ColdP90Ms, c.ColdMaxMs, c.FactsPerCold, c.WarmP50Ms, c.WarmP90Ms)
	return c, nil
}

// revocation revokes each of the holders' credentials in turn and times how long after its
// block's commit the verifier refuses it.
func revocation(ctx context.Context, cfg config, w *world, pv *verifier, holders []*verifiertest.Holder) (report.ProvedRevocation, error) {
	rv := report.ProvedRevocation{PollMs: ms(cfg.poll), ViewPollMs: ms(ledger.DefaultPoll)}
	for k, h := range holders {
		idx := uint32(1000 + k)
		res, _, err := verifyOnce(pv, h, provedReq)
		if err == nil && !res.Verified {
			err = fmt.Errorf("refused before its revocation: %s", res.Reason)
		}
		if err != nil {
			return rv, fmt.Errorf("revocation %d: %w", k+1, err)
		}
		tx, err := w.revokeTx(ctx, idx)
		if err != nil {
			return rv, err
		}
		// Submit just after a block, so that inclusion waits about one block.
		if err := w.chain.Advance(ctx, 1); err != nil {
			return rv, err
		}
		tSubmit := time.Now()
		if err := w.chain.Broadcast(ctx, tx); err != nil {
			return rv, fmt.Errorf("revocation %d: %w", k+1, err)
		}
		type commit struct {
			at  time.Time
			res localnet.TxResult
			err error
		}
		cctx, ccancel := context.WithTimeout(ctx, 30*time.Second)
		done := make(chan commit, 1)
		go func() { // the commit, seen by polling the node's tx result
			for {
				r, err := w.chain.RPC.Tx(cctx, tx.Hash)
				if err == nil {
					done <- commit{at: time.Now(), res: r}
					return
				}
				if !errors.Is(err, localnet.ErrTxNotFound) || cctx.Err() != nil {
					if cctx.Err() != nil {
						err = cctx.Err()
					}
					done <- commit{err: err}
					return
				}
				time.Sleep(2 * time.Millisecond)
			}
		}()
		var tRefused time.Time
		var refusedAt int64
		polls, other, otherReason := 0, 0, ""
		for cctx.Err() == nil {
			t := time.Now()
			res, _, err := verifyOnce(pv, h, provedReq)
			polls++
			if err != nil {
				ccancel()
				return rv, fmt.Errorf("revocation %d: verifier: %w", k+1, err)
			}
			if !res.Verified && res.Reason == string(reason.Revoked) {
				tRefused, refusedAt = time.Now(), res.LedgerHeight
				break
			}
			if !res.Verified {
				other, otherReason = other+1, res.Reason
			}
			if d := cfg.poll - time.Since(t); d > 0 {
				time.Sleep(d)
			}
		}
		cm := <-done
		ccancel()
		if cm.err != nil {
			return rv, fmt.Errorf("revocation %d: commit: %w", k+1, cm.err)
		}
		if tRefused.IsZero() {
			return rv, fmt.Errorf("revocation %d: the verifier still accepts the credential 30 s after submission", k+1)
		}
		if cm.res.Code != 0 {
			return rv, fmt.Errorf("revocation %d: tx failed (code %d): %s", k+1, cm.res.Code, cm.res.Log)
		}
		s := report.ProvedRevSample{Index: idx, Height: cm.res.Height, RefusedAt: refusedAt, Blocks: refusedAt - cm.res.Height,
			CommitToRefuse: ms(tRefused.Sub(cm.at)), SubmitToRefuse: ms(tRefused.Sub(tSubmit)), SubmitToCommit: ms(cm.at.Sub(tSubmit)), Polls: polls,
			Other: other, OtherReason: otherReason}
		rv.Samples = append(rv.Samples, s)
		logf("revocation %d: block %d committed %.0f ms after submission; refused (revoked) at ledger height %d, %.1f ms after the commit was seen (%d polls, %d refused otherwise %s)",
			k+1, s.Height, s.SubmitToCommit, s.RefusedAt, s.CommitToRefuse, s.Polls, s.Other, s.OtherReason)
	}
	var commitMs, submitMs, blocks []float64
	for _, s := range rv.Samples {
		commitMs, submitMs, blocks = append(commitMs, s.CommitToRefuse), append(submitMs, s.SubmitToRefuse), append(blocks, float64(s.Blocks))
	}
	rv.MedianMs, rv.MaxMs = quantile(commitMs, 0.5), quantile(commitMs, 1)
	rv.MedianSubmitMs = quantile(submitMs, 0.5)
	rv.MedianBlocks = quantile(blocks, 0.5)
	rv.Method = fmt.Sprintf("%d revocations (MsgUpdateStatusList revoking one credential's index, submitted just after a block) of credentials the "+
		"verifier had verified (warm cache); the commit is the first poll (every 2 ms) of the node's tx result (CometBFT RPC /tx) that finds "+
		"the transaction; meanwhile the verifier is asked every %s (a fresh challenge and presentation each) until it refuses with \"revoked\" "+
		"(a refusal for another reason, such as an unavailable view, is counted and polling goes on); "+
		"median of the commit-to-refusal times. Blocks = the refusal's ledger height (the state height its status read rests on) minus the "+
		"revoking block's height: the state after block H is committed to by header H+1, so the proof-checked view can see it at the "+
		"earliest once block H+1 is committed and verified (0 = that earliest state); the view polls the node every %s",
		len(rv.Samples), cfg.poll, ledger.DefaultPoll)
	return rv, nil
}

func ms(d time.Duration) float64 { return benchenv.Round(float64(d.Microseconds())/1000, 3) }

// quantile returns the q-quantile of xs (nearest rank; q = 1: the maximum).
func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if q == 0.5 && len(s)%2 == 0 {
		return benchenv.Round((s[len(s)/2-1]+s[len(s)/2])/2, 3)
	}
	i := min(int(q*float64(len(s))), len(s)-1)
	return s[i]
}
