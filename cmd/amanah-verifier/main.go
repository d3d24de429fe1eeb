// Command amanah-verifier serves amanah.verifier.v1.Verifier: relying parties
// verify SD-JWT VC presentations against the Amanah ledger read through one
// or more nodes. See docs/verifier-integration.md.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/amanah-id/amanah/buildinfo"
	"github.com/amanah-id/amanah/verifier/assemble"
	"github.com/amanah-id/amanah/verifier/challenge"
	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/ledger/federation"
	"github.com/amanah-id/amanah/verifier/ledger/node"
	"github.com/amanah-id/amanah/verifier/ledger/proved"
	"github.com/amanah-id/amanah/verifier/server"
)

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "amanah-verifier:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	cfg := defaultConfig()
	fs := flag.NewFlagSet("amanah-verifier", flag.ContinueOnError)
	path := fs.String("config", "", "configuration file (YAML or JSON)")
	listen := fs.String("listen", "", "gRPC listen address")
	rest := fs.String("rest", "", "REST gateway listen address (\"off\" disables)")
	metricsAddr := fs.String("metrics", "", "Prometheus metrics listen address")
	freshness := fs.Duration("freshness", 0, "freshness bound: refuse to answer when the last block is older")
	tlsCert := fs.String("tls-cert", "", "server certificate (PEM)")
	tlsKey := fs.String("tls-key", "", "server key (PEM)")
	clientCA := fs.String("client-ca", "", "CA of relying parties' client certificates (enables mTLS)")
	maxDIDs := fs.Int("cache-max-dids", 0, "maximum cached DIDs")
	maxPages := fs.Int("cache-max-pages", 0, "maximum cached status pages")
	trustRoot := fs.String("trust-root", "", "trust root file (from `amanah trust-root`)")
	chainID := fs.String("chain-id", "", "chain id (with -trust-height and -trust-hash, instead of -trust-root)")
	trustHeight := fs.Int64("trust-height", 0, "trusted header height")
	trustHash := fs.String("trust-hash", "", "trusted header hash (hex)")
	trustPeriod := fs.Duration("trusting-period", 0, "light client trusting period")
	nodeCA := fs.String("node-ca", "", "CA of the nodes' RPC TLS certificates (PEM)")
	nodeCert := fs.String("node-cert", "", "client certificate to the nodes (PEM)")
	nodeKey := fs.String("node-key", "", "client key to the nodes (PEM)")
	plaintext := fs.Bool("allow-plaintext-nodes", false, "allow http:// node URLs (loopback tests only)")
	keysFile := fs.String("api-keys-file", "", "file of relying-party API keys: did=key or did=sha256:<hex> per line "+
		"(also from $"+apiKeysEnv+"; keys never go on the command line)")
	reflect := fs.Bool("reflection", false, "serve gRPC server reflection (development)")
	showVersion := fs.Bool("version", false, "print the version and commit, and exit")
	applyOID4VP := oid4vpFlags(fs)
	var nodes, foreign listFlag
	fs.Var(&nodes, "node", "node as name=https://rpc-host:port (repeatable; the first is the primary)")
	fs.Var(&foreign, "foreign", "node of a recognised foreign ledger as chain-id=https://rpc-host:port (repeatable; the first of a chain is its primary)")
	for _, a := range args {
		if n := strings.TrimLeft(a, "-"); a != n && (n == "api-key" || strings.HasPrefix(n, "api-key=")) {
			return errors.New("-api-key was removed (keys on the command line show in ps): use -api-keys-file or $" + apiKeysEnv)
		}
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *showVersion {
		fmt.Println(buildinfo.String("amanah-verifier"))
		return nil
	}
	if *path != "" {
		if err := loadConfig(*path, &cfg); err != nil {
			return err
		}
	}
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&cfg.Listen, *listen)
	set(&cfg.RESTListen, *rest)
	set(&cfg.MetricsListen, *metricsAddr)
	set(&cfg.TLS.Cert, *tlsCert)
	set(&cfg.TLS.Key, *tlsKey)
	set(&cfg.TLS.ClientCA, *clientCA)
	if *freshness > 0 {
		cfg.Freshness = Duration(*freshness)
	}
	if *maxDIDs > 0 {
		cfg.Cache.MaxDIDs = *maxDIDs
	}
	if *maxPages > 0 {
		cfg.Cache.MaxPages = *maxPages
	}
	set(&cfg.Trust.RootFile, *trustRoot)
	set(&cfg.Trust.ChainID, *chainID)
	set(&cfg.Trust.Hash, *trustHash)
	if *trustHeight > 0 {
		cfg.Trust.Height = *trustHeight
	}
	if *trustPeriod > 0 {
		cfg.Trust.Period = Duration(*trustPeriod)
	}
	set(&cfg.NodeTLS.CA, *nodeCA)
	set(&cfg.NodeTLS.Cert, *nodeCert)
	set(&cfg.NodeTLS.Key, *nodeKey)
	if *plaintext {
		cfg.NodeTLS.AllowPlaintext = true
	}
	if *reflect {
		cfg.Reflection = true
	}
	set(&cfg.APIKeysFile, *keysFile)
	if err := applyOID4VP(&cfg); err != nil {
		return err
	}
	for _, n := range nodes {
		name, rpc, ok := strings.Cut(n, "=")
		if !ok || strings.Contains(rpc, ",") {
			return fmt.Errorf("-node %q: want name=https://rpc-host:port", n)
		}
		cfg.Nodes = append(cfg.Nodes, NodeConfig{Name: name, RPC: rpc})
	}
	if err := addForeign(&cfg, foreign); err != nil {
		return err
	}
	if err := loadAPIKeys(&cfg, os.Stderr); err != nil {
		return err
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	return serve(cfg)
}

