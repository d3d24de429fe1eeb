package types_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/amanah-id/amanah/x/trust/types"
)

func TestValidateSchema(t *testing.T) {
	cases := []struct {
		name   string
		schema string
		claims []string
		expErr error
	}{
		{"claims", `{"type":"object","properties":{"b":{"type":"string"},"a":{"type":"boolean"}}}`, []string{"a", "b"}, nil},
		{"local $ref", `{"type":"object","properties":{"a":{"$ref":"#/$defs/x"}},"$defs":{"x":{"type":"string"}}}`, []string{"a"}, nil},
		{"draft-07", `{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"a":{"type":"string"}}}`, []string{"a"}, nil},
		{"not JSON", `{`, nil, types.ErrInvalidSchema},
		{"not an object", `true`, nil, types.ErrInvalidSchema},
		{"no properties", `{"type":"object"}`, nil, types.ErrInvalidSchema},
		{"not of an object", `{"type":"string","properties":{"a":{}}}`, nil, types.ErrInvalidSchema},
		{"bad keyword value", `{"type":"object","properties":{"a":{"minLength":-1}}}`, nil, types.ErrInvalidSchema},
		{"bad regex", `{"type":"object","properties":{"a":{"pattern":"(["}}}`, nil, types.ErrInvalidSchema},
		{"reserved claim", `{"type":"object","properties":{"_sd":{}}}`, nil, types.ErrInvalidSchema},
		{"too deep", `{"type":"object","properties":{"a":` + strings.Repeat(`{"items":`, 40) + `{}` + strings.Repeat(`}`, 40) + `}}`, nil, types.ErrInvalidSchema},
		{"remote $ref", `{"type":"object","properties":{"a":{"$ref":"https://example.com/s.json"}}}`, nil, types.ErrSchemaRemoteRef},
		{"file $ref", `{"type":"object","properties":{"a":{"$ref":"file:///etc/passwd"}}}`, nil, types.ErrSchemaRemoteRef},
		{"relative $ref", `{"type":"object","properties":{"a":{"$ref":"other.json"}}}`, nil, types.ErrSchemaRemoteRef},
		{"unknown $schema", `{"$schema":"https://example.com/meta","type":"object","properties":{"a":{}}}`, nil, types.ErrSchemaRemoteRef},
		{"too large", `{"type":"object","properties":{"a":{"description":"` + strings.Repeat("x", types.MaxSchemaBytes) + `"}}}`, nil, types.ErrSchemaTooLarge},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			claims, err := types.ValidateSchema(tc.schema)
			if tc.expErr != nil {
				require.ErrorIs(t, err, tc.expErr, "got %v", err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.claims, claims)
		})
	}
}

func TestValidateVCT(t *testing.T) {
	require.NoError(t, types.ValidateVCT(types.NationalIDVCT))
	require.NoError(t, types.ValidateVCT("urn:amanah:credential:test"))
	for _, bad := range []string{"", "national-id", "https://x.example/a#frag", "https://x.example/a b", strings.Repeat("a", 300)} {
		require.Error(t, types.ValidateVCT(bad), bad)
	}
}

func TestValidateSchemaDuplicateMembers(t *testing.T) {
	for _, s := range []string{
		`{"type":"object","properties":{"a":{}},"properties":{"b":{}}}`,
		`{"type":"object","properties":{"a":{"type":"string"},"a":{"type":"boolean"}}}`,
		`{"type":"object","properties":{"a":{"enum":[{"x":1,"x":2}]}}}`,
	} {
		_, err := types.ValidateSchema(s)
		require.ErrorIs(t, err, types.ErrInvalidSchema, s)
	}
	_, err := types.ValidateSchema(`{"type":"object","properties":{"a":{"properties":{"a":{}}},"b":{"enum":[{"a":1},{"a":2}]}}}`)
	require.NoError(t, err, "equal names in different objects are fine")
}
