// Package chaintest builds the verifier's world on a real chain for tests: an
// in-process Amanah validator (testutil/network) with the national-ID trust
// chain made by real transactions (council vote, accreditation body, issuers,
// a registered bank, status lists), credentials issued by those issuers, and
// a verifier service over any ledger.View to ask for verdicts.
package chaintest

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	govv1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"
	"github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/credential/sdjwt"
	"github.com/amanah-id/amanah/credential/sdjwtvc"
	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/statuslist"
	"github.com/amanah-id/amanah/testutil/network"
	"github.com/amanah-id/amanah/verifier/auth"
	"github.com/amanah-id/amanah/verifier/challenge"
	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/ledger/node"
	"github.com/amanah-id/amanah/verifier/ledger/proved"
	"github.com/amanah-id/amanah/verifier/service"
	"github.com/amanah-id/amanah/verifier/verifierpb"
	didtypes "github.com/amanah-id/amanah/x/did/types"
	statustypes "github.com/amanah-id/amanah/x/status/types"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

// VotingPeriod is the council's voting period on the test chain.
const VotingPeriod = 4 * time.Second

// Schema is the national-ID type's schema on the test chain.
const Schema = `{"type":"object","properties":{"given_name":{"type":"string"},"family_name":{"type":"string"},` +
	`"birthdate":{"type":"string"},"age_over_18":{"type":"boolean"},"age_over_21":{"type":"boolean"}}}`

// Audience is the bank's key-binding audience.
const Audience = "https://checkout.bank.example"

// DID is a DID on the test chain with its controlling key (key-1: every
// relationship).
type DID struct {
	ID  string
	Key keys.PrivateKey
	// Doc is the DID's current document.
	Doc *didcore.Document
	// Version is the current version id.
	Version string
}

// Method returns the DID URL of fragment frag ("#key-1").
func (d *DID) Method(frag string) string { return d.ID + frag }

// World is the chain and its actors.
type World struct {
	T       testing.TB
	N       *network.Network
	Val     *network.Validator
	ChainID string
	Network string
	// Body is the accreditation body the council accredited (the National
	// Registration Department); Bank the registered relying party.
	Body, Bank *DID

	mu       sync.Mutex
	lastTxAt int64 // height of the last transaction delivered
}

// New starts a one-validator chain and makes the council accredit Body for
// the national-ID type, which Body registers with Bank as relying party.
func New(t testing.TB) *World {
	t.Helper()
	n := network.New(t, network.DefaultConfig(t, 1, VotingPeriod))
	w := &World{T: t, N: n, Val: n.Validators[0], ChainID: n.Config.ChainID}
	p, err := didtypes.NewQueryClient(w.Val.ClientCtx).Params(context.Background(), &didtypes.QueryParamsRequest{})
	require.NoError(t, err)
	w.Network = p.Params.Network
	w.Body = w.NewDID()
	w.Bank = w.NewDID()
	now := w.BlockTime()
	gov := authtypes.NewModuleAddress(govtypes.ModuleName).String()
	w.Council(
		&trusttypes.MsgRegisterCredentialType{Signer: gov, Payload: trusttypes.CredentialTypePayload{
			Vct: trusttypes.NationalIDVCT, Version: 1, DisplayName: "National identity credential", Schema: Schema,
			SelectivelyDisclosable: []string{"given_name", "family_name", "birthdate", "age_over_18", "age_over_21"}}},
		&trusttypes.MsgAccredit{Signer: gov, Payload: trusttypes.AccreditPayload{Id: "council-body", Accredited: w.Body.ID,
			Role: trusttypes.ROLE_ACCREDITATION_BODY, Vcts: []string{trusttypes.NationalIDVCT},
			ValidFrom: now.Add(-time.Hour), ValidUntil: now.AddDate(5, 0, 0)}})
	w.RegisterBank(1, Audience)
	return w
}

