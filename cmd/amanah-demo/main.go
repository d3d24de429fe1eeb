// Command amanah-demo is `make demo`: it starts a one-validator Amanah chain in a temporary
// directory, shows blocks being committed and the council refusing a validator it never
// admitted, prints a one-line JSON summary, stops everything it started, and exits non-zero
// if any step failed.
//
// Then it walks the credential story: the council accredits the National Registration
// Department, which accredits an issuer and registers a bank; the issuer publishes a status
// list and issues an SD-JWT VC to a citizen's wallet; the bank's challenge is answered with
// only age_over_18 and given_name, and the verifier (a real amanah-verifier process reading
// the node) says verified; the issuer revokes, and the verifier refuses with reason revoked.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	sdkmath "cosmossdk.io/math"
	"github.com/cosmos/cosmos-sdk/crypto/keys/ed25519"
	sdk "github.com/cosmos/cosmos-sdk/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/amanah-id/amanah/localnet"
	"github.com/amanah-id/amanah/localnet/txclient"
)

// step is one outcome of the story, reported in the summary.
type step struct {
	Name   string `json:"step"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail,omitempty"`
	Millis int64  `json:"ms"`
}

type demo struct {
	start time.Time
	steps []step
}

func (d *demo) run(name string, f func() (string, error)) bool {
	t0 := time.Now()
	fmt.Printf("\n== %s\n", name)
	detail, err := f()
	s := step{Name: name, OK: err == nil, Detail: detail, Millis: time.Since(t0).Milliseconds()}
	if err != nil {
		s.Detail = err.Error()
		fmt.Printf("   FAILED: %v\n", err)
	} else {
		fmt.Printf("   ok: %s\n", detail)
	}
	d.steps = append(d.steps, s)
	return err == nil
}

func main() {
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 5*time.Minute)
	defer cancelTimeout()
	os.Exit(runDemo(ctx))
}

func runDemo(ctx context.Context) int {
	d := &demo{start: time.Now()}
	dir, err := os.MkdirTemp("", "amanah-demo-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)

	var net *localnet.Net
	defer func() {
		if net != nil {
			if err := net.StopAll(); err != nil {
				fmt.Fprintln(os.Stderr, "stop:", err)
			}
		}
	}()

	ok := d.run("build amanahd", func() (string, error) {
		bin, err := localnet.BuildBinary(ctx)
		if err != nil {
			return "", err
		}
		ports, err := localnet.FreeBasePorts(1)
		if err != nil {
			return "", err
		}
		net, err = localnet.Init(ctx, localnet.Config{Binary: bin, Dir: dir, N: 1, BasePorts: ports, VotingPeriod: 3 * time.Second})
		if err != nil {
			return "", err
		}
		a := net.Agencies()[0]
		return fmt.Sprintf("%s; council member %q = %s", bin, a.Name, a.Address), nil
	})
	ok = ok && d.run("start a one-validator chain and watch blocks commit", func() (string, error) {
		if err := net.StartAll(); err != nil {
			return "", err
		}
		var seen []string
		for h := int64(2); h <= 4; h++ {
			wctx, cancel := context.WithTimeout(ctx, 60*time.Second)
			err := net.WaitHeight(wctx, 0, h)
			cancel()
			if err != nil {
				return "", fmt.Errorf("height %d: %w\n%s", h, err, net.LogTail(0, 20))
			}
			hash, err := net.BlockHash(ctx, 0, h)
			if err != nil {
				return "", err
			}
			seen = append(seen, fmt.Sprintf("%d:%s", h, shorten(hash)))
			fmt.Printf("   block %d committed (%s)\n", h, shorten(hash))
		}
		return "blocks " + strings.Join(seen, " "), nil
	})
	ok = ok && d.run("a key the council never admitted tries to become a validator", func() (string, error) {
		c, err := txclient.New(net.Config.ChainID)
		if err != nil {
			return "", err
		}
		stranger, err := c.NewMemSigner("stranger")
		if err != nil {
			return "", err
		}
		msg, err := stakingtypes.NewMsgCreateValidator(sdk.ValAddress(stranger.Address).String(), ed25519.GenPrivKey().PubKey(),
			sdk.NewCoin(localnet.BondDenom, sdkmath.NewInt(localnet.DefaultBondAmount)),
			stakingtypes.NewDescription("stranger", "", "", "", ""),
			stakingtypes.NewCommissionRates(sdkmath.LegacyZeroDec(), sdkmath.LegacyZeroDec(), sdkmath.LegacyZeroDec()), sdkmath.OneInt())
		if err != nil {
			return "", err
		}
		tx, err := c.Sign(stranger, 0, 0, "", msg)
		if err != nil {
			return "", err
		}
		res, err := net.Node(0).RPC().BroadcastSync(ctx, tx.Bytes)
		if err != nil {
			return "", err
		}
		if res.Code == 0 || res.Codespace != "council" {
			return "", fmt.Errorf("want the council's refusal, got code %d codespace %q: %s", res.Code, res.Codespace, res.Log)
		}
		return fmt.Sprintf("refused in CheckTx (%s code %d): %s", res.Codespace, res.Code, res.Log), nil
	})
	st := &story{d: d, net: net, dir: dir}
	defer st.stop()
	ok = ok && d.run("connect to the node and open agency 0's keys", func() (string, error) {
		l, err := newLedger(ctx, net)
		if err != nil {
			return "", err
		}
		st.l = l
		if st.council, err = l.client.AgencySigner(net, 0); err != nil {
			return "", err
		}
		return fmt.Sprintf("DID network %q, council member %s", l.network, st.council.Address), nil
	})
	if ok {
		st.run(ctx)
	}

	allOK := true
	summary := map[string]any{"ok": true, "seconds": time.Since(d.start).Seconds(), "steps": d.steps,
		"revocation_visible_ms":           st.revocationLatency.Milliseconds(),
		"revocation_submit_to_refusal_ms": st.revocationFromSubmit.Milliseconds(), "revocation_blocks": st.revocationBlocks,
		"proofs_checked": st.proofsChecked, "accreditation_revoked_refused": st.accreditationRevokedRefused,
		"evidence_rechecked_offline": st.evidenceRechecked, "presentation_protocol": st.oid4vp.protocol}
	for k, v := range st.oidSummary() {
		summary[k] = v
	}
	for _, s := range d.steps {
		allOK = allOK && s.OK
	}
	summary["ok"] = allOK
	line, _ := json.Marshal(summary)
	fmt.Printf("\n%s\n", line)
	if !allOK {
		return 1
	}
	return 0
}

func shorten(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}
