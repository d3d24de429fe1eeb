// Package docs holds the guides, and TestWalkthrough, which runs the shell blocks the guides
// mark as walkthrough steps, exactly as a reader sees them.
//
// A step is a ```sh block directly after an HTML comment `<!-- walkthrough: N -->` in one of
// walkthroughGuides; the steps run in the order of N (1, 2, 3, … with no gaps) as one bash
// script (`bash -euo pipefail`: the first failing command fails the test). The guides assert
// their documented outputs themselves (`… -o json | grep '"accredited":true'`, the verdict's
// `"verified": true`), so a guide that stops matching the code fails here.
//
// The reader's setup (`make build`, `scripts/localnet.sh up 1`, run in the checkout) is replaced
// by an equivalent one the test owns: the binaries are built into <module>/build (a no-op when
// up to date), and the steps run in a stand-in checkout, a temporary directory holding links to
// the module's build/ and x/ and its own one-node network in .localnet (localnet, the
// code behind scripts/localnet.sh, with the localnet's ports; a 10 s voting period instead of
// 20 s). HOME and TMPDIR point into the test's temporary directory, so the guides' scratch
// directory (`mktemp -d`) and anything written to ~ stay there. Every process (the node, and the
// verifier a guide starts in the background) is killed in t.Cleanup: bash runs in its own
// process group, which is killed as a whole.
//
// The guides need only what the repository ships (amanahd, amanah, amanah-verifier) and bash,
// curl, grep, sed, tr, seq, mktemp. The run takes under a minute (about 45 s on the 2-core build
// machine); -short skips it. The guides' validity windows are fixed dates (the issuer's ends
// 2030-01-01): move them forward before then.
package docs

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/amanah-id/amanah/localnet"
)

// walkthroughGuides are the guides whose marked blocks make up the walkthrough.
var walkthroughGuides = []string{"trust-registry.md", "verifier-integration.md"}

// verifierPorts are the addresses the verifier walkthrough listens on (gRPC, REST, metrics).
var verifierPorts = []int{50051, 8080, 9102}

var (
	stepRE   = regexp.MustCompile("(?ms)^<!-- walkthrough: ([0-9]+) -->\n```sh\n(.*?)\n```\n")
	markerRE = regexp.MustCompile("(?m)^<!-- walkthrough:")
)

type step struct {
	n     int
	guide string
	text  string
}

// walkthroughSteps extracts the marked blocks of the guides in dir, ordered by step number.
func walkthroughSteps(dir string) ([]step, error) {
	var steps []step
	for _, g := range walkthroughGuides {
		raw, err := os.ReadFile(filepath.Join(dir, g))
		if err != nil {
			return nil, err
		}
		if n, m := len(markerRE.FindAll(raw, -1)), len(stepRE.FindAllSubmatch(raw, -1)); n != m {
			return nil, fmt.Errorf("%s: %d walkthrough markers, %d of them directly before a ```sh block", g, n, m)
		}
		for _, m := range stepRE.FindAllSubmatch(raw, -1) {
			n, _ := strconv.Atoi(string(m[1]))
			steps = append(steps, step{n: n, guide: g, text: string(m[2])})
		}
	}
	sort.Slice(steps, func(i, j int) bool { return steps[i].n < steps[j].n })
	for i, s := range steps {
		if s.n != i+1 {
			return nil, fmt.Errorf("walkthrough steps are not numbered 1..%d: step %d in %s", len(steps), s.n, s.guide)
		}
	}
	return steps, nil
}

// TestWalkthroughSteps checks the markers (also under -short): the guides have the three
// steps, in order, each a non-empty sh block.
func TestWalkthroughSteps(t *testing.T) {
	steps, err := walkthroughSteps(".")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"trust-registry.md", "verifier-integration.md", "trust-registry.md"}
	if len(steps) != len(want) {
		t.Fatalf("%d walkthrough steps, want %d", len(steps), len(want))
	}
	for i, s := range steps {
		if s.guide != want[i] || strings.TrimSpace(s.text) == "" {
			t.Errorf("step %d: in %s (want %s), %d bytes", s.n, s.guide, want[i], len(s.text))
		}
	}
}

