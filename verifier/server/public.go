package server

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/amanah-id/amanah/openid4vp"
	"github.com/amanah-id/amanah/verifier/reason"
	"github.com/amanah-id/amanah/verifier/service"
)

// PublicHandler serves the OpenID4VP endpoints wallets call, without
// credentials, on their own listener: GET /oid4vp/requests/{state} (the
// signed request object) and POST /oid4vp/response (direct_post and
// direct_post.jwt). Errors are OAuth-style JSON: {"error":
// "invalid_request", "error_description": "<reason code>: <message>",
// "reason": "<reason code>"}.
func PublicHandler(svc *service.Service) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+service.PathRequestObject+"{state}", func(w http.ResponseWriter, r *http.Request) {
		jar, re := svc.RequestObject(r.Context(), r.PathValue("state"))
		if re != nil {
			writeOAuthError(w, re)
			return
		}
		w.Header().Set("Content-Type", openid4vp.ContentTypeRequest)
		w.Header().Set("Cache-Control", "no-store")
		_, _ = io.WriteString(w, jar)
	})
	mux.HandleFunc("POST "+service.PathResponse, func(w http.ResponseWriter, r *http.Request) {
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
			writeOAuthError(w, &service.ResponseError{Status: http.StatusUnsupportedMediaType, Code: openid4vpCode(openid4vp.CodeResponseMalformed),
				Msg: "the response is an application/x-www-form-urlencoded form"})
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, openid4vp.MaxResponseLen))
		if err != nil {
			writeOAuthError(w, &service.ResponseError{Status: http.StatusRequestEntityTooLarge, Code: openid4vpCode(openid4vp.CodeResponseTooLarge),
				Msg: "the response is over " + itoa(openid4vp.MaxResponseLen) + " bytes"})
			return
		}
		form, err := url.ParseQuery(string(body))
		if err != nil {
			writeOAuthError(w, &service.ResponseError{Status: http.StatusBadRequest, Code: openid4vpCode(openid4vp.CodeResponseMalformed), Msg: err.Error()})
			return
		}
		ans, re := svc.HandleResponse(r.Context(), form)
		if re != nil {
			writeOAuthError(w, re)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(ans)
	})
	return mux
}

func writeOAuthError(w http.ResponseWriter, re *service.ResponseError) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(re.Status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": "invalid_request",
		"error_description": string(re.Code) + ": " + re.Msg, "reason": string(re.Code)})
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func openid4vpCode(c openid4vp.Code) reason.Code { return reason.Code(c) }
