package types

import (
	"bytes"

	errorsmod "cosmossdk.io/errors"

	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/statuslist"
)

// DefaultGenesis returns a state with no lists.
func DefaultGenesis() *GenesisState { return &GenesisState{NextListId: 1} }

// ValidateOwner checks that owner is a did:amanah DID.
func ValidateOwner(owner string) error {
	if _, _, err := didcore.ParseAmanahDID(owner); err != nil {
		return errorsmod.Wrapf(ErrInvalidDID, "%q: %v", owner, err)
	}
	return nil
}

// Validate checks the list metadata on its own.
func (l StatusList) Validate() error {
	if l.Id == 0 {
		return errorsmod.Wrap(ErrInvalidGenesis, "list id 0")
	}
	if err := ValidateOwner(l.Owner); err != nil {
		return err
	}
	if err := ValidateParams(l.Purpose, l.Size_); err != nil {
		return err
	}
	if l.Bits != l.Purpose.Bits() {
		return errorsmod.Wrapf(ErrInvalidGenesis, "list %d: bits %d, purpose %s needs %d", l.Id, l.Bits, l.Purpose, l.Purpose.Bits())
	}
	if l.CreatedHeight < 0 || l.UpdatedHeight < l.CreatedHeight || l.ChangesPrunedHeight < 0 || l.ChangesPrunedHeight > l.UpdatedHeight {
		return errorsmod.Wrapf(ErrInvalidGenesis, "list %d: heights created %d, updated %d, pruned %d", l.Id, l.CreatedHeight, l.UpdatedHeight, l.ChangesPrunedHeight)
	}
	return nil
}

// Validate checks the genesis: list metadata, ids below next_list_id, pages and change
// records of existing lists within range, no duplicates, owners' sequences.
func (gs GenesisState) Validate() error {
	if gs.NextListId == 0 {
		return errorsmod.Wrap(ErrInvalidGenesis, "next_list_id must be at least 1")
	}
	lists := make(map[uint64]StatusList, len(gs.Lists))
	for i, l := range gs.Lists {
		if err := l.Validate(); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "list %d: %v", i, err)
		}
		if l.Id >= gs.NextListId {
			return errorsmod.Wrapf(ErrInvalidGenesis, "list id %d >= next_list_id %d", l.Id, gs.NextListId)
		}
		if _, dup := lists[l.Id]; dup {
			return errorsmod.Wrapf(ErrInvalidGenesis, "duplicate list %d", l.Id)
		}
		lists[l.Id] = l
	}
	type pageKey struct {
		id   uint64
		page uint32
	}
	pages := make(map[pageKey]bool, len(gs.Pages))
	var zero [statuslist.PageBytes]byte
	for i, p := range gs.Pages {
		l, ok := lists[p.ListId]
		if !ok {
			return errorsmod.Wrapf(ErrInvalidGenesis, "page %d: unknown list %d", i, p.ListId)
		}
		if p.Page >= statuslist.NumPages(uint8(l.Bits), l.Size_) {
			return errorsmod.Wrapf(ErrInvalidGenesis, "page %d: page %d beyond list %d", i, p.Page, p.ListId)
		}
		if len(p.Data) != statuslist.PageBytes {
			return errorsmod.Wrapf(ErrInvalidGenesis, "page %d: %d bytes, want %d", i, len(p.Data), statuslist.PageBytes)
		}
		if bytes.Equal(p.Data, zero[:]) {
			return errorsmod.Wrapf(ErrInvalidGenesis, "page %d: all-zero pages are not stored", i)
		}
		k := pageKey{p.ListId, p.Page}
		if pages[k] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "duplicate page %d of list %d", p.Page, p.ListId)
		}
		pages[k] = true
	}
	type changeKey struct {
		id     uint64
		height int64
	}
	changes := make(map[changeKey]bool, len(gs.Changes))
	for i, c := range gs.Changes {
		l, ok := lists[c.ListId]
		if !ok {
			return errorsmod.Wrapf(ErrInvalidGenesis, "change %d: unknown list %d", i, c.ListId)
		}
		r := c.Record
		if r.Height <= l.ChangesPrunedHeight || r.Height > l.UpdatedHeight {
			return errorsmod.Wrapf(ErrInvalidGenesis, "change %d: height %d outside (%d, %d]", i, r.Height, l.ChangesPrunedHeight, l.UpdatedHeight)
		}
		if len(r.Indices) == 0 || len(r.Values) != len(r.Indices) {
			return errorsmod.Wrapf(ErrInvalidGenesis, "change %d: %d indices, %d values", i, len(r.Indices), len(r.Values))
		}
		for j, idx := range r.Indices {
			if idx >= l.Size_ || uint32(r.Values[j]) >= 1<<l.Bits {
				return errorsmod.Wrapf(ErrInvalidGenesis, "change %d: entry %d (%d=%d) does not fit list %d", i, j, idx, r.Values[j], l.Id)
			}
		}
		k := changeKey{c.ListId, r.Height}
		if changes[k] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "duplicate change record of list %d at height %d", c.ListId, r.Height)
		}
		changes[k] = true
	}
	owners := make(map[string]bool, len(gs.Sequences))
	for i, s := range gs.Sequences {
		if err := ValidateOwner(s.Owner); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "sequence %d: %v", i, err)
		}
		if owners[s.Owner] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "duplicate sequence of %s", s.Owner)
		}
		owners[s.Owner] = true
	}
	return nil
}
