package keeper

import (
	"context"
	"encoding/binary"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/amanah-id/amanah/statuslist"
	"github.com/amanah-id/amanah/x/status/types"
)

// Paging bounds of the Changes query.
const (
	DefaultChangesLimit = 100
	MaxChangesLimit     = 1000
)

type queryServer struct{ k *Keeper }

// NewQueryServer returns the status Query service.
func NewQueryServer(k *Keeper) types.QueryServer { return queryServer{k: k} }

var _ types.QueryServer = queryServer{}

func height(ctx context.Context) int64 { return sdk.UnwrapSDKContext(ctx).BlockHeight() }

func (q queryServer) List(ctx context.Context, req *types.QueryListRequest) (*types.QueryListResponse, error) {
	l, err := q.k.GetList(ctx, req.GetListId())
	if err != nil {
		return nil, err
	}
	return &types.QueryListResponse{List: l}, nil
}

func (q queryServer) ListsByOwner(ctx context.Context, req *types.QueryListsByOwnerRequest) (*types.QueryListsByOwnerResponse, error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidDID, "empty request")
	}
	if err := types.ValidateOwner(req.Owner); err != nil {
		return nil, err
	}
	lists, page, err := query.CollectionPaginate(ctx, q.k.ListsByOwner, req.Pagination,
		func(key collections.Pair[string, uint64], _ collections.NoValue) (types.StatusList, error) {
			return q.k.GetList(ctx, key.K2())
		}, query.WithCollectionPaginationPairPrefix[string, uint64](req.Owner))
	if err != nil {
		return nil, err
	}
	return &types.QueryListsByOwnerResponse{Lists: lists, Pagination: page}, nil
}

func (q queryServer) Entry(ctx context.Context, req *types.QueryEntryRequest) (*types.QueryEntryResponse, error) {
	l, err := q.k.GetList(ctx, req.GetListId())
	if err != nil {
		return nil, err
	}
	v, err := q.k.Entry(ctx, l, req.GetIndex())
	if err != nil {
		return nil, err
	}
	return &types.QueryEntryResponse{Status: uint32(v), Bits: l.Bits, Purpose: l.Purpose,
		UpdatedHeight: l.UpdatedHeight, Height: height(ctx)}, nil
}

func (q queryServer) Page(ctx context.Context, req *types.QueryPageRequest) (*types.QueryPageResponse, error) {
	l, err := q.k.GetList(ctx, req.GetListId())
	if err != nil {
		return nil, err
	}
	data, err := q.k.Page(ctx, l, req.GetPage())
	if err != nil {
		return nil, err
	}
	return &types.QueryPageResponse{Data: data, Bits: l.Bits, EntriesPerPage: statuslist.EntriesPerPage(uint8(l.Bits)),
		UpdatedHeight: l.UpdatedHeight, Height: height(ctx)}, nil
}

func (q queryServer) Encoded(ctx context.Context, req *types.QueryEncodedRequest) (*types.QueryEncodedResponse, error) {
	l, err := q.k.GetList(ctx, req.GetListId())
	if err != nil {
		return nil, err
	}
	raw, err := q.k.ListBytes(ctx, l)
	if err != nil {
		return nil, err
	}
	resp := &types.QueryEncodedResponse{List: l, Height: height(ctx)}
	f := req.GetFormat()
	if f == types.ListFormat_LIST_FORMAT_UNSPECIFIED || f == types.ListFormat_LIST_FORMAT_TOKEN {
		if resp.Lst, err = statuslist.EncodeTokenStatusList(uint8(l.Bits), raw); err != nil {
			return nil, err
		}
	}
	if f == types.ListFormat_LIST_FORMAT_UNSPECIFIED || f == types.ListFormat_LIST_FORMAT_BITSTRING {
		if resp.EncodedList, err = statuslist.EncodeBitstringStatusList(raw, uint8(l.Bits)); err != nil {
			return nil, err
		}
	}
	return resp, nil
}

// Changes returns records above since_height, oldest first, at most limit of them; when more
// remain, pagination.next_key holds the last returned height (8 bytes, big endian): ask again
// with since_height set to it.
func (q queryServer) Changes(ctx context.Context, req *types.QueryChangesRequest) (*types.QueryChangesResponse, error) {
	l, err := q.k.GetList(ctx, req.GetListId())
	if err != nil {
		return nil, err
	}
	limit := uint64(DefaultChangesLimit)
	if req.Pagination != nil && req.Pagination.Limit > 0 {
		limit = min(req.Pagination.Limit, MaxChangesLimit)
	}
	since := max(req.GetSinceHeight(), 0)
	resp := &types.QueryChangesResponse{Complete: since >= l.ChangesPrunedHeight, UpdatedHeight: l.UpdatedHeight,
		Pagination: &query.PageResponse{}}
	rng := collections.NewPrefixedPairRange[uint64, int64](l.Id).StartExclusive(since)
	err = q.k.Changes.Walk(ctx, rng, func(key collections.Pair[uint64, int64], rec types.ChangeRecord) (bool, error) {
		if uint64(len(resp.Changes)) == limit {
			resp.Pagination.NextKey = binary.BigEndian.AppendUint64(nil, uint64(resp.Changes[len(resp.Changes)-1].Height))
			return true, nil
		}
		resp.Changes = append(resp.Changes, rec)
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	return resp, nil
}

func (q queryServer) Sequence(ctx context.Context, req *types.QuerySequenceRequest) (*types.QuerySequenceResponse, error) {
	if err := types.ValidateOwner(req.GetOwner()); err != nil {
		return nil, err
	}
	s, err := q.k.NextSequence(ctx, req.GetOwner())
	if err != nil {
		return nil, err
	}
	return &types.QuerySequenceResponse{Sequence: s}, nil
}
