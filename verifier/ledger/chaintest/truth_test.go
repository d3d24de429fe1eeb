package chaintest_test

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/amanah-id/amanah/testutil/rpcproxy"
	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/ledger/chaintest"
	"github.com/amanah-id/amanah/verifier/ledger/node"
	"github.com/amanah-id/amanah/verifier/ledger/proved"
	"github.com/amanah-id/amanah/verifier/reason"
	"github.com/amanah-id/amanah/verifier/service"
	"github.com/amanah-id/amanah/verifier/verifierpb"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

// requireVerified fails unless the verdict is verified.
func requireVerified(t *testing.T, res *verifierpb.VerifyPresentationResponse, what string) {
	t.Helper()
	require.True(t, res.Verified, "%s: want verified, got %s (checks %v)", what, res.Reason, res.Checks)
}

// requireRefused fails unless the verdict is refused with reason want.
func requireRefused(t *testing.T, res *verifierpb.VerifyPresentationResponse, want, what string) {
	t.Helper()
	require.False(t, res.Verified, "%s: verified where the ledger says no", what)
	require.Equal(t, want, res.Reason, what)
}

// requireAudienceRefused fails unless err refuses a challenge with audience_not_registered.
func requireAudienceRefused(t *testing.T, err error, what string) {
	t.Helper()
	require.Equal(t, codes.PermissionDenied, status.Code(err), "%s: %v", what, err)
	require.Equal(t, reason.AudienceNotRegistered, service.ReasonOfError(err), what)
}

