package main

import (
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cometbft/cometbft/p2p"
	ctypes "github.com/cometbft/cometbft/rpc/core/types"
	rpctypes "github.com/cometbft/cometbft/rpc/jsonrpc/types"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"

	"github.com/amanah-id/amanah/verifier/ledger/node"
)

// fakeRPC answers the CometBFT RPC calls trust-root makes (status, commit,
// validators) with one light block, the node's latest.
func fakeRPC(t *testing.T, lb *cmttypes.LightBlock) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req rpctypes.RPCRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var params struct {
			Height *string `json:"height"`
		}
		_ = json.Unmarshal(req.Params, &params)
		if params.Height != nil {
			if h, err := strconv.ParseInt(*params.Height, 10, 64); err != nil || h != lb.Height {
				writeRPC(t, w, rpctypes.RPCInternalError(req.ID,
					fmt.Errorf("height %s must be less than or equal to the current blockchain height %d", *params.Height, lb.Height)))
				return
			}
		}
		var res any
		switch req.Method {
		case "status":
			res = &ctypes.ResultStatus{NodeInfo: p2p.DefaultNodeInfo{Network: lb.ChainID}}
		case "commit":
			res = ctypes.NewResultCommit(lb.Header, lb.Commit, true)
		case "validators":
			n := len(lb.ValidatorSet.Validators)
			res = &ctypes.ResultValidators{BlockHeight: lb.Height, Validators: lb.ValidatorSet.Validators, Count: n, Total: n}
		default:
			writeRPC(t, w, rpctypes.RPCMethodNotFoundError(req.ID))
			return
		}
		writeRPC(t, w, rpctypes.NewRPCSuccessResponse(req.ID, res))
	})
}

func writeRPC(t *testing.T, w http.ResponseWriter, resp rpctypes.RPCResponse) {
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(resp); err != nil {
		t.Error(err)
	}
}

// closedURL returns an http:// URL on which nothing listens.
func closedURL(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "http://" + addr
}

// TestTrustRoot takes the committed trust root's light block from a fake node
// (plaintext and TLS with a pinned CA) and checks the flags' errors.
func TestTrustRoot(t *testing.T) {
	rf, lb, err := node.ReadTrustRootFile(vecRoot)
	require.NoError(t, err)
	plain := httptest.NewServer(fakeRPC(t, lb))
	defer plain.Close()
	tlsSrv := httptest.NewTLSServer(fakeRPC(t, lb))
	defer tlsSrv.Close()
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	require.NoError(t, os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tlsSrv.Certificate().Raw}), 0o600))

	for _, args := range [][]string{
		{"--node", plain.URL, "--allow-plaintext"},
		{"--node", plain.URL, "--allow-plaintext", "--height", strconv.FormatInt(lb.Height, 10)},
		{"--node", tlsSrv.URL, "--node-ca", ca},
	} {
		out, errs, code := run(t, nil, append([]string{"trust-root"}, args...)...)
		var got node.TrustRootFile
		if code != 0 || json.Unmarshal([]byte(out), &got) != nil || got != rf {
			t.Fatalf("trust-root %v: code %d\n%s\n%s", args, code, out, errs)
		}
		if !strings.Contains(errs, "WITHOUT verification (trust on first use)") {
			t.Fatalf("no trust-on-first-use warning: %s", errs)
		}
	}
	out := filepath.Join(dir, "root.json")
	mustRun(t, nil, "trust-root", "--node", plain.URL, "--allow-plaintext", "--out", out)
	assertMode0600(t, out)
	if got, _, err := node.ReadTrustRootFile(out); err != nil || got != rf {
		t.Fatalf("--out: %v %+v", err, got)
	}
	help := mustRun(t, nil, "trust-root", "--help")
	for _, want := range []string{"TRUST ON FIRST USE", "NOT verified", "a node you run yourself", "council publishes"} {
		if !strings.Contains(help, want) {
			t.Fatalf("help lacks %q:\n%s", want, help)
		}
	}

	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"no node", nil, "--node is required"},
		{"plaintext", []string{"--node", plain.URL}, "plaintext http:// refused"},
		{"tcp URL", []string{"--node", "tcp://127.0.0.1:26657"}, "want the https:// URL"},
		{"no scheme", []string{"--node", "127.0.0.1:26657"}, "want the https:// URL"},
		{"not a URL", []string{"--node", "https://[::1"}, "not a URL"},
		{"no host", []string{"--node", "https://"}, "no host"},
		{"credentials in URL", []string{"--node", "https://u:p@node.example"}, "scheme://host:port"},
		{"negative height", []string{"--node", plain.URL, "--allow-plaintext", "--height", "-1"}, "--height -1"},
		{"height beyond the node", []string{"--node", plain.URL, "--allow-plaintext", "--height", "99"}, "height 99"},
		{"unreachable", []string{"--node", closedURL(t), "--allow-plaintext", "--timeout", "2s"}, "connection refused"},
		{"TLS without the CA", []string{"--node", tlsSrv.URL}, "certificate"},
		{"CA file missing", []string{"--node", tlsSrv.URL, "--node-ca", filepath.Join(dir, "missing.pem")}, "--node-ca"},
		{"CA file not PEM", []string{"--node", tlsSrv.URL, "--node-ca", vecRoot}, "no PEM certificate"},
		{"argument", []string{"--node", plain.URL, "x"}, "no arguments"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, errs, code := run(t, nil, append([]string{"trust-root"}, c.args...)...)
			if code != 1 || out != "" || !strings.Contains(errs, c.want) {
				t.Fatalf("code %d, stdout %q, stderr %q; want 1 and %q", code, out, errs, c.want)
			}
		})
	}
}

