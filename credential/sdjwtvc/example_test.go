package sdjwtvc_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/credential/sdjwt"
	"github.com/amanah-id/amanah/credential/sdjwtvc"
	"github.com/amanah-id/amanah/keys"
)

// Example issues a credential, presents two claims with key binding and verifies it.
func Example() {
	ctx := context.Background()
	issuerKey, _ := keys.Generate(keys.Ed25519)
	holderKey, _ := keys.Generate(keys.Ed25519)
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

	is := &sdjwtvc.Issuer{DID: "did:amanah:my:jpn", KeyID: "did:amanah:my:jpn#assert-1",
		Signer: jws.NewKeySigner(issuerKey), Now: func() time.Time { return now }}
	issued, _ := is.Issue(ctx, sdjwtvc.Credential{
		VCT:    "https://amanah.example/vct/pid/1",
		Claims: map[string]any{"given_name": "Siti", "birthdate": "2006-08-17", "address": map[string]any{"locality": "Kuala Lumpur", "street_address": "12 Jalan Ampang"}},
		Holder: holderKey.Public(),
	})

	wallet, _ := sdjwt.Parse(issued)
	vp, _ := wallet.Present(ctx, []string{"age_over_18", "address.locality"},
		&sdjwt.KeyBinding{Signer: jws.NewKeySigner(holderKey), Nonce: "n-123", Audience: "did:amanah:my:bank", IssuedAt: now})

	v := &sdjwtvc.Verifier{
		Resolver: sdjwtvc.IssuerKeyResolverFunc(func(_ context.Context, iss, kid string, _ time.Time) (keys.PublicKey, error) {
			if kid != "did:amanah:my:jpn#assert-1" {
				return keys.PublicKey{}, sdjwtvc.ErrUnknownKey
			}
			return issuerKey.Public(), nil
		}),
		Options: sdjwt.Options{Now: func() time.Time { return now.Add(time.Minute) }},
	}
	res, err := v.Verify(ctx, vp, sdjwtvc.Challenge{Nonce: "n-123", Audience: "did:amanah:my:bank"})
	fmt.Println(err, res.Issuer, res.Claims["age_over_18"], res.Claims["address"], res.Claims["given_name"])

	_, err = v.Verify(ctx, vp, sdjwtvc.Challenge{Nonce: "n-456", Audience: "did:amanah:my:bank"})
	var ve *sdjwt.VerifyError
	fmt.Println(errors.As(err, &ve), ve.Reason)
	// Output:
	// <nil> did:amanah:my:jpn true map[locality:Kuala Lumpur] <nil>
	// true nonce_mismatch
}