// RegisterBank makes Body register (version 1) or update the Bank as relying party for
// given_name and age_over_18 of the national id with audiences, signed by Body and by the
// Bank itself (its consent).
func (w *World) RegisterBank(version uint64, audiences ...string) {
	rp := &trusttypes.MsgRegisterRelyingParty{Signer: w.signer(), Payload: trusttypes.RelyingPartyPayload{Did: w.Bank.ID,
		LegalName: "Bank Amanah Berhad", RegistrationNumber: "199001012345", Registrar: w.Body.ID, Version: version,
		Status:      trusttypes.RELYING_PARTY_STATUS_ACTIVE,
		Permissions: []trusttypes.ClaimPermission{{Vct: trusttypes.NationalIDVCT, Claims: []string{"age_over_18", "given_name"}}},
		Audiences:   audiences}}
	rp.Signatures = w.Sign(w.Body, "#key-1", rp, &rp.Payload)
	rp.RelyingPartySignatures = w.Sign(w.Bank, "#key-1", rp, &rp.Payload)
	w.Deliver(rp)
}

func (w *World) signer() string { return w.Val.Address.String() }

// RPCURL is the validator's CometBFT RPC as an http:// URL on loopback.
func (w *World) RPCURL() string {
	addr := strings.TrimPrefix(w.Val.RPCAddress, "tcp://")
	addr = strings.Replace(addr, "0.0.0.0", "127.0.0.1", 1)
	return "http://" + addr
}

// TrustRoot takes the light client's trust root from the validator's block 1
// (trust on first use: the test runs the validator).
func (w *World) TrustRoot() proved.TrustRoot {
	lb, err := proved.FetchLightBlock(context.Background(), w.RPCURL(), 1, nil, true)
	require.NoError(w.T, err)
	return proved.TrustRoot{ChainID: w.ChainID, Height: lb.Height, Hash: lb.Hash(), Period: 24 * time.Hour}
}

// OpenView opens the proof-checked ledger view over the given RPC URLs (the
// validator's if none) and follows the chain until the test ends.
func (w *World) OpenView(cfg ledger.Config, urls ...string) *node.View {
	if len(urls) == 0 {
		urls = []string{w.RPCURL()}
	}
	var eps []proved.Endpoint
	for i, u := range urls {
		eps = append(eps, proved.Endpoint{Name: "node" + strconv.Itoa(i), URL: u})
	}
	ctx, cancel := context.WithCancel(context.Background())
	w.T.Cleanup(cancel)
	v, err := node.Open(node.Options{Root: w.TrustRoot(), Nodes: eps, AllowPlaintext: true, Cache: cfg})
	require.NoError(w.T, err)
	go v.Run(ctx)
	// Fresh, and at the state of the last transaction delivered (state h is proved by header
	// h+1, so a view just opened may still be a block behind it).
	require.Eventually(w.T, func() bool { return v.Cache.Fresh() == nil && v.Cache.Sync().Height >= w.LastTxHeight() },
		60*time.Second, 20*time.Millisecond, "view never synced")
	return v
}

// BlockTime returns the latest block's time (whole seconds, UTC).
func (w *World) BlockTime() time.Time {
	st, err := w.Val.RPCClient.Status(context.Background())
	require.NoError(w.T, err)
	return st.SyncInfo.LatestBlockTime.UTC().Truncate(time.Second)
}

// Height returns the latest block height.
func (w *World) Height() int64 {
	st, err := w.Val.RPCClient.Status(context.Background())
	require.NoError(w.T, err)
	return st.SyncInfo.LatestBlockHeight
}

// WaitHeight waits until the chain has committed height h.
func (w *World) WaitHeight(h int64) {
	require.Eventually(w.T, func() bool { return w.Height() >= h }, 60*time.Second, 50*time.Millisecond, "height %d", h)
}

// Deliver sends msgs in one transaction and waits for its block.
func (w *World) Deliver(msgs ...sdk.Msg) *sdk.TxResponse {
	res := network.Deliver(w.T, w.N, w.Val, "node0", msgs...)
	w.mu.Lock()
	w.lastTxAt = max(w.lastTxAt, res.Height)
	w.mu.Unlock()
	return res
}

// LastTxHeight is the height of the last transaction delivered.
func (w *World) LastTxHeight() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.lastTxAt
}

// WaitNextBlockTime waits for two more blocks and returns the latest block
// time: a time (whole seconds) after everything delivered so far.
func (w *World) WaitNextBlockTime() time.Time {
	w.WaitHeight(w.Height() + 2)
	return w.BlockTime()
}

