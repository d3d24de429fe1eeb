//go:build faults

package faults

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cosmos/gogoproto/proto"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/statuslist"
	"github.com/amanah-id/amanah/testutil/rpcproxy"
	"github.com/amanah-id/amanah/verifier/client"
	"github.com/amanah-id/amanah/verifier/ledger/proved"
	"github.com/amanah-id/amanah/verifier/reason"
	didtypes "github.com/amanah-id/amanah/x/did/types"
)

// verifierClockSkew is the verifier's tolerance between block times and its clock, on top of
// --freshness (ledger.DefaultClockSkew).
const verifierClockSkew = 2 * time.Second

// lie is one way the lying node tampers with what it serves.
type lie struct {
	name string
	// what says what is injected and what the verifier would believe if it took it.
	what string
	mode rpcproxy.Mode
	// alone: also tried with the lying node as the verifier's only node (the lies that could
	// make a credential the ledger refuses verify).
	alone bool
}

// TestLyingNode: 2 validators; node1 is behind an rpcproxy that lies, node0 is honest. For each
// lie (a status page bit flipped either way, the issuer's DID version replaced by one carrying
// another key, a status page or list claimed absent, a forged header app hash) a fresh
// amanah-verifier follows the lying node as its light client's primary with the honest node as
// witness: the valid credential keeps verifying, the credential revoked on chain keeps reading
// revoked and the one forged with another key is refused, at a ledger height that keeps moving
// on, and the proxy counts its injections (answers that fail closed are tolerated and counted;
// see the loop). Then the dangerous lies again with the lying node as the verifier's only node:
// the revoked and the forged credentials are never verified (refused, or UNAVAILABLE
// status_unknown once the verifier has nothing left to read).
func TestLyingNode(t *testing.T) {
	s := newScenarioWith(t, 2, 15*time.Minute, 5*time.Second)
	const honest, liar = 0, 1
	cs := s.credentialStory()
	valid := &cs.wallet
	revoked, err := cs.issue(s.ctx, cs.issuerKey, 43)
	s.must(err)
	h := s.setStatus(cs, 43, 1)
	s.logf("setup: a second credential (status index 43), revoked on chain at height %d", h)
	attacker, err := keys.Generate(keys.Ed25519)
	s.must(err)
	forged, err := cs.issue(s.ctx, attacker, 44)
	s.must(err)
	s.logf("setup: a credential forged in the issuer's name as %s#key-1 with another key (status index 44, valid)", cs.issuer)

	plog := &quietLog{s: s, max: 4}
	p, err := rpcproxy.Start(t, s.net.Node(liar).RPCURL(), rpcproxy.WithLogf(plog.logf))
	s.must(err)
	liarNode := verifierNode{name: fmt.Sprintf("node%d-lying", liar), url: p.URL()}
	s.logf("setup: rpcproxy %s in front of node%d's RPC %s (passes everything through until told to lie)", p.URL(), liar, s.net.Node(liar).RPCURL())

	lies := s.lies(cs, attacker.Public())
	creds := []struct {
		name string
		w    *wallet
	}{{"valid", valid}, {"revoked", &revoked}, {"forged", &forged}}

	// The lying node as primary, the honest one as witness.
	for _, l := range lies {
		v := s.launchVerifier(cs.bank, liarNode, s.rpcNode(honest))
		s.waitServing(v, verifierStartup)
		c, err := client.Dial(v.addr, client.Options{APIKey: v.apiKey, Insecure: true})
		s.must(err)
		p.ResetCounts()
		plog.reset()
		p.Set(l.mode)
		s.logf("INJECT %s: %s", l.name, l.what)
		// Rounds go on until, 8 s or more after the injection, the last 8 rounds were all
		// answered correctly and the verifier followed the chain 3 blocks (bounded by 75 s and
		// 300 rounds). Failing closed (UNAVAILABLE status_unknown, refused status_stale) is
		// never wrong and is counted, not failed: a verifier whose light client stops following
		// the chain for a while does that (before dac0959, whenever the witness was a block
		// behind the primary: a 30 s wait). It must recover from the honest witness, though.
		start := time.Now()
		tallies := make([]tally, len(creds))
		var firstH, lastH int64
		closed, correctRun, rounds := 0, 0, 0
		done := func() bool {
			return time.Since(start) >= 8*time.Second && correctRun >= 8 && firstH > 0 && lastH >= firstH+3
		}
		// A wrong answer ends this lie's rounds and fails the test, but the other lies are
		// still told (a verified answer the ledger refuses stops the test at once).
		var wrong string
		for ; wrong == "" && rounds < 300 && time.Since(start) < 75*time.Second && !done(); rounds++ {
			correct := true
			for k, cr := range creds {
				a := ask(s.ctx, c, cr.w)
				at := time.Since(start).Seconds()
				tallies[k].add(a)
				switch {
				case a.verified && cr.name != "valid":
					t.Fatalf("%s, %.1fs in: the %s credential VERIFIED at height %d: the lie was believed", l.name, at, cr.name, a.height)
				case a.failedClosed():
					correct = false
					closed++
					continue
				case a.err != nil:
					wrong = fmt.Sprintf("%.1fs in: the %s credential: %v, want an answer from the honest witness", at, cr.name, a.err)
				case cr.name == "valid" && !a.verified:
					wrong = fmt.Sprintf("%.1fs in: the valid credential refused (%s), want verified from the honest witness", at, a.reason)
				case cr.name == "revoked" && a.reason != string(reason.Revoked):
					wrong = fmt.Sprintf("%.1fs in: the revoked credential refused %q, want %q (the ledger's answer)", at, a.reason, reason.Revoked)
				}
				if cr.name == "valid" && a.verified {
					if firstH == 0 {
						firstH = a.height
					}
					lastH = a.height
				}
			}
			if correct {
				correctRun++
			} else {
				correctRun = 0
			}
			time.Sleep(250 * time.Millisecond) // pacing between rounds, bounded by the window and the count
		}
		injected := p.Count(l.mode.Kind())
		switch {
		case wrong != "":
			t.Errorf("%s: %s", l.name, wrong)
		case injected == 0:
			t.Errorf("%s: the proxy injected nothing in %d rounds (the verifier never read what it lies about)", l.name, rounds)
		case !done():
			t.Errorf("%s: after %.1fs (%d rounds, %d fail-closed answers): %d correct rounds in a row at the end, ledger height %d -> %d; want 8 correct rounds and 3 blocks followed from the honest witness (answers: valid %s, revoked %s, forged %s; verifier log: %d follow failures)",
				l.name, time.Since(start).Seconds(), rounds, closed, correctRun, firstH, lastH, tallies[0], tallies[1], tallies[2],
				v.logCount(`"msg":"ledger: follow"`))
		}
		stall := ""
		if closed > 0 {
			stall = fmt.Sprintf(" (%d fail-closed answers: the verifier stopped following the chain for a while)", closed)
		}
		s.logf("OBSERVE %s: %d rounds in %.1fs, proxy injected %d times (%s); answers: valid %s, revoked %s, forged %s%s; ledger height %d -> %d; verifier log: %d node drops for unproved answers, %d follow failures",
			l.name, rounds, time.Since(start).Seconds(), injected, l.mode.Kind(), tallies[0], tallies[1], tallies[2], stall, firstH, lastH,
			v.logCount("node dropped for an unproved answer"), v.logCount(`"msg":"ledger: follow"`))
		p.Set()
		_ = c.Close()
		v.stop()
	}

	// The lying node alone: nothing to fall back on, the verifier must fail closed.
	window := verifierFreshness + verifierClockSkew + 5*time.Second
	for _, l := range lies {
		if !l.alone {
			continue
		}
		v := s.launchVerifier(cs.bank, liarNode)
		s.waitServing(v, verifierStartup)
		c, err := client.Dial(v.addr, client.Options{APIKey: v.apiKey, Insecure: true})
		s.must(err)
		p.ResetCounts()
		plog.reset()
		p.Set(l.mode)
		s.logf("INJECT %s, the lying node the verifier's only node: %s", l.name, l.what)
		start := time.Now()
		tallies := make([]tally, len(creds))
		var closedAt time.Duration
		var wrong string
		rounds := 0
		for ; wrong == "" && rounds < 120 && time.Since(start) < window; rounds++ {
			for k, cr := range creds {
				a := ask(s.ctx, c, cr.w)
				at := time.Since(start).Seconds()
				tallies[k].add(a)
				if cr.name == "valid" {
					if a.unavailable() && closedAt == 0 {
						closedAt = time.Since(start)
					}
					continue // no claim on it: the verifier may or may not still answer
				}
				switch {
				case a.verified:
					t.Fatalf("%s alone, %.1fs in: the %s credential VERIFIED at height %d: the lie was believed", l.name, at, cr.name, a.height)
				case a.err != nil && !a.unavailable():
					wrong = fmt.Sprintf("%.1fs in: the %s credential: %v, want refused or UNAVAILABLE status_unknown", at, cr.name, a.err)
				}
			}
			time.Sleep(250 * time.Millisecond) // pacing between rounds, bounded by the window and the count
		}
		injected := p.Count(l.mode.Kind())
		switch {
		case wrong != "":
			t.Errorf("%s alone: %s", l.name, wrong)
		case injected == 0:
			t.Errorf("%s alone: the proxy injected nothing in %d rounds", l.name, rounds)
		}
		closed := "never in the window"
		if closedAt > 0 {
			closed = fmt.Sprintf("from %.1fs", closedAt.Seconds())
		}
		s.logf("OBSERVE %s alone: %d rounds in %.1fs, proxy injected %d times; answers: revoked %s, forged %s (never verified); valid %s, UNAVAILABLE status_unknown %s; verifier log: %d node drops, %d follow failures",
			l.name, rounds, time.Since(start).Seconds(), injected, tallies[1], tallies[2], tallies[0], closed,
			v.logCount("node dropped for an unproved answer"), v.logCount(`"msg":"ledger: follow"`))
		p.Set()
		_ = c.Close()
		v.stop()
	}
}

