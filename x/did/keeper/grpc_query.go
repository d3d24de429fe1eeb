package keeper

import (
	"context"
	"encoding/binary"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	"github.com/cosmos/cosmos-sdk/types/query"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/x/did/types"
)

type queryServer struct{ k *Keeper }

var _ types.QueryServer = queryServer{}

// NewQueryServer returns the DID registry's Query service.
func NewQueryServer(k *Keeper) types.QueryServer { return queryServer{k: k} }

// Params returns the params.
func (q queryServer) Params(ctx context.Context, _ *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	p, err := q.k.Params.Get(ctx)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryParamsResponse{Params: p}, nil
}

// Resolve resolves a DID in W3C DID Resolution shape.
func (q queryServer) Resolve(ctx context.Context, req *types.QueryResolveRequest) (*types.QueryResolveResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	fail := func(code, msg string) (*types.QueryResolveResponse, error) {
		return &types.QueryResolveResponse{DidResolutionMetadata: types.ResolutionMetadata{Error: code, ErrorMessage: msg}}, nil
	}
	if len(req.Did) > didcore.MaxDIDURLLength {
		return fail(types.ResolutionErrInvalidDid, "DID too long")
	}
	if _, _, err := didcore.ParseAmanahDID(req.Did); err != nil {
		return fail(types.ResolutionErrInvalidDid, err.Error())
	}
	if req.VersionId != "" && req.VersionTime != nil {
		return fail(types.ResolutionErrInvalidOptions, "versionId and versionTime are exclusive")
	}
	var (
		doc *didcore.Document
		md  types.DocumentMetadata
		err error
	)
	switch {
	case req.VersionId != "":
		if _, perr := types.ParseVersionID(req.VersionId); perr != nil {
			return fail(types.ResolutionErrInvalidOptions, perr.Error())
		}
		doc, md, err = q.k.ResolveVersion(ctx, req.Did, req.VersionId)
	case req.VersionTime != nil:
		doc, md, err = q.k.ResolveAt(ctx, req.Did, *req.VersionTime)
	default:
		doc, md, err = q.k.Resolve(ctx, req.Did)
	}
	switch {
	case err == nil:
	case errors.Is(err, types.ErrDidDeactivated):
		return &types.QueryResolveResponse{
			DidDocumentMetadata:   &md,
			DidResolutionMetadata: types.ResolutionMetadata{Error: types.ResolutionErrDeactivated, ErrorMessage: "the DID is deactivated"},
		}, nil
	case errors.Is(err, types.ErrDidNotFound), errors.Is(err, types.ErrVersionNotFound):
		return fail(types.ResolutionErrNotFound, err.Error())
	default:
		return nil, status.Error(codes.Internal, err.Error())
	}
	b, err := doc.MarshalJSON()
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryResolveResponse{
		DidDocument:           b,
		DidDocumentMetadata:   &md,
		DidResolutionMetadata: types.ResolutionMetadata{ContentType: types.ContentTypeDIDLDJSON},
	}, nil
}

// Versions lists the metadata of a DID's versions, oldest first (newest first with
// pagination.reverse), at most MaxVersionsPageLimit per page. A page is found by key (the next
// key of the page before) or offset without walking the versions before it: sequences run
// 1..n without gaps, so both name the first sequence of the page.
func (q queryServer) Versions(ctx context.Context, req *types.QueryVersionsRequest) (*types.QueryVersionsResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	if _, _, err := didcore.ParseAmanahDID(req.Did); err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	h, err := q.k.head(ctx, req.Did)
	if err != nil {
		if errors.Is(err, types.ErrDidNotFound) {
			return nil, status.Error(codes.NotFound, err.Error())
		}
		return nil, status.Error(codes.Internal, err.Error())
	}
	out, page, err := q.k.versionPage(ctx, req.Did, h, req.Pagination)
	switch {
	case err == nil:
		return &types.QueryVersionsResponse{Versions: out, Pagination: page}, nil
	case errors.Is(err, types.ErrPageTooLarge), errors.Is(err, types.ErrInvalidPageKey), errors.Is(err, types.ErrInvalidPageSpec):
		return nil, status.Error(codes.InvalidArgument, err.Error())
	default:
		return nil, status.Error(codes.Internal, err.Error())
	}
}

// versionPage returns one page of the metadata of did's versions (h is its head). The page
// key is the first sequence of the page (8 bytes, big-endian: the Uint64Key encoding, as the
// SDK's collection pagination gives it); the total, asked for, is the latest sequence.
func (k Keeper) versionPage(ctx context.Context, did string, h types.DidHead, req *query.PageRequest) ([]types.DocumentMetadata, *query.PageResponse, error) {
	if req == nil {
		req = &query.PageRequest{}
	}
	limit := req.Limit
	switch {
	case limit == 0:
		limit = types.MaxVersionsPageLimit
	case limit > types.MaxVersionsPageLimit:
		return nil, nil, errorsmod.Wrapf(types.ErrPageTooLarge, "limit %d, maximum %d versions per page", limit, types.MaxVersionsPageLimit)
	}
	if len(req.Key) > 0 && req.Offset > 0 {
		return nil, nil, errorsmod.Wrap(types.ErrInvalidPageSpec, "either offset or key, not both")
	}
	n := h.LatestSequence
	page := &query.PageResponse{}
	if req.CountTotal {
		page.Total = n
	}
	var start uint64 // the first sequence of the page
	switch {
	case len(req.Key) > 0:
		if len(req.Key) != 8 {
			return nil, nil, errorsmod.Wrapf(types.ErrInvalidPageKey, "%d bytes, want 8", len(req.Key))
		}
		start = binary.BigEndian.Uint64(req.Key)
		if start < 1 || start > n {
			return nil, nil, errorsmod.Wrapf(types.ErrInvalidPageKey, "version %d of %d", start, n)
		}
	case req.Offset >= n:
		return []types.DocumentMetadata{}, page, nil
	case req.Reverse:
		start = n - req.Offset
	default:
		start = req.Offset + 1
	}
	rng := collections.NewPrefixedPairRange[string, uint64](did).StartInclusive(start)
	if req.Reverse {
		rng = collections.NewPrefixedPairRange[string, uint64](did).EndInclusive(start).Descending()
	}
	it, err := k.Versions.Iterate(ctx, rng)
	if err != nil {
		return nil, nil, err
	}
	defer it.Close()
	out := make([]types.DocumentMetadata, 0, min(limit, n))
	for ; it.Valid(); it.Next() {
		kv, err := it.KeyValue()
		if err != nil {
			return nil, nil, err
		}
		if uint64(len(out)) == limit {
			page.NextKey = binary.BigEndian.AppendUint64(nil, kv.Key.K2())
			break
		}
		out = append(out, metadata(h, withKey(kv.Key, kv.Value)))
	}
	return out, page, nil
}
