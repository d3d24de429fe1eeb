// Package rpcproxy is a loopback HTTP proxy in front of one CometBFT RPC endpoint that can be
// told to lie. Fault tests put it between a client (the verifier, a CometBFT light client, the
// CometBFT HTTP client) and a real node to show that the client refuses a node that tampers with
// ABCI query values, drops Merkle proofs, forges headers or pretends to be at an old height.
//
// By default everything passes through unchanged: JSON-RPC 2.0 over HTTP POST (single and batch
// requests), URI GET requests (/status, /abci_query?path=...) and the websocket at /websocket.
// Tamper modes (FlipValueBit, ReplaceValue, DropValue, DropProof, ForgeHeader, StaleHeight, Hook)
// can be switched on and off at any time with Set, Enable and Disable; each counts the responses
// it changed (Count) and logs what it injected. Responses no mode changed are passed on
// byte for byte; a changed response keeps its unknown fields and field order, only the tampered
// fields differ. Websocket traffic is never tampered with.
//
// The proxy binds 127.0.0.1 only, bounds request and response bodies (DefaultMaxBodyBytes) and
// upstream calls (DefaultTimeout), and Close ends every goroutine it started, websocket sessions
// included.
//
// A fault test typically reads:
//
//	p, err := rpcproxy.Start(t, node.RPCURL()) // closed by t.Cleanup
//	if err != nil {
//		t.Fatal(err)
//	}
//	// ... point the client at p.URL() ...
//	p.Set(rpcproxy.FlipValueBit{Filter: rpcproxy.QueryFilter{Path: "/store/status/key"}})
//	// ... expect the client to refuse the answer ...
//	if p.Count(rpcproxy.KindFlipValueBit) == 0 {
//		t.Fatal("the proxy tampered with nothing")
//	}
package rpcproxy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	// DefaultMaxBodyBytes bounds every request and response body the proxy handles.
	DefaultMaxBodyBytes int64 = 64 << 20
	// DefaultTimeout bounds every proxied HTTP request (not websocket sessions) and every call
	// the proxy makes upstream on its own.
	DefaultTimeout = 30 * time.Second
	// maxEvents is how many events Events keeps (the oldest are dropped).
	maxEvents = 10000
	// closeWait bounds how long Close waits for in-flight requests to end.
	closeWait = 10 * time.Second
)

// Option configures a Proxy.
type Option func(*config)

type config struct {
	logf    func(format string, args ...any)
	maxBody int64
	timeout time.Duration
}

// WithLogf sets the function the proxy logs each injection (and its own errors) with. Start
// defaults to tb.Logf; without a testing.TB nothing is logged unless this is given.
func WithLogf(logf func(format string, args ...any)) Option {
	return func(c *config) { c.logf = logf }
}

// WithMaxBodyBytes bounds request and response bodies (default DefaultMaxBodyBytes). A larger
// request gets 413; a larger response is cut off (the client sees a broken response).
func WithMaxBodyBytes(n int64) Option {
	return func(c *config) {
		if n > 0 {
			c.maxBody = n
		}
	}
}

// WithTimeout bounds each proxied HTTP request and each upstream call the proxy makes itself
// (default DefaultTimeout). Websocket sessions are not bounded; Close ends them.
func WithTimeout(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.timeout = d
		}
	}
}

// Proxy is a running tampering proxy. All its methods are safe for concurrent use.
type Proxy struct {
	upstream  *url.URL
	cfg       config
	ln        net.Listener
	srv       *http.Server
	rp        *httputil.ReverseProxy
	transport *http.Transport
	client    *http.Client // the proxy's own upstream calls (StaleHeight)
	baseCtx   context.Context
	cancel    context.CancelFunc
	serveDone chan struct{}

	lifeMu   sync.Mutex
	closed   bool
	inflight sync.WaitGroup
	closeErr error

	modeMu sync.Mutex // serialises writers of modes
	modes  atomic.Pointer[[]Mode]

	counts    map[Kind]*atomic.Int64
	requests  atomic.Int64
	evMu      sync.Mutex
	events    []Event
	commitMu  sync.Mutex
	commits   map[int64]commitInfo // upstream commit summaries by height (immutable)
	logMu     sync.Mutex
	logClosed bool
}

// Event is one injection: which mode changed which response and how.
type Event struct {
	Kind   Kind
	Method string
	Detail string
}

// String formats the event as it is logged.
func (e Event) String() string { return fmt.Sprintf("%s: %s: %s", e.Kind, e.Method, e.Detail) }

