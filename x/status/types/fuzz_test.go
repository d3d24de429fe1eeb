package types_test

import (
	"errors"
	"testing"

	errorsmod "cosmossdk.io/errors"

	"github.com/amanah-id/amanah/statuslist"
	"github.com/amanah-id/amanah/x/status/types"
)

// FuzzUpdatePayload decodes untrusted MsgUpdateStatusList bytes and runs the stateless
// checks and the page application on them: no panic, only registered errors, and a delta
// that passes validation applies to pages without error.
func FuzzUpdatePayload(f *testing.F) {
	for _, p := range []*types.UpdateStatusListPayload{
		{ListId: 1, Indices: []uint32{0, 7, 131071}, Values: []byte{1, 1, 0}},
		{ListId: 2, Sequence: 9, Indices: []uint32{5, 5}, Values: []byte{1, 1}},
		{ListId: 3, Indices: []uint32{131072}, Values: []byte{2}},
	} {
		msg := &types.MsgUpdateStatusList{Signer: "cosmos1xyz", Payload: p}
		bz, err := msg.Marshal()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(bz)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var msg types.MsgUpdateStatusList
		if err := msg.Unmarshal(data); err != nil || msg.Payload == nil {
			return
		}
		d, err := msg.Payload.Delta()
		if err != nil {
			if errorsmod.IsOf(err, types.ErrEmptyUpdate, types.ErrBatchTooLarge, types.ErrMalformedUpdate) {
				return
			}
			t.Fatalf("unregistered error: %v", err)
		}
		for _, bits := range []uint8{1, 2} {
			if err := d.Validate(bits, statuslist.MinSize); err != nil {
				mapped := types.ListError(err)
				if errors.Is(mapped, err) && !errorsmod.IsOf(mapped, types.ErrIndexOutOfRange, types.ErrValueTooWide, types.ErrDuplicateIndex) {
					t.Fatalf("unmapped error: %v", err)
				}
				continue
			}
			for _, pd := range statuslist.GroupByPage(d, bits) {
				if err := pd.ApplyTo(make([]byte, statuslist.PageBytes), bits); err != nil {
					t.Fatalf("validated delta failed to apply: %v", err)
				}
			}
		}
	})
}

// FuzzParseListURI parses untrusted status list URIs: no panic, and a parsed URI prints back
// to one that parses to the same reference.
func FuzzParseListURI(f *testing.F) {
	for _, s := range []string{
		"https://node.example/amanah/status/v1/lists/7",
		"https://node.example/amanah/status/v1/lists/7?format=bitstring",
		"did:amanah:local:JdBaFphCCEDjARWhkQAyq1?service=status&list=7",
		"did:amanah:local:JdBaFphCCEDjARWhkQAyq1?service=status&list=07",
		"http://x/amanah/status/v1/lists/18446744073709551615",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ref, err := types.ParseListURI(s)
		if err != nil {
			if !errors.Is(err, types.ErrInvalidURI) {
				t.Fatalf("unregistered error: %v", err)
			}
			return
		}
		var again string
		if ref.Owner != "" {
			again = types.ListDIDURL(ref.Owner, ref.ListID)
		} else {
			again = types.ListURL("https://n", ref.ListID, ref.Format)
		}
		ref2, err := types.ParseListURI(again)
		if err != nil || ref2.ListID != ref.ListID || ref2.Owner != ref.Owner {
			t.Fatalf("%q -> %q: %v %+v %+v", s, again, err, ref, ref2)
		}
	})
}
