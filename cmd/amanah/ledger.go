package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/spf13/cobra"

	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/ledger/node"
	"github.com/amanah-id/amanah/verifier/ledger/proved"
)

// defaultTrustingPeriod is the light client's trusting period when not given
// (the verifier's default; shorter than the chain's unbonding time).
const defaultTrustingPeriod = 14 * 24 * time.Hour

// nodeFlags are the flags naming the nodes a command reads the ledger from.
type nodeFlags struct {
	nodes          []string
	allowPlaintext bool
	nodeCA         string
}

// tls returns the TLS configuration of the node connections.
func (n *nodeFlags) tls() *proved.TLSConfig { return &proved.TLSConfig{CAFile: n.nodeCA} }

// checkNodeURL explains what is wrong with a --node value before any
// connection is tried.
func checkNodeURL(raw string, allowPlaintext bool) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("--node %q: not a URL (%w); want the https:// URL of a node's CometBFT RPC (https://rpc.node.example:26657)", raw, err)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !allowPlaintext {
			return fmt.Errorf("--node %s: plaintext http:// refused; use https:// (--node-ca for a private CA), or --allow-plaintext for a node on this machine", raw)
		}
	default:
		return fmt.Errorf("--node %q: want the https:// URL of a node's CometBFT RPC (https://rpc.node.example:26657)", raw)
	}
	if u.Host == "" || u.Hostname() == "" {
		return fmt.Errorf("--node %q: no host", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("--node %q: want scheme://host:port[/path] only", raw)
	}
	return nil
}

// warnLogger logs the ledger client's warnings (plaintext node, no witness)
// to the command's stderr.
func warnLogger(cmd *cobra.Command) *slog.Logger {
	return slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type trustRootFlags struct {
	nodeFlags
	node    string
	height  int64
	out     string
	force   bool
	timeout time.Duration
}

func newTrustRootCmd() *cobra.Command {
	var f trustRootFlags
	cmd := &cobra.Command{
		Use:   "trust-root --node https://rpc.node.example:26657 [--height N] [--out root.json]",
		Short: "Take a trust root (chain id, height, header hash, light block) from one node, unverified",
		Long: `Print a trust root file for the verifier (amanah-verifier --trust-root,
amanah verify --trust-root) and for amanah verify-evidence: the chain id, a
height (default: the node's latest), that header's hash and its light block
(signed header and validator set, base64 protobuf).

TRUST ON FIRST USE: the light block is read from ONE node and NOT verified
(there is nothing yet to verify it against). Everything later checked against
this root is only as good as that node's honesty at this moment. Take it from
a node you run yourself, or compare the printed chain_id, height and hash with
the trust root the council publishes before you rely on it.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error { return runTrustRoot(cmd, &f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.node, "node", "", "node CometBFT RPC URL, https:// (required)")
	fl.Int64Var(&f.height, "height", 0, "height of the trust root (0: the node's latest)")
	fl.BoolVar(&f.allowPlaintext, "allow-plaintext", false, "allow an http:// node URL (a node on this machine only)")
	fl.StringVar(&f.nodeCA, "node-ca", "", "CA certificate(s) the node's TLS certificate must chain to (PEM; default: system roots)")
	fl.StringVar(&f.out, "out", "", "write the trust root to this file (0600) instead of stdout")
	fl.BoolVar(&f.force, "force", false, "overwrite --out")
	fl.DurationVar(&f.timeout, "timeout", 10*time.Second, "timeout for reading from the node")
	return cmd
}

func runTrustRoot(cmd *cobra.Command, f *trustRootFlags) error {
	if f.node == "" {
		return errors.New("--node is required")
	}
	if err := checkNodeURL(f.node, f.allowPlaintext); err != nil {
		return err
	}
	if f.height < 0 {
		return fmt.Errorf("--height %d: want a positive height, or 0 for the latest", f.height)
	}
	if f.timeout <= 0 {
		return errors.New("--timeout must be positive")
	}
	if _, err := f.tls().Config(); err != nil {
		return fmt.Errorf("--node-ca: %w", err)
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), f.timeout)
	defer cancel()
	lb, err := proved.FetchLightBlock(ctx, f.node, f.height, f.tls(), f.allowPlaintext)
	if err != nil {
		what := "the latest light block"
		if f.height > 0 {
			what = fmt.Sprintf("the light block of height %d", f.height)
		}
		return fmt.Errorf("cannot read %s from %s: %w", what, f.node, err)
	}
	rf, err := node.NewTrustRootFile(lb)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(rf, "", "  ")
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "amanah: trust root %s height %d hash %s taken from %s WITHOUT verification (trust on first use): use a node you run, or compare with the council's published root\n",
		rf.ChainID, rf.Height, rf.Hash, f.node)
	return writeOutput(cmd, f.out, append(b, '\n'), f.force)
}

// openLedger opens the proof-checked ledger view over the nodes from the trust
// root file, and steps it until it is fresh or ctx ends.
func openLedger(ctx context.Context, cmd *cobra.Command, n *nodeFlags, rootFile string, period, freshness, timeout time.Duration) (*node.View, node.TrustRootFile, error) {
	rf, _, err := node.ReadTrustRootFile(rootFile)
	if err != nil {
		return nil, rf, err
	}
	root, err := rf.Root(period)
	if err != nil {
		return nil, rf, fmt.Errorf("trust root %s: %w", rootFile, err)
	}
	var eps []proved.Endpoint
	for i, u := range n.nodes {
		eps = append(eps, proved.Endpoint{Name: fmt.Sprintf("node%d %s", i, u), URL: u})
	}
	v, err := node.Open(node.Options{Root: root, Nodes: eps, TLS: n.tls(), AllowPlaintext: n.allowPlaintext,
		Cache: ledger.Config{Freshness: freshness, QueryTimeout: timeout}, Logger: warnLogger(cmd)})
	if err != nil {
		return nil, rf, err
	}
	// Everything committed before the command started: the state of the newest block the nodes
	// report (state h is proved by header h+1, so this waits about a block).
	return v, rf, stepUntilFresh(ctx, v.Cache, v.Client.ReportedHeight(ctx))
}

// stepUntilFresh advances the cache until its state is fresh and at least at
// height target, or ctx ends; it returns why it is not there.
func stepUntilFresh(ctx context.Context, c *ledger.Cache, target int64) error {
	var stepErr error
	for {
		if err := c.Step(ctx); err != nil {
			stepErr = err
		}
		err := c.Fresh()
		if err == nil && c.Sync().Height >= target {
			return nil
		}
		if err == nil {
			err = fmt.Errorf("ledger state at height %d, not yet at %d", c.Sync().Height, target)
		}
		select {
		case <-ctx.Done():
			if stepErr != nil {
				return stepErr
			}
			return err
		case <-time.After(200 * time.Millisecond):
		}
	}
}
