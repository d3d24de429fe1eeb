// Package cli holds the hand-written `amanahd tx trust` commands, which sign payloads with the
// acting DID's capabilityInvocation key, or print a council decision for a gov proposal.
package cli

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	"github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cobra"

	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/x/did/client/didsign"
	didtypes "github.com/amanah-id/amanah/x/did/types"
	"github.com/amanah-id/amanah/x/trust/types"
)

// Flag names of the tx commands.
const (
	FlagKey         = "key"
	FlagMethod      = "method"
	FlagCouncil     = "council"
	FlagID          = "id"
	FlagValidFrom   = "valid-from"
	FlagValidUntil  = "valid-until"
	FlagOperator    = "operator"
	FlagDisplayName = "display-name"
	FlagDescription = "description"
	FlagSD          = "sd"
	FlagClaims      = "claims"
	FlagVersion     = "registration-version"
	FlagStatus      = "status"
	FlagReason      = "reason"
	FlagSequence    = "history-length"
	FlagRPKey       = "rp-key"
	FlagRPMethod    = "rp-method"
	FlagAudience    = "audience"
	FlagForeign     = "foreign"
)

// GetTxCmd returns `tx trust` with register-type, accredit, revoke, suspend, reinstate and register-rp.
func GetTxCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        types.ModuleName,
		Short:                      "Trust registry transactions (signed with DID keys, or printed for a council proposal)",
		DisableFlagParsing:         true,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(RegisterTypeCmd(), AccreditCmd(),
		StatusCmd("revoke", types.ACCREDITATION_STATUS_REVOKED, "Revoke an accreditation for good (cuts off everything it accredited)"),
		StatusCmd("suspend", types.ACCREDITATION_STATUS_SUSPENDED, "Suspend an accreditation"),
		StatusCmd("reinstate", types.ACCREDITATION_STATUS_ACTIVE, "Reinstate a suspended accreditation"),
		RegisterRPCmd())
	return cmd
}

func addActorFlags(cmd *cobra.Command) {
	cmd.Flags().String(FlagKey, "", "private JWK file of the acting DID's capabilityInvocation key")
	cmd.Flags().String(FlagMethod, "", "DID URL of that key's verification method (did:amanah:...#key-1); its DID is the actor")
	cmd.Flags().Bool(FlagCouncil, false, "print the message as a council decision (gov authority signer, no DID signature) for `tx gov submit-proposal`")
	flags.AddTxFlagsToCmd(cmd)
}

// actor is who acts: the council (--council) or the DID of --method with the key of --key.
type actor struct {
	council bool
	did     string
	method  string
	key     keys.PrivateKey
}

func readActor(cmd *cobra.Command) (actor, error) {
	council, _ := cmd.Flags().GetBool(FlagCouncil)
	keyPath, _ := cmd.Flags().GetString(FlagKey)
	method, _ := cmd.Flags().GetString(FlagMethod)
	if council {
		if keyPath != "" || method != "" {
			return actor{}, fmt.Errorf("--%s takes no --%s or --%s", FlagCouncil, FlagKey, FlagMethod)
		}
		return actor{council: true}, nil
	}
	if keyPath == "" || method == "" {
		return actor{}, fmt.Errorf("--%s and --%s are required (or --%s)", FlagKey, FlagMethod, FlagCouncil)
	}
	u, err := didcore.ParseDIDURL(method)
	if err != nil || u.Fragment == "" {
		return actor{}, fmt.Errorf("--%s %q is not a DID URL with a fragment", FlagMethod, method)
	}
	priv, err := didsign.ReadKey(keyPath)
	if err != nil {
		return actor{}, fmt.Errorf("--%s %w", FlagKey, err)
	}
	return actor{did: u.DID().String(), method: method, key: priv}, nil
}

// govAuthority is the gov module account, the signer of council decisions.
func govAuthority() string { return authtypes.NewModuleAddress(govtypes.ModuleName).String() }

// finish prints a council decision, or signs the payload with the actor's key and broadcasts.
func finish(cmd *cobra.Command, clientCtx client.Context, a actor, msg sdk.Msg, payload proto.Message, setSigs func([]didtypes.DidSignature)) error {
	if a.council {
		bz, err := clientCtx.Codec.MarshalInterfaceJSON(msg)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(cmd.OutOrStdout(), string(bz))
		return err
	}
	cid, err := didsign.ChainID(cmd.Context(), clientCtx)
	if err != nil {
		return err
	}
	sigs, err := didsign.Sign(cid, msg, payload, a.method, a.key)
	if err != nil {
		return err
	}
	setSigs(sigs)
	return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
}

