// Command bench is `make bench`: it runs the repository's Go benchmarks (credential, keys,
// statuslist, x/status gas, x/did, the verifier service), the verifier load generator
// (scripts/bench/verifierload: EdDSA and ES256 at 1, 16 and 64 callers beside a gRPC echo and the
// signature floor of the same run), the verifier cache memory measurement
// (scripts/bench/verifiermem, 1M DIDs), the chain load test (scripts/bench/chainload: bank
// sends and DID creations on one one-node local network) and the DID resolution test
// (scripts/bench/didresolve: x/did Resolve over the node's gRPC with 100k DIDs stored, on a
// second one-node network) and the verifier over its proof-checked ledger view
// (scripts/bench/verifierproved: the load generator's EdDSA load against the verifier reading a
// third one-node network through Merkle proofs, beside the in-memory verifier in alternating
// rounds; cold and warm latency; revocation visibility through the verifier) and the issuer
// (scripts/bench/issuerload: batches of 10 through amanah-issuer's OpenID4VCI HTTP flow at 8
// callers beside the bare signing floor of the same run), one after the other on this machine.
// It writes build/bench/results.json (one flat JSON object) and build/bench/run.json (the whole
// run), keeps each tool's raw output beside them, and writes the run's page
// build/bench/benchmarks.md with its plots in build/bench/bench/: a run leaves the checkout
// clean. `-publish` (make bench-docs) regenerates the committed docs/benchmarks.md and
// docs/bench/*.png from the run saved in build/bench/run.json.
//
// Every step is bounded in time; every process it starts is in its own process group and is
// sent SIGTERM (then SIGKILL) when the step's time is up or the run is interrupted; the chain
// load test stops its amanahd node itself. Only loopback addresses are used.
//
//	go run ./scripts/bench                 # everything (about 20-30 minutes on 2 cores)
//	go run ./scripts/bench -skip chain,mem # a subset
//	go run ./scripts/bench -only proved    # one step
//	go run ./scripts/bench -publish        # docs/benchmarks.md from build/bench/run.json
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/amanah-id/amanah/scripts/bench/benchenv"
	"github.com/amanah-id/amanah/scripts/bench/report"
	"github.com/amanah-id/amanah/statuslist"
)

// options are the command line.
type options struct {
	out, docs   string
	skip        map[string]bool
	only        map[string]bool
	count       int
	chainDur    time.Duration
	loadN       int
	memDIDs     int
	resolveDIDs int
	budget      time.Duration
	noDocs      bool
	benchFilter string
	publish     bool
	partial     bool
}

