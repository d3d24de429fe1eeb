package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/amanah-id/amanah/verifier/auth"
)

// Duration is a time.Duration written as "15s" in the config file.
type Duration time.Duration

// UnmarshalJSON reads "15s" or a number of nanoseconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var n int64
		if err2 := json.Unmarshal(b, &n); err2 != nil {
			return fmt.Errorf("duration: %w", err)
		}
		*d = Duration(n)
		return nil
	}
	v, err := time.ParseDuration(s)
	*d = Duration(v)
	return err
}

// NodeConfig is one node: its CometBFT RPC URL (https://host:26657). The
// first node is the light client's primary, the others its witnesses.
type NodeConfig struct {
	Name string `json:"name"`
	RPC  string `json:"rpc"`
}

// TrustConfig is where trust in the chain starts: a trust root file made by
// `amanah trust-root` from a node you run (or published by the council), or
// its chain id, height and header hash given directly.
type TrustConfig struct {
	RootFile string `json:"root_file"`
	ChainID  string `json:"chain_id"`
	Height   int64  `json:"height"`
	Hash     string `json:"hash"`
	// Period is the light client's trusting period (shorter than the
	// chain's unbonding time).
	Period Duration `json:"period"`
}

// NodeTLSConfig is TLS to the nodes' RPC.
type NodeTLSConfig struct {
	// CA pins the CA the nodes' certificates chain to (empty: system roots).
	CA string `json:"ca"`
	// Cert and Key are an optional client certificate.
	Cert       string `json:"cert"`
	Key        string `json:"key"`
	ServerName string `json:"server_name"`
	// AllowPlaintext permits http:// node URLs (loopback tests only; logged).
	AllowPlaintext bool `json:"allow_plaintext"`
}

// TLSConfig names the server's TLS files.
type TLSConfig struct {
	Cert string `json:"cert"`
	Key  string `json:"key"`
	// ClientCA enables client certificates (mTLS) verified against this CA.
	ClientCA string `json:"client_ca"`
	// ServerCA verifies the server's own certificate when the REST gateway
	// dials the gRPC listener.
	ServerCA string `json:"server_ca"`
}

// Config is the verifier's configuration file (YAML or JSON).
type Config struct {
	Listen        string        `json:"listen"`
	RESTListen    string        `json:"rest_listen"`
	MetricsListen string        `json:"metrics_listen"`
	Nodes         []NodeConfig  `json:"nodes"`
	Trust         TrustConfig   `json:"trust"`
	NodeTLS       NodeTLSConfig `json:"node_tls"`
	TLS           TLSConfig     `json:"tls"`
	Clients       []auth.Client `json:"clients"`
	// APIKeysFile adds clients from a file of did=key lines (-api-keys-file).
	APIKeysFile  string    `json:"api_keys_file"`
	Freshness    Duration  `json:"freshness"`
	ChallengeTTL Duration  `json:"challenge_ttl"`
	RateLimit    RateLimit `json:"rate_limit"`
	// FailedAuthLimit limits failed authentications per source address
	// (per_second 0 disables it).
	FailedAuthLimit RateLimit `json:"failed_auth_limit"`
	// Reflection serves gRPC server reflection (development).
	Reflection bool        `json:"reflection"`
	Cache      CacheConfig `json:"cache"`
	AuditLog   string      `json:"audit_log"`
	// ForeignLedgers are the foreign ledgers to follow while the local council recognises them
	// (docs/federation.md): the trust root comes from the recognition on the local ledger, the
	// nodes from here (-foreign chain-id=url).
	ForeignLedgers []ForeignLedgerConfig `json:"foreign_ledgers"`
	// State is the state store of challenges and OpenID4VP transactions:
	// "memory" (default, one process) or "redis://host:port/db" (replicas).
	State string `json:"state"`
	// OpenID4VP configures presentation requests and the public listener.
	OpenID4VP OpenID4VPConfig `json:"openid4vp"`
}

// ForeignLedgerConfig is one foreign ledger: its chain id, nodes, and freshness bound (the
// local one if 0).
type ForeignLedgerConfig struct {
	ChainID   string       `json:"chain_id"`
	Nodes     []NodeConfig `json:"nodes"`
	Freshness Duration     `json:"freshness"`
}

// RateLimit is the per-relying-party limit.
type RateLimit struct {
	PerSecond float64 `json:"per_second"`
	Burst     int     `json:"burst"`
}

// CacheConfig bounds the ledger cache.
type CacheConfig struct {
	MaxDIDs    int `json:"max_dids"`
	MaxPages   int `json:"max_pages"`
	MaxEntries int `json:"max_entries"`
}