// txContext returns the client context; a council decision needs no --from.
func txContext(cmd *cobra.Command, a actor) (client.Context, string, error) {
	if a.council {
		clientCtx, err := client.GetClientQueryContext(cmd)
		return clientCtx, govAuthority(), err
	}
	clientCtx, err := client.GetClientTxContext(cmd)
	if err != nil {
		return clientCtx, "", err
	}
	if clientCtx.GetFromAddress().Empty() {
		return clientCtx, "", fmt.Errorf("--%s is required to pay the fee", flags.FlagFrom)
	}
	return clientCtx, clientCtx.GetFromAddress().String(), nil
}

// RegisterTypeCmd is `tx trust register-type [vct] [version] [schema.json]`.
func RegisterTypeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "register-type [vct] [version] [schema.json] --display-name NAME [--sd c1,c2] (--key k.jwk --method DIDURL | --council)",
		Short: "Register a version of a credential type with the JSON Schema of its claims",
		Args:  cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := readActor(cmd)
			if err != nil {
				return err
			}
			clientCtx, signer, err := txContext(cmd, a)
			if err != nil {
				return err
			}
			var version uint32
			if _, err := fmt.Sscan(args[1], &version); err != nil {
				return fmt.Errorf("version %q: %w", args[1], err)
			}
			schema, err := os.ReadFile(args[2])
			if err != nil {
				return err
			}
			name, _ := cmd.Flags().GetString(FlagDisplayName)
			desc, _ := cmd.Flags().GetString(FlagDescription)
			sd, _ := cmd.Flags().GetStringSlice(FlagSD)
			msg := &types.MsgRegisterCredentialType{Signer: signer, Payload: types.CredentialTypePayload{
				Vct: args[0], Version: version, Schema: string(schema), SelectivelyDisclosable: sd,
				DisplayName: name, Description: desc, Registrant: a.did,
			}}
			if err := msg.Payload.Validate(); err != nil {
				return err
			}
			if _, err := types.ValidateSchema(msg.Payload.Schema); err != nil {
				return err
			}
			return finish(cmd, clientCtx, a, msg, &msg.Payload, func(s []didtypes.DidSignature) { msg.Signatures = s })
		},
	}
	cmd.Flags().String(FlagDisplayName, "", "display name of the credential type")
	cmd.Flags().String(FlagDescription, "", "what the credential attests")
	cmd.Flags().StringSlice(FlagSD, nil, "claims that must be selectively disclosable (comma-separated)")
	addActorFlags(cmd)
	return cmd
}

// AccreditCmd is `tx trust accredit [accredited-did] [body|issuer] [vct,...]`.
func AccreditCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use: "accredit [accredited-did] [body|issuer] [vct,...] --valid-from RFC3339 --valid-until RFC3339 " +
			"[--id ID] [--operator ADDR] (--key k.jwk --method DIDURL | --council)",
		Short: "Accredit a DID as an accreditation body (council only) or an issuer of some credential types",
		Args:  cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := readActor(cmd)
			if err != nil {
				return err
			}
			clientCtx, signer, err := txContext(cmd, a)
			if err != nil {
				return err
			}
			var role types.Role
			switch strings.ToLower(args[1]) {
			case "body", "accreditation-body":
				role = types.ROLE_ACCREDITATION_BODY
			case "issuer":
				role = types.ROLE_ISSUER
			default:
				return fmt.Errorf("role %q: want body or issuer", args[1])
			}
			from, err := timeFlag(cmd, FlagValidFrom)
			if err != nil {
				return err
			}
			until, err := timeFlag(cmd, FlagValidUntil)
			if err != nil {
				return err
			}
			id, _ := cmd.Flags().GetString(FlagID)
			if id == "" {
				var b [8]byte
				if _, err := rand.Read(b[:]); err != nil {
					return err
				}
				id = "acc-" + hex.EncodeToString(b[:])
			}
			operator, _ := cmd.Flags().GetString(FlagOperator)
			msg := &types.MsgAccredit{Signer: signer, Payload: types.AccreditPayload{
				Id: id, Accreditor: a.did, Accredited: args[0], Role: role, Vcts: strings.Split(args[2], ","),
				ValidFrom: from, ValidUntil: until, Operator: operator,
			}}
			if err := msg.Payload.Validate(); err != nil {
				return err
			}
			return finish(cmd, clientCtx, a, msg, &msg.Payload, func(s []didtypes.DidSignature) { msg.Signatures = s })
		},
	}
	cmd.Flags().String(FlagID, "", "accreditation id (default: a random acc-<hex>)")
	cmd.Flags().String(FlagValidFrom, "", "start of validity, RFC 3339")
	cmd.Flags().String(FlagValidUntil, "", "end of validity (exclusive), RFC 3339")
	cmd.Flags().String(FlagOperator, "", "account of the accredited party to authorise as a writer")
	addActorFlags(cmd)
	return cmd
}