func main() {
	var o options
	skip := flag.String("skip", "", "comma-separated steps to skip: "+strings.Join(steps, ","))
	only := flag.String("only", "", "comma-separated steps to run, the others skipped (e.g. proved)")
	flag.StringVar(&o.out, "out", "build/bench", "directory of the run: results.json, run.json, the raw outputs, benchmarks.md and its plots")
	flag.StringVar(&o.docs, "docs", "", "directory of benchmarks.md (plots go to <docs>/bench); default: -out when running, docs with -publish")
	flag.BoolVar(&o.publish, "publish", false, "run nothing: write <docs>/benchmarks.md and its plots from the run saved in <out>/run.json "+
		"(make bench-docs); a run that skipped steps or had failures is refused unless -partial")
	flag.BoolVar(&o.partial, "partial", false, "with -publish: accept a run that skipped steps or had failures")
	flag.IntVar(&o.count, "count", 3, "go test -count for the Go benchmarks")
	flag.DurationVar(&o.chainDur, "chain-duration", 30*time.Second, "submission time of each chain load phase")
	flag.IntVar(&o.loadN, "load-n", 20000, "verifier load generator requests per level")
	flag.IntVar(&o.memDIDs, "mem-dids", 1_000_000, "DIDs in the verifier cache memory measurement")
	flag.IntVar(&o.resolveDIDs, "resolve-dids", 100_000, "DIDs stored on the node before timing x/did Resolve over gRPC")
	flag.DurationVar(&o.budget, "timeout", 55*time.Minute, "bound on the whole run")
	flag.BoolVar(&o.noDocs, "no-docs", false, "do not write benchmarks.md and the plots of the run")
	flag.StringVar(&o.benchFilter, "packages", "", "only the Go benchmark packages whose path contains this")
	flag.Parse()
	o.skip, o.only = stepSet(*skip), stepSet(*only)
	for s := range mergeSets(o.skip, o.only) {
		if !slices.Contains(steps, s) {
			fmt.Fprintf(os.Stderr, "bench: unknown step %q (steps: %s)\n", s, strings.Join(steps, ", "))
			os.Exit(2)
		}
	}
	if o.docs == "" {
		o.docs = o.out
		if o.publish {
			o.docs = "docs"
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.budget)
	defer cancel()
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	do := run
	if o.publish {
		do = publish
	}
	if err := do(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// steps are the run's steps, in the order they run.
var steps = []string{"gobench", "load", "proved", "fed", "mem", "chain", "chain4v", "resolve", "issuer", "oid4vp"}

func stepSet(list string) map[string]bool {
	m := map[string]bool{}
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s != "" {
			m[s] = true
		}
	}
	return m
}

func mergeSets(a, b map[string]bool) map[string]bool {
	m := map[string]bool{}
	for k := range a {
		m[k] = true
	}
	for k := range b {
		m[k] = true
	}
	return m
}

// runs reports whether step is run: not skipped, and named by -only when -only is given.
func (o options) runs(step string) bool {
	return !o.skip[step] && (len(o.only) == 0 || o.only[step])
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s bench: %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// Run is everything one run measured; Results is its flat form.
type Run struct {
	Started, Finished time.Time
	Machine           Machine
	GoBench           []GoBench
	GoBenchErrors     []string
	// The tools' outputs (scripts/bench/report), nil when not run or failed.
	Load  *report.VerifierLoad
	Mem   *report.VerifierMem
	Chain *report.ChainLoad
	// Chain4v is chainload on 4 validators (revocations on a 16M-entry list under load).
	Chain4v *report.ChainLoad `json:",omitempty"`
	Resolve *report.DIDResolve
	Proved  *report.VerifierProved
	Fed     *report.VerifierFederated
	Issuer  *report.IssuerLoad
	// OID4VP is scripts/bench/oid4vpload's output.
	OID4VP *report.OID4VPLoad
	Errors []string
	// Steps are the steps the run ran.
	Steps []string
}

func run(ctx context.Context, o options) error {
	if err := chdirModuleRoot(ctx); err != nil {
		return err
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	tools, err := os.MkdirTemp("", "amanah-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tools)

	r := &Run{Started: time.Now(), Machine: machine(ctx)}
	for _, s := range steps {
		if o.runs(s) {
			r.Steps = append(r.Steps, s)
		}
	}
	logf("machine: %s", r.Machine.String())
	// Build the tools first: their compile time is not in any step's measurement.
	bins := map[string]string{}
	for _, t := range []struct{ step, name, pkg string }{{"load", "verifierload", "./scripts/bench/verifierload"}, {"proved", "verifierproved", "./scripts/bench/verifierproved"},
		{"fed", "verifierfed", "./scripts/bench/verifierfed"},
		{"mem", "verifiermem", "./scripts/bench/verifiermem"}, {"chain", "chainload", "./scripts/bench/chainload"}, {"chain4v", "chainload", "./scripts/bench/chainload"},
		{"resolve", "didresolve", "./scripts/bench/didresolve"},
		{"issuer", "issuerload", "./scripts/bench/issuerload"},
		{"oid4vp", "oid4vpload", "./scripts/bench/oid4vpload"}} {
		if _, built := bins[t.name]; built || !o.runs(t.step) {
			continue
		}
		name, pkg := t.name, t.pkg
		bin := filepath.Join(tools, name)
		if _, err := command(ctx, 10*time.Minute, nil, "go", "build", "-o", bin, pkg); err != nil {
			return fmt.Errorf("build %s: %w", pkg, err)
		}
		bins[name] = bin
	}
	if o.runs("gobench") {
		r.GoBench, r.GoBenchErrors = goBenchmarks(ctx, o)
		if err := saveJSON(filepath.Join(o.out, "gobench.json"), r.GoBench); err != nil {
			return err
		}
	}
	if o.runs("load") && ctx.Err() == nil {
		logf("verifier load generator: -n %d -c 1,16,64 -alg EdDSA,ES256", o.loadN)
		r.Load = runTool[report.VerifierLoad](ctx, r, "verifier load", filepath.Join(o.out, "verifier-load.json"), 15*time.Minute, nil,
			bins["verifierload"], "-n", strconv.Itoa(o.loadN), "-c", "1,16,64", "-alg", "EdDSA,ES256")
	}
	if o.runs("proved") && ctx.Err() == nil {
		logf("verifier over the proof-checked ledger view: one node, EdDSA load -n %d -c 16 beside the in-memory view, cold/warm, revocations", o.loadN)
		r.Proved = runTool[report.VerifierProved](ctx, r, "verifier proved view", filepath.Join(o.out, "verifier-proved.json"), 20*time.Minute, os.Stderr,
			bins["verifierproved"], "-n", strconv.Itoa(o.loadN), "-timeout", "19m")
	}
	if o.runs("fed") && ctx.Err() == nil {
		logf("federated verification: own and foreign in-memory ledgers, -n %d -c 16, alternating rounds", o.loadN)
		r.Fed = runTool[report.VerifierFederated](ctx, r, "verifier federated", filepath.Join(o.out, "verifier-fed.json"), 10*time.Minute, os.Stderr,
			bins["verifierfed"], "-n", strconv.Itoa(o.loadN), "-c", "16", "-rounds", "3")
	}
	if o.runs("mem") && ctx.Err() == nil {
		logf("verifier cache memory: %d DIDs", o.memDIDs)
		r.Mem = runTool[report.VerifierMem](ctx, r, "verifier memory", filepath.Join(o.out, "verifier-mem.json"), 15*time.Minute, nil,
			bins["verifiermem"], "-n", strconv.Itoa(o.memDIDs), "-timeout", "14m")
	}
	if o.runs("chain") && ctx.Err() == nil {
		logf("chain load test: one node, 1 s blocks, %s per phase", o.chainDur)
		r.Chain = runTool[report.ChainLoad](ctx, r, "chain load", filepath.Join(o.out, "chain-load.json"), 20*time.Minute, os.Stderr,
			bins["chainload"], "-duration", o.chainDur.String(), "-timeout", "19m")
	}
	if o.runs("chain4v") && ctx.Err() == nil {
		logf("chain load test: 4 validators (real processes on loopback), 1 s blocks, %s per phase; revocations on a 16,777,216-entry list during the DID load", o.chainDur)
		r.Chain4v = runTool[report.ChainLoad](ctx, r, "chain load 4 validators", filepath.Join(o.out, "chain-load-4v.json"), 20*time.Minute, os.Stderr,
			bins["chainload"], "-validators", "4", "-list-size", strconv.Itoa(statuslist.MaxSize), "-revoke-under-load",
			"-duration", o.chainDur.String(), "-timeout", "19m")
	}
	if o.runs("resolve") && ctx.Err() == nil {
		logf("DID resolution: one node, %d DIDs stored, Resolve over gRPC", o.resolveDIDs)
		r.Resolve = runTool[report.DIDResolve](ctx, r, "DID resolution", filepath.Join(o.out, "did-resolve.json"), 25*time.Minute, os.Stderr,
			bins["didresolve"], "-dids", strconv.Itoa(o.resolveDIDs), "-timeout", "24m")
	}
	if o.runs("issuer") && ctx.Err() == nil {
		logf("issuer: batches of 10 through the OpenID4VCI HTTP flow at 8 callers, beside the signing floor")
		r.Issuer = runTool[report.IssuerLoad](ctx, r, "issuer load", filepath.Join(o.out, "issuer-load.json"), 10*time.Minute, nil,
			bins["issuerload"], "-n", "300", "-c", "8", "-batch", "10")
	}
	if o.runs("oid4vp") && ctx.Err() == nil {
		logf("OpenID4VP flows: -n 4000 -c 16, state in memory and in redis-server, beside bare VerifyPresentation")
		r.OID4VP = runTool[report.OID4VPLoad](ctx, r, "OpenID4VP flows", filepath.Join(o.out, "oid4vp-load.json"), 10*time.Minute, nil,
			bins["oid4vpload"], "-n", "4000", "-c", "16")
	}
	r.Finished = time.Now()
	r.Machine.LoadAvgEnd = loadavg()
	if ctx.Err() != nil {
		r.fail("run", ctx.Err())
	}
	flat := r.flatten()
	if err := saveJSON(filepath.Join(o.out, "results.json"), flat); err != nil {
		return err
	}
	logf("wrote %s (%d keys)", filepath.Join(o.out, "results.json"), len(flat))
	if err := saveJSON(filepath.Join(o.out, "run.json"), r); err != nil {
		return err
	}
	if !o.noDocs && ctx.Err() == nil {
		if err := writeDocs(r, flat, o); err != nil {
			return fmt.Errorf("docs: %w", err)
		}
		logf("wrote %s and plots in %s", filepath.Join(o.docs, "benchmarks.md"), filepath.Join(o.docs, "bench"))
	}
	if len(r.Errors) > 0 {
		return fmt.Errorf("%d step(s) failed: %s", len(r.Errors), strings.Join(r.Errors, "; "))
	}
	return nil
}

// fail records that step failed.
func (r *Run) fail(step string, err error) {
	logf("%s FAILED: %v", step, err)
	r.Errors = append(r.Errors, fmt.Sprintf("%s: %v", step, err))
}

// runTool runs the bench tool bin (stderr to progress, as command), keeps its output in file
// and returns it decoded; on failure the step is recorded in r.Errors and the result is nil.
func runTool[T any](ctx context.Context, r *Run, step, file string, timeout time.Duration, progress *os.File, bin string, args ...string) *T {
	out, err := command(ctx, timeout, progress, bin, args...)
	if err == nil {
		_ = os.WriteFile(file, out, 0o644)
		res := new(T)
		if err = json.Unmarshal(out, res); err == nil {
			return res
		}
	}
	r.fail(step, err)
	return nil
}

// publish writes the page and plots of the run saved in <out>/run.json to o.docs.
func publish(ctx context.Context, o options) error {
	if err := chdirModuleRoot(ctx); err != nil {
		return err
	}
	path := filepath.Join(o.out, "run.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%w (make bench writes it)", err)
	}
	r := &Run{}
	if err := json.Unmarshal(raw, r); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if !o.partial {
		if missing := slices.DeleteFunc(slices.Clone(steps), func(s string) bool { return slices.Contains(r.Steps, s) }); len(missing) > 0 {
			return fmt.Errorf("%s is a partial run (without %s): docs/benchmarks.md is the page of a whole run (-partial to publish it anyway)",
				path, strings.Join(missing, ", "))
		}
		if len(r.Errors) > 0 {
			return fmt.Errorf("%s had failures (%s); -partial to publish it anyway", path, strings.Join(r.Errors, "; "))
		}
	}
	if err := writeDocs(r, r.flatten(), o); err != nil {
		return err
	}
	logf("wrote %s and plots in %s from the run of %s", filepath.Join(o.docs, "benchmarks.md"), filepath.Join(o.docs, "bench"), r.Started.Format(time.RFC3339))
	return nil
}

// command runs name args in its own process group, bounded by timeout, and returns stdout.
// stderr goes to progress (os.Stderr when nil means: kept and returned in the error only).
// When the time is up or ctx ends the group gets SIGTERM, then SIGKILL 45 s later.
func command(ctx context.Context, timeout time.Duration, progress *os.File, name string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
	cmd.WaitDelay = 45 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	if progress != nil {
		cmd.Stderr = progress
	} else {
		cmd.Stderr = &stderr
	}
	err := cmd.Run()
	if cmd.Process != nil {
		// Whatever is left of the group (a test binary whose parent exited) goes too.
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	if err != nil {
		msg := stderr.String()
		if len(msg) > 2000 {
			msg = "..." + msg[len(msg)-2000:]
		}
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (%v)", err, ctx.Err())
		}
		return stdout.Bytes(), fmt.Errorf("%s %s: %w: %s", filepath.Base(name), strings.Join(args, " "), err, msg)
	}
	return stdout.Bytes(), nil
}

// chdirModuleRoot moves to the module's root: the paths of the run are relative to it.
func chdirModuleRoot(ctx context.Context) error {
	out, err := command(ctx, 30*time.Second, nil, "go", "env", "GOMOD")
	if err != nil {
		return err
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return errors.New("run inside the amanah module")
	}
	return os.Chdir(filepath.Dir(mod))
}

func saveJSON(path string, v any) error {
	raw, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(raw, '\n'), 0o644)
}

// Machine describes where the run happened.
type Machine struct {
	CPU          string
	Cores        int
	GoMaxProcs   int
	Go           string
	OS           string
	MemTotalMB   int
	Date         string
	LoadAvgStart string
	LoadAvgEnd   string
	Commit       string
}

func (m Machine) String() string {
	return fmt.Sprintf("%s, %d cores (GOMAXPROCS %d), %d MB RAM, %s, %s, %s, commit %s, load average at start %s",
		m.CPU, m.Cores, m.GoMaxProcs, m.MemTotalMB, m.Go, m.OS, m.Date, m.Commit, m.LoadAvgStart)
}

func machine(ctx context.Context) Machine {
	m := Machine{CPU: "unknown", Cores: runtime.NumCPU(), GoMaxProcs: runtime.GOMAXPROCS(0), Go: runtime.Version(),
		OS: runtime.GOOS + "/" + runtime.GOARCH, Date: time.Now().UTC().Format("2006-01-02 15:04 MST"), LoadAvgStart: loadavg()}
	if raw, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(raw), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if raw, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(raw), "\n") {
			if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
				m.MemTotalMB = kb / 1024
			}
		}
	}
	if out, err := command(ctx, 10*time.Second, nil, "git", "rev-parse", "--short", "HEAD"); err == nil {
		m.Commit = strings.TrimSpace(string(out))
	}
	return m
}

