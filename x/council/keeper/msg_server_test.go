package keeper_test

import (
	"context"
	"testing"
	"time"

	"cosmossdk.io/core/address"
	"cosmossdk.io/math"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"
	"github.com/stretchr/testify/suite"

	"github.com/amanah-id/amanah/x/council/keeper"
	"github.com/amanah-id/amanah/x/council/types"
)

type fakeAccounts struct{ codec address.Codec }

func (f fakeAccounts) AddressCodec() address.Codec { return f.codec }
func (f fakeAccounts) GetModuleAddress(name string) sdk.AccAddress {
	return authtypes.NewModuleAddress(name)
}

type fakeBank struct{ balances map[string]sdk.Coins }

func (f *fakeBank) MintCoins(_ context.Context, _ string, _ sdk.Coins) error { return nil }
func (f *fakeBank) SendCoinsFromModuleToAccount(_ context.Context, _ string, to sdk.AccAddress, amt sdk.Coins) error {
	f.balances[to.String()] = f.balances[to.String()].Add(amt...)
	return nil
}
func (f *fakeBank) GetBalance(_ context.Context, a sdk.AccAddress, denom string) sdk.Coin {
	return sdk.NewCoin(denom, f.balances[a.String()].AmountOf(denom))
}

type fakeStaking struct {
	validators  map[string]stakingtypes.Validator
	undelegated []string
}

func (f *fakeStaking) BondDenom(context.Context) (string, error) { return "ubond", nil }
func (f *fakeStaking) GetValidator(_ context.Context, v sdk.ValAddress) (stakingtypes.Validator, error) {
	val, ok := f.validators[v.String()]
	if !ok {
		return val, stakingtypes.ErrNoValidatorFound
	}
	return val, nil
}
func (f *fakeStaking) GetDelegation(_ context.Context, d sdk.AccAddress, v sdk.ValAddress) (stakingtypes.Delegation, error) {
	return stakingtypes.NewDelegation(d.String(), v.String(), math.LegacyNewDec(100)), nil
}
func (f *fakeStaking) Undelegate(_ context.Context, d sdk.AccAddress, _ sdk.ValAddress, _ math.LegacyDec) (time.Time, math.Int, error) {
	f.undelegated = append(f.undelegated, d.String())
	return time.Time{}, math.ZeroInt(), nil
}

type fakeSlashing struct{ jailed, tombstoned map[string]bool }

func (f *fakeSlashing) Jail(_ context.Context, c sdk.ConsAddress) error {
	f.jailed[c.String()] = true
	return nil
}
func (f *fakeSlashing) JailUntil(context.Context, sdk.ConsAddress, time.Time) error { return nil }
func (f *fakeSlashing) Tombstone(_ context.Context, c sdk.ConsAddress) error {
	f.tombstoned[c.String()] = true
	return nil
}
func (f *fakeSlashing) IsTombstoned(_ context.Context, c sdk.ConsAddress) bool {
	return f.tombstoned[c.String()]
}

type MsgServerSuite struct {
	suite.Suite
	ctx      sdk.Context
	k        *keeper.Keeper
	srv      types.MsgServer
	bank     *fakeBank
	staking  *fakeStaking
	slashing *fakeSlashing
	gov      string
	member   sdk.AccAddress
}

func TestMsgServer(t *testing.T) { suite.Run(t, new(MsgServerSuite)) }

func acc(i byte) sdk.AccAddress { return sdk.AccAddress(append(make([]byte, 19), i)) }

func (s *MsgServerSuite) SetupTest() {
	sdk.GetConfig().SetBech32PrefixForAccount("amanah", "amanahpub")
	key := storetypes.NewKVStoreKey(types.StoreKey)
	s.ctx = testutil.DefaultContextWithDB(s.T(), key, storetypes.NewTransientStoreKey("t")).Ctx
	enc := moduletestutil.MakeTestEncodingConfig()
	codec := addresscodec.NewBech32Codec("amanah")
	s.bank = &fakeBank{balances: map[string]sdk.Coins{}}
	s.staking = &fakeStaking{validators: map[string]stakingtypes.Validator{}}
	s.slashing = &fakeSlashing{jailed: map[string]bool{}, tombstoned: map[string]bool{}}
	s.gov, _ = codec.BytesToString(authtypes.NewModuleAddress("gov"))
	s.k = keeper.NewKeeper(enc.Codec, runtime.NewKVStoreService(key), fakeAccounts{codec}, s.bank, s.gov)
	s.k.SetValidatorKeepers(s.staking, s.slashing)
	s.srv = keeper.NewMsgServerImpl(s.k)
	s.member = acc(1)
	s.Require().NoError(s.k.InitGenesis(s.ctx, &types.GenesisState{
		Params:  types.DefaultParams(),
		Members: []types.Member{{Address: s.member.String(), Name: "Agency 1"}},
	}))
}

func (s *MsgServerSuite) TestAdmitMember() {
	cases := []struct {
		name   string
		msg    *types.MsgAdmitMember
		expErr error
	}{
		{"admitted by the council", &types.MsgAdmitMember{Authority: s.gov, Address: acc(2).String(), Name: "Agency 2"}, nil},
		{"not the gov authority", &types.MsgAdmitMember{Authority: s.member.String(), Address: acc(2).String(), Name: "Agency 2"}, types.ErrInvalidAuthority},
		{"malformed authority", &types.MsgAdmitMember{Authority: "nope", Address: acc(2).String(), Name: "Agency 2"}, types.ErrInvalidAddress},
		{"malformed address", &types.MsgAdmitMember{Authority: s.gov, Address: "amanah1xyz", Name: "Agency 2"}, types.ErrInvalidAddress},
		{"already a member", &types.MsgAdmitMember{Authority: s.gov, Address: s.member.String(), Name: "Agency 1"}, types.ErrAlreadyMember},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.SetupTest()
			_, err := s.srv.AdmitMember(s.ctx, tc.msg)
			if tc.expErr != nil {
				s.Require().ErrorIs(err, tc.expErr)
				return
			}
			s.Require().NoError(err)
			ok, err := s.k.IsMember(s.ctx, acc(2))
			s.Require().NoError(err)
			s.Require().True(ok)
			s.Require().True(s.bank.GetBalance(s.ctx, acc(2), "ubond").Amount.Equal(types.DefaultBondAmount), "one bond minted")
		})
	}
}

