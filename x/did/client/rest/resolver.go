// Package rest serves DID resolution over HTTP in the Universal Resolver driver shape:
// GET /1.0/identifiers/{did}[?versionId=..|?versionTime=..].
package rest

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/amanah-id/amanah/x/did/types"
)

// ResolverPath is the route of the resolver on the node's API server.
const ResolverPath = "/1.0/identifiers/{did}"

// RegisterRoutes adds the resolver route to r, answering from qc.
func RegisterRoutes(r *mux.Router, qc types.QueryClient) {
	r.Handle(ResolverPath, NewHandler(qc)).Methods(http.MethodGet)
}

// NewHandler returns the resolver handler; the DID is the {did} mux variable or the path's
// last segment.
func NewHandler(qc types.QueryClient) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		did := mux.Vars(r)["did"]
		if did == "" {
			did = r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
		}
		req := &types.QueryResolveRequest{Did: did, VersionId: r.URL.Query().Get("versionId")}
		if s := r.URL.Query().Get("versionTime"); s != "" {
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				writeResult(w, r, &types.QueryResolveResponse{DidResolutionMetadata: types.ResolutionMetadata{
					Error: types.ResolutionErrInvalidOptions, ErrorMessage: "versionTime is not an RFC 3339 time",
				}})
				return
			}
			req.VersionTime = &t
		}
		res, err := qc.Resolve(r.Context(), req)
		if err != nil {
			http.Error(w, `{"error":"internalError"}`, http.StatusInternalServerError)
			return
		}
		writeResult(w, r, res)
	})
}

// StatusCode maps a resolution error to the HTTP status of the DID Resolution HTTP binding.
func StatusCode(resolutionError string) int {
	switch resolutionError {
	case "":
		return http.StatusOK
	case types.ResolutionErrInvalidDid, types.ResolutionErrInvalidOptions:
		return http.StatusBadRequest
	case types.ResolutionErrNotFound:
		return http.StatusNotFound
	case types.ResolutionErrDeactivated:
		return http.StatusGone
	}
	return http.StatusInternalServerError
}

// writeResult writes the document alone when the client accepts only a DID document media
// type and resolution succeeded, else the whole resolution result.
func writeResult(w http.ResponseWriter, r *http.Request, res *types.QueryResolveResponse) {
	code := StatusCode(res.DidResolutionMetadata.Error)
	accept := r.Header.Get("Accept")
	if code == http.StatusOK && !wantsResult(accept) {
		for _, ct := range []string{types.ContentTypeDIDLDJSON, types.ContentTypeDIDJSON} {
			if strings.Contains(accept, ct) {
				w.Header().Set("Content-Type", ct)
				w.WriteHeader(code)
				_, _ = w.Write(res.DidDocument)
				return
			}
		}
	}
	ct := types.ContentTypeResolution
	if strings.Contains(accept, "application/ld+json") && strings.Contains(accept, "w3id.org/did-resolution") {
		ct = types.ContentTypeResolutionLD
	}
	b, err := json.Marshal(res.Result())
	if err != nil {
		http.Error(w, `{"error":"internalError"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(code)
	_, _ = w.Write(b)
}

func wantsResult(accept string) bool {
	return accept == "" || strings.Contains(accept, "*/*") || strings.Contains(accept, types.ContentTypeResolution) ||
		strings.Contains(accept, "w3id.org/did-resolution")
}
