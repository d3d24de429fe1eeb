package types

import (
	"errors"

	errorsmod "cosmossdk.io/errors"

	"github.com/amanah-id/amanah/statuslist"
)

// Delta returns the payload's entries as a statuslist delta, checking only its shape
// (one value byte per index, values fit in a byte); Validate it against the list.
func (p *UpdateStatusListPayload) Delta() (statuslist.Delta, error) {
	if len(p.Indices) == 0 {
		return nil, ErrEmptyUpdate
	}
	if len(p.Indices) > statuslist.MaxBatch {
		return nil, errorsmod.Wrapf(ErrBatchTooLarge, "%d > %d", len(p.Indices), statuslist.MaxBatch)
	}
	if len(p.Values) != len(p.Indices) {
		return nil, errorsmod.Wrapf(ErrMalformedUpdate, "%d indices, %d values", len(p.Indices), len(p.Values))
	}
	d := make(statuslist.Delta, len(p.Indices))
	for i, idx := range p.Indices {
		d[i] = statuslist.Entry{Index: idx, Value: p.Values[i]}
	}
	return d, nil
}

// ListError maps a statuslist parameter or delta error to the module's registered error.
func ListError(err error) error {
	for _, m := range []struct{ from, to error }{
		{statuslist.ErrSizeTooSmall, ErrSizeTooSmall},
		{statuslist.ErrSizeTooLarge, ErrSizeTooLarge},
		{statuslist.ErrSizeNotAligned, ErrSizeNotAligned},
		{statuslist.ErrIndexOutOfRange, ErrIndexOutOfRange},
		{statuslist.ErrValueTooWide, ErrValueTooWide},
		{statuslist.ErrDuplicateIndex, ErrDuplicateIndex},
		{statuslist.ErrEmptyDelta, ErrEmptyUpdate},
		{statuslist.ErrBatchTooLarge, ErrBatchTooLarge},
		{statuslist.ErrInvalidBits, ErrInvalidPurpose},
	} {
		if errors.Is(err, m.from) {
			return errorsmod.Wrap(m.to, err.Error())
		}
	}
	return err
}

// ValidateParams checks a list's purpose and size with the module's errors.
func ValidateParams(purpose StatusPurpose, size uint32) error {
	bits := purpose.Bits()
	if bits == 0 {
		return errorsmod.Wrapf(ErrInvalidPurpose, "%s", purpose)
	}
	if err := statuslist.ValidateParams(uint8(bits), size); err != nil {
		return ListError(err)
	}
	return nil
}
