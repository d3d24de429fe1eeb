package proved

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/cometbft/cometbft/crypto/merkle"
	cmtcrypto "github.com/cometbft/cometbft/proto/tendermint/crypto"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	ics23 "github.com/cosmos/ics23/go"
)

// Absence next to an entry with an empty value.
//
// A module store holds entries whose value is empty: the entries of
// collections' KeySets and multi-indexes (x/trust's accreditations by
// accreditor, x/status's lists by owner) encode NoValue as []byte{}. IAVL
// hashes such a leaf like any other (the value enters the leaf hash as its
// SHA-256), but ics23 v0.11.0 refuses to compute a leaf with an empty value
// (LeafOp.Apply: "leaf op needs value"). A non-existence proof carries the
// existence proofs of the absent key's neighbours, so the SDK's check
// (storetypes.CommitmentOp.Run, which also computes the root from the left
// neighbour first) fails for every key whose neighbour is such an entry: an
// honest absence looks unproved.
//
// iavlOp keeps the SDK's check for everything else and, for a non-existence
// proof with such a neighbour, runs ics23's own checks (the neighbours'
// existence proofs against the IAVL spec, their order around the key, their
// adjacency in the tree) with the one difference that an empty value's leaf is
// computed from SHA-256 of nothing: the same bytes IAVL hashed.

// newProofRuntime is the SDK's rootmulti proof runtime with the IAVL op
// replaced by iavlOp.
func newProofRuntime() *merkle.ProofRuntime {
	prt := merkle.NewProofRuntime()
	prt.RegisterOpDecoder(storetypes.ProofOpIAVLCommitment, decodeIAVLOp)
	prt.RegisterOpDecoder(storetypes.ProofOpSimpleMerkleCommitment, storetypes.CommitmentOpDecoder)
	return prt
}

// iavlOp is the SDK's IAVL commitment op, with absence next to empty values.
type iavlOp struct{ storetypes.CommitmentOp }

func decodeIAVLOp(pop cmtcrypto.ProofOp) (merkle.ProofOperator, error) {
	op, err := storetypes.CommitmentOpDecoder(pop)
	if err != nil {
		return nil, err
	}
	return iavlOp{op.(storetypes.CommitmentOp)}, nil
}

// Run implements merkle.ProofOperator.
func (op iavlOp) Run(args [][]byte) ([][]byte, error) {
	ne := ics23.Decompress(op.Proof).GetNonexist()
	if len(args) != 0 || ne == nil || !hasEmptyValue(ne.Left) && !hasEmptyValue(ne.Right) {
		return op.CommitmentOp.Run(args) // the SDK's check, unchanged
	}
	root, err := verifyNonExistence(op.Spec, ne, op.Key)
	if err != nil {
		return nil, fmt.Errorf("absence of %x not proved: %w", op.Key, err)
	}
	return [][]byte{root}, nil
}

func hasEmptyValue(e *ics23.ExistenceProof) bool { return e != nil && len(e.Value) == 0 }

// verifyNonExistence is ics23's NonExistenceProof.Verify (v0.11.0) for a spec
// that does not prehash keys before comparing them, with the root computed by
// existenceRoot; it returns the root both neighbours prove.
func verifyNonExistence(spec *ics23.ProofSpec, p *ics23.NonExistenceProof, key []byte) ([]byte, error) {
	if spec == nil || spec.PrehashKeyBeforeComparison {
		return nil, errors.New("unsupported proof spec")
	}
	if !bytes.Equal(p.Key, key) {
		return nil, errors.New("proof is for another key")
	}
	if p.Left == nil && p.Right == nil {
		return nil, errors.New("both left and right proofs missing")
	}
	var root []byte
	for _, e := range []*ics23.ExistenceProof{p.Left, p.Right} {
		if e == nil {
			continue
		}
		r, err := existenceRoot(spec, e)
		if err != nil {
			return nil, err
		}
		if root != nil && !bytes.Equal(root, r) {
			return nil, errors.New("left and right proofs prove different roots")
		}
		root = r
	}
	if p.Right != nil && bytes.Compare(key, p.Right.Key) >= 0 {
		return nil, errors.New("key is not left of right proof")
	}
	if p.Left != nil && bytes.Compare(key, p.Left.Key) <= 0 {
		return nil, errors.New("key is not right of left proof")
	}
	switch {
	case p.Left == nil:
		if !ics23.IsLeftMost(spec.InnerSpec, p.Right.Path) {
			return nil, errors.New("left proof missing, right proof must be left-most")
		}
	case p.Right == nil:
		if !ics23.IsRightMost(spec.InnerSpec, p.Left.Path) {
			return nil, errors.New("right proof missing, left proof must be right-most")
		}
	default:
		if !ics23.IsLeftNeighbor(spec.InnerSpec, p.Left.Path, p.Right.Path) {
			return nil, errors.New("left and right proofs are not neighbours")
		}
	}
	return root, nil
}

// existenceRoot checks e against spec and computes the root it proves, like
// ics23's ExistenceProof.calculate, except that an empty value is allowed when
// the spec prehashes values (its leaf is hashed over SHA-256 of nothing).
func existenceRoot(spec *ics23.ProofSpec, e *ics23.ExistenceProof) ([]byte, error) {
	if err := e.CheckAgainstSpec(spec); err != nil {
		return nil, err
	}
	leaf := e.Leaf
	value := e.Value
	if len(value) == 0 {
		if leaf.PrehashValue != ics23.HashOp_SHA256 {
			return nil, errors.New("empty value under a spec that does not prehash values")
		}
		h := sha256.Sum256(nil)
		value = h[:]
		leaf = &ics23.LeafOp{Hash: leaf.Hash, PrehashKey: leaf.PrehashKey, PrehashValue: ics23.HashOp_NO_HASH,
			Length: leaf.Length, Prefix: leaf.Prefix}
	}
	res, err := leaf.Apply(e.Key, value)
	if err != nil {
		return nil, fmt.Errorf("leaf: %w", err)
	}
	for _, step := range e.Path {
		if res, err = step.Apply(res); err != nil {
			return nil, fmt.Errorf("inner: %w", err)
		}
		if cs := int(spec.InnerSpec.ChildSize); cs >= 32 && len(res) > cs {
			return nil, errors.New("inner: hash longer than a child")
		}
	}
	return res, nil
}
