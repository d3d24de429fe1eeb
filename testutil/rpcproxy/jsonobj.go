package rpcproxy

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// object is a JSON object that keeps its members' order and raw values, so that a tampered
// response differs from the original only in the members that were changed.
type object []member

type member struct {
	key string
	val json.RawMessage
}

var errNotObject = errors.New("not a JSON object")

func parseObject(raw []byte) (object, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errNotObject
	}
	o := object{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, ok := tok.(string)
		if !ok {
			return nil, errNotObject
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		o = append(o, member{key: key, val: v})
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, errNotObject
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after JSON object")
	}
	return o, nil
}

// get returns the value of key (the last one if it is repeated, as encoding/json reads it).
func (o object) get(key string) (json.RawMessage, bool) {
	for i := len(o) - 1; i >= 0; i-- {
		if o[i].key == key {
			return o[i].val, true
		}
	}
	return nil, false
}

// set replaces the value of key in place, or appends key.
func (o *object) set(key string, val json.RawMessage) {
	for i := len(*o) - 1; i >= 0; i-- {
		if (*o)[i].key == key {
			(*o)[i].val = val
			return
		}
	}
	*o = append(*o, member{key: key, val: val})
}

func (o object) marshal() json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.key)
		b.Write(k)
		b.WriteByte(':')
		if len(m.val) == 0 {
			b.WriteString("null")
		} else {
			b.Write(m.val)
		}
	}
	b.WriteByte('}')
	return b.Bytes()
}

// editObject applies fn to the object found by following path from the object raw and returns
// the re-encoded raw and true if fn reported a change; otherwise raw itself and false.
func editObject(raw json.RawMessage, path []string, fn func(o *object) bool) (json.RawMessage, bool) {
	o, err := parseObject(raw)
	if err != nil {
		return raw, false
	}
	if len(path) == 0 {
		if !fn(&o) {
			return raw, false
		}
		return o.marshal(), true
	}
	child, ok := o.get(path[0])
	if !ok {
		return raw, false
	}
	nc, changed := editObject(child, path[1:], fn)
	if !changed {
		return raw, false
	}
	o.set(path[0], nc)
	return o.marshal(), true
}

// lookup returns the value at path inside the object raw.
func lookup(raw json.RawMessage, path ...string) (json.RawMessage, bool) {
	for _, k := range path {
		o, err := parseObject(raw)
		if err != nil {
			return nil, false
		}
		v, found := o.get(k)
		if !found {
			return nil, false
		}
		raw = v
	}
	return raw, true
}

func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}

// parseArray splits a JSON array into its raw elements; ok is false if raw is not an array.
func parseArray(raw []byte) ([]json.RawMessage, bool) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || t[0] != '[' {
		return nil, false
	}
	var a []json.RawMessage
	if err := json.Unmarshal(t, &a); err != nil {
		return nil, false
	}
	return a, true
}

func joinArray(elems []json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, e := range elems {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(e)
	}
	b.WriteByte(']')
	return b.Bytes()
}

func jsonString(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}

// stringValue decodes a JSON string.
func stringValue(raw json.RawMessage) (string, bool) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}
