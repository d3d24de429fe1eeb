package client

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/amanah-id/amanah/verifier/verifierpb"
)

// PresentationRequest is an OpenID4VP request to show the citizen.
type PresentationRequest struct {
	// TransactionID names it for PresentationResult.
	TransactionID string
	// URI is the openid4vp:// request URI (a link or QR code); QRPNG is its QR code.
	URI   string
	QRPNG []byte
	// Expires is when the wallet can no longer answer.
	Expires time.Time
}

// PresentationQuery is what a presentation request asks for: a DCQL query
// (JSON), or the simple form (credential types and top-level claims).
type PresentationQuery struct {
	DCQL   string
	VCTs   []string
	Claims []string
	// ResponseMode is direct_post.jwt (default) or direct_post.
	ResponseMode string
	// RedirectURI is the same-device redirect (optional).
	RedirectURI string
}

// CreatePresentationRequest starts an OpenID4VP presentation.
func (c *Client) CreatePresentationRequest(ctx context.Context, q PresentationQuery) (*PresentationRequest, error) {
	r, err := c.rpc.CreatePresentationRequest(c.ctx(ctx), &verifierpb.CreatePresentationRequestRequest{DcqlQuery: q.DCQL,
		VctValues: q.VCTs, Claims: q.Claims, ResponseMode: q.ResponseMode, RedirectUri: q.RedirectURI})
	if err != nil {
		return nil, err
	}
	return &PresentationRequest{TransactionID: r.TransactionId, URI: r.RequestUri, QRPNG: r.QrPng, Expires: time.Unix(r.ExpiresAtUnix, 0)}, nil
}

// PresentationResult returns the transaction's state now ("pending",
// "complete" or "expired"); responseCode is the same-device redirect's code ("" otherwise).
func (c *Client) PresentationResult(ctx context.Context, transactionID, responseCode string) (*verifierpb.GetPresentationResultResponse, error) {
	return c.rpc.GetPresentationResult(c.ctx(ctx), &verifierpb.GetPresentationResultRequest{TransactionId: transactionID, ResponseCode: responseCode})
}

// AwaitPresentationResult waits for the wallet's answer (or the request's
// expiry, or ctx) and returns the final state.
func (c *Client) AwaitPresentationResult(ctx context.Context, transactionID, responseCode string) (*verifierpb.GetPresentationResultResponse, error) {
	st, err := c.rpc.AwaitPresentationResult(c.ctx(ctx), &verifierpb.GetPresentationResultRequest{TransactionId: transactionID, ResponseCode: responseCode})
	if err != nil {
		return nil, err
	}
	var last *verifierpb.GetPresentationResultResponse
	for {
		r, err := st.Recv()
		if errors.Is(err, io.EOF) {
			if last == nil {
				return nil, io.ErrUnexpectedEOF
			}
			return last, nil
		}
		if err != nil {
			return nil, err
		}
		last = r
		if r.Status != "pending" {
			return r, nil
		}
	}
}
