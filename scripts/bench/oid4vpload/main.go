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
	"time"

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
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the run to this file")
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
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	if err := run(*n, *c, *withRedis); err != nil {
		fmt.Fprintln(os.Stderr, "oid4vpload:", err)
		pprof.StopCPUProfile()
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

// flow is one complete OpenID4VP flow answered by holder h.
func flow(ctx context.Context, s *served, h *verifiertest.Holder) error {
	r, err := s.cli.CreatePresentationRequest(ctx, &verifierpb.CreatePresentationRequestRequest{
		VctValues: []string{verifiertest.VCT}, Claims: []string{"given_name"}})
	if err != nil {
		return err
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
	tok, err := jws.Parse(string(jar), nil)
	if err != nil {
		return err
	}
	var ro openid4vp.RequestObject
	if err := json.Unmarshal(tok.Payload, &ro); err != nil {
		return err
	}
	p, err := h.Present(ro.Nonce, ro.ClientID, "given_name")
	if err != nil {
		return err
	}
	jwe, err := ro.Encrypt(&openid4vp.Response{State: ro.State, VPToken: map[string][]string{"credential": {p}}})
	if err != nil {
		return err
	}
	pr, err := httpc.Post(ro.ResponseURI, "application/x-www-form-urlencoded", strings.NewReader(url.Values{"response": {jwe}}.Encode()))
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(pr.Body)
	pr.Body.Close()
	if pr.StatusCode != http.StatusOK {
		return fmt.Errorf("response: HTTP %d %s", pr.StatusCode, body)
	}
	res, err := s.cli.GetPresentationResult(ctx, &verifierpb.GetPresentationResultRequest{TransactionId: r.TransactionId})
	if err != nil {
		return err
	}
	if !res.Verified {
		return fmt.Errorf("not verified: %s", res.Reason)
	}
	return nil
}

func run(n, c int, withRedis bool) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	la, _ := os.ReadFile("/proc/loadavg")
	rep := report.OID4VPLoad{Started: time.Now().UTC(), GoMaxProcs: runtime.GOMAXPROCS(0), LoadAvg: strings.TrimSpace(string(la)),
		Note: "one in-process verifier, loopback gRPC + HTTP; ledger in memory (verifier/verifiertest), EdDSA; direct_post.jwt"}
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
	measureFlows := func(s *served) (report.Level, error) {
		// Warm up (connections, caches), then measure.
		for i := range 64 {
			if err := flow(rp, s, w.holders[i%len(w.holders)]); err != nil {
				return report.Level{}, err
			}
		}
		return loadgen.Measure(c, n, func(i int) error { return flow(rp, s, w.holders[i%len(w.holders)]) }), nil
	}
	// Bare verification, then the flow, then verification again: the baseline is the mean of both.
	verify := func() (report.Level, error) {
		jobs, err := loadgen.Prepare(bank, s.cli, w.holders, n, loadgen.Request{Audience: verifiertest.Audience,
			VCTs: []string{verifiertest.VCT}, Claims: []string{"given_name"}})
		if err != nil {
			return report.Level{}, err
		}
		var refused atomic.Int64
		lv := loadgen.Measure(c, n, loadgen.Verify(bank, s.cli, jobs, &refused))
		lv.Refused = refused.Load()
		return lv, nil
	}
	v1, err := verify()
	if err != nil {
		return err
	}
	if rep.Flow, err = measureFlows(s); err != nil {
		return err
	}
	v2, err := verify()
	if err != nil {
		return err
	}
	rep.Verify = v1
	rep.Verify.PerSecond = (v1.PerSecond + v2.PerSecond) / 2
	rep.Ratio = rep.Flow.PerSecond / rep.Verify.PerSecond
	if withRedis {
		if err := redisFlows(ctx, w, &rep, measureFlows); err != nil {
			rep.RedisError = err.Error()
		}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

func redisFlows(ctx context.Context, w *world, rep *report.OID4VPLoad, measure func(*served) (report.Level, error)) error {
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
	lv, err := measure(s)
	if err != nil {
		return err
	}
	rep.FlowRedis = &lv
	rep.RatioRedis = lv.PerSecond / rep.Flow.PerSecond
	return nil
}
