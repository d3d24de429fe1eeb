// Package registry is where amanah-issuer gets a citizen's claims: the agency's own register.
// Registry is the interface; File reads a JSON or CSV file of records (the default, for the
// demo and tests), HTTP calls the agency's registry over HTTPS. The issuer service asks for a
// record only while it answers a credential request and keeps no claim value.
package registry

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/amanah-id/amanah/jsonstrict"
)

// ErrNoRecord: the registry holds no record of that id.
var ErrNoRecord = errors.New("registry: no such record")

// Registry returns the claims of one citizen record.
type Registry interface {
	// Record returns the record's claims (given_name, birthdate, address{...}, ...).
	Record(ctx context.Context, id string) (map[string]any, error)
	// Has reports whether a record exists (for offers; no claim is returned).
	Has(ctx context.Context, id string) (bool, error)
}

// maxFile bounds a registry file.
const maxFile = 64 << 20

// File is a registry loaded from a file: JSON (an object {"<id>": {claims}} or an array of
// objects with an "id" member) or CSV (a header row naming "id" and the claims; a column
// "address.locality" fills a nested object). Empty CSV cells are left out.
type File struct{ records map[string]map[string]any }

// LoadFile reads path (.json or .csv).
func LoadFile(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) > maxFile {
		return nil, fmt.Errorf("registry: %s larger than %d bytes", path, maxFile)
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		return ParseJSON(b)
	case ".csv":
		return ParseCSV(b)
	}
	return nil, fmt.Errorf("registry: %s: want a .json or .csv file", path)
}

// ParseJSON reads JSON records.
func ParseJSON(b []byte) (*File, error) {
	v, err := jsonstrict.Decode(b, jsonstrict.Limits{MaxDepth: 16})
	if err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	f := &File{records: map[string]map[string]any{}}
	switch t := v.(type) {
	case map[string]any:
		for id, r := range t {
			m, ok := r.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("registry: record %q is not an object", id)
			}
			f.records[id] = normalize(m)
		}
	case []any:
		for i, r := range t {
			m, ok := r.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("registry: record %d is not an object", i)
			}
			id, _ := m["id"].(string)
			if id == "" {
				return nil, fmt.Errorf("registry: record %d has no string id", i)
			}
			if _, dup := f.records[id]; dup {
				return nil, fmt.Errorf("registry: record id %q twice", id)
			}
			delete(m, "id")
			f.records[id] = normalize(m)
		}
	default:
		return nil, errors.New("registry: want an object of records or an array of records")
	}
	return f, nil
}

// normalize turns json.Number into float64 or int64 (claims are plain JSON values).
func normalize(m map[string]any) map[string]any {
	for k, v := range m {
		m[k] = normValue(v)
	}
	return m
}

func normValue(v any) any {
	switch t := v.(type) {
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		f, _ := t.Float64()
		return f
	case map[string]any:
		return normalize(t)
	case []any:
		for i := range t {
			t[i] = normValue(t[i])
		}
	}
	return v
}

// ParseCSV reads CSV records.
func ParseCSV(b []byte) (*File, error) {
	r := csv.NewReader(bytes.NewReader(b))
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("registry: csv: %w", err)
	}
	if len(rows) == 0 {
		return nil, errors.New("registry: csv has no header row")
	}
	hdr := rows[0]
	idCol := -1
	for i, h := range hdr {
		if h == "id" {
			idCol = i
		}
	}
	if idCol < 0 {
		return nil, errors.New(`registry: csv header has no "id" column`)
	}
	f := &File{records: map[string]map[string]any{}}
	for n, row := range rows[1:] {
		id := row[idCol]
		if id == "" {
			return nil, fmt.Errorf("registry: csv row %d has no id", n+2)
		}
		if _, dup := f.records[id]; dup {
			return nil, fmt.Errorf("registry: record id %q twice", id)
		}
		rec := map[string]any{}
		for i, cell := range row {
			if i == idCol || cell == "" {
				continue
			}
			parts := strings.Split(hdr[i], ".")
			m := rec
			for _, p := range parts[:len(parts)-1] {
				sub, ok := m[p].(map[string]any)
				if !ok {
					sub = map[string]any{}
					m[p] = sub
				}
				m = sub
			}
			m[parts[len(parts)-1]] = cell
		}
		f.records[id] = rec
	}
	return f, nil
}

// Record returns a copy of the record's claims.
func (f *File) Record(_ context.Context, id string) (map[string]any, error) {
	r, ok := f.records[id]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrNoRecord, id)
	}
	b, _ := json.Marshal(r)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Has reports whether the record exists.
func (f *File) Has(_ context.Context, id string) (bool, error) {
	_, ok := f.records[id]
	return ok, nil
}

// HTTP calls an agency registry: GET <Base>/<url-escaped id> answers 200 with the record's
// claims as a JSON object, or 404. Token, when set, is sent as a bearer token.
type HTTP struct {
	Base   string
	Token  string
	Client *http.Client
}

func (h *HTTP) get(ctx context.Context, id string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(h.Base, "/")+"/"+url.PathEscape(id), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	if h.Token != "" {
		req.Header.Set("Authorization", "Bearer "+h.Token)
	}
	c := h.Client
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	return c.Do(req)
}

// Record fetches the record.
func (h *HTTP) Record(ctx context.Context, id string) (map[string]any, error) {
	resp, err := h.get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil, fmt.Errorf("%w: %q", ErrNoRecord, id)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("registry: %s answered %s", h.Base, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20+1))
	if err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	if len(b) > 1<<20 {
		return nil, errors.New("registry: record larger than 1 MiB")
	}
	m, err := jsonstrict.DecodeObject(b, jsonstrict.Limits{MaxDepth: 16})
	if err != nil {
		return nil, fmt.Errorf("registry: record: %w", err)
	}
	return normalize(m), nil
}

// Has asks for the record and discards it.
func (h *HTTP) Has(ctx context.Context, id string) (bool, error) {
	resp, err := h.get(ctx, id)
	if err != nil {
		return false, fmt.Errorf("registry: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	switch resp.StatusCode {
	case http.StatusOK:
		return true, nil
	case http.StatusNotFound:
		return false, nil
	}
	return false, fmt.Errorf("registry: %s answered %s", h.Base, resp.Status)
}
