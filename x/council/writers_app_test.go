package council_test

import (
	"encoding/json"
	"math/rand"
	"testing"
	"time"

	"cosmossdk.io/log/v2"
	abci "github.com/cometbft/cometbft/abci/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/crypto/keys/ed25519"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	govv1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"
	"github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"

	"github.com/amanah-id/amanah/app"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/testutil/appgenesis"
	counciltypes "github.com/amanah-id/amanah/x/council/types"
	didtypes "github.com/amanah-id/amanah/x/did/types"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

const (
	rightsChainID = "amanah-rights"
	rightsVoting  = 10 * time.Second
)

// rightsAccount is a secp256k1 account that signs transactions.
type rightsAccount struct {
	priv   *secp256k1.PrivKey
	addr   sdk.AccAddress
	accNum uint64
	seq    uint64
}

// rightsChain drives a real app block by block (FinalizeBlock + Commit), every transaction
// through the full ante chain, with block times the test chooses.
type rightsChain struct {
	t      *testing.T
	a      *app.App
	r      *rand.Rand
	height int64
	now    time.Time
}

func (c *rightsChain) tx(from *rightsAccount, msgs ...sdk.Msg) []byte {
	tx, err := simtestutil.GenSignedMockTx(c.r, c.a.TxConfig(), msgs, sdk.NewCoins(), 5_000_000, rightsChainID,
		[]uint64{from.accNum}, []uint64{from.seq}, from.priv)
	require.NoError(c.t, err)
	bz, err := c.a.TxConfig().TxEncoder()(tx)
	require.NoError(c.t, err)
	from.seq++
	return bz
}

// block runs one block at now+dt and returns each transaction's result.
func (c *rightsChain) block(dt time.Duration, txs ...[]byte) []*abci.ExecTxResult {
	c.height++
	c.now = c.now.Add(dt)
	res, err := c.a.FinalizeBlock(&abci.RequestFinalizeBlock{Height: c.height, Time: c.now, Txs: txs})
	require.NoError(c.t, err)
	_, err = c.a.Commit()
	require.NoError(c.t, err)
	return res.TxResults
}

func requireOK(t *testing.T, res []*abci.ExecTxResult, what string) {
	t.Helper()
	for i, r := range res {
		require.Zerof(t, r.Code, "%s: tx %d: %s", what, i, r.Log)
	}
}

func requireUnauthorized(t *testing.T, r *abci.ExecTxResult, want, what string) {
	t.Helper()
	require.Equal(t, counciltypes.ModuleName, r.Codespace, "%s: %s", what, r.Log)
	require.Equal(t, counciltypes.ErrUnauthorizedWrite.ABCICode(), r.Code, "%s: %s", what, r.Log)
	require.Contains(t, r.Log, want, what)
}

// TestWriterRightsEnd runs the ways a writer's right must end on the real app, each checked
// through the ante handler in DeliverTx: an accredited issuer's operator after its
// accreditation is revoked (in the same block), suspended (and back when reinstated), expires,
// after its body's accreditation is revoked and after its DID is deactivated; a body's own
// operator after the body's revocation; and a member-granted writer after the member's removal.
func TestWriterRightsEnd(t *testing.T) {
	a := app.New(log.NewNopLogger(), dbm.NewMemDB(), true, simtestutil.NewAppOptionsWithFlagHome(t.TempDir()),
		baseapp.SetChainID(rightsChainID))
	cdc := a.AppCodec()
	names := []string{"m1", "m2", "opB", "opB2", "op1", "op2", "op3", "op4", "op5", "w"}
	acct := map[string]*rightsAccount{}
	gs := a.DefaultGenesis()
	var accounts []appgenesis.Account
	for i, n := range names {
		priv := secp256k1.GenPrivKeyFromSecret([]byte("rights-" + n))
		acct[n] = &rightsAccount{priv: priv, addr: sdk.AccAddress(priv.PubKey().Address()), accNum: uint64(i)}
		accounts = append(accounts, appgenesis.Account{Addr: acct[n].addr, Coins: sdk.NewCoins(
			sdk.NewInt64Coin("uamn", 1_000_000), sdk.NewInt64Coin(app.BondDenom, 1_000_000))})
	}
	m1, m2 := acct["m1"], acct["m2"]
	// One agency runs the only validator; the second is a member without one.
	require.NoError(t, appgenesis.OneValidator(cdc, gs, appgenesis.Spec{Accounts: accounts,
		Validator: m1.addr, ConsensusKey: ed25519.GenPrivKeyFromSecret([]byte("rights-consensus")).PubKey(),
		Bond: counciltypes.DefaultBondAmount, BondDenom: app.BondDenom,
		Members: []counciltypes.Member{{Address: m1.addr.String(), Name: "Agency 1"}, {Address: m2.addr.String(), Name: "Agency 2"}}}))
	var gov govv1.GenesisState
	cdc.MustUnmarshalJSON(gs[govtypes.ModuleName], &gov)
	app.SetCouncilGovParams(gov.Params, rightsVoting)
	gs[govtypes.ModuleName] = cdc.MustMarshalJSON(&gov)
	var did didtypes.GenesisState
	cdc.MustUnmarshalJSON(gs[didtypes.ModuleName], &did)
	network := did.Params.Network
	genesis, err := json.Marshal(gs)
	require.NoError(t, err)

	c := &rightsChain{t: t, a: a, r: rand.New(rand.NewSource(1)), now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	_, err = a.InitChain(&abci.RequestInitChain{ChainId: rightsChainID, AppStateBytes: genesis, Time: c.now,
		ConsensusParams: simtestutil.DefaultConsensusParams, InitialHeight: 1})
	require.NoError(t, err)

	// DIDs: two accreditation bodies and five issuers.
	privs := map[string]keys.PrivateKey{}
	dids := map[string]string{}
	var txs [][]byte
	for _, n := range []string{"B", "B2", "I1", "I2", "I3", "I4", "I5"} {
		priv, err := keys.Generate(keys.Ed25519)
		require.NoError(t, err)
		doc := didtypes.NewDocument(network, priv.Public())
		bz, err := doc.MarshalJSON()
		require.NoError(t, err)
		msg := &didtypes.MsgCreateDid{Signer: m1.addr.String(), Payload: didtypes.CreateDidPayload{Document: bz}}
		sig, err := didtypes.Sign(rightsChainID, sdk.MsgTypeURL(msg), &msg.Payload, doc.ID+"#key-1", priv)
		require.NoError(t, err)
		msg.Signatures = []didtypes.DidSignature{sig}
		privs[n], dids[n] = priv, doc.ID
		txs = append(txs, c.tx(m1, msg))
	}
	requireOK(t, c.block(time.Second, txs...), "create DIDs")
	didSign := func(n string, msg sdk.Msg, payload proto.Message) []didtypes.DidSignature {
		sig, err := didtypes.Sign(rightsChainID, sdk.MsgTypeURL(msg), payload, dids[n]+"#key-1", privs[n])
		require.NoError(t, err)
		return []didtypes.DidSignature{sig}
	}

	// A council decision: both members vote Yes, the next block ends the voting period.
	govAddr := authtypes.NewModuleAddress(govtypes.ModuleName).String()
	proposals := uint64(0)
	decide := func(msgs ...sdk.Msg) {
		t.Helper()
		sub, err := govv1.NewMsgSubmitProposal(msgs, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1000)), m1.addr.String(), "", "decision", "test", false)
		require.NoError(t, err)
		proposals++
		requireOK(t, c.block(time.Second, c.tx(m1, sub),
			c.tx(m1, govv1.NewMsgVote(m1.addr, proposals, govv1.OptionYes, "")),
			c.tx(m2, govv1.NewMsgVote(m2.addr, proposals, govv1.OptionYes, ""))), "proposal")
		c.block(rightsVoting + time.Second)
		p, err := a.GovKeeper.Proposals.Get(a.NewContext(true), proposals)
		require.NoError(t, err)
		require.Equal(t, govv1.StatusPassed, p.Status, "proposal %d: %s", proposals, p.FailedReason)
	}
	far := c.now.AddDate(5, 0, 0)
	decide(
		&trusttypes.MsgRegisterCredentialType{Signer: govAddr, Payload: trusttypes.CredentialTypePayload{
			Vct: trusttypes.NationalIDVCT, Version: 1, DisplayName: "National identity credential",
			Schema: `{"type":"object","properties":{"given_name":{"type":"string"}}}`, SelectivelyDisclosable: []string{"given_name"}}},
		&trusttypes.MsgAccredit{Signer: govAddr, Payload: trusttypes.AccreditPayload{Id: "council-B", Accredited: dids["B"],
			Role: trusttypes.ROLE_ACCREDITATION_BODY, Vcts: []string{trusttypes.NationalIDVCT}, ValidFrom: c.now.Add(-time.Hour), ValidUntil: far,
			Operator: acct["opB"].addr.String()}},
		&trusttypes.MsgAccredit{Signer: govAddr, Payload: trusttypes.AccreditPayload{Id: "council-B2", Accredited: dids["B2"],
			Role: trusttypes.ROLE_ACCREDITATION_BODY, Vcts: []string{trusttypes.NationalIDVCT}, ValidFrom: c.now.Add(-time.Hour), ValidUntil: far,
			Operator: acct["opB2"].addr.String()}},
	)

	// The bodies accredit the issuers, each with an operator account; issuer 3 for one hour.
	// A member authorises a writer of its own.
	accredit := func(body, id, issuer, op string, until time.Time) []byte {
		msg := &trusttypes.MsgAccredit{Signer: m1.addr.String(), Payload: trusttypes.AccreditPayload{Id: id, Accreditor: dids[body],
			Accredited: dids[issuer], Role: trusttypes.ROLE_ISSUER, Vcts: []string{trusttypes.NationalIDVCT},
			ValidFrom: c.now.Add(-time.Minute), ValidUntil: until, Operator: acct[op].addr.String()}}
		msg.Signatures = didSign(body, msg, &msg.Payload)
		return c.tx(m1, msg)
	}
	expiry := c.now.Add(time.Hour)
	requireOK(t, c.block(time.Second,
		accredit("B", "B-I1", "I1", "op1", far.Add(-time.Hour)),
		accredit("B", "B-I2", "I2", "op2", far.Add(-time.Hour)),
		accredit("B", "B-I3", "I3", "op3", expiry),
		accredit("B2", "B2-I4", "I4", "op4", far.Add(-time.Hour)),
		accredit("B", "B-I5", "I5", "op5", far.Add(-time.Hour)),
		c.tx(m2, &counciltypes.MsgAuthorizeWriter{Granter: m2.addr.String(), Address: acct["w"].addr.String(), Note: "agency 2's writer"}),
	), "accredit")
	w, err := a.CouncilKeeper.Writers.Get(a.NewContext(true), acct["op1"].addr)
	require.NoError(t, err)
	require.Equal(t, "B-I1", w.AccreditationId, "the writer records the accreditation that grants it")

	// The ante check's cost: a few store reads, bounded whatever the chain holds.
	for _, n := range []string{"m1", "w", "op1"} {
		ctx := a.NewContext(true).WithBlockTime(c.now).WithGasMeter(storetypes.NewInfiniteGasMeter())
		reason, err := a.CouncilKeeper.WriteDenied(ctx, acct[n].addr)
		require.NoError(t, err)
		require.Empty(t, reason)
		gas := ctx.GasMeter().GasConsumed()
		t.Logf("WriteDenied(%s): %d gas", n, gas)
		require.Less(t, gas, uint64(40_000), n)
	}

	write := func(n string) []byte {
		return c.tx(acct[n], banktypes.NewMsgSend(acct[n].addr, m1.addr, sdk.NewCoins(sdk.NewInt64Coin("uamn", 1))))
	}
	all := []string{"opB", "opB2", "op1", "op2", "op3", "op4", "op5", "w"}
	var writes [][]byte
	for _, n := range all {
		writes = append(writes, write(n))
	}
	requireOK(t, c.block(time.Second, writes...), "every writer writes while its grant holds")

	setStatus := func(body, id string, st trusttypes.AccreditationStatus, seq uint64) []byte {
		msg := &trusttypes.MsgSetAccreditationStatus{Signer: m1.addr.String(), Payload: trusttypes.AccreditationStatusPayload{
			Id: id, Actor: dids[body], Status: st, Sequence: seq, Reason: "test"}}
		msg.Signatures = didSign(body, msg, &msg.Payload)
		return c.tx(m1, msg)
	}
	deactivate := &didtypes.MsgDeactivateDid{Signer: m1.addr.String(), Payload: didtypes.DeactivateDidPayload{Did: dids["I5"], PreviousVersionId: "1"}}
	deactivate.Signatures = didSign("I5", deactivate, &deactivate.Payload)

	// One block: each change, then the operator's transaction right after it, which fails. (A
	// transaction refused in the ante handler leaves its signer's sequence unused.)
	res := c.block(time.Second,
		setStatus("B", "B-I1", trusttypes.ACCREDITATION_STATUS_REVOKED, 1), write("op1"),
		setStatus("B", "B-I2", trusttypes.ACCREDITATION_STATUS_SUSPENDED, 1), write("op2"),
		c.tx(m1, deactivate), write("op5"),
		write("op3"), write("op4"), write("opB"),
	)
	require.Zero(t, res[0].Code, res[0].Log)
	requireUnauthorized(t, res[1], "accreditation B-I1, which is not in force (revoked)", "revoked, same block")
	require.Zero(t, res[2].Code, res[2].Log)
	requireUnauthorized(t, res[3], "(suspended)", "suspended, same block")
	require.Zero(t, res[4].Code, res[4].Log)
	requireUnauthorized(t, res[5], "(issuer_inactive)", "DID deactivated, same block")
	requireOK(t, res[6:], "the others still write")
	for _, n := range []string{"op1", "op2", "op5"} {
		acct[n].seq-- // refused in the ante handler: the sequence was not used
	}

	// Reinstated: the suspended operator writes again (nothing was swept). Expired: no more.
	requireOK(t, c.block(time.Second, setStatus("B", "B-I2", trusttypes.ACCREDITATION_STATUS_ACTIVE, 2)), "reinstate")
	requireOK(t, c.block(time.Second, write("op2")), "reinstated operator")
	c.now = expiry.Add(-time.Second)
	res = c.block(time.Second, write("op3"), write("op1"))
	requireUnauthorized(t, res[0], "(expired)", "expired")
	requireUnauthorized(t, res[1], "(revoked)", "revoked for good")
	acct["op3"].seq--
	acct["op1"].seq--

	// The council revokes body B2 and removes agency 2, in one decision. B2's issuer's operator,
	// B2's own operator and agency 2's writer lose the right in that block.
	decide(
		&trusttypes.MsgSetAccreditationStatus{Signer: govAddr, Payload: trusttypes.AccreditationStatusPayload{
			Id: "council-B2", Status: trusttypes.ACCREDITATION_STATUS_REVOKED, Sequence: 1, Reason: "audit"}},
		&counciltypes.MsgRemoveMember{Authority: govAddr, Address: m2.addr.String()},
	)
	has, err := a.CouncilKeeper.Writers.Has(a.NewContext(true), acct["w"].addr)
	require.NoError(t, err)
	require.False(t, has, "the removed member's writer is dropped in the block of the removal")
	res = c.block(time.Second, write("op4"), write("opB2"), write("w"), write("opB"), write("op2"))
	requireUnauthorized(t, res[0], "(accreditor_not_accredited)", "body revoked")
	requireUnauthorized(t, res[1], "accreditation council-B2, which is not in force (revoked)", "body's own operator")
	requireUnauthorized(t, res[2], "not a member or authorised writer", "member removed")
	requireOK(t, res[3:], "operators under body B still write")
}
