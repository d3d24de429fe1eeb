package keeper_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"cosmossdk.io/core/address"
	corestore "cosmossdk.io/core/store"
	errorsmod "cosmossdk.io/errors"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/runtime"
	"github.com/cosmos/cosmos-sdk/store/v2"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/suite"

	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/keys"
	didtypes "github.com/amanah-id/amanah/x/did/types"
	"github.com/amanah-id/amanah/x/trust"
	"github.com/amanah-id/amanah/x/trust/keeper"
	"github.com/amanah-id/amanah/x/trust/types"
)

const testChainID = "amanah-test-1"

var t0 = time.Date(2026, 7, 1, 10, 0, 0, 0, time.UTC)

// fakeDID is the DID registry as the trust registry sees it: DIDs with one capabilityInvocation
// key each (#key-1), an assertionMethod-only key (#assert-1), and a deactivated flag.
type fakeDID struct {
	keys        map[string]keys.PublicKey
	assertKeys  map[string]keys.PublicKey
	deactivated map[string]bool
}

func (f *fakeDID) VerifySignatures(_ context.Context, did string, rel didcore.Relationship, signBytes []byte, sigs []didtypes.DidSignature) error {
	pub, ok := f.keys[did]
	if !ok {
		return errorsmod.Wrap(didtypes.ErrDidNotFound, did)
	}
	if f.deactivated[did] {
		return errorsmod.Wrap(didtypes.ErrDidDeactivated, did)
	}
	if len(sigs) == 0 {
		return didtypes.ErrUnauthorized
	}
	for _, s := range sigs {
		if s.VerificationMethod != did+"#key-1" || rel != didcore.CapabilityInvocation {
			return errorsmod.Wrapf(didtypes.ErrUnauthorized, "%s is not a %s method of %s", s.VerificationMethod, rel, did)
		}
		if err := pub.Verify(signBytes, s.Signature); err != nil {
			return errorsmod.Wrap(didtypes.ErrInvalidSignature, err.Error())
		}
	}
	return nil
}

func (f *fakeDID) Network(context.Context) (string, error) { return "test", nil }

func (f *fakeDID) IsActive(_ context.Context, did string) (bool, error) {
	_, ok := f.keys[did]
	return ok && !f.deactivated[did], nil
}

// fakeCouncil records the writers the trust registry authorises.
type fakeCouncil struct {
	authority string
	ac        address.Codec
	writers   map[string]string // address -> note
}

func (c *fakeCouncil) Authority() string           { return c.authority }
func (c *fakeCouncil) AddressCodec() address.Codec { return c.ac }
func (c *fakeCouncil) AuthorizeAccreditedWriter(_ context.Context, acc sdk.AccAddress, granter, id, note string) error {
	addr, err := c.ac.BytesToString(acc)
	if err != nil {
		return err
	}
	c.writers[addr] = granter + " [" + id + "]: " + note
	return nil
}

// KeeperTestSuite runs the keeper and msg server on an in-memory store with fake DID and council keepers.
type KeeperTestSuite struct {
	suite.Suite

	ctx     sdk.Context
	k       *keeper.Keeper
	msgs    types.MsgServer
	query   types.QueryServer
	did     *fakeDID
	council *fakeCouncil
	privs   map[string]keys.PrivateKey
	gov     string // the gov authority
	payer   string // a fee payer for DID-signed messages

	cms      store.CommitMultiStore
	storeSvc corestore.KVStoreService
}

func TestKeeperTestSuite(t *testing.T) { suite.Run(t, new(KeeperTestSuite)) }

// DIDs of the demo trust chain and a few others.
const (
	nrd      = "did:amanah:test:nrd"     // National Registration Department (accreditation body)
	jpn      = "did:amanah:test:jpn"     // issuer of the national id
	bank     = "did:amanah:test:bank"    // relying party
	rogue    = "did:amanah:test:rogue"   // holds no accreditation
	retired  = "did:amanah:test:retired" // deactivated
	health   = "did:amanah:test:health"  // accreditation body for health credentials
	vctOther = "https://amanah.gov.example/credentials/driving-licence"
	vctHeal  = "https://amanah.gov.example/credentials/health-card"
)

