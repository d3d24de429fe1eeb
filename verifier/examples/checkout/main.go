// Command checkout is a bank's checkout page for an age-restricted purchase:
// "Prove you are over 18 with Amanah". It asks the Amanah verifier for an
// OpenID4VP presentation request (CreatePresentationRequest), shows it as a
// QR code (the citizen's phone) and as a link (a wallet on this device),
// waits for the wallet's answer by polling its own /status endpoint (which
// calls GetPresentationResult), and shows the verdict and the claims the
// wallet disclosed: only age_over_18 and given_name ever reach the bank.
//
// It authenticates to the verifier as the bank with its API key, read from
// the environment (never a flag: ps shows flags):
//
//	AMANAH_API_KEY=... go run ./verifier/examples/checkout -verifier verifier.bank.example:9090
//
// Copy it: shop.go holds the handlers, page.html the page (plain JS, no framework).
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/amanah-id/amanah/verifier/client"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:8090", "address the checkout page listens on")
	baseURL := flag.String("base-url", "", "the checkout's public URL, for the wallet's same-device redirect (default http://<listen>)")
	addr := flag.String("verifier", "", "the Amanah verifier's gRPC address (required)")
	insecure := flag.Bool("insecure", false, "plaintext to a loopback -verifier (local development)")
	vct := flag.String("vct", NationalIDVCT, "credential type to ask for")
	flag.Parse()
	apiKey := os.Getenv("AMANAH_API_KEY")
	if *addr == "" || apiKey == "" {
		fmt.Fprintln(os.Stderr, "checkout: -verifier and AMANAH_API_KEY (the bank's API key) are required")
		os.Exit(2)
	}
	v, err := client.Dial(*addr, client.Options{Insecure: *insecure})
	if err != nil {
		log.Fatalf("checkout: %v", err)
	}
	defer v.Close()
	lis, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatalf("checkout: %v", err)
	}
	if *baseURL == "" {
		*baseURL = "http://" + lis.Addr().String()
	}
	shop := NewShop(v.RPC(), apiKey, strings.TrimSuffix(*baseURL, "/"), *vct)
	log.Printf("checkout on %s", *baseURL)
	srv := &http.Server{Handler: shop, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(lis))
}
