package rpcproxy

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// argNames are the positional parameter names (rpc/core/routes.go) of the methods whose
// parameters the proxy reads or rewrites.
var argNames = map[string][]string{
	"abci_query":       {"path", "data", "height", "prove"},
	"block":            {"height"},
	"block_results":    {"height"},
	"commit":           {"height"},
	"consensus_params": {"height"},
	"header":           {"height"},
	"validators":       {"height", "page", "per_page"},
}

func argIndex(method, name string) int {
	for i, n := range argNames[method] {
		if n == name {
			return i
		}
	}
	return -1
}

// call is one JSON-RPC request that expects a response: an element of a POST body (single or
// batch) or a URI GET request.
type call struct {
	method string
	idKey  string          // the id, compact JSON; "-1" for URI requests (CometBFT answers with id -1)
	id     json.RawMessage // as sent (nil for URI requests)

	elem  object            // POST: the request object
	obj   object            // POST: object params (nil otherwise)
	arr   []json.RawMessage // POST: array params (nil otherwise)
	query url.Values

	height    int64  // requested height; 0 when absent
	heightRaw string // the height as given, for logs ("" when absent)

	// abci_query
	path  string
	key   []byte
	keyOK bool

	dirty       bool            // the request was rewritten
	local       json.RawMessage // a full response the proxy made up; the call is not forwarded
	localStatus int
}

func (c *call) uri() bool { return c.elem == nil }

// param returns a POST parameter by name (or by its position for array params).
func (c *call) param(name string) (json.RawMessage, bool) {
	switch {
	case c.obj != nil:
		return c.obj.get(name)
	case c.arr != nil:
		if i := argIndex(c.method, name); i >= 0 && i < len(c.arr) {
			return c.arr[i], true
		}
	}
	return nil, false
}

