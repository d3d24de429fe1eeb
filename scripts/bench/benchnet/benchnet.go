// Package benchnet is the chain a bench tool measures: real amanahd processes started by
// localnet (one validator unless Options.Validators; free loopback ports, each node its own
// home in a temporary directory, 1 s blocks), a
// txclient.Chain on it, writer accounts funded and authorised by the agency, and the
// submission of load paced by the node's mempool backlog. chainload, didresolve and
// verifierproved start their network with it.
package benchnet

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/amanah-id/amanah/localnet"
	"github.com/amanah-id/amanah/localnet/txclient"
	"github.com/amanah-id/amanah/scripts/bench/benchenv"
	counciltypes "github.com/amanah-id/amanah/x/council/types"
)

// Net is a started network and the chain client on its node 0.
type Net struct {
	*localnet.Net
	Chain *txclient.Chain
	// Dir is the network's directory, Home node 0's home.
	Dir, Home string
	// DBBackend is the node's db_backend.
	DBBackend string
	keep      bool
	logf      func(format string, args ...any)
}

// Options shape Start.
type Options struct {
	// Name names the temporary directory (amanah-<Name>).
	Name string
	// Keep leaves the directory in place on Close.
	Keep bool
	// EditGenesis and VotingPeriod are passed to localnet.Config. Without EditGenesis the
	// writer gas quota is lifted (LiftedWriterQuota).
	EditGenesis  func(app map[string]any) error
	VotingPeriod time.Duration
	// Logf receives progress.
	Logf func(format string, args ...any)
	// Validators is the number of validator processes, 1 (default) to localnet.MaxNodes.
	Validators int
}

// LiftedWriterQuota is far above what a bench tool's writers can submit: the tools measure the
// ledger's capacity, which the default quota (one block's gas per writer per 10 blocks,
// docs/block-space.md) would cap at the writers' share.
const LiftedWriterQuota = 1_000_000_000_000_000

// Start builds amanahd (bounded by 10 minutes), starts Options.Validators validators (one by
// default) with 1 s blocks, waits for block 2 and dials node 0. The caller calls Close.
func Start(ctx context.Context, o Options) (*Net, error) {
	bctx, bcancel := context.WithTimeout(ctx, 10*time.Minute)
	bin, err := localnet.BuildBinary(bctx)
	bcancel()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "amanah-"+o.Name)
	if err != nil {
		return nil, err
	}
	nv := max(o.Validators, 1)
	ports, err := localnet.FreeBasePorts(nv)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	edit := o.EditGenesis
	if edit == nil {
		edit = localnet.WriterQuota(LiftedWriterQuota, 0)
	}
	ln, err := localnet.Init(ctx, localnet.Config{Binary: bin, Dir: dir, N: nv, BasePorts: ports, BlockTime: time.Second,
		VotingPeriod: o.VotingPeriod, EditGenesis: edit})
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	n := &Net{Net: ln, Dir: dir, Home: ln.Node(0).Home, keep: o.Keep, logf: o.Logf}
	n.DBBackend = benchenv.DBBackend(n.Home)
	if err := n.start(ctx); err != nil {
		n.Close(err)
		return nil, err
	}
	n.logf("%d-validator network up (node 0: rpc %s, grpc %s, %s), load average %s", nv, ln.Node(0).RPCURL(), ln.Node(0).GRPCAddr(), dir, benchenv.LoadAvg())
	return n, nil
}

func (n *Net) start(ctx context.Context) error {
	if err := n.StartAll(); err != nil {
		return err
	}
	wctx, wcancel := context.WithTimeout(ctx, 90*time.Second)
	defer wcancel()
	if err := n.WaitHeight(wctx, 0, 2); err != nil {
		return err
	}
	c, err := txclient.New(n.Config.ChainID)
	if err != nil {
		return err
	}
	n.Chain, err = txclient.Dial(n.Net, c)
	return err
}

// Close closes the chain's connection, stops the node and removes the directory (unless
// Options.Keep). With a non-nil err (the run's) it first logs the tail of the node's log.
func (n *Net) Close(err error) {
	if err != nil {
		n.logf("node log tail:\n%s", n.LogTail(0, 25))
	}
	if n.Chain != nil {
		_ = n.Chain.Conn.Close()
	}
	if serr := n.StopAll(); serr != nil {
		n.logf("stop: %v", serr)
	}
	if n.keep {
		n.logf("network kept in %s", n.Dir)
	} else {
		_ = os.RemoveAll(n.Dir)
	}
}

