// Command checkout is a bank's checkout calling the Amanah verifier: it asks
// for a challenge, hands it to the citizen's wallet, and verifies the
// presentation that comes back, learning only "over 18" and the name.
//
// With -verifier it calls a running amanah-verifier (and reads the
// presentation from -presentation); without it, it starts an in-process
// verifier over an in-memory ledger and plays the wallet itself:
//
//	go run ./verifier/examples/checkout
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/verifier/client"
	"github.com/amanah-id/amanah/verifier/verifiertest"
)

func main() {
	addr := flag.String("verifier", "", "verifier gRPC address (empty: start an in-process demo verifier)")
	vct := flag.String("vct", verifiertest.VCT, "credential type to ask for")
	insecure := flag.Bool("insecure", false, "plaintext to a loopback -verifier (local development)")
	flag.Parse()
	apiKey := os.Getenv("AMANAH_API_KEY") // the bank's API key: from the environment, never a flag (ps shows flags)
	if apiKey == "" {
		apiKey = verifiertest.RPKey
	}
	if err := run(*addr, apiKey, *vct, *insecure); err != nil {
		fmt.Fprintln(os.Stderr, "checkout:", err)
		os.Exit(1)
	}
}

func run(addr, apiKey, vct string, insecure bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var wallet func(nonce, aud string) (string, error)
	if addr == "" {
		env, err := verifiertest.New(keys.Ed25519)
		if err != nil {
			return err
		}
		lis, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		if _, err := env.Serve(ctx, lis, os.Stderr); err != nil {
			return err
		}
		go env.KeepFresh(ctx, time.Second)
		addr = lis.Addr().String()
		holder, err := env.Issue(vct, 17, keys.Ed25519)
		if err != nil {
			return err
		}
		wallet = func(nonce, aud string) (string, error) {
			return holder.Present(nonce, aud, "given_name", "age_over_18")
		}
		fmt.Printf("demo verifier on %s, issuer %s\n", addr, env.IssuerDID)
		insecure = true // the in-process demo verifier listens on loopback without TLS
	} else {
		wallet = func(nonce, aud string) (string, error) {
			fmt.Printf("give the wallet nonce=%s aud=%s, then paste the presentation:\n", nonce, aud)
			var p string
			_, err := fmt.Scanln(&p)
			return p, err
		}
	}

	v, err := client.Dial(addr, client.Options{APIKey: apiKey, Insecure: insecure})
	if err != nil {
		return err
	}
	defer v.Close()

	// 1. The checkout asks for a challenge naming what it needs.
	ch, err := v.CreateChallenge(ctx, verifiertest.Audience, []string{vct}, []string{"given_name", "age_over_18"})
	if err != nil {
		return fmt.Errorf("challenge: %w", err)
	}
	// 2. The wallet answers with a presentation bound to the nonce.
	pres, err := wallet(ch.Nonce, ch.Audience)
	if err != nil {
		return err
	}
	// 3. The checkout verifies it and decides.
	start := time.Now()
	res, err := v.Verify(ctx, pres, ch.Nonce, client.Policy{RequiredClaims: []string{"age_over_18"}, MaxStatusAge: 30 * time.Second})
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	fmt.Printf("verified=%v reason=%q in %s at ledger height %d\n", res.Verified, res.Reason, time.Since(start).Round(time.Microsecond), res.Height)
	if !res.Verified {
		return fmt.Errorf("payment refused: %s", res.Reason)
	}
	if res.Claims["age_over_18"] != true {
		fmt.Println("payment refused: customer is not over 18")
		return nil
	}
	fmt.Printf("payment accepted for %v (over 18, credential %s from %s)\n", res.Claims["given_name"], res.VCT, res.Issuer)
	return nil
}
