// Package ante holds the council's ante decorators: clear CheckTx errors for writes by
// unauthorised accounts and for staking by agencies the council has not admitted. The staking
// hooks in x/council/keeper enforce admission on every route; these decorators reject early.
package ante

import (
	"context"

	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authsigning "github.com/cosmos/cosmos-sdk/x/auth/signing"
	"github.com/cosmos/cosmos-sdk/x/authz"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/amanah-id/amanah/x/council/types"
)

// CouncilKeeper is what the decorators read.
type CouncilKeeper interface {
	IsMember(ctx context.Context, acc sdk.AccAddress) (bool, error)
	// WriteDenied returns "" when acc may write at the block time, else why not.
	WriteDenied(ctx context.Context, acc sdk.AccAddress) (string, error)
	BondAmount(ctx context.Context) (sdk.Coin, error)
}

// WriterDecorator rejects a transaction unless every signer is a council member or an account
// the council (or a member still on it) authorised to write, or the operator of an
// accreditation in force at the block time.
type WriterDecorator struct{ k CouncilKeeper }

// NewWriterDecorator returns a WriterDecorator.
func NewWriterDecorator(k CouncilKeeper) WriterDecorator { return WriterDecorator{k: k} }

// AnteHandle implements sdk.AnteDecorator.
func (d WriterDecorator) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	sigTx, ok := tx.(authsigning.SigVerifiableTx)
	if !ok {
		return ctx, errorsmod.Wrap(types.ErrUnauthorizedWrite, "transaction has no signers")
	}
	signers, err := sigTx.GetSigners()
	if err != nil {
		return ctx, err
	}
	for _, s := range signers {
		reason, err := d.k.WriteDenied(ctx, s)
		if err != nil {
			return ctx, err
		}
		if reason != "" {
			return ctx, errorsmod.Wrapf(types.ErrUnauthorizedWrite, "%s: %s", sdk.AccAddress(s), reason)
		}
	}
	return next(ctx, tx, simulate)
}

// AdmissionDecorator rejects create-validator, delegate, redelegate and cancel-unbonding
// messages (also inside authz MsgExec) from operators the council has not admitted, and
// create-validator with any bond other than the council bond.
type AdmissionDecorator struct{ k CouncilKeeper }

// NewAdmissionDecorator returns an AdmissionDecorator.
func NewAdmissionDecorator(k CouncilKeeper) AdmissionDecorator { return AdmissionDecorator{k: k} }

// AnteHandle implements sdk.AnteDecorator.
func (d AdmissionDecorator) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	if err := d.checkMsgs(ctx, tx.GetMsgs(), 0); err != nil {
		return ctx, err
	}
	return next(ctx, tx, simulate)
}

const maxExecDepth = 4

func (d AdmissionDecorator) checkMsgs(ctx sdk.Context, msgs []sdk.Msg, depth int) error {
	for _, msg := range msgs {
		if err := d.checkMsg(ctx, msg, depth); err != nil {
			return err
		}
	}
	return nil
}

func (d AdmissionDecorator) checkMsg(ctx sdk.Context, msg sdk.Msg, depth int) error {
	switch m := msg.(type) {
	case *authz.MsgExec:
		if depth >= maxExecDepth {
			return errorsmod.Wrap(types.ErrNotAdmitted, "authz MsgExec nested too deep")
		}
		inner, err := m.GetMessages()
		if err != nil {
			return err
		}
		return d.checkMsgs(ctx, inner, depth+1)
	case *stakingtypes.MsgCreateValidator:
		valAddr, err := sdk.ValAddressFromBech32(m.ValidatorAddress)
		if err != nil {
			return err
		}
		if err := d.admitted(ctx, sdk.AccAddress(valAddr), "create-validator"); err != nil {
			return err
		}
		bond, err := d.k.BondAmount(ctx)
		if err != nil {
			return err
		}
		if !m.Value.Equal(bond) {
			return errorsmod.Wrapf(types.ErrUnequalBond, "create-validator bonds %s, every agency bonds exactly %s", m.Value, bond)
		}
	case *stakingtypes.MsgDelegate:
		return d.delegator(ctx, m.DelegatorAddress, "delegate")
	case *stakingtypes.MsgBeginRedelegate:
		return d.delegator(ctx, m.DelegatorAddress, "redelegate")
	case *stakingtypes.MsgCancelUnbondingDelegation:
		return d.delegator(ctx, m.DelegatorAddress, "cancel-unbonding")
	}
	return nil
}

func (d AdmissionDecorator) delegator(ctx sdk.Context, addr, what string) error {
	acc, err := sdk.AccAddressFromBech32(addr)
	if err != nil {
		return err
	}
	return d.admitted(ctx, acc, what)
}

func (d AdmissionDecorator) admitted(ctx sdk.Context, acc sdk.AccAddress, what string) error {
	ok, err := d.k.IsMember(ctx, acc)
	if err != nil {
		return err
	}
	if !ok {
		return errorsmod.Wrapf(types.ErrNotAdmitted, "%s by %s: the council must admit the agency first", what, acc)
	}
	return nil
}