// TestVerifyLedgerFlags checks verify's ledger-mode flags; the checks against
// a real chain are TestLedgerEndToEnd's.
func TestVerifyLedgerFlags(t *testing.T) {
	f := newFixture(t)
	base := []string{"verify", "--presentation", f.cred, "--nonce", "n", "--aud", "a"}
	with := func(extra ...string) []string { return append(append([]string(nil), base...), extra...) }
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"no key source", with(), "exactly one of --issuer-jwk (offline) and --node (ledger)"},
		{"both", with("--issuer-jwk", f.issPub, "--node", "https://node.example"), "exactly one"},
		{"no trust root", with("--node", "https://node.example"), "--trust-root is required with --node"},
		{"plaintext", with("--node", "http://127.0.0.1:26657", "--trust-root", vecRoot), "--allow-plaintext"},
		{"tcp URL", with("--node", "tcp://127.0.0.1:26657", "--trust-root", vecRoot), "want the https:// URL"},
		{"witness plaintext", with("--node", "https://node.example", "--node", "http://other.example", "--trust-root", vecRoot), "http://other.example: plaintext"},
		{"node twice", with("--node", "https://node.example", "--node", "https://node.example", "--trust-root", vecRoot), "given twice"},
		{"trust root with --issuer-jwk", with("--issuer-jwk", f.issPub, "--trust-root", vecRoot), "--trust-root is for the ledger mode"},
		{"plaintext flag with --issuer-jwk", with("--issuer-jwk", f.issPub, "--allow-plaintext"), "--allow-plaintext is for the ledger mode"},
		{"node-grpc removed", with("--node-grpc", "127.0.0.1:9090"), "--node-grpc was removed"},
		{"trusting period", with("--node", "https://node.example", "--trust-root", vecRoot, "--trusting-period", "0s"), "--trusting-period"},
		{"trust root missing", with("--node", "https://node.example", "--trust-root", filepath.Join(f.dir, "missing.json")), "trust root"},
		{"trust root not a trust root", with("--node", "https://node.example", "--trust-root", f.claims), "trust root"},
		{"CA file missing", with("--node", "https://node.example", "--trust-root", vecRoot, "--node-ca", filepath.Join(f.dir, "missing.pem")), "node CA"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, errs, code := run(t, nil, c.args...)
			if code != 1 || out != "" || !strings.Contains(errs, c.want) {
				t.Fatalf("code %d, stdout %q, stderr %q; want 1 and %q", code, out, errs, c.want)
			}
		})
	}

	// No node answers: fail closed, not verified, within --timeout.
	out, errs, code := run(t, nil, with("--node", closedURL(t), "--trust-root", vecRoot, "--allow-plaintext", "--timeout", "1s")...)
	var r verifyResult
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: %q (%s)", err, out, errs)
	}
	if code != 1 || r.Verified || r.Reason != reasonLedgerUnavailable || !strings.Contains(r.Error, "no fresh proof-checked ledger state within 1s") ||
		!strings.Contains(r.Note, "Merkle proof") {
		t.Fatalf("code %d result %+v", code, r)
	}
}