func loadavg() string {
	la, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(la))
	if len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

// GoBench is one benchmark's medians over -count runs.
type GoBench struct {
	Package string
	Name    string // without the Benchmark prefix and the -GOMAXPROCS suffix
	Command string
	Runs    int
	Values  map[string]float64 // unit -> median
}

// benchSpec is one package's benchmarks.
type benchSpec struct {
	pkg, pattern string
	extra        []string
	timeout      time.Duration
}

var benchSpecs = []benchSpec{
	{pkg: "./credential/sdjwtvc", pattern: ".", timeout: 12 * time.Minute},
	{pkg: "./keys", pattern: ".", timeout: 6 * time.Minute},
	{pkg: "./statuslist", pattern: ".", timeout: 10 * time.Minute},
	{pkg: "./x/status/keeper", pattern: "RevokeOne|Batch1000|UpdateToReadable", extra: []string{"-benchtime", "20x"}, timeout: 12 * time.Minute},
	{pkg: "./x/did/keeper", pattern: "CreateDid|UpdateDid|StateBytesPerDID|ResolveAt", timeout: 10 * time.Minute},
	{pkg: "./verifier/challenge", pattern: "CreateP99", extra: []string{"-benchtime", "1x"}, timeout: 6 * time.Minute},
	{pkg: "./didcore", pattern: ".", timeout: 5 * time.Minute},
	{pkg: "./verifier/service", pattern: ".", timeout: 8 * time.Minute},
}