// Start starts a proxy for the CometBFT RPC endpoint upstream (e.g. http://127.0.0.1:26657;
// tcp:// is taken as http://). If tb is not nil the proxy logs with tb.Logf and is closed by
// tb.Cleanup; otherwise the caller must Close it.
func Start(tb testing.TB, upstream string, opts ...Option) (*Proxy, error) {
	if tb != nil {
		tb.Helper()
		opts = append([]Option{WithLogf(tb.Logf)}, opts...)
	}
	p, err := start(upstream, opts)
	if err != nil {
		return nil, err
	}
	if tb != nil {
		tb.Cleanup(func() {
			if err := p.Close(); err != nil {
				tb.Errorf("rpcproxy: close: %v", err)
			}
		})
	}
	return p, nil
}

// StartContext starts a proxy like Start that is closed when ctx is done (or by Close,
// whichever comes first).
func StartContext(ctx context.Context, upstream string, opts ...Option) (*Proxy, error) {
	p, err := start(upstream, opts)
	if err != nil {
		return nil, err
	}
	go func() {
		select {
		case <-ctx.Done():
			_ = p.Close()
		case <-p.baseCtx.Done():
		}
	}()
	return p, nil
}

func start(upstream string, opts []Option) (*Proxy, error) {
	u, err := parseUpstream(upstream)
	if err != nil {
		return nil, err
	}
	cfg := config{maxBody: DefaultMaxBodyBytes, timeout: DefaultTimeout}
	for _, o := range opts {
		o(&cfg)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("rpcproxy: listen: %w", err)
	}
	baseCtx, cancel := context.WithCancel(context.Background())
	p := &Proxy{
		upstream: u,
		cfg:      cfg,
		ln:       ln,
		transport: &http.Transport{
			Proxy:                 nil, // never an environment proxy: loopback to loopback
			DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:          64,
			MaxIdleConnsPerHost:   64,
			IdleConnTimeout:       30 * time.Second,
			ResponseHeaderTimeout: cfg.timeout,
			TLSHandshakeTimeout:   5 * time.Second,
		},
		baseCtx:   baseCtx,
		cancel:    cancel,
		serveDone: make(chan struct{}),
		counts:    make(map[Kind]*atomic.Int64, len(allKinds)),
		commits:   make(map[int64]commitInfo),
	}
	for _, k := range allKinds {
		p.counts[k] = new(atomic.Int64)
	}
	p.modes.Store(&[]Mode{})
	p.client = &http.Client{Transport: p.transport, Timeout: cfg.timeout}
	p.rp = &httputil.ReverseProxy{
		Rewrite:        p.rewrite,
		Transport:      p.transport,
		ModifyResponse: p.modifyResponse,
		ErrorLog:       log.New(logWriter{p}, "", 0),
	}
	p.srv = &http.Server{
		Handler:           p,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    1 << 20,
		BaseContext:       func(net.Listener) context.Context { return baseCtx },
		ErrorLog:          log.New(logWriter{p}, "", 0),
	}
	go func() {
		defer close(p.serveDone)
		_ = p.srv.Serve(ln)
	}()
	return p, nil
}

func parseUpstream(s string) (*url.URL, error) {
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("rpcproxy: upstream %q: %w", s, err)
	}
	switch u.Scheme {
	case "http", "https":
	case "tcp":
		u.Scheme = "http"
	default:
		return nil, fmt.Errorf("rpcproxy: upstream %q: scheme %q is not http, https or tcp", s, u.Scheme)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("rpcproxy: upstream %q has no host", s)
	}
	u.RawQuery, u.Fragment = "", ""
	return u, nil
}

// URL returns the proxy's base URL, http://127.0.0.1:<port>, to give a CometBFT client instead of
// the node's RPC address.
func (p *Proxy) URL() string { return "http://" + p.ln.Addr().String() }

// WebsocketURL returns ws://127.0.0.1:<port>/websocket.
func (p *Proxy) WebsocketURL() string { return "ws://" + p.ln.Addr().String() + "/websocket" }

// Addr returns the proxy's listen address, 127.0.0.1:<port>.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Upstream returns the upstream RPC address the proxy forwards to.
func (p *Proxy) Upstream() string { return p.upstream.String() }

