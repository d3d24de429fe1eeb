package main

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/amanah-id/amanah/openid4vp/holder"
	"github.com/amanah-id/amanah/verifier/client"
	"github.com/amanah-id/amanah/verifier/ledger/chaintest"
	"github.com/amanah-id/amanah/verifier/oid4vptest"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

// stepTimeout bounds one browser step (a page load, the wait for a verdict).
const stepTimeout = 90 * time.Second

// TestCheckoutInBrowser drives the checkout page in headless Chromium with
// the wallet's OpenID4VP flow (openid4vp/holder, what `amanah wallet
// present` runs) on a real in-process chain: the customer clicks "Prove you
// are over 18", the wallet answers the QR code's request, the page shows
// "verified: over 18" and only the claims asked; then a revoked credential
// answers the same-device link, the wallet sends the browser back, and the
// page shows the refusal. Screenshots of every step go to build/checkout/.
func TestCheckoutInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("in-process chain and a browser")
	}
	require.Equal(t, trusttypes.NationalIDVCT, NationalIDVCT)
	chrome := findChromium(t)
	shots := screenshotDir(t)

	w := chaintest.New(t)
	issuer := w.NewDID()
	w.AccreditIssuer("checkout-issuer", issuer)
	list := w.CreateList(issuer)
	good := w.Issue(issuer, "#key-1", issuer.Key, w.BlockTime(), chaintest.ListURI(list), 1)
	revoked := w.Issue(issuer, "#key-1", issuer.Key, w.BlockTime(), chaintest.ListURI(list), 2)
	oid4vptest.RegisterClientID(w, 2)
	w.Revoke(issuer, list, 2, 1)
	v := oid4vptest.Start(t, w, oid4vptest.Options{})

	// The checkout, wired as main wires it: the verifier over gRPC, the bank's API key.
	vc, err := client.Dial(v.GRPCAddr, client.Options{Insecure: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = vc.Close() })
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	base := "http://" + lis.Addr().String()
	srv := &http.Server{Handler: NewShop(vc.RPC(), oid4vptest.APIKey, base, NationalIDVCT), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(func() { _ = srv.Close() })

	b := newBrowser(t, chrome, shots)
	ctx := context.Background()

	// Run 1, cross-device: the page shows the QR code; the phone's wallet answers it.
	b.do("01-cart", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.ID("prove")))
	b.do("02-qr-code", chromedp.Click(chromedp.ID("prove")), chromedp.WaitVisible(chromedp.ID("qr")))
	uri := get(b, chromedp.Text(chromedp.ID("request-uri")))
	require.True(t, strings.HasPrefix(uri, "openid4vp://?"), uri)
	var plan *holder.Plan
	opts := oid4vptest.Wallet(t, v.View.Cache, good)
	opts.Consent = func(p *holder.Plan) (bool, error) { plan = p; return true, nil }
	out, err := holder.Present(ctx, uri, opts)
	require.NoError(t, err)
	require.Empty(t, out.RedirectURI, "a cross-device request has no redirect")
	require.Equal(t, "Bank Amanah Berhad", plan.RelyingPartyName)
	require.ElementsMatch(t, askedClaims, plan.Disclosures[0].Claims)
	verdict, claims := b.result("03-verified")
	require.Equal(t, "verified: over 18", verdict)
	require.Contains(t, claims, "age_over_18\ntrue")
	require.Contains(t, claims, "given_name\nAminah")
	for _, never := range []string{"birthdate", "1990", "family_name", "Yusof"} {
		require.NotContains(t, claims, never)
	}

	// Run 2, same-device, with a revoked credential: the wallet on this device
	// answers the link and sends the browser back to the checkout.
	b.do("04-cart-again", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.ID("prove")))
	b.do("05-same-device-link", chromedp.Click(chromedp.ID("prove")), chromedp.WaitVisible(chromedp.ID("same-device")))
	link := get(b, chromedp.AttributeValue(chromedp.ID("same-device"), "href")).Value
	require.True(t, strings.HasPrefix(link, "openid4vp://?"), link)
	out, err = holder.Present(ctx, link, oid4vptest.Wallet(t, v.View.Cache, revoked))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(out.RedirectURI, base+"/done#response_code="), out.RedirectURI)
	b.do("06-back-from-wallet", chromedp.Navigate(out.RedirectURI))
	verdict, claims = b.result("07-refused")
	require.Equal(t, "refused: revoked", verdict)
	require.Empty(t, claims)
}

// findChromium returns Chromium's path; without it the test fails in CI
// (make deps installs it) and is skipped elsewhere.
func findChromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "chromium not found: install it with ./scripts/deps.sh chromium (make deps does)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// screenshotDir returns build/checkout at the repository's root, created.
func screenshotDir(t *testing.T) string {
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		require.NotEqual(t, parent, dir, "no go.mod above the test")
		dir = parent
	}
	dir = filepath.Join(dir, "build", "checkout")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return dir
}

// browser is one headless Chromium tab.
type browser struct {
	t     *testing.T
	ctx   context.Context
	shots string
}

func newBrowser(t *testing.T, chrome, shots string) *browser {
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chrome),
		chromedp.Flag("headless", "new"), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.WindowSize(900, 1100))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelTab(); cancelAlloc() })
	// Start the browser on the tab's own context: a first run under a
	// deadline would close the browser with it.
	require.NoError(t, chromedp.Do(ctx), "starting %s", chrome)
	return &browser{t: t, ctx: ctx, shots: shots}
}

// do runs steps under stepTimeout, then saves a screenshot named name
// (name-failed on an error, before failing the test with the page's text).
func (b *browser) do(name string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	err := chromedp.Do(ctx, steps...)
	if err != nil {
		name += "-failed"
	}
	b.screenshot(name)
	if err != nil {
		tctx, tcancel := context.WithTimeout(b.ctx, 10*time.Second)
		defer tcancel()
		body, _ := chromedp.Run(tctx, chromedp.Evaluate[string]("document.body.innerText"))
		b.t.Fatalf("browser step %s: %v\npage text:\n%s", name, err, body)
	}
}

// get runs one action that reads the page, under stepTimeout.
func get[T any](b *browser, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	require.NoError(b.t, err)
	return v
}

func (b *browser) screenshot(name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	path := filepath.Join(b.shots, name+".png")
	require.NoError(b.t, os.WriteFile(path, png, 0o644))
	b.t.Logf("screenshot %s", path)
}

// result waits (the page polls /status) for the verdict and returns it with
// the disclosed claims' text.
func (b *browser) result(name string) (verdict, claims string) {
	b.t.Helper()
	b.do(name, chromedp.WaitVisible(chromedp.ID("result")))
	verdict = get(b, chromedp.Text(chromedp.ID("verdict")))
	claims = get(b, chromedp.Evaluate[string](`document.getElementById("claims").innerText`))
	return strings.TrimSpace(verdict), claims
}