func goBenchmarks(ctx context.Context, o options) ([]GoBench, []string) {
	var all []GoBench
	var errs []string
	for _, s := range benchSpecs {
		if ctx.Err() != nil {
			break
		}
		if o.benchFilter != "" && !strings.Contains(s.pkg, o.benchFilter) {
			continue
		}
		args := []string{"test", "-run", "^$", "-bench", s.pattern, "-benchmem", "-count", strconv.Itoa(o.count), "-timeout", s.timeout.String()}
		args = append(args, s.extra...)
		args = append(args, s.pkg)
		cmdline := "go " + strings.Join(quoteArgs(args), " ")
		logf("%s", cmdline)
		start := time.Now()
		out, err := command(ctx, s.timeout+time.Minute, nil, "go", args...)
		bs := parseBench(out, s.pkg, cmdline)
		logf("  %d benchmarks in %s", len(bs), time.Since(start).Round(time.Second))
		all = append(all, bs...)
		if err != nil {
			logf("  FAILED: %v", err)
			errs = append(errs, fmt.Sprintf("%s: %v", s.pkg, firstLines(err.Error(), 6)))
		}
	}
	return all, errs
}

func quoteArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsAny(a, "|^$ ") {
			a = "'" + a + "'"
		}
		out[i] = a
	}
	return out
}

