package localnet

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// ModuleRoot returns the directory of the repository's go.mod (from `go env GOMOD`).
func ModuleRoot(ctx context.Context) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("localnet: not inside the Go module")
	}
	return filepath.Dir(mod), nil
}

// BinaryEnv names an environment variable that, when set, is the amanahd binary BuildBinary
// returns without building.
const BinaryEnv = "AMANAHD_BINARY"

// BuildBinary runs `go build -o <root>/build/amanahd ./cmd/amanahd` (a no-op when the binary is
// up to date) and returns the binary's path, or returns $AMANAHD_BINARY if that is set. A cold
// build takes minutes; ctx bounds it.
func BuildBinary(ctx context.Context) (string, error) {
	if bin := os.Getenv(BinaryEnv); bin != "" {
		if _, err := os.Stat(bin); err != nil {
			return "", fmt.Errorf("localnet: $%s: %w", BinaryEnv, err)
		}
		return filepath.Abs(bin)
	}
	return BuildCommand(ctx, "amanahd")
}

// BuildCommand runs `go build -o <root>/build/<name> ./cmd/<name>` (a no-op when the binary
// is up to date) and returns the binary's path; tests and the demo use it for amanah-verifier.
func BuildCommand(ctx context.Context, name string) (string, error) {
	root, err := ModuleRoot(ctx)
	if err != nil {
		return "", err
	}
	bin := filepath.Join(root, "build", name)
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/"+name)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/%s: %w: %s", name, err, out)
	}
	return bin, nil
}

// FreeBasePorts finds base ports, away from the defaults, at which every port of an n-node
// network can be bound on 127.0.0.1 now (tests use it so they do not collide with a running
// localnet or with each other).
func FreeBasePorts(n int) (Ports, error) {
	for attempt := 0; attempt < 200; attempt++ {
		base := 30000 + (os.Getpid()*7+attempt*97)%300*100 // 30000..59900, step 100
		p := Ports{P2P: base + 6, RPC: base + 7, GRPC: base + 0, REST: base + 1, ABCI: base + 8, Prometheus: base + 2}
		if allFree(p, n) {
			return p, nil
		}
	}
	return Ports{}, errors.New("localnet: no free port range found")
}

func allFree(p Ports, n int) bool {
	c := Config{BasePorts: p}
	for i := 0; i < n; i++ {
		q := c.portsOf(i)
		for _, port := range []int{q.P2P, q.RPC, q.GRPC, q.REST, q.ABCI, q.Prometheus} {
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
			if err != nil {
				return false
			}
			_ = l.Close()
		}
	}
	return true
}

// BuildTagged runs `go build -tags <tags> -o <root>/build/<out> ./cmd/<name>` (a no-op when
// the binary is up to date) and returns the binary's path: the fault suite's upgrade test builds
// the previous release this way (tag prevrelease, see app/upgrades_current.go).
func BuildTagged(ctx context.Context, name, tags, out string) (string, error) {
	root, err := ModuleRoot(ctx)
	if err != nil {
		return "", err
	}
	bin := filepath.Join(root, "build", out)
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", tags, "-o", bin, "./cmd/"+name)
	cmd.Dir = root
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build -tags %s ./cmd/%s: %w: %s", tags, name, err, msg)
	}
	return bin, nil
}
