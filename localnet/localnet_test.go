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

	"github.com/amanah-id/amanah/localnet"
	"github.com/amanah-id/amanah/localnet/txclient"
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
	c, err := txclient.New(localnet.DefaultChainID)
	if err != nil {
		t.Fatal(err)
	}
	// A writer (authorised to submit transactions) that the council never admitted as a validator.
	writer, err := c.NewMemSigner("writer")
	if err != nil {
		t.Fatal(err)
	}
	var agency0 string
	addWriter := func(app map[string]any) error {
		council := app["council"].(map[string]any)
		agency0 = council["members"].([]any)[0].(map[string]any)["address"].(string)
		council["writers"] = []any{map[string]any{"address": writer.Address.String(), "authorized_by": agency0, "note": "localnet test", "height": "0"}}
		return nil
	}
	net, err := localnet.Init(ctx, localnet.Config{Binary: bin, Dir: t.TempDir(), N: 1, BasePorts: ports, EditGenesis: addWriter})
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

	stranger, err := c.NewMemSigner("stranger")
	if err != nil {
		t.Fatal(err)
	}
	createValidator(ctx, t, net, c, stranger, "not authorised to write")
	createValidator(ctx, t, net, c, writer, "not admitted")
	if h, err := net.Height(ctx, 0); err != nil || h < 3 {
		t.Fatalf("height %d, %v", h, err)
	}
	t.Logf("%s done", time.Since(start).Round(time.Millisecond))
}

// createValidator submits a create-validator of the council bond from s and wants CheckTx to
// refuse it with the council's error containing want.
func createValidator(ctx context.Context, t *testing.T, net *localnet.Net, c *txclient.Client, s txclient.Signer, want string) {
	t.Helper()
	msg, err := stakingtypes.NewMsgCreateValidator(
		sdk.ValAddress(s.Address).String(), ed25519.GenPrivKey().PubKey(),
		sdk.NewCoin(localnet.BondDenom, sdkmath.NewInt(localnet.DefaultBondAmount)),
		stakingtypes.NewDescription(s.Name, "", "", "", ""),
		stakingtypes.NewCommissionRates(sdkmath.LegacyZeroDec(), sdkmath.LegacyZeroDec(), sdkmath.LegacyZeroDec()),
		sdkmath.OneInt())
	if err != nil {
		t.Fatal(err)
	}
	tx, err := c.Sign(s, 0, 0, "", msg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := net.Node(0).RPC().BroadcastSync(ctx, tx.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("create-validator from %s: code %d codespace %q log %q", s.Address, res.Code, res.Codespace, res.Log)
	if res.Code == 0 {
		t.Fatal("create-validator from a non-admitted key entered the mempool")
	}
	if res.Codespace != "council" || !strings.Contains(res.Log, want) {
		t.Fatalf("want the council's %q, got codespace %q: %s", want, res.Codespace, res.Log)
	}
}