// Council passes msgs by a council vote.
func (w *World) Council(msgs ...sdk.Msg) {
	id := network.SubmitProposal(w.T, w.N, msgs...)
	network.VoteYes(w.T, w.N, id, 0)
	network.RequireProposalStatus(w.T, w.N, id, govv1.StatusPassed, VotingPeriod)
}

// Sign signs payload of msg with d's method frag.
func (w *World) Sign(d *DID, frag string, msg sdk.Msg, payload proto.Message) []didtypes.DidSignature {
	sig, err := didtypes.Sign(w.ChainID, sdk.MsgTypeURL(msg), payload, d.Method(frag), d.Key)
	require.NoError(w.T, err)
	return []didtypes.DidSignature{sig}
}

// NewDID creates a DID with one Ed25519 key for every relationship.
func (w *World) NewDID() *DID {
	priv, err := keys.Generate(keys.Ed25519)
	require.NoError(w.T, err)
	doc := didtypes.NewDocument(w.Network, priv.Public())
	bz, err := doc.MarshalJSON()
	require.NoError(w.T, err)
	msg := &didtypes.MsgCreateDid{Signer: w.signer(), Payload: didtypes.CreateDidPayload{Document: bz}}
	msg.Signatures = w.Sign(&DID{ID: doc.ID, Key: priv}, "#key-1", msg, &msg.Payload)
	w.Deliver(msg)
	return &DID{ID: doc.ID, Key: priv, Doc: doc, Version: "1"}
}

// UpdateDID writes doc as d's next version, signed by key-1, recording the
// given keys as retired in good standing.
func (w *World) UpdateDID(d *DID, doc *didcore.Document, retired ...didtypes.RetiredKey) *sdk.TxResponse {
	bz, err := doc.MarshalJSON()
	require.NoError(w.T, err)
	msg := &didtypes.MsgUpdateDid{Signer: w.signer(), Payload: didtypes.UpdateDidPayload{Did: d.ID, Document: bz,
		PreviousVersionId: d.Version, RetiredKeys: retired}}
	msg.Signatures = w.Sign(d, "#key-1", msg, &msg.Payload)
	res := w.Deliver(msg)
	d.Doc, d.Version = doc, nextVersion(d.Version)
	return res
}

func nextVersion(v string) string {
	n, _ := strconv.ParseUint(v, 10, 64)
	return strconv.FormatUint(n+1, 10)
}

// DeactivateDID deactivates d.
func (w *World) DeactivateDID(d *DID) {
	msg := &didtypes.MsgDeactivateDid{Signer: w.signer(), Payload: didtypes.DeactivateDidPayload{Did: d.ID, PreviousVersionId: d.Version}}
	msg.Signatures = w.Sign(d, "#key-1", msg, &msg.Payload)
	w.Deliver(msg)
}

// AddAssertionKey adds an Ed25519 assertionMethod key under frag to d.
func (w *World) AddAssertionKey(d *DID, frag string) keys.PrivateKey {
	priv, err := keys.Generate(keys.Ed25519)
	require.NoError(w.T, err)
	doc := *d.Doc
	doc.VerificationMethods = append(append([]didcore.VerificationMethod(nil), doc.VerificationMethods...),
		didcore.VerificationMethod{ID: d.ID + frag, Type: didcore.TypeMultikey, Controller: d.ID, PublicKeyMultibase: priv.Public().Multikey()})
	doc.AssertionMethod = append(append([]didcore.MethodRef(nil), doc.AssertionMethod...), didcore.MethodRef{Ref: d.ID + frag})
	w.UpdateDID(d, &doc)
	return priv
}

// RemoveKey removes the method frag from d (a plain removal: compromised).
func (w *World) RemoveKey(d *DID, frag string) *sdk.TxResponse { return w.removeKey(d, frag) }

// RetireKey removes the method frag from d, recorded as retired in good
// standing: it stopped issuing at (not after the block time).
func (w *World) RetireKey(d *DID, frag string, at time.Time) *sdk.TxResponse {
	return w.removeKey(d, frag, didtypes.RetiredKey{Id: frag, RetiredAt: at})
}

