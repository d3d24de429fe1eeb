//go:build faults

package faults

import (
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cosmos/cosmos-sdk/crypto/keys/ed25519"
	sdk "github.com/cosmos/cosmos-sdk/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"
)

// TestConsensusKeyRotation: agency 2 rotates its validator's consensus key with
// MsgRotateConsPubKey (the new key generated offline by `amanahd init` in a scratch home, the
// fee paid in the bond denom), then swaps the key file on its node (stop, replace
// priv_validator_key.json, keep priv_validator_state.json, start). The validator set then holds
// the new key with the same power and not the old one, the node reports the new address, and
// commits carry signatures by the new address. The chain never stops.
func TestConsensusKeyRotation(t *testing.T) {
	s := newScenario(t, 4, 6*time.Minute)
	const v = 2
	nd := s.net.Node(v)
	st0, err := nd.RPC().Status(s.ctx)
	s.must(err)
	oldAddr, power := st0.ValidatorAddress, st0.VotingPower

	// 1. A new consensus key, generated away from the node (here: a scratch home).
	scratch := filepath.Join(t.TempDir(), "newkey")
	_, err = s.net.Run(s.ctx, "init", "newkey", "--chain-id", s.net.Config.ChainID, "--home", scratch)
	s.must(err)
	out, err := s.net.Run(s.ctx, "comet", "show-address", "--home", scratch)
	s.must(err)
	s.logf("setup: new consensus key generated in %s (%s)", scratch, string(out[:len(out)-1]))
	newPub := s.pubKeyOf(scratch)

	// 2. The rotation, signed by the validator's operator account.
	operator, err := s.c.AgencySigner(s.net, v)
	s.must(err)
	msg, err := stakingtypes.NewMsgRotateConsPubKey(sdk.ValAddress(operator.Address).String(), newPub)
	s.must(err)
	res, err := s.deliver(0, operator, msg)
	s.must(err)
	s.logf("INJECT MsgRotateConsPubKey for node%d's validator committed at %d (old address %s, new %X)", v, res.Height, oldAddr, newPub.Address())

	// 3. The node switches to the new key file; its sign state stays (double-sign protection).
	s.must(s.net.Stop(v))
	keyFile := filepath.Join(nd.Home, "config", "priv_validator_key.json")
	raw, err := os.ReadFile(filepath.Join(scratch, "config", "priv_validator_key.json"))
	s.must(err)
	s.must(os.Rename(keyFile, keyFile+".old"))
	s.must(os.WriteFile(keyFile, raw, 0o600))
	s.must(s.net.Start(v))
	s.logf("INJECT node%d restarted with the new priv_validator_key.json (data/priv_validator_state.json kept)", v)

	newAddr := newPub.Address().String()
	deadline := time.Now().Add(60 * time.Second)
	for {
		vals, err := s.net.Validators(s.ctx, 0, 0)
		s.must(err)
		var sawNew, sawOld bool
		for _, val := range vals {
			sawNew = sawNew || (val.Address == newAddr && val.Power == power)
			sawOld = sawOld || val.Address == oldAddr
		}
		st, err := nd.RPC().Status(s.ctx)
		if err == nil && sawNew && !sawOld && len(vals) == 4 && st.ValidatorAddress == newAddr && st.VotingPower == power {
			s.logf("OBSERVE validator set: node%d's new key %s with power %d, old key %s gone; node%d reports the new address", v, newAddr, power, oldAddr, v)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("rotation not in effect after 60s: set %+v; node%d status %+v (%v)", vals, v, st, err)
		}
		time.Sleep(250 * time.Millisecond) // poll until the deadline
	}
	signed := s.waitSigns(v, newAddr, 60*time.Second)
	h := s.advance(3, 60*time.Second, 0, 1, 2, 3)
	s.sameChain(h, 0, 1, 2, 3)
	s.logf("OBSERVE node%d signs with the new key from block %d; all 4 agree on blocks 1..%d", v, signed, h)
}

// pubKeyOf reads the consensus public key of the home at dir (`amanahd comet show-validator`).
func (s *scenario) pubKeyOf(dir string) *ed25519.PubKey {
	s.t.Helper()
	_, key, err := s.net.ConsensusPubKeyIn(s.ctx, dir)
	s.must(err)
	raw, err := base64.StdEncoding.DecodeString(key)
	s.must(err)
	return &ed25519.PubKey{Key: raw}
}

// TestBackupRestore: under the identity stream, validator node1 is stopped, its home backed up
// (`tar` of the whole home: config/ with the keys, data/ with the stores and the sign state,
// the keyring), wiped and restored from the archive; it starts, catches up with the blocks
// committed meanwhile, and at the end every acknowledged transaction is on every node with
// equal app hashes.
func TestBackupRestore(t *testing.T) {
	s := newScenario(t, 4, 6*time.Minute)
	s.keysInMemory = true // the stream keeps signing for agency 1 while node1's home is gone
	st := s.stream()
	s.advance(3, 30*time.Second, 0, 1, 2, 3)
	const v = 1
	home := s.net.Node(v).Home
	archive := filepath.Join(t.TempDir(), "node1-backup.tar.gz")

	s.must(s.net.Stop(v))
	stopped, err := s.net.Height(s.ctx, 0)
	s.must(err)
	s.must(run("tar", "-C", home, "-czf", archive, "."))
	fi, err := os.Stat(archive)
	s.must(err)
	s.logf("INJECT node%d stopped at ~%d and backed up: tar -C %s -czf %s . (%d KiB)", v, stopped, home, archive, fi.Size()>>10)
	s.must(os.RemoveAll(home))
	s.logf("INJECT node%d home wiped", v)
	s.advance(5, 60*time.Second, 0, 2, 3)
	s.must(os.MkdirAll(home, 0o700))
	s.must(run("tar", "-C", home, "-xzf", archive))
	s.must(s.net.Start(v))
	restarted := time.Now()
	target := s.maxHeight(0, 2, 3)
	s.must(s.waitAll(90*time.Second, target, v))
	a, err := s.net.AppHash(s.ctx, v, target)
	s.must(err)
	b, err := s.net.AppHash(s.ctx, 0, target)
	s.must(err)
	if a != b {
		t.Fatalf("node%d restored: app hash in block %d %s, node0 %s", v, target, a, b)
	}
	s.logf("OBSERVE node%d restored from the backup caught up to %d in %.1fs; app hash in block %d equal to node0's", v, target, time.Since(restarted).Seconds(), target)
	s.checkConverged(st)
}

// run runs a command and returns its error with its output.
func run(name string, args ...string) error {
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		return fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, out)
	}
	return nil
}