func serve(cfg Config) error {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	version, commit := buildinfo.Get()
	log.Info("amanah-verifier starting", "version", version, "commit", commit)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	var auditW io.Writer = os.Stdout
	if cfg.AuditLog != "" && cfg.AuditLog != "-" {
		f, err := os.OpenFile(cfg.AuditLog, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			return err
		}
		defer f.Close()
		auditW = f
	}

	opts, err := ledgerOptions(cfg)
	if err != nil {
		return err
	}
	tlsCfg, err := serverTLS(cfg.TLS)
	if err != nil {
		return err
	}
	oid, err := openID4VP(cfg.OpenID4VP)
	if err != nil {
		return err
	}
	st, err := openState(cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	var (
		view *node.View
		fed  *federation.Federation
	)
	v, err := assemble.New(assemble.Config{Clients: cfg.Clients, State: st, OpenID4VP: oid,
		RateLimit:       assemble.Limit{PerSecond: cfg.RateLimit.PerSecond, Burst: cfg.RateLimit.Burst},
		FailedAuthLimit: assemble.Limit{PerSecond: cfg.FailedAuthLimit.PerSecond, Burst: cfg.FailedAuthLimit.Burst},
		Reflection:      cfg.Reflection, TLS: tlsCfg, Freshness: time.Duration(cfg.Freshness),
		Challenges: challenge.Config{TTL: time.Duration(cfg.ChallengeTTL)}, Audit: auditW, Metrics: true, Logger: log,
	}, func(obs ledger.Observer) (assemble.Ledger, error) {
		opts.Cache = ledger.Config{Freshness: time.Duration(cfg.Freshness), MaxDIDs: cfg.Cache.MaxDIDs,
			MaxPages: cfg.Cache.MaxPages, MaxEntries: cfg.Cache.MaxEntries, Observer: obs}
		opts.Logger = log
		var err error
		if view, err = node.Open(opts); err != nil {
			return assemble.Ledger{}, err
		}
		l := assemble.Ledger{Cache: view.Cache, Evidence: view.Evidence, Proved: view.Source.Proved,
			Drops: view.Client.Drops, Usable: view.Client.Usable}
		if fed, err = federate(view, cfg, opts); err != nil {
			return assemble.Ledger{}, err
		}
		if fed != nil {
			l.Federation = fed
		}
		return l, nil
	})
	if err != nil {
		return err
	}
	go view.Run(ctx)
	if fed != nil {
		go fed.Run(ctx)
	}
	log.Info("following the chain through proofs", "chain", view.Client.ChainID(), "trust_height", opts.Root.Height,
		"nodes", len(opts.Nodes))
	srv, m := v.Server, v.Metrics
	go srv.WatchHealth(ctx, 500*time.Millisecond)

	lis, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return err
	}
	errc := make(chan error, 4)
	go func() { errc <- srv.Serve(lis) }()
	log.Info("gRPC listening", "addr", lis.Addr().String(), "tls", tlsCfg != nil, "reflection", cfg.Reflection)

	var https []*http.Server
	if cfg.MetricsListen != "" && cfg.MetricsListen != "off" {
		hs := server.NewHTTPServer(cfg.MetricsListen, m.Handler(), nil)
		https = append(https, hs)
		go func() { errc <- ignoreClosed(hs.ListenAndServe()) }()
		log.Info("metrics listening", "addr", cfg.MetricsListen)
	}
	if cfg.RESTListen != "" && cfg.RESTListen != "off" {
		creds := insecure.NewCredentials()
		if tlsCfg != nil {
			pool := x509.NewCertPool()
			if cfg.TLS.ServerCA != "" {
				pem, err := os.ReadFile(cfg.TLS.ServerCA)
				if err != nil || !pool.AppendCertsFromPEM(pem) {
					return fmt.Errorf("tls.server_ca %s: unreadable", cfg.TLS.ServerCA)
				}
			}
			creds = credentials.NewTLS(&tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12})
		}
		conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(creds))
		if err != nil {
			return err
		}
		defer conn.Close()
		gw, err := srv.Gateway(ctx, conn)
		if err != nil {
			return err
		}
		hs := server.NewHTTPServer(cfg.RESTListen, gw, tlsCfg)
		https = append(https, hs)
		go func() {
			if tlsCfg != nil {
				errc <- ignoreClosed(hs.ListenAndServeTLS("", ""))
				return
			}
			errc <- ignoreClosed(hs.ListenAndServe())
		}()
		log.Info("REST gateway listening", "addr", cfg.RESTListen)
	}

	hs, err := startPublic(ctx, cfg, v, view.Cache, errc)
	if err != nil {
		for _, h := range https {
			_ = h.Close()
		}
		srv.GRPC.Stop()
		return err
	}
	if hs != nil {
		https = append(https, hs)
		log.Info("OpenID4VP public endpoints listening", "addr", cfg.OpenID4VP.PublicListen, "url", cfg.OpenID4VP.PublicURL)
	}

	select {
	case <-ctx.Done():
		log.Info("shutting down")
	case err := <-errc:
		if err != nil {
			log.Error("listener failed", "err", err)
		}
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, hs := range https {
		_ = hs.Shutdown(sctx)
	}
	srv.Shutdown(sctx)
	return nil
}

