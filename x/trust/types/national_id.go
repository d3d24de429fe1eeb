package types

import _ "embed" // the national id schema file

// NationalIDSchema is the JSON Schema of the national identity credential's claims
// (NationalIDVCT), the committed file national-id.schema.json. cmd/amanah-demo registers it,
// docs/trust-registry.md's walkthrough registers the same file (docs/walkthrough_test.go runs
// that walkthrough).
//
//go:embed national-id.schema.json
var NationalIDSchema string

// NationalIDClaims are the national id schema's claim names, every one selectively
// disclosable (age_over_18 and age_over_21 are the predicates an issuer derives from birthdate).
var NationalIDClaims = []string{
	"given_name", "family_name", "birthdate", "nationality", "document_number", "address",
	"age_over_18", "age_over_21",
}
