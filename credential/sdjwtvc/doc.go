// Package sdjwtvc issues and verifies SD-JWT Verifiable Credentials
// (draft-ietf-oauth-sd-jwt-vc) as Amanah uses them: header typ dc+sd-jwt
// (vc+sd-jwt accepted), kid the DID URL of the issuer's assertionMethod key,
// payload iss (issuer DID), vct, iat/nbf/exp, cnf.jwk (holder key) and
// status.status_list{idx, uri}, with every personal claim selectively
// disclosable and age_over_N predicates computed from birthdate at issuance.
//
// Issuer keys are found through IssuerKeyResolver (backed by x/did in the
// verifier service). Accreditation (x/trust) and status (x/status) checks are
// the caller's: Verify returns iss, vct, iat and the status reference for them.
package sdjwtvc
