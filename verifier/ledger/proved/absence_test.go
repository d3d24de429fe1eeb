package proved_test

import (
	"bytes"
	"context"
	"sort"
	"testing"

	cmtcrypto "github.com/cometbft/cometbft/proto/tendermint/crypto"
	rpcclient "github.com/cometbft/cometbft/rpc/client"
	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	ics23 "github.com/cosmos/ics23/go"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/amanah-id/amanah/testutil/rpcproxy"
	"github.com/amanah-id/amanah/verifier/ledger/chaintest"
	"github.com/amanah-id/amanah/verifier/ledger/proved"
)

// TestAbsenceProofs asks a real validator for every kind of absence in the
// x/trust, x/did, x/status and x/council stores: a key before the first key,
// one in every gap between two keys (so next to every entry, including the
// empty values of collections' key sets and multi-indexes), one after the last
// key, and the unregistered relying party of the OpenID4VP flow. Each must be
// proved absent. Forged absences (of a key that exists, or with neighbours
// that are not adjacent) must be refused.
func TestAbsenceProofs(t *testing.T) {
	if testing.Short() {
		t.Skip("in-process network")
	}
	w := chaintest.New(t)
	issuer := w.NewDID()
	w.AccreditIssuer("body-issuer", issuer) // a multi-index entry (empty value) in x/trust
	w.CreateList(issuer)                    // a key-set entry (empty value) in x/status
	stranger := w.NewDID()                  // on the ledger, not a relying party
	ctx := context.Background()
	c, err := proved.New(proved.Config{Root: w.TrustRoot(), Primary: proved.Endpoint{URL: w.RPCURL()}, AllowPlaintext: true})
	require.NoError(t, err)
	w.WaitHeight(w.LastTxHeight() + 2)
	lb, err := c.Latest(ctx)
	require.NoError(t, err)
	h := lb.Height - 1 // state height proved by lb's app hash
	rpc, err := rpchttp.New(w.RPCURL(), "/websocket")
	require.NoError(t, err)

	// keys lists a store's keys at h (unproved: only to pick the questions).
	// (A subspace query needs a prefix: the modules' collection prefixes are below 16.)
	keys := func(store string) [][]byte {
		var ks [][]byte
		empty := 0
		for b := byte(0); b < 16; b++ {
			res, err := rpc.ABCIQueryWithOptions(ctx, "/store/"+store+"/subspace", []byte{b}, rpcclient.ABCIQueryOptions{Height: h})
			require.NoError(t, err)
			require.Zero(t, res.Response.Code, res.Response.Log)
			for _, p := range decodePairs(t, res.Response.Value) {
				ks = append(ks, p[0])
				if len(p[1]) == 0 {
					empty++
				}
			}
		}
		sort.Slice(ks, func(i, j int) bool { return bytes.Compare(ks[i], ks[j]) < 0 })
		t.Logf("%s: %d keys, %d with an empty value", store, len(ks), empty)
		return ks
	}
	absent := func(store string, key []byte, what string) proved.Fact {
		t.Helper()
		f, err := c.Get(ctx, store, key, h)
		require.NoError(t, err, "%s/%x (%s)", store, key, what)
		require.False(t, f.Exists(), "%s/%x (%s)", store, key, what)
		return f
	}
	after := func(k []byte) []byte { return append(bytes.Clone(k), 0) }

	for _, store := range []string{"trust", "did", "status", "council"} {
		ks := keys(store)
		require.NotEmpty(t, ks, store)
		if !bytes.Equal(ks[0], []byte{0}) {
			absent(store, []byte{0}, "before the first key")
		}
		for i := 0; i+1 < len(ks); i++ {
			if g := after(ks[i]); !bytes.Equal(g, ks[i+1]) {
				absent(store, g, "between two keys")
			}
		}
		absent(store, after(ks[len(ks)-1]), "after the last key")
		absent(store, []byte{0xff, 0xff}, "far after the last key")
	}
	absent("trust", proved.RelyingPartyKey(stranger.ID), "unregistered relying party")
	absent("trust", proved.RelyingPartyKey("did:amanah:"+w.Network+":zzzzzzzz"), "relying party after the last")
	absent("did", proved.DIDVersionKey("did:amanah:"+w.Network+":1111111111111111111111", 1), "unknown DID")

	// Forgeries: a node claiming the absence of a key that exists (from the absence proof of
	// the gap right after it, whose left neighbour is that key), or proving a gap with
	// neighbours that are not adjacent, is refused.
	ks := keys("trust")
	for i := 1; i+1 < len(ks); i++ {
		gap := absent("trust", after(ks[i]), "gap")
		require.Error(t, proved.VerifyFactForTest(forge(t, gap, ks[i]), lb.AppHash), "absence of existing %x", ks[i])
		prev := absent("trust", after(ks[i-1]), "previous gap")
		spliced := splice(t, prev, gap, after(ks[i]))
		require.Error(t, proved.VerifyFactForTest(spliced, lb.AppHash), "non-adjacent neighbours around %x", ks[i])
		// A neighbour's value changed (an empty value made non-empty, or the reverse).
		ne, mop := decode(t, gap)
		if len(ne.Left.Value) == 0 {
			ne.Left.Value = []byte{0}
		} else {
			ne.Left.Value = nil
		}
		require.Error(t, proved.VerifyFactForTest(encode(t, gap, gap.Key, ne, mop), lb.AppHash), "neighbour value of %x", ks[i])
		// The untouched proofs verify (the forgeries fail for what they changed).
		require.NoError(t, proved.VerifyFactForTest(gap, lb.AppHash))
	}
	// Through a tampering proxy: a node that claims the absence of the Bank's registration
	// (keeping the membership proof, or dropping it) is refused.
	p, err := rpcproxy.Start(t, w.RPCURL())
	require.NoError(t, err)
	lc, err := proved.New(proved.Config{Root: w.TrustRoot(), Primary: proved.Endpoint{URL: p.URL()}, AllowPlaintext: true})
	require.NoError(t, err)
	for _, keep := range []bool{true, false} {
		p.Set(rpcproxy.DropValue{Filter: rpcproxy.QueryFilter{Path: "/store/trust/key", KeyPrefix: proved.RelyingPartyKey(w.Bank.ID)}, KeepProof: keep})
		_, err = lc.Get(ctx, "trust", proved.RelyingPartyKey(w.Bank.ID), h)
		require.ErrorIs(t, err, proved.ErrBadProof, "keep proof %v", keep)
		require.Positive(t, p.Count(rpcproxy.KindDropValue))
		lc, err = proved.New(proved.Config{Root: w.TrustRoot(), Primary: proved.Endpoint{URL: p.URL()}, AllowPlaintext: true})
		require.NoError(t, err) // a fresh client: the first dropped the node
	}
	p.Set()
	f, err := lc.Get(ctx, "trust", proved.RelyingPartyKey(w.Bank.ID), h)
	require.NoError(t, err)
	require.True(t, f.Exists(), "the untampered answer is proved")

	// Under another app hash nothing verifies.
	gap := absent("trust", proved.RelyingPartyKey(stranger.ID), "gap")
	other := bytes.Clone(lb.AppHash)
	other[0] ^= 1
	require.Error(t, proved.VerifyFactForTest(gap, other))
}

