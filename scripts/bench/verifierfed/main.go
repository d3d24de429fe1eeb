// Command verifierfed measures federated verification: one verifier, assembled with a
// federation (verifier/ledger/federation) over an in-memory own ledger (amanah-my) that
// recognises an in-memory foreign ledger (amanah-th), verifies credentials of both over
// loopback gRPC at the same number of callers, in alternating rounds after a warm-up round of
// each (caches warm). Output is JSON: report.VerifierFederated; make bench names the foreign
// median verify_rps_c16_federated and the local one verify_rps_c16_federated_local.
//
//	go run ./scripts/bench/verifierfed -n 20000 -c 16 -rounds 3 > verifier-fed.json
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
	"os"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/scripts/bench/report"
	"github.com/amanah-id/amanah/scripts/bench/verifierload/loadgen"
	"github.com/amanah-id/amanah/verifier/assemble"
	"github.com/amanah-id/amanah/verifier/auth"
	"github.com/amanah-id/amanah/verifier/challenge"
	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/ledger/federation"
	"github.com/amanah-id/amanah/verifier/ledger/proved"
	"github.com/amanah-id/amanah/verifier/verifierpb"
	"github.com/amanah-id/amanah/verifier/verifiertest"
)

const thChain = "amanah-th"

func main() {
	n := flag.Int("n", 20000, "requests per round")
	c := flag.Int("c", 16, "callers")
	rounds := flag.Int("rounds", 3, "measured rounds of each kind (after one warm-up round each)")
	flag.Parse()
	if err := run(*n, *c, *rounds); err != nil {
		fmt.Fprintln(os.Stderr, "verifierfed:", err)
		os.Exit(1)
	}
}

