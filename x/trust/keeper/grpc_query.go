package keeper

import (
	"context"
	"errors"
	"slices"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/amanah-id/amanah/x/trust/types"
)

type queryServer struct{ k *Keeper }

// NewQueryServer returns the trust registry's Query service.
func NewQueryServer(k *Keeper) types.QueryServer { return queryServer{k: k} }

var _ types.QueryServer = queryServer{}

func invalid(err error) error { return status.Error(codes.InvalidArgument, err.Error()) }

func notFound(err error) error {
	if errors.Is(err, types.ErrCredentialTypeNotFound) || errors.Is(err, types.ErrAccreditationNotFound) ||
		errors.Is(err, types.ErrRelyingPartyNotFound) {
		return status.Error(codes.NotFound, err.Error())
	}
	return err
}

func (q queryServer) IsAccredited(ctx context.Context, req *types.QueryIsAccreditedRequest) (*types.QueryIsAccreditedResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	if err := types.ValidateDID("did", req.Did); err != nil {
		return nil, invalid(err)
	}
	if err := types.ValidateVCT(req.Vct); err != nil {
		return nil, invalid(err)
	}
	t := sdk.UnwrapSDKContext(ctx).BlockTime()
	if req.Time != nil && !req.Time.IsZero() {
		t = *req.Time
	}
	chain, reason, err := q.k.IsAccredited(ctx, req.Did, req.Vct, t)
	if err != nil {
		return nil, err
	}
	return &types.QueryIsAccreditedResponse{Accredited: len(chain) > 0, Chain: chain, Reason: reason, Time: t}, nil
}

func (q queryServer) CredentialType(ctx context.Context, req *types.QueryCredentialTypeRequest) (*types.QueryCredentialTypeResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	if err := types.ValidateVCT(req.Vct); err != nil {
		return nil, invalid(err)
	}
	ct, err := q.k.CredentialType(ctx, req.Vct, req.Version)
	if err != nil {
		return nil, notFound(err)
	}
	return &types.QueryCredentialTypeResponse{CredentialType: ct}, nil
}

func (q queryServer) CredentialTypes(ctx context.Context, req *types.QueryCredentialTypesRequest) (*types.QueryCredentialTypesResponse, error) {
	if req == nil {
		req = &types.QueryCredentialTypesRequest{}
	}
	cts, page, err := query.CollectionPaginate(ctx, q.k.CredentialTypes, req.Pagination,
		func(_ collections.Pair[string, uint32], ct types.CredentialType) (types.CredentialType, error) {
			return ct, nil
		})
	if err != nil {
		return nil, invalid(err)
	}
	return &types.QueryCredentialTypesResponse{CredentialTypes: cts, Pagination: page}, nil
}

func (q queryServer) Accreditation(ctx context.Context, req *types.QueryAccreditationRequest) (*types.QueryAccreditationResponse, error) {
	if req == nil || req.Id == "" {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	a, err := q.k.Accreditations.Get(ctx, req.Id)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, notFound(errorsmod.Wrap(types.ErrAccreditationNotFound, req.Id))
	} else if err != nil {
		return nil, err
	}
	return &types.QueryAccreditationResponse{Accreditation: a}, nil
}

func (q queryServer) Accreditations(ctx context.Context, req *types.QueryAccreditationsRequest) (*types.QueryAccreditationsResponse, error) {
	if req == nil {
		req = &types.QueryAccreditationsRequest{}
	}
	get := func(id string) (types.Accreditation, error) { return q.k.Accreditations.Get(ctx, id) }
	var (
		list []types.Accreditation
		page *query.PageResponse
		err  error
	)
	switch {
	case req.Accredited != "" && req.Accreditor != "":
		return nil, status.Error(codes.InvalidArgument, "set accredited or accreditor, not both")
	case req.Accredited != "":
		held, herr := q.k.Held.Get(ctx, req.Accredited)
		if herr != nil && !errors.Is(herr, collections.ErrNotFound) {
			return nil, herr
		}
		var ids []string
		if ids, page, err = paginateIDs(held.Ids, req.Pagination); err == nil {
			list = make([]types.Accreditation, 0, len(ids))
			for _, id := range ids {
				a, gerr := get(id)
				if gerr != nil {
					return nil, gerr
				}
				list = append(list, a)
			}
		}
	case req.Accreditor != "":
		list, page, err = query.CollectionPaginate(ctx, q.k.Accreditations.Indexes.Accreditor, req.Pagination,
			func(k collections.Pair[string, string], _ collections.NoValue) (types.Accreditation, error) {
				return get(k.K2())
			},
			query.WithCollectionPaginationPairPrefix[string, string](req.Accreditor))
	default:
		list, page, err = query.CollectionPaginate(ctx, q.k.Accreditations, req.Pagination,
			func(_ string, a types.Accreditation) (types.Accreditation, error) { return a, nil })
	}
	if err != nil {
		return nil, invalid(err)
	}
	return &types.QueryAccreditationsResponse{Accreditations: list, Pagination: page}, nil
}

func (q queryServer) RelyingParty(ctx context.Context, req *types.QueryRelyingPartyRequest) (*types.QueryRelyingPartyResponse, error) {
	if req == nil || req.Did == "" {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	rp, err := q.k.RelyingParties.Get(ctx, req.Did)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, notFound(errorsmod.Wrap(types.ErrRelyingPartyNotFound, req.Did))
	} else if err != nil {
		return nil, err
	}
	return &types.QueryRelyingPartyResponse{RelyingParty: rp}, nil
}

func (q queryServer) RelyingParties(ctx context.Context, req *types.QueryRelyingPartiesRequest) (*types.QueryRelyingPartiesResponse, error) {
	if req == nil {
		req = &types.QueryRelyingPartiesRequest{}
	}
	rps, page, err := query.CollectionPaginate(ctx, q.k.RelyingParties, req.Pagination,
		func(_ string, rp types.RelyingParty) (types.RelyingParty, error) { return rp, nil })
	if err != nil {
		return nil, invalid(err)
	}
	return &types.QueryRelyingPartiesResponse{RelyingParties: rps, Pagination: page}, nil
}

// paginateIDs pages through sorted ids as query.CollectionPaginate pages a collection: by key
// (the first id to return) or offset, limit (default query.DefaultLimit), count_total, reverse.
func paginateIDs(ids []string, req *query.PageRequest) ([]string, *query.PageResponse, error) {
	if req == nil {
		req = &query.PageRequest{}
	}
	if len(req.Key) > 0 && req.Offset > 0 {
		return nil, nil, errors.New("invalid request, either offset or key is expected, got both")
	}
	limit := req.Limit
	if limit == 0 {
		limit = query.DefaultLimit
	}
	ordered := ids
	if req.Reverse {
		ordered = slices.Clone(ids)
		slices.Reverse(ordered)
	}
	start := 0
	switch {
	case len(req.Key) > 0:
		key := string(req.Key)
		start = len(ordered)
		for i, id := range ordered {
			if (!req.Reverse && id >= key) || (req.Reverse && id <= key) {
				start = i
				break
			}
		}
	case req.Offset > 0:
		start = int(min(req.Offset, uint64(len(ordered))))
	}
	end := start + int(min(limit, uint64(len(ordered)-start)))
	page := &query.PageResponse{}
	if end < len(ordered) {
		page.NextKey = []byte(ordered[end])
	}
	if req.CountTotal && len(req.Key) == 0 {
		page.Total = uint64(len(ordered))
	}
	return ordered[start:end], page, nil
}