func (w *World) removeKey(d *DID, frag string, retired ...didtypes.RetiredKey) *sdk.TxResponse {
	doc := *d.Doc
	doc.VerificationMethods = nil
	for _, m := range d.Doc.VerificationMethods {
		if m.ID != d.ID+frag {
			doc.VerificationMethods = append(doc.VerificationMethods, m)
		}
	}
	doc.AssertionMethod = nil
	for _, r := range d.Doc.AssertionMethod {
		if r.Ref != d.ID+frag {
			doc.AssertionMethod = append(doc.AssertionMethod, r)
		}
	}
	return w.UpdateDID(d, &doc, retired...)
}

// AccreditIssuer makes Body accredit issuer for the national-ID type under id,
// valid from an hour ago for a year.
func (w *World) AccreditIssuer(id string, issuer *DID) {
	now := w.BlockTime()
	acc := &trusttypes.MsgAccredit{Signer: w.signer(), Payload: trusttypes.AccreditPayload{Id: id, Accreditor: w.Body.ID,
		Accredited: issuer.ID, Role: trusttypes.ROLE_ISSUER, Vcts: []string{trusttypes.NationalIDVCT},
		ValidFrom: now.Add(-time.Hour), ValidUntil: now.AddDate(1, 0, 0)}}
	acc.Signatures = w.Sign(w.Body, "#key-1", acc, &acc.Payload)
	w.Deliver(acc)
}

// SetAccreditation changes the status of accreditation id (granted by Body);
// seq is the accreditation's history length (1 before its first change).
func (w *World) SetAccreditation(id string, st trusttypes.AccreditationStatus, seq uint64) *sdk.TxResponse {
	msg := &trusttypes.MsgSetAccreditationStatus{Signer: w.signer(), Payload: trusttypes.AccreditationStatusPayload{
		Id: id, Actor: w.Body.ID, Status: st, Sequence: seq, Reason: "test"}}
	msg.Signatures = w.Sign(w.Body, "#key-1", msg, &msg.Payload)
	return w.Deliver(msg)
}

// CreateList creates a 1-bit revocation list owned by owner and returns its id.
func (w *World) CreateList(owner *DID) uint64 {
	msg := &statustypes.MsgCreateStatusList{Signer: w.signer(), Payload: &statustypes.CreateStatusListPayload{
		Owner: owner.ID, Purpose: statustypes.StatusPurpose_STATUS_PURPOSE_REVOCATION, Size_: statuslist.MinSize}}
	msg.Signatures = w.Sign(owner, "#key-1", msg, msg.Payload)
	w.Deliver(msg)
	res, err := statustypes.NewQueryClient(w.Val.ClientCtx).ListsByOwner(context.Background(), &statustypes.QueryListsByOwnerRequest{Owner: owner.ID})
	require.NoError(w.T, err)
	require.NotEmpty(w.T, res.Lists)
	return res.Lists[len(res.Lists)-1].Id
}

// Revoke sets entry idx of list (owned by owner) to 1; seq is the owner's
// next payload sequence (1 for its first update).
func (w *World) Revoke(owner *DID, list uint64, idx uint32, seq uint64) *sdk.TxResponse {
	msg := &statustypes.MsgUpdateStatusList{Signer: w.signer(), Payload: &statustypes.UpdateStatusListPayload{
		ListId: list, Sequence: seq, Indices: []uint32{idx}, Values: []byte{1}}}
	msg.Signatures = w.Sign(owner, "#key-1", msg, msg.Payload)
	return w.Deliver(msg)
}

// ListURI is the HTTPS URI of list id.
func ListURI(id uint64) string { return statustypes.ListURL("https://node.example", id, "") }

// Credential is an issued credential and its holder's key.
type Credential struct {
	SDJWT *sdjwt.SDJWT
	Key   keys.PrivateKey
}

// Issue issues a national-ID credential signed by issuer's method frag with
// key, issued at iat, pointing at entry idx of the status list uri.
func (w *World) Issue(issuer *DID, frag string, key keys.PrivateKey, iat time.Time, uri string, idx uint64) *Credential {
	hk, err := keys.Generate(keys.Ed25519)
	require.NoError(w.T, err)
	is := &sdjwtvc.Issuer{DID: issuer.ID, KeyID: issuer.Method(frag), Signer: jws.NewKeySigner(key), Now: func() time.Time { return iat }}
	s, err := is.Issue(context.Background(), sdjwtvc.Credential{VCT: trusttypes.NationalIDVCT, Holder: hk.Public(),
		Claims: map[string]any{"given_name": "Aminah", "family_name": "Binti Yusof", "birthdate": "1990-04-01"},
		Status: &sdjwtvc.StatusRef{URI: uri, Index: idx}, Expires: iat.AddDate(1, 0, 0)})
	require.NoError(w.T, err)
	p, err := sdjwt.Parse(s)
	require.NoError(w.T, err)
	return &Credential{SDJWT: p, Key: hk}
}