func run(n, c, rounds int) error {
	if n < 1 || c < 1 || rounds < 1 {
		return errors.New("-n, -c and -rounds must be positive")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	my, err := verifiertest.New(keys.Ed25519)
	if err != nil {
		return err
	}
	th, err := verifiertest.NewOn("th", keys.Ed25519)
	if err != nil {
		return err
	}
	my.Chain.PutRecognition(ledger.Recognition{ChainID: thChain, DIDNetwork: "th", RootHeight: 1, RootHash: make([]byte, 32),
		RootPeriod: 24 * time.Hour, Status: ledger.RecognitionActive,
		Types: []ledger.RecognisedType{{ForeignVCT: verifiertest.VCT, LocalVCT: verifiertest.VCT, Claims: []string{"given_name", "age_over_18"}}}})
	my.Chain.PutRelyingParty(ledger.RelyingParty{DID: verifiertest.RPDID, Name: "Bank One",
		AllowedClaims: map[string][]string{verifiertest.VCT: verifiertest.AllowedClaims}, Audiences: []string{verifiertest.Audience},
		Foreign: map[string]map[string][]string{thChain: {verifiertest.VCT: {"given_name", "age_over_18"}}}})
	my.Chain.Commit()
	go my.KeepFresh(ctx, time.Second)
	go th.KeepFresh(ctx, time.Second)

	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	// Every round's challenges are made before it; used ones count until their TTL sweep.
	v, err := assemble.New(assemble.Config{Clients: verifiertest.Clients(), Logger: quiet,
		Challenges: challenge.Config{MaxPerParty: 4 * (rounds + 2) * n, Max: 8 * (rounds + 2) * n}},
		func(obs ledger.Observer) (assemble.Ledger, error) {
			cache, err := my.NewCache(ledger.Config{Observer: obs})
			if err != nil {
				return assemble.Ledger{}, err
			}
			go cache.Run(ctx)
			fed, err := federation.New(federation.Config{Local: cache, LocalChainID: "amanah-my", Logger: quiet,
				LocalNetwork: func(context.Context) (string, error) { return verifiertest.Network, nil },
				Ledgers:      []federation.Foreign{{ChainID: thChain, Nodes: []proved.Endpoint{{Name: "th", URL: "memory"}}}},
				Open: func(proved.TrustRoot, []proved.Endpoint) (federation.Followed, error) {
					return th.NewCache(ledger.Config{})
				}})
			if err != nil {
				return assemble.Ledger{}, err
			}
			go fed.Run(ctx)
			return assemble.Ledger{Cache: cache, Federation: fed}, nil
		})
	if err != nil {
		return err
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go func() { _ = v.Server.Serve(lis) }()
	defer v.Server.GRPC.Stop()
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer conn.Close()
	cli := verifierpb.NewVerifierClient(conn)
	rctx := metadata.AppendToOutgoingContext(ctx, auth.APIKeyHeader, verifiertest.RPKey)

	holders := func(env *verifiertest.Env) ([]*verifiertest.Holder, error) {
		hs := make([]*verifiertest.Holder, 64)
		for i := range hs {
			var err error
			if hs[i], err = env.Issue(verifiertest.VCT, uint64(i), keys.Ed25519); err != nil {
				return nil, err
			}
		}
		return hs, nil
	}
	local, err := holders(my)
	if err != nil {
		return err
	}
	foreign, err := holders(th)
	if err != nil {
		return err
	}
	req := loadgen.Request{Audience: verifiertest.Audience, VCTs: []string{verifiertest.VCT}, Claims: []string{"given_name", "age_over_18"}}
	// Wait until both ledgers answer: one verified presentation of each.
	deadline := time.Now().Add(30 * time.Second)
	for _, hs := range [][]*verifiertest.Holder{local, foreign} {
		for {
			jobs, err := loadgen.Prepare(rctx, cli, hs, 1, req)
			if err != nil {
				return err
			}
			r, err := cli.VerifyPresentation(rctx, &verifierpb.VerifyPresentationRequest{Presentation: jobs[0].Presentation, Nonce: jobs[0].Nonce})
			if err == nil && r.Verified {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("not verified within 30s: %v %v", r, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	round := func(hs []*verifiertest.Holder) (report.Level, error) {
		jobs, err := loadgen.Prepare(rctx, cli, hs, n, req)
		if err != nil {
			return report.Level{}, err
		}
		var refused atomic.Int64
		lv := loadgen.Measure(c, n, loadgen.Verify(rctx, cli, jobs, &refused))
		lv.Refused = refused.Load()
		if lv.Errors+lv.Refused > 0 {
			return lv, fmt.Errorf("%d errors, %d refused", lv.Errors, lv.Refused)
		}
		return lv, nil
	}
	la, _ := os.ReadFile("/proc/loadavg")
	rep := report.VerifierFederated{Started: time.Now().UTC(), LoadAvg: strings.TrimSpace(string(la)), GoMaxProcs: runtime.GOMAXPROCS(0), Callers: c}
	for i := 0; i <= rounds; i++ { // round 0 warms both up and is not reported
		l, err := round(local)
		if err != nil {
			return fmt.Errorf("local round %d: %w", i, err)
		}
		f, err := round(foreign)
		if err != nil {
			return fmt.Errorf("foreign round %d: %w", i, err)
		}
		fmt.Fprintf(os.Stderr, "verifierfed: round %d: local %.0f/s, foreign %.0f/s\n", i, l.PerSecond, f.PerSecond)
		if i > 0 {
			rep.Local, rep.Foreign = append(rep.Local, l), append(rep.Foreign, f)
		}
	}
	rep.LocalPerSecond, rep.ForeignPerSecond = median(rep.Local), median(rep.Foreign)
	if rep.LocalPerSecond > 0 {
		rep.Ratio = rep.ForeignPerSecond / rep.LocalPerSecond
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

func median(ls []report.Level) float64 {
	ps := make([]float64, len(ls))
	for i, l := range ls {
		ps[i] = l.PerSecond
	}
	slices.Sort(ps)
	if len(ps) == 0 {
		return 0
	}
	return ps[len(ps)/2]
}