// Close stops the proxy: it closes the listener and every connection (websocket sessions
// included), cancels upstream calls and waits for in-flight requests to end. It is idempotent.
func (p *Proxy) Close() error {
	p.lifeMu.Lock()
	if p.closed {
		p.lifeMu.Unlock()
		return p.closeErr
	}
	p.closed = true
	p.lifeMu.Unlock()

	p.cancel() // ends websocket sessions and upstream calls
	err := p.srv.Close()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	done := make(chan struct{})
	go func() {
		p.inflight.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(closeWait):
		err = errors.Join(err, fmt.Errorf("rpcproxy: requests still running %s after close", closeWait))
	}
	<-p.serveDone
	p.transport.CloseIdleConnections()

	p.logMu.Lock()
	p.logClosed = true // testing.TB.Logf must not be called after the test ends
	p.logMu.Unlock()

	p.lifeMu.Lock()
	p.closeErr = err
	p.lifeMu.Unlock()
	return err
}

// Requests returns how many HTTP requests (websocket upgrades included) the proxy has received.
func (p *Proxy) Requests() int64 { return p.requests.Load() }

// Set replaces the active tamper modes by modes, applied in the given order (Set() turns every
// mode off, so everything passes through unchanged). Requests already in flight keep the modes
// they started with.
func (p *Proxy) Set(modes ...Mode) {
	ms := make([]Mode, 0, len(modes))
	for _, m := range modes {
		if m != nil {
			ms = append(ms, m)
		}
	}
	p.modeMu.Lock()
	p.modes.Store(&ms)
	p.modeMu.Unlock()
}

// Enable switches m on: it replaces the active mode of the same Kind, or is appended after the
// active modes.
func (p *Proxy) Enable(m Mode) {
	if m == nil {
		return
	}
	p.modeMu.Lock()
	defer p.modeMu.Unlock()
	old := *p.modes.Load()
	ms := make([]Mode, 0, len(old)+1)
	replaced := false
	for _, o := range old {
		if o.Kind() == m.Kind() && !replaced {
			ms = append(ms, m)
			replaced = true
			continue
		}
		ms = append(ms, o)
	}
	if !replaced {
		ms = append(ms, m)
	}
	p.modes.Store(&ms)
}

// Disable switches off every active mode of kind k.
func (p *Proxy) Disable(k Kind) {
	p.modeMu.Lock()
	defer p.modeMu.Unlock()
	old := *p.modes.Load()
	ms := make([]Mode, 0, len(old))
	for _, o := range old {
		if o.Kind() != k {
			ms = append(ms, o)
		}
	}
	p.modes.Store(&ms)
}

// Modes returns the active modes in the order they are applied.
func (p *Proxy) Modes() []Mode { return append([]Mode(nil), *p.modes.Load()...) }

// Count returns how many responses modes of kind k have changed since Start (or ResetCounts).
// For StaleHeight that includes requests it answered for its height instead of the one asked.
func (p *Proxy) Count(k Kind) int64 {
	if c, ok := p.counts[k]; ok {
		return c.Load()
	}
	return 0
}

// Counts returns Count for every kind.
func (p *Proxy) Counts() map[Kind]int64 {
	out := make(map[Kind]int64, len(p.counts))
	for k, c := range p.counts {
		out[k] = c.Load()
	}
	return out
}

// ResetCounts sets every count to zero and forgets the events.
func (p *Proxy) ResetCounts() {
	for _, c := range p.counts {
		c.Store(0)
	}
	p.evMu.Lock()
	p.events = nil
	p.evMu.Unlock()
}

// Events returns the injections made since Start (or ResetCounts), oldest first (at most the
// last 10000).
func (p *Proxy) Events() []Event {
	p.evMu.Lock()
	defer p.evMu.Unlock()
	return append([]Event(nil), p.events...)
}

func (p *Proxy) record(k Kind, method, detail string) {
	if c, ok := p.counts[k]; ok {
		c.Add(1)
	}
	e := Event{Kind: k, Method: method, Detail: detail}
	p.evMu.Lock()
	if len(p.events) >= maxEvents {
		p.events = append(p.events[:0], p.events[len(p.events)-maxEvents/2:]...)
	}
	p.events = append(p.events, e)
	p.evMu.Unlock()
	p.logf("rpcproxy: injected %s", e)
}

func (p *Proxy) logf(format string, args ...any) {
	if p.cfg.logf == nil {
		return
	}
	p.logMu.Lock()
	defer p.logMu.Unlock()
	if !p.logClosed {
		p.cfg.logf(format, args...)
	}
}

// logWriter routes the standard library's error logs (reverse proxy, server) to logf.
type logWriter struct{ p *Proxy }

func (w logWriter) Write(b []byte) (int, error) {
	w.p.logf("rpcproxy: %s", strings.TrimRight(string(b), "\n"))
	return len(b), nil
}

