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
	didtypes "github.com/amanah-id/amanah/x/did/types"
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

	// The node answers "in force at t" from its time index, the verifier from the proved
	// complete history: they agree at every version's time and just before it, including two
	// versions written in one block (the last of them is in force at the block's time).
	update := func(prev string, aka string) *didtypes.MsgUpdateDid {
		doc := *issuer.Doc
		doc.AlsoKnownAs = []string{aka}
		bz, err := doc.MarshalJSON()
		require.NoError(t, err)
		m := &didtypes.MsgUpdateDid{Signer: w.Val.Address.String(), Payload: didtypes.UpdateDidPayload{Did: issuer.ID, Document: bz, PreviousVersionId: prev}}
		m.Signatures = w.Sign(issuer, "#key-1", m, &m.Payload)
		return m
	}
	w.Deliver(update("1", "https://example.gov/v2"), update("2", "https://example.gov/v3")) // one block
	last := w.Deliver(update("3", "https://example.gov/v4"))
	require.Eventually(t, func() bool { return v.Cache.Sync().Height >= last.Height }, 20*time.Second, 5*time.Millisecond)
	hist, err = proved.DIDHistory(ctx, v.Client, issuer.ID, v.Cache.Sync().Height, nil)
	require.NoError(t, err)
	require.Len(t, hist, 4)
	require.Equal(t, hist[1].Updated, hist[2].Updated, "v2 and v3 in one block")
	inForce := func(at time.Time) string { // the verifier's rule: the last version written at or before at
		id := "" // (a proved record holds no version id: the sequence is its key)
		for _, dv := range hist {
			if !dv.Updated.After(at) {
				id = didtypes.VersionID(dv.Sequence)
			}
		}
		return id
	}
	qc := didtypes.NewQueryClient(w.Val.ClientCtx)
	for _, dv := range hist {
		for _, at := range []time.Time{dv.Updated, dv.Updated.Add(-time.Nanosecond)} {
			res, err := qc.Resolve(ctx, &didtypes.QueryResolveRequest{Did: issuer.ID, VersionTime: &at})
			require.NoError(t, err)
			want := inForce(at)
			if want == "" {
				require.Equal(t, didtypes.ResolutionErrNotFound, res.DidResolutionMetadata.Error, "at %s", at)
				continue
			}
			require.Empty(t, res.DidResolutionMetadata.Error, "at %s", at)
			require.Equal(t, want, res.DidDocumentMetadata.VersionId, "at %s", at)
		}
	}
	require.Equal(t, "3", inForce(hist[1].Updated))
}
