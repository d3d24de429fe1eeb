package rest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gorilla/mux"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"

	"github.com/amanah-id/amanah/x/did/client/rest"
	"github.com/amanah-id/amanah/x/did/types"
)

// fakeQuery answers Resolve from a table keyed by DID.
type fakeQuery struct {
	types.QueryClient
	results map[string]*types.QueryResolveResponse
	last    *types.QueryResolveRequest
}

func (f *fakeQuery) Resolve(_ context.Context, req *types.QueryResolveRequest, _ ...grpc.CallOption) (*types.QueryResolveResponse, error) {
	f.last = req
	if r, ok := f.results[req.Did]; ok {
		return r, nil
	}
	return &types.QueryResolveResponse{DidResolutionMetadata: types.ResolutionMetadata{Error: types.ResolutionErrNotFound}}, nil
}

const (
	okDID   = "did:amanah:local:6Tmhx9RNMdxr4D8wbRJMrD"
	goneDID = "did:amanah:local:2uHYRMAy5CKHDjsC1Z8zVS"
	badDID  = "did:amanah:local:bad"
)

func TestResolverHandler(t *testing.T) {
	ts := time.Date(2026, 7, 1, 10, 0, 0, 0, time.UTC)
	md := &types.DocumentMetadata{Created: ts, Updated: ts, VersionId: "1"}
	doc := []byte(`{"@context":"https://www.w3.org/ns/did/v1","id":"` + okDID + `"}`)
	fq := &fakeQuery{results: map[string]*types.QueryResolveResponse{
		okDID:   {DidDocument: doc, DidDocumentMetadata: md, DidResolutionMetadata: types.ResolutionMetadata{ContentType: types.ContentTypeDIDLDJSON}},
		goneDID: {DidDocumentMetadata: &types.DocumentMetadata{Created: ts, Updated: ts, VersionId: "2", Deactivated: true}, DidResolutionMetadata: types.ResolutionMetadata{Error: types.ResolutionErrDeactivated}},
		badDID:  {DidResolutionMetadata: types.ResolutionMetadata{Error: types.ResolutionErrInvalidDid}},
	}}
	r := mux.NewRouter()
	rest.RegisterRoutes(r, fq)
	srv := httptest.NewServer(r)
	defer srv.Close()

	cases := []struct {
		name, path, accept string
		code               int
		ct                 string
	}{
		{"found", "/1.0/identifiers/" + okDID, "", http.StatusOK, types.ContentTypeResolution},
		{"found, universal resolver accept", "/1.0/identifiers/" + okDID, types.ContentTypeResolutionLD, http.StatusOK, types.ContentTypeResolutionLD},
		{"document only", "/1.0/identifiers/" + okDID, types.ContentTypeDIDLDJSON, http.StatusOK, types.ContentTypeDIDLDJSON},
		{"plain did+json", "/1.0/identifiers/" + okDID, types.ContentTypeDIDJSON, http.StatusOK, types.ContentTypeDIDJSON},
		{"not found", "/1.0/identifiers/did:amanah:local:3mJr7AoUXx2Wqd7X5NQGHS", "", http.StatusNotFound, types.ContentTypeResolution},
		{"invalid did", "/1.0/identifiers/" + badDID, "", http.StatusBadRequest, types.ContentTypeResolution},
		{"deactivated", "/1.0/identifiers/" + goneDID, "", http.StatusGone, types.ContentTypeResolution},
		{"deactivated, document asked", "/1.0/identifiers/" + goneDID, types.ContentTypeDIDJSON, http.StatusGone, types.ContentTypeResolution},
		{"bad versionTime", "/1.0/identifiers/" + okDID + "?versionTime=yesterday", "", http.StatusBadRequest, types.ContentTypeResolution},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, srv.URL+tc.path, nil)
			require.NoError(t, err)
			if tc.accept != "" {
				req.Header.Set("Accept", tc.accept)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			require.Equal(t, tc.code, resp.StatusCode)
			require.Equal(t, tc.ct, resp.Header.Get("Content-Type"))
			var body map[string]json.RawMessage
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
			if tc.ct == types.ContentTypeDIDLDJSON || tc.ct == types.ContentTypeDIDJSON {
				require.Contains(t, body, "id")
				return
			}
			for _, k := range []string{"didDocument", "didDocumentMetadata", "didResolutionMetadata"} {
				require.Contains(t, body, k)
			}
		})
	}

	// Query parameters reach the gRPC request.
	resp, err := http.Get(srv.URL + "/1.0/identifiers/" + okDID + "?versionId=1")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, "1", fq.last.VersionId)
	resp, err = http.Get(srv.URL + "/1.0/identifiers/" + okDID + "?versionTime=2026-07-01T10:00:00Z")
	require.NoError(t, err)
	resp.Body.Close()
	require.True(t, fq.last.VersionTime.Equal(ts))

	// Only GET.
	resp, err = http.Post(srv.URL+"/1.0/identifiers/"+okDID, "application/json", nil)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
}

// FuzzResolverRequest feeds arbitrary DIDs and query strings to the handler: it must answer
// with a resolution status and never panic.
func FuzzResolverRequest(f *testing.F) {
	f.Add(okDID, "versionId=1")
	f.Add(okDID, "versionTime=2026-07-01T10:00:00Z")
	f.Add("did:amanah:local:%zz", "versionTime=2026-13-01")
	f.Add("", "versionId=&versionTime=")
	h := rest.NewHandler(&fakeQuery{results: map[string]*types.QueryResolveResponse{}})
	f.Fuzz(func(t *testing.T, did, query string) {
		req := httptest.NewRequest(http.MethodGet, "/1.0/identifiers/x", nil)
		req.URL.Path = "/1.0/identifiers/" + did
		req.URL.RawQuery = query
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		switch w.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusNotFound, http.StatusGone:
		default:
			t.Fatalf("status %d", w.Code)
		}
	})
}