func timeFlag(cmd *cobra.Command, name string) (time.Time, error) {
	s, _ := cmd.Flags().GetString(name)
	if s == "" {
		return time.Time{}, fmt.Errorf("--%s is required", name)
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("--%s: %w", name, err)
	}
	return t.UTC(), nil
}

// StatusCmd is `tx trust revoke|suspend|reinstate [accreditation-id]`.
func StatusCmd(use string, st types.AccreditationStatus, short string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   use + " [accreditation-id] [--reason TEXT] (--key k.jwk --method DIDURL | --council)",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := readActor(cmd)
			if err != nil {
				return err
			}
			clientCtx, signer, err := txContext(cmd, a)
			if err != nil {
				return err
			}
			seq, _ := cmd.Flags().GetInt64(FlagSequence)
			if seq < 0 {
				res, err := types.NewQueryClient(clientCtx).Accreditation(cmd.Context(), &types.QueryAccreditationRequest{Id: args[0]})
				if err != nil {
					return fmt.Errorf("read accreditation %s (or pass --%s): %w", args[0], FlagSequence, err)
				}
				seq = int64(len(res.Accreditation.History))
			}
			reason, _ := cmd.Flags().GetString(FlagReason)
			msg := &types.MsgSetAccreditationStatus{Signer: signer, Payload: types.AccreditationStatusPayload{
				Id: args[0], Actor: a.did, Status: st, Reason: reason, Sequence: uint64(seq),
			}}
			if err := msg.Payload.Validate(); err != nil {
				return err
			}
			return finish(cmd, clientCtx, a, msg, &msg.Payload, func(s []didtypes.DidSignature) { msg.Signatures = s })
		},
	}
	cmd.Flags().String(FlagReason, "", "reason for the change")
	cmd.Flags().Int64(FlagSequence, -1, "the accreditation's history length (default: read from the node)")
	addActorFlags(cmd)
	return cmd
}

