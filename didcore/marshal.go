package didcore

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// MarshalJSON writes the document deterministically (see the package comment).
func (d Document) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	w := objWriter{buf: &buf}
	buf.WriteByte('{')
	if len(d.Context) > 0 {
		w.name("@context")
		writeStringOrArray(&buf, d.Context)
	}
	w.name("id")
	writeString(&buf, d.ID)
	if len(d.Controller) > 0 {
		w.name("controller")
		writeStringOrArray(&buf, d.Controller)
	}
	if len(d.AlsoKnownAs) > 0 {
		w.name("alsoKnownAs")
		writeStringArray(&buf, d.AlsoKnownAs)
	}
	if len(d.VerificationMethods) > 0 {
		w.name("verificationMethod")
		buf.WriteByte('[')
		for i := range d.VerificationMethods {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := d.VerificationMethods[i].write(&buf); err != nil {
				return nil, fmt.Errorf("verificationMethod[%d]: %w", i, err)
			}
		}
		buf.WriteByte(']')
	}
	for _, rel := range Relationships {
		refs := *d.relationship(rel)
		if len(refs) == 0 {
			continue
		}
		w.name(string(rel))
		buf.WriteByte('[')
		for i, r := range refs {
			if i > 0 {
				buf.WriteByte(',')
			}
			if r.Embedded != nil {
				if err := r.Embedded.write(&buf); err != nil {
					return nil, fmt.Errorf("%s[%d]: %w", rel, i, err)
				}
			} else {
				writeString(&buf, r.Ref)
			}
		}
		buf.WriteByte(']')
	}
	if len(d.Service) > 0 {
		w.name("service")
		buf.WriteByte('[')
		for i := range d.Service {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := d.Service[i].write(&buf); err != nil {
				return nil, fmt.Errorf("service[%d]: %w", i, err)
			}
		}
		buf.WriteByte(']')
	}
	if err := w.extensions(d.Extensions); err != nil {
		return nil, err
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// objWriter writes member names with the separating commas.
type objWriter struct {
	buf *bytes.Buffer
	n   int
}

func (w *objWriter) name(n string) {
	if w.n > 0 {
		w.buf.WriteByte(',')
	}
	w.n++
	writeString(w.buf, n)
	w.buf.WriteByte(':')
}

// extensions writes extension members sorted by name, re-canonicalising each value.
func (w *objWriter) extensions(ext map[string]json.RawMessage) error {
	for _, k := range sortedKeys(ext) {
		c, err := canonicalJSON(ext[k])
		if err != nil {
			return fmt.Errorf("extension %q: %w: %w", k, ErrInvalidJSON, err)
		}
		w.name(k)
		w.buf.Write(c)
	}
	return nil
}

func writeStringOrArray(buf *bytes.Buffer, ss []string) {
	if len(ss) == 1 {
		writeString(buf, ss[0])
		return
	}
	writeStringArray(buf, ss)
}

func writeStringArray(buf *bytes.Buffer, ss []string) {
	buf.WriteByte('[')
	for i, s := range ss {
		if i > 0 {
			buf.WriteByte(',')
		}
		writeString(buf, s)
	}
	buf.WriteByte(']')
}

// MarshalJSON writes the verification method with members in a fixed order.
func (vm VerificationMethod) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	if err := vm.write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (vm *VerificationMethod) write(buf *bytes.Buffer) error {
	w := objWriter{buf: buf}
	buf.WriteByte('{')
	w.name("id")
	writeString(buf, vm.ID)
	w.name("type")
	writeString(buf, vm.Type)
	w.name("controller")
	writeString(buf, vm.Controller)
	if vm.PublicKeyMultibase != "" {
		w.name("publicKeyMultibase")
		writeString(buf, vm.PublicKeyMultibase)
	}
	if len(vm.PublicKeyJwk) > 0 {
		c, err := canonicalJSON(vm.PublicKeyJwk)
		if err != nil {
			return fmt.Errorf("publicKeyJwk: %w: %w", ErrInvalidJSON, err)
		}
		w.name("publicKeyJwk")
		buf.Write(c)
	}
	if err := w.extensions(vm.Extensions); err != nil {
		return err
	}
	buf.WriteByte('}')
	return nil
}

// MarshalJSON writes a string reference or the embedded method.
func (r MethodRef) MarshalJSON() ([]byte, error) {
	if r.Embedded != nil {
		return r.Embedded.MarshalJSON()
	}
	var buf bytes.Buffer
	writeString(&buf, r.Ref)
	return buf.Bytes(), nil
}

// MarshalJSON writes the service with members in a fixed order.
func (s Service) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	if err := s.write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (s *Service) write(buf *bytes.Buffer) error {
	w := objWriter{buf: buf}
	buf.WriteByte('{')
	w.name("id")
	writeString(buf, s.ID)
	w.name("type")
	writeStringOrArray(buf, s.Type)
	w.name("serviceEndpoint")
	if err := s.ServiceEndpoint.write(buf); err != nil {
		return fmt.Errorf("serviceEndpoint: %w", err)
	}
	if err := w.extensions(s.Extensions); err != nil {
		return err
	}
	buf.WriteByte('}')
	return nil
}

// MarshalJSON writes the endpoint: a string, a map with sorted keys, or an array.
func (e ServiceEndpoint) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	if err := e.write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (e *ServiceEndpoint) write(buf *bytes.Buffer) error {
	switch {
	case e.Map != nil:
		w := objWriter{buf: buf}
		buf.WriteByte('{')
		for _, k := range sortedKeys(e.Map) {
			c, err := canonicalJSON(e.Map[k])
			if err != nil {
				return fmt.Errorf("%q: %w: %w", k, ErrInvalidJSON, err)
			}
			w.name(k)
			buf.Write(c)
		}
		buf.WriteByte('}')
	case e.Set != nil:
		buf.WriteByte('[')
		for i := range e.Set {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := e.Set[i].write(buf); err != nil {
				return fmt.Errorf("[%d]: %w", i, err)
			}
		}
		buf.WriteByte(']')
	default:
		writeString(buf, e.URI)
	}
	return nil
}
