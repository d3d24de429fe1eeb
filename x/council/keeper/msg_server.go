package keeper

import (
	"bytes"
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/amanah-id/amanah/x/council/types"
)

type msgServer struct{ k *Keeper }

// NewMsgServerImpl returns the council's Msg service.
func NewMsgServerImpl(k *Keeper) types.MsgServer { return msgServer{k: k} }

var _ types.MsgServer = msgServer{}

// checkAuthority compares the signer with the gov authority by address bytes.
func (k *Keeper) checkAuthority(signer string) error {
	got, err := k.addressCodec.StringToBytes(signer)
	if err != nil {
		return errorsmod.Wrapf(types.ErrInvalidAddress, "authority %q: %v", signer, err)
	}
	want, _ := k.addressCodec.StringToBytes(k.authority)
	if !bytes.Equal(got, want) {
		return errorsmod.Wrapf(types.ErrInvalidAuthority, "expected %s, got %s", k.authority, signer)
	}
	return nil
}

func (k *Keeper) account(field, addr string) (sdk.AccAddress, error) {
	bz, err := k.addressCodec.StringToBytes(addr)
	if err != nil || len(bz) == 0 {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "%s %q", field, addr)
	}
	return bz, nil
}

func (m msgServer) AdmitMember(ctx context.Context, msg *types.MsgAdmitMember) (*types.MsgAdmitMemberResponse, error) {
	if err := m.k.checkAuthority(msg.Authority); err != nil {
		return nil, err
	}
	acc, err := m.k.account("address", msg.Address)
	if err != nil {
		return nil, err
	}
	if msg.Name == "" {
		return nil, errorsmod.Wrap(types.ErrInvalidGenesis.Wrap("name"), "member name is empty")
	}
	member := types.Member{Address: msg.Address, Name: msg.Name, AdmittedHeight: sdk.UnwrapSDKContext(ctx).BlockHeight()}
	return &types.MsgAdmitMemberResponse{}, m.k.admit(ctx, acc, member)
}

func (m msgServer) RemoveMember(ctx context.Context, msg *types.MsgRemoveMember) (*types.MsgRemoveMemberResponse, error) {
	if err := m.k.checkAuthority(msg.Authority); err != nil {
		return nil, err
	}
	acc, err := m.k.account("address", msg.Address)
	if err != nil {
		return nil, err
	}
	return &types.MsgRemoveMemberResponse{}, m.k.remove(ctx, acc)
}

// granterAllowed: the gov authority, or a member.
func (m msgServer) granterAllowed(ctx context.Context, granter string) error {
	if m.k.checkAuthority(granter) == nil {
		return nil
	}
	acc, err := m.k.account("granter", granter)
	if err != nil {
		return err
	}
	ok, err := m.k.Members.Has(ctx, acc)
	if err != nil {
		return err
	}
	if !ok {
		return errorsmod.Wrapf(types.ErrNotMember, "granter %s", granter)
	}
	return nil
}

func (m msgServer) AuthorizeWriter(ctx context.Context, msg *types.MsgAuthorizeWriter) (*types.MsgAuthorizeWriterResponse, error) {
	if err := m.granterAllowed(ctx, msg.Granter); err != nil {
		return nil, err
	}
	acc, err := m.k.account("address", msg.Address)
	if err != nil {
		return nil, err
	}
	return &types.MsgAuthorizeWriterResponse{}, m.k.AuthorizeWriter(ctx, acc, msg.Granter, msg.Note)
}

func (m msgServer) RevokeWriter(ctx context.Context, msg *types.MsgRevokeWriter) (*types.MsgRevokeWriterResponse, error) {
	acc, err := m.k.account("address", msg.Address)
	if err != nil {
		return nil, err
	}
	w, err := m.k.Writers.Get(ctx, acc)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, errorsmod.Wrap(types.ErrNotWriter, msg.Address)
	} else if err != nil {
		return nil, err
	}
	if m.k.checkAuthority(msg.Granter) != nil {
		granter, err := m.k.account("granter", msg.Granter)
		if err != nil {
			return nil, err
		}
		orig, err := m.k.account("authorized_by", w.AuthorizedBy)
		if err != nil || !bytes.Equal(granter, orig) {
			return nil, errorsmod.Wrapf(types.ErrNotGranter, "writer %s was authorised by %s", w.Address, w.AuthorizedBy)
		}
	}
	if err := m.k.Writers.Remove(ctx, acc); err != nil {
		return nil, err
	}
	return &types.MsgRevokeWriterResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(
		&types.EventWriterRevoked{Address: w.Address, RevokedBy: msg.Granter})
}

func (m msgServer) UpdateParams(ctx context.Context, msg *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	if err := m.k.checkAuthority(msg.Authority); err != nil {
		return nil, err
	}
	if err := msg.Params.Validate(); err != nil {
		return nil, err
	}
	old, err := m.k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if old.QuotaWindowBlocks != msg.Params.QuotaWindowBlocks {
		// Window numbers mean other heights under the new length: start every writer afresh.
		if err := m.k.Usage.Clear(ctx, nil); err != nil {
			return nil, err
		}
	}
	return &types.MsgUpdateParamsResponse{}, m.k.Params.Set(ctx, msg.Params)
}