// RegisterRPCmd is `tx trust register-rp [did] [legal-name] [registration-number] --claims VCT=c1,c2`.
func RegisterRPCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use: "register-rp [did] [legal-name] [registration-number] --claims VCT=claim1,claim2 [--claims ...] " +
			"[--audience https://origin ...] [--registration-version N] [--status active|suspended|revoked] " +
			"[--rp-key party.jwk --rp-method DIDURL] (--key k.jwk --method DIDURL | --council)",
		Short: "Register or update a relying party, the claims it may request per credential type and its audiences",
		Long: "Register or update a relying party. An active registration (register, update, reinstate) lists the " +
			"audiences the party may bind challenges to (--audience, repeat: https://host[:port] or " +
			"decentralized_identifier:<its DID>) and is signed by the party itself with one of its capabilityInvocation " +
			"keys (--rp-key, --rp-method) as well as by the registrar (--key, --method) or printed for a council " +
			"proposal (--council). A suspension or revocation needs no party signature.",
		Args: cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := readActor(cmd)
			if err != nil {
				return err
			}
			clientCtx, signer, err := txContext(cmd, a)
			if err != nil {
				return err
			}
			specs, _ := cmd.Flags().GetStringArray(FlagClaims)
			var perms []types.ClaimPermission
			for _, s := range specs {
				vct, claims, ok := strings.Cut(s, "=")
				if !ok {
					return fmt.Errorf("--%s %q: want VCT=claim1,claim2", FlagClaims, s)
				}
				perms = append(perms, types.ClaimPermission{Vct: vct, Claims: strings.Split(claims, ",")})
			}
			version, _ := cmd.Flags().GetUint64(FlagVersion)
			stName, _ := cmd.Flags().GetString(FlagStatus)
			st, ok := types.RelyingPartyStatus_value["RELYING_PARTY_STATUS_"+strings.ToUpper(stName)]
			if !ok {
				return fmt.Errorf("--%s %q: want active, suspended or revoked", FlagStatus, stName)
			}
			auds, _ := cmd.Flags().GetStringArray(FlagAudience)
			foreign, err := parseForeign(cmd)
			if err != nil {
				return err
			}
			msg := &types.MsgRegisterRelyingParty{Signer: signer, Payload: types.RelyingPartyPayload{
				Did: args[0], LegalName: args[1], RegistrationNumber: args[2], Permissions: perms,
				Status: types.RelyingPartyStatus(st), Registrar: a.did, Version: version, Audiences: auds, Foreign: foreign,
			}}
			if err := msg.Payload.Validate(); err != nil {
				return err
			}
			party, err := readParty(cmd, args[0], msg.Payload.Status == types.RELYING_PARTY_STATUS_ACTIVE)
			if err != nil {
				return err
			}
			if party.key != nil {
				cid, err := didsign.ChainID(cmd.Context(), clientCtx)
				if err != nil {
					return err
				}
				if msg.RelyingPartySignatures, err = didsign.Sign(cid, msg, &msg.Payload, party.method, *party.key); err != nil {
					return err
				}
			}
			return finish(cmd, clientCtx, a, msg, &msg.Payload, func(s []didtypes.DidSignature) { msg.Signatures = s })
		},
	}
	cmd.Flags().StringArray(FlagClaims, nil, "VCT=claim1,claim2: claims the party may request of a credential type (repeat per type)")
	cmd.Flags().StringArray(FlagForeign, nil, "CHAIN_ID=VCT=claim1,claim2: opt in to a credential type of a recognised foreign ledger (repeat; none: nothing foreign)")
	cmd.Flags().Uint64(FlagVersion, 1, "registration version: 1 to register, current + 1 to update")
	cmd.Flags().String(FlagStatus, "active", "registration status: active, suspended or revoked")
	cmd.Flags().StringArray(FlagAudience, nil, "an audience the party may use: https://host[:port] or decentralized_identifier:<its DID> (repeat; at least one to be active)")
	cmd.Flags().String(FlagRPKey, "", "private JWK file of the relying party's own capabilityInvocation key (its consent; required to be active)")
	cmd.Flags().String(FlagRPMethod, "", "DID URL of that key's verification method (<the party's DID>#key-1)")
	addActorFlags(cmd)
	return cmd
}

// party is the relying party's own signing key (nil: it does not sign).
type party struct {
	method string
	key    *keys.PrivateKey
}

// readParty reads --rp-key and --rp-method: required when required (an active registration),
// else both or neither; the method must be one of did's.
func readParty(cmd *cobra.Command, did string, required bool) (party, error) {
	keyPath, _ := cmd.Flags().GetString(FlagRPKey)
	method, _ := cmd.Flags().GetString(FlagRPMethod)
	if keyPath == "" && method == "" && !required {
		return party{}, nil
	}
	if keyPath == "" || method == "" {
		return party{}, fmt.Errorf("--%s and --%s are required: an active registration is signed by the relying party %s", FlagRPKey, FlagRPMethod, did)
	}
	u, err := didcore.ParseDIDURL(method)
	if err != nil || u.Fragment == "" {
		return party{}, fmt.Errorf("--%s %q is not a DID URL with a fragment", FlagRPMethod, method)
	}
	if u.DID().String() != did {
		return party{}, fmt.Errorf("--%s %q is not a method of the relying party %s", FlagRPMethod, method, did)
	}
	priv, err := didsign.ReadKey(keyPath)
	if err != nil {
		return party{}, fmt.Errorf("--%s %w", FlagRPKey, err)
	}
	return party{method: method, key: &priv}, nil
}

// parseForeign reads the --foreign CHAIN_ID=VCT=claim1,claim2 opt-ins (the claims follow the
// last '=').
func parseForeign(cmd *cobra.Command) ([]types.ForeignAcceptance, error) {
	specs, _ := cmd.Flags().GetStringArray(FlagForeign)
	var out []types.ForeignAcceptance
	for _, s := range specs {
		chain, rest, ok := strings.Cut(s, "=")
		i := strings.LastIndex(rest, "=")
		if !ok || i <= 0 {
			return nil, fmt.Errorf("--%s %q: want CHAIN_ID=VCT=claim1,claim2", FlagForeign, s)
		}
		out = append(out, types.ForeignAcceptance{ChainId: chain, Vct: rest[:i], Claims: strings.Split(rest[i+1:], ",")})
	}
	return out, nil
}
