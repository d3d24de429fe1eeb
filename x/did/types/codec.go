package types

import (
	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/msgservice"
)

// RegisterLegacyAminoCodec registers the DID messages for amino JSON signing.
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	cdc.RegisterConcrete(&MsgCreateDid{}, "amanah/did/MsgCreateDid", nil)
	cdc.RegisterConcrete(&MsgUpdateDid{}, "amanah/did/MsgUpdateDid", nil)
	cdc.RegisterConcrete(&MsgDeactivateDid{}, "amanah/did/MsgDeactivateDid", nil)
}

// RegisterInterfaces registers the DID messages with the interface registry.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	registry.RegisterImplementations((*sdk.Msg)(nil),
		&MsgCreateDid{},
		&MsgUpdateDid{},
		&MsgDeactivateDid{},
	)
	msgservice.RegisterMsgServiceDesc(registry, &_Msg_serviceDesc)
}

// Type URLs of the DID messages, bound into their sign bytes (constants: the proto registry
// is not filled in yet when package variables are initialised).
const (
	TypeURLMsgCreateDid     = "/amanah.did.v1.MsgCreateDid"
	TypeURLMsgUpdateDid     = "/amanah.did.v1.MsgUpdateDid"
	TypeURLMsgDeactivateDid = "/amanah.did.v1.MsgDeactivateDid"
)
