package types

import (
	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/msgservice"
)

// RegisterLegacyAminoCodec registers the council messages for amino JSON signing.
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	cdc.RegisterConcrete(&MsgAdmitMember{}, "amanah/council/MsgAdmitMember", nil)
	cdc.RegisterConcrete(&MsgRemoveMember{}, "amanah/council/MsgRemoveMember", nil)
	cdc.RegisterConcrete(&MsgAuthorizeWriter{}, "amanah/council/MsgAuthorizeWriter", nil)
	cdc.RegisterConcrete(&MsgRevokeWriter{}, "amanah/council/MsgRevokeWriter", nil)
	cdc.RegisterConcrete(&MsgUpdateParams{}, "amanah/council/MsgUpdateParams", nil)
}

// RegisterInterfaces registers the council messages with the interface registry.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	registry.RegisterImplementations((*sdk.Msg)(nil),
		&MsgAdmitMember{},
		&MsgRemoveMember{},
		&MsgAuthorizeWriter{},
		&MsgRevokeWriter{},
		&MsgUpdateParams{},
	)
	msgservice.RegisterMsgServiceDesc(registry, &_Msg_serviceDesc)
}
