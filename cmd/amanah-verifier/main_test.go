package main

import (
	"context"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// TestMain lets the test binary run the command itself (for the SIGTERM test).
func TestMain(m *testing.M) {
	if os.Getenv("AMANAH_VERIFIER_MAIN") == "1" {
		if err := run(os.Args[1:]); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestSIGTERM starts the command with nodes that do not answer: it serves
// health NOT_SERVING (fail closed, never synced), and on SIGTERM stops
// gracefully with exit status 0.
func TestSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocess")
	}
	listen := freeAddr(t)
	dead := freeAddr(t) // nothing listens here
	cmd := exec.Command(os.Args[0], "-listen", listen, "-rest", "off", "-metrics", freeAddr(t),
		"-node", "a=http://"+dead, "-allow-plaintext-nodes", "-chain-id", "amanah-test", "-trust-height", "1",
		"-trust-hash", strings.Repeat("ab", 32))
	cmd.Env = append(os.Environ(), "AMANAH_VERIFIER_MAIN=1", apiKeysEnv+"=did:amanah:test:bank=0123456789abcdef0123")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	conn, err := grpc.NewClient(listen, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	hc := healthpb.NewHealthClient(conn)
	deadline := time.Now().Add(20 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		r, err := hc.Check(ctx, &healthpb.HealthCheckRequest{})
		cancel()
		if err == nil {
			if r.Status != healthpb.HealthCheckResponse_NOT_SERVING {
				t.Fatalf("health %v with no reachable node", r.Status)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server never answered: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("did not stop within 15 s of SIGTERM")
	}
}