// enter registers an in-flight request; it fails once Close has begun.
func (p *Proxy) enter() bool {
	p.lifeMu.Lock()
	defer p.lifeMu.Unlock()
	if p.closed {
		return false
	}
	p.inflight.Add(1)
	return true
}

type exchangeKey struct{}

func exchangeFrom(ctx context.Context) *exchange {
	ex, _ := ctx.Value(exchangeKey{}).(*exchange)
	return ex
}

// ServeHTTP implements http.Handler.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !p.enter() {
		http.Error(w, "rpcproxy: closed", http.StatusServiceUnavailable)
		return
	}
	defer p.inflight.Done()
	p.requests.Add(1)

	if isUpgrade(r) {
		// Websocket: passed through untouched for as long as both sides keep it open; Close
		// ends it through the request context.
		p.rp.ServeHTTP(w, r)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), p.cfg.timeout)
	defer cancel()
	r = r.WithContext(ctx)

	modes := *p.modes.Load()
	if len(modes) == 0 {
		r.Body = http.MaxBytesReader(w, r.Body, p.cfg.maxBody)
		p.rp.ServeHTTP(w, r)
		return
	}

	ex, err := p.newExchange(w, r, modes)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, fmt.Sprintf("rpcproxy: request body larger than %d bytes", p.cfg.maxBody), http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "rpcproxy: "+err.Error(), http.StatusBadRequest)
		return
	}
	if ex.answeredLocally() {
		body, status := ex.localResponse()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		_, _ = w.Write(body)
		return
	}
	out := r.Clone(context.WithValue(ctx, exchangeKey{}, ex))
	out.GetBody = nil
	out.TransferEncoding = nil
	if len(ex.body) == 0 {
		out.Body = http.NoBody
		out.ContentLength = 0
		out.Header.Del("Content-Length")
	} else {
		out.Body = io.NopCloser(bytes.NewReader(ex.body))
		out.ContentLength = int64(len(ex.body))
		out.Header.Set("Content-Length", strconv.Itoa(len(ex.body)))
	}
	p.rp.ServeHTTP(w, out)
}

func isUpgrade(r *http.Request) bool {
	if r.Header.Get("Upgrade") == "" {
		return false
	}
	for _, v := range r.Header.Values("Connection") {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), "upgrade") {
				return true
			}
		}
	}
	return false
}

func (p *Proxy) rewrite(pr *httputil.ProxyRequest) {
	pr.SetURL(p.upstream)
	if ex := exchangeFrom(pr.In.Context()); ex != nil {
		// A tampering exchange must read the response as plain JSON; the transport then
		// negotiates (and undoes) any compression itself.
		pr.Out.Header.Del("Accept-Encoding")
		if ex.rawQuery != nil {
			pr.Out.URL.RawQuery = *ex.rawQuery
		}
	}
}

var errResponseTooLarge = errors.New("rpcproxy: upstream response too large")

func (p *Proxy) modifyResponse(resp *http.Response) error {
	if resp.StatusCode == http.StatusSwitchingProtocols {
		return nil
	}
	ex := exchangeFrom(resp.Request.Context())
	if ex == nil || resp.Header.Get("Content-Encoding") != "" {
		resp.Body = &limitedBody{rc: resp.Body, left: p.cfg.maxBody}
		return nil
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, p.cfg.maxBody+1))
	_ = resp.Body.Close()
	if err != nil {
		return fmt.Errorf("rpcproxy: read upstream response: %w", err)
	}
	if int64(len(raw)) > p.cfg.maxBody {
		return errResponseTooLarge
	}
	out, changed := p.tamperResponses(resp.Request.Context(), ex, raw)
	if !changed {
		out = raw
	}
	resp.Body = io.NopCloser(bytes.NewReader(out))
	if changed {
		resp.ContentLength = int64(len(out))
		resp.Header.Set("Content-Length", strconv.Itoa(len(out)))
		resp.Header.Del("Transfer-Encoding")
		resp.TransferEncoding = nil
	}
	return nil
}

// limitedBody fails a pass-through response body that exceeds the bound.
type limitedBody struct {
	rc   io.ReadCloser
	left int64
}

func (l *limitedBody) Read(b []byte) (int, error) {
	if int64(len(b)) > l.left+1 {
		b = b[:l.left+1]
	}
	n, err := l.rc.Read(b)
	if int64(n) > l.left {
		n = int(l.left)
		l.left = 0
		return n, errResponseTooLarge
	}
	l.left -= int64(n)
	return n, err
}

func (l *limitedBody) Close() error { return l.rc.Close() }
