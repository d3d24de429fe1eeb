// Command oid4vpload measures complete OpenID4VP flows per second against
// one verifier at c callers: CreatePresentationRequest (gRPC), the request
// object fetched from the public endpoint, the wallet's response (SD-JWT VC
// presentation with its KB-JWT, encrypted for direct_post.jwt) posted, and
// GetPresentationResult; with the state in memory, then in a local Debian
// redis-server, beside bare VerifyPresentation (presentations made
// beforehand) of the same verifier in the same run. The ledger is the
// in-memory world of verifier/verifiertest (EdDSA), warm. The wallet's own
// check of the request object's signature against the ledger is not in the
// loop (the verifier's work is measured; the wallet's signing and encryption are in it).
//
//	go run ./scripts/bench/oid4vpload -n 4000 -c 16 > oid4vp-load.json
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/openid4vp"
	"github.com/amanah-id/amanah/scripts/bench/report"
	"github.com/amanah-id/amanah/scripts/bench/verifierload/loadgen"
	"github.com/amanah-id/amanah/verifier/assemble"
	"github.com/amanah-id/amanah/verifier/auth"
	"github.com/amanah-id/amanah/verifier/challenge"
	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/service"
	"github.com/amanah-id/amanah/verifier/state"
	"github.com/amanah-id/amanah/verifier/state/statetest"
	"github.com/amanah-id/amanah/verifier/verifierpb"
	"github.com/amanah-id/amanah/verifier/verifiertest"
)

const rpAPIKey = "bench-oid4vp-api-key-0123456789"

func main() {
	n := flag.Int("n", 4000, "flows (and bare verifications) per measurement")
	c := flag.Int("c", 16, "callers")
	withRedis := flag.Bool("redis", true, "also measure with the state in a local redis-server")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the flows with the wallet untimed to this file (wallet: -tagfocus side=wallet)")
	flag.BoolVar(&withQR, "qr", false, "ask for the QR code PNG in every request (omit_qr false, the API's default); false: omit_qr, the relying party draws request_uri itself")
	blockprofile := flag.String("blockprofile", "", "write a block profile of the run to this file")
	flag.Parse()
	if *blockprofile != "" {
		runtime.SetBlockProfileRate(10000)
		defer func() {
			if f, err := os.Create(*blockprofile); err == nil {
				_ = pprof.Lookup("block").WriteTo(f, 0)
				f.Close()
			}
		}()
	}
	if err := run(*n, *c, *withRedis, *cpuprofile); err != nil {
		fmt.Fprintln(os.Stderr, "oid4vpload:", err)
		os.Exit(1)
	}
}

type world struct {
	env     *verifiertest.Env
	rpDID   string
	rpKey   keys.PrivateKey
	holders []*verifiertest.Holder
}

func newWorld() (*world, error) {
	env, err := verifiertest.New(keys.Ed25519)
	if err != nil {
		return nil, err
	}
	rk, err := keys.Generate(keys.Ed25519)
	if err != nil {
		return nil, err
	}
	did := didcore.AmanahDID(verifiertest.Network, rk.Public())
	doc := &didcore.Document{Context: []string{didcore.ContextV1}, ID: did,
		VerificationMethods: []didcore.VerificationMethod{{ID: did + "#key-1", Type: didcore.TypeMultikey, Controller: did, PublicKeyMultibase: rk.Public().Multikey()}},
		AssertionMethod:     []didcore.MethodRef{{Ref: did + "#key-1"}}, Authentication: []didcore.MethodRef{{Ref: did + "#key-1"}}}
	env.Chain.PutDID(doc, env.Now.Add(-time.Hour))
	env.Chain.PutRelyingParty(ledger.RelyingParty{DID: did, Name: "Bench Bank", AllowedClaims: map[string][]string{verifiertest.VCT: verifiertest.AllowedClaims},
		Audiences: []string{openid4vp.ClientIDOf(did)}})
	env.Chain.Commit()
	w := &world{env: env, rpDID: did, rpKey: rk, holders: make([]*verifiertest.Holder, 64)}
	for i := range w.holders {
		if w.holders[i], err = env.Issue(verifiertest.VCT, uint64(i), keys.Ed25519); err != nil {
			return nil, err
		}
	}
	return w, nil
}

type served struct {
	cli       verifierpb.VerifierClient
	publicURL string
	stop      func()
}

