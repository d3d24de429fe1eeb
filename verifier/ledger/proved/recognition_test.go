package proved

import (
	"bytes"
	"context"
	"testing"

	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

// answers is a Getter that answers every key from a map (absent: a proved absence).
type answers map[string][]byte

func (a answers) Get(_ context.Context, store string, key []byte, h int64) (Fact, error) {
	return Fact{Store: store, Key: key, Height: h, Value: a[string(key)]}, nil
}

// FuzzRecognition: whatever bytes a node returns as version 1 and 2 of a recognition, the
// reader never panics, and what it returns holds the chain id and contiguous versions asked for.
func FuzzRecognition(f *testing.F) {
	good, err := (&trusttypes.LedgerRecognition{ChainId: "amanah-th", Version: 1, DidNetwork: "th",
		TrustRoot: trusttypes.LightClientTrustRoot{Height: 1, HeaderHash: bytes.Repeat([]byte{1}, 32), TrustingPeriodSeconds: 3600},
		Types:     []trusttypes.RecognisedType{{ForeignVct: "https://th.example/id", Claims: []string{"given_name"}}}}).Marshal()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good, []byte(nil))
	f.Add(good, good)
	f.Add([]byte{0xff, 0x01}, []byte(nil))
	f.Add([]byte{}, []byte{0x0a, 0x02, 'x'})
	f.Fuzz(func(t *testing.T, v1, v2 []byte) {
		a := answers{}
		if v1 != nil {
			a[string(LedgerRecognitionKey("amanah-th", 1))] = v1
		}
		if v2 != nil {
			a[string(LedgerRecognitionKey("amanah-th", 2))] = v2
		}
		rs, err := Recognition(context.Background(), a, "amanah-th", 5, nil)
		if err != nil {
			return
		}
		for i, r := range rs {
			if r.ChainId != "amanah-th" || r.Version != uint32(i+1) {
				t.Fatalf("version %d: %+v", i+1, r)
			}
		}
	})
}

// TestRecognitionReader: versions 1..n then an absence; a value of another chain id or version
// is not proved.
func TestRecognitionReader(t *testing.T) {
	mk := func(chain string, v uint32) []byte {
		b, err := (&trusttypes.LedgerRecognition{ChainId: chain, Version: v}).Marshal()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a := answers{string(LedgerRecognitionKey("amanah-th", 1)): mk("amanah-th", 1), string(LedgerRecognitionKey("amanah-th", 2)): mk("amanah-th", 2)}
	fs := &Facts{}
	rs, err := Recognition(context.Background(), a, "amanah-th", 5, fs)
	if err != nil || len(rs) != 2 || len(fs.List) != 3 {
		t.Fatalf("%v %v, %d facts", rs, err, len(fs.List))
	}
	if rs, err := Recognition(context.Background(), answers{}, "amanah-th", 5, nil); err != nil || len(rs) != 0 {
		t.Fatalf("never recognised: %v %v", rs, err)
	}
	a[string(LedgerRecognitionKey("amanah-th", 2))] = mk("amanah-sg", 2)
	if _, err := Recognition(context.Background(), a, "amanah-th", 5, nil); err == nil {
		t.Fatal("a value of another chain id accepted")
	}
}
