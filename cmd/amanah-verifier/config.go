package main

import (
	"encoding/json"
	"errors"
	"fmt"
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

// NodeConfig is one node: its gRPC address and its CometBFT RPC address.
type NodeConfig struct {
	Name string `json:"name"`
	GRPC string `json:"grpc"`
	RPC  string `json:"rpc"`
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
	TLS           TLSConfig     `json:"tls"`
	Clients       []auth.Client `json:"clients"`
	Freshness     Duration      `json:"freshness"`
	ChallengeTTL  Duration      `json:"challenge_ttl"`
	RateLimit     RateLimit     `json:"rate_limit"`
	Cache         CacheConfig   `json:"cache"`
	AuditLog      string        `json:"audit_log"`
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
	return Config{Listen: "127.0.0.1:9090", RESTListen: "127.0.0.1:8080", MetricsListen: "127.0.0.1:9102",
		Freshness: Duration(15 * time.Second), ChallengeTTL: Duration(5 * time.Minute),
		RateLimit: RateLimit{PerSecond: 2000, Burst: 4000}, AuditLog: "-"}
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
		if n.GRPC == "" || n.RPC == "" {
			return fmt.Errorf("node %q: grpc and rpc addresses are required", n.Name)
		}
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
