// Package rest serves SD-JWT VC type metadata of the registered credential types over plain
// HTTP: at the path of each type's vct URL (https://amanah.gov.example/credentials/national-id
// is served at /credentials/national-id on every node) and at
// /amanah/trust/v1/type-metadata?vct=<vct>. The document is credential/typemeta's, built from
// the latest registered version, byte for byte what amanah-issuer serves and binds into its
// credentials with vct#integrity.
package rest

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/cosmos/cosmos-sdk/types/query"
	"github.com/gorilla/mux"

	"github.com/amanah-id/amanah/credential/typemeta"
	"github.com/amanah-id/amanah/x/trust/types"
)

// MetadataPath is the query form's path.
const MetadataPath = "/amanah/trust/v1/type-metadata"

// refreshEvery bounds how stale the path table is (a newly registered type is served after it).
const refreshEvery = 5 * time.Second

// Server answers type metadata requests from a query client.
type Server struct {
	qc      types.QueryClient
	mu      sync.Mutex
	paths   map[string]string // vct path -> vct
	fetched time.Time
}

// RegisterRoutes adds the routes to the node's API router.
func RegisterRoutes(r *mux.Router, qc types.QueryClient) *Server {
	s := &Server{qc: qc}
	r.Handle(MetadataPath, http.HandlerFunc(s.serveQuery)).Methods(http.MethodGet)
	r.MatcherFunc(func(req *http.Request, _ *mux.RouteMatch) bool {
		if req.Method != http.MethodGet {
			return false
		}
		_, ok := s.vctAt(req.Context(), req.URL.Path)
		return ok
	}).Handler(http.HandlerFunc(s.servePath))
	return s
}

// vctAt returns the registered vct served at path.
func (s *Server) vctAt(ctx context.Context, path string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if time.Since(s.fetched) > refreshEvery {
		s.fetched = time.Now() // also after a failed refresh: at most one query per period
		paths := map[string]string{}
		var key []byte
		for page := 0; page < 100; page++ {
			res, err := s.qc.CredentialTypes(ctx, &types.QueryCredentialTypesRequest{Pagination: &query.PageRequest{Key: key, Limit: 200}})
			if err != nil {
				break
			}
			for _, ct := range res.CredentialTypes {
				if p := typemeta.Path(ct.Vct); p != "" {
					paths[p] = ct.Vct
				}
			}
			if res.Pagination == nil || len(res.Pagination.NextKey) == 0 {
				s.paths = paths
				break
			}
			key = res.Pagination.NextKey
		}
	}
	v, ok := s.paths[path]
	return v, ok
}

func (s *Server) servePath(w http.ResponseWriter, r *http.Request) {
	vct, ok := s.vctAt(r.Context(), r.URL.Path)
	if !ok {
		http.NotFound(w, r)
		return
	}
	s.write(w, r, vct)
}

func (s *Server) serveQuery(w http.ResponseWriter, r *http.Request) {
	vct := r.URL.Query().Get("vct")
	if vct == "" {
		http.Error(w, `{"error":"vct is required"}`, http.StatusBadRequest)
		return
	}
	s.write(w, r, vct)
}

func (s *Server) write(w http.ResponseWriter, r *http.Request, vct string) {
	res, err := s.qc.CredentialType(r.Context(), &types.QueryCredentialTypeRequest{Vct: vct})
	if err != nil {
		http.Error(w, `{"error":"credential type not registered"}`, http.StatusNotFound)
		return
	}
	ct := res.CredentialType
	md, err := typemeta.Build(typemeta.Type{Vct: ct.Vct, DisplayName: ct.DisplayName, Description: ct.Description,
		Schema: ct.Schema, SelectivelyDisclosable: ct.SelectivelyDisclosable})
	if err != nil {
		http.Error(w, `{"error":"internal"}`, http.StatusInternalServerError)
		return
	}
	b, err := md.Bytes()
	if err != nil {
		http.Error(w, `{"error":"internal"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "max-age=60")
	_, _ = w.Write(b)
}
