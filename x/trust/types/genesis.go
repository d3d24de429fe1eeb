package types

import (
	"bytes"
	"fmt"

	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"
)

// DefaultGenesis returns an empty trust registry (the council builds it by proposals).
func DefaultGenesis() *GenesisState { return &GenesisState{} }

// Validate checks a stored credential type: its fields, that its schema compiles and matches
// its digest, and that the selectively disclosable claims are schema properties. It returns the
// schema's claim names.
func (ct CredentialType) Validate() ([]string, error) {
	p := CredentialTypePayload{
		Vct: ct.Vct, Version: ct.Version, Schema: ct.Schema, SelectivelyDisclosable: ct.SelectivelyDisclosable,
		DisplayName: ct.DisplayName, Description: ct.Description, Registrant: ct.RegisteredBy,
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	claims, err := ValidateSchema(ct.Schema)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(ct.SchemaSha256, SchemaDigest(ct.Schema)) {
		return nil, errorsmod.Wrap(ErrInvalidSchema, "schema_sha256 does not match the schema")
	}
	if err := ClaimsIn(claims, ct.SelectivelyDisclosable); err != nil {
		return nil, err
	}
	return claims, nil
}

// ClaimsIn checks that every claim of want is one of the schema's claims (sorted).
func ClaimsIn(schemaClaims, want []string) error {
	have := make(map[string]bool, len(schemaClaims))
	for _, c := range schemaClaims {
		have[c] = true
	}
	for _, c := range want {
		if !have[c] {
			return errorsmod.Wrapf(ErrUnknownClaim, "%q", c)
		}
	}
	return nil
}

// Validate checks a stored accreditation's fields and status history.
func (a Accreditation) Validate() error {
	p := AccreditPayload{
		Id: a.Id, Accreditor: a.Accreditor, Accredited: a.Accredited, Role: a.Role, Vcts: a.Vcts,
		ValidFrom: a.ValidFrom, ValidUntil: a.ValidUntil, Operator: a.Operator,
	}
	if err := p.Validate(); err != nil {
		return err
	}
	if a.Accreditor != "" && a.Role != ROLE_ISSUER {
		return errorsmod.Wrap(ErrRoleNotAllowed, "only the council accredits accreditation bodies")
	}
	if a.Operator != "" {
		if _, err := sdk.AccAddressFromBech32(a.Operator); err != nil {
			return errorsmod.Wrapf(ErrInvalidAddress, "operator %q: %v", a.Operator, err)
		}
	}
	if _, ok := AccreditationStatus_name[int32(a.Status)]; !ok || a.Status == ACCREDITATION_STATUS_UNSPECIFIED {
		return errorsmod.Wrapf(ErrInvalidPayload, "status %v", a.Status)
	}
	if len(a.History) == 0 || len(a.History) > MaxHistory {
		return errorsmod.Wrapf(ErrInvalidPayload, "history must hold 1 to %d changes", MaxHistory)
	}
	if a.History[0].Status != int32(ACCREDITATION_STATUS_ACTIVE) {
		return errorsmod.Wrap(ErrInvalidPayload, "history must start with the grant (active)")
	}
	for i, h := range a.History {
		if _, ok := AccreditationStatus_name[h.Status]; !ok || h.Status == 0 {
			return errorsmod.Wrapf(ErrInvalidPayload, "history %d: status %d", i, h.Status)
		}
		if i > 0 && h.Time.Before(a.History[i-1].Time) {
			return errorsmod.Wrapf(ErrInvalidPayload, "history %d goes back in time", i)
		}
		if i > 0 && a.History[i-1].Status == int32(ACCREDITATION_STATUS_REVOKED) {
			return errorsmod.Wrapf(ErrInvalidTransition, "history %d follows a revocation", i)
		}
		if err := validateActor("history by", h.By); err != nil {
			return errorsmod.Wrapf(ErrInvalidPayload, "history %d: %v", i, err)
		}
	}
	if a.History[len(a.History)-1].Status != int32(a.Status) {
		return errorsmod.Wrap(ErrInvalidPayload, "status differs from the last history entry")
	}
	return nil
}

// Validate checks a stored relying party's fields (claims are checked against the types in GenesisState.Validate).
func (rp RelyingParty) Validate() error {
	p := RelyingPartyPayload{
		Did: rp.Did, LegalName: rp.LegalName, RegistrationNumber: rp.RegistrationNumber,
		Permissions: rp.Permissions, Status: rp.Status, Registrar: rp.Registrar, Version: rp.Version,
		Audiences: rp.Audiences, Foreign: rp.Foreign,
	}
	// A record written before state version 3 has no audiences (and no recorded consent): it
	// stays valid, and the verifier allows it no audience.
	return p.validate(false)
}

// Validate checks the whole registry: every record, unique keys, contiguous credential type
// versions from 1, and relying-party claims that are properties of their type's latest schema.
func (gs GenesisState) Validate() error {
	latest := make(map[string]uint32)
	claimsOf := make(map[string][]string)
	for i, ct := range gs.CredentialTypes {
		claims, err := ct.Validate()
		if err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "credential type %d (%s v%d): %v", i, ct.Vct, ct.Version, err)
		}
		if ct.Version != latest[ct.Vct]+1 {
			return errorsmod.Wrapf(ErrInvalidGenesis, "credential type %d: %s version %d follows version %d", i, ct.Vct, ct.Version, latest[ct.Vct])
		}
		latest[ct.Vct] = ct.Version
		claimsOf[ct.Vct] = claims
	}
	ids := make(map[string]bool, len(gs.Accreditations))
	for i, a := range gs.Accreditations {
		if err := a.Validate(); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "accreditation %d (%s): %v", i, a.Id, err)
		}
		if ids[a.Id] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "duplicate accreditation id %q", a.Id)
		}
		ids[a.Id] = true
	}
	dids := make(map[string]bool, len(gs.RelyingParties))
	for i, rp := range gs.RelyingParties {
		if err := rp.Validate(); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "relying party %d (%s): %v", i, rp.Did, err)
		}
		if dids[rp.Did] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "duplicate relying party %q", rp.Did)
		}
		dids[rp.Did] = true
		for _, p := range rp.Permissions {
			claims, ok := claimsOf[p.Vct]
			if !ok {
				return errorsmod.Wrapf(ErrInvalidGenesis, "relying party %s: %v", rp.Did, errorsmod.Wrap(ErrCredentialTypeNotFound, p.Vct))
			}
			if err := ClaimsIn(claims, p.Claims); err != nil {
				return errorsmod.Wrapf(ErrInvalidGenesis, "relying party %s, %s: %v", rp.Did, p.Vct, err)
			}
		}
	}
	return validateRecognitions(gs.LedgerRecognitions)
}

