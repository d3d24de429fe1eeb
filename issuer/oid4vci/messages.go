package oid4vci

import (
	"encoding/json"
	"net/url"
	"strings"
)

// Protocol constants.
const (
	// GrantPreAuthorizedCode is the pre-authorized code grant type.
	GrantPreAuthorizedCode = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
	// ProofTypJWT is the typ of a key proof JWT.
	ProofTypJWT = "openid4vci-proof+jwt"
	// FormatSDJWTVC is the credential format identifier of SD-JWT VCs.
	FormatSDJWTVC = "dc+sd-jwt"
	// OfferScheme is the scheme of credential offer URIs.
	OfferScheme = "openid-credential-offer://"
	// WellKnownIssuer and WellKnownAuthServer are the metadata paths.
	WellKnownIssuer     = "/.well-known/openid-credential-issuer"
	WellKnownAuthServer = "/.well-known/oauth-authorization-server"
)

// Size limits of requests, checked before parsing.
const (
	MaxTokenRequestBytes      = 4 << 10
	MaxCredentialRequestBytes = 256 << 10
	MaxProofJWTBytes          = 8 << 10
	// MaxBatchSize bounds batch_size in any metadata this package writes or reads.
	MaxBatchSize = 100
)

// TxCode describes the transaction code a wallet must ask the user for.
type TxCode struct {
	InputMode   string `json:"input_mode,omitempty"`
	Length      int    `json:"length,omitempty"`
	Description string `json:"description,omitempty"`
}

// PreAuthorizedGrant is the offer's pre-authorized code grant.
type PreAuthorizedGrant struct {
	PreAuthorizedCode string  `json:"pre-authorized_code"`
	TxCode            *TxCode `json:"tx_code,omitempty"`
}

// CredentialOffer is a credential offer (OpenID4VCI 1.0 section 4.1.1).
type CredentialOffer struct {
	CredentialIssuer           string                        `json:"credential_issuer"`
	CredentialConfigurationIDs []string                      `json:"credential_configuration_ids"`
	Grants                     map[string]PreAuthorizedGrant `json:"grants"`
}

// OfferURIByValue returns openid-credential-offer://?credential_offer=<json>.
func OfferURIByValue(o *CredentialOffer) (string, error) {
	b, err := json.Marshal(o)
	if err != nil {
		return "", err
	}
	return OfferScheme + "?credential_offer=" + url.QueryEscape(string(b)), nil
}

// OfferURIByReference returns openid-credential-offer://?credential_offer_uri=<uri>.
func OfferURIByReference(uri string) string {
	return OfferScheme + "?credential_offer_uri=" + url.QueryEscape(uri)
}

// TokenResponse is the token endpoint's answer.
type TokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
}

// NonceResponse is the nonce endpoint's answer.
type NonceResponse struct {
	CNonce string `json:"c_nonce"`
}

// IssuedCredential is one credential of a credential response.
type IssuedCredential struct {
	Credential string `json:"credential"`
}

// CredentialResponse is the credential endpoint's answer (immediate issuance).
type CredentialResponse struct {
	Credentials []IssuedCredential `json:"credentials"`
}

// IssuerMetadata is the Credential Issuer Metadata (section 12.2).
type IssuerMetadata struct {
	CredentialIssuer                  string                             `json:"credential_issuer"`
	CredentialEndpoint                string                             `json:"credential_endpoint"`
	NonceEndpoint                     string                             `json:"nonce_endpoint"`
	BatchCredentialIssuance           *BatchIssuance                     `json:"batch_credential_issuance,omitempty"`
	Display                           []Display                          `json:"display,omitempty"`
	CredentialConfigurationsSupported map[string]CredentialConfiguration `json:"credential_configurations_supported"`
}

// BatchIssuance is batch_credential_issuance.
type BatchIssuance struct {
	BatchSize int `json:"batch_size"`
}

// Display is a display object.
type Display struct {
	Name        string `json:"name"`
	Locale      string `json:"locale,omitempty"`
	Description string `json:"description,omitempty"`
}

// ProofType describes a supported proof type.
type ProofType struct {
	ProofSigningAlgValuesSupported []string `json:"proof_signing_alg_values_supported"`
}