func (s *MsgServerSuite) TestRemoveMember() {
	s.Run("not a member", func() {
		_, err := s.srv.RemoveMember(s.ctx, &types.MsgRemoveMember{Authority: s.gov, Address: acc(9).String()})
		s.Require().ErrorIs(err, types.ErrNotMember)
	})
	s.Run("not the authority", func() {
		_, err := s.srv.RemoveMember(s.ctx, &types.MsgRemoveMember{Authority: s.member.String(), Address: s.member.String()})
		s.Require().ErrorIs(err, types.ErrInvalidAuthority)
	})
	s.Run("member with a validator is jailed, tombstoned and unbonded", func() {
		s.SetupTest()
		val, err := stakingtypes.NewValidator(sdk.ValAddress(s.member).String(), fakePubKey(), stakingtypes.Description{})
		s.Require().NoError(err)
		s.staking.validators[sdk.ValAddress(s.member).String()] = val
		_, err = s.srv.RemoveMember(s.ctx, &types.MsgRemoveMember{Authority: s.gov, Address: s.member.String()})
		s.Require().NoError(err)
		cons, _ := val.GetConsAddr()
		s.Require().True(s.slashing.jailed[sdk.ConsAddress(cons).String()])
		s.Require().True(s.slashing.tombstoned[sdk.ConsAddress(cons).String()])
		s.Require().Equal([]string{s.member.String()}, s.staking.undelegated)
		ok, err := s.k.IsMember(s.ctx, s.member)
		s.Require().NoError(err)
		s.Require().False(ok)
	})
}

func (s *MsgServerSuite) TestWriters() {
	writer := acc(5)
	_, err := s.srv.AuthorizeWriter(s.ctx, &types.MsgAuthorizeWriter{Granter: acc(8).String(), Address: writer.String()})
	s.Require().ErrorIs(err, types.ErrNotMember, "a non-member cannot authorise")
	_, err = s.srv.AuthorizeWriter(s.ctx, &types.MsgAuthorizeWriter{Granter: s.member.String(), Address: writer.String(), Note: "issuer"})
	s.Require().NoError(err)
	ok, err := s.k.CanWrite(s.ctx, writer)
	s.Require().NoError(err)
	s.Require().True(ok)

	_, err = s.srv.RevokeWriter(s.ctx, &types.MsgRevokeWriter{Granter: acc(8).String(), Address: writer.String()})
	s.Require().ErrorIs(err, types.ErrNotGranter, "only the granting member or the council")
	_, err = s.srv.RevokeWriter(s.ctx, &types.MsgRevokeWriter{Granter: s.member.String(), Address: acc(6).String()})
	s.Require().ErrorIs(err, types.ErrNotWriter)
	_, err = s.srv.RevokeWriter(s.ctx, &types.MsgRevokeWriter{Granter: s.gov, Address: writer.String()})
	s.Require().NoError(err)
	ok, err = s.k.CanWrite(s.ctx, writer)
	s.Require().NoError(err)
	s.Require().False(ok)
}

func (s *MsgServerSuite) TestUpdateParams() {
	_, err := s.srv.UpdateParams(s.ctx, &types.MsgUpdateParams{Authority: s.gov, Params: types.Params{BondAmount: math.ZeroInt()}})
	s.Require().ErrorIs(err, types.ErrInvalidParams)
	_, err = s.srv.UpdateParams(s.ctx, &types.MsgUpdateParams{Authority: s.member.String(), Params: types.DefaultParams()})
	s.Require().ErrorIs(err, types.ErrInvalidAuthority)
}

func (s *MsgServerSuite) TestHooks() {
	h := s.k.Hooks()
	outsider := acc(7)
	s.Require().ErrorIs(h.AfterValidatorCreated(s.ctx, sdk.ValAddress(outsider)), types.ErrNotAdmitted)
	s.Require().NoError(h.AfterValidatorCreated(s.ctx, sdk.ValAddress(s.member)))
	s.Require().ErrorIs(h.BeforeDelegationCreated(s.ctx, outsider, sdk.ValAddress(s.member)), types.ErrNotAdmitted)
	s.Require().ErrorIs(h.BeforeDelegationCreated(s.ctx, s.member, sdk.ValAddress(acc(2))), types.ErrSelfDelegationOnly)
	s.Require().NoError(h.BeforeDelegationSharesModified(s.ctx, s.member, sdk.ValAddress(s.member)))

	val, err := stakingtypes.NewValidator(sdk.ValAddress(s.member).String(), fakePubKey(), stakingtypes.Description{})
	s.Require().NoError(err)
	val.Tokens = types.DefaultBondAmount.AddRaw(1)
	s.staking.validators[sdk.ValAddress(s.member).String()] = val
	s.Require().ErrorIs(h.AfterDelegationModified(s.ctx, s.member, sdk.ValAddress(s.member)), types.ErrUnequalBond)
	val.Tokens = types.DefaultBondAmount
	s.staking.validators[sdk.ValAddress(s.member).String()] = val
	s.Require().NoError(h.AfterDelegationModified(s.ctx, s.member, sdk.ValAddress(s.member)))
}
