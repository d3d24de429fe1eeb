package issuertest

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"github.com/amanah-id/amanah/issuer/issuerpb"
)

// Admin dials the process's admin API; ctx carries its API key. Close the connection.
func (is *Issuer) Admin(ctx context.Context) (issuerpb.AdminClient, context.Context, *grpc.ClientConn, error) {
	conn, err := grpc.NewClient(is.AdminAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, nil, nil, err
	}
	return issuerpb.NewAdminClient(conn), metadata.AppendToOutgoingContext(ctx, "x-api-key", is.AdminKey), conn, nil
}

// Offer creates an offer for a record (DefaultRecords holds "880412-14-5566") and returns
// the offer URI by reference and the transaction code ("" unless txCode).
func (is *Issuer) Offer(ctx context.Context, record string, txCode bool) (uri, code string, err error) {
	c, actx, conn, err := is.Admin(ctx)
	if err != nil {
		return "", "", err
	}
	defer conn.Close()
	r, err := c.CreateOffer(actx, &issuerpb.CreateOfferRequest{RecordId: record, TxCode: txCode})
	if err != nil {
		return "", "", err
	}
	return r.OfferUri, r.TxCode, nil
}

// SetStatus revokes (issuerpb.Status_STATUS_REVOKED), suspends or reinstates the batch of
// the credential whose status entry is (listID, index), or of credentialID when given.
func (is *Issuer) SetStatus(ctx context.Context, credentialID string, listID uint64, index uint32, st issuerpb.Status) (*issuerpb.SetStatusResponse, error) {
	c, actx, conn, err := is.Admin(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if credentialID == "" {
		after := ""
		for credentialID == "" {
			page, err := c.ListIssuances(actx, &issuerpb.ListIssuancesRequest{After: after})
			if err != nil {
				return nil, err
			}
			for _, b := range page.Issuances {
				for _, cr := range b.Credentials {
					if cr.ListId == listID && cr.Index == index {
						credentialID = cr.CredentialId
					}
				}
			}
			if page.Next == "" {
				break
			}
			after = page.Next
		}
	}
	return c.SetStatus(actx, &issuerpb.SetStatusRequest{CredentialId: credentialID, Status: st})
}
