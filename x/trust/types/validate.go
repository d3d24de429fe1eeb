package types

import (
	"fmt"
	"net/url"
	"time"

	errorsmod "cosmossdk.io/errors"

	"github.com/amanah-id/amanah/didcore"
	didtypes "github.com/amanah-id/amanah/x/did/types"
)

// ValidateVCT checks that s is an absolute URI usable as a credential type (vct).
func ValidateVCT(s string) error {
	if s == "" || len(s) > MaxURILength {
		return fmt.Errorf("vct must be 1 to %d characters", MaxURILength)
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return fmt.Errorf("vct %q has a character outside printable ASCII", s)
		}
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("vct %q: %w", s, err)
	}
	if u.Scheme == "" || (u.Host == "" && u.Opaque == "") || u.Fragment != "" {
		return fmt.Errorf("vct %q is not an absolute URI without fragment", s)
	}
	return nil
}

// ValidateDID checks that s is a DID (no path, query or fragment) within the length bound.
func ValidateDID(field, s string) error {
	if s == "" || len(s) > MaxDIDLength {
		return fmt.Errorf("%s must be a DID of 1 to %d characters", field, MaxDIDLength)
	}
	if _, err := didcore.ParseDID(s); err != nil {
		return fmt.Errorf("%s %q: %w", field, s, err)
	}
	return nil
}

// validateActor checks an acting DID: empty (the council) or a DID.
func validateActor(field, s string) error {
	if s == "" {
		return nil
	}
	return ValidateDID(field, s)
}

func validateText(field, s string, minLen, maxLen int) error {
	if len(s) < minLen || len(s) > maxLen {
		return fmt.Errorf("%s must be %d to %d bytes", field, minLen, maxLen)
	}
	for _, r := range s {
		if r == 0xfffd || r < ' ' && r != '\n' && r != '\t' {
			return fmt.Errorf("%s has a control or invalid character", field)
		}
	}
	return nil
}

// validateID checks an accreditation id: letters, digits, '.', '_', ':', '-'.
func validateID(s string) error {
	if s == "" || len(s) > MaxIDLength {
		return fmt.Errorf("id must be 1 to %d characters", MaxIDLength)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == ':' || c == '-') {
			return fmt.Errorf("id %q may only hold letters, digits, '.', '_', ':' and '-'", s)
		}
	}
	return nil
}

// validateClaimName checks a claim name (a schema property): printable, not an SD-JWT reserved name.
func validateClaimName(s string) error {
	if s == "" || len(s) > MaxClaimNameLength {
		return fmt.Errorf("claim name must be 1 to %d bytes", MaxClaimNameLength)
	}
	switch s {
	case "_sd", "_sd_alg", "...", "cnf", "vct", "iss", "status":
		return fmt.Errorf("claim name %q is reserved", s)
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f || r == 0xfffd {
			return fmt.Errorf("claim name %q has a space, control or invalid character", s)
		}
	}
	return nil
}

func validateClaimList(field string, claims []string, allowEmpty bool) error {
	if !allowEmpty && len(claims) == 0 {
		return fmt.Errorf("%s is empty", field)
	}
	if len(claims) > MaxClaims {
		return fmt.Errorf("%s has %d claims, the bound is %d", field, len(claims), MaxClaims)
	}
	seen := make(map[string]bool, len(claims))
	for _, c := range claims {
		if err := validateClaimName(c); err != nil {
			return fmt.Errorf("%s: %w", field, err)
		}
		if seen[c] {
			return fmt.Errorf("%s: duplicate claim %q", field, c)
		}
		seen[c] = true
	}
	return nil
}

func validateVCTList(vcts []string) error {
	if len(vcts) == 0 || len(vcts) > MaxVCTs {
		return fmt.Errorf("vcts must list 1 to %d credential types", MaxVCTs)
	}
	seen := make(map[string]bool, len(vcts))
	for _, v := range vcts {
		if err := ValidateVCT(v); err != nil {
			return err
		}
		if seen[v] {
			return fmt.Errorf("duplicate vct %q", v)
		}
		seen[v] = true
	}
	return nil
}

