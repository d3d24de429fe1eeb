package types_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/amanah-id/amanah/x/status/types"
)

func TestListURIs(t *testing.T) {
	const owner = "did:amanah:local:JdBaFphCCEDjARWhkQAyq1"
	require.Equal(t, "https://node.example/amanah/status/v1/lists/7", types.ListURL("https://node.example/", 7, ""))
	for _, tc := range []struct {
		uri  string
		want types.ListRef
	}{
		{"https://node.example/amanah/status/v1/lists/7", types.ListRef{ListID: 7}},
		{"https://node.example/amanah/status/v1/lists/7?format=bitstring", types.ListRef{ListID: 7, Format: types.FormatBitstring}},
		{types.ListDIDURL(owner, 42), types.ListRef{ListID: 42, Owner: owner}},
	} {
		got, err := types.ParseListURI(tc.uri)
		require.NoError(t, err, tc.uri)
		require.Equal(t, tc.want, got, tc.uri)
	}
	for _, bad := range []string{
		"ftp://node/amanah/status/v1/lists/7", "https://node/amanah/status/v1/lists/0",
		"https://node/amanah/status/v1/lists/07", "https://node/other/7", "https://node/amanah/status/v1/lists/7?format=xml",
		"did:web:example.com?service=status&list=7", owner + "?service=other&list=7", owner + "?service=status",
		owner + "/path?service=status&list=7",
	} {
		_, err := types.ParseListURI(bad)
		require.ErrorIs(t, err, types.ErrInvalidURI, bad)
	}
}

func TestOperationValues(t *testing.T) {
	rev, sus, st := types.StatusPurpose_STATUS_PURPOSE_REVOCATION, types.StatusPurpose_STATUS_PURPOSE_SUSPENSION, types.StatusPurpose_STATUS_PURPOSE_STATUS
	for _, tc := range []struct {
		p    types.StatusPurpose
		op   types.Operation
		want uint8
		ok   bool
	}{
		{rev, types.OpRevoke, 1, true}, {rev, types.OpSuspend, 0, false}, {rev, types.OpReinstate, 0, true},
		{sus, types.OpSuspend, 1, true}, {sus, types.OpRevoke, 0, false}, {sus, types.OpReinstate, 0, true},
		{st, types.OpRevoke, 1, true}, {st, types.OpSuspend, 2, true}, {st, types.OpReinstate, 0, true},
	} {
		v, err := tc.p.ValueFor(tc.op)
		if !tc.ok {
			require.ErrorIs(t, err, types.ErrInvalidPurpose)
			continue
		}
		require.NoError(t, err)
		require.Equal(t, tc.want, v)
	}
}
