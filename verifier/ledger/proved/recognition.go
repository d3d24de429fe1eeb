package proved

import (
	"context"
	"fmt"

	didtypes "github.com/amanah-id/amanah/x/did/types"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

// MaxRecognitionVersions bounds the versions of one recognition read.
const MaxRecognitionVersions = trusttypes.MaxRecognitionVersions

// Recognition returns every version of the local council's recognition of the foreign ledger
// chainID at state height h, oldest first, proved complete: versions 1..n exist and n+1 is
// proved absent. Empty: never recognised.
func Recognition(ctx context.Context, g Getter, chainID string, h int64, fs *Facts) ([]trusttypes.LedgerRecognition, error) {
	var out []trusttypes.LedgerRecognition
	for v := uint32(1); v <= MaxRecognitionVersions+1; v++ {
		var r trusttypes.LedgerRecognition
		ok, err := get(ctx, g, fs, trusttypes.StoreKey, LedgerRecognitionKey(chainID, v), h, &r)
		if err != nil {
			return nil, fmt.Errorf("recognition of %s version %d: %w", chainID, v, err)
		}
		if !ok {
			return out, nil
		}
		if r.ChainId != chainID || r.Version != v {
			return nil, fmt.Errorf("%w: recognition of %s version %d holds %s version %d", ErrBadProof, chainID, v, r.ChainId, r.Version)
		}
		out = append(out, r)
	}
	return nil, fmt.Errorf("recognition of %s: more than %d versions", chainID, MaxRecognitionVersions)
}

// DIDNetwork returns the chain's did:amanah network name (x/did params) at h.
func DIDNetwork(ctx context.Context, g Getter, h int64, fs *Facts) (string, error) {
	var p didtypes.Params
	ok, err := get(ctx, g, fs, didtypes.StoreKey, didtypes.ParamsKey.Bytes(), h, &p)
	if err != nil {
		return "", fmt.Errorf("did params: %w", err)
	}
	if !ok || p.Network == "" {
		return "", fmt.Errorf("%w: did params absent", ErrBadProof)
	}
	return p.Network, nil
}
