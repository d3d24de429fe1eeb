//go:build sims

package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"testing"
	"time"

	"cosmossdk.io/log/v2"
	abci "github.com/cometbft/cometbft/abci/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/crypto/keys/ed25519"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/stretchr/testify/require"

	"github.com/amanah-id/amanah/app"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/statuslist"
	"github.com/amanah-id/amanah/testutil/appgenesis"
	counciltypes "github.com/amanah-id/amanah/x/council/types"
	didtypes "github.com/amanah-id/amanah/x/did/types"
	statustypes "github.com/amanah-id/amanah/x/status/types"
)

// The SDK's simsx runner drives the app's SimulationManager, which holds only x/auth: the
// SDK modules' random operations (create-validator with random stake, delegations from random
// accounts, bond-denom sends, gov tallies over token weight) all contradict the council's
// permissioned rules, so a full simsx run would mostly exercise refusals. These tests are the
// closest real determinism check instead (see docs/architecture.md, "Determinism"): a
// scripted but seed-randomised block sequence of DID creations, status-list updates and
// council writer changes is run on two fresh in-process apps, which must agree on every app
// hash; then the state is exported, imported into a third app, and exported again unchanged.

const (
	simChainID = "amanah-sim"
	simBlocks  = 100
)

var simSeeds = []int64{1, 2, 7, 42, 1001, 65536}

// simAccount is a secp256k1 account the script signs with.
type simAccount struct {
	priv   *secp256k1.PrivKey
	addr   sdk.AccAddress
	accNum uint64
	seq    uint64
}

func newSimAccount(secret string) *simAccount {
	priv := secp256k1.GenPrivKeyFromSecret([]byte(secret))
	return &simAccount{priv: priv, addr: sdk.AccAddress(priv.PubKey().Address())}
}

func newSimApp(t testing.TB) *app.App {
	return app.New(log.NewNopLogger(), dbm.NewMemDB(), true, simtestutil.NewAppOptionsWithFlagHome(t.TempDir()),
		baseapp.SetChainID(simChainID))
}

// simGenesis returns a one-validator council genesis: member is the only agency, bonded with
// exactly the council bond, and member and writers hold the test denom.
func simGenesis(t testing.TB, a *app.App, member *simAccount, others ...*simAccount) []byte {
	gs := a.DefaultGenesis()
	spec := appgenesis.Spec{Validator: member.addr, ConsensusKey: ed25519.GenPrivKeyFromSecret([]byte("sim-consensus-0")).PubKey(),
		Bond: counciltypes.DefaultBondAmount, BondDenom: app.BondDenom,
		Members: []counciltypes.Member{{Address: member.addr.String(), Name: "agency-0"}}}
	for i, acc := range append([]*simAccount{member}, others...) {
		spec.Accounts = append(spec.Accounts, appgenesis.Account{Addr: acc.addr, Coins: sdk.NewCoins(sdk.NewInt64Coin("uamn", 1_000_000_000))})
		acc.accNum = uint64(i)
	}
	require.NoError(t, appgenesis.OneValidator(a.AppCodec(), gs, spec))
	bz, err := json.Marshal(gs)
	require.NoError(t, err)
	return bz
}

// simBlock is one block of the script: its time and encoded transactions.
type simBlock struct {
	time time.Time
	txs  [][]byte
}

// simChain drives one app by hand: InitChain, then FinalizeBlock and Commit per block.
type simChain struct {
	t      testing.TB
	a      *app.App
	height int64
	hashes [][]byte
}

func (c *simChain) init(genesis []byte, initialHeight int64, t0 time.Time) {
	_, err := c.a.InitChain(&abci.RequestInitChain{ChainId: simChainID, AppStateBytes: genesis, Time: t0,
		ConsensusParams: simtestutil.DefaultConsensusParams, InitialHeight: initialHeight})
	require.NoError(c.t, err)
	c.height = initialHeight - 1
}

// run finalizes and commits one block, requires every transaction to succeed, and returns the
// app hash.
func (c *simChain) run(b simBlock) []byte {
	c.height++
	res, err := c.a.FinalizeBlock(&abci.RequestFinalizeBlock{Height: c.height, Time: b.time, Txs: b.txs})
	require.NoError(c.t, err)
	for i, r := range res.TxResults {
		require.Equalf(c.t, uint32(0), r.Code, "height %d tx %d: %s", c.height, i, r.Log)
	}
	_, err = c.a.Commit()
	require.NoError(c.t, err)
	c.hashes = append(c.hashes, res.AppHash)
	return res.AppHash
}

// script builds the blocks as it runs them on c (the reference chain), so sequences and
// account numbers come from real state.
type script struct {
	t       testing.TB
	r       *rand.Rand
	c       *simChain
	member  *simAccount
	writers []*simAccount
	active  map[int]bool // writers currently authorised
	network string
	owner   string
	ownerK  keys.PrivateKey
	listID  uint64
	ownSeq  uint64
	counts  map[string]int
}

