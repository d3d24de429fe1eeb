package cli

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/spf13/cobra"

	"github.com/amanah-id/amanah/x/did/types"
)

// Flag names of the query commands.
const (
	FlagVersionID   = "version-id"
	FlagVersionTime = "version-time"
)

// GetQueryCmd returns `q did` with resolve (autocli adds params and versions).
func GetQueryCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        types.ModuleName,
		Short:                      "DID registry queries",
		DisableFlagParsing:         true,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(ResolveCmd())
	return cmd
}

// ResolveCmd is `q did resolve <did> [--version-id ..] [--version-time ..]`.
func ResolveCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "resolve <did>",
		Short: "Resolve a DID; prints the W3C DID Resolution result as JSON",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			req := &types.QueryResolveRequest{Did: args[0]}
			req.VersionId, _ = cmd.Flags().GetString(FlagVersionID)
			if s, _ := cmd.Flags().GetString(FlagVersionTime); s != "" {
				t, err := time.Parse(time.RFC3339, s)
				if err != nil {
					return fmt.Errorf("--%s: %w", FlagVersionTime, err)
				}
				req.VersionTime = &t
			}
			res, err := types.NewQueryClient(clientCtx).Resolve(cmd.Context(), req)
			if err != nil {
				return err
			}
			out, err := json.MarshalIndent(res.Result(), "", "  ")
			if err != nil {
				return err
			}
			return clientCtx.PrintBytes(append(out, '\n'))
		},
	}
	cmd.Flags().String(FlagVersionID, "", "resolve this version")
	cmd.Flags().String(FlagVersionTime, "", "resolve the version valid at this time (RFC 3339)")
	flags.AddQueryFlagsToCmd(cmd)
	return cmd
}
