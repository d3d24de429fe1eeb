// Package node connects the ledger view to real Amanah nodes: ledger.Node
// over the gRPC query services of x/did, x/trust and x/status (dialled with
// the SDK's codec), and ledger.Events over CometBFT's websocket NewBlock
// subscription, whose typed module events name what each block changed.
package node

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	errorsmod "cosmossdk.io/errors"
	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	grpctypes "github.com/cosmos/cosmos-sdk/types/grpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/verifier/ledger"
	didtypes "github.com/amanah-id/amanah/x/did/types"
	statustypes "github.com/amanah-id/amanah/x/status/types"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

// Client is a ledger.Node over one node's gRPC endpoint.
type Client struct {
	conn   *grpc.ClientConn
	did    didtypes.QueryClient
	trust  trusttypes.QueryClient
	status statustypes.QueryClient
}

var _ ledger.Node = (*Client)(nil)

// Dial connects to a node's gRPC address (host:port); creds nil means plaintext.
func Dial(addr string, creds credentials.TransportCredentials) (*Client, error) {
	if creds == nil {
		creds = insecure.NewCredentials()
	}
	cdc := codec.NewProtoCodec(codectypes.NewInterfaceRegistry())
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(creds),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(cdc.GRPCCodec())))
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", addr, err)
	}
	return New(conn), nil
}

// New returns a client over conn (which must use the SDK's codec).
func New(conn *grpc.ClientConn) *Client {
	return &Client{conn: conn, did: didtypes.NewQueryClient(conn), trust: trusttypes.NewQueryClient(conn),
		status: statustypes.NewQueryClient(conn)}
}

// Close closes the connection.
func (c *Client) Close() error { return c.conn.Close() }

// heightOf reads the block height the SDK reports in the response header.
func heightOf(md metadata.MD) int64 {
	if v := md.Get(grpctypes.GRPCBlockHeightHeader); len(v) > 0 {
		h, _ := strconv.ParseInt(v[0], 10, 64)
		return h
	}
	return 0
}

// notFound are the module errors that mean "no such object"; over gRPC the
// SDK sends them as code Unknown with "codespace <m> code <n>" in the message.
var notFound = []*errorsmod.Error{statustypes.ErrListNotFound, trusttypes.ErrRelyingPartyNotFound, trusttypes.ErrCredentialTypeNotFound,
	trusttypes.ErrAccreditationNotFound, didtypes.ErrDidNotFound, didtypes.ErrVersionNotFound}

func mapErr(err error) error {
	st, _ := status.FromError(err)
	if st.Code() == codes.NotFound {
		return fmt.Errorf("%w: %v", ledger.ErrNotFound, err)
	}
	for _, e := range notFound {
		if strings.Contains(st.Message(), fmt.Sprintf("codespace %s code %d:", e.Codespace(), e.ABCICode())) {
			return fmt.Errorf("%w: %v", ledger.ErrNotFound, err)
		}
	}
	return err
}

// DIDVersion implements ledger.Node.
func (c *Client) DIDVersion(ctx context.Context, did string, at time.Time) (ledger.DIDVersion, int64, error) {
	req := &didtypes.QueryResolveRequest{Did: did}
	if !at.IsZero() {
		req.VersionTime = &at
	}
	var md metadata.MD
	resp, err := c.did.Resolve(ctx, req, grpc.Header(&md))
	if err != nil {
		return ledger.DIDVersion{}, 0, mapErr(err)
	}
	h := heightOf(md)
	meta := resp.DidDocumentMetadata
	switch resp.DidResolutionMetadata.Error {
	case "":
	case didtypes.ResolutionErrNotFound:
		return ledger.DIDVersion{}, h, ledger.ErrNotFound
	case "deactivated":
		v := ledger.DIDVersion{Deactivated: true}
		if meta != nil {
			v.ValidFrom = meta.Updated
		}
		return v, h, nil
	default:
		return ledger.DIDVersion{}, h, fmt.Errorf("resolve %s: %s: %s", did, resp.DidResolutionMetadata.Error, resp.DidResolutionMetadata.ErrorMessage)
	}
	if meta == nil {
		return ledger.DIDVersion{}, h, fmt.Errorf("resolve %s: no document metadata", did)
	}
	doc, err := didcore.ParseDocument(resp.DidDocument)
	if err != nil {
		return ledger.DIDVersion{}, h, fmt.Errorf("resolve %s: %w", did, err)
	}
	v := ledger.DIDVersion{Document: doc, ValidFrom: meta.Updated, Deactivated: meta.Deactivated}
	if meta.NextVersionId != "" {
		next, err := c.did.Resolve(ctx, &didtypes.QueryResolveRequest{Did: did, VersionId: meta.NextVersionId})
		if err != nil {
			return ledger.DIDVersion{}, h, fmt.Errorf("resolve %s version %s: %w", did, meta.NextVersionId, mapErr(err))
		}
		if next.DidDocumentMetadata == nil {
			return ledger.DIDVersion{}, h, fmt.Errorf("resolve %s version %s: no metadata", did, meta.NextVersionId)
		}
		v.ValidUntil = next.DidDocumentMetadata.Updated
	}
	return v, h, nil
}