// ClaimDescription is one entry of credential_metadata.claims.
type ClaimDescription struct {
	Path      []any     `json:"path"`
	Mandatory bool      `json:"mandatory,omitempty"`
	Display   []Display `json:"display,omitempty"`
}

// CredentialMetadata is a configuration's credential_metadata.
type CredentialMetadata struct {
	Display []Display          `json:"display,omitempty"`
	Claims  []ClaimDescription `json:"claims,omitempty"`
}

// CredentialConfiguration is one entry of credential_configurations_supported.
type CredentialConfiguration struct {
	Format                               string               `json:"format"`
	VCT                                  string               `json:"vct"`
	Scope                                string               `json:"scope,omitempty"`
	CryptographicBindingMethodsSupported []string             `json:"cryptographic_binding_methods_supported"`
	CredentialSigningAlgValuesSupported  []string             `json:"credential_signing_alg_values_supported"`
	ProofTypesSupported                  map[string]ProofType `json:"proof_types_supported"`
	CredentialMetadata                   *CredentialMetadata  `json:"credential_metadata,omitempty"`
}

// AuthServerMetadata is the OAuth 2.0 Authorization Server Metadata (RFC 8414) the
// pre-authorized code flow needs: the issuer is its own authorization server.
type AuthServerMetadata struct {
	Issuer                            string   `json:"issuer"`
	TokenEndpoint                     string   `json:"token_endpoint"`
	GrantTypesSupported               []string `json:"grant_types_supported"`
	ResponseTypesSupported            []string `json:"response_types_supported"`
	PreAuthorizedGrantAnonymousAccess bool     `json:"pre-authorized_grant_anonymous_access_supported"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
}

// ParseOfferURI reads an openid-credential-offer:// URI: it returns the offer when given by
// value, or the credential_offer_uri to fetch when given by reference.
func ParseOfferURI(s string) (offer *CredentialOffer, byReference string, err error) {
	if len(s) > 64<<10 {
		return nil, "", Errorf(ErrInvalidRequest, "credential offer URI longer than 64 KiB")
	}
	rest, ok := strings.CutPrefix(s, OfferScheme)
	if !ok {
		if i := strings.Index(s, "?"); i > 0 && (strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")) {
			rest = s[i:] // a universal link of the wallet carrying the same query
		} else {
			return nil, "", Errorf(ErrInvalidRequest, "not a credential offer URI (want %s?credential_offer=... or ?credential_offer_uri=...)", OfferScheme)
		}
	}
	rest = strings.TrimPrefix(rest, "/")
	rest = strings.TrimPrefix(rest, "?")
	q, err := url.ParseQuery(rest)
	if err != nil {
		return nil, "", Errorf(ErrInvalidRequest, "offer URI query: %v", err)
	}
	byValue, byRef := q["credential_offer"], q["credential_offer_uri"]
	switch {
	case len(byValue) == 1 && len(byRef) == 0:
		o, err := ParseOffer([]byte(byValue[0]))
		return o, "", err
	case len(byRef) == 1 && len(byValue) == 0:
		u, err := url.Parse(byRef[0])
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, "", Errorf(ErrInvalidRequest, "credential_offer_uri %q is not an http(s) URL", byRef[0])
		}
		return nil, byRef[0], nil
	}
	return nil, "", Errorf(ErrInvalidRequest, "want exactly one of credential_offer and credential_offer_uri")
}

// ParseOffer reads a credential offer object strictly.
func ParseOffer(b []byte) (*CredentialOffer, error) {
	m, err := decodeObject(b, 64<<10)
	if err != nil {
		return nil, Errorf(ErrInvalidRequest, "credential offer: %v", err)
	}
	var o CredentialOffer
	if err := json.Unmarshal(b, &o); err != nil {
		return nil, Errorf(ErrInvalidRequest, "credential offer: %v", err)
	}
	_ = m
	if o.CredentialIssuer == "" || len(o.CredentialConfigurationIDs) == 0 {
		return nil, Errorf(ErrInvalidRequest, "credential offer lacks credential_issuer or credential_configuration_ids")
	}
	g, ok := o.Grants[GrantPreAuthorizedCode]
	if !ok || g.PreAuthorizedCode == "" {
		return nil, Errorf(ErrInvalidRequest, "credential offer has no pre-authorized code grant (the authorization code flow is not supported)")
	}
	return &o, nil
}
