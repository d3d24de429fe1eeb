package localnet_test

import (
	"context"
	"strings"
	"testing"
	"time"

	sdkmath "cosmossdk.io/math"
	"github.com/cosmos/cosmos-sdk/crypto/keys/ed25519"
	sdk "github.com/cosmos/cosmos-sdk/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/amanah-id/amanah/testutil/localnet"
	"github.com/amanah-id/amanah/testutil/localnet/txclient"
)

// TestOneNodeRejectsStranger runs a real one-validator network, waits for height 3 and checks
// that a create-validator from a fresh key the council never admitted is refused in CheckTx.
func TestOneNodeRejectsStranger(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real amanahd process")
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	bin, err := localnet.BuildBinary(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ports, err := localnet.FreeBasePorts(1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s built amanahd; ports from %d", time.Since(start).Round(time.Millisecond), ports.RPC)
	net, err := localnet.Init(ctx, localnet.Config{Binary: bin, Dir: t.TempDir(), N: 1, BasePorts: ports})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := net.StopAll(); err != nil {
			t.Error(err)
		}
	})
	if err := net.StartAll(); err != nil {
		t.Fatal(err)
	}
	waitCtx, waitCancel := context.WithTimeout(ctx, 45*time.Second)
	defer waitCancel()
	if err := net.WaitHeight(waitCtx, 0, 3); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s height 3", time.Since(start).Round(time.Millisecond))

	c, err := txclient.New(net.Config.ChainID)
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := c.NewMemSigner("stranger")
	if err != nil {
		t.Fatal(err)
	}
	msg, err := stakingtypes.NewMsgCreateValidator(
		sdk.ValAddress(stranger.Address).String(), ed25519.GenPrivKey().PubKey(),
		sdk.NewCoin(localnet.BondDenom, sdkmath.NewInt(localnet.DefaultBondAmount)),
		stakingtypes.NewDescription("stranger", "", "", "", ""),
		stakingtypes.NewCommissionRates(sdkmath.LegacyZeroDec(), sdkmath.LegacyZeroDec(), sdkmath.LegacyZeroDec()),
		sdkmath.OneInt())
	if err != nil {
		t.Fatal(err)
	}
	tx, err := c.Sign(stranger, 0, 0, "", msg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := net.Node(0).RPC().BroadcastSync(ctx, tx.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("create-validator from %s: code %d codespace %q log %q", stranger.Address, res.Code, res.Codespace, res.Log)
	if res.Code == 0 {
		t.Fatal("create-validator from a non-admitted key entered the mempool")
	}
	if res.Codespace != "council" || !(strings.Contains(res.Log, "not authorised to write") || strings.Contains(res.Log, "not admitted")) {
		t.Fatalf("want the council's rejection, got codespace %q: %s", res.Codespace, res.Log)
	}
	if h, err := net.Height(ctx, 0); err != nil || h < 3 {
		t.Fatalf("height %d, %v", h, err)
	}
	t.Logf("%s done", time.Since(start).Round(time.Millisecond))
}