// ledgerOptions turns the configuration into the proof-checked view's options.
func ledgerOptions(cfg Config) (node.Options, error) {
	var o node.Options
	t := cfg.Trust
	if t.RootFile != "" {
		f, _, err := node.ReadTrustRootFile(t.RootFile)
		if err != nil {
			return o, err
		}
		if o.Root, err = f.Root(time.Duration(t.Period)); err != nil {
			return o, err
		}
	} else {
		hash, err := proved.ParseHash(t.Hash)
		if err != nil {
			return o, err
		}
		o.Root = proved.TrustRoot{ChainID: t.ChainID, Height: t.Height, Hash: hash, Period: time.Duration(t.Period)}
	}
	for i, n := range cfg.Nodes {
		name := n.Name
		if name == "" {
			name = fmt.Sprintf("node-%d", i)
		}
		o.Nodes = append(o.Nodes, proved.Endpoint{Name: name, URL: n.RPC})
	}
	nt := cfg.NodeTLS
	o.TLS = &proved.TLSConfig{CAFile: nt.CA, CertFile: nt.Cert, KeyFile: nt.Key, ServerName: nt.ServerName}
	o.AllowPlaintext = nt.AllowPlaintext
	return o, nil
}

func ignoreClosed(err error) error {
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

func serverTLS(c TLSConfig) (*tls.Config, error) {
	if c.Cert == "" {
		return nil, nil
	}
	cert, err := tls.LoadX509KeyPair(c.Cert, c.Key)
	if err != nil {
		return nil, err
	}
	t := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if c.ClientCA != "" {
		pem, err := os.ReadFile(c.ClientCA)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("client_ca %s: no certificate", c.ClientCA)
		}
		// Certificates are verified when sent; a caller without one must
		// present an API key (the auth interceptor refuses anything else).
		t.ClientCAs, t.ClientAuth = pool, tls.VerifyClientCertIfGiven
	}
	return t, nil
}