// serve assembles a verifier over the world's chain with st as its state.
func (w *world) serve(ctx context.Context, st state.Store) (*served, error) {
	glis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	plis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	publicURL := "http://" + plis.Addr().String()
	clients := append(verifiertest.Clients(), auth.Client{DID: w.rpDID, APIKeys: []string{rpAPIKey}})
	v, err := assemble.New(assemble.Config{Clients: clients, State: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		OpenID4VP: &service.OpenID4VPConfig{PublicURL: publicURL,
			Keys: map[string]service.RequestKey{w.rpDID: {Kid: w.rpDID + "#key-1", Signer: jws.NewKeySigner(w.rpKey)}}}},
		func(obs ledger.Observer) (assemble.Ledger, error) {
			cache, err := w.env.NewCache(ledger.Config{Observer: obs})
			return assemble.Ledger{Cache: cache}, err
		})
	if err != nil {
		return nil, err
	}
	cctx, cancel := context.WithCancel(ctx)
	go v.Cache.Run(cctx)
	deadline := time.Now().Add(10 * time.Second)
	for v.Cache.Fresh() != nil {
		if time.Now().After(deadline) {
			cancel()
			return nil, errors.New("the ledger view did not sync")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := v.Service.CheckRequestKeys(ctx); err != nil {
		cancel()
		return nil, err
	}
	go func() { _ = v.Server.Serve(glis) }()
	hs := &http.Server{Handler: v.Public, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = hs.Serve(plis) }()
	conn, err := grpc.NewClient(glis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		cancel()
		return nil, err
	}
	return &served{cli: verifierpb.NewVerifierClient(conn), publicURL: publicURL, stop: func() {
		_ = conn.Close()
		_ = hs.Close()
		v.Server.GRPC.Stop()
		cancel()
	}}, nil
}

var httpc = &http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute}, Timeout: 30 * time.Second}

// pending is one flow between its steps.
type pending struct {
	txID        string
	jar         string // the signed request object, as fetched
	body        string // the wallet's posted form
	responseURI string
	took        time.Duration
}

// withQR is -qr: whether the flows ask for the QR code (omit_qr false).
var withQR bool

// requestStep is the relying party's and the wallet's first half: CreatePresentationRequest,
// then the request object fetched from request_uri.
func requestStep(ctx context.Context, s *served, p *pending) error {
	r, err := s.cli.CreatePresentationRequest(ctx, &verifierpb.CreatePresentationRequestRequest{
		VctValues: []string{verifiertest.VCT}, Claims: []string{"given_name"}, OmitQr: !withQR})
	if err != nil {
		return err
	}
	if withQR == (len(r.QrPng) == 0) {
		return fmt.Errorf("qr_png of %d bytes with -qr=%v", len(r.QrPng), withQR)
	}
	_, requestURI, err := openid4vp.ParseURI(r.RequestUri)
	if err != nil {
		return err
	}
	hr, err := httpc.Get(requestURI)
	if err != nil {
		return err
	}
	jar, err := io.ReadAll(hr.Body)
	hr.Body.Close()
	if err != nil || hr.StatusCode != http.StatusOK {
		return fmt.Errorf("request object: HTTP %d %v", hr.StatusCode, err)
	}
	p.txID, p.jar = r.TransactionId, string(jar)
	return nil
}

// walletStep is the wallet's work on the citizen's device: the request object read, the
// presentation made (the KB-JWT signs the request's nonce) and encrypted for the verifier.
func walletStep(p *pending, h *verifiertest.Holder) error {
	tok, err := jws.Parse(p.jar, nil)
	if err != nil {
		return err
	}
	var ro openid4vp.RequestObject
	if err := json.Unmarshal(tok.Payload, &ro); err != nil {
		return err
	}
	pres, err := h.Present(ro.Nonce, ro.ClientID, "given_name")
	if err != nil {
		return err
	}
	jwe, err := ro.Encrypt(&openid4vp.Response{State: ro.State, VPToken: map[string][]string{"credential": {pres}}})
	if err != nil {
		return err
	}
	p.responseURI = ro.ResponseURI
	p.body = url.Values{"response": {jwe}}.Encode()
	return nil
}

// responseStep posts the wallet's response, then the relying party reads the result.
func responseStep(ctx context.Context, s *served, p *pending) error {
	pr, err := httpc.Post(p.responseURI, "application/x-www-form-urlencoded", strings.NewReader(p.body))
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(pr.Body)
	pr.Body.Close()
	if pr.StatusCode != http.StatusOK {
		return fmt.Errorf("response: HTTP %d %s", pr.StatusCode, body)
	}
	res, err := s.cli.GetPresentationResult(ctx, &verifierpb.GetPresentationResultRequest{TransactionId: p.txID})
	if err != nil {
		return err
	}
	if !res.Verified {
		return fmt.Errorf("not verified: %s", res.Reason)
	}
	return nil
}

