package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	"github.com/cosmos/cosmos-sdk/types/query"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/amanah-id/amanah/x/council/types"
)

type queryServer struct{ k *Keeper }

// NewQueryServer returns the council's Query service.
func NewQueryServer(k *Keeper) types.QueryServer { return queryServer{k: k} }

var _ types.QueryServer = queryServer{}

func (q queryServer) Params(ctx context.Context, _ *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	p, err := q.k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	return &types.QueryParamsResponse{Params: p}, nil
}

func (q queryServer) Member(ctx context.Context, req *types.QueryMemberRequest) (*types.QueryMemberResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	acc, err := q.k.account("address", req.Address)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	m, err := q.k.Members.Get(ctx, acc)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, status.Error(codes.NotFound, errorsmod.Wrap(types.ErrNotMember, req.Address).Error())
	} else if err != nil {
		return nil, err
	}
	return &types.QueryMemberResponse{Member: m}, nil
}

func (q queryServer) Members(ctx context.Context, req *types.QueryMembersRequest) (*types.QueryMembersResponse, error) {
	if req == nil {
		req = &types.QueryMembersRequest{}
	}
	members, page, err := query.CollectionPaginate(ctx, q.k.Members, req.Pagination,
		func(_ []byte, m types.Member) (types.Member, error) { return m, nil })
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryMembersResponse{Members: members, Pagination: page}, nil
}

func (q queryServer) Writer(ctx context.Context, req *types.QueryWriterRequest) (*types.QueryWriterResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	acc, err := q.k.account("address", req.Address)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	w, err := q.k.Writers.Get(ctx, acc)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, status.Error(codes.NotFound, errorsmod.Wrap(types.ErrNotWriter, req.Address).Error())
	} else if err != nil {
		return nil, err
	}
	return &types.QueryWriterResponse{Writer: w}, nil
}

func (q queryServer) Writers(ctx context.Context, req *types.QueryWritersRequest) (*types.QueryWritersResponse, error) {
	if req == nil {
		req = &types.QueryWritersRequest{}
	}
	writers, page, err := query.CollectionPaginate(ctx, q.k.Writers, req.Pagination,
		func(_ []byte, w types.Writer) (types.Writer, error) { return w, nil })
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryWritersResponse{Writers: writers, Pagination: page}, nil
}
