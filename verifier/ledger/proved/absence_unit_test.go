package proved

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"testing"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	ics23 "github.com/cosmos/ics23/go"
)

// iavlLeaf is the existence proof of the only leaf of a one-entry IAVL tree
// (version 3), whose root is the leaf's hash (computed here as IAVL does).
func iavlLeaf(key, value []byte) (*ics23.ExistenceProof, []byte) {
	var prefix []byte
	for _, v := range []int64{0, 1, 3} { // height, size, version
		prefix = binary.AppendVarint(prefix, v)
	}
	vh := sha256.Sum256(value)
	data := append(bytes.Clone(prefix), binary.AppendUvarint(nil, uint64(len(key)))...)
	data = append(data, key...)
	data = append(data, binary.AppendUvarint(nil, uint64(len(vh)))...)
	data = append(data, vh[:]...)
	root := sha256.Sum256(data)
	return &ics23.ExistenceProof{Key: key, Value: value, Path: nil, Leaf: &ics23.LeafOp{Hash: ics23.HashOp_SHA256,
		PrehashValue: ics23.HashOp_SHA256, Length: ics23.LengthOp_VAR_PROTO, Prefix: prefix}}, root[:]
}

func runAbsence(key []byte, ne *ics23.NonExistenceProof) ([]byte, error) {
	op := iavlOp{storetypes.NewIavlCommitmentOp(key, &ics23.CommitmentProof{Proof: &ics23.CommitmentProof_Nonexist{Nonexist: ne}})}
	out, err := op.Run(nil)
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// TestAbsenceNextToEmptyValue: in a tree whose only entry has an empty value
// (a key-set entry), keys before and after it are proved absent under the
// tree's root, which the SDK's check cannot do; malformed or lying proofs are
// refused.
func TestAbsenceNextToEmptyValue(t *testing.T) {
	leaf, root := iavlLeaf([]byte("\x03k"), []byte{})
	if _, err := (storetypes.NewIavlCommitmentOp([]byte("\x03l"), &ics23.CommitmentProof{Proof: &ics23.CommitmentProof_Nonexist{
		Nonexist: &ics23.NonExistenceProof{Key: []byte("\x03l"), Left: leaf}}})).Run(nil); err == nil {
		t.Fatal("the SDK's check now handles empty values: iavlOp may be dropped")
	}
	for name, ne := range map[string]*ics23.NonExistenceProof{
		"after":  {Key: []byte("\x03l"), Left: leaf},
		"before": {Key: []byte("\x02"), Right: leaf},
	} {
		got, err := runAbsence(ne.Key, ne)
		if err != nil || !bytes.Equal(got, root) {
			t.Fatalf("%s: %x %v, want root %x", name, got, err, root)
		}
	}
	full, fullRoot := iavlLeaf([]byte("\x03k"), []byte("v"))
	if got, err := runAbsence([]byte("\x03l"), &ics23.NonExistenceProof{Key: []byte("\x03l"), Left: full}); err != nil || !bytes.Equal(got, fullRoot) {
		t.Fatalf("non-empty neighbour (the SDK's path): %x %v", got, err)
	}
	mut := func(f func(e *ics23.ExistenceProof)) *ics23.ExistenceProof {
		c := *leaf
		l := *leaf.Leaf
		c.Leaf = &l
		f(&c)
		return &c
	}
	for name, tc := range map[string]struct {
		key []byte
		ne  *ics23.NonExistenceProof
	}{
		"the key itself":        {[]byte("\x03k"), &ics23.NonExistenceProof{Key: []byte("\x03k"), Left: leaf}},
		"the key itself, right": {[]byte("\x03k"), &ics23.NonExistenceProof{Key: []byte("\x03k"), Right: leaf}},
		"key on the wrong side": {[]byte("\x02"), &ics23.NonExistenceProof{Key: []byte("\x02"), Left: leaf}},
		"after, as right":       {[]byte("\x03l"), &ics23.NonExistenceProof{Key: []byte("\x03l"), Right: leaf}},
		"proof of another key":  {[]byte("\x03m"), &ics23.NonExistenceProof{Key: []byte("\x03l"), Left: leaf}},
		"no neighbour":          {[]byte("\x03l"), &ics23.NonExistenceProof{Key: []byte("\x03l")}},
		"no leaf op":            {[]byte("\x03l"), &ics23.NonExistenceProof{Key: []byte("\x03l"), Left: mut(func(e *ics23.ExistenceProof) { e.Leaf = nil })}},
		"value not prehashed": {[]byte("\x03l"), &ics23.NonExistenceProof{Key: []byte("\x03l"), Left: mut(func(e *ics23.ExistenceProof) {
			e.Leaf.PrehashValue = ics23.HashOp_NO_HASH
		})}},
		"inner-node prefix": {[]byte("\x03l"), &ics23.NonExistenceProof{Key: []byte("\x03l"), Left: mut(func(e *ics23.ExistenceProof) {
			e.Leaf.Prefix = binary.AppendVarint(e.Leaf.Prefix, 1)
		})}},
		"empty neighbour key": {[]byte("\x03l"), &ics23.NonExistenceProof{Key: []byte("\x03l"), Left: mut(func(e *ics23.ExistenceProof) { e.Key = nil })}},
		"different roots": {[]byte("\x03j"), &ics23.NonExistenceProof{Key: []byte("\x03j"), Left: func() *ics23.ExistenceProof {
			e, _ := iavlLeaf([]byte("\x03a"), nil)
			return e
		}(), Right: leaf}},
	} {
		if got, err := runAbsence(tc.key, tc.ne); err == nil && bytes.Equal(got, root) {
			t.Errorf("%s: accepted", name)
		} else if err == nil {
			t.Errorf("%s: no error (root %x)", name, got)
		}
	}
}

// FuzzIAVLAbsence: whatever proof bytes a node sends, checking an absence with
// them never panics.
func FuzzIAVLAbsence(f *testing.F) {
	leaf, _ := iavlLeaf([]byte("\x03k"), []byte{})
	for _, ne := range []*ics23.NonExistenceProof{{Key: []byte("\x03l"), Left: leaf}, {Key: []byte("\x02"), Right: leaf}, {Key: []byte("x")}} {
		bz, err := (&ics23.CommitmentProof{Proof: &ics23.CommitmentProof_Nonexist{Nonexist: ne}}).Marshal()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(ne.Key, bz)
	}
	f.Add([]byte("k"), []byte{0x12, 0x00})
	f.Fuzz(func(t *testing.T, key, data []byte) {
		var cp ics23.CommitmentProof
		if cp.Unmarshal(data) != nil {
			return
		}
		_, _ = iavlOp{storetypes.NewIavlCommitmentOp(key, &cp)}.Run(nil)
	})
}
