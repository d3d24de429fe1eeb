// Package rest serves status lists over plain HTTP at the URL credentials name:
// GET /amanah/status/v1/lists/{id}?format=token|bitstring.
package rest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/amanah-id/amanah/x/status/types"
)

// RegisterRoutes adds the list endpoint to the node's API router.
func RegisterRoutes(r *mux.Router, qc types.QueryClient) {
	r.Handle(types.ListPath+"{id:[0-9]+}", NewHandler(qc)).Methods(http.MethodGet, http.MethodHead)
}

// TokenStatusList is the body of ?format=token: the IETF Token Status List claims (unsigned;
// the ledger, not an issuer signature, vouches for it) plus the ledger heights.
type TokenStatusList struct {
	Sub        string           `json:"sub"`
	StatusList TokenStatusClaim `json:"status_list"`
	Ledger     LedgerInfo       `json:"amanah"`
}

// TokenStatusClaim is the IETF status_list claim.
type TokenStatusClaim struct {
	Bits uint32 `json:"bits"`
	Lst  string `json:"lst"`
}

// LedgerInfo tells a client which list and which ledger state it got.
type LedgerInfo struct {
	ListID        uint64 `json:"list_id"`
	Owner         string `json:"owner"`
	Purpose       string `json:"purpose"`
	Size          uint32 `json:"size"`
	UpdatedHeight int64  `json:"updated_height"`
	Height        int64  `json:"height"`
}

// BitstringCredential is the body of ?format=bitstring: a W3C BitstringStatusListCredential
// without a proof (the ledger vouches for it).
type BitstringCredential struct {
	Context           []string          `json:"@context"`
	ID                string            `json:"id"`
	Type              []string          `json:"type"`
	Issuer            string            `json:"issuer"`
	CredentialSubject BitstringStatuses `json:"credentialSubject"`
	Ledger            LedgerInfo        `json:"amanah"`
}

// BitstringStatuses is the credentialSubject of a BitstringStatusListCredential.
type BitstringStatuses struct {
	ID            string          `json:"id"`
	Type          string          `json:"type"`
	StatusPurpose string          `json:"statusPurpose"`
	EncodedList   string          `json:"encodedList"`
	StatusSize    uint32          `json:"statusSize,omitempty"`
	StatusMessage []StatusMessage `json:"statusMessage,omitempty"`
}

// StatusMessage names one value of a multi-bit list.
type StatusMessage struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

// statusMessages are the meanings of 2-bit values (IETF Token Status List values).
var statusMessages = []StatusMessage{
	{"0x0", "valid"}, {"0x1", "revoked"}, {"0x2", "suspended"}, {"0x3", "application specific"},
}

// NewHandler returns the list endpoint handler.
func NewHandler(qc types.QueryClient) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseUint(strings.TrimPrefix(r.URL.Path, types.ListPath), 10, 64)
		if err != nil || id == 0 {
			httpError(w, http.StatusBadRequest, "list id must be a positive decimal")
			return
		}
		format := r.URL.Query().Get("format")
		qf := types.ListFormat_LIST_FORMAT_TOKEN
		switch format {
		case "", types.FormatToken:
			format = types.FormatToken
		case types.FormatBitstring:
			qf = types.ListFormat_LIST_FORMAT_BITSTRING
		default:
			httpError(w, http.StatusBadRequest, "format must be token or bitstring")
			return
		}
		res, err := qc.Encoded(r.Context(), &types.QueryEncodedRequest{ListId: id, Format: qf})
		if err != nil {
			if strings.Contains(err.Error(), types.ErrListNotFound.Error()) {
				httpError(w, http.StatusNotFound, fmt.Sprintf("status list %d not found", id))
				return
			}
			httpError(w, http.StatusBadGateway, err.Error())
			return
		}
		l := res.List
		self := requestURL(r, id, format)
		info := LedgerInfo{ListID: l.Id, Owner: l.Owner, Purpose: l.Purpose.W3CPurpose(), Size: l.Size_,
			UpdatedHeight: l.UpdatedHeight, Height: res.Height}
		etag := fmt.Sprintf(`"%d-%d-%s"`, l.Id, l.UpdatedHeight, format)
		w.Header().Set("ETag", etag)
		w.Header().Set("Cache-Control", "no-cache") // revalidate: the list may change in any block
		w.Header().Set("X-Amanah-Height", strconv.FormatInt(res.Height, 10))
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		var body any
		if format == types.FormatToken {
			body = TokenStatusList{Sub: self, StatusList: TokenStatusClaim{Bits: l.Bits, Lst: res.Lst}, Ledger: info}
		} else {
			subj := BitstringStatuses{ID: self + "#list", Type: "BitstringStatusList",
				StatusPurpose: l.Purpose.W3CPurpose(), EncodedList: res.EncodedList}
			if l.Bits > 1 {
				subj.StatusSize, subj.StatusMessage = l.Bits, statusMessages
			}
			body = BitstringCredential{
				Context: []string{"https://www.w3.org/ns/credentials/v2"}, ID: self,
				Type:   []string{"VerifiableCredential", "BitstringStatusListCredential"},
				Issuer: l.Owner, CredentialSubject: subj, Ledger: info,
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(body)
	})
}

// requestURL rebuilds the URL the client asked for (the URL the credential names).
func requestURL(r *http.Request, id uint64, format string) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	if format == types.FormatToken && r.URL.Query().Get("format") == "" {
		format = ""
	}
	return types.ListURL(scheme+"://"+r.Host, id, format)
}

func httpError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}
