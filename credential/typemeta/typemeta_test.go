package typemeta_test

import (
	"strings"
	"testing"

	"github.com/amanah-id/amanah/credential/typemeta"
)

func TestBuild(t *testing.T) {
	ty := typemeta.Type{Vct: "https://x.example/credentials/id", DisplayName: "ID", Description: "d",
		Schema:                 `{"type":"object","properties":{"given_name":{"type":"string"},"internal_ref":{"type":"string"}}}`,
		SelectivelyDisclosable: []string{"given_name"}}
	a, err := typemeta.Build(ty)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := typemeta.Build(ty)
	ab, _ := a.Bytes()
	bb, _ := b.Bytes()
	if string(ab) != string(bb) || typemeta.Integrity(ab) != typemeta.Integrity(bb) || !strings.HasPrefix(typemeta.Integrity(ab), "sha256-") {
		t.Fatal("not deterministic")
	}
	if len(a.Claims) != 2 || a.Claims[0].Path[0] != "given_name" || a.Claims[0].SD != "always" || a.Claims[1].SD != "never" ||
		a.Claims[0].Display[0].Label != "Given name" {
		t.Fatalf("%+v", a.Claims)
	}
	if typemeta.Path(ty.Vct) != "/credentials/id" || typemeta.Path("urn:x") != "" {
		t.Fatal("path")
	}
	if _, err := typemeta.Build(typemeta.Type{Vct: "v", Schema: "{"}); err == nil {
		t.Fatal("bad schema accepted")
	}
}