// flow is one complete OpenID4VP flow answered by holder h, the wallet inline.
func flow(ctx context.Context, s *served, h *verifiertest.Holder) error {
	var p pending
	if err := requestStep(ctx, s, &p); err != nil {
		return err
	}
	if err := walletStep(&p, h); err != nil {
		return err
	}
	return responseStep(ctx, s, &p)
}

// cpuTime is the process's user + system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func perOp(d time.Duration, n int) float64 { return float64(d.Microseconds()) / float64(n) }

// labelled runs f with the pprof label side=v (the profile's wallet share: -tagfocus side=wallet).
func labelled(v string, f func()) {
	pprof.Do(context.Background(), pprof.Labels("side", v), func(context.Context) { f() })
}

// measured is one flow measurement: the timed level and the CPU per flow.
type measured struct {
	lv                  report.Level
	cpuMicros, walletUs float64
}

// splitFlows measures n flows from c callers with the wallet's step untimed: every flow's
// request step (timed), then every wallet step (untimed, its CPU measured apart), then every
// response step (timed). Throughput is n over the two timed steps' wall time; a flow's
// latency is the sum of its two timed steps.
func splitFlows(ctx context.Context, s *served, holders []*verifiertest.Holder, c, n int) (measured, error) {
	ps := make([]pending, n)
	var errs atomic.Int64
	timedStep := func(f func(p *pending) error) time.Duration {
		var el time.Duration
		labelled("verifier", func() {
			el = loadgen.NewTally(c).Round(n, func(i int) error {
				t0 := time.Now()
				err := f(&ps[i])
				ps[i].took += time.Since(t0)
				if err != nil {
					errs.Add(1)
				}
				return err
			})
		})
		return el
	}
	cpu0 := cpuTime()
	tA := timedStep(func(p *pending) error { return requestStep(ctx, s, p) })
	cpuA := cpuTime() - cpu0
	var werr atomic.Value
	labelled("wallet", func() {
		loadgen.NewTally(c).Round(n, func(i int) error {
			if ps[i].jar == "" {
				return nil
			}
			err := walletStep(&ps[i], holders[i%len(holders)])
			if err != nil {
				werr.Store(err)
			}
			return err
		})
	})
	if e, _ := werr.Load().(error); e != nil {
		return measured{}, fmt.Errorf("wallet: %w", e)
	}
	cpuW := cpuTime() - cpu0 - cpuA
	tB := timedStep(func(p *pending) error {
		if p.body == "" {
			return errors.New("no request")
		}
		return responseStep(ctx, s, p)
	})
	cpuB := cpuTime() - cpu0 - cpuA - cpuW
	h := hdrhistogram.New(1, 10_000_000, 3)
	for i := range ps {
		_ = h.RecordValue(ps[i].took.Microseconds())
	}
	lv := report.Level{Callers: c, Requests: n, Errors: errs.Load(), PerSecond: float64(n) / (tA + tB).Seconds(),
		P50Micros: float64(h.ValueAtQuantile(50)), P99Micros: float64(h.ValueAtQuantile(99)),
		P999Micros: float64(h.ValueAtQuantile(99.9)), MaxMicros: float64(h.Max())}
	return measured{lv: lv, cpuMicros: perOp(cpuA+cpuB, n), walletUs: perOp(cpuW, n)}, nil
}

const timed = "flow: CreatePresentationRequest (gRPC; omit_qr unless -qr, see the qr field) + GET request object (HTTP) [timed], then the wallet " +
	"(request object parsed, SD-JWT VC presentation with its KB-JWT over the request's nonce, JWE ECDH-ES) [untimed, " +
	"its CPU is wallet_cpu_us_per_flow], then POST direct_post.jwt (HTTP) + GetPresentationResult (gRPC) [timed]; " +
	"rate = flows / the two timed steps' wall time. flow_with_wallet: the same with the wallet inline, timed. " +
	"verify: VerifyPresentation (gRPC), presentations made before the clock. cpu_us: the process's CPU per operation " +
	"(verifier + the load generator's gRPC/HTTP clients)"

