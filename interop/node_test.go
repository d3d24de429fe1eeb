//go:build interop

// Package interop tests Amanah against third-party implementations: the OpenWallet Foundation
// TypeScript libraries pinned in package-lock.json (installed by `make test-interop` with npm ci).
// Each test starts what it needs (a chain, the verifier, the issuer service) and runs a Node.js
// script from this directory against it.
package interop

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runNode runs `node <script> args...` in this directory (deadline 2 minutes), with env added
// to the process environment, and decodes the last line the script prints on stdout as JSON
// into out. The script's stderr is logged. A non-zero exit fails the test with both outputs.
func runNode(t *testing.T, script string, env map[string]string, out any, args ...string) {
	t.Helper()
	if _, err := os.Stat("node_modules"); err != nil {
		t.Fatalf("interop/node_modules is missing: run `make test-interop` (npm ci from package-lock.json)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", append([]string{filepath.Clean(script)}, args...)...)
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if stderr.Len() > 0 {
		t.Logf("%s stderr:\n%s", script, stderr.String())
	}
	if err != nil {
		t.Fatalf("node %s: %v\nstdout:\n%s", script, err, stdout.String())
	}
	if out == nil {
		return
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	last := lines[len(lines)-1]
	if err := json.Unmarshal([]byte(last), out); err != nil {
		t.Fatalf("node %s: last stdout line is not the JSON result (%v): %s", script, err, fmt.Sprintf("%.500s", last))
	}
}
