package node

import (
	"context"
	"fmt"
	"strconv"
	"sync/atomic"

	abci "github.com/cometbft/cometbft/abci/types"
	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	cmttypes "github.com/cometbft/cometbft/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/amanah-id/amanah/verifier/ledger"
	didtypes "github.com/amanah-id/amanah/x/did/types"
	statustypes "github.com/amanah-id/amanah/x/status/types"
)

// Events is a ledger.Events over a CometBFT node's RPC websocket.
type Events struct {
	remote string
	seq    atomic.Uint64
}

var _ ledger.Events = (*Events)(nil)

// NewEvents returns an event source for the node RPC address (e.g. http://127.0.0.1:26657).
func NewEvents(remote string) *Events { return &Events{remote: remote} }

// Subscribe implements ledger.Events: it subscribes to NewBlock and delivers
// each block with the DID, trust and status changes its events name. The
// channel closes when ctx ends or the subscription drops.
func (e *Events) Subscribe(ctx context.Context) (<-chan ledger.Block, error) {
	cli, err := rpchttp.New(e.remote, "/websocket")
	if err != nil {
		return nil, fmt.Errorf("rpc %s: %w", e.remote, err)
	}
	if err := cli.Start(); err != nil {
		return nil, fmt.Errorf("rpc %s: %w", e.remote, err)
	}
	subscriber := "amanah-verifier-" + strconv.FormatUint(e.seq.Add(1), 10)
	in, err := cli.Subscribe(ctx, subscriber, cmttypes.QueryForEvent(cmttypes.EventNewBlock).String(), 256)
	if err != nil {
		_ = cli.Stop()
		return nil, fmt.Errorf("subscribe %s: %w", e.remote, err)
	}
	out := make(chan ledger.Block, 64)
	go func() {
		defer close(out)
		defer func() { _ = cli.Stop() }()
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-in:
				if !ok {
					return
				}
				nb, ok := ev.Data.(cmttypes.EventDataNewBlock)
				if !ok || nb.Block == nil {
					continue
				}
				b := ledger.Block{Height: nb.Block.Height, Time: nb.Block.Time, Changes: Changes(nb.ResultFinalizeBlock.Events)}
				for _, tx := range nb.ResultFinalizeBlock.TxResults {
					if tx != nil {
						b.Changes = append(b.Changes, Changes(tx.Events)...)
					}
				}
				select {
				case out <- b:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, nil
}

// Changes maps typed module events to the ledger objects they changed. Events
// of x/trust change the trust registry as a whole; an x/status or x/did event
// that cannot be read invalidates its whole kind (fail safe).
func Changes(events []abci.Event) []ledger.Change {
	var out []ledger.Change
	for _, ev := range events {
		switch {
		case hasPrefix(ev.Type, "amanah.did."):
			msg, err := sdk.ParseTypedEvent(ev)
			if err != nil {
				out = append(out, ledger.Change{Kind: ledger.KindDID})
				continue
			}
			switch m := msg.(type) {
			case *didtypes.EventDidCreated:
				out = append(out, ledger.Change{Kind: ledger.KindDID, Key: m.Did})
			case *didtypes.EventDidUpdated:
				out = append(out, ledger.Change{Kind: ledger.KindDID, Key: m.Did})
			case *didtypes.EventDidDeactivated:
				out = append(out, ledger.Change{Kind: ledger.KindDID, Key: m.Did})
			}
		case hasPrefix(ev.Type, "amanah.trust."):
			out = append(out, ledger.Change{Kind: ledger.KindTrust})
		case hasPrefix(ev.Type, "amanah.status."):
			msg, err := sdk.ParseTypedEvent(ev)
			if err != nil {
				out = append(out, ledger.Change{Kind: ledger.KindStatus})
				continue
			}
			switch m := msg.(type) {
			case *statustypes.EventStatusListUpdated:
				ch := ledger.Change{Kind: ledger.KindStatus, Key: strconv.FormatUint(m.ListId, 10), Indices: m.Indices}
				if len(m.Indices) == 0 {
					ch.Indices = nil // no index list: the whole list
				}
				out = append(out, ch)
			case *statustypes.EventStatusListCreated:
				out = append(out, ledger.Change{Kind: ledger.KindStatus, Key: strconv.FormatUint(m.ListId, 10)})
			}
		}
	}
	return out
}

func hasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }
