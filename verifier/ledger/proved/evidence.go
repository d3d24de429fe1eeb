package proved

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cometbft/cometbft/light"
	cmtcrypto "github.com/cometbft/cometbft/proto/tendermint/crypto"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	cmttypes "github.com/cometbft/cometbft/types"
)

// ErrEvidence: evidence that does not prove what it claims.
var ErrEvidence = errors.New("proved: evidence does not verify")

// EncodeLightBlock returns the protobuf encoding of lb.
func EncodeLightBlock(lb *cmttypes.LightBlock) ([]byte, error) {
	pb, err := lb.ToProto()
	if err != nil {
		return nil, err
	}
	return pb.Marshal()
}

// DecodeLightBlock decodes and validates a protobuf light block of chainID.
func DecodeLightBlock(chainID string, bz []byte) (*cmttypes.LightBlock, error) {
	var pb cmtproto.LightBlock
	if err := pb.Unmarshal(bz); err != nil {
		return nil, fmt.Errorf("light block: %w", err)
	}
	lb, err := cmttypes.LightBlockFromProto(&pb)
	if err != nil {
		return nil, fmt.Errorf("light block: %w", err)
	}
	if err := lb.ValidateBasic(chainID); err != nil {
		return nil, fmt.Errorf("light block: %w", err)
	}
	return lb, nil
}

// EncodeProof returns the protobuf encoding of a fact's proof.
func EncodeProof(p *cmtcrypto.ProofOps) ([]byte, error) { return p.Marshal() }

// VerifyAgainstAnchor checks that lb was signed by the chain whose trusted
// light block is anchor: the same block, or one that at least a third of the
// anchor's validators and more than two thirds of its own signed
// (CometBFT's light-client rule for non-adjacent headers, with no trusting
// period: an auditor checks a past verdict long after it was given).
func VerifyAgainstAnchor(anchor, lb *cmttypes.LightBlock) error {
	switch {
	case anchor.ChainID != lb.ChainID:
		return fmt.Errorf("%w: chain %s, anchor is of %s", ErrEvidence, lb.ChainID, anchor.ChainID)
	case anchor.Height == lb.Height:
		if !bytes.Equal(anchor.Hash(), lb.Hash()) {
			return fmt.Errorf("%w: header %d differs from the anchor's", ErrEvidence, lb.Height)
		}
		return nil
	case anchor.Height > lb.Height:
		return fmt.Errorf("%w: anchor height %d is after the evidence's header %d; use an older anchor", ErrEvidence, anchor.Height, lb.Height)
	}
	now := lb.Time.Add(time.Second)
	period := now.Sub(anchor.Time) + time.Hour
	if err := light.Verify(anchor.SignedHeader, anchor.ValidatorSet, lb.SignedHeader, lb.ValidatorSet,
		period, now, time.Minute, light.DefaultTrustLevel); err != nil {
		return fmt.Errorf("%w: header %d against anchor %d: %w", ErrEvidence, lb.Height, anchor.Height, err)
	}
	return nil
}

// FactSet is a Getter over facts already proved against one app hash
// (evidence, re-checked offline). A key it lacks is an error: evidence that
// omits a fact cannot support a verdict.
type FactSet struct {
	height int64
	facts  map[string]Fact
}

// NewFactSet checks every fact's proof against appHash (the app hash of the
// header at height+1) and returns them as a Getter at height.
func NewFactSet(height int64, appHash []byte, facts []Fact) (*FactSet, error) {
	prt := newProofRuntime()
	fs := &FactSet{height: height, facts: make(map[string]Fact, len(facts))}
	for _, f := range facts {
		if f.Height != height {
			return nil, fmt.Errorf("%w: fact at height %d in evidence of %d", ErrEvidence, f.Height, height)
		}
		if err := verifyFact(prt, f, appHash); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrEvidence, err)
		}
		fs.facts[f.Store+"\x00"+string(f.Key)] = f
	}
	return fs, nil
}

// Get implements Getter.
func (s *FactSet) Get(_ context.Context, store string, key []byte, h int64) (Fact, error) {
	if h != s.height {
		return Fact{}, fmt.Errorf("%w: evidence is of height %d, not %d", ErrEvidence, s.height, h)
	}
	f, ok := s.facts[store+"\x00"+string(key)]
	if !ok {
		return Fact{}, fmt.Errorf("%w: evidence lacks %s/%x", ErrEvidence, store, key)
	}
	return f, nil
}

// Len returns how many facts the set holds.
func (s *FactSet) Len() int { return len(s.facts) }
