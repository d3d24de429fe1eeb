package main

import (
	"context"
	"fmt"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	"github.com/cosmos/gogoproto/proto"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/credential/sdjwt"
	"github.com/amanah-id/amanah/credential/sdjwtvc"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/localnet"
	"github.com/amanah-id/amanah/localnet/txclient"
	"github.com/amanah-id/amanah/scripts/bench/benchnet"
	"github.com/amanah-id/amanah/statuslist"
	"github.com/amanah-id/amanah/verifier/verifiertest"
	"github.com/amanah-id/amanah/x/did/client/didsign"
	didtypes "github.com/amanah-id/amanah/x/did/types"
	statustypes "github.com/amanah-id/amanah/x/status/types"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

// The trust world on the chain, built as cmd/amanah-demo builds it (story.go, ledger.go: that
// code is in package main there, so its setup is repeated here): the council's vote registers
// the national-ID credential type and accredits an accreditation body; the body accredits an
// issuer and registers a bank as relying party; the issuer creates a revocation list. The
// credential type's schema and the credentials' claims are verifiertest's, so that the
// presentations are the same shape as the in-memory load's.

// txGas is the gas limit of the setup and revocation transactions (the minimum gas price is zero).
const txGas = 2_000_000

// audience is the bank's key-binding audience (as verifiertest.Audience for the in-memory world).
const audience = "https://checkout.bank.example"

// claims are what every presentation asks for and discloses (as scripts/bench/verifierload).
var claims = []string{"given_name", "age_over_18"}

// world is the chain's actors and the chain client on node 0.
type world struct {
	chain   *txclient.Chain
	net     *benchnet.Net
	council txclient.Signer
	chainID string
	network string // the did:amanah network name

	body, issuer, bank string
	bodyKey, issuerKey keys.PrivateKey
	listID             uint64
	listURI            string
	bankKey            string // the bank's API key at the verifiers
	// built is the height of the block that completed the world.
	built int64
}

func newWorld(ctx context.Context, net *benchnet.Net) (*world, error) {
	ch := net.Chain
	ch.Gas = txGas
	w := &world{chain: ch, net: net, chainID: net.Config.ChainID, bankKey: "bench-bank-api-key-0123456789"}
	var err error
	if w.network, err = ch.DIDNetwork(ctx); err != nil {
		return nil, err
	}
	if w.council, err = ch.Client.AgencySigner(net.Net, 0); err != nil {
		return nil, err
	}
	return w, nil
}

// deliver signs msgs as the council member, broadcasts them and waits for the block that
// commits them.
func (w *world) deliver(ctx context.Context, msgs ...sdk.Msg) (localnet.TxResult, error) {
	return w.chain.Deliver(ctx, w.council, msgs...)
}

// didSign signs a message payload with a DID key (x/did sign bytes).
func (w *world) didSign(msg sdk.Msg, payload proto.Message, method string, key keys.PrivateKey) ([]didtypes.DidSignature, error) {
	return didsign.Sign(w.chainID, msg, payload, method, key)
}

// createDIDs publishes n fresh Ed25519 DIDs in one transaction and returns them with their keys.
func (w *world) createDIDs(ctx context.Context, n int) ([]string, []keys.PrivateKey, error) {
	var ids []string
	var privs []keys.PrivateKey
	var msgs []sdk.Msg
	for range n {
		msg, id, priv, err := w.chain.NewDID(w.network, w.council)
		if err != nil {
			return nil, nil, err
		}
		msgs = append(msgs, msg)
		ids = append(ids, id)
		privs = append(privs, priv)
	}
	if _, err := w.deliver(ctx, msgs...); err != nil {
		return nil, nil, fmt.Errorf("create DIDs: %w", err)
	}
	return ids, privs, nil
}

// councilDecision submits msgs as a gov proposal, has the (only) member vote Yes, and waits
// until it has passed.
func (w *world) councilDecision(ctx context.Context, title string, msgs ...sdk.Msg) error {
	return w.chain.CouncilDecision(ctx, w.council, title, msgs...)
}

// build makes the trust world: DIDs, the council's vote, the issuer's accreditation, the
// bank's registration and the issuer's revocation list.
func (w *world) build(ctx context.Context) error {
	ids, privs, err := w.createDIDs(ctx, 3)
	if err != nil {
		return err
	}
	w.body, w.issuer, w.bank = ids[0], ids[1], ids[2]
	w.bodyKey, w.issuerKey = privs[0], privs[1]
	bankKey := privs[2]
	logf("DIDs: body %s, issuer %s, bank %s", w.body, w.issuer, w.bank)

	now := time.Now().UTC().Truncate(time.Second)
	gov := authtypes.NewModuleAddress(govtypes.ModuleName).String()
	sd := []string{"given_name", "family_name", "birthdate", "nationality", "address", "age_over_18", "age_over_21"}
	if err := w.councilDecision(ctx, "Accredit the accreditation body",
		&trusttypes.MsgRegisterCredentialType{Signer: gov, Payload: trusttypes.CredentialTypePayload{
			Vct: trusttypes.NationalIDVCT, Version: 1, DisplayName: "National identity credential",
			Schema: verifiertest.Schema, SelectivelyDisclosable: sd}},
		&trusttypes.MsgAccredit{Signer: gov, Payload: trusttypes.AccreditPayload{Id: "council-body", Accredited: w.body,
			Role: trusttypes.ROLE_ACCREDITATION_BODY, Vcts: []string{trusttypes.NationalIDVCT},
			ValidFrom: now.Add(-time.Hour), ValidUntil: now.AddDate(5, 0, 0)}}); err != nil {
		return fmt.Errorf("council decision: %w", err)
	}
	logf("council vote passed: credential type registered, body accredited")

	acc := &trusttypes.MsgAccredit{Signer: w.council.Address.String(), Payload: trusttypes.AccreditPayload{Id: "body-issuer",
		Accreditor: w.body, Accredited: w.issuer, Role: trusttypes.ROLE_ISSUER, Vcts: []string{trusttypes.NationalIDVCT},
		ValidFrom: now.Add(-time.Minute), ValidUntil: now.AddDate(1, 0, 0)}}
	if acc.Signatures, err = w.didSign(acc, &acc.Payload, w.body+"#key-1", w.bodyKey); err != nil {
		return err
	}
	rp := &trusttypes.MsgRegisterRelyingParty{Signer: w.council.Address.String(), Payload: trusttypes.RelyingPartyPayload{
		Did: w.bank, LegalName: "Bank Amanah Berhad", RegistrationNumber: "199001012345", Registrar: w.body, Version: 1,
		Status:      trusttypes.RELYING_PARTY_STATUS_ACTIVE,
		Permissions: []trusttypes.ClaimPermission{{Vct: trusttypes.NationalIDVCT, Claims: claims}},
		Audiences:   []string{audience}}}
	if rp.Signatures, err = w.didSign(rp, &rp.Payload, w.body+"#key-1", w.bodyKey); err != nil {
		return err
	}
	// The bank's consent: its own signature over the registration and its audience.
	if rp.RelyingPartySignatures, err = w.didSign(rp, &rp.Payload, w.bank+"#key-1", bankKey); err != nil {
		return err
	}
	if _, err := w.deliver(ctx, acc, rp); err != nil {
		return fmt.Errorf("accredit the issuer, register the bank: %w", err)
	}

	seq, err := w.statusSequence(ctx)
	if err != nil {
		return err
	}
	create := &statustypes.MsgCreateStatusList{Signer: w.council.Address.String(), Payload: &statustypes.CreateStatusListPayload{
		Owner: w.issuer, Purpose: statustypes.StatusPurpose_STATUS_PURPOSE_REVOCATION, Size_: statuslist.MinSize, Sequence: seq}}
	if create.Signatures, err = w.didSign(create, create.Payload, w.issuer+"#key-1", w.issuerKey); err != nil {
		return err
	}
	out, err := w.deliver(ctx, create)
	if err != nil {
		return fmt.Errorf("create the status list: %w", err)
	}
	w.built = out.Height
	lists, err := statustypes.NewQueryClient(w.chain.Conn).ListsByOwner(ctx, &statustypes.QueryListsByOwnerRequest{Owner: w.issuer})
	if err != nil || len(lists.Lists) != 1 {
		return fmt.Errorf("status list not found: %v", err)
	}
	w.listID = lists.Lists[0].Id
	w.listURI = statustypes.ListURL(w.net.Node(0).RESTURL(), w.listID, "")
	logf("issuer accredited by the body, bank registered, revocation list %d (%d entries)", w.listID, statuslist.MinSize)
	return nil
}

// statusSequence returns the issuer's next x/status payload sequence.
func (w *world) statusSequence(ctx context.Context) (uint64, error) {
	seq, err := statustypes.NewQueryClient(w.chain.Conn).Sequence(ctx, &statustypes.QuerySequenceRequest{Owner: w.issuer})
	if err != nil {
		return 0, err
	}
	return seq.Sequence, nil
}

// revokeTx signs (not submits) the revocation of index idx of the issuer's list.
func (w *world) revokeTx(ctx context.Context, idx uint32) (txclient.SignedTx, error) {
	seq, err := w.statusSequence(ctx)
	if err != nil {
		return txclient.SignedTx{}, err
	}
	value, err := statustypes.StatusPurpose_STATUS_PURPOSE_REVOCATION.ValueFor(statustypes.OpRevoke)
	if err != nil {
		return txclient.SignedTx{}, err
	}
	upd := &statustypes.MsgUpdateStatusList{Signer: w.council.Address.String(), Payload: &statustypes.UpdateStatusListPayload{
		ListId: w.listID, Sequence: seq, Indices: []uint32{idx}, Values: []byte{value}}}
	if upd.Signatures, err = w.didSign(upd, upd.Payload, w.issuer+"#key-1", w.issuerKey); err != nil {
		return txclient.SignedTx{}, err
	}
	return w.chain.SignNext(ctx, w.council, upd)
}

// issue issues a national-ID credential with verifiertest's claims and status index idx to a
// new Ed25519 holder.
func (w *world) issue(idx uint64) (*verifiertest.Holder, error) {
	hk, err := keys.Generate(keys.Ed25519)
	if err != nil {
		return nil, err
	}
	iss := &sdjwtvc.Issuer{DID: w.issuer, KeyID: w.issuer + "#key-1", Signer: jws.NewKeySigner(w.issuerKey)}
	s, err := iss.Issue(context.Background(), sdjwtvc.Credential{VCT: trusttypes.NationalIDVCT, Claims: verifiertest.Claims,
		Holder: hk.Public(), Status: &sdjwtvc.StatusRef{Index: idx, URI: w.listURI}, Expires: time.Now().AddDate(1, 0, 0)})
	if err != nil {
		return nil, err
	}
	p, err := sdjwt.Parse(s)
	if err != nil {
		return nil, err
	}
	return &verifiertest.Holder{SDJWT: p, Key: hk}, nil
}