// nationalIDSchema is the national id credential type's claims.
const nationalIDSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "properties": {
    "given_name": {"type": "string"},
    "family_name": {"type": "string"},
    "birthdate": {"type": "string", "format": "date"},
    "age_over_18": {"type": "boolean"},
    "age_over_21": {"type": "boolean"},
    "nationality": {"type": "string", "pattern": "^[A-Z]{2}$"}
  },
  "required": ["given_name", "family_name", "birthdate"]
}`

func (s *KeeperTestSuite) SetupTest() {
	key := storetypes.NewKVStoreKey(types.StoreKey)
	tkey := storetypes.NewTransientStoreKey(types.TStoreKey)
	tctx := testutil.DefaultContextWithDB(s.T(), key, tkey)
	s.cms = tctx.CMS
	s.storeSvc = runtime.NewKVStoreService(key)
	s.ctx = tctx.Ctx.WithChainID(testChainID).WithBlockHeight(1).WithBlockTime(t0)
	cdc := moduletestutil.MakeTestEncodingConfig(trust.AppModule{}).Codec
	ac := addresscodec.NewBech32Codec("amanah")
	gov, err := ac.BytesToString(authtypes.NewModuleAddress("gov"))
	s.Require().NoError(err)
	s.gov = gov
	s.payer, err = ac.BytesToString(make([]byte, 20))
	s.Require().NoError(err)
	s.did = &fakeDID{keys: map[string]keys.PublicKey{}, assertKeys: map[string]keys.PublicKey{}, deactivated: map[string]bool{}}
	s.council = &fakeCouncil{authority: gov, ac: ac, writers: map[string]string{}}
	s.privs = map[string]keys.PrivateKey{}
	for _, d := range []string{nrd, jpn, bank, rogue, retired, health} {
		priv, err := keys.Generate(keys.Ed25519)
		s.Require().NoError(err)
		s.privs[d] = priv
		s.did.keys[d] = priv.Public()
	}
	s.did.deactivated[retired] = true
	s.k = keeper.NewKeeper(cdc, s.storeSvc, runtime.NewTransientStoreService(tkey), s.did, s.council)
	s.msgs = keeper.NewMsgServerImpl(s.k)
	s.query = keeper.NewQueryServer(s.k)
	s.Require().NoError(s.k.InitGenesis(s.ctx, types.DefaultGenesis()))
}

// sign returns did's signature (by #key-1, or by the key of signer if given) over payload as part of msg.
func (s *KeeperTestSuite) sign(did string, msg sdk.Msg, payload proto.Message) []didtypes.DidSignature {
	sig, err := didtypes.Sign(testChainID, sdk.MsgTypeURL(msg), payload, did+"#key-1", s.privs[did])
	s.Require().NoError(err)
	return []didtypes.DidSignature{sig}
}

// years returns t0 plus n years.
func years(n int) time.Time { return t0.AddDate(n, 0, 0) }

// councilAccredit grants an accreditation by council decision and fails the test on error.
func (s *KeeperTestSuite) councilAccredit(id, did string, role types.Role, from, until time.Time, vcts ...string) {
	_, err := s.msgs.Accredit(s.ctx, &types.MsgAccredit{Signer: s.gov, Payload: types.AccreditPayload{
		Id: id, Accredited: did, Role: role, Vcts: vcts, ValidFrom: from, ValidUntil: until,
	}})
	s.Require().NoError(err)
}

// bodyAccreditMsg is a signed accreditation by body.
func (s *KeeperTestSuite) bodyAccreditMsg(body string, p types.AccreditPayload) *types.MsgAccredit {
	p.Accreditor = body
	msg := &types.MsgAccredit{Signer: s.payer, Payload: p}
	msg.Signatures = s.sign(body, msg, &msg.Payload)
	return msg
}

// registerNationalID registers version 1 of the national id type by council decision.
func (s *KeeperTestSuite) registerNationalID() {
	_, err := s.msgs.RegisterCredentialType(s.ctx, &types.MsgRegisterCredentialType{Signer: s.gov, Payload: types.CredentialTypePayload{
		Vct: types.NationalIDVCT, Version: 1, Schema: nationalIDSchema, DisplayName: "National identity credential",
		SelectivelyDisclosable: []string{"given_name", "family_name", "birthdate", "age_over_18", "age_over_21"},
	}})
	s.Require().NoError(err)
}

// demoChain builds council -> NRD (body for the national id, 5 years) -> JPN (issuer, 2 years).
func (s *KeeperTestSuite) demoChain() {
	s.councilAccredit("council-nrd", nrd, types.ROLE_ACCREDITATION_BODY, t0, years(5), types.NationalIDVCT)
	_, err := s.msgs.Accredit(s.ctx, s.bodyAccreditMsg(nrd, types.AccreditPayload{
		Id: "nrd-jpn", Accredited: jpn, Role: types.ROLE_ISSUER, Vcts: []string{types.NationalIDVCT},
		ValidFrom: t0, ValidUntil: years(2),
	}))
	s.Require().NoError(err)
}

// snapshot is the whole registry, to check that a rejected message changed nothing.
func (s *KeeperTestSuite) snapshot() *types.GenesisState {
	gs, err := s.k.ExportGenesis(s.ctx)
	s.Require().NoError(err)
	return gs
}

// requireErrUnchanged checks err is want and the state equals before.
func (s *KeeperTestSuite) requireErrUnchanged(err, want error, before *types.GenesisState) {
	s.Require().Error(err)
	s.Require().ErrorIs(err, want, "got %v", err)
	s.Require().Equal(before, s.snapshot(), "state changed by a rejected message")
}

// bigSchema returns a syntactically valid schema of more than n bytes.
func bigSchema(n int) string {
	return `{"type":"object","properties":{"a":{"type":"string","description":"` + strings.Repeat("x", n) + `"}}}`
}
