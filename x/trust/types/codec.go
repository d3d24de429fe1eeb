package types

import (
	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/msgservice"
)

// RegisterLegacyAminoCodec registers the trust registry messages for amino JSON signing.
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	cdc.RegisterConcrete(&MsgRegisterCredentialType{}, "amanah/trust/MsgRegisterCredentialType", nil)
	cdc.RegisterConcrete(&MsgAccredit{}, "amanah/trust/MsgAccredit", nil)
	cdc.RegisterConcrete(&MsgSetAccreditationStatus{}, "amanah/trust/MsgSetAccreditationStatus", nil)
	cdc.RegisterConcrete(&MsgRegisterRelyingParty{}, "amanah/trust/MsgRegisterRelyingParty", nil)
	cdc.RegisterConcrete(&MsgRecognizeLedger{}, "amanah/trust/MsgRecognizeLedger", nil)
	cdc.RegisterConcrete(&MsgSetLedgerRecognitionStatus{}, "amanah/trust/MsgSetLedgerRecognitionStatus", nil)
}

// RegisterInterfaces registers the trust registry messages with the interface registry.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	registry.RegisterImplementations((*sdk.Msg)(nil),
		&MsgRegisterCredentialType{},
		&MsgAccredit{},
		&MsgSetAccreditationStatus{},
		&MsgRegisterRelyingParty{},
		&MsgRecognizeLedger{},
		&MsgSetLedgerRecognitionStatus{},
	)
	msgservice.RegisterMsgServiceDesc(registry, &_Msg_serviceDesc)
}
