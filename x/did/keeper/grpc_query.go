package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
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

// Versions lists the metadata of a DID's versions, oldest first.
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
	out, page, err := query.CollectionPaginate(ctx, q.k.Versions, req.Pagination,
		func(key collections.Pair[string, uint64], v types.DidDocumentVersion) (types.DocumentMetadata, error) {
			return metadata(h, withKey(key, v)), nil
		}, query.WithCollectionPaginationPairPrefix[string, uint64](req.Did))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryVersionsResponse{Versions: out, Pagination: page}, nil
}