func firstLines(s string, n int) string {
	l := strings.Split(s, "\n")
	if len(l) > n {
		l = l[:n]
	}
	return strings.Join(l, " / ")
}

// parseBench reads `go test -bench` output: "BenchmarkName-P  N  v unit  v unit ...".
func parseBench(out []byte, pkg, cmdline string) []GoBench {
	vals := map[string]map[string][]float64{}
	var order []string
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue
		}
		name := strings.TrimPrefix(f[0], "Benchmark")
		if k := strings.LastIndexByte(name, '-'); k > 0 {
			if _, err := strconv.Atoi(name[k+1:]); err == nil {
				name = name[:k]
			}
		}
		if vals[name] == nil {
			vals[name] = map[string][]float64{}
			order = append(order, name)
		}
		for k := 2; k+1 < len(f); k += 2 {
			v, err := strconv.ParseFloat(f[k], 64)
			if err != nil {
				break
			}
			vals[name][f[k+1]] = append(vals[name][f[k+1]], v)
		}
	}
	var bs []GoBench
	for _, name := range order {
		b := GoBench{Package: pkg, Name: name, Command: cmdline, Values: map[string]float64{}}
		for unit, xs := range vals[name] {
			b.Values[unit] = benchenv.Median(xs)
			b.Runs = max(b.Runs, len(xs))
		}
		bs = append(bs, b)
	}
	return bs
}