// TestVerifierTruth checks, on a real chain, that the verifier never answers
// verified where the ledger says no (issue "The verifier's truth"): each item
// of the issue is a subtest, in an order that keeps the shared chain usable.
func TestVerifierTruth(t *testing.T) {
	if testing.Short() {
		t.Skip("in-process network")
	}
	w := chaintest.New(t)
	view := newView(t, w)
	v := w.NewVerifier(view.Cache, view.Evidence)

	revoked := w.NewDID()
	w.AccreditIssuer("body-revoked", revoked)
	suspended := w.NewDID()
	w.AccreditIssuer("body-suspended", suspended)
	paused := w.NewDID()
	w.AccreditIssuer("body-paused", paused)
	rotated := w.NewDID()
	w.AccreditIssuer("body-rotated", rotated)
	other := w.NewDID()
	w.AccreditIssuer("body-other", other)
	lists := map[string]uint64{}
	for name, d := range map[string]*chaintest.DID{"revoked": revoked, "suspended": suspended, "paused": paused, "rotated": rotated, "other": other} {
		lists[name] = w.CreateList(d)
	}
	issue := func(d *chaintest.DID, list string, iat time.Time) *chaintest.Credential {
		return w.Issue(d, "#key-1", d.Key, iat, chaintest.ListURI(lists[list]), 7)
	}

	t.Run("1 accreditation revoked after issuance", func(t *testing.T) {
		c := issue(revoked, "revoked", w.BlockTime())
		requireVerified(t, v.Verify(c), "before the revocation")
		w.SetAccreditation("body-revoked", trusttypes.ACCREDITATION_STATUS_REVOKED, 1)
		requireRefused(t, v.Verify(c), "issuer_not_accredited", "credential issued before the accreditation was revoked")
	})
	t.Run("1 accreditation suspended after issuance", func(t *testing.T) {
		c := issue(suspended, "suspended", w.BlockTime())
		requireVerified(t, v.Verify(c), "before the suspension")
		w.SetAccreditation("body-suspended", trusttypes.ACCREDITATION_STATUS_SUSPENDED, 1)
		requireRefused(t, v.Verify(c), "issuer_not_accredited", "credential issued before the accreditation was suspended")
	})
	t.Run("1 iat inside a past suspension", func(t *testing.T) {
		requireVerified(t, v.Verify(issue(paused, "paused", w.BlockTime())), "a credential issued now")
		res := w.SetAccreditation("body-paused", trusttypes.ACCREDITATION_STATUS_SUSPENDED, 1)
		w.WaitHeight(res.Height + 3)
		w.SetAccreditation("body-paused", trusttypes.ACCREDITATION_STATUS_ACTIVE, 2)
		// A credential issued after reinstatement verifies (and warms any cache)...
		requireVerified(t, v.Verify(issue(paused, "paused", w.WaitNextBlockTime())), "a credential issued after reinstatement")
		// ...one issued during the suspension does not.
		suspendedAt := blockTime(t, w, res.Height)
		c := issue(paused, "paused", suspendedAt.Add(time.Second))
		requireRefused(t, v.Verify(c), "issuer_not_accredited", "credential issued while the accreditation was suspended")
	})
	t.Run("2 backdated credential signed with a removed key", func(t *testing.T) {
		key2 := w.AddAssertionKey(rotated, "#key-2")
		c := w.Issue(rotated, "#key-2", key2, w.WaitNextBlockTime(), chaintest.ListURI(lists["rotated"]), 8)
		requireVerified(t, v.Verify(c), "before the key was removed")
		w.RemoveKey(rotated, "#key-2")
		requireRefused(t, v.Verify(c), "issuer_key_withdrawn", "credential signed with a key removed since (compromised)")
	})
	t.Run("3 status list of another issuer", func(t *testing.T) {
		c := w.Issue(rotated, "#key-1", rotated.Key, w.BlockTime(), chaintest.ListURI(lists["other"]), 9)
		requireRefused(t, v.Verify(c), "status_list_wrong_owner", "credential pointing at another issuer's list")
	})
	t.Run("2 key retired in good standing after issuance", func(t *testing.T) {
		retiring := w.NewDID()
		w.AccreditIssuer("body-retiring", retiring)
		list := w.CreateList(retiring)
		key2 := w.AddAssertionKey(retiring, "#key-2")
		c := w.Issue(retiring, "#key-2", key2, w.WaitNextBlockTime(), chaintest.ListURI(list), 3)
		requireVerified(t, v.Verify(c), "before the key is retired")
		w.WaitHeight(w.Height() + 2) // a later block time to retire at
		w.RetireKey(retiring, "#key-2", w.BlockTime())
		requireVerified(t, v.Verify(c), "credential signed before the key was retired in good standing")
	})
	honest := w.RPCURL()
	t.Run("4 and 7 a lying node is dropped; the honest node answers", func(t *testing.T) {
		issuer := w.NewDID()
		w.AccreditIssuer("body-liar", issuer)
		list := w.CreateList(issuer)
		valid := w.Issue(issuer, "#key-1", issuer.Key, w.BlockTime(), chaintest.ListURI(list), 11)
		revokedCred := w.Issue(issuer, "#key-1", issuer.Key, w.BlockTime(), chaintest.ListURI(list), 12)
		w.Revoke(issuer, list, 12, 1)
		for _, tc := range []struct {
			name string
			mode rpcproxy.Mode
		}{
			{"flipped status bit", rpcproxy.FlipValueBit{Filter: rpcproxy.QueryFilter{Path: "/store/status/key"}, Bit: 0}},
			{"page claimed absent, no proof", rpcproxy.DropValue{Filter: rpcproxy.QueryFilter{Path: "/store/status/key"}}},
			{"page claimed absent, proof kept", rpcproxy.DropValue{Filter: rpcproxy.QueryFilter{Path: "/store/status/key"}, KeepProof: true}},
			{"no proof", rpcproxy.DropProof{Filter: rpcproxy.QueryFilter{Path: "/store/did/key"}}},
			{"swapped DID document", rpcproxy.ReplaceValue{Filter: rpcproxy.QueryFilter{Path: "/store/did/key"},
				Replace: func(_ string, _, value []byte) []byte { return swapKey(t, value) }}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				liar, err := rpcproxy.Start(t, honest)
				require.NoError(t, err)
				liar.Set(tc.mode)
				lv := w.OpenView(ledger.Config{Freshness: 30 * time.Second}, liar.URL(), honest)
				lvv := w.NewVerifier(lv.Cache, nil)
				requireVerified(t, lvv.Verify(valid), "valid credential, answered by the honest node")
				requireRefused(t, lvv.Verify(revokedCred), "revoked", "revoked credential")
				require.Positive(t, liar.Count(tc.mode.Kind()), "the liar was asked and lied")
				require.Contains(t, lv.Client.Dropped(), "node0", "the lying node is dropped")

				// With only the liar there is nothing to believe: never verified.
				alone, err := rpcproxy.Start(t, honest)
				require.NoError(t, err)
				alone.Set(tc.mode)
				av, err := node.Open(node.Options{Root: w.TrustRoot(), Nodes: []proved.Endpoint{{Name: "liar", URL: alone.URL()}},
					AllowPlaintext: true, Cache: ledger.Config{Freshness: 30 * time.Second}})
				require.NoError(t, err)
				_ = stepUntilFresh(av) // may never be fresh: its journals do not prove
				avv := w.NewVerifier(av.Cache, nil)
				for _, c := range []*chaintest.Credential{valid, revokedCred} {
					res, err := avv.TryVerify(c)
					require.True(t, err != nil || !res.Verified, "a lone liar got a verdict of verified")
				}
			})
		}
	})
	t.Run("7 forged header from the primary", func(t *testing.T) {
		liar, err := rpcproxy.Start(t, honest)
		require.NoError(t, err)
		liar.Set(rpcproxy.ForgeHeader{Field: "app_hash"})
		lv, err := node.Open(node.Options{Root: w.TrustRoot(), Nodes: []proved.Endpoint{{Name: "liar", URL: liar.URL()}}, AllowPlaintext: true})
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for ctx.Err() == nil {
			_ = lv.Cache.Step(ctx)
		}
		require.ErrorIs(t, lv.Cache.Fresh(), ledger.ErrStale, "a view fed forged headers never becomes fresh")
		require.Positive(t, liar.Count(rpcproxy.KindForgeHeader))
	})
	t.Run("7 TLS to the node with a pinned CA", func(t *testing.T) {
		ts := tlsFront(t, honest)
		caFile := filepath.Join(t.TempDir(), "ca.pem")
		require.NoError(t, os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw}), 0o600))
		tv, err := node.Open(node.Options{Root: w.TrustRoot(), Nodes: []proved.Endpoint{{Name: "tls", URL: ts.URL}},
			TLS: &proved.TLSConfig{CAFile: caFile}, Cache: ledger.Config{Freshness: 30 * time.Second}})
		require.NoError(t, err)
		require.NoError(t, stepUntilFresh(tv))
		_, err = tv.Cache.IssuerKey(context.Background(), w.Body.ID, w.Body.Method("#key-1"), time.Now())
		require.NoError(t, err, "read through TLS with the pinned CA")
		// Without the CA the node's certificate is not trusted: no state, fail closed.
		uv, err := node.Open(node.Options{Root: w.TrustRoot(), Nodes: []proved.Endpoint{{Name: "tls", URL: ts.URL}}})
		require.NoError(t, err)
		require.Error(t, stepUntilFresh(uv))
		require.ErrorIs(t, uv.Cache.Fresh(), ledger.ErrStale)
		// Plaintext is refused unless asked for.
		_, err = node.Open(node.Options{Root: w.TrustRoot(), Nodes: []proved.Endpoint{{Name: "plain", URL: honest}}})
		require.ErrorContains(t, err, "plaintext")
	})
	t.Run("8 nodes learn which objects, never a credential's iat", func(t *testing.T) {
		spy, err := rpcproxy.Start(t, honest)
		require.NoError(t, err)
		var mu sync.Mutex
		var asked [][]byte
		spy.Set(rpcproxy.Hook{Func: func(method string, params, _ json.RawMessage) json.RawMessage {
			if method == "abci_query" {
				var p struct {
					Data string `json:"data"`
				}
				if json.Unmarshal(params, &p) == nil {
					b, _ := hex.DecodeString(p.Data)
					mu.Lock()
					asked = append(asked, b)
					mu.Unlock()
				}
			}
			return nil
		}})
		issuer := w.NewDID()
		w.AccreditIssuer("body-private", issuer)
		list := w.CreateList(issuer)
		iat := w.BlockTime().Add(-time.Second)
		c := w.Issue(issuer, "#key-1", issuer.Key, iat, chaintest.ListURI(list), 77)
		sv := w.OpenView(ledger.Config{Freshness: 30 * time.Second}, spy.URL())
		requireVerified(t, w.NewVerifier(sv.Cache, nil).Verify(c), "through the spy")
		mu.Lock()
		defer mu.Unlock()
		require.NotEmpty(t, asked)
		var secs [8]byte
		binary.BigEndian.PutUint64(secs[:], uint64(iat.Unix()))
		for _, key := range asked {
			require.NotContains(t, string(key), string(secs[4:]), "a query carries the iat")
			require.NotContains(t, string(key), strconv.FormatInt(iat.Unix(), 10), "a query carries the iat")
		}
		// Every key is one the reader builds for an object (histories, lists, pages, journals).
		require.Contains(t, keysAsStrings(asked), string(proved.HeldKey(issuer.ID)))
		require.Contains(t, keysAsStrings(asked), string(proved.DIDVersionKey(issuer.ID, 1)))
	})
	t.Run("evidence re-checked offline", func(t *testing.T) {
		issuer := w.NewDID()
		w.AccreditIssuer("body-evidence", issuer)
		list := w.CreateList(issuer)
		c := w.Issue(issuer, "#key-1", issuer.Key, w.BlockTime(), chaintest.ListURI(list), 5)
		res := v.VerifyWithEvidence(c)
		requireVerified(t, res, "with evidence")
		require.NotNil(t, res.Evidence)
		anchor, err := proved.FetchLightBlock(context.Background(), honest, 1, nil, true)
		require.NoError(t, err)
		rep, err := node.VerifyEvidence(context.Background(), res.Evidence, anchor)
		require.NoError(t, err)
		require.True(t, rep.Supports(), "%+v", rep)
		// A changed fact, a dropped fact or another header: the evidence proves nothing.
		tampered := proto.Clone(res.Evidence).(*verifierpb.Evidence)
		for _, f := range tampered.Facts {
			if len(f.Value) > 0 {
				f.Value[len(f.Value)-1] ^= 1
				break
			}
		}
		_, err = node.VerifyEvidence(context.Background(), tampered, anchor)
		require.ErrorIs(t, err, proved.ErrEvidence)
		dropped := proto.Clone(res.Evidence).(*verifierpb.Evidence)
		dropped.Facts = dropped.Facts[1:]
		rep, err = node.VerifyEvidence(context.Background(), dropped, anchor)
		require.True(t, err != nil || !rep.Supports(), "evidence missing a fact supports nothing")
		// The evidence of a revoked credential does not support verified.
		w.Revoke(issuer, list, 5, 1)
		require.Eventually(t, func() bool { return !v.Verify(c).Verified }, 20*time.Second, 20*time.Millisecond)
		res = v.VerifyWithEvidence(c)
		require.NotNil(t, res.Evidence)
		rep, err = node.VerifyEvidence(context.Background(), res.Evidence, anchor)
		require.NoError(t, err)
		require.False(t, rep.Supports())
		require.Equal(t, uint8(1), rep.Status)
	})
	t.Run("relying party's audiences, proved from the chain", func(t *testing.T) {
		c := issue(other, "other", w.BlockTime())
		requireVerified(t, v.Verify(c), "the registered audience")
		_, err := v.CreateChallenge("https://evil.example")
		requireAudienceRefused(t, err, "an audience the bank never signed for")
		// The bank re-registers (signed by the body and the bank) with another audience: a
		// challenge made for the old one is refused at verification, and no new one is made.
		ch, err := v.CreateChallenge(chaintest.Audience)
		require.NoError(t, err)
		const moved = "https://pay.bank.example"
		w.RegisterBank(2, moved)
		requireRefused(t, v.Answer(c, ch), "audience_not_registered", "challenge for an audience no longer registered")
		_, err = v.CreateChallenge(chaintest.Audience)
		requireAudienceRefused(t, err, "the old audience after re-registration")
		ch, err = v.CreateChallenge(moved)
		require.NoError(t, err)
		requireVerified(t, v.Answer(c, ch), "the new audience")
		w.RegisterBank(3, chaintest.Audience) // back, for the subtests that follow
	})
	t.Run("6 accreditation body's DID deactivated", func(t *testing.T) {
		c := issue(other, "other", w.BlockTime())
		requireVerified(t, v.Verify(c), "before the body's DID is deactivated")
		w.DeactivateDID(w.Body)
		requireRefused(t, v.Verify(c), "issuer_not_accredited", "accreditation body's DID deactivated")
	})
}