// Accreditation implements ledger.Node. When accredited, the window is the
// intersection of the chain's validity windows; otherwise one second at at.
func (c *Client) Accreditation(ctx context.Context, issuer, vct string, at time.Time) (bool, ledger.Window, int64, error) {
	var md metadata.MD
	resp, err := c.trust.IsAccredited(ctx, &trusttypes.QueryIsAccreditedRequest{Did: issuer, Vct: vct, Time: &at}, grpc.Header(&md))
	if err != nil {
		return false, ledger.Window{}, 0, mapErr(err)
	}
	h := heightOf(md)
	if !resp.Accredited || len(resp.Chain) == 0 {
		return false, ledger.Window{From: at, Until: at.Add(time.Second)}, h, nil
	}
	w := ledger.Window{}
	for _, a := range resp.Chain {
		if a.ValidFrom.After(w.From) {
			w.From = a.ValidFrom
		}
		if open := a.ValidUntil.IsZero() || a.ValidUntil.Unix() <= 0; !open && (w.Until.IsZero() || a.ValidUntil.Before(w.Until)) {
			w.Until = a.ValidUntil
		}
	}
	if !w.Contains(at) {
		w = ledger.Window{From: at, Until: at.Add(time.Second)}
	}
	return true, w, h, nil
}

// StatusList implements ledger.Node; uri is a list URL or DID URL (x/status ParseListURI).
func (c *Client) StatusList(ctx context.Context, uri string) (ledger.ListInfo, int64, error) {
	ref, err := statustypes.ParseListURI(uri)
	if err != nil {
		return ledger.ListInfo{}, 0, fmt.Errorf("%w: %v", ledger.ErrNotFound, err)
	}
	var md metadata.MD
	resp, err := c.status.List(ctx, &statustypes.QueryListRequest{ListId: ref.ListID}, grpc.Header(&md))
	if err != nil {
		return ledger.ListInfo{}, 0, mapErr(err)
	}
	if ref.Owner != "" && ref.Owner != resp.List.Owner {
		return ledger.ListInfo{}, heightOf(md), fmt.Errorf("%w: list %d is not owned by %s", ledger.ErrNotFound, ref.ListID, ref.Owner)
	}
	if resp.List.Bits > 8 {
		return ledger.ListInfo{}, heightOf(md), errors.New("status list: invalid bits")
	}
	return ledger.ListInfo{ID: strconv.FormatUint(ref.ListID, 10), Bits: uint8(resp.List.Bits), Size: resp.List.Size_}, heightOf(md), nil
}

// StatusPage implements ledger.Node.
func (c *Client) StatusPage(ctx context.Context, listID string, page uint32) ([]byte, int64, error) {
	id, err := strconv.ParseUint(listID, 10, 64)
	if err != nil {
		return nil, 0, fmt.Errorf("%w: list id %q", ledger.ErrNotFound, listID)
	}
	var md metadata.MD
	resp, err := c.status.Page(ctx, &statustypes.QueryPageRequest{ListId: id, Page: page}, grpc.Header(&md))
	if err != nil {
		return nil, 0, mapErr(err)
	}
	h := heightOf(md)
	if resp.Height > h {
		h = resp.Height
	}
	return resp.Data, h, nil
}

// RelyingParty implements ledger.Node; a registration that is not active is ErrNotFound.
func (c *Client) RelyingParty(ctx context.Context, did string) (ledger.RelyingParty, int64, error) {
	var md metadata.MD
	resp, err := c.trust.RelyingParty(ctx, &trusttypes.QueryRelyingPartyRequest{Did: did}, grpc.Header(&md))
	if err != nil {
		return ledger.RelyingParty{}, 0, mapErr(err)
	}
	rp := resp.RelyingParty
	if rp.Status != trusttypes.RELYING_PARTY_STATUS_ACTIVE {
		return ledger.RelyingParty{}, heightOf(md), fmt.Errorf("%w: relying party %s is %s", ledger.ErrNotFound, did, rp.Status)
	}
	out := ledger.RelyingParty{DID: rp.Did, Name: rp.LegalName, AllowedClaims: map[string][]string{}}
	for _, p := range rp.Permissions {
		out.AllowedClaims[p.Vct] = append(out.AllowedClaims[p.Vct], p.Claims...)
	}
	return out, heightOf(md), nil
}

// CredentialSchema implements ledger.Node: the schema of the latest version
// of the credential type vct in x/trust.
func (c *Client) CredentialSchema(ctx context.Context, vct string) (ledger.Schema, int64, error) {
	var md metadata.MD
	resp, err := c.trust.CredentialType(ctx, &trusttypes.QueryCredentialTypeRequest{Vct: vct}, grpc.Header(&md))
	if status.Code(err) == codes.InvalidArgument { // not a valid vct: none can be registered
		return ledger.Schema{}, heightOf(md), fmt.Errorf("%w: %v", ledger.ErrNotFound, err)
	}
	if err != nil {
		return ledger.Schema{}, 0, mapErr(err)
	}
	ct := resp.CredentialType
	return ledger.Schema{VCT: ct.Vct, Version: ct.Version, JSON: ct.Schema}, heightOf(md), nil
}