// sizeKey is the results.json suffix of a store size: 100000 -> "100k", 1000000 -> "1m".
func sizeKey(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return fmt.Sprintf("%dm", n/1_000_000)
	case n >= 1000 && n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return strconv.Itoa(n)
}

// bench returns the medians of package pkg's benchmark name, or nil.
func (r *Run) bench(pkg, name string) map[string]float64 {
	for _, b := range r.GoBench {
		if b.Package == pkg && b.Name == name {
			return b.Values
		}
	}
	return nil
}

// level returns alg's verify level at callers c (alg "" : the echo baseline).
func (r *Run) level(alg string, c int) *report.Level {
	if r.Load == nil {
		return nil
	}
	levels := r.Load.Echo
	if alg != "" {
		levels = nil
		for _, s := range r.Load.Suites {
			if s.Alg == alg {
				levels = s.Verify
			}
		}
	}
	for i := range levels {
		if levels[i].Callers == c {
			return &levels[i]
		}
	}
	return nil
}

// floor returns alg's floor: µs per presentation on one core and checks/s on all cores.
func (r *Run) floor(alg string) (us, perSec float64, ok bool) {
	if r.Load == nil {
		return 0, 0, false
	}
	for _, s := range r.Load.Suites {
		if s.Alg == alg {
			return s.Floor.MicrosPerPresentation, s.Floor.PerSecondAllCores, true
		}
	}
	return 0, 0, false
}

