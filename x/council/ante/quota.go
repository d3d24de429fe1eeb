package ante

import (
	"context"

	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	authsigning "github.com/cosmos/cosmos-sdk/x/auth/signing"
)

// UrgentPriority is the mempool priority of urgent transactions (revocation and suspension
// updates); every other transaction has priority 0 (fees are zero). The app's priority-nonce
// mempool proposes higher priorities first (docs/block-space.md).
const UrgentPriority int64 = 1_000_000

// QuotaKeeper is what QuotaDecorator reads and writes.
type QuotaKeeper interface {
	IsMember(ctx context.Context, acc sdk.AccAddress) (bool, error)
	ChargeQuota(ctx context.Context, acc sdk.AccAddress, gas uint64, height int64, force bool) error
}

// IsUrgent reports whether a message is urgent: a transaction whose messages are all urgent
// gets UrgentPriority and is never refused by the writer quota.
type IsUrgent func(sdk.Msg) bool

// allUrgent reports whether tx has messages and every one is urgent.
func allUrgent(tx sdk.Tx, urgent IsUrgent) bool {
	msgs := tx.GetMsgs()
	if urgent == nil || len(msgs) == 0 {
		return false
	}
	for _, m := range msgs {
		if !urgent(m) {
			return false
		}
	}
	return true
}

// QuotaDecorator charges each signer that is not a council member the transaction's gas limit
// against its gas quota for the current window of blocks (council params writer_gas_quota and
// quota_window_blocks), and refuses the transaction with ErrQuotaExceeded once the window's
// total would pass the quota. It runs in CheckTx (against the pending state, so the
// transactions a writer already has in the mempool count), on recheck and in DeliverTx.
// Urgent transactions are charged but never refused; members are not charged.
type QuotaDecorator struct {
	k      QuotaKeeper
	urgent IsUrgent
}

// NewQuotaDecorator returns a QuotaDecorator.
func NewQuotaDecorator(k QuotaKeeper, urgent IsUrgent) QuotaDecorator {
	return QuotaDecorator{k: k, urgent: urgent}
}

// AnteHandle implements sdk.AnteDecorator.
func (d QuotaDecorator) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	if simulate {
		return next(ctx, tx, simulate)
	}
	feeTx, ok := tx.(sdk.FeeTx)
	if !ok {
		return ctx, errorsmod.Wrap(sdkerrors.ErrTxDecode, "transaction has no gas limit")
	}
	sigTx, ok := tx.(authsigning.SigVerifiableTx)
	if !ok {
		return ctx, errorsmod.Wrap(sdkerrors.ErrTxDecode, "transaction has no signers")
	}
	signers, err := sigTx.GetSigners()
	if err != nil {
		return ctx, err
	}
	// CheckTx runs on the last committed block's header; the transaction lands in the next.
	height := ctx.BlockHeight()
	if ctx.IsCheckTx() {
		height++
	}
	force := allUrgent(tx, d.urgent)
	for _, s := range signers {
		member, err := d.k.IsMember(ctx, s)
		if err != nil {
			return ctx, err
		}
		if member {
			continue
		}
		if err := d.k.ChargeQuota(ctx, s, feeTx.GetGas(), height, force); err != nil {
			return ctx, err
		}
	}
	return next(ctx, tx, simulate)
}

// PriorityDecorator gives urgent transactions UrgentPriority. It must follow the SDK's
// DeductFeeDecorator, which sets the priority from the fee (zero on Amanah).
type PriorityDecorator struct{ urgent IsUrgent }

// NewPriorityDecorator returns a PriorityDecorator.
func NewPriorityDecorator(urgent IsUrgent) PriorityDecorator {
	return PriorityDecorator{urgent: urgent}
}

// AnteHandle implements sdk.AnteDecorator.
func (d PriorityDecorator) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	if allUrgent(tx, d.urgent) {
		ctx = ctx.WithPriority(UrgentPriority)
	}
	return next(ctx, tx, simulate)
}
