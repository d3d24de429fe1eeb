package types_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/amanah-id/amanah/x/trust/types"
)

const audRP = "did:amanah:test:bank"

func TestValidateAudience(t *testing.T) {
	ok := []string{
		"https://checkout.bank.example",
		"https://bank.example:8443",
		"https://localhost:1",
		"https://127.0.0.1:65535",
		"https://xn--bcher-kva.example",
		"https://a-b.c1.example",
		"decentralized_identifier:" + audRP,
	}
	for _, a := range ok {
		require.NoError(t, types.ValidateAudience(audRP, a), a)
	}
	bad := map[string]string{
		"empty":                    "",
		"over the length bound":    "https://" + strings.Repeat("a.", 130) + "example",
		"plain http":               "http://checkout.bank.example",
		"no scheme":                "checkout.bank.example",
		"upper-case scheme":        "HTTPS://checkout.bank.example",
		"upper-case host":          "https://Checkout.bank.example",
		"trailing slash":           "https://checkout.bank.example/",
		"path":                     "https://checkout.bank.example/pay",
		"query":                    "https://checkout.bank.example?x=1",
		"fragment":                 "https://checkout.bank.example#x",
		"user info":                "https://user@checkout.bank.example",
		"default port":             "https://checkout.bank.example:443",
		"port zero":                "https://checkout.bank.example:0",
		"leading zero port":        "https://checkout.bank.example:0443",
		"port too big":             "https://checkout.bank.example:65536",
		"empty port":               "https://checkout.bank.example:",
		"port with path":           "https://checkout.bank.example:8443/x",
		"two ports":                "https://checkout.bank.example:1:2",
		"empty host":               "https://",
		"empty label":              "https://checkout..example",
		"trailing dot":             "https://checkout.bank.example.",
		"label starts with dash":   "https://-bank.example",
		"label ends with dash":     "https://bank-.example",
		"label over 63":            "https://" + strings.Repeat("a", 64) + ".example",
		"ipv6 literal":             "https://[::1]:8443",
		"underscore":               "https://my_bank.example",
		"space":                    "https://bank .example",
		"unicode host":             "https://bücher.example",
		"nul":                      "https://bank.example\x00",
		"other DID's client id":    "decentralized_identifier:did:amanah:test:rogue",
		"client id with fragment":  "decentralized_identifier:" + audRP + "#key-1",
		"client id without DID":    "decentralized_identifier:",
		"other client id prefix":   "redirect_uri:https://checkout.bank.example",
		"x509 client id":           "x509_san_dns:checkout.bank.example",
		"bare DID":                 audRP,
		"wildcard host":            "https://*.bank.example",
		"scheme-relative":          "//checkout.bank.example",
		"https with no separators": "https:checkout.bank.example",
	}
	for name, a := range bad {
		t.Run(name, func(t *testing.T) {
			require.ErrorIs(t, types.ValidateAudience(audRP, a), types.ErrInvalidAudience, "%q", a)
		})
	}
	require.ErrorIs(t, types.ValidateAudience("", "decentralized_identifier:"), types.ErrInvalidAudience)
}

func TestValidateAudiences(t *testing.T) {
	a := "https://checkout.bank.example"
	require.NoError(t, types.ValidateAudiences(audRP, []string{a}, true))
	require.NoError(t, types.ValidateAudiences(audRP, nil, false))
	require.ErrorIs(t, types.ValidateAudiences(audRP, nil, true), types.ErrInvalidAudience)
	require.ErrorIs(t, types.ValidateAudiences(audRP, []string{a, a}, true), types.ErrInvalidAudience)
	many := make([]string, types.MaxAudiences+1)
	for i := range many {
		many[i] = "https://a" + strings.Repeat("b", i) + ".example"
	}
	require.NoError(t, types.ValidateAudiences(audRP, many[:types.MaxAudiences], true))
	require.ErrorIs(t, types.ValidateAudiences(audRP, many, true), types.ErrInvalidAudience)
}

// FuzzValidateAudience checks that audience validation never panics and that what it accepts
// is the relying party's client id or an https origin that net/url parses back to the same
// scheme and host with nothing else, and that serialises to the same string.
func FuzzValidateAudience(f *testing.F) {
	for _, s := range []string{"https://checkout.bank.example", "https://bank.example:8443", "decentralized_identifier:" + audRP,
		"https://a.example:443", "https://a.example/", "https://u@a.example", "https://[::1]", "https://A.example", "http://a.example",
		"https://a.example:99999", "https://a..example", "decentralized_identifier:did:amanah:test:x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, aud string) {
		if types.ValidateAudience(audRP, aud) != nil {
			return
		}
		if len(aud) > types.MaxAudienceLength {
			t.Fatalf("accepted %d bytes", len(aud))
		}
		if rest, ok := strings.CutPrefix(aud, types.AudienceDIDPrefix); ok {
			if rest != audRP {
				t.Fatalf("accepted client id %q", aud)
			}
			return
		}
		u, err := url.Parse(aud)
		if err != nil {
			t.Fatalf("accepted %q that net/url rejects: %v", aud, err)
		}
		if u.Scheme != "https" || u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" ||
			u.ForceQuery || u.Port() == "443" || strings.ToLower(u.Host) != u.Host || u.String() != aud {
			t.Fatalf("accepted %q: %#v", aud, u)
		}
	})
}