func (c *call) uriParam(name string) string {
	if v := c.query[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

var reInt = regexp.MustCompile(`^-?[0-9]+$`)

// parseParams reads the height and, for abci_query, the path and key, the way CometBFT's
// server decodes them (rpc/jsonrpc/server).
func (c *call) parseParams() {
	if c.uri() {
		if v := c.uriParam("height"); v != "" {
			c.heightRaw = v
			c.height, _ = strconv.ParseInt(strings.Trim(v, `"`), 10, 64)
		}
		if c.method == "abci_query" {
			c.path = uriString(c.uriParam("path"))
			c.key, c.keyOK = uriBytes(c.uriParam("data"))
		}
		return
	}
	if raw, ok := c.param("height"); ok && !isNull(raw) {
		c.heightRaw = string(raw)
		if s, ok := stringValue(raw); ok {
			c.height, _ = strconv.ParseInt(s, 10, 64)
		} else {
			_ = json.Unmarshal(raw, &c.height)
		}
	}
	if c.method == "abci_query" {
		if raw, ok := c.param("path"); ok {
			c.path, _ = stringValue(raw)
		}
		if raw, ok := c.param("data"); ok {
			if isNull(raw) {
				c.keyOK = true
			} else if s, ok := stringValue(raw); ok {
				if b, err := hex.DecodeString(s); err == nil {
					c.key, c.keyOK = b, true
				}
			}
		} else {
			c.keyOK = true // no data: the empty key
		}
	}
}

// uriString decodes a string URI argument: "quoted" JSON or 0x-hex.
func uriString(v string) string {
	if strings.HasPrefix(strings.ToLower(v), "0x") {
		if b, err := hex.DecodeString(v[2:]); err == nil {
			return string(b)
		}
	}
	if s, ok := stringValue(json.RawMessage(v)); ok {
		return s
	}
	return v
}

// uriBytes decodes a []byte URI argument: 0x-hex or a "quoted" string's bytes.
func uriBytes(v string) ([]byte, bool) {
	switch {
	case v == "":
		return nil, true
	case strings.HasPrefix(strings.ToLower(v), "0x"):
		b, err := hex.DecodeString(v[2:])
		return b, err == nil
	case strings.HasPrefix(v, `"`):
		s, ok := stringValue(json.RawMessage(v))
		return []byte(s), ok
	}
	return nil, false
}

// setHeight rewrites the request's height; it reports false if the request cannot carry one.
func (c *call) setHeight(h int64) bool {
	hs := strconv.FormatInt(h, 10)
	switch {
	case c.uri():
		c.query["height"] = []string{hs}
	case c.obj != nil:
		c.obj.set("height", jsonString(hs)) // CometBFT encodes int64 as a JSON string
		c.elem.set("params", c.obj.marshal())
	case c.arr != nil:
		i := argIndex(c.method, "height")
		if i < 0 || i >= len(c.arr) {
			return false
		}
		c.arr[i] = jsonString(hs)
		c.elem.set("params", joinArray(c.arr))
	default: // no params at all
		c.obj = object{{key: "height", val: jsonString(hs)}}
		c.elem.set("params", c.obj.marshal())
	}
	c.dirty = true
	return true
}

// hookParams are the params a Hook sees: as sent for POST; for URI requests the query
// normalised to a JSON-RPC params object (ints and 0x-hex as JSON strings, "quoted" strings
// as they are, true/false as booleans).
func (c *call) hookParams() json.RawMessage {
	if !c.uri() {
		raw, _ := c.elem.get("params")
		return raw
	}
	keys := make([]string, 0, len(c.query))
	for k := range c.query {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var o object
	for _, k := range keys {
		v := c.uriParam(k)
		var val json.RawMessage
		switch {
		case reInt.MatchString(v):
			val = jsonString(v)
		case v == "true" || v == "false":
			val = json.RawMessage(v)
		case strings.HasPrefix(strings.ToLower(v), "0x"):
			val = jsonString(strings.ToUpper(v[2:]))
		case strings.HasPrefix(v, `"`) && json.Valid([]byte(v)):
			val = json.RawMessage(v)
		default:
			val = jsonString(v)
		}
		o = append(o, member{key: k, val: val})
	}
	if o == nil {
		return json.RawMessage("{}")
	}
	return o.marshal()
}

// slot is one element of a POST body: a call, or a notification or unparsable element that is
// forwarded as it is.
type slot struct {
	raw json.RawMessage
	c   *call
}

// exchange is one HTTP request/response that the active modes may tamper with.
type exchange struct {
	modes    []Mode
	batch    bool // the POST body was a JSON array
	slots    []slot
	calls    []*call // the calls, in request order
	body     []byte  // the body to forward
	rawQuery *string // the rewritten query of a URI request
}

func (p *Proxy) newExchange(w http.ResponseWriter, r *http.Request, modes []Mode) (*exchange, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, p.cfg.maxBody))
	if err != nil {
		return nil, err
	}
	ex := &exchange{modes: modes, body: body}
	method := strings.TrimPrefix(r.URL.Path, "/")
	switch {
	case r.Method == http.MethodGet && method != "" && !strings.Contains(method, "/"):
		c := &call{method: method, idKey: "-1", query: r.URL.Query()}
		c.parseParams()
		ex.calls = []*call{c}
	case r.Method == http.MethodPost:
		ex.parseBody(body)
	}
	if len(ex.calls) == 0 {
		return ex, nil
	}
	for _, m := range modes {
		if rw, ok := m.(requestRewriter); ok {
			for _, c := range ex.calls {
				if c.local == nil {
					rw.rewriteRequest(p, c)
				}
			}
		}
	}
	ex.rebuild()
	return ex, nil
}

func (ex *exchange) parseBody(body []byte) {
	t := bytes.TrimSpace(body)
	var elems []json.RawMessage
	if a, ok := parseArray(t); ok {
		ex.batch = true
		elems = a
	} else if len(t) > 0 && t[0] == '{' {
		elems = []json.RawMessage{t}
	}
	for _, e := range elems {
		s := slot{raw: e}
		if o, err := parseObject(e); err == nil {
			id, hasID := o.get("id")
			mraw, _ := o.get("method")
			method, isString := stringValue(mraw)
			if hasID && !isNull(id) && isString {
				c := &call{method: method, idKey: compactKey(id), id: id, elem: o}
				if params, ok := o.get("params"); ok {
					if po, err := parseObject(params); err == nil {
						c.obj = po
					} else if pa, ok := parseArray(params); ok {
						c.arr = pa
					}
				}
				c.parseParams()
				s.c = c
				ex.calls = append(ex.calls, c)
			}
		}
		ex.slots = append(ex.slots, s)
	}
}

func compactKey(raw json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return string(raw)
	}
	return b.String()
}

// rebuild makes the body (or query) to forward after the request rewriters ran.
func (ex *exchange) rebuild() {
	if len(ex.slots) == 0 { // URI request
		if c := ex.calls[0]; c.dirty {
			q := c.query.Encode()
			ex.rawQuery = &q
		}
		return
	}
	changed := false
	var fwd []json.RawMessage
	for _, s := range ex.slots {
		switch {
		case s.c != nil && s.c.local != nil:
			changed = true
		case s.c != nil && s.c.dirty:
			changed = true
			fwd = append(fwd, s.c.elem.marshal())
		default:
			fwd = append(fwd, s.raw)
		}
	}
	if !changed {
		return
	}
	switch {
	case ex.batch:
		ex.body = joinArray(fwd)
	case len(fwd) == 1:
		ex.body = fwd[0]
	default:
		ex.body = nil
	}
}