// flatten returns the flat results object.
func (r *Run) flatten() map[string]any {
	f := map[string]any{
		"machine":        r.Machine.String(),
		"machine_cpu":    r.Machine.CPU,
		"machine_cores":  r.Machine.Cores,
		"go_version":     r.Machine.Go,
		"date":           r.Machine.Date,
		"commit":         r.Machine.Commit,
		"loadavg_start":  r.Machine.LoadAvgStart,
		"loadavg_end":    r.Machine.LoadAvgEnd,
		"duration_s":     round(r.Finished.Sub(r.Started).Seconds(), 1),
		"errors":         strings.Join(append(append([]string{}, r.Errors...), r.GoBenchErrors...), "; "),
		"bench_command":  "make bench (go run ./scripts/bench)",
		"go_bench_count": len(r.GoBench),
	}
	if r.OID4VP != nil {
		for k, v := range r.OID4VP.Figures() {
			f[k] = round(v, 3)
		}
	}
	for _, alg := range []string{"EdDSA", "ES256"} {
		a := strings.ToLower(alg)
		for _, c := range []int{1, 16, 64} {
			if l := r.level(alg, c); l != nil {
				f[fmt.Sprintf("verify_rps_c%d_%s", c, a)] = round(l.PerSecond, 1)
				f[fmt.Sprintf("verify_p50_us_c%d_%s", c, a)] = l.P50Micros
				f[fmt.Sprintf("verify_p99_ms_c%d_%s", c, a)] = round(l.P99Micros/1000, 3)
				f[fmt.Sprintf("verify_p999_ms_c%d_%s", c, a)] = round(l.P999Micros/1000, 3)
				f[fmt.Sprintf("verify_errors_c%d_%s", c, a)] = l.Errors + l.Refused
			}
		}
		if us, ps, ok := r.floor(alg); ok {
			f["floor_us_per_presentation_"+a] = round(us, 1)
			f["floor_rps_all_cores_"+a] = round(ps, 1)
			if l := r.level(alg, 16); l != nil && ps > 0 {
				key := "verify_floor_ratio_" + a
				if alg == "EdDSA" {
					key = "verify_floor_ratio"
				}
				f[key] = round(l.PerSecond/ps, 3)
			}
			if l := r.level(alg, 1); l != nil && us > 0 {
				f["verify_p50_over_floor_c1_"+a] = round(l.P50Micros/us, 2)
			}
		}
	}
	for _, c := range []int{1, 16, 64} {
		if l := r.level("", c); l != nil {
			f[fmt.Sprintf("echo_rps_c%d", c)] = round(l.PerSecond, 1)
			f[fmt.Sprintf("echo_p50_us_c%d", c)] = l.P50Micros
			f[fmt.Sprintf("echo_p99_ms_c%d", c)] = round(l.P99Micros/1000, 3)
		}
	}
	if v := r.bench("./x/status/keeper", "RevokeOne131k"); v != nil {
		f["status_gas_131k"] = v["gas/op"]
	}
	if v := r.bench("./x/status/keeper", "RevokeOne16M"); v != nil {
		f["status_gas_16m"] = v["gas/op"]
		if g, ok := f["status_gas_131k"].(float64); ok && g > 0 {
			f["status_gas_16m_over_131k"] = round(v["gas/op"]/g, 4)
		}
	}
	if v := r.bench("./x/did/keeper", "StateBytesPerDID"); v != nil {
		f["state_bytes_per_did_keeper"] = v["B/DID"]
	}
	if v := r.bench("./x/did/keeper", "CreateDid/methods=1"); v != nil {
		f["did_create_gas"] = v["gas/op"]
	}
	if m := r.Mem; m != nil {
		f["verifier_rss_mb_1m_dids"] = round(m.RSSMBAfter, 1)
		f["verifier_rss_mb_empty"] = round(m.RSSMBBefore, 1)
		f["verifier_heap_mb_1m_dids"] = round(m.HeapMBAfter, 1)
		f["verifier_heap_bytes_per_did"] = round(m.BytesPerDID, 0)
		f["verifier_mem_dids"] = m.DIDs
	}
	if c := r.Chain; c != nil {
		f["did_create_tps"] = round(c.DIDCreateTPS, 1)
		f["bank_send_tps"] = round(c.BankSendTPS, 1)
		f["did_over_bank_ratio"] = round(c.DIDOverBank, 4)
		f["did_create_gas_used"] = c.DID.GasUsed
		f["bank_send_gas_used"] = c.Bank.GasUsed
		f["state_bytes_per_did"] = round(c.StateBytesPerDID, 0)
		f["blockstore_bytes_per_did"] = round(c.BlockBytesPerDID, 0)
		f["revocation_visible_ms"] = round(c.RevocationMS, 1)
		f["revocation_visible_ms_max"] = round(c.RevocationMaxMS, 1)
		f["revocation_submit_to_visible_ms"] = round(c.RevocationSubmit, 1)
	}
	if c := r.Chain4v; c != nil {
		f["did_create_tps_4v"] = round(c.DIDCreateTPS, 1)
		f["bank_send_tps_4v"] = round(c.BankSendTPS, 1)
		f["revocation_visible_ms_4v"] = round(c.RevocationMS, 1)
		f["revocation_visible_ms_4v_max"] = round(c.RevocationMaxMS, 1)
		f["revocation_submit_to_visible_ms_4v"] = round(c.RevocationSubmit, 1)
		f["revocation_samples_4v"] = len(c.RevocationSamples)
		if one := r.Chain; one != nil && one.DIDCreateTPS > 0 && one.BankSendTPS > 0 {
			f["did_create_tps_4v_over_1v"] = round(c.DIDCreateTPS/one.DIDCreateTPS, 4)
			f["bank_send_tps_4v_over_1v"] = round(c.BankSendTPS/one.BankSendTPS, 4)
		}
	}
	if d := r.Resolve; d != nil && d.Full.ResolveConc != nil && d.Full.BalanceConc != nil {
		sz, c := sizeKey(d.DIDsStored), d.ConcCallers
		fl := d.Full
		f["did_resolve_dids_stored"] = d.DIDsStored
		f["did_resolve_p50_us_"+sz] = fl.ResolveSeq.P50
		f["did_resolve_p99_us_"+sz] = fl.ResolveSeq.P99
		f[fmt.Sprintf("did_resolve_rps_c%d_%s", c, sz)] = round(fl.ResolveConc.PerSecond, 1)
		f[fmt.Sprintf("did_resolve_p99_us_c%d_%s", c, sz)] = fl.ResolveConc.P99
		f["did_resolve_errors_"+sz] = fl.ResolveSeq.Errors + fl.ResolveConc.Errors
		f["grpc_balance_p50_us_"+sz] = fl.BalanceSeq.P50
		f["grpc_balance_p99_us_"+sz] = fl.BalanceSeq.P99
		f[fmt.Sprintf("grpc_balance_rps_c%d_%s", c, sz)] = round(fl.BalanceConc.PerSecond, 1)
		if fl.BalanceSeq.P50 > 0 {
			f["did_resolve_p50_over_balance_"+sz] = round(fl.ResolveSeq.P50/fl.BalanceSeq.P50, 2)
		}
		if e := d.Early; e != nil {
			esz := sizeKey(e.DIDs)
			f["did_resolve_p50_us_"+esz] = e.ResolveSeq.P50
			f["did_resolve_p99_us_"+esz] = e.ResolveSeq.P99
			f["grpc_balance_p50_us_"+esz] = e.BalanceSeq.P50
		}
		f["state_bytes_per_did_"+sz] = round(d.StateBytesPerDID, 0)
		var dids int
		var secs float64
		for _, x := range d.Fills {
			dids += x.DIDs
			secs += x.Seconds
		}
		if secs > 0 {
			f["did_resolve_fill_dids_per_s"] = round(float64(dids)/secs, 1)
		}
	}
	if is := r.Issuer; is != nil && is.BatchSize == 10 {
		f["issue_batch10_per_s"] = round(is.BatchesPerSecond, 1)
		f["issue_sign_floor_batch10_per_s"] = round(is.FloorBatchesPerS, 1)
		f["issue_batch10_floor_ratio"] = round(is.FloorRatio, 4)
		f["issue_batch10_p50_ms"] = round(is.P50Ms, 1)
		f["issue_batch10_p99_ms"] = round(is.P99Ms, 1)
		f["issue_batch10_errors"] = is.Errors
	}
	if p := r.Proved; p != nil {
		a, pl, ml := strings.ToLower(p.Load.Alg), p.Load.Proved, p.Load.Memory
		c := p.Load.Callers
		f[fmt.Sprintf("verify_rps_c%d_%s_proved", c, a)] = round(pl.PerSecond, 1)
		f[fmt.Sprintf("verify_p50_us_c%d_%s_proved", c, a)] = pl.P50Micros
		f[fmt.Sprintf("verify_p99_ms_c%d_%s_proved", c, a)] = round(pl.P99Micros/1000, 3)
		f[fmt.Sprintf("verify_p999_ms_c%d_%s_proved", c, a)] = round(pl.P999Micros/1000, 3)
		f[fmt.Sprintf("verify_errors_c%d_%s_proved", c, a)] = pl.Errors + pl.Refused
		f[fmt.Sprintf("verify_rps_c%d_%s_memory_paired", c, a)] = round(ml.PerSecond, 1)
		f[fmt.Sprintf("verify_p99_ms_c%d_%s_memory_paired", c, a)] = round(ml.P99Micros/1000, 3)
		f[fmt.Sprintf("verify_errors_c%d_%s_memory_paired", c, a)] = ml.Errors + ml.Refused
		f["verify_proof_overhead_ratio"] = round(p.Load.Ratio, 3)
		f["verify_cold_p50_ms"] = round(p.Cold.ColdP50Ms, 2)
		f["verify_cold_p90_ms"] = round(p.Cold.ColdP90Ms, 2)
		f["verify_cold_max_ms"] = round(p.Cold.ColdMaxMs, 2)
		f["verify_cold_facts_proved"] = p.Cold.FactsPerCold
		f["verify_warm_p50_ms"] = round(p.Cold.WarmP50Ms, 3)
		f["verify_warm_p90_ms"] = round(p.Cold.WarmP90Ms, 3)
		rv := p.Revocation
		f["revocation_visible_verifier_ms"] = round(rv.MedianMs, 1)
		f["revocation_visible_verifier_ms_max"] = round(rv.MaxMs, 1)
		f["revocation_visible_verifier_blocks"] = rv.MedianBlocks
		f["revocation_submit_to_refusal_ms"] = round(rv.MedianSubmitMs, 1)
		f["revocation_visible_verifier_samples"] = len(rv.Samples)
		f["chain_block_interval_ms"] = round(rv.BlockIntervalMs, 1)
	}
	for _, b := range r.GoBench {
		pkg := strings.NewReplacer("./", "", "/", "_").Replace(b.Package)
		for unit, v := range b.Values {
			key := "go_" + pkg + "_" + b.Name + "_" + unit
			key = strings.Map(func(c rune) rune {
				if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' {
					return c
				}
				return '_'
			}, key)
			f[key] = v
		}
	}
	r.flattenFed(f)
	return f
}

func round(x float64, digits int) float64 {
	p, err := strconv.ParseFloat(strconv.FormatFloat(x, 'f', digits, 64), 64)
	if err != nil {
		return x
	}
	return p
}
