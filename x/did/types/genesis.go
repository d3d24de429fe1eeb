package types

import (
	"bytes"
	"fmt"
	"time"

	errorsmod "cosmossdk.io/errors"

	"github.com/amanah-id/amanah/didcore"
)

// DefaultParams returns the params of a local network.
func DefaultParams() Params { return Params{Network: DefaultNetwork} }

// Validate checks the params.
func (p Params) Validate() error {
	if !didcore.ValidNetwork(p.Network) {
		return errorsmod.Wrapf(ErrInvalidParams, "network %q is not [a-z0-9-]{1,32}", p.Network)
	}
	return nil
}

// DefaultGenesis returns a registry without DIDs on the local network.
func DefaultGenesis() *GenesisState {
	return &GenesisState{Params: DefaultParams()}
}

// Validate checks the genesis state: valid params, and for each DID contiguous versions from
// 1 with matching ids, canonical valid documents whose id is the DID, a first version whose
// id derives from its key on this network, non-decreasing times and heights, and at most one
// deactivation, as the last version with the previous document.
func (gs GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
		return err
	}
	seen := make(map[string]bool)
	var prev *DidDocumentVersion
	for i := range gs.Versions {
		v := &gs.Versions[i]
		if err := validateGenesisVersion(gs.Params.Network, v, prev, seen); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "versions[%d] (%s v%s): %v", i, v.Did, v.VersionId, err)
		}
		prev = v
	}
	return nil
}

func validateGenesisVersion(network string, v, prev *DidDocumentVersion, seen map[string]bool) error {
	if v.VersionId != VersionID(v.Sequence) {
		return fmt.Errorf("version id %q does not match sequence %d", v.VersionId, v.Sequence)
	}
	doc, canon, err := ParseDocument(v.DocumentJson)
	if err != nil {
		return err
	}
	if !bytes.Equal(canon, v.DocumentJson) {
		return fmt.Errorf("document is not in canonical form")
	}
	if doc.ID != v.Did {
		return fmt.Errorf("document id %q differs", doc.ID)
	}
	if v.Updated.Before(v.Created) {
		return fmt.Errorf("updated before created")
	}
	if !IndexedTime(v.Updated) {
		return fmt.Errorf("updated %s outside the time index's range", v.Updated.UTC().Format(time.RFC3339))
	}
	first := prev == nil || prev.Did != v.Did
	if first {
		if seen[v.Did] {
			return fmt.Errorf("versions of the DID are not contiguous")
		}
		seen[v.Did] = true
		if v.Sequence != 1 || v.PreviousVersionId != "" || v.Deactivated || len(v.RetiredKeys) > 0 {
			return fmt.Errorf("first version must be sequence 1, without previous version, active, without retired keys")
		}
		if !v.Created.Equal(v.Updated) {
			return fmt.Errorf("first version: created and updated differ")
		}
		return CheckNewDocumentID(doc, network)
	}
	if err := CheckDID(v.Did, network); err != nil {
		return err
	}
	switch {
	case prev.Deactivated:
		return fmt.Errorf("version after deactivation")
	case v.Sequence != prev.Sequence+1 || v.PreviousVersionId != prev.VersionId:
		return fmt.Errorf("sequence or previous version id does not follow %s", prev.VersionId)
	case !v.Created.Equal(prev.Created):
		return fmt.Errorf("created differs from the first version")
	case v.Updated.Before(prev.Updated) || v.Height < prev.Height:
		return fmt.Errorf("time or height goes backwards")
	case v.Deactivated && !bytes.Equal(v.DocumentJson, prev.DocumentJson):
		return fmt.Errorf("deactivation version must keep the previous document")
	case v.Deactivated && len(v.RetiredKeys) > 0:
		return fmt.Errorf("deactivation version with retired keys")
	}
	return validateGenesisRetired(v, prev, doc)
}

// validateGenesisRetired checks a version's retired keys as the update that wrote it was
// checked (retired_at at most the version's time), with ids already absolute.
func validateGenesisRetired(v, prev *DidDocumentVersion, doc *didcore.Document) error {
	if len(v.RetiredKeys) == 0 {
		return nil
	}
	prevDoc, _, err := ParseDocument(prev.DocumentJson)
	if err != nil {
		return err
	}
	out, err := CheckRetiredKeys(prevDoc, doc, v.Created, v.Updated, v.RetiredKeys)
	if err != nil {
		return err
	}
	for i := range out {
		if out[i].Id != v.RetiredKeys[i].Id {
			return fmt.Errorf("retired_keys[%d]: id %q is not absolute", i, v.RetiredKeys[i].Id)
		}
	}
	return nil
}
