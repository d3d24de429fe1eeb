package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/amanah-id/amanah/credential/sdjwt"
	"github.com/amanah-id/amanah/credential/sdjwtvc"
	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/keys"
	didtypes "github.com/amanah-id/amanah/x/did/types"
)

// verifyResult is the JSON verify prints.
type verifyResult struct {
	Verified  bool           `json:"verified"`
	Reason    string         `json:"reason,omitempty"`
	Error     string         `json:"error,omitempty"`
	Issuer    string         `json:"issuer,omitempty"`
	KeyID     string         `json:"kid,omitempty"`
	VCT       string         `json:"vct,omitempty"`
	IssuedAt  string         `json:"issued_at,omitempty"`
	ExpiresAt string         `json:"expires_at,omitempty"`
	Status    *statusJSON    `json:"status,omitempty"`
	Claims    map[string]any `json:"claims,omitempty"`
	Note      string         `json:"note"`
}

type statusJSON struct {
	Index uint64 `json:"idx"`
	URI   string `json:"uri"`
}

const verifyNote = "local check: issuer signature, times, disclosures and key binding; issuer accreditation (x/trust) and status (x/status) are not checked"

type verifyFlags struct {
	presentation, issuerJWK, nodeGRPC, nonce, aud string
	kbMaxAge, skew, timeout                       time.Duration
}

