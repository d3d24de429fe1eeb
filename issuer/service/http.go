package service

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"rsc.io/qr"

	"github.com/amanah-id/amanah/credential/typemeta"
	"github.com/amanah-id/amanah/issuer/oid4vci"
	"github.com/amanah-id/amanah/issuer/store"
	"github.com/amanah-id/amanah/keys"
	statustypes "github.com/amanah-id/amanah/x/status/types"
)

// HTTP paths served (besides the two well-known metadata documents).
const (
	PathToken         = "/token"
	PathNonce         = "/nonce"
	PathCredential    = "/credential"
	PathOffers        = "/offers/"
	PathTypeMetadata  = "/type-metadata"
	PathMetrics       = "/metrics"
	ContentStatusList = "application/statuslist+jwt"
)

// Handler returns the public HTTP API (with /metrics when withMetrics).
func (s *Service) Handler(withMetrics bool) http.Handler {
	mux := http.NewServeMux()
	h := func(pattern, endpoint string, f func(w http.ResponseWriter, r *http.Request) (int, error)) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			code, err := f(w, r)
			if err != nil {
				e := oid4vci.AsError(err)
				if e.Code == oid4vci.ErrServerError {
					s.cfg.Logger.Error("request failed", "endpoint", endpoint, "err", err)
				}
				code = e.Status
				w.Header().Set("Cache-Control", "no-store")
				if e.Code == oid4vci.ErrInvalidToken {
					w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
				}
				writeJSON(w, code, map[string]string{"error": e.Code, "error_description": e.Description})
			}
			s.cfg.Metrics.Requests.WithLabelValues(endpoint, strconv.Itoa(code)).Inc()
		})
	}
	h("GET "+oid4vci.WellKnownIssuer, "issuer_metadata", s.serveIssuerMetadata)
	h("GET "+oid4vci.WellKnownAuthServer, "as_metadata", s.serveASMetadata)
	h("GET /.well-known/openid-configuration", "as_metadata", s.serveASMetadata) // wallets that look there first
	h("POST "+PathToken, "token", s.serveToken)
	h("POST "+PathNonce, "nonce", s.serveNonce)
	h("POST "+PathCredential, "credential", s.serveCredential)
	h("GET "+PathOffers+"{id}", "offer", s.serveOffer)
	h("GET "+PathOffers+"{id}/qr.png", "offer_qr", s.serveOfferQR)
	h("GET "+statustypes.ListPath+"{id}", "status_list", s.serveStatusList)
	h("GET "+PathTypeMetadata, "type_metadata", s.serveTypeMetadata)
	for _, spec := range s.cfg.Configurations {
		if p := typemeta.Path(spec.VCT); p != "" && !strings.HasPrefix(p, "/.well-known/") {
			vct := spec.VCT
			h("GET "+p, "type_metadata", func(w http.ResponseWriter, r *http.Request) (int, error) { return s.writeTypeMetadata(w, r, vct) })
		}
	}
	if withMetrics {
		mux.Handle("GET "+PathMetrics, promhttp.HandlerFor(s.cfg.Metrics.Registry, promhttp.HandlerOpts{}))
	}
	return mux
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// readBody reads at most max bytes; a longer body is an oversize request.
func readBody(r *http.Request, max int, code string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, int64(max)+1))
	if err != nil {
		return nil, oid4vci.Errorf(code, "reading the body: %v", err)
	}
	if len(b) > max {
		return nil, oid4vci.Errorf(code, "request body larger than %d bytes", max)
	}
	return b, nil
}

// Metadata returns the credential issuer metadata.
func (s *Service) Metadata(ctx context.Context) *oid4vci.IssuerMetadata {
	md := &oid4vci.IssuerMetadata{CredentialIssuer: s.cfg.IssuerURL, CredentialEndpoint: s.cfg.IssuerURL + PathCredential,
		NonceEndpoint: s.cfg.IssuerURL + PathNonce, BatchCredentialIssuance: &oid4vci.BatchIssuance{BatchSize: s.cfg.BatchSize},
		CredentialConfigurationsSupported: map[string]oid4vci.CredentialConfiguration{}}
	if s.cfg.Name != "" {
		md.Display = []oid4vci.Display{{Name: s.cfg.Name, Locale: typemeta.Locale}}
	}
	algs := []string{keys.Ed25519.Algorithm(), keys.P256.Algorithm()}
	for id, spec := range s.cfg.Configurations {
		cc := oid4vci.CredentialConfiguration{Format: oid4vci.FormatSDJWTVC, VCT: spec.VCT,
			CryptographicBindingMethodsSupported: []string{"jwk"},
			CredentialSigningAlgValuesSupported:  []string{s.cfg.Key.Public().Algorithm()},
			ProofTypesSupported:                  map[string]oid4vci.ProofType{"jwt": {ProofSigningAlgValuesSupported: algs}}}
		if ct, err := s.cfg.Ledger.CredentialType(ctx, spec.VCT); err == nil {
			if tm, err := typemeta.Build(TypeOf(ct)); err == nil {
				cm := &oid4vci.CredentialMetadata{Display: []oid4vci.Display{{Name: tm.Name, Locale: typemeta.Locale, Description: tm.Description}}}
				for _, c := range tm.Claims {
					cm.Claims = append(cm.Claims, oid4vci.ClaimDescription{Path: []any{c.Path[0]},
						Display: []oid4vci.Display{{Name: c.Display[0].Label, Locale: typemeta.Locale}}})
				}
				cc.CredentialMetadata = cm
			}
		}
		md.CredentialConfigurationsSupported[id] = cc
	}
	return md
}

