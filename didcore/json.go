package didcore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/amanah-id/amanah/jsonstrict"
)

// Document JSON is read with jsonstrict (see its package comment for the rules).
//
// Two depth limits apply, both as before jsonstrict: a JSON value written canonically (a
// publicKeyJwk, a serviceEndpoint map value, an extension) may nest maxJSONDepth deep,
// counted from that value; the document as a whole only needs a bound that leaves room for
// those values under the document's own structure (at most 5 levels above them).
const (
	maxJSONDepth     = 32
	maxDocumentDepth = 64
)

var (
	docLimits   = jsonstrict.Limits{MaxDepth: maxDocumentDepth}
	valueLimits = jsonstrict.Limits{MaxDepth: maxJSONDepth}
)

// jsonObject splits one JSON object into its members, in document order.
func jsonObject(b []byte) ([]jsonstrict.Member, error) { return jsonstrict.Members(b, docLimits) }

// jsonArray splits one JSON array into its elements.
func jsonArray(b []byte) ([]json.RawMessage, error) { return jsonstrict.Elements(b, docLimits) }

// jsonString decodes a JSON string.
func jsonString(b []byte) (string, error) { return jsonstrict.String(b, docLimits) }

// canonicalJSON re-encodes a JSON value canonically: the bytes the ledger stores.
func canonicalJSON(b []byte) (json.RawMessage, error) { return jsonstrict.Canonical(b, valueLimits) }

// writeString writes s as a JSON string escaped as canonicalJSON escapes strings (as
// encoding/json does, <, > and & included), so json.Marshal(doc) equals doc.MarshalJSON().
func writeString(buf *bytes.Buffer, s string) {
	buf.Write(jsonstrict.AppendString(buf.AvailableBuffer(), s))
}

// jsonStrings decodes a JSON string (if allowString) or a non-empty array of strings.
func jsonStrings(b []byte, allowString bool) ([]string, error) {
	b = bytes.TrimSpace(b)
	if allowString && len(b) > 0 && b[0] == '"' {
		s, err := jsonString(b)
		if err != nil {
			return nil, err
		}
		return []string{s}, nil
	}
	elems, err := jsonArray(b)
	if err != nil {
		if allowString {
			return nil, errors.New("not a string or an array of strings")
		}
		return nil, err
	}
	if len(elems) == 0 {
		return nil, errors.New("empty array")
	}
	out := make([]string, len(elems))
	for i, e := range elems {
		if out[i], err = jsonString(e); err != nil {
			return nil, fmt.Errorf("element %d: %w", i, err)
		}
	}
	return out, nil
}

// endpointMapValues decodes a serviceEndpoint map value: a string or an array of strings.
func endpointMapValues(b []byte) ([]string, error) {
	if s, err := jsonString(b); err == nil {
		return []string{s}, nil
	}
	elems, err := jsonArray(b)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(elems))
	for i, e := range elems {
		if out[i], err = jsonString(e); err != nil {
			return nil, err
		}
	}
	return out, nil
}
