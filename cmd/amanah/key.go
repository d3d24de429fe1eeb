package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/keys"
)

// keyTypes maps --type values to curves.
var keyTypes = map[string]keys.Curve{
	"ed25519":   keys.Ed25519,
	"p256":      keys.P256,
	"p-256":     keys.P256,
	"secp256k1": keys.Secp256k1,
}

func newKeyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "key",
		Short: "Generate signing keys and show their public forms and DIDs",
	}
	cmd.AddCommand(newKeyNewCmd(), newKeyDIDCmd(), newKeyPubCmd(), newKeyDIDJWKCmd())
	return cmd
}

func newKeyNewCmd() *cobra.Command {
	var typ, out string
	var force bool
	cmd := &cobra.Command{
		Use:   "new --type ed25519|p256|secp256k1 --out key.jwk",
		Short: "Generate a private key and write it as a JWK (mode 0600)",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, ok := keyTypes[strings.ToLower(typ)]
			if !ok {
				return fmt.Errorf("unknown key type %q: use ed25519, p256 or secp256k1", typ)
			}
			if out == "" {
				return fmt.Errorf("--out is required (the private key is never printed)")
			}
			k, err := keys.Generate(c)
			if err != nil {
				return err
			}
			jwk, err := k.JWK()
			if err != nil {
				return err
			}
			if err := writeOutput(cmd, out, append(jwk, '\n'), force); err != nil {
				return err
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&typ, "type", "ed25519", "key type: ed25519, p256 or secp256k1")
	cmd.Flags().StringVar(&out, "out", "", "file to write the private JWK to (required)")
	cmd.Flags().BoolVar(&force, "force", false, "replace an existing file")
	return cmd
}

func newKeyDIDCmd() *cobra.Command {
	var network string
	cmd := &cobra.Command{
		Use:   "did <key.jwk> --network <network>",
		Short: "Print the did:amanah a key would create (its initial capabilityInvocation key)",
		Args:  exactArgs(1, "one key file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !didcore.ValidNetwork(network) {
				return fmt.Errorf("invalid network %q", network)
			}
			pub, err := loadPublicKey("key", args[0])
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), didcore.AmanahDID(network, pub))
			return nil
		},
	}
	cmd.Flags().StringVar(&network, "network", "local", "network name from genesis (e.g. local)")
	return cmd
}

func newKeyPubCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "pub <key.jwk>",
		Short: "Print the public JWK of a key",
		Args:  exactArgs(1, "one key file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			pub, err := loadPublicKey("key", args[0])
			if err != nil {
				return err
			}
			jwk, err := pub.JWK()
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), string(jwk))
			return nil
		},
	}
}

func newKeyDIDJWKCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "didjwk <key.jwk>",
		Short: "Print the did:jwk of a key",
		Args:  exactArgs(1, "one key file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			pub, err := loadPublicKey("key", args[0])
			if err != nil {
				return err
			}
			did, err := keys.DIDJWK(pub)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), did)
			return nil
		},
	}
}