// lies returns the lies TestLyingNode tells about cs: revocation list entries 42 (valid) and 43
// (revoked) and the issuer's DID (the forged credential is signed by attacker).
func (s *scenario) lies(cs *credentialStory, attacker keys.PublicKey) []lie {
	s.t.Helper()
	bits := uint8(cs.list.Bits)
	page := func(idx uint32) (key []byte, bit int) {
		p, off := statuslist.Locate(idx, bits)
		return proved.StatusPageKey(cs.list.Id, p), int(off) * int(bits)
	}
	page42, bit42 := page(42)
	page43, bit43 := page(43)
	statusPath, didPath := "/store/status/key", "/store/did/key"
	issuerV1 := proved.DIDVersionKey(cs.issuer, 1)

	// The replaced DID version must be what it claims: the issuer's document with the
	// attacker's key. Check it on the honest node's value before the proxy serves it.
	swap := swapKey(attacker)
	orig, err := s.net.Node(0).RPC().ABCIQuery(s.ctx, didPath, issuerV1, 0)
	s.must(err)
	var ver didtypes.DidDocumentVersion
	s.must(proto.Unmarshal(swap(didPath, issuerV1, orig), &ver))
	doc, err := didcore.ParseDocument(ver.DocumentJson)
	s.must(err)
	if doc.ID != cs.issuer || len(doc.VerificationMethods) == 0 || doc.VerificationMethods[0].PublicKeyMultibase != attacker.Multikey() {
		s.t.Fatalf("the replaced DID version is not %s with the attacker's key: %s", cs.issuer, ver.DocumentJson)
	}
	s.logf("setup: lies prepared: list %d entries 42 and 43 are bits %d and %d of page key 0x%X; issuer version 1 key 0x%X, replaced by a document of %s with key %s",
		cs.list.Id, bit42, bit43, page42, issuerV1, doc.ID, attacker.Multikey())
	return []lie{
		{name: "flip-valid", what: "flip the status page bit of entry 42: the valid credential would read revoked",
			mode: rpcproxy.FlipValueBit{Filter: rpcproxy.QueryFilter{Path: statusPath, KeyPrefix: page42}, Bit: bit42}},
		{name: "flip-revoked", what: "flip the status page bit of entry 43 back to 0: the credential revoked on chain would read valid",
			mode: rpcproxy.FlipValueBit{Filter: rpcproxy.QueryFilter{Path: statusPath, KeyPrefix: page43}, Bit: bit43}, alone: true},
		{name: "replace-did", what: "replace the issuer's DID version 1 by one carrying another key: the forged credential would verify",
			mode: rpcproxy.ReplaceValue{Filter: rpcproxy.QueryFilter{Path: didPath, KeyPrefix: issuerV1}, Replace: swap}, alone: true},
		{name: "drop-page", what: "claim the status page absent (value and proof dropped): every entry would read 0, the revoked credential valid",
			mode: rpcproxy.DropValue{Filter: rpcproxy.QueryFilter{Path: statusPath, KeyPrefix: page43}}, alone: true},
		{name: "drop-list", what: "claim the status list absent (value dropped, proof kept): the list would not exist",
			mode: rpcproxy.DropValue{Filter: rpcproxy.QueryFilter{Path: statusPath, KeyPrefix: proved.StatusListKey(cs.list.Id)}, KeepProof: true}},
		{name: "forge-header", what: "forge the app_hash of every commit header (signatures not fixed): any state could be 'proved' against it",
			mode: rpcproxy.ForgeHeader{}, alone: true},
	}
}