// Writer is a funded writer account: its key and account number.
type Writer struct {
	txclient.Signer
	AccNum uint64
}

// Writers creates count in-memory accounts (named <prefix>0, <prefix>1, ...), and in one
// transaction of agency 0 funds each with 10,000,000 TestDenom and authorises it as a writer
// (MsgAuthorizeWriter with note). It returns the agency's signer and the writers.
func (n *Net) Writers(ctx context.Context, count int, prefix, note string) (txclient.Signer, []Writer, error) {
	c := n.Chain.Client
	agency, err := c.AgencySigner(n.Net, 0)
	if err != nil {
		return agency, nil, err
	}
	var msgs []sdk.Msg
	ws := make([]Writer, count)
	for i := range ws {
		if ws[i].Signer, err = c.NewMemSigner(fmt.Sprintf("%s%d", prefix, i)); err != nil {
			return agency, nil, err
		}
		msgs = append(msgs,
			banktypes.NewMsgSend(agency.Address, ws[i].Address, sdk.NewCoins(sdk.NewInt64Coin(localnet.TestDenom, 10_000_000))),
			&counciltypes.MsgAuthorizeWriter{Granter: agency.Address.String(), Address: ws[i].Address.String(), Note: note})
	}
	if _, err := n.Chain.Deliver(ctx, agency, msgs...); err != nil {
		return agency, nil, err
	}
	for i := range ws {
		if ws[i].AccNum, _, err = c.Account(ctx, n.Chain.RPC, ws[i].Address); err != nil {
			return agency, nil, err
		}
	}
	return agency, ws, nil
}

// Mempool is the node's mempool size, sampled every 100 ms until Stop.
type Mempool struct {
	size, samples, sum atomic.Int64
	stop               context.CancelFunc
	done               chan struct{}
}

// WatchMempool starts sampling the mempool.
func (n *Net) WatchMempool(ctx context.Context) *Mempool {
	ctx, cancel := context.WithCancel(ctx)
	m := &Mempool{stop: cancel, done: make(chan struct{})}
	go func() {
		defer close(m.done)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			if s, err := n.Chain.MempoolSize(ctx); err == nil {
				m.size.Store(int64(s))
				m.samples.Add(1)
				m.sum.Add(int64(s))
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return m
}

// Size is the last sample.
func (m *Mempool) Size() int64 { return m.size.Load() }

// Stop ends the sampling and returns the mean of the samples.
func (m *Mempool) Stop() float64 {
	m.stop()
	<-m.done
	if s := m.samples.Load(); s > 0 {
		return float64(m.sum.Load()) / float64(s)
	}
	return 0
}

// BroadcastPaced submits tx: it waits while m holds more than limit transactions, and retries
// a full mempool or a transport error (the tx may or may not have arrived; a duplicate is
// answered "already in cache", which counts as accepted). It returns nil once CheckTx has
// accepted tx, ctx's error when ctx ends first, and an error for any other refusal.
func (n *Net) BroadcastPaced(ctx context.Context, tx txclient.SignedTx, m *Mempool, limit int) error {
	for ctx.Err() == nil {
		if m.Size() > int64(limit) {
			benchenv.Pause(ctx, 20*time.Millisecond)
			continue
		}
		br, err := n.Chain.RPC.BroadcastSync(ctx, tx.Bytes)
		switch {
		case ctx.Err() != nil:
		case err != nil, strings.Contains(strings.ToLower(br.Log), "mempool is full"):
			benchenv.Pause(ctx, 50*time.Millisecond)
		case br.Code == 0, strings.Contains(br.Log, "already exists in cache"), strings.Contains(br.Log, "tx already exists"):
			return nil
		default:
			return fmt.Errorf("check tx: code %d %s: %s", br.Code, br.Codespace, br.Log)
		}
	}
	return ctx.Err()
}

// Drain waits until the mempool is empty (every submitted transaction committed or evicted),
// for at most within.
func (n *Net) Drain(ctx context.Context, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		s, err := n.Chain.MempoolSize(ctx)
		if err == nil && s == 0 {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("mempool not drained (%d left, err %v)", s, err)
		}
		benchenv.Pause(ctx, 200*time.Millisecond)
	}
}
