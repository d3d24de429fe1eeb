package client

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/verifier/verifiertest"
)

func TestIsLocal(t *testing.T) {
	for target, want := range map[string]bool{
		"127.0.0.1:50051":              true,
		"127.9.9.9:1":                  true,
		"[::1]:50051":                  true,
		"localhost:50051":              true,
		"dns:///localhost:50051":       true,
		"unix:///run/amanah.sock":      true,
		"verifier.bank.internal:50051": false,
		"10.0.0.5:50051":               false,
		"dns:///10.0.0.5:50051":        false,
		"localhost.evil.example:1":     false,
		"[::ffff:10.0.0.1]:1":          false,
		"":                             false,
	} {
		if got := isLocal(target); got != want {
			t.Errorf("isLocal(%q) = %v, want %v", target, got, want)
		}
	}
}

func TestPlaintextOnlyToLoopback(t *testing.T) {
	if _, err := Dial("verifier.bank.internal:50051", Options{Insecure: true}); !errors.Is(err, ErrPlaintextNotLocal) {
		t.Fatalf("plaintext to a remote host: %v", err)
	}
	c, err := Dial("127.0.0.1:1", Options{Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
}

// TestTLSByDefault: without Options the client speaks TLS, so a plaintext
// verifier is not reached (and the API key is never sent in the clear);
// with Insecure it is.
func TestTLSByDefault(t *testing.T) {
	env, err := verifiertest.New(keys.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Serve(ctx, lis, nil); err != nil {
		t.Fatal(err)
	}
	go env.KeepFresh(ctx, time.Second)
	addr := lis.Addr().String()

	c, err := Dial(addr, Options{APIKey: verifiertest.RPKey})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	short, cancelShort := context.WithTimeout(ctx, 2*time.Second)
	defer cancelShort()
	if _, err := c.CreateChallenge(short, verifiertest.Audience, []string{verifiertest.VCT}, nil); err == nil ||
		!strings.Contains(err.Error(), "tls") && !strings.Contains(err.Error(), "handshake") {
		t.Fatalf("default (TLS) client against a plaintext server: %v", err)
	}

	p, err := Dial(addr, Options{APIKey: verifiertest.RPKey, Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	deadline := time.Now().Add(15 * time.Second)
	for {
		_, err := p.CreateChallenge(ctx, verifiertest.Audience, []string{verifiertest.VCT}, nil)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("insecure client: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