// TestWalkthrough runs the guides' walkthrough on a one-node network (see the package comment).
func TestWalkthrough(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a node and a verifier (about 90 s)")
	}
	steps, err := walkthroughSteps(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range []string{"bash", "curl", "grep", "sed", "tr", "seq", "mktemp"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("the walkthrough needs %s: %v", tool, err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	root, err := localnet.ModuleRoot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The guides use the localnet's and the verifier's documented ports: they must be free.
	ports := append([]int(nil), verifierPorts...)
	p := localnet.DefaultPorts
	ports = append(ports, p.P2P, p.RPC, p.GRPC, p.REST, p.ABCI, p.ABCI+2)
	for _, port := range ports {
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			t.Fatalf("port %d is in use (a running localnet or verifier? scripts/localnet.sh down): %v", port, err)
		}
		_ = l.Close()
	}

	// Build what the reader builds with `make build` (only the three commands the guides use).
	build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(root, "build")+string(filepath.Separator),
		"./cmd/amanahd", "./cmd/amanah", "./cmd/amanah-verifier")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	// The stand-in checkout, with its own network in .localnet.
	checkout := t.TempDir()
	for _, d := range []string{"build", "x"} {
		if err := os.Symlink(filepath.Join(root, d), filepath.Join(checkout, d)); err != nil {
			t.Fatal(err)
		}
	}
	home, tmp := filepath.Join(checkout, "home"), filepath.Join(checkout, "tmp")
	for _, d := range []string{home, tmp} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	netCtx, netCancel := context.WithTimeout(ctx, 3*time.Minute)
	defer netCancel()
	nw, err := localnet.Init(netCtx, localnet.Config{Binary: filepath.Join(root, "build", "amanahd"),
		Dir: filepath.Join(checkout, ".localnet"), N: 1, VotingPeriod: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := nw.StopAll(); err != nil {
			t.Errorf("stop the localnet: %v", err)
		}
	})
	if err := nw.StartAll(); err != nil {
		t.Fatal(err)
	}
	if err := nw.WaitAll(netCtx, 2); err != nil {
		t.Fatalf("%v\n%s", err, nw.LogTail(0, 40))
	}
	t.Logf("one-node localnet at height 2 in %s", time.Since(start).Round(time.Second))

	// The steps, as one script.
	var script strings.Builder
	for _, s := range steps {
		fmt.Fprintf(&script, "# ---- walkthrough step %d (docs/%s)\n%s\n", s.n, s.guide, s.text)
	}
	scriptFile := filepath.Join(checkout, "walkthrough.sh")
	if err := os.WriteFile(scriptFile, []byte(script.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	runCtx, runCancel := context.WithTimeout(ctx, 5*time.Minute)
	defer runCancel()
	cmd := exec.CommandContext(runCtx, "bash", "-euo", "pipefail", "-x", scriptFile)
	cmd.Dir = checkout
	cmd.Env = append(os.Environ(), "HOME="+home, "TMPDIR="+tmp, "PS4=+ walkthrough: ")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// On timeout (or a test failure) the whole process group goes: bash and what it started.
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start = time.Now()
	runErr := cmd.Run()
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // a verifier left running by a failed step
	}
	if runErr != nil {
		t.Fatalf("walkthrough failed after %s: %v\n%s\nnode log:\n%s", time.Since(start).Round(time.Second),
			runErr, tail(out.String(), 150), nw.LogTail(0, 12))
	}
	t.Logf("walkthrough (%d steps) passed in %s", len(steps), time.Since(start).Round(time.Second))

	// The guides checked their outputs; check the two results again, should a guide lose its grep.
	verdicts, _ := filepath.Glob(filepath.Join(tmp, "*", "verdict.json"))
	if len(verdicts) != 1 {
		t.Fatalf("want one verdict.json in the scratch directory, found %v", verdicts)
	}
	verdict, err := os.ReadFile(verdicts[0])
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`"verified":\s*true`).Match(verdict) {
		t.Fatalf("the verifier did not say verified: %s", verdict)
	}
	if entries, _ := os.ReadDir(checkout); len(entries) != 6 { // build x home tmp .localnet walkthrough.sh
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("the walkthrough wrote into the checkout: %v", names)
	}
}

func tail(s string, lines int) string {
	l := strings.Split(s, "\n")
	if len(l) > lines {
		l = l[len(l)-lines:]
	}
	return strings.Join(l, "\n")
}