// ValidateSignatures checks the shape of a message's DID signatures: none for a council
// decision (actor empty), one to MaxSignatures bounded signatures for a DID.
func ValidateSignatures(actor string, sigs []didtypes.DidSignature) error {
	if actor == "" {
		if len(sigs) != 0 {
			return ErrUnexpectedSignature
		}
		return nil
	}
	if len(sigs) == 0 {
		return errorsmod.Wrapf(ErrMissingSignature, "payload must be signed by %s", actor)
	}
	if len(sigs) > MaxSignatures {
		return errorsmod.Wrapf(ErrInvalidPayload, "%d signatures, the bound is %d", len(sigs), MaxSignatures)
	}
	for i, s := range sigs {
		if s.VerificationMethod == "" || len(s.VerificationMethod) > didcore.MaxDIDURLLength {
			return errorsmod.Wrapf(ErrInvalidPayload, "signature %d: verification_method length", i)
		}
		if len(s.Signature) == 0 || len(s.Signature) > MaxSignatureBytes {
			return errorsmod.Wrapf(ErrInvalidPayload, "signature %d: %d bytes", i, len(s.Signature))
		}
	}
	return nil
}

// Validate checks the payload without reading state (the schema is compiled by the keeper).
func (p CredentialTypePayload) Validate() error {
	if err := ValidateVCT(p.Vct); err != nil {
		return errorsmod.Wrap(ErrInvalidPayload, err.Error())
	}
	if p.Version == 0 {
		return errorsmod.Wrap(ErrInvalidPayload, "version must be at least 1")
	}
	if len(p.Schema) > MaxSchemaBytes {
		return errorsmod.Wrapf(ErrSchemaTooLarge, "%d bytes, the bound is %d", len(p.Schema), MaxSchemaBytes)
	}
	if err := validateClaimList("selectively_disclosable", p.SelectivelyDisclosable, true); err != nil {
		return errorsmod.Wrap(ErrInvalidPayload, err.Error())
	}
	if err := validateText("display_name", p.DisplayName, 1, MaxNameLength); err != nil {
		return errorsmod.Wrap(ErrInvalidPayload, err.Error())
	}
	if err := validateText("description", p.Description, 0, MaxDescriptionLength); err != nil {
		return errorsmod.Wrap(ErrInvalidPayload, err.Error())
	}
	if err := validateActor("registrant", p.Registrant); err != nil {
		return errorsmod.Wrap(ErrInvalidPayload, err.Error())
	}
	return nil
}

// Validate checks the payload without reading state.
func (p AccreditPayload) Validate() error {
	if err := validateID(p.Id); err != nil {
		return errorsmod.Wrap(ErrInvalidPayload, err.Error())
	}
	if err := validateActor("accreditor", p.Accreditor); err != nil {
		return errorsmod.Wrap(ErrInvalidPayload, err.Error())
	}
	if err := ValidateDID("accredited", p.Accredited); err != nil {
		return errorsmod.Wrap(ErrInvalidPayload, err.Error())
	}
	if p.Accredited == p.Accreditor {
		return errorsmod.Wrap(ErrInvalidPayload, "a DID may not accredit itself")
	}
	if p.Role != ROLE_ACCREDITATION_BODY && p.Role != ROLE_ISSUER {
		return errorsmod.Wrapf(ErrInvalidPayload, "role %v", p.Role)
	}
	if err := validateVCTList(p.Vcts); err != nil {
		return errorsmod.Wrap(ErrInvalidPayload, err.Error())
	}
	if err := validateWindow(p.ValidFrom, p.ValidUntil); err != nil {
		return errorsmod.Wrap(ErrInvalidPayload, err.Error())
	}
	return nil
}