// Verifier is a verifier service over a view, acting for the Bank.
type Verifier struct {
	w    *World
	view ledger.View
	svc  *service.Service
	ctx  context.Context
}

// NewVerifier returns a verifier service over view (evidence offered when ev is not nil).
func (w *World) NewVerifier(view ledger.View, ev service.EvidenceCollector) *Verifier {
	svc, err := service.New(service.Config{View: view, Challenges: challenge.NewStore(challenge.Config{}), Evidence: ev})
	require.NoError(w.T, err)
	return &Verifier{w: w, view: view, svc: svc, ctx: auth.WithParty(context.Background(), w.Bank.ID)}
}

// CreateChallenge asks for a challenge bound to aud for the national id, once the view has
// the last delivered transaction.
func (v *Verifier) CreateChallenge(aud string) (*verifierpb.CreateChallengeResponse, error) {
	v.waitSynced()
	return v.svc.CreateChallenge(v.ctx, &verifierpb.CreateChallengeRequest{Audience: aud,
		CredentialTypes: []string{trusttypes.NationalIDVCT}, RequestedClaims: []string{"given_name", "age_over_18"}})
}

// waitSynced waits (bounded) until the view has the last delivered transaction: it proves
// state h with header h+1. A view that never gets there is the test's answer.
func (v *Verifier) waitSynced() {
	deadline := time.Now().Add(20 * time.Second)
	for v.view.Sync().Height < v.w.LastTxHeight() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
}

// Verify presents c (disclosing given_name and age_over_18) and returns the verdict.
func (v *Verifier) Verify(c *Credential) *verifierpb.VerifyPresentationResponse {
	return v.verify(c, false)
}

// VerifyWithEvidence is Verify asking for the verdict's evidence.
func (v *Verifier) VerifyWithEvidence(c *Credential) *verifierpb.VerifyPresentationResponse {
	return v.verify(c, true)
}

func (v *Verifier) verify(c *Credential, evidence bool) *verifierpb.VerifyPresentationResponse {
	res, err := v.try(c, evidence)
	require.NoError(v.w.T, err)
	return res
}

// TryVerify is Verify that returns the service's error (a stale view is UNAVAILABLE).
func (v *Verifier) TryVerify(c *Credential) (*verifierpb.VerifyPresentationResponse, error) {
	return v.try(c, false)
}

func (v *Verifier) try(c *Credential, evidence bool) (*verifierpb.VerifyPresentationResponse, error) {
	// A verdict on older state is right, but not the question the test asks.
	ch, err := v.CreateChallenge(Audience)
	if err != nil {
		return nil, err
	}
	return v.answer(c, ch, evidence)
}

// Answer presents c for the challenge ch (made earlier) once the view has the last delivered
// transaction, and returns the verdict.
func (v *Verifier) Answer(c *Credential, ch *verifierpb.CreateChallengeResponse) *verifierpb.VerifyPresentationResponse {
	v.waitSynced()
	res, err := v.answer(c, ch, false)
	require.NoError(v.w.T, err)
	return res
}

func (v *Verifier) answer(c *Credential, ch *verifierpb.CreateChallengeResponse, evidence bool) (*verifierpb.VerifyPresentationResponse, error) {
	p, err := c.SDJWT.Present(context.Background(), []string{"given_name", "age_over_18"},
		&sdjwt.KeyBinding{Signer: jws.NewKeySigner(c.Key), Nonce: ch.Nonce, Audience: ch.Audience})
	require.NoError(v.w.T, err)
	return v.svc.VerifyPresentation(v.ctx, &verifierpb.VerifyPresentationRequest{Presentation: p, Nonce: ch.Nonce, IncludeEvidence: evidence})
}