func newVerifyCmd() *cobra.Command {
	var f verifyFlags
	cmd := &cobra.Command{
		Use:   "verify --presentation p.txt (--issuer-jwk issuer-pub.jwk | --node-grpc 127.0.0.1:9090) --nonce N --aud A",
		Short: "Verify an SD-JWT VC presentation locally and print the result as JSON",
		Long: `Verify an SD-JWT VC presentation: issuer signature (key from --issuer-jwk,
or the kid resolved as an assertionMethod of the issuer DID at the credential's
iat through a node's x/did gRPC query), validity times, disclosures, and the
key binding (nonce, audience, sd_hash, freshness). Prints
{"verified", "reason", "claims", ...}; exits 1 when not verified. Issuer
accreditation and revocation status are the verifier service's checks.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runVerify(cmd, &f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.presentation, "presentation", "", "presentation file, or - for stdin (required)")
	fl.StringVar(&f.issuerJWK, "issuer-jwk", "", "issuer public JWK file")
	fl.StringVar(&f.nodeGRPC, "node-grpc", "", "node gRPC address to resolve the issuer key from x/did (plaintext)")
	fl.StringVar(&f.nonce, "nonce", "", "expected nonce (required)")
	fl.StringVar(&f.aud, "aud", "", "expected audience (required)")
	fl.DurationVar(&f.kbMaxAge, "kb-max-age", sdjwt.DefaultKBMaxAge, "maximum age of the key-binding JWT")
	fl.DurationVar(&f.skew, "skew", sdjwt.DefaultSkew, "allowed clock skew")
	fl.DurationVar(&f.timeout, "timeout", 10*time.Second, "timeout for node queries")
	return cmd
}

func runVerify(cmd *cobra.Command, f *verifyFlags) error {
	if f.presentation == "" {
		return errors.New("--presentation is required")
	}
	if f.nonce == "" || f.aud == "" {
		return errors.New("--nonce and --aud are required")
	}
	if (f.issuerJWK == "") == (f.nodeGRPC == "") {
		return errors.New("give exactly one of --issuer-jwk and --node-grpc")
	}
	if f.kbMaxAge <= 0 || f.skew < 0 || f.timeout <= 0 {
		return errors.New("--kb-max-age and --timeout must be positive, --skew not negative")
	}
	var raw []byte
	var err error
	if f.presentation == "-" {
		raw, err = io.ReadAll(io.LimitReader(cmd.InOrStdin(), maxPresentationFile+1))
		if err == nil && len(raw) > maxPresentationFile {
			err = fmt.Errorf("larger than %d bytes", maxPresentationFile)
		}
		if err != nil {
			return fmt.Errorf("presentation from stdin: %w", err)
		}
	} else if raw, err = readFile("presentation", f.presentation, maxPresentationFile); err != nil {
		return err
	}
	vp := strings.TrimSpace(string(raw))
	if vp == "" {
		return errors.New("presentation is empty")
	}

	var resolver sdjwtvc.IssuerKeyResolver
	if f.issuerJWK != "" {
		pub, err := loadPublicKey("issuer key", f.issuerJWK)
		if err != nil {
			return err
		}
		resolver = staticResolver(pub)
	} else {
		conn, err := grpc.NewClient(f.nodeGRPC,
			grpc.WithTransportCredentials(insecure.NewCredentials()),
			grpc.WithDefaultCallOptions(grpc.ForceCodec(gogoCodec{})))
		if err != nil {
			return fmt.Errorf("--node-grpc %q: %w", f.nodeGRPC, err)
		}
		defer conn.Close()
		resolver = &chainResolver{q: didtypes.NewQueryClient(conn), timeout: f.timeout}
	}

	v := &sdjwtvc.Verifier{Resolver: resolver, Options: sdjwt.Options{KBMaxAge: f.kbMaxAge, Skew: f.skew}}
	if f.skew == 0 {
		v.Options.Skew = time.Nanosecond // zero would mean the default
	}
	res, verr := v.Verify(cmd.Context(), vp, sdjwtvc.Challenge{Nonce: f.nonce, Audience: f.aud})
	out := verifyResult{Note: verifyNote}
	if verr != nil {
		out.Reason = string(sdjwt.ReasonOf(verr))
		if out.Reason == "" {
			out.Reason = "error"
		}
		out.Error = verr.Error()
	} else {
		out.Verified = true
		out.Issuer, out.KeyID, out.VCT, out.Claims = res.Issuer, res.KeyID, res.VCT, res.Claims
		if !res.IssuedAt.IsZero() {
			out.IssuedAt = fmtTime(res.IssuedAt)
		}
		if !res.ExpiresAt.IsZero() {
			out.ExpiresAt = fmtTime(res.ExpiresAt)
		}
		if res.Status != nil {
			out.Status = &statusJSON{Index: res.Status.Index, URI: res.Status.URI}
		}
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	fmt.Fprintln(cmd.OutOrStdout(), string(b))
	if !out.Verified {
		fmt.Fprintf(cmd.ErrOrStderr(), "amanah: presentation not verified: %s\n", out.Error)
		return exitError{code: 1}
	}
	return nil
}

// staticResolver answers every kid with one key (--issuer-jwk); the library
// has already checked that kid is a DID URL of iss.
func staticResolver(pub keys.PublicKey) sdjwtvc.IssuerKeyResolver {
	return sdjwtvc.IssuerKeyResolverFunc(func(context.Context, string, string, time.Time) (keys.PublicKey, error) {
		return pub, nil
	})
}

// chainResolver resolves issuer keys through a node's x/did Query service:
// the DID document version valid at the credential's iat must list kid as an
// assertionMethod.
type chainResolver struct {
	q       didtypes.QueryClient
	timeout time.Duration
}

// ResolveIssuerKey implements sdjwtvc.IssuerKeyResolver.
func (r *chainResolver) ResolveIssuerKey(ctx context.Context, iss, kid string, at time.Time) (keys.PublicKey, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	at = at.UTC()
	resp, err := r.q.Resolve(ctx, &didtypes.QueryResolveRequest{Did: iss, VersionTime: &at})
	if err != nil {
		return keys.PublicKey{}, fmt.Errorf("resolve %s: %w", iss, err)
	}
	switch e := resp.DidResolutionMetadata.Error; e {
	case "":
	case "notFound", "invalidDid":
		return keys.PublicKey{}, fmt.Errorf("%w: %s: %s", sdjwtvc.ErrUnknownKey, iss, e)
	case "deactivated":
		return keys.PublicKey{}, fmt.Errorf("%w: %s was deactivated", sdjwtvc.ErrNotAssertionMethod, iss)
	default:
		return keys.PublicKey{}, fmt.Errorf("resolve %s: %s %s", iss, e, resp.DidResolutionMetadata.ErrorMessage)
	}
	if resp.DidDocumentMetadata != nil && resp.DidDocumentMetadata.Deactivated {
		return keys.PublicKey{}, fmt.Errorf("%w: %s was deactivated", sdjwtvc.ErrNotAssertionMethod, iss)
	}
	doc, err := didcore.ParseDocument(resp.DidDocument)
	if err != nil {
		return keys.PublicKey{}, fmt.Errorf("resolve %s: invalid document: %w", iss, err)
	}
	for _, vm := range doc.MethodsFor(didcore.AssertionMethod) {
		if vm.ID == kid {
			return vm.PublicKey()
		}
	}
	if _, ok := doc.VerificationMethod(kid); ok {
		return keys.PublicKey{}, fmt.Errorf("%w: %s", sdjwtvc.ErrNotAssertionMethod, kid)
	}
	return keys.PublicKey{}, fmt.Errorf("%w: %s", sdjwtvc.ErrUnknownKey, kid)
}

// gogoCodec marshals the gogoproto-generated x/did messages with their own
// Marshal/Unmarshal methods (the default gRPC codec needs protobuf v2
// reflection, which gogoproto's stdtime fields lack).
type gogoCodec struct{}

type gogoMessage interface {
	Marshal() ([]byte, error)
	Unmarshal([]byte) error
}

// Marshal implements encoding.Codec.
func (gogoCodec) Marshal(v any) ([]byte, error) {
	m, ok := v.(gogoMessage)
	if !ok {
		return nil, fmt.Errorf("gogoCodec: %T is not a gogoproto message", v)
	}
	return m.Marshal()
}

// Unmarshal implements encoding.Codec.
func (gogoCodec) Unmarshal(data []byte, v any) error {
	m, ok := v.(gogoMessage)
	if !ok {
		return fmt.Errorf("gogoCodec: %T is not a gogoproto message", v)
	}
	return m.Unmarshal(data)
}

// Name implements encoding.Codec.
func (gogoCodec) Name() string { return "proto" }
