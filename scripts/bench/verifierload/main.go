// Command verifierload measures the verifier: verifications per second and
// latency percentiles (HdrHistogram) of VerifyPresentation over loopback gRPC
// at several concurrency levels, for EdDSA and ES256 credentials, beside a
// gRPC echo baseline (health Check) and the floor (the two bare signature
// verifications of each presentation) measured in the same run. The ledger
// is in memory and warm. Output is JSON: report.VerifierLoad (scripts/bench/report).
// The same load against the verifier over its proof-checked view of a real node
// is scripts/bench/verifierproved (the measurement is shared:
// scripts/bench/verifierload/loadgen).
//
//	go run ./scripts/bench/verifierload -n 20000 -c 1,16,64 > verifier-load.json
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/scripts/bench/report"
	"github.com/amanah-id/amanah/scripts/bench/verifierload/loadgen"
	"github.com/amanah-id/amanah/verifier/auth"
	"github.com/amanah-id/amanah/verifier/verifierpb"
	"github.com/amanah-id/amanah/verifier/verifiertest"
)

func main() {
	n := flag.Int("n", 20000, "requests per level (one caller uses n/4)")
	levels := flag.String("c", "1,16,64", "concurrency levels")
	algs := flag.String("alg", "EdDSA,ES256", "algorithms")
	flag.Parse()
	if err := run(*n, *levels, *algs); err != nil {
		fmt.Fprintln(os.Stderr, "verifierload:", err)
		os.Exit(1)
	}
}

func run(n int, levelsFlag, algsFlag string) error {
	var cs []int
	for _, s := range strings.Split(levelsFlag, ",") {
		c, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || c < 1 || c > 1024 {
			return fmt.Errorf("bad level %q", s)
		}
		cs = append(cs, c)
	}
	la, _ := os.ReadFile("/proc/loadavg")
	rep := report.VerifierLoad{LoadAvg: strings.TrimSpace(string(la)), Started: time.Now().UTC(), GoMaxProcs: runtime.GOMAXPROCS(0), NumCPU: runtime.NumCPU(), Transport: "gRPC over TCP loopback, in-process server"}
	for i, alg := range strings.Split(algsFlag, ",") {
		curve := map[string]keys.Curve{"EdDSA": keys.Ed25519, "ES256": keys.P256}[alg]
		if curve == "" {
			return fmt.Errorf("unknown alg %q", alg)
		}
		s, echo, err := suite(alg, curve, n, cs, i == 0)
		if err != nil {
			return err
		}
		if i == 0 {
			rep.Echo = echo
		}
		rep.Suites = append(rep.Suites, s)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

func suite(alg string, curve keys.Curve, n int, cs []int, withEcho bool) (report.Suite, []report.Level, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env, err := verifiertest.New(curve)
	if err != nil {
		return report.Suite{}, nil, err
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return report.Suite{}, nil, err
	}
	if _, err := env.Serve(ctx, lis, nil); err != nil {
		return report.Suite{}, nil, err
	}
	go env.KeepFresh(ctx, time.Second)
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return report.Suite{}, nil, err
	}
	defer conn.Close()
	cli := verifierpb.NewVerifierClient(conn)
	rctx := metadata.AppendToOutgoingContext(ctx, auth.APIKeyHeader, verifiertest.RPKey)

	// A few holders, each presenting many times (distinct nonces).
	holders := make([]*verifiertest.Holder, 64)
	for i := range holders {
		if holders[i], err = env.Issue(verifiertest.VCT, uint64(i), curve); err != nil {
			return report.Suite{}, nil, err
		}
	}
	s := report.Suite{Alg: alg}
	if s.Floor, err = floor(holders[0], env.IssuerKey.Public()); err != nil {
		return report.Suite{}, nil, err
	}
	var echo []report.Level
	for _, c := range cs {
		reqs := n
		if c == 1 {
			reqs = max(n/4, 1)
		}
		// Challenges and presentations are made before the clock starts.
		jobs, err := loadgen.Prepare(rctx, cli, holders, reqs, loadgen.Request{Audience: verifiertest.Audience,
			VCTs: []string{verifiertest.VCT}, Claims: []string{"given_name", "age_over_18"}})
		if err != nil {
			return report.Suite{}, nil, err
		}
		var refused atomic.Int64
		lv := measure(c, reqs, loadgen.Verify(rctx, cli, jobs, &refused))
		lv.Refused = refused.Load()
		s.Verify = append(s.Verify, lv)
		if withEcho {
			hc := healthpb.NewHealthClient(conn)
			echo = append(echo, measure(c, reqs, func(int) error {
				_, err := hc.Check(ctx, &healthpb.HealthCheckRequest{})
				return err
			}))
		}
	}
	if len(s.Verify) > 0 && s.Verify[0].Callers == 1 {
		s.RatioToFloor = s.Verify[0].P50Micros / s.Floor.MicrosPerPresentation
	}
	return s, echo, nil
}

// measure runs reqs calls of f over c callers and returns throughput and latency.
func measure(c, reqs int, f func(i int) error) report.Level { return loadgen.Measure(c, reqs, f) }

// floor times the two signature verifications of a presentation (issuer JWT
// and KB-JWT) with the keys already parsed: the crypto no verifier can skip.
func floor(h *verifiertest.Holder, issuer keys.PublicKey) (report.Floor, error) {
	p, err := h.Present("floor-nonce", verifiertest.Audience, "given_name")
	if err != nil {
		return report.Floor{}, err
	}
	parts := strings.Split(p, "~")
	iss, kb := parts[0], parts[len(parts)-1]
	type sig struct {
		key       keys.PublicKey
		msg, sigv []byte
	}
	var sigs []sig
	for _, tok := range []string{iss, kb} {
		t, err := jws.Parse(tok, []string{"EdDSA", "ES256"})
		if err != nil {
			return report.Floor{}, err
		}
		sigs = append(sigs, sig{msg: []byte(t.SigningInput), sigv: t.Signature})
	}
	sigs[0].key = issuer
	sigs[1].key = h.Key.Public()
	one := func() error {
		for _, s := range sigs {
			if err := s.key.Verify(s.msg, s.sigv); err != nil {
				return err
			}
		}
		return nil
	}
	if err := one(); err != nil {
		return report.Floor{}, fmt.Errorf("floor self-check: %w", err)
	}
	const iters = 4000
	t := time.Now()
	for range iters {
		_ = one()
	}
	perOne := time.Since(t) / iters
	procs := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	t = time.Now()
	for range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range iters {
				_ = one()
			}
		}()
	}
	wg.Wait()
	return report.Floor{MicrosPerPresentation: float64(perOne.Nanoseconds()) / 1000, PerSecondAllCores: float64(procs*iters) / time.Since(t).Seconds()}, nil
}
