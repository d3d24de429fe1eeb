package trust_test

import (
	"context"
	"testing"
	"time"

	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	govv1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"
	"github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"

	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/testutil/network"
	counciltypes "github.com/amanah-id/amanah/x/council/types"
	didtypes "github.com/amanah-id/amanah/x/did/types"
	"github.com/amanah-id/amanah/x/trust/types"
)

const votingPeriod = 4 * time.Second

// TestTrustChainNetwork builds the demo trust chain on a real node: the council (by gov
// proposal) registers the national id type and accredits the National Registration Department,
// which accredits the issuer with its DID key and registers a bank; the accreditation answer is
// checked before, during and after the issuer's validity, and after the council revokes the
// department's accreditation (the middle link).
func TestTrustChainNetwork(t *testing.T) {
	if testing.Short() {
		t.Skip("in-process network")
	}
	n := network.New(t, network.DefaultConfig(t, 1, votingPeriod))
	val := n.Validators[0]
	ctx := context.Background()
	chainID := n.Config.ChainID
	gov := authtypes.NewModuleAddress(govtypes.ModuleName).String()
	tq := types.NewQueryClient(val.ClientCtx)

	params, err := didtypes.NewQueryClient(val.ClientCtx).Params(ctx, &didtypes.QueryParamsRequest{})
	require.NoError(t, err)
	newDID := func() (string, keys.PrivateKey) {
		priv, err := keys.Generate(keys.Ed25519)
		require.NoError(t, err)
		doc := didtypes.NewDocument(params.Params.Network, priv.Public())
		bz, err := doc.MarshalJSON()
		require.NoError(t, err)
		msg := &didtypes.MsgCreateDid{Signer: val.Address.String(), Payload: didtypes.CreateDidPayload{Document: bz}}
		sig, err := didtypes.Sign(chainID, didtypes.TypeURLMsgCreateDid, &msg.Payload, doc.ID+"#key-1", priv)
		require.NoError(t, err)
		msg.Signatures = []didtypes.DidSignature{sig}
		network.Deliver(t, n, val, "node0", msg)
		return doc.ID, priv
	}
	nrd, nrdKey := newDID()
	issuer, _ := newDID()
	bank, bankKey := newDID()
	other, otherKey := newDID() // a second accreditation body for the same types
	signAs := func(did string, key keys.PrivateKey, msg sdk.Msg, payload proto.Message) []didtypes.DidSignature {
		sig, err := didtypes.Sign(chainID, sdk.MsgTypeURL(msg), payload, did+"#key-1", key)
		require.NoError(t, err)
		return []didtypes.DidSignature{sig}
	}
	sign := func(msg sdk.Msg, payload proto.Message) []didtypes.DidSignature {
		return signAs(nrd, nrdKey, msg, payload)
	}

	// Council decision: the national id type and the department as accreditation body.
	now := latestBlockTime(t, n)
	id := network.SubmitProposal(t, n,
		&types.MsgRegisterCredentialType{Signer: gov, Payload: types.CredentialTypePayload{
			Vct: types.NationalIDVCT, Version: 1, DisplayName: "National identity credential",
			Schema:                 `{"type":"object","properties":{"given_name":{"type":"string"},"family_name":{"type":"string"},"birthdate":{"type":"string"},"age_over_18":{"type":"boolean"}}}`,
			SelectivelyDisclosable: []string{"given_name", "family_name", "birthdate", "age_over_18"},
		}},
		&types.MsgAccredit{Signer: gov, Payload: types.AccreditPayload{Id: "council-nrd", Accredited: nrd,
			Role: types.ROLE_ACCREDITATION_BODY, Vcts: []string{types.NationalIDVCT, drivingVCT},
			ValidFrom: now.Add(-time.Hour), ValidUntil: now.AddDate(5, 0, 0)}},
		&types.MsgAccredit{Signer: gov, Payload: types.AccreditPayload{Id: "council-other", Accredited: other,
			Role: types.ROLE_ACCREDITATION_BODY, Vcts: []string{types.NationalIDVCT, drivingVCT},
			ValidFrom: now.Add(-time.Hour), ValidUntil: now.AddDate(5, 0, 0)}})
	network.VoteYes(t, n, id, 0)
	network.RequireProposalStatus(t, n, id, govv1.StatusPassed, votingPeriod)

	// The department accredits the issuer (signed with its DID key; any writer pays the fee)
	// and makes the issuer's operator account a writer.
	operator := network.NewKey(t, val, "issuer-operator")
	from, until := now.Add(-time.Minute), now.AddDate(1, 0, 0)
	acc := &types.MsgAccredit{Signer: val.Address.String(), Payload: types.AccreditPayload{Id: "nrd-issuer", Accreditor: nrd,
		Accredited: issuer, Role: types.ROLE_ISSUER, Vcts: []string{types.NationalIDVCT},
		ValidFrom: from, ValidUntil: until, Operator: operator.String()}}
	acc.Signatures = sign(acc, &acc.Payload)
	network.Deliver(t, n, val, "node0", acc)
	_, err = counciltypes.NewQueryClient(val.ClientCtx).Writer(ctx, &counciltypes.QueryWriterRequest{Address: operator.String()})
	require.NoError(t, err, "the issuer's operator is a writer")

	// The department registers the bank for two claims of the national id and one audience.
	// Without the bank's own signature the registration is refused and nothing is stored.
	rp := &types.MsgRegisterRelyingParty{Signer: val.Address.String(), Payload: types.RelyingPartyPayload{Did: bank,
		LegalName: "Bank Amanah Berhad", RegistrationNumber: "199001012345", Registrar: nrd, Version: 1,
		Status:      types.RELYING_PARTY_STATUS_ACTIVE,
		Permissions: []types.ClaimPermission{{Vct: types.NationalIDVCT, Claims: []string{"age_over_18", "given_name"}}},
		Audiences:   []string{"https://checkout.bank.example"}}}
	rp.Signatures = sign(rp, &rp.Payload)
	requireRefused(t, n, val, types.ErrMissingRPSignature, rp)
	_, err = tq.RelyingParty(ctx, &types.QueryRelyingPartyRequest{Did: bank})
	require.Error(t, err, "a refused registration stores nothing")
	// Signed by the bank's capabilityInvocation key: registered with its audience.
	rp.RelyingPartySignatures = signAs(bank, bankKey, rp, &rp.Payload)
	network.Deliver(t, n, val, "node0", rp)
	rpRes, err := tq.RelyingParty(ctx, &types.QueryRelyingPartyRequest{Did: bank})
	require.NoError(t, err)
	require.Equal(t, []string{"age_over_18", "given_name"}, rpRes.RelyingParty.Permissions[0].Claims)
	require.Equal(t, []string{"https://checkout.bank.example"}, rpRes.RelyingParty.Audiences)

	// A later schema version: only the type's first registrant, or the council. The national id
	// is the council's: the department, in scope, may not replace its schema.
	ct := func(body string, key keys.PrivateKey, vct string, version uint32) *types.MsgRegisterCredentialType {
		m := &types.MsgRegisterCredentialType{Signer: val.Address.String(), Payload: types.CredentialTypePayload{
			Vct: vct, Version: version, DisplayName: "Type", Registrant: body,
			Schema: `{"type":"object","properties":{"given_name":{"type":"string"},"licence_class":{"type":"string"}}}`}}
		m.Signatures = signAs(body, key, m, &m.Payload)
		return m
	}
	requireRefused(t, n, val, types.ErrNotTypeOwner, ct(nrd, nrdKey, types.NationalIDVCT, 2))
	// The department registers a type of its own and publishes its version 2; the other body,
	// in scope for it too, may not publish version 3.
	network.Deliver(t, n, val, "node0", ct(nrd, nrdKey, drivingVCT, 1))
	network.Deliver(t, n, val, "node0", ct(nrd, nrdKey, drivingVCT, 2))
	requireRefused(t, n, val, types.ErrNotTypeOwner, ct(other, otherKey, drivingVCT, 3))
	latest, err := tq.CredentialType(ctx, &types.QueryCredentialTypeRequest{Vct: drivingVCT})
	require.NoError(t, err)
	require.Equal(t, uint32(2), latest.CredentialType.Version)
	require.Equal(t, nrd, latest.CredentialType.RegisteredBy)

	ask := func(at *time.Time) *types.QueryIsAccreditedResponse {
		res, err := tq.IsAccredited(ctx, &types.QueryIsAccreditedRequest{Did: issuer, Vct: types.NationalIDVCT, Time: at})
		require.NoError(t, err)
		return res
	}
	before, after := from.Add(-time.Second), until
	require.Equal(t, types.ReasonNotYetValid, ask(&before).Reason, "before validity")
	during := ask(nil)
	require.True(t, during.Accredited, during.Reason)
	require.Len(t, during.Chain, 2)
	require.Equal(t, "nrd-issuer", during.Chain[0].Id)
	require.Equal(t, "council-nrd", during.Chain[1].Id)
	require.Equal(t, types.ReasonExpired, ask(&after).Reason, "after validity")

	// The council revokes the middle link: the issuer is no longer accredited.
	id = network.SubmitProposal(t, n, &types.MsgSetAccreditationStatus{Signer: gov, Payload: types.AccreditationStatusPayload{
		Id: "council-nrd", Status: types.ACCREDITATION_STATUS_REVOKED, Sequence: 1, Reason: "audit"}})
	network.VoteYes(t, n, id, 0)
	network.RequireProposalStatus(t, n, id, govv1.StatusPassed, votingPeriod)
	revoked := ask(nil)
	require.False(t, revoked.Accredited)
	require.Equal(t, types.ReasonAccreditorNotAccredited, revoked.Reason)
	stillBefore := during.Time
	require.True(t, ask(&stillBefore).Accredited, "the answer for a time before the revocation is unchanged")
}

// drivingVCT is a second credential type, registered by an accreditation body.
const drivingVCT = "https://amanah.gov.example/credentials/driving-licence"

// requireRefused delivers msg and requires the trust registry to refuse it with want.
func requireRefused(t *testing.T, n *network.Network, val *network.Validator, want *errorsmod.Error, msg sdk.Msg) {
	t.Helper()
	res := network.Broadcast(t, n, val, "node0", msg)
	if res.Code == 0 {
		res = network.WaitTx(t, n, res.TxHash)
	}
	require.Equal(t, types.ModuleName, res.Codespace, res.RawLog)
	require.Equal(t, want.ABCICode(), res.Code, "want %v, got %s", want, res.RawLog)
}

func latestBlockTime(t *testing.T, n *network.Network) time.Time {
	t.Helper()
	st, err := n.Validators[0].RPCClient.Status(context.Background())
	require.NoError(t, err)
	return st.SyncInfo.LatestBlockTime.UTC().Truncate(time.Second)
}