func run(n, c int, withRedis bool, cpuprofile string) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	la, _ := os.ReadFile("/proc/loadavg")
	rep := report.OID4VPLoad{Started: time.Now().UTC(), GoMaxProcs: runtime.GOMAXPROCS(0), LoadAvg: strings.TrimSpace(string(la)),
		Timed: timed, QR: withQR,
		Note: "one in-process verifier, loopback gRPC + HTTP (keep-alive); ledger in memory (verifier/verifiertest), EdDSA; direct_post.jwt"}
	w, err := newWorld()
	if err != nil {
		return err
	}
	go w.env.KeepFresh(ctx, time.Second)
	mem := state.NewMemory(challenge.Config{})
	s, err := w.serve(ctx, mem)
	if err != nil {
		return err
	}
	defer s.stop()
	bank := metadata.AppendToOutgoingContext(ctx, auth.APIKeyHeader, verifiertest.RPKey)
	rp := metadata.AppendToOutgoingContext(ctx, auth.APIKeyHeader, rpAPIKey)
	warm := func(s *served) error {
		for i := range 64 {
			if err := flow(rp, s, w.holders[i%len(w.holders)]); err != nil {
				return err
			}
		}
		return nil
	}
	measureFlows := func(s *served) (measured, error) {
		if err := warm(s); err != nil {
			return measured{}, err
		}
		return splitFlows(rp, s, w.holders, c, n)
	}
	// Bare verification, then the flows, then verification again: the baseline is the mean of both.
	verify := func() (report.Level, time.Duration, error) {
		jobs, err := loadgen.Prepare(bank, s.cli, w.holders, n, loadgen.Request{Audience: verifiertest.Audience,
			VCTs: []string{verifiertest.VCT}, Claims: []string{"given_name"}})
		if err != nil {
			return report.Level{}, 0, err
		}
		var refused atomic.Int64
		cpu0 := cpuTime()
		var lv report.Level
		labelled("verify", func() { lv = loadgen.Measure(c, n, loadgen.Verify(bank, s.cli, jobs, &refused)) })
		lv.Refused = refused.Load()
		return lv, cpuTime() - cpu0, nil
	}
	v1, cpuV1, err := verify()
	if err != nil {
		return err
	}
	// The CPU profile (if asked) covers the flows with the wallet untimed only.
	if err := warm(s); err != nil {
		return err
	}
	stop := startProfile(cpuprofile)
	m, err := measureFlows(s)
	stop()
	if err != nil {
		return err
	}
	rep.Flow, rep.FlowCPUMicros, rep.WalletCPUMicros = m.lv, m.cpuMicros, m.walletUs
	cpu0 := cpuTime()
	var ww report.Level
	labelled("flow_with_wallet", func() {
		ww = loadgen.Measure(c, n, func(i int) error { return flow(rp, s, w.holders[i%len(w.holders)]) })
	})
	rep.FlowWithWallet, rep.FlowWithWalletCPUMicros = &ww, perOp(cpuTime()-cpu0, n)
	v2, cpuV2, err := verify()
	if err != nil {
		return err
	}
	rep.Verify = v1
	rep.Verify.PerSecond = (v1.PerSecond + v2.PerSecond) / 2
	rep.VerifyCPUMicros = perOp(cpuV1+cpuV2, 2*n)
	rep.Ratio = rep.Flow.PerSecond / rep.Verify.PerSecond
	rep.RatioWithWallet = ww.PerSecond / rep.Verify.PerSecond
	rep.CPURatio = rep.VerifyCPUMicros / rep.FlowCPUMicros
	if withRedis {
		if err := redisFlows(ctx, w, &rep, measureFlows); err != nil {
			rep.RedisError = err.Error()
		}
	}
	fmt.Fprintf(os.Stderr, "flow %.0f/s (%.0f µs CPU/flow, wallet untimed: %.0f µs CPU/flow), with the wallet inline %.0f/s (%.0f µs CPU/flow), "+
		"verify %.0f/s (%.0f µs CPU/op): flow/verify %.3f, with wallet %.3f, verify CPU/flow CPU %.3f\n",
		rep.Flow.PerSecond, rep.FlowCPUMicros, rep.WalletCPUMicros, ww.PerSecond, rep.FlowWithWalletCPUMicros,
		rep.Verify.PerSecond, rep.VerifyCPUMicros, rep.Ratio, rep.RatioWithWallet, rep.CPURatio)
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// startProfile starts a CPU profile into path ("": none) and returns its stop.
func startProfile(path string) func() {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "oid4vpload:", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintln(os.Stderr, "oid4vpload:", err)
		f.Close()
		return func() {}
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}

func redisFlows(ctx context.Context, w *world, rep *report.OID4VPLoad, measure func(*served) (measured, error)) error {
	dir, err := os.MkdirTemp("", "redis")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	url, stop, err := statetest.StartRedis(dir)
	if err != nil {
		return err
	}
	defer stop()
	st, err := state.Open(ctx, url, challenge.Config{})
	if err != nil {
		return err
	}
	defer st.Close()
	s, err := w.serve(ctx, st)
	if err != nil {
		return err
	}
	defer s.stop()
	m, err := measure(s)
	if err != nil {
		return err
	}
	lv := m.lv
	rep.FlowRedis = &lv
	rep.RatioRedis = lv.PerSecond / rep.Flow.PerSecond
	return nil
}
