package registry_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/amanah-id/amanah/issuer/registry"
)

func TestFileFormats(t *testing.T) {
	csv := "id,given_name,birthdate,address.locality,address.country\n880412-14-5566,Aisyah,1990-04-12,Putrajaya,MY\nr2,Farid,,,\n"
	f, err := registry.ParseCSV([]byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.Record(context.Background(), "880412-14-5566")
	if err != nil || r["given_name"] != "Aisyah" || r["address"].(map[string]any)["locality"] != "Putrajaya" {
		t.Fatalf("%v %v", err, r)
	}
	if r2, _ := f.Record(context.Background(), "r2"); len(r2) != 1 {
		t.Fatalf("empty cells kept: %v", r2)
	}
	j, err := registry.ParseJSON([]byte(`[{"id":"a","given_name":"A","n":3}]`))
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := j.Record(context.Background(), "a"); r["n"] != float64(3) && r["n"] != int64(3) {
		t.Fatalf("%v", r)
	}
	if _, err := j.Record(context.Background(), "b"); !errors.Is(err, registry.ErrNoRecord) {
		t.Fatal(err)
	}
	for _, bad := range []string{`{"a":1}`, `[{"given_name":"x"}]`, `[{"id":"a"},{"id":"a"}]`, `{"a":{},"a":{}}`, `7`} {
		if _, err := registry.ParseJSON([]byte(bad)); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	for _, bad := range []string{"", "name\nx\n", "id,a\nx,1\nx,2\n", "id,a\n\"x\n"} {
		if _, err := registry.ParseCSV([]byte(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestHTTPRegistry(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer s3cret" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		switch r.URL.Path {
		case "/records/a%2Fb", "/records/a/b":
			_, _ = w.Write([]byte(`{"given_name":"A"}`))
		case "/records/dup":
			_, _ = w.Write([]byte(`{"x":1,"x":2}`))
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	defer srv.Close()
	h := &registry.HTTP{Base: srv.URL + "/records", Token: "s3cret"}
	ctx := context.Background()
	if r, err := h.Record(ctx, "a/b"); err != nil || r["given_name"] != "A" {
		t.Fatalf("%v %v", err, r)
	}
	if ok, err := h.Has(ctx, "zz"); err != nil || ok {
		t.Fatalf("%v %v", ok, err)
	}
	if _, err := h.Record(ctx, "zz"); !errors.Is(err, registry.ErrNoRecord) {
		t.Fatal(err)
	}
	if _, err := h.Record(ctx, "dup"); err == nil {
		t.Fatal("duplicate member accepted")
	}
	if _, err := (&registry.HTTP{Base: srv.URL + "/records"}).Record(ctx, "a/b"); err == nil {
		t.Fatal("no token: accepted")
	}
}

func FuzzParse(f *testing.F) {
	f.Add("id,a.b\nx,1\n")
	f.Add(`{"a":{"b":1}}`)
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = registry.ParseCSV([]byte(s))
		_, _ = registry.ParseJSON([]byte(s))
	})
}