// swapKey returns a ReplaceValue function that rewrites a stored DID version so that every
// verification method of its document carries key.
func swapKey(key keys.PublicKey) func(path string, k, v []byte) []byte {
	return func(_ string, _ []byte, v []byte) []byte {
		var ver didtypes.DidDocumentVersion
		if err := proto.Unmarshal(v, &ver); err != nil {
			return v
		}
		doc, err := didcore.ParseDocument(ver.DocumentJson)
		if err != nil {
			return v
		}
		for i := range doc.VerificationMethods {
			doc.VerificationMethods[i].PublicKeyMultibase = key.Multikey()
		}
		if ver.DocumentJson, err = doc.MarshalJSON(); err != nil {
			return v
		}
		out, err := proto.Marshal(&ver)
		if err != nil {
			return v
		}
		return out
	}
}

// TestCatchingUpNode: one validator; the verifier's only node is behind an rpcproxy that
// pretends the chain is at an old height h (StaleHeight, catching_up true) whose block time is
// older than the verifier's freshness bound, then replays a few more old blocks. The verifier
// follows the old state but never reports SERVING and never verifies (VerifyPresentation
// UNAVAILABLE status_unknown). When the proxy passes everything through (the node caught up)
// the verifier becomes SERVING and verifies the credential.
func TestCatchingUpNode(t *testing.T) {
	s := newScenarioWith(t, 1, 10*time.Minute, 5*time.Second)
	cs := s.credentialStory()
	const replay = 5 // old blocks the node replays while the verifier watches
	old := verifierFreshness + verifierClockSkew + 3*time.Second
	h := s.maxHeight(0)
	s.must(s.waitAll(60*time.Second, h+replay, 0))
	last, err := s.blockTime(0, h+replay)
	s.must(err)
	for deadline := time.Now().Add(2 * time.Minute); time.Since(last) <= old; {
		if time.Now().After(deadline) {
			t.Fatalf("block %d (time %s) not %s old by %s", h+replay, last.Format(time.RFC3339Nano), old, deadline)
		}
		time.Sleep(200 * time.Millisecond) // poll the clock until block h+replay is old enough
	}
	first, err := s.blockTime(0, h)
	s.must(err)

	plog := &quietLog{s: s, max: 4}
	p, err := rpcproxy.Start(t, s.net.Node(0).RPCURL(), rpcproxy.WithLogf(plog.logf))
	s.must(err)
	x := h
	p.Set(rpcproxy.StaleHeight{Height: x, CatchingUp: true})
	s.logf("INJECT proxy %s in front of node0 pretends the chain is at height %d (block time %s, %.1fs old; the chain is at %d), catching_up true",
		p.URL(), h, first.UTC().Format("15:04:05.000"), time.Since(first).Seconds(), s.maxHeight(0))
	v := s.launchVerifier(cs.bank, verifierNode{name: "node0-catching-up", url: p.URL()})
	c, err := client.Dial(v.addr, client.Options{APIKey: v.apiKey, Insecure: true})
	s.must(err)
	defer c.Close()
	s.waitListening(v, verifierStartup)

	// The replay: one old block further every 1.5 s, up to h+replay, for 12 s.
	start := time.Now()
	next := start.Add(1500 * time.Millisecond)
	var answers tally
	health := map[string]int{}
	var maxLedger, lagAtMax float64
	rounds := 0
	for ; rounds < 100 && time.Since(start) < 12*time.Second; rounds++ {
		if time.Now().After(next) && x < h+replay {
			x++
			p.Set(rpcproxy.StaleHeight{Height: x, CatchingUp: true})
			bt, err := s.blockTime(0, x)
			s.must(err)
			s.logf("INJECT the node replays block %d (block time %.1fs old)", x, time.Since(bt).Seconds())
			next = time.Now().Add(1500 * time.Millisecond)
		}
		at := time.Since(start).Seconds()
		st, err := v.health(s.ctx)
		switch {
		case err != nil:
			health["no answer"]++
		case st == healthpb.HealthCheckResponse_SERVING:
			t.Fatalf("%.1fs into the replay (node at %d): health SERVING although the newest state is older than the freshness bound", at, x)
		default:
			health[st.String()]++
		}
		a := ask(s.ctx, c, &cs.wallet)
		answers.add(a)
		switch {
		case a.verified:
			t.Fatalf("%.1fs into the replay (node at %d): VERIFIED at height %d from a state older than the freshness bound", at, x, a.height)
		case a.err != nil && !a.unavailable():
			t.Fatalf("%.1fs into the replay (node at %d): %v, want UNAVAILABLE status_unknown", at, x, a.err)
		case a.err == nil:
			t.Fatalf("%.1fs into the replay (node at %d): refused %q at height %d, want UNAVAILABLE status_unknown (not fresh)", at, x, a.reason, a.height)
		}
		if lh, err := v.gauge(s.ctx, "amanah_verifier_ledger_height"); err == nil && lh > maxLedger {
			maxLedger = lh
			lagAtMax, _ = v.gauge(s.ctx, "amanah_verifier_ledger_lag_seconds")
		}
		time.Sleep(250 * time.Millisecond) // pacing between polls, bounded by the window and the count
	}
	if p.Count(rpcproxy.KindStaleHeight) == 0 {
		t.Fatal("the proxy answered nothing for an old height")
	}
	if health[healthpb.HealthCheckResponse_NOT_SERVING.String()] == 0 {
		t.Fatalf("the verifier never answered health NOT_SERVING during the replay: %v", health)
	}
	if int64(maxLedger) < h-1 {
		t.Fatalf("the verifier's ledger height reached %.0f, want >= %d: it never verified the old state, so the test shows no freshness refusal", maxLedger, h-1)
	}
	s.logf("OBSERVE during the replay (%d polls in %.1fs, node at %d..%d): health %v, never SERVING; presentations %s; the verifier applied old states up to height %.0f (lag %.1fs; bound %s + skew %s); proxy answered %d requests for an old height",
		rounds, time.Since(start).Seconds(), h, x, health, answers, maxLedger, lagAtMax, verifierFreshness, verifierClockSkew, p.Count(rpcproxy.KindStaleHeight))

	p.Set()
	caught := time.Now()
	tip := s.maxHeight(0)
	s.logf("INJECT the node caught up: the proxy passes everything through (chain at %d)", tip)
	var servingAt time.Duration
	var got answer
	for polls := 0; polls < 400 && time.Since(caught) < 90*time.Second; polls++ {
		if st, err := v.health(s.ctx); err == nil && st == healthpb.HealthCheckResponse_SERVING && servingAt == 0 {
			servingAt = time.Since(caught)
		}
		if servingAt > 0 {
			if got = ask(s.ctx, c, &cs.wallet); got.verified {
				break
			}
		}
		time.Sleep(250 * time.Millisecond) // poll until the deadline
	}
	if !got.verified {
		t.Fatalf("not verified %s after the node caught up (SERVING after %s): %s", time.Since(caught), servingAt, got)
	}
	if got.height < tip-1 {
		t.Fatalf("verified at height %d, the chain was at %d when the node caught up", got.height, tip)
	}
	s.logf("OBSERVE fresh after catching up: health SERVING %.1fs after, credential verified %.1fs after at ledger height %d (chain at %d when it caught up)",
		servingAt.Seconds(), time.Since(caught).Seconds(), got.height, tip)
}