func (s *script) sign(signer *simAccount, msgs ...sdk.Msg) []byte {
	tx, err := simtestutil.GenSignedMockTx(s.r, s.c.a.TxConfig(), msgs, sdk.NewCoins(), 2_000_000, simChainID,
		[]uint64{signer.accNum}, []uint64{signer.seq}, signer.priv)
	require.NoError(s.t, err)
	bz, err := s.c.a.TxConfig().TxEncoder()(tx)
	require.NoError(s.t, err)
	signer.seq++
	return bz
}

func (s *script) createDID(payer *simAccount) (sdk.Msg, string, keys.PrivateKey) {
	priv, err := keys.Generate(keys.Ed25519)
	require.NoError(s.t, err)
	doc := didtypes.NewDocument(s.network, priv.Public())
	bz, err := doc.MarshalJSON()
	require.NoError(s.t, err)
	msg := &didtypes.MsgCreateDid{Signer: payer.addr.String(), Payload: didtypes.CreateDidPayload{Document: bz}}
	sig, err := didtypes.Sign(simChainID, sdk.MsgTypeURL(msg), &msg.Payload, doc.ID+"#key-1", priv)
	require.NoError(s.t, err)
	msg.Signatures = []didtypes.DidSignature{sig}
	s.counts["did-create"]++
	return msg, doc.ID, priv
}

func (s *script) didSign(msg sdk.Msg, payload interface {
	Reset()
	String() string
	ProtoMessage()
}) []didtypes.DidSignature {
	sig, err := didtypes.Sign(simChainID, sdk.MsgTypeURL(msg), payload, s.owner+"#key-1", s.ownerK)
	require.NoError(s.t, err)
	return []didtypes.DidSignature{sig}
}

// next builds block h of the script.
func (s *script) next(h int, t time.Time) simBlock {
	b := simBlock{time: t}
	switch h {
	case 1: // the status owner's DID; open the writers' accounts
		msg, did, key := s.createDID(s.member)
		s.owner, s.ownerK = did, key
		var msgs []sdk.Msg
		msgs = append(msgs, msg)
		b.txs = append(b.txs, s.sign(s.member, msgs...))
		return b
	case 2: // the owner's revocation list; authorise the first writer
		create := &statustypes.MsgCreateStatusList{Signer: s.member.addr.String(), Payload: &statustypes.CreateStatusListPayload{
			Owner: s.owner, Purpose: statustypes.StatusPurpose_STATUS_PURPOSE_REVOCATION, Size_: statuslist.MinSize, Sequence: s.ownSeq}}
		create.Signatures = s.didSign(create, create.Payload)
		s.ownSeq++
		s.counts["status-create"]++
		b.txs = append(b.txs, s.sign(s.member, create))
		return b
	}
	// From block 3: random DID creations (by the member and by authorised writers), status
	// updates, and writer authorisations and revocations.
	for range s.r.Intn(4) {
		payer := s.member
		var live []int
		for i := range s.writers {
			if s.active[i] {
				live = append(live, i)
			}
		}
		if len(live) > 0 && s.r.Intn(2) == 0 {
			payer = s.writers[live[s.r.Intn(len(live))]]
		}
		msg, _, _ := s.createDID(payer)
		b.txs = append(b.txs, s.sign(payer, msg))
	}
	if s.r.Intn(3) > 0 {
		n := 1 + s.r.Intn(4)
		idx := make([]uint32, 0, n)
		vals := make([]byte, 0, n)
		seen := map[uint32]bool{}
		for range n {
			i := uint32(s.r.Intn(statuslist.MinSize))
			if seen[i] {
				continue
			}
			seen[i] = true
			idx = append(idx, i)
			vals = append(vals, byte(s.r.Intn(2)))
		}
		upd := &statustypes.MsgUpdateStatusList{Signer: s.member.addr.String(), Payload: &statustypes.UpdateStatusListPayload{
			ListId: s.listID, Sequence: s.ownSeq, Indices: idx, Values: vals}}
		upd.Signatures = s.didSign(upd, upd.Payload)
		s.ownSeq++
		s.counts["status-update"]++
		b.txs = append(b.txs, s.sign(s.member, upd))
	}
	if s.r.Intn(3) == 0 {
		i := s.r.Intn(len(s.writers))
		w := s.writers[i]
		var msg sdk.Msg
		if s.active[i] {
			msg = &counciltypes.MsgRevokeWriter{Granter: s.member.addr.String(), Address: w.addr.String()}
			s.counts["writer-revoke"]++
		} else {
			msg = &counciltypes.MsgAuthorizeWriter{Granter: s.member.addr.String(), Address: w.addr.String(), Note: fmt.Sprintf("sim block %d", h)}
			s.counts["writer-authorize"]++
		}
		s.active[i] = !s.active[i]
		b.txs = append(b.txs, s.sign(s.member, msg))
	}
	return b
}

