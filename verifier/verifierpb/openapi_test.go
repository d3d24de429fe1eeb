package verifierpb_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	gogoproto "github.com/cosmos/gogoproto/proto"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"
	"sigs.k8s.io/yaml"

	_ "github.com/amanah-id/amanah/verifier/verifierpb"
)

// openAPIDoc is the part of docs/verifier-openapi.yaml the test compares with the proto.
type openAPIDoc struct {
	Paths map[string]map[string]struct {
		OperationID string `json:"operationId"`
		Parameters  []struct {
			Name string `json:"name"`
			In   string `json:"in"`
		} `json:"parameters"`
	} `json:"paths"`
	Definitions map[string]struct {
		Properties map[string]any `json:"properties"`
	} `json:"definitions"`
}

// TestOpenAPIMatchesProto fails when docs/verifier-openapi.yaml is stale: every RPC has its
// operation, every message its definition (or, for a GET request, its parameters) with
// exactly the proto's fields. `make proto-gen` regenerates the file.
func TestOpenAPIMatchesProto(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "verifier-openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc openAPIDoc
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	fd := verifierFile(t)

	ops := map[string][]string{} // operationId -> parameter names (query and path)
	for _, methods := range doc.Paths {
		for _, op := range methods {
			var params []string
			for _, p := range op.Parameters {
				if p.In != "body" {
					params = append(params, p.Name)
				}
			}
			ops[op.OperationID] = params
		}
	}
	bodyless := map[string]bool{} // GET request messages: fields are parameters
	for _, svc := range fd.GetService() {
		for _, m := range svc.GetMethod() {
			params, ok := ops[m.GetName()]
			if !ok {
				t.Errorf("rpc %s has no operation in the OpenAPI document (run make proto-gen)", m.GetName())
				continue
			}
			delete(ops, m.GetName())
			if len(params) > 0 {
				name := m.GetInputType()[strings.LastIndex(m.GetInputType(), ".")+1:]
				bodyless[name] = true
				if want := fieldNames(fd, name); !sameSet(params, want) {
					t.Errorf("rpc %s: parameters %v, proto fields %v (run make proto-gen)", m.GetName(), params, want)
				}
			}
		}
	}
	for op := range ops {
		t.Errorf("operation %s is not an rpc of the proto (run make proto-gen)", op)
	}
	for _, msg := range fd.GetMessageType() {
		if bodyless[msg.GetName()] {
			continue
		}
		def, ok := doc.Definitions[msg.GetName()]
		if !ok {
			t.Errorf("message %s has no definition (run make proto-gen)", msg.GetName())
			continue
		}
		var got []string
		for p := range def.Properties {
			got = append(got, p)
		}
		if want := fieldNames(fd, msg.GetName()); !sameSet(got, want) {
			t.Errorf("definition %s: properties %v, proto fields %v (run make proto-gen)", msg.GetName(), got, want)
		}
	}
}

func verifierFile(t *testing.T) *descriptorpb.FileDescriptorProto {
	t.Helper()
	gz := gogoproto.FileDescriptor("amanah/verifier/v1/verifier.proto")
	if gz == nil {
		t.Fatal("amanah/verifier/v1/verifier.proto is not registered")
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var fd descriptorpb.FileDescriptorProto
	if err := proto.Unmarshal(b, &fd); err != nil {
		t.Fatal(err)
	}
	return &fd
}

func fieldNames(fd *descriptorpb.FileDescriptorProto, msg string) []string {
	for _, m := range fd.GetMessageType() {
		if m.GetName() == msg {
			var out []string
			for _, f := range m.GetField() {
				out = append(out, f.GetName())
			}
			return out
		}
	}
	return nil
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
