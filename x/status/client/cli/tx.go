// Package cli holds the issuer commands of the status module: they sign payloads with a DID
// key file, which autocli cannot do.
package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cobra"

	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/statuslist"
	"github.com/amanah-id/amanah/x/did/client/didsign"
	didtypes "github.com/amanah-id/amanah/x/did/types"
	"github.com/amanah-id/amanah/x/status/types"
)

// Flag names of the issuer commands.
const (
	FlagKey         = "key"
	FlagDID         = "did"
	FlagMethod      = "method"
	FlagPurpose     = "purpose"
	FlagSize        = "size"
	FlagFile        = "file"
	FlagDIDSequence = "did-sequence"
)

// NewTxCmd returns `tx status` with create, revoke, suspend and reinstate.
func NewTxCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        types.ModuleName,
		Short:                      "Status-list transactions (issuers)",
		DisableFlagParsing:         true,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(newCreateCmd(),
		newUpdateCmd(types.OpRevoke, "Revoke entries of a list"),
		newUpdateCmd(types.OpSuspend, "Suspend entries of a list"),
		newUpdateCmd(types.OpReinstate, "Reinstate (set valid) entries of a list"),
	)
	return cmd
}

func addSigningFlags(cmd *cobra.Command) {
	cmd.Flags().String(FlagKey, "", "private JWK file of the issuer's assertionMethod key (required)")
	cmd.Flags().String(FlagMethod, "", "verification method id of the key (default: the DID's first assertionMethod with this key)")
	cmd.Flags().Int64(FlagDIDSequence, -1, "payload sequence (default: query the chain)")
	_ = cmd.MarkFlagRequired(FlagKey)
	flags.AddTxFlagsToCmd(cmd)
}

func newCreateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "create --did <issuer-did> --purpose revocation|suspension|status --size <entries> --key <jwk> --from <account>",
		Short: "Create a status list owned by an issuer DID",
		Example: "amanahd tx status create --key issuer.jwk --did did:amanah:local:4Vb... --purpose revocation " +
			"--size 131072 --from acct",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			owner, _ := cmd.Flags().GetString(FlagDID)
			if err := types.ValidateOwner(owner); err != nil {
				return err
			}
			ps, _ := cmd.Flags().GetString(FlagPurpose)
			purpose, err := types.ParsePurpose(ps)
			if err != nil {
				return err
			}
			size, _ := cmd.Flags().GetUint32(FlagSize)
			if err := types.ValidateParams(purpose, size); err != nil {
				return err
			}
			s, err := newSigner(cmd, clientCtx, owner)
			if err != nil {
				return err
			}
			msg := &types.MsgCreateStatusList{Signer: clientCtx.GetFromAddress().String(),
				Payload: &types.CreateStatusListPayload{Owner: owner, Purpose: purpose, Size_: size, Sequence: s.seq}}
			if msg.Signatures, err = s.sign(cmd.Context(), clientCtx, msg, msg.Payload); err != nil {
				return err
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	cmd.Flags().String(FlagDID, "", "owner (issuer) DID (required)")
	cmd.Flags().String(FlagPurpose, "revocation", "revocation, suspension or status (2-bit valid/revoked/suspended)")
	cmd.Flags().Uint32(FlagSize, statuslist.MinSize, "number of entries: 131072 to 16777216, whole 4 KiB pages")
	_ = cmd.MarkFlagRequired(FlagDID)
	addSigningFlags(cmd)
	return cmd
}