// answeredLocally reports whether nothing needs to go upstream: every call was answered by
// the proxy and there is no notification or other element to forward.
func (ex *exchange) answeredLocally() bool {
	if len(ex.calls) == 0 {
		return false
	}
	for _, c := range ex.calls {
		if c.local == nil {
			return false
		}
	}
	return len(ex.slots) == len(ex.calls) || len(ex.slots) == 0
}

func (ex *exchange) localResponse() ([]byte, int) {
	status := http.StatusOK
	var out []json.RawMessage
	for _, c := range ex.calls {
		out = append(out, c.local)
		if c.uri() && c.localStatus != 0 {
			status = c.localStatus
		}
	}
	if len(out) == 1 { // CometBFT answers a one-response batch with a bare object, too
		return out[0], status
	}
	return joinArray(out), status
}

// tamperResponses applies the modes to every response of the exchange and merges in the
// responses the proxy made up; it returns false (and raw) when nothing changed.
func (p *Proxy) tamperResponses(ctx context.Context, ex *exchange, raw []byte) ([]byte, bool) {
	var elems []json.RawMessage
	isArray := false
	if t := bytes.TrimSpace(raw); len(t) > 0 {
		if a, ok := parseArray(t); ok {
			elems, isArray = a, true
		} else {
			elems = []json.RawMessage{raw}
		}
	}
	var fwd []*call
	hasLocal := false
	for _, c := range ex.calls {
		if c.local != nil {
			hasLocal = true
		} else {
			fwd = append(fwd, c)
		}
	}
	used := make([]bool, len(fwd))
	matched := make([]*call, len(elems))
	changed := false
	for i, e := range elems {
		o, err := parseObject(e)
		if err != nil {
			continue
		}
		c := matchCall(o, fwd, used, !ex.batch)
		if c == nil {
			continue
		}
		matched[i] = c
		if ne, ch := p.tamperOne(ctx, ex.modes, c, o); ch {
			elems[i] = ne
			changed = true
		}
	}
	if !hasLocal {
		switch {
		case !changed:
			return raw, false
		case isArray:
			return joinArray(elems), true
		default:
			return elems[0], true
		}
	}
	taken := make([]bool, len(elems))
	var out []json.RawMessage
	for _, c := range ex.calls {
		if c.local != nil {
			out = append(out, c.local)
			continue
		}
		for i, m := range matched {
			if m == c && !taken[i] {
				out = append(out, elems[i])
				taken[i] = true
				break
			}
		}
	}
	for i, e := range elems {
		if !taken[i] {
			out = append(out, e)
		}
	}
	if len(out) == 1 {
		return out[0], true
	}
	return joinArray(out), true
}

// matchCall finds the forwarded call a response answers: by id, or the only call of a single
// (non-batch) request, whatever id it came back with (URI requests are answered with id -1).
func matchCall(resp object, fwd []*call, used []bool, single bool) *call {
	if single && len(fwd) == 1 && !used[0] {
		used[0] = true
		return fwd[0]
	}
	id, ok := resp.get("id")
	if !ok {
		return nil
	}
	key := compactKey(id)
	for i, c := range fwd {
		if !used[i] && c.idKey == key {
			used[i] = true
			return c
		}
	}
	return nil
}

// tamperOne applies the modes, in order, to the result of one response.
func (p *Proxy) tamperOne(ctx context.Context, modes []Mode, c *call, resp object) (json.RawMessage, bool) {
	result, ok := resp.get("result")
	if !ok || isNull(result) {
		return nil, false
	}
	changed := false
	for _, m := range modes {
		nr, detail, ch := m.tamperResult(ctx, p, c, result)
		if ch {
			result = nr
			changed = true
			p.record(m.Kind(), c.method, detail)
		}
	}
	if !changed {
		return nil, false
	}
	resp.set("result", result)
	return resp.marshal(), true
}

// rpcErrorResponse is a JSON-RPC error response as CometBFT writes it.
func rpcErrorResponse(c *call, code int, message, data string) json.RawMessage {
	id := c.id
	if c.uri() {
		id = json.RawMessage("-1")
	}
	e, _ := json.Marshal(struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Data    string `json:"data,omitempty"`
	}{code, message, data})
	o := object{{key: "jsonrpc", val: jsonString("2.0")}, {key: "id", val: id}, {key: "error", val: e}}
	return o.marshal()
}

// rpcResultResponse is a JSON-RPC success response.
func rpcResultResponse(c *call, result json.RawMessage) json.RawMessage {
	id := c.id
	if c.uri() {
		id = json.RawMessage("-1")
	}
	o := object{{key: "jsonrpc", val: jsonString("2.0")}, {key: "id", val: id}, {key: "result", val: result}}
	return o.marshal()
}