// validateRecognitions checks the recognitions of a genesis: each version valid, versions of a
// chain id contiguous from 1 with non-decreasing times and one did network.
func validateRecognitions(rs []LedgerRecognition) error {
	last := make(map[string]LedgerRecognition, len(rs))
	for i, r := range rs {
		m := MsgRecognizeLedger{ChainId: r.ChainId, Version: r.Version, DidNetwork: r.DidNetwork, TrustRoot: r.TrustRoot,
			Types: r.Types, Reason: r.Reason}
		if err := m.Validate(); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "recognition %d (%s v%d): %v", i, r.ChainId, r.Version, err)
		}
		if _, ok := LedgerRecognitionStatus_name[int32(r.Status)]; !ok || r.Status == LEDGER_RECOGNITION_STATUS_UNSPECIFIED {
			return errorsmod.Wrapf(ErrInvalidGenesis, "recognition %d: status %v", i, r.Status)
		}
		prev, seen := last[r.ChainId]
		switch {
		case !seen && r.Version != 1, seen && r.Version != prev.Version+1:
			return errorsmod.Wrapf(ErrInvalidGenesis, "recognition %d: %s version %d out of order", i, r.ChainId, r.Version)
		case seen && r.UpdatedAt.Before(prev.UpdatedAt):
			return errorsmod.Wrapf(ErrInvalidGenesis, "recognition %d: %s version %d goes back in time", i, r.ChainId, r.Version)
		case seen && r.DidNetwork != prev.DidNetwork:
			return errorsmod.Wrapf(ErrInvalidGenesis, "recognition %d: %s changes its did network", i, r.ChainId)
		}
		last[r.ChainId] = r
	}
	return nil
}

// Describe names the role in plain words.
func (r Role) Describe() string {
	switch r {
	case ROLE_ACCREDITATION_BODY:
		return "accreditation body"
	case ROLE_ISSUER:
		return "issuer"
	}
	return fmt.Sprintf("role %d", int32(r))
}
