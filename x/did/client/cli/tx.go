// Package cli holds the hand-written `amanahd tx did` and `amanahd q did` commands.
package cli

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cobra"

	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/x/did/client/didsign"
	"github.com/amanah-id/amanah/x/did/types"
)

// Flag names of the tx commands.
const (
	FlagKey    = "key"
	FlagDoc    = "doc"
	FlagRetire = "retire"
)

// GetTxCmd returns `tx did` with create, update and deactivate.
func GetTxCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        types.ModuleName,
		Short:                      "DID registry transactions (signed with DID keys)",
		DisableFlagParsing:         true,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(CreateCmd(), UpdateCmd(), DeactivateCmd())
	return cmd
}

func addKeyFlags(cmd *cobra.Command) {
	cmd.Flags().StringArray(FlagKey, nil, "private JWK file of a signing key (repeat for several controllers)")
	flags.AddTxFlagsToCmd(cmd)
	_ = cmd.MarkFlagRequired(FlagKey)
	_ = cmd.MarkFlagRequired(flags.FlagFrom)
}

// CreateCmd is `tx did create --key key.jwk [--doc doc.json]`.
func CreateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "create --key key.jwk [--doc doc.json]",
		Short: "Create a did:amanah DID",
		Long: "Create a did:amanah DID. Without --doc the document has the first key as #key-1 in " +
			"authentication, assertionMethod and capabilityInvocation, and the id is computed from it.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			privs, err := readKeys(cmd)
			if err != nil {
				return err
			}
			qc := types.NewQueryClient(clientCtx)
			var doc *didcore.Document
			if path, _ := cmd.Flags().GetString(FlagDoc); path != "" {
				if doc, err = readDoc(path); err != nil {
					return err
				}
			} else {
				p, err := qc.Params(cmd.Context(), &types.QueryParamsRequest{})
				if err != nil {
					return fmt.Errorf("query did params: %w", err)
				}
				doc = types.NewDocument(p.Params.Network, privs[0].Public())
			}
			docJSON, err := doc.MarshalJSON()
			if err != nil {
				return err
			}
			docs := []*didcore.Document{doc}
			ext, err := fetchControllers(cmd.Context(), qc, doc.ID, types.Controllers(doc), nil)
			if err != nil {
				return err
			}
			msg := &types.MsgCreateDid{Signer: clientCtx.GetFromAddress().String(), Payload: types.CreateDidPayload{Document: docJSON}}
			if msg.Signatures, err = signAll(cmd.Context(), clientCtx, msg, &msg.Payload, privs, append(docs, ext...)); err != nil {
				return err
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	cmd.Flags().String(FlagDoc, "", "DID document JSON file (default: a document of the first key)")
	addKeyFlags(cmd)
	return cmd
}

// UpdateCmd is `tx did update --key key.jwk --doc doc.json`.
func UpdateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "update --key key.jwk --doc doc.json [--retire <method-id>[@<RFC3339 time>]]...",
		Short: "Replace a DID's document with a new version (signed by every controller)",
		Long: "Replace a DID's document with a new version (signed by every controller).\n\n" +
			"An assertionMethod key the new document drops is taken as compromised: verifiers refuse every " +
			"credential it signed. --retire records instead that the key was retired in good standing and " +
			"when it stopped issuing (credentials it signed before that time stay valid). The time defaults " +
			"to the chain's latest block time.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			privs, err := readKeys(cmd)
			if err != nil {
				return err
			}
			path, _ := cmd.Flags().GetString(FlagDoc)
			doc, err := readDoc(path)
			if err != nil {
				return err
			}
			qc := types.NewQueryClient(clientCtx)
			cur, versionID, err := didsign.Resolve(cmd.Context(), qc, doc.ID)
			if err != nil {
				return err
			}
			// The documents whose capabilityInvocation keys the chain asks for: the current
			// controllers' and those of the controllers the update adds.
			curCtl := types.Controllers(cur)
			docs := []*didcore.Document{cur}
			ext, err := fetchControllers(cmd.Context(), qc, doc.ID, curCtl, nil)
			if err != nil {
				return err
			}
			docs = append(docs, ext...)
			skip := map[string]bool{}
			for _, c := range curCtl {
				skip[c] = true
			}
			if !skip[doc.ID] {
				docs = append(docs, doc)
			}
			ext, err = fetchControllers(cmd.Context(), qc, doc.ID, types.Controllers(doc), skip)
			if err != nil {
				return err
			}
			docs = append(docs, ext...)
			docJSON, err := doc.MarshalJSON()
			if err != nil {
				return err
			}
			specs, _ := cmd.Flags().GetStringArray(FlagRetire)
			var retired []types.RetiredKey
			if len(specs) > 0 {
				if retired, err = ParseRetire(specs, func() (time.Time, error) { return latestBlockTime(cmd.Context(), clientCtx) }); err != nil {
					return err
				}
			}
			msg := &types.MsgUpdateDid{Signer: clientCtx.GetFromAddress().String(),
				Payload: types.UpdateDidPayload{Did: doc.ID, Document: docJSON, PreviousVersionId: versionID, RetiredKeys: retired}}
			if msg.Signatures, err = signAll(cmd.Context(), clientCtx, msg, &msg.Payload, privs, docs); err != nil {
				return err
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	cmd.Flags().String(FlagDoc, "", "the new DID document JSON file")
	cmd.Flags().StringArray(FlagRetire, nil, "an assertionMethod id (#key-1 or a DID URL) the new document drops, "+
		"retired in good standing, optionally @<RFC3339 time> it stopped issuing (default: latest block time); repeatable")
	_ = cmd.MarkFlagRequired(FlagDoc)
	addKeyFlags(cmd)
	return cmd
}

