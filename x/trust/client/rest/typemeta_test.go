package rest_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gorilla/mux"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/amanah-id/amanah/credential/typemeta"
	"github.com/amanah-id/amanah/x/trust/client/rest"
	"github.com/amanah-id/amanah/x/trust/types"
)

type fakeQuery struct {
	types.QueryClient
	ct types.CredentialType
}

func (f *fakeQuery) CredentialTypes(context.Context, *types.QueryCredentialTypesRequest, ...grpc.CallOption) (*types.QueryCredentialTypesResponse, error) {
	return &types.QueryCredentialTypesResponse{CredentialTypes: []types.CredentialType{f.ct}}, nil
}

func (f *fakeQuery) CredentialType(_ context.Context, r *types.QueryCredentialTypeRequest, _ ...grpc.CallOption) (*types.QueryCredentialTypeResponse, error) {
	if r.Vct != f.ct.Vct {
		return nil, status.Error(codes.NotFound, "no such type")
	}
	return &types.QueryCredentialTypeResponse{CredentialType: f.ct}, nil
}

// The vct path and the query form serve credential/typemeta's bytes; other paths fall through.
func TestTypeMetadataRoutes(t *testing.T) {
	q := &fakeQuery{ct: types.CredentialType{Vct: types.NationalIDVCT, Version: 1, Schema: types.NationalIDSchema,
		SelectivelyDisclosable: types.NationalIDClaims, DisplayName: "National identity credential"}}
	r := mux.NewRouter()
	rest.RegisterRoutes(r, q)
	r.PathPrefix("/").HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })
	srv := httptest.NewServer(r)
	defer srv.Close()
	md, _ := typemeta.Build(typemeta.Type{Vct: q.ct.Vct, DisplayName: q.ct.DisplayName, Schema: q.ct.Schema, SelectivelyDisclosable: q.ct.SelectivelyDisclosable})
	want, _ := md.Bytes()
	for _, c := range []struct {
		path string
		code int
	}{
		{"/credentials/national-id", 200},
		{"/amanah/trust/v1/type-metadata?vct=https%3A%2F%2Famanah.gov.example%2Fcredentials%2Fnational-id", 200},
		{"/amanah/trust/v1/type-metadata?vct=https%3A%2F%2Fother.example%2Fx", 404},
		{"/amanah/trust/v1/type-metadata", 400},
		{"/credentials/passport", http.StatusTeapot},
		{"/cosmos/base/tendermint/v1beta1/blocks/latest", http.StatusTeapot},
	} {
		resp, err := http.Get(srv.URL + c.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.code || c.code == 200 && string(b) != string(want) {
			t.Errorf("%s: %d %s", c.path, resp.StatusCode, b)
		}
	}
}
