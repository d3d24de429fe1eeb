package keeper_test

import (
	"context"
	"strings"
	"testing"

	errorsmod "cosmossdk.io/errors"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/address"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/runtime"
	"github.com/cosmos/cosmos-sdk/store/v2"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/gogoproto/proto"

	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/keys"
	didtypes "github.com/amanah-id/amanah/x/did/types"
	"github.com/amanah-id/amanah/x/status/keeper"
	"github.com/amanah-id/amanah/x/status/types"
)

const chainID = "amanah-test"

// fakeMethod is one verification method of a fake DID.
type fakeMethod struct {
	key  keys.PublicKey
	rels map[didcore.Relationship]bool
}

// fakeDID is a DID in the fake registry.
type fakeDID struct {
	deactivated bool
	methods     map[string]fakeMethod // absolute method id -> method
}

// fakeDIDs is a hand fake of x/did that checks real signatures, like the x/did keeper does.
type fakeDIDs struct{ dids map[string]*fakeDID }

func (f *fakeDIDs) IsActive(_ context.Context, did string) (bool, error) {
	d, ok := f.dids[did]
	return ok && !d.deactivated, nil
}

func (f *fakeDIDs) VerifySignatures(_ context.Context, did string, rel didcore.Relationship, signBytes []byte, sigs []didtypes.DidSignature) error {
	d, ok := f.dids[did]
	if !ok {
		return errorsmod.Wrap(didtypes.ErrDidNotFound, did)
	}
	if d.deactivated {
		return errorsmod.Wrap(didtypes.ErrDidDeactivated, did)
	}
	if len(sigs) == 0 {
		return didtypes.ErrUnauthorized
	}
	for _, s := range sigs {
		m, ok := d.methods[s.VerificationMethod]
		if !ok || !m.rels[rel] {
			return errorsmod.Wrapf(didtypes.ErrUnauthorized, "%s is not a %s method of %s", s.VerificationMethod, rel, did)
		}
		if err := m.key.Verify(signBytes, s.Signature); err != nil {
			return errorsmod.Wrap(didtypes.ErrInvalidSignature, err.Error())
		}
	}
	return nil
}

// issuer is a DID with an assertionMethod key (#key-1) and a capabilityInvocation key (#admin).
type issuer struct {
	did       string
	assertion keys.PrivateKey
	admin     keys.PrivateKey
}

func (i issuer) method(frag string) string { return i.did + "#" + frag }

func newIssuer(t testing.TB, f *fakeDIDs) issuer {
	t.Helper()
	admin, err := keys.Generate(keys.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	assertion, err := keys.Generate(keys.P256)
	if err != nil {
		t.Fatal(err)
	}
	i := issuer{did: didcore.AmanahDID("local", admin.Public()), assertion: assertion, admin: admin}
	f.dids[i.did] = &fakeDID{methods: map[string]fakeMethod{
		i.method("key-1"): {key: assertion.Public(), rels: map[didcore.Relationship]bool{didcore.AssertionMethod: true}},
		i.method("admin"): {key: admin.Public(), rels: map[didcore.Relationship]bool{didcore.CapabilityInvocation: true}},
	}}
	return i
}

// sign returns a signature by key (as method) over the sign bytes of msg's payload.
func sign(t testing.TB, msg sdk.Msg, payload proto.Message, key keys.PrivateKey, method string) []didtypes.DidSignature {
	t.Helper()
	sb, err := didtypes.SignBytes(chainID, sdk.MsgTypeURL(msg), payload)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := key.Sign(sb)
	if err != nil {
		t.Fatal(err)
	}
	return []didtypes.DidSignature{{VerificationMethod: method, Signature: sig}}
}

// fixture is a keeper on an in-memory store with a fake DID registry.
type fixture struct {
	ctx    sdk.Context
	k      *keeper.Keeper
	msgs   types.MsgServer
	q      types.QueryServer
	dids   *fakeDIDs
	signer string
	cms    store.CommitMultiStore
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	key := storetypes.NewKVStoreKey(types.StoreKey)
	tkey := storetypes.NewTransientStoreKey(types.TStoreKey)
	tctx := testutil.DefaultContextWithDB(t, key, tkey)
	ir := codectypes.NewInterfaceRegistry()
	types.RegisterInterfaces(ir)
	cdc := codec.NewProtoCodec(ir)
	ac := address.NewBech32Codec("cosmos")
	dids := &fakeDIDs{dids: map[string]*fakeDID{}}
	k := keeper.NewKeeper(cdc, runtime.NewKVStoreService(key), runtime.NewTransientStoreService(tkey), ac, dids)
	signer, _ := ac.BytesToString(make([]byte, 20))
	ctx := tctx.Ctx.WithChainID(chainID).WithBlockHeight(10)
	if err := k.InitGenesis(ctx, types.DefaultGenesis()); err != nil {
		t.Fatal(err)
	}
	return &fixture{ctx: ctx, k: k, msgs: keeper.NewMsgServerImpl(k), q: keeper.NewQueryServer(k), dids: dids, signer: signer, cms: tctx.CMS}
}

// createMsg builds a signed create message with the owner's next sequence.
func (f *fixture) createMsg(t testing.TB, i issuer, purpose types.StatusPurpose, size uint32) *types.MsgCreateStatusList {
	t.Helper()
	seq, err := f.k.NextSequence(f.ctx, i.did)
	if err != nil {
		t.Fatal(err)
	}
	msg := &types.MsgCreateStatusList{Signer: f.signer, Payload: &types.CreateStatusListPayload{
		Owner: i.did, Purpose: purpose, Size_: size, Sequence: seq}}
	msg.Signatures = sign(t, msg, msg.Payload, i.assertion, i.method("key-1"))
	return msg
}

// create creates a list and returns its id.
func (f *fixture) create(t testing.TB, i issuer, purpose types.StatusPurpose, size uint32) uint64 {
	t.Helper()
	resp, err := f.msgs.CreateStatusList(f.ctx, f.createMsg(t, i, purpose, size))
	if err != nil {
		t.Fatal(err)
	}
	return resp.ListId
}

// updateMsg builds a signed update message with the owner's next sequence.
func (f *fixture) updateMsg(t testing.TB, i issuer, id uint64, indices []uint32, values []byte) *types.MsgUpdateStatusList {
	t.Helper()
	seq, err := f.k.NextSequence(f.ctx, i.did)
	if err != nil {
		t.Fatal(err)
	}
	msg := &types.MsgUpdateStatusList{Signer: f.signer, Payload: &types.UpdateStatusListPayload{
		ListId: id, Sequence: seq, Indices: indices, Values: values}}
	msg.Signatures = sign(t, msg, msg.Payload, i.assertion, i.method("key-1"))
	return msg
}

// fill returns n copies of v.
func fill(n int, v byte) []byte { return []byte(strings.Repeat(string([]byte{v}), n)) }