func (s *Service) serveIssuerMetadata(w http.ResponseWriter, r *http.Request) (int, error) {
	writeJSON(w, http.StatusOK, s.Metadata(r.Context()))
	return http.StatusOK, nil
}

func (s *Service) serveASMetadata(w http.ResponseWriter, r *http.Request) (int, error) {
	writeJSON(w, http.StatusOK, &oid4vci.AuthServerMetadata{Issuer: s.cfg.IssuerURL, TokenEndpoint: s.cfg.IssuerURL + PathToken,
		GrantTypesSupported: []string{oid4vci.GrantPreAuthorizedCode}, ResponseTypesSupported: []string{},
		PreAuthorizedGrantAnonymousAccess: true, TokenEndpointAuthMethodsSupported: []string{"none"}})
	return http.StatusOK, nil
}

func (s *Service) serveToken(w http.ResponseWriter, r *http.Request) (int, error) {
	b, err := readBody(r, oid4vci.MaxTokenRequestBytes, oid4vci.ErrInvalidRequest)
	if err != nil {
		return 0, err
	}
	req, err := oid4vci.ParseTokenRequest(r.Header.Get("Content-Type"), b)
	if err != nil {
		return 0, err
	}
	res, err := s.Token(r.Context(), req)
	if err != nil {
		return 0, err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, res)
	return http.StatusOK, nil
}

func (s *Service) serveNonce(w http.ResponseWriter, r *http.Request) (int, error) {
	res, err := s.Nonce(r.Context())
	if err != nil {
		return 0, err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, res)
	return http.StatusOK, nil
}

func (s *Service) serveCredential(w http.ResponseWriter, r *http.Request) (int, error) {
	token, err := oid4vci.BearerToken(r.Header.Get("Authorization"))
	if err != nil {
		return 0, err
	}
	if _, err := s.Authorize(token); err != nil {
		return 0, err
	}
	b, err := readBody(r, oid4vci.MaxCredentialRequestBytes, oid4vci.ErrInvalidCredentialRequest)
	if err != nil {
		return 0, err
	}
	req, err := oid4vci.ParseCredentialRequest(r.Header.Get("Content-Type"), b, s.cfg.BatchSize)
	if err != nil {
		return 0, err
	}
	res, err := s.Credential(r.Context(), token, req)
	if err != nil {
		return 0, err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, res)
	return http.StatusOK, nil
}

func (s *Service) offer(r *http.Request) (*store.Offer, error) {
	o, err := s.cfg.Store.Offer(r.PathValue("id"))
	if err != nil || o.State != store.OfferOpen || s.cfg.Now().After(o.Expires) {
		return nil, &oid4vci.Error{Code: oid4vci.ErrInvalidRequest, Description: "no open credential offer of that id", Status: http.StatusNotFound}
	}
	return o, nil
}

func (s *Service) serveOffer(w http.ResponseWriter, r *http.Request) (int, error) {
	o, err := s.offer(r)
	if err != nil {
		return 0, err
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(o.OfferJSON)
	return http.StatusOK, nil
}

// OfferQR returns the PNG QR code of an offer URI.
func OfferQR(uri string) ([]byte, error) {
	c, err := qr.Encode(uri, qr.M)
	if err != nil {
		return nil, err
	}
	return c.PNG(), nil
}

func (s *Service) serveOfferQR(w http.ResponseWriter, r *http.Request) (int, error) {
	o, err := s.offer(r)
	if err != nil {
		return 0, err
	}
	png, err := OfferQR(oid4vci.OfferURIByReference(s.cfg.IssuerURL + PathOffers + o.ID))
	if err != nil {
		return 0, err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(png)
	return http.StatusOK, nil
}

func (s *Service) serveTypeMetadata(w http.ResponseWriter, r *http.Request) (int, error) {
	vct := r.URL.Query().Get("vct")
	known := false
	for _, spec := range s.cfg.Configurations {
		known = known || spec.VCT == vct
	}
	if !known {
		return 0, &oid4vci.Error{Code: oid4vci.ErrInvalidRequest, Description: "not a credential type of this issuer", Status: http.StatusNotFound}
	}
	return s.writeTypeMetadata(w, r, vct)
}

func (s *Service) writeTypeMetadata(w http.ResponseWriter, r *http.Request, vct string) (int, error) {
	ti, err := s.typeInfo(r.Context(), vct)
	if err != nil {
		return 0, err
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(ti.doc)
	return http.StatusOK, nil
}

// ConfigIDs returns the configuration ids, sorted.
func (s *Service) ConfigIDs() []string {
	var ids []string
	for id := range s.cfg.Configurations {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

var errNotOurList = errors.New("not a list of this issuer")

func (s *Service) serveStatusList(w http.ResponseWriter, r *http.Request) (int, error) {
	ref, err := statustypes.ParseListURI(s.cfg.IssuerURL + r.URL.RequestURI())
	if err != nil {
		return 0, &oid4vci.Error{Code: oid4vci.ErrInvalidRequest, Description: err.Error(), Status: http.StatusNotFound}
	}
	body, ctype, err := s.StatusListToken(r.Context(), ref.ListID, ref.Format)
	if errors.Is(err, errNotOurList) {
		return 0, &oid4vci.Error{Code: oid4vci.ErrInvalidRequest, Description: err.Error(), Status: http.StatusNotFound}
	}
	if err != nil {
		return 0, err
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "max-age="+strconv.Itoa(int(s.cfg.StatusCacheFor/time.Second)))
	_, _ = w.Write(body)
	return http.StatusOK, nil
}
