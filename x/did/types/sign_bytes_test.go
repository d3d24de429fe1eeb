package types_test

import (
	"encoding/hex"
	"testing"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/stretchr/testify/require"

	"github.com/amanah-id/amanah/x/did/types"
)

func TestTypeURLs(t *testing.T) {
	require.Equal(t, sdk.MsgTypeURL(&types.MsgCreateDid{}), types.TypeURLMsgCreateDid)
	require.Equal(t, sdk.MsgTypeURL(&types.MsgUpdateDid{}), types.TypeURLMsgUpdateDid)
	require.Equal(t, sdk.MsgTypeURL(&types.MsgDeactivateDid{}), types.TypeURLMsgDeactivateDid)
}

// TestSignBytesVector pins the sign bytes format (docs/did-method.md gives the same vector).
func TestSignBytesVector(t *testing.T) {
	p := &types.DeactivateDidPayload{Did: "did:amanah:local:6Tmhx9RNMdxr4D8wbRJMrD", PreviousVersionId: "2"}
	got, err := types.SignBytes("amanah-1", types.TypeURLMsgDeactivateDid, p)
	require.NoError(t, err)
	want := "amanah-sign-v1\namanah-1\n/amanah.did.v1.MsgDeactivateDid\n" +
		"\x0a\x27did:amanah:local:6Tmhx9RNMdxr4D8wbRJMrD\x12\x012"
	require.Equal(t, want, string(got), hex.EncodeToString(got))

	_, err = types.SignBytes("", types.TypeURLMsgDeactivateDid, p)
	require.Error(t, err)
	_, err = types.SignBytes("c", "", p)
	require.Error(t, err)
}