func validateWindow(from, until time.Time) error {
	if from.IsZero() || until.IsZero() {
		return fmt.Errorf("valid_from and valid_until are required")
	}
	if !until.After(from) {
		return fmt.Errorf("valid_until %s is not after valid_from %s", until.Format(time.RFC3339), from.Format(time.RFC3339))
	}
	return nil
}

// Validate checks the payload without reading state.
func (p AccreditationStatusPayload) Validate() error {
	if err := validateID(p.Id); err != nil {
		return errorsmod.Wrap(ErrInvalidPayload, err.Error())
	}
	if err := validateActor("actor", p.Actor); err != nil {
		return errorsmod.Wrap(ErrInvalidPayload, err.Error())
	}
	if _, ok := AccreditationStatus_name[int32(p.Status)]; !ok || p.Status == ACCREDITATION_STATUS_UNSPECIFIED {
		return errorsmod.Wrapf(ErrInvalidPayload, "status %v", p.Status)
	}
	if err := validateText("reason", p.Reason, 0, MaxDescriptionLength); err != nil {
		return errorsmod.Wrap(ErrInvalidPayload, err.Error())
	}
	return nil
}

// Validate checks the payload without reading state (the claims are checked against the
// credential types' schemas by the keeper). An active registration lists at least one audience.
func (p RelyingPartyPayload) Validate() error {
	return p.validate(p.Status == RELYING_PARTY_STATUS_ACTIVE)
}

// validate checks the payload; audiences are required only when needAudience (a stored record
// written before state version 3 has none).
func (p RelyingPartyPayload) validate(needAudience bool) error {
	if err := ValidateDID("did", p.Did); err != nil {
		return errorsmod.Wrap(ErrInvalidPayload, err.Error())
	}
	if err := ValidateAudiences(p.Did, p.Audiences, needAudience); err != nil {
		return err
	}
	if err := validateText("legal_name", p.LegalName, 1, MaxNameLength); err != nil {
		return errorsmod.Wrap(ErrInvalidPayload, err.Error())
	}
	if err := validateText("registration_number", p.RegistrationNumber, 1, MaxRegistrationNumberLength); err != nil {
		return errorsmod.Wrap(ErrInvalidPayload, err.Error())
	}
	if err := validatePermissions(p.Permissions); err != nil {
		return errorsmod.Wrap(ErrInvalidPayload, err.Error())
	}
	if err := validateForeign(p.Foreign); err != nil {
		return errorsmod.Wrap(ErrInvalidPayload, err.Error())
	}
	if _, ok := RelyingPartyStatus_name[int32(p.Status)]; !ok || p.Status == RELYING_PARTY_STATUS_UNSPECIFIED {
		return errorsmod.Wrapf(ErrInvalidPayload, "status %v", p.Status)
	}
	if err := validateActor("registrar", p.Registrar); err != nil {
		return errorsmod.Wrap(ErrInvalidPayload, err.Error())
	}
	if p.Did == p.Registrar {
		return errorsmod.Wrap(ErrInvalidPayload, "a DID may not register itself")
	}
	if p.Version == 0 {
		return errorsmod.Wrap(ErrInvalidPayload, "version must be at least 1")
	}
	return nil
}

func validatePermissions(perms []ClaimPermission) error {
	if len(perms) == 0 || len(perms) > MaxVCTs {
		return fmt.Errorf("permissions must list 1 to %d credential types", MaxVCTs)
	}
	seen := make(map[string]bool, len(perms))
	for _, p := range perms {
		if err := ValidateVCT(p.Vct); err != nil {
			return err
		}
		if seen[p.Vct] {
			return fmt.Errorf("duplicate permission for %q", p.Vct)
		}
		seen[p.Vct] = true
		if err := validateClaimList("claims of "+p.Vct, p.Claims, false); err != nil {
			return err
		}
	}
	return nil
}
