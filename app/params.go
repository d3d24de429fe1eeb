package app

import (
	sdk "github.com/cosmos/cosmos-sdk/types"
)

const (
	// Bech32Prefix is the account address prefix (amanah1...); validators use amanahvaloper.
	Bech32Prefix = "amanah"
	// BondDenom is the council's bond: minted on admission, bonded one lot per agency,
	// never transferable. It also pays governance deposits.
	BondDenom = "ubond"
)

// SetAddressPrefixes sets the bech32 prefixes once per process (before any address is used).
func SetAddressPrefixes() {
	cfg := sdk.GetConfig()
	if cfg.GetBech32AccountAddrPrefix() == Bech32Prefix {
		return
	}
	cfg.SetBech32PrefixForAccount(Bech32Prefix, Bech32Prefix+sdk.PrefixPublic)
	cfg.SetBech32PrefixForValidator(Bech32Prefix+sdk.PrefixValidator+sdk.PrefixOperator, Bech32Prefix+sdk.PrefixValidator+sdk.PrefixOperator+sdk.PrefixPublic)
	cfg.SetBech32PrefixForConsensusNode(Bech32Prefix+sdk.PrefixValidator+sdk.PrefixConsensus, Bech32Prefix+sdk.PrefixValidator+sdk.PrefixConsensus+sdk.PrefixPublic)
	cfg.Seal()
}

func init() { SetAddressPrefixes() }