func newUpdateCmd(op types.Operation, short string) *cobra.Command {
	cmd := &cobra.Command{
		Use:     string(op) + " <list-id> [<index>[,<index>...]] [--file indices.txt] --key <jwk> --from <account>",
		Short:   short,
		Example: fmt.Sprintf("amanahd tx status %s 7 1042,99017 --key issuer.jwk --from acct", op),
		Args:    cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			id, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("list id %q: %w", args[0], err)
			}
			var indices []uint32
			if len(args) == 2 {
				if indices, err = ParseIndices(strings.NewReader(args[1])); err != nil {
					return err
				}
			}
			if path, _ := cmd.Flags().GetString(FlagFile); path != "" {
				more, err := readIndexFile(path)
				if err != nil {
					return err
				}
				indices = append(indices, more...)
			}
			if len(indices) == 0 {
				return errors.New("no indices: give them as an argument or with --file")
			}
			res, err := types.NewQueryClient(clientCtx).List(cmd.Context(), &types.QueryListRequest{ListId: id})
			if err != nil {
				return fmt.Errorf("list %d: %w", id, err)
			}
			value, err := res.List.Purpose.ValueFor(op)
			if err != nil {
				return err
			}
			s, err := newSigner(cmd, clientCtx, res.List.Owner)
			if err != nil {
				return err
			}
			values := make([]byte, len(indices))
			for i := range values {
				values[i] = value
			}
			msg := &types.MsgUpdateStatusList{Signer: clientCtx.GetFromAddress().String(),
				Payload: &types.UpdateStatusListPayload{ListId: id, Sequence: s.seq, Indices: indices, Values: values}}
			if msg.Signatures, err = s.sign(cmd.Context(), clientCtx, msg, msg.Payload); err != nil {
				return err
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	cmd.Flags().String(FlagFile, "", "file of indices (separated by commas, spaces or newlines; # starts a comment)")
	addSigningFlags(cmd)
	return cmd
}

// ParseIndices reads list indices separated by commas, whitespace or newlines; '#' starts a comment.
func ParseIndices(r io.Reader) ([]uint32, error) {
	var out []uint32
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	for line := 1; sc.Scan(); line++ {
		text, _, _ := strings.Cut(sc.Text(), "#")
		for _, f := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\r' }) {
			v, err := strconv.ParseUint(f, 10, 32)
			if err != nil {
				return nil, fmt.Errorf("line %d: index %q: %w", line, f, err)
			}
			out = append(out, uint32(v))
		}
	}
	return out, sc.Err()
}

func readIndexFile(path string) ([]uint32, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out, err := ParseIndices(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

// signer is an issuer key with its method id and the payload sequence to use.
type signer struct {
	key    keys.PrivateKey
	method string
	seq    uint64
}

func newSigner(cmd *cobra.Command, clientCtx client.Context, owner string) (*signer, error) {
	path, _ := cmd.Flags().GetString(FlagKey)
	key, err := didsign.ReadKey(path)
	if err != nil {
		return nil, fmt.Errorf("key: %w", err)
	}
	s := &signer{key: key}
	s.method, _ = cmd.Flags().GetString(FlagMethod)
	if s.method == "" {
		qc := didtypes.NewQueryClient(clientCtx)
		if s.method, err = didsign.ResolveMethod(cmd.Context(), qc, owner, didcore.AssertionMethod, key.Public()); err != nil {
			return nil, fmt.Errorf("%w (or give --%s)", err, FlagMethod)
		}
	}
	if seq, _ := cmd.Flags().GetInt64(FlagDIDSequence); seq >= 0 {
		s.seq = uint64(seq)
	} else {
		res, err := types.NewQueryClient(clientCtx).Sequence(cmd.Context(), &types.QuerySequenceRequest{Owner: owner})
		if err != nil {
			return nil, fmt.Errorf("sequence of %s: %w", owner, err)
		}
		s.seq = res.Sequence
	}
	return s, nil
}

func (s *signer) sign(ctx context.Context, clientCtx client.Context, msg sdk.Msg, payload proto.Message) ([]didtypes.DidSignature, error) {
	chainID, err := didsign.ChainID(ctx, clientCtx)
	if err != nil {
		return nil, err
	}
	return didsign.Sign(chainID, msg, payload, s.method, s.key)
}
