package node_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/ledger/chaintest"
	"github.com/amanah-id/amanah/verifier/ledger/proved"
)

// TestProvedReads reads through proofs from a real validator: a DID's
// complete history, a DID proved absent, a status list and its pages, and a
// revocation that reaches the view through the block's proved journal.
func TestProvedReads(t *testing.T) {
	if testing.Short() {
		t.Skip("in-process network")
	}
	w := chaintest.New(t)
	issuer := w.NewDID()
	w.AccreditIssuer("body-issuer", issuer)
	list := w.CreateList(issuer)
	v := w.OpenView(ledger.Config{Freshness: 30 * time.Second})
	ctx := context.Background()
	h := v.Cache.Sync().Height

	hist, err := proved.DIDHistory(ctx, v.Client, issuer.ID, h, nil)
	require.NoError(t, err)
	require.Len(t, hist, 1)
	none, err := proved.DIDHistory(ctx, v.Client, "did:amanah:"+w.Network+":1111111111111111111111", h, nil)
	require.NoError(t, err)
	require.Empty(t, none, "an unknown DID is proved absent")

	k, err := v.Cache.IssuerKey(ctx, issuer.ID, issuer.Method("#key-1"), time.Now())
	require.NoError(t, err)
	require.True(t, k.Equal(issuer.Key.Public()))
	ok, err := v.Cache.Accredited(ctx, issuer.ID, "https://amanah.gov.example/credentials/national-id", time.Now())
	require.NoError(t, err)
	require.True(t, ok)

	uri := chaintest.ListURI(list)
	val, _, err := v.Cache.Status(ctx, uri, 7, issuer.ID)
	require.NoError(t, err)
	require.Zero(t, val)
	_, _, err = v.Cache.Status(ctx, uri, 7, w.Bank.ID)
	require.ErrorIs(t, err, ledger.ErrWrongOwner)
	_, _, err = v.Cache.Status(ctx, chaintest.ListURI(list+100), 7, issuer.ID)
	require.True(t, errors.Is(err, ledger.ErrNotFound), "%v", err)

	res := w.Revoke(issuer, list, 7, 1)
	require.Eventually(t, func() bool {
		val, _, err := v.Cache.Status(ctx, uri, 7, issuer.ID)
		return err == nil && val == 1
	}, 20*time.Second, 5*time.Millisecond, "revocation never seen")
	require.GreaterOrEqual(t, v.Cache.Sync().Height, res.Height)
	require.Positive(t, v.Source.Proved())
}