// blockTime returns the header time of block h on node i.
func (s *scenario) blockTime(i int, h int64) (time.Time, error) {
	var res struct {
		Header struct {
			Time time.Time `json:"time"`
		} `json:"header"`
	}
	ctx, cancel := context.WithTimeout(s.ctx, 10*time.Second)
	defer cancel()
	if err := s.net.Node(i).RPC().Call(ctx, "header", map[string]any{"height": fmt.Sprint(h)}, &res); err != nil {
		return time.Time{}, err
	}
	if res.Header.Time.IsZero() {
		return time.Time{}, fmt.Errorf("node%d: header %d has no time", i, h)
	}
	return res.Header.Time, nil
}

// waitListening waits until the verifier answers health checks (whatever it answers).
func (s *scenario) waitListening(v *verifierProc, timeout time.Duration) {
	s.t.Helper()
	start := time.Now()
	for time.Since(start) < timeout {
		if st, err := v.health(s.ctx); err == nil {
			s.logf("setup: amanah-verifier (%s) listening after %.1fs, health %s", v.nodes, time.Since(start).Seconds(), st)
			return
		}
		select {
		case <-v.done:
			s.t.Fatalf("verifier (%s) exited during start-up", v.nodes)
		case <-time.After(200 * time.Millisecond): // poll the starting process until the deadline
		}
	}
	s.t.Fatalf("verifier (%s) not listening within %s", v.nodes, timeout)
}

