package types

import (
	"fmt"
	"slices"

	errorsmod "cosmossdk.io/errors"

	"github.com/amanah-id/amanah/didcore"
)

// ValidateChainID checks a foreign chain id: 1 to MaxChainIDLength characters of letters,
// digits, '.', '_' and '-'.
func ValidateChainID(s string) error {
	if s == "" || len(s) > MaxChainIDLength {
		return fmt.Errorf("chain_id must be 1 to %d characters", MaxChainIDLength)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return fmt.Errorf("chain_id %q may only hold letters, digits, '.', '_' and '-'", s)
		}
	}
	return nil
}

// Validate checks a light-client trust root: a positive height, a 32-byte header hash and a
// trusting period within [MinTrustingPeriodSeconds, MaxTrustingPeriodSeconds].
func (r LightClientTrustRoot) Validate() error {
	switch {
	case r.Height <= 0:
		return errorsmod.Wrapf(ErrInvalidTrustRoot, "height %d: must be positive", r.Height)
	case len(r.HeaderHash) != 32:
		return errorsmod.Wrapf(ErrInvalidTrustRoot, "header_hash has %d bytes, want 32", len(r.HeaderHash))
	case r.TrustingPeriodSeconds < MinTrustingPeriodSeconds || r.TrustingPeriodSeconds > MaxTrustingPeriodSeconds:
		return errorsmod.Wrapf(ErrInvalidTrustRoot, "trusting_period_seconds %d: must be %d to %d",
			r.TrustingPeriodSeconds, MinTrustingPeriodSeconds, MaxTrustingPeriodSeconds)
	}
	return nil
}

// validateRecognisedTypes checks the recognised types: 1 to MaxVCTs, each foreign vct once,
// local vct empty or a vct, claims a non-empty list.
func validateRecognisedTypes(ts []RecognisedType) error {
	if len(ts) == 0 || len(ts) > MaxVCTs {
		return fmt.Errorf("types must list 1 to %d credential types", MaxVCTs)
	}
	seen := make(map[string]bool, len(ts))
	for _, t := range ts {
		if err := ValidateVCT(t.ForeignVct); err != nil {
			return fmt.Errorf("foreign_vct: %w", err)
		}
		if seen[t.ForeignVct] {
			return fmt.Errorf("duplicate foreign_vct %q", t.ForeignVct)
		}
		seen[t.ForeignVct] = true
		if t.LocalVct != "" {
			if err := ValidateVCT(t.LocalVct); err != nil {
				return fmt.Errorf("local_vct: %w", err)
			}
		}
		if err := validateClaimList("claims of "+t.ForeignVct, t.Claims, false); err != nil {
			return err
		}
	}
	return nil
}

// Validate checks the message without reading state (the keeper checks the rest).
func (m *MsgRecognizeLedger) Validate() error {
	if err := ValidateChainID(m.ChainId); err != nil {
		return errorsmod.Wrap(ErrInvalidRecognition, err.Error())
	}
	if m.Version == 0 {
		return errorsmod.Wrap(ErrInvalidRecognition, "version must be at least 1")
	}
	if !didcore.ValidNetwork(m.DidNetwork) {
		return errorsmod.Wrapf(ErrInvalidRecognition, "did_network %q is not [a-z0-9-]{1,32}", m.DidNetwork)
	}
	if err := m.TrustRoot.Validate(); err != nil {
		return err
	}
	if err := validateRecognisedTypes(m.Types); err != nil {
		return errorsmod.Wrap(ErrInvalidRecognition, err.Error())
	}
	if err := validateText("reason", m.Reason, 0, MaxDescriptionLength); err != nil {
		return errorsmod.Wrap(ErrInvalidRecognition, err.Error())
	}
	return nil
}

// Validate checks the message without reading state (the keeper checks the rest).
func (m *MsgSetLedgerRecognitionStatus) Validate() error {
	if err := ValidateChainID(m.ChainId); err != nil {
		return errorsmod.Wrap(ErrInvalidRecognition, err.Error())
	}
	if m.Version < 2 {
		return errorsmod.Wrap(ErrInvalidRecognition, "version must be the latest plus one (at least 2)")
	}
	if _, ok := LedgerRecognitionStatus_name[int32(m.Status)]; !ok || m.Status == LEDGER_RECOGNITION_STATUS_UNSPECIFIED {
		return errorsmod.Wrapf(ErrInvalidRecognition, "status %v", m.Status)
	}
	if err := validateText("reason", m.Reason, 0, MaxDescriptionLength); err != nil {
		return errorsmod.Wrap(ErrInvalidRecognition, err.Error())
	}
	return nil
}

// Type returns the recognised type foreignVCT, if the recognition lists it.
func (r *LedgerRecognition) Type(foreignVCT string) (RecognisedType, bool) {
	i := slices.IndexFunc(r.Types, func(t RecognisedType) bool { return t.ForeignVct == foreignVCT })
	if i < 0 {
		return RecognisedType{}, false
	}
	return r.Types[i], true
}

// validateForeign checks a relying party's foreign opt-ins: each (chain id, vct) once, claims
// a non-empty list.
func validateForeign(fs []ForeignAcceptance) error {
	if len(fs) > MaxVCTs {
		return fmt.Errorf("foreign lists %d types, the bound is %d", len(fs), MaxVCTs)
	}
	seen := make(map[[2]string]bool, len(fs))
	for _, f := range fs {
		if err := ValidateChainID(f.ChainId); err != nil {
			return fmt.Errorf("foreign: %w", err)
		}
		if err := ValidateVCT(f.Vct); err != nil {
			return fmt.Errorf("foreign: %w", err)
		}
		k := [2]string{f.ChainId, f.Vct}
		if seen[k] {
			return fmt.Errorf("foreign: duplicate %s %q", f.ChainId, f.Vct)
		}
		seen[k] = true
		if err := validateClaimList("foreign claims of "+f.Vct, f.Claims, false); err != nil {
			return err
		}
	}
	return nil
}