// decode returns f's store (IAVL) op's non-existence proof and the multistore op.
func decode(t *testing.T, f proved.Fact) (*ics23.NonExistenceProof, cmtcrypto.ProofOp) {
	t.Helper()
	require.Len(t, f.Proof.Ops, 2)
	var cp ics23.CommitmentProof
	require.NoError(t, cp.Unmarshal(f.Proof.Ops[0].Data))
	ne := cp.GetNonexist()
	require.NotNil(t, ne)
	return ne, f.Proof.Ops[1]
}

func encode(t *testing.T, f proved.Fact, key []byte, ne *ics23.NonExistenceProof, mop cmtcrypto.ProofOp) proved.Fact {
	t.Helper()
	ne.Key = key
	op := storetypes.NewIavlCommitmentOp(key, &ics23.CommitmentProof{Proof: &ics23.CommitmentProof_Nonexist{Nonexist: ne}}).ProofOp()
	return proved.Fact{Store: f.Store, Key: key, Height: f.Height, Proof: &cmtcrypto.ProofOps{Ops: []cmtcrypto.ProofOp{op, mop}}}
}

// forge re-labels f's absence proof as the absence of key.
func forge(t *testing.T, f proved.Fact, key []byte) proved.Fact {
	ne, mop := decode(t, f)
	return encode(t, f, key, ne, mop)
}

// splice proves key absent with a's left neighbour and b's right one.
func splice(t *testing.T, a, b proved.Fact, key []byte) proved.Fact {
	na, mop := decode(t, a)
	nb, _ := decode(t, b)
	return encode(t, b, key, &ics23.NonExistenceProof{Left: na.Left, Right: nb.Right}, mop)
}

// decodePairs reads the store's kv.Pairs (repeated Pair pairs = 1; Pair: bytes key = 1,
// bytes value = 2) as [key, value] pairs.
func decodePairs(t *testing.T, b []byte) [][2][]byte {
	t.Helper()
	var out [][2][]byte
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		require.True(t, n > 0 && num == 1 && typ == protowire.BytesType)
		b = b[n:]
		pb, n := protowire.ConsumeBytes(b)
		require.Positive(t, n)
		b = b[n:]
		var kv [2][]byte
		for len(pb) > 0 {
			f, ft, m := protowire.ConsumeTag(pb)
			require.True(t, m > 0 && (f == 1 || f == 2) && ft == protowire.BytesType)
			pb = pb[m:]
			v, m := protowire.ConsumeBytes(pb)
			require.Positive(t, m)
			pb = pb[m:]
			kv[f-1] = v
		}
		out = append(out, kv)
	}
	return out
}
