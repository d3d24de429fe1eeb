package types

import (
	"encoding/json"
	"time"
)

// ResolutionContext is the JSON-LD context of a DID resolution result.
const ResolutionContext = "https://w3id.org/did-resolution/v1"

// ResolutionResult is a W3C DID Resolution result in its JSON form.
type ResolutionResult struct {
	Context               string                 `json:"@context"`
	DidDocument           json.RawMessage        `json:"didDocument"`
	DidResolutionMetadata ResolutionMetadataJSON `json:"didResolutionMetadata"`
	DidDocumentMetadata   DocumentMetadataJSON   `json:"didDocumentMetadata"`
}

// ResolutionMetadataJSON is didResolutionMetadata in its JSON form.
type ResolutionMetadataJSON struct {
	ContentType  string `json:"contentType,omitempty"`
	Error        string `json:"error,omitempty"`
	ErrorMessage string `json:"errorMessage,omitempty"`
}

// DocumentMetadataJSON is didDocumentMetadata in its JSON form (times as XML datetimes in UTC
// without fractional seconds, as DID Core requires).
type DocumentMetadataJSON struct {
	Created           string `json:"created,omitempty"`
	Updated           string `json:"updated,omitempty"`
	Deactivated       bool   `json:"deactivated,omitempty"`
	VersionID         string `json:"versionId,omitempty"`
	PreviousVersionID string `json:"previousVersionId,omitempty"`
	NextVersionID     string `json:"nextVersionId,omitempty"`
	// RetiredKeys are the assertionMethod keys this version retired in good standing (an
	// Amanah extension; a key withdrawn without an entry is taken as compromised).
	RetiredKeys []RetiredKeyJSON `json:"retiredKeys,omitempty"`
}

// RetiredKeyJSON is a retired key in didDocumentMetadata (retiredAt in UTC, RFC 3339 with
// the fractional seconds it was recorded with).
type RetiredKeyJSON struct {
	ID        string `json:"id"`
	RetiredAt string `json:"retiredAt"`
}

// FormatTime writes t as DID Core metadata does: UTC, whole seconds, "Z".
func FormatTime(t time.Time) string { return t.UTC().Truncate(time.Second).Format(time.RFC3339) }

// JSON returns the metadata in its JSON form.
func (m DocumentMetadata) JSON() DocumentMetadataJSON {
	return DocumentMetadataJSON{
		Created:           FormatTime(m.Created),
		Updated:           FormatTime(m.Updated),
		Deactivated:       m.Deactivated,
		VersionID:         m.VersionId,
		PreviousVersionID: m.PreviousVersionId,
		NextVersionID:     m.NextVersionId,
		RetiredKeys:       retiredKeysJSON(m.RetiredKeys),
	}
}

func retiredKeysJSON(rks []RetiredKey) []RetiredKeyJSON {
	if len(rks) == 0 {
		return nil
	}
	out := make([]RetiredKeyJSON, len(rks))
	for i, rk := range rks {
		out[i] = RetiredKeyJSON{ID: rk.Id, RetiredAt: rk.RetiredAt.UTC().Format(time.RFC3339Nano)}
	}
	return out
}

// Result returns the resolution result in its W3C JSON form.
func (r *QueryResolveResponse) Result() ResolutionResult {
	out := ResolutionResult{
		Context:     ResolutionContext,
		DidDocument: json.RawMessage("null"),
		DidResolutionMetadata: ResolutionMetadataJSON{
			ContentType:  r.DidResolutionMetadata.ContentType,
			Error:        r.DidResolutionMetadata.Error,
			ErrorMessage: r.DidResolutionMetadata.ErrorMessage,
		},
	}
	if len(r.DidDocument) > 0 {
		out.DidDocument = json.RawMessage(r.DidDocument)
	}
	if r.DidDocumentMetadata != nil {
		out.DidDocumentMetadata = r.DidDocumentMetadata.JSON()
	}
	return out
}
