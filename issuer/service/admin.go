package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	grpcauth "github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/auth"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/amanah-id/amanah/issuer/issuerpb"
	"github.com/amanah-id/amanah/issuer/registry"
	"github.com/amanah-id/amanah/issuer/store"
)

// APIKeyHeader is the metadata key of an admin API key ("authorization: Bearer <key>" also works),
// as on the verifier.
const APIKeyHeader = "x-api-key"

// AdminKeys authenticates admin callers by API key: name -> SHA-256 of the key.
type AdminKeys map[[32]byte]string

// ParseAdminKeys reads "name=key,name2=key2" (keys at least 16 characters) or
// "name=sha256:<hex>" entries.
func ParseAdminKeys(s string) (AdminKeys, error) {
	k := AdminKeys{}
	for _, e := range strings.Split(s, ",") {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		name, key, ok := strings.Cut(e, "=")
		if !ok || name == "" {
			return nil, fmt.Errorf("admin key %q: want name=key", e)
		}
		if h, ok := strings.CutPrefix(key, "sha256:"); ok {
			b, err := hex.DecodeString(h)
			if err != nil || len(b) != 32 {
				return nil, fmt.Errorf("admin key %s: sha256: want 64 hex digits", name)
			}
			k[[32]byte(b)] = name
			continue
		}
		if len(key) < 16 {
			return nil, fmt.Errorf("admin key %s: shorter than 16 characters", name)
		}
		k[sha256.Sum256([]byte(key))] = name
	}
	if len(k) == 0 {
		return nil, errors.New("no admin API key")
	}
	return k, nil
}

// Authenticate returns the caller's name.
func (k AdminKeys) Authenticate(ctx context.Context) (string, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	key := ""
	if v := md.Get(APIKeyHeader); len(v) > 0 {
		key = v[0]
	} else if v, err := grpcauth.AuthFromMD(ctx, "bearer"); err == nil {
		key = v
	}
	if key == "" {
		return "", status.Error(codes.Unauthenticated, "no API key")
	}
	name, ok := k[sha256.Sum256([]byte(key))]
	if !ok {
		return "", status.Error(codes.Unauthenticated, "unknown API key")
	}
	return name, nil
}

// NewAdminServer returns a gRPC server serving the admin API behind keys.
func (s *Service) NewAdminServer(keys AdminKeys) *grpc.Server {
	auth := func(ctx context.Context) (context.Context, error) {
		name, err := keys.Authenticate(ctx)
		if err != nil {
			return nil, err
		}
		s.cfg.Logger.Info("admin call", "caller", name)
		return ctx, nil
	}
	gs := grpc.NewServer(grpc.MaxRecvMsgSize(1<<20), grpc.UnaryInterceptor(grpcauth.UnaryServerInterceptor(auth)))
	issuerpb.RegisterAdminServer(gs, &admin{s: s})
	return gs
}

type admin struct {
	issuerpb.UnimplementedAdminServer
	s *Service
}

func (a *admin) CreateOffer(ctx context.Context, r *issuerpb.CreateOfferRequest) (*issuerpb.CreateOfferResponse, error) {
	if r.RecordId == "" {
		return nil, status.Error(codes.InvalidArgument, "record_id is required")
	}
	res, err := a.s.CreateOffer(ctx, OfferRequest{RecordID: r.RecordId, ConfigID: r.CredentialConfigurationId, TxCode: r.TxCode, BatchSize: int(r.BatchSize)})
	switch {
	case errors.Is(err, registry.ErrNoRecord):
		return nil, status.Error(codes.NotFound, err.Error())
	case errors.Is(err, ErrUnknownConfiguration), errors.Is(err, ErrBatchSize):
		return nil, status.Error(codes.InvalidArgument, err.Error())
	case err != nil:
		return nil, status.Error(codes.Internal, err.Error())
	}
	png, err := OfferQR(res.URIByReference)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &issuerpb.CreateOfferResponse{OfferUri: res.URIByReference, OfferByValueUri: res.URIByValue, QrPng: png,
		TxCode: res.TxCode, ExpiresUnix: res.Expires.Unix(), OfferId: res.ID}, nil
}

func (a *admin) SetStatus(ctx context.Context, r *issuerpb.SetStatusRequest) (*issuerpb.SetStatusResponse, error) {
	var v uint8
	switch r.Status {
	case issuerpb.Status_STATUS_VALID:
		v = 0
	case issuerpb.Status_STATUS_REVOKED:
		v = 1
	case issuerpb.Status_STATUS_SUSPENDED:
		v = 2
	default:
		return nil, status.Error(codes.InvalidArgument, "status must be valid, revoked or suspended")
	}
	b, h, hash, err := a.s.SetStatus(ctx, r.CredentialId, v)
	switch {
	case errors.Is(err, ErrUnknownCredential):
		return nil, status.Error(codes.NotFound, err.Error())
	case err != nil && strings.Contains(err.Error(), "revoked for good"):
		return nil, status.Error(codes.FailedPrecondition, err.Error())
	case err != nil:
		return nil, status.Error(codes.Unavailable, err.Error())
	}
	return &issuerpb.SetStatusResponse{Height: h, TxHash: hash, Credentials: uint32(len(b.Credentials))}, nil
}

func statusPB(s string) issuerpb.Status {
	switch s {
	case "valid":
		return issuerpb.Status_STATUS_VALID
	case "revoked":
		return issuerpb.Status_STATUS_REVOKED
	case "suspended":
		return issuerpb.Status_STATUS_SUSPENDED
	}
	return issuerpb.Status_STATUS_UNSPECIFIED
}

func (a *admin) ListIssuances(ctx context.Context, r *issuerpb.ListIssuancesRequest) (*issuerpb.ListIssuancesResponse, error) {
	limit := int(r.Limit)
	if limit <= 0 {
		limit = 100
	}
	if limit > 1000 {
		limit = 1000
	}
	bs, err := a.s.cfg.Store.Batches(r.After, limit)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	out := &issuerpb.ListIssuancesResponse{}
	for _, b := range bs {
		out.Issuances = append(out.Issuances, batchPB(b))
	}
	if len(bs) == limit {
		out.Next = bs[len(bs)-1].ID
	}
	return out, nil
}

func batchPB(b store.Batch) *issuerpb.Issuance {
	is := &issuerpb.Issuance{BatchId: b.ID, Vct: b.VCT, IssuedUnix: b.Issued.Unix(), Status: statusPB(b.Status)}
	for _, c := range b.Credentials {
		is.Credentials = append(is.Credentials, &issuerpb.IssuedCredential{CredentialId: c.ID, ListId: c.ListID, Index: c.Index, Signed: c.Signed})
	}
	return is
}