// runScript runs the seed's script on a fresh reference app, returning the genesis, the blocks
// and the chain.
func runScript(t *testing.T, seed int64) ([]byte, []simBlock, *simChain, map[string]int) {
	member := newSimAccount("sim-member-0")
	writers := []*simAccount{newSimAccount("sim-writer-1"), newSimAccount("sim-writer-2"), newSimAccount("sim-writer-3")}
	ref := &simChain{t: t, a: newSimApp(t)}
	genesis := simGenesis(t, ref.a, member, writers...)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ref.init(genesis, 1, t0)
	s := &script{t: t, r: rand.New(rand.NewSource(seed)), c: ref, member: member, writers: writers, active: map[int]bool{},
		counts: map[string]int{}}
	var gs map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(genesis, &gs))
	var did didtypes.GenesisState
	ref.a.AppCodec().MustUnmarshalJSON(gs[didtypes.ModuleName], &did)
	s.network = did.Params.Network
	var blocks []simBlock
	for h := 1; h <= simBlocks; h++ {
		b := s.next(h, t0.Add(time.Duration(h)*time.Second))
		ref.run(b)
		blocks = append(blocks, b)
		if h == 1 { // the block's change journal entry names the owner's DID
			ch, err := ref.a.DidKeeper.Changes.Get(ref.a.NewContext(true), 1)
			require.NoError(t, err)
			require.Equal(t, []string{s.owner}, ch.Dids)
		}
		if h == 2 { // the owner's list is the chain's first
			ctx := ref.a.NewContext(true)
			l, err := ref.a.StatusKeeper.GetList(ctx, 1)
			require.NoError(t, err)
			require.Equal(t, s.owner, l.Owner)
			s.listID = l.Id
			ch, err := ref.a.StatusKeeper.BlockChanges.Get(ctx, 2)
			require.NoError(t, err)
			require.Equal(t, []*statustypes.ListPages{{ListId: 1}}, ch.Lists)
			has, err := ref.a.DidKeeper.Changes.Has(ctx, 2)
			require.NoError(t, err)
			require.False(t, has, "block 2 changed no DID")
		}
	}
	return genesis, blocks, ref, s.counts
}

// TestAppStateDeterminism runs each seed's block sequence on two fresh apps and requires the
// same app hash after every block.
func TestAppStateDeterminism(t *testing.T) {
	for _, seed := range simSeeds {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			start := time.Now()
			genesis, blocks, ref, counts := runScript(t, seed)
			replay := &simChain{t: t, a: newSimApp(t)}
			replay.init(genesis, 1, blocks[0].time.Add(-time.Second))
			ntx := 0
			for i, b := range blocks {
				got := replay.run(b)
				ntx += len(b.txs)
				require.Truef(t, bytes.Equal(ref.hashes[i], got), "seed %d height %d: app hash %X on the replay, %X on the reference", seed, i+1, got, ref.hashes[i])
			}
			t.Logf("seed %d: %d blocks, %d txs %v: identical app hashes on both apps (last %X) in %s",
				seed, len(blocks), ntx, counts, ref.hashes[len(ref.hashes)-1], time.Since(start).Round(time.Millisecond))
		})
	}
}

// TestAppImportExport runs a seed's script, exports the state, imports it into a fresh app
// (InitChain at the next height), commits an empty block there, and requires the exported
// state of the import to equal the original export, module by module.
func TestAppImportExport(t *testing.T) {
	for _, seed := range simSeeds[:2] {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			_, blocks, ref, _ := runScript(t, seed)
			exp, err := ref.a.ExportAppStateAndValidators(false, nil, nil)
			require.NoError(t, err)

			imp := &simChain{t: t, a: newSimApp(t)}
			last := blocks[len(blocks)-1].time
			imp.init(exp.AppState, exp.Height, last)
			imp.run(simBlock{time: last.Add(time.Second)})
			exp2, err := imp.a.ExportAppStateAndValidators(false, nil, nil)
			require.NoError(t, err)

			var a, b map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(exp.AppState, &a))
			require.NoError(t, json.Unmarshal(exp2.AppState, &b))
			require.Equal(t, len(a), len(b))
			for mod, raw := range a {
				require.JSONEqf(t, string(raw), string(b[mod]), "seed %d: module %s differs after import", seed, mod)
			}
			require.Equal(t, len(exp.Validators), len(exp2.Validators))
			t.Logf("seed %d: exported at height %d (%d bytes, %d modules), imported into a fresh app, re-exported identical; validators %d",
				seed, exp.Height, len(exp.AppState), len(a), len(exp.Validators))
		})
	}
}