// DeactivateCmd is `tx did deactivate <did> --key key.jwk`.
func DeactivateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "deactivate <did> --key key.jwk",
		Short: "Deactivate a DID for good (signed by every controller)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			privs, err := readKeys(cmd)
			if err != nil {
				return err
			}
			qc := types.NewQueryClient(clientCtx)
			cur, versionID, err := didsign.Resolve(cmd.Context(), qc, args[0])
			if err != nil {
				return err
			}
			ext, err := fetchControllers(cmd.Context(), qc, cur.ID, types.Controllers(cur), nil)
			if err != nil {
				return err
			}
			msg := &types.MsgDeactivateDid{Signer: clientCtx.GetFromAddress().String(),
				Payload: types.DeactivateDidPayload{Did: cur.ID, PreviousVersionId: versionID}}
			if msg.Signatures, err = signAll(cmd.Context(), clientCtx, msg, &msg.Payload, privs, append([]*didcore.Document{cur}, ext...)); err != nil {
				return err
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	addKeyFlags(cmd)
	return cmd
}

// readKeys reads the --key files.
func readKeys(cmd *cobra.Command) ([]keys.PrivateKey, error) {
	paths, _ := cmd.Flags().GetStringArray(FlagKey)
	if len(paths) == 0 {
		return nil, fmt.Errorf("--%s is required", FlagKey)
	}
	return didsign.ReadKeys(paths)
}

func readDoc(path string) (*didcore.Document, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	doc, err := didcore.ParseDocument(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return doc, nil
}

// fetchControllers resolves the controllers in cs other than self and those in skip.
func fetchControllers(ctx context.Context, qc types.QueryClient, self string, cs []string, skip map[string]bool) ([]*didcore.Document, error) {
	var out []*didcore.Document
	for _, c := range cs {
		if c == self || skip[c] {
			continue
		}
		doc, _, err := didsign.Resolve(ctx, qc, c)
		if err != nil {
			return nil, fmt.Errorf("controller: %w", err)
		}
		out = append(out, doc)
	}
	return out, nil
}

// signAll signs payload, the payload of msg, with every --key, once for each
// capabilityInvocation method of docs that holds it.
func signAll(ctx context.Context, clientCtx client.Context, msg sdk.Msg, payload proto.Message, privs []keys.PrivateKey, docs []*didcore.Document) ([]types.DidSignature, error) {
	chainID, err := didsign.ChainID(ctx, clientCtx)
	if err != nil {
		return nil, err
	}
	sigs, err := didsign.SignAll(chainID, msg, payload, privs, docs, didcore.CapabilityInvocation)
	if err != nil {
		return nil, fmt.Errorf("--%w", err)
	}
	return sigs, nil
}

// ParseRetire turns --retire values, <method-id>[@<RFC3339 time>], into retired keys; a value
// without a time gets now() (once). The id is everything before the last '@' when what follows
// it is an RFC 3339 time, else the whole value.
func ParseRetire(specs []string, now func() (time.Time, error)) ([]types.RetiredKey, error) {
	out := make([]types.RetiredKey, 0, len(specs))
	var def *time.Time
	for _, spec := range specs {
		id, at := spec, time.Time{}
		if i := strings.LastIndexByte(spec, '@'); i >= 0 {
			if t, err := time.Parse(time.RFC3339Nano, spec[i+1:]); err == nil {
				id, at = spec[:i], t.UTC()
			}
		}
		if id == "" {
			return nil, fmt.Errorf("--%s %q: empty method id", FlagRetire, spec)
		}
		if at.IsZero() {
			if def == nil {
				t, err := now()
				if err != nil {
					return nil, fmt.Errorf("--%s %q without a time: %w", FlagRetire, spec, err)
				}
				def = &t
			}
			at = *def
		}
		out = append(out, types.RetiredKey{Id: id, RetiredAt: at})
	}
	return out, nil
}

// latestBlockTime is the connected node's latest block time in whole seconds: "now" as the
// chain sees it, never after the time of the block that will include the update.
func latestBlockTime(ctx context.Context, clientCtx client.Context) (time.Time, error) {
	node, err := clientCtx.GetNode()
	if err != nil {
		return time.Time{}, fmt.Errorf("no node to read the block time from (give the time explicitly): %w", err)
	}
	st, err := node.Status(ctx)
	if err != nil {
		return time.Time{}, fmt.Errorf("node status: %w", err)
	}
	return st.SyncInfo.LatestBlockTime.UTC().Truncate(time.Second), nil
}
