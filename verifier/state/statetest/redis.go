// Package statetest runs a private Debian redis-server for tests and
// benchmarks (installed by ./scripts/deps.sh redis-server): on a unix socket
// in a temporary directory, so it needs no port, without persistence.
package statetest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// StartRedis starts redis-server with its socket and files in dir and
// returns the state URL (unix://...) and a stop function.
func StartRedis(dir string) (url string, stop func(), err error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return "", nil, errors.New("redis-server not found: run ./scripts/deps.sh redis-server")
	}
	sock := filepath.Join(dir, "redis.sock")
	cmd := exec.Command(bin, "--port", "0", "--unixsocket", sock, "--unixsocketperm", "700", "--save", "", "--appendonly", "no",
		"--dir", dir, "--daemonize", "no", "--loglevel", "warning")
	logf, err := os.Create(filepath.Join(dir, "redis.log"))
	if err != nil {
		return "", nil, err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return "", nil, err
	}
	stop = func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		logf.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		if c, err := net.Dial("unix", sock); err == nil {
			c.Close()
			return "unix://" + sock, stop, nil
		}
		select {
		case <-ctx.Done():
			stop()
			b, _ := os.ReadFile(filepath.Join(dir, "redis.log"))
			return "", nil, fmt.Errorf("redis-server did not start: %s", b)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Redis starts redis-server for the test (skipped when -short) and stops it at its end.
func Redis(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("redis-server")
	}
	// A short directory: unix socket paths are limited to about 100 bytes.
	dir, err := os.MkdirTemp("", "redis")
	if err != nil {
		t.Fatal(err)
	}
	url, stop, err := StartRedis(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stop(); _ = os.RemoveAll(dir) })
	return url
}