func defaultConfig() Config {
	return Config{Listen: "127.0.0.1:50051", RESTListen: "127.0.0.1:8080", MetricsListen: "127.0.0.1:9102",
		Freshness: Duration(15 * time.Second), ChallengeTTL: Duration(5 * time.Minute),
		Trust:           TrustConfig{Period: Duration(14 * 24 * time.Hour)},
		RateLimit:       RateLimit{PerSecond: 2000, Burst: 4000},
		FailedAuthLimit: RateLimit{PerSecond: auth.DefaultFailuresPerSecond, Burst: auth.DefaultFailureBurst}, AuditLog: "-"}
}

func loadConfig(path string, c *Config) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	j, err := yaml.YAMLToJSON(b)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	dec := json.NewDecoder(strings.NewReader(string(j)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(c); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func (c *Config) validate() error {
	if len(c.Nodes) == 0 {
		return errors.New("at least one node (nodes: or -node) is required")
	}
	for _, n := range c.Nodes {
		switch {
		case strings.HasPrefix(n.RPC, "https://"):
		case strings.HasPrefix(n.RPC, "http://"):
			if !c.NodeTLS.AllowPlaintext {
				return fmt.Errorf("node %q: %s is plaintext; use https:// or set node_tls.allow_plaintext (-allow-plaintext-nodes)", n.Name, n.RPC)
			}
		default:
			return fmt.Errorf("node %q: rpc must be an https:// URL, got %q", n.Name, n.RPC)
		}
	}
	if c.Trust.RootFile == "" && (c.Trust.ChainID == "" || c.Trust.Height <= 0 || c.Trust.Hash == "") {
		return errors.New("trust: a root_file (-trust-root) or chain_id, height and hash (-chain-id, -trust-height, -trust-hash) are required")
	}
	if time.Duration(c.Trust.Period) <= 0 {
		return errors.New("trust.period must be positive")
	}
	if len(c.Clients) == 0 {
		return errors.New("no relying-party clients configured")
	}
	if (c.TLS.Cert == "") != (c.TLS.Key == "") {
		return errors.New("tls: cert and key go together")
	}
	if c.TLS.ClientCA != "" && c.TLS.Cert == "" {
		return errors.New("tls: client_ca needs a server cert and key")
	}
	if time.Duration(c.Freshness) <= 0 {
		return errors.New("freshness must be positive")
	}
	return nil
}

// apiKeysEnv names the environment variable holding API keys (the same
// format as -api-keys-file).
const apiKeysEnv = "AMANAH_VERIFIER_API_KEYS"

// maxAPIKeysFile bounds the API keys file.
const maxAPIKeysFile = 1 << 20

// loadAPIKeys adds the clients of cfg.APIKeysFile and of $AMANAH_VERIFIER_API_KEYS
// (then unset) to cfg.Clients; it warns on warn when the file is readable by
// group or others.
func loadAPIKeys(cfg *Config, warn io.Writer) error {
	if cfg.APIKeysFile != "" {
		f, err := os.Open(cfg.APIKeysFile)
		if err != nil {
			return fmt.Errorf("api keys file: %w", err)
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.Mode().Perm()&0o077 != 0 {
			fmt.Fprintf(warn, "amanah-verifier: warning: api keys file %s is readable by group or others (mode %v)\n", cfg.APIKeysFile, st.Mode().Perm())
		}
		b, err := io.ReadAll(io.LimitReader(f, maxAPIKeysFile+1))
		if err != nil {
			return fmt.Errorf("api keys file: %w", err)
		}
		if len(b) > maxAPIKeysFile {
			return fmt.Errorf("api keys file %s: over %d bytes", cfg.APIKeysFile, maxAPIKeysFile)
		}
		cs, err := parseAPIKeys(string(b))
		if err != nil {
			return fmt.Errorf("api keys file %s: %w", cfg.APIKeysFile, err)
		}
		cfg.Clients = append(cfg.Clients, cs...)
	}
	if v, ok := os.LookupEnv(apiKeysEnv); ok {
		_ = os.Unsetenv(apiKeysEnv)
		cs, err := parseAPIKeys(v)
		if err != nil {
			return fmt.Errorf("$%s: %w", apiKeysEnv, err)
		}
		cfg.Clients = append(cfg.Clients, cs...)
	}
	return nil
}

// parseAPIKeys reads API keys: entries "did=key" or "did=sha256:<64 hex>"
// separated by white space (one a line, say), lines starting with # ignored.
// Keys are checked by auth.New (length, digest form).
func parseAPIKeys(text string) ([]auth.Client, error) {
	var out []auth.Client
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		for _, e := range strings.Fields(line) {
			did, key, ok := strings.Cut(e, "=")
			if !ok || !strings.HasPrefix(did, "did:") || key == "" {
				return nil, fmt.Errorf("line %d: want did=key or did=sha256:<hex>", i+1)
			}
			if h, ok := strings.CutPrefix(key, "sha256:"); ok {
				out = append(out, auth.Client{DID: did, APIKeySHA256: []string{h}})
				continue
			}
			out = append(out, auth.Client{DID: did, APIKeys: []string{key}})
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no API key")
	}
	return out, nil
}
