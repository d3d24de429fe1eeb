package chaintest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/amanah-id/amanah/verifier/ledger/chaintest"
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
		requireVerified(t, v.Verify(issue(paused, "paused", w.BlockTime())), "a credential issued after reinstatement")
		// ...one issued during the suspension does not.
		suspendedAt := blockTime(t, w, res.Height)
		c := issue(paused, "paused", suspendedAt.Add(time.Second))
		requireRefused(t, v.Verify(c), "issuer_not_accredited", "credential issued while the accreditation was suspended")
	})
	t.Run("2 backdated credential signed with a removed key", func(t *testing.T) {
		key2 := w.AddAssertionKey(rotated, "#key-2")
		c := w.Issue(rotated, "#key-2", key2, w.BlockTime(), chaintest.ListURI(lists["rotated"]), 8)
		requireVerified(t, v.Verify(c), "before the key was removed")
		w.RemoveKey(rotated, "#key-2")
		requireRefused(t, v.Verify(c), "issuer_key_withdrawn", "credential signed with a key removed since (compromised)")
	})
	t.Run("3 status list of another issuer", func(t *testing.T) {
		c := w.Issue(rotated, "#key-1", rotated.Key, w.BlockTime(), chaintest.ListURI(lists["other"]), 9)
		requireRefused(t, v.Verify(c), "status_list_wrong_owner", "credential pointing at another issuer's list")
	})
	t.Run("6 accreditation body's DID deactivated", func(t *testing.T) {
		c := issue(other, "other", w.BlockTime())
		requireVerified(t, v.Verify(c), "before the body's DID is deactivated")
		w.DeactivateDID(w.Body)
		requireRefused(t, v.Verify(c), "issuer_not_accredited", "accreditation body's DID deactivated")
	})
}
