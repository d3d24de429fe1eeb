package types

import (
	"fmt"
	"strings"

	errorsmod "cosmossdk.io/errors"
)

// Audience forms a relying party may register (and a verifier compares bytewise with the
// audience of a challenge).
const (
	// AudienceOriginPrefix starts an https origin: https://host[:port].
	AudienceOriginPrefix = "https://"
	// AudienceDIDPrefix starts an OpenID4VP client identifier of the decentralized_identifier
	// prefix; the rest must be the relying party's own DID.
	AudienceDIDPrefix = "decentralized_identifier:"
)

// ValidateAudience checks one audience of the relying party rpDID. It is either
//
//   - an https origin in its one serialised form: "https://" + host [":" port], the host a
//     lowercase DNS name (labels of a-z, 0-9 and '-', 1 to 63 bytes, not starting or ending
//     with '-'; an IPv4 literal passes as such a name), the port 1 to 65535 without leading
//     zeros and never the default 443; no user info, path (not even "/"), query or fragment;
//   - or "decentralized_identifier:" + rpDID, the relying party's OpenID4VP client id (another
//     DID's client id is refused: a party may not claim a client id it does not control).
//
// It is 1 to MaxAudienceLength bytes. The error wraps ErrInvalidAudience.
func ValidateAudience(rpDID, aud string) error {
	if aud == "" || len(aud) > MaxAudienceLength {
		return errorsmod.Wrapf(ErrInvalidAudience, "audience must be 1 to %d bytes", MaxAudienceLength)
	}
	if rest, ok := strings.CutPrefix(aud, AudienceDIDPrefix); ok {
		if rest != rpDID || rpDID == "" {
			return errorsmod.Wrapf(ErrInvalidAudience, "%q is not the client id of %s (want %s%s)", aud, rpDID, AudienceDIDPrefix, rpDID)
		}
		return nil
	}
	rest, ok := strings.CutPrefix(aud, AudienceOriginPrefix)
	if !ok {
		return errorsmod.Wrapf(ErrInvalidAudience, "%q is neither %shost[:port] nor %s<did>", aud, AudienceOriginPrefix, AudienceDIDPrefix)
	}
	if err := validateHostPort(rest); err != nil {
		return errorsmod.Wrapf(ErrInvalidAudience, "%q: %v", aud, err)
	}
	return nil
}

// validateHostPort checks host[:port] of an https origin.
func validateHostPort(s string) error {
	host, port, hasPort := strings.Cut(s, ":")
	if err := validateDNSName(host); err != nil {
		return err
	}
	if !hasPort {
		return nil
	}
	if port == "" || len(port) > 5 || port[0] == '0' {
		return fmt.Errorf("port %q must be 1 to 65535 without leading zeros", port)
	}
	n := 0
	for i := 0; i < len(port); i++ {
		c := port[i]
		if c < '0' || c > '9' {
			return fmt.Errorf("port %q is not a number (no path, query or fragment may follow)", port)
		}
		n = n*10 + int(c-'0')
	}
	if n > 65535 {
		return fmt.Errorf("port %d is above 65535", n)
	}
	if n == 443 {
		return fmt.Errorf("port 443 is the default: the origin is written without it")
	}
	return nil
}

// validateDNSName checks a lowercase DNS name of 1 to 253 bytes.
func validateDNSName(host string) error {
	if host == "" || len(host) > 253 {
		return fmt.Errorf("host must be 1 to 253 bytes")
	}
	for _, label := range strings.Split(host, ".") {
		if label == "" || len(label) > 63 {
			return fmt.Errorf("host %q has an empty label or one over 63 bytes", host)
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return fmt.Errorf("host %q has a label starting or ending with '-'", host)
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
				return fmt.Errorf("host %q may only hold lowercase letters, digits, '-' and '.' (no user info, path, query or fragment)", host)
			}
		}
	}
	return nil
}

// ValidateAudiences checks a relying party's audience list: at most MaxAudiences, each valid
// and listed once; at least one when required (an active registration).
func ValidateAudiences(rpDID string, auds []string, required bool) error {
	if required && len(auds) == 0 {
		return errorsmod.Wrap(ErrInvalidAudience, "an active registration lists at least one audience")
	}
	if len(auds) > MaxAudiences {
		return errorsmod.Wrapf(ErrInvalidAudience, "%d audiences, the bound is %d", len(auds), MaxAudiences)
	}
	seen := make(map[string]bool, len(auds))
	for _, a := range auds {
		if err := ValidateAudience(rpDID, a); err != nil {
			return err
		}
		if seen[a] {
			return errorsmod.Wrapf(ErrInvalidAudience, "duplicate audience %q", a)
		}
		seen[a] = true
	}
	return nil
}
