package node

import (
	"context"
	"time"

	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/ledger/proved"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

var _ ledger.RecognitionSource = (*Source)(nil)

// Recognition implements ledger.RecognitionSource: every version, proved complete.
func (s *Source) Recognition(ctx context.Context, chainID string, h int64) ([]ledger.Recognition, error) {
	return counted(s, func(fs *proved.Facts) ([]ledger.Recognition, error) {
		rs, err := proved.Recognition(ctx, s.g, chainID, h, fs)
		if err != nil {
			return nil, err
		}
		return Recognitions(rs), nil
	})
}

// Recognitions converts stored recognition versions.
func Recognitions(rs []trusttypes.LedgerRecognition) []ledger.Recognition {
	out := make([]ledger.Recognition, 0, len(rs))
	for _, r := range rs {
		lr := ledger.Recognition{ChainID: r.ChainId, Version: r.Version, DIDNetwork: r.DidNetwork,
			RootHeight: r.TrustRoot.Height, RootHash: r.TrustRoot.HeaderHash,
			RootPeriod: time.Duration(r.TrustRoot.TrustingPeriodSeconds) * time.Second,
			Status:     ledger.RecognitionStatus(r.Status), UpdatedAt: r.UpdatedAt}
		for _, t := range r.Types {
			lr.Types = append(lr.Types, ledger.RecognisedType{ForeignVCT: t.ForeignVct, LocalVCT: t.LocalVct, Claims: t.Claims})
		}
		out = append(out, lr)
	}
	return out
}

// Network returns the chain's did:amanah network name, proved at the newest verified state.
func (s *Source) Network(ctx context.Context) (string, error) {
	head, err := s.Head(ctx)
	if err != nil {
		return "", err
	}
	return counted(s, func(fs *proved.Facts) (string, error) { return proved.DIDNetwork(ctx, s.g, head.Height, fs) })
}

// ChainID returns the chain id the light client follows.
func (s *Source) ChainID() string {
	if s.c == nil {
		return ""
	}
	return s.c.ChainID()
}
