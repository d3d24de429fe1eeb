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
	}
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