// answer is one presentation's outcome: verified, refused with a reason, or an error (with its
// gRPC code and the reason of its ErrorInfo).
type answer struct {
	verified bool
	reason   string
	height   int64
	code     codes.Code
	err      error
}

// ask presents w to the verifier.
func ask(ctx context.Context, c *client.Client, w *wallet) answer {
	res, err := w.present(ctx, c)
	if err != nil {
		return answer{err: err, code: status.Code(err), reason: string(reason.OfError(err))}
	}
	return answer{verified: res.Verified, reason: res.Reason, height: res.Height}
}

// unavailable reports whether the answer is UNAVAILABLE status_unknown (the verifier failing
// closed: it has no fresh proved state to answer from).
func (a answer) unavailable() bool {
	return a.err != nil && a.code == codes.Unavailable && a.reason == string(reason.StatusUnknown)
}

// failedClosed reports whether the answer refuses for want of a fresh state: UNAVAILABLE
// status_unknown, or refused status_stale (the state is older than the request's status age
// bound, --freshness, but not yet than --freshness plus the clock skew).
func (a answer) failedClosed() bool {
	return a.unavailable() || (a.err == nil && !a.verified && a.reason == string(reason.StatusStale))
}

// kind is the answer without its height.
func (a answer) kind() string {
	switch {
	case a.err != nil:
		return fmt.Sprintf("%s %s", a.code, a.reason)
	case a.verified:
		return "verified"
	}
	return "refused " + a.reason
}

func (a answer) String() string {
	if a.err != nil {
		return a.err.Error()
	}
	return fmt.Sprintf("%s at height %d", a.kind(), a.height)
}

// tally counts answers by kind.
type tally map[string]int

func (t *tally) add(a answer) {
	if *t == nil {
		*t = tally{}
	}
	(*t)[a.kind()]++
}

func (t tally) String() string {
	ks := make([]string, 0, len(t))
	for k := range t {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	parts := make([]string, len(ks))
	for i, k := range ks {
		parts[i] = fmt.Sprintf("%s x%d", k, t[k])
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// quietLog logs the first max lines after each reset (the proxy logs every injection; a node
// that lies on every poll would flood the test log), then only counts.
type quietLog struct {
	s   *scenario
	max int64
	n   atomic.Int64
}

func (q *quietLog) logf(format string, args ...any) {
	switch n := q.n.Add(1); {
	case n <= q.max:
		q.s.logf(format, args...)
	case n == q.max+1:
		q.s.logf("rpcproxy: (further lines not logged; see the OBSERVE line's count)")
	}
}

func (q *quietLog) reset() { q.n.Store(0) }
