package keeper_test

import (
	"bytes"
	"time"

	"github.com/amanah-id/amanah/x/trust/keeper"
	"github.com/amanah-id/amanah/x/trust/types"
)

const (
	thChain   = "amanah-th"
	thNetwork = "th"
	thVCT     = "https://th.amanah.example/credentials/national-id"
	thOther   = "https://th.amanah.example/credentials/driving-licence"
)

func thRoot() types.LightClientTrustRoot {
	return types.LightClientTrustRoot{Height: 1, HeaderHash: bytes.Repeat([]byte{0xab}, 32), TrustingPeriodSeconds: 14 * 24 * 3600}
}

// recognizeMsg is the council's recognition of the TH ledger: its national id counted as the
// local national id, with given_name and age_over_18.
func (s *KeeperTestSuite) recognizeMsg(version uint32) *types.MsgRecognizeLedger {
	return &types.MsgRecognizeLedger{Signer: s.gov, ChainId: thChain, Version: version, DidNetwork: thNetwork, TrustRoot: thRoot(),
		Types:  []types.RecognisedType{{ForeignVct: thVCT, LocalVct: types.NationalIDVCT, Claims: []string{"given_name", "age_over_18"}}},
		Reason: "ASEAN mutual recognition"}
}

func (s *KeeperTestSuite) TestRecognizeLedger() {
	recognized := func() {
		s.registerNationalID()
		_, err := s.msgs.RecognizeLedger(s.ctx, s.recognizeMsg(1))
		s.Require().NoError(err)
	}
	cases := []struct {
		name  string
		setup func()
		edit  func(m *types.MsgRecognizeLedger)
		want  error
	}{
		{"non-council signer", s.registerNationalID, func(m *types.MsgRecognizeLedger) { m.Signer = s.payer }, types.ErrInvalidAuthority},
		{"bad signer address", s.registerNationalID, func(m *types.MsgRecognizeLedger) { m.Signer = "amanah1nope" }, types.ErrInvalidAddress},
		{"unknown local type", nil, nil, types.ErrCredentialTypeNotFound},
		{"claim not in local schema", s.registerNationalID, func(m *types.MsgRecognizeLedger) { m.Types[0].Claims = []string{"blood_type"} }, types.ErrUnknownClaim},
		{"duplicate recognition", recognized, nil, types.ErrRecognitionExists},
		{"update of unknown ledger", s.registerNationalID, func(m *types.MsgRecognizeLedger) { m.Version = 2 }, types.ErrRecognitionNotFound},
		{"stale version", recognized, func(m *types.MsgRecognizeLedger) { m.Version = 3 }, types.ErrStaleRecognition},
		{"network changes", recognized, func(m *types.MsgRecognizeLedger) { m.Version, m.DidNetwork = 2, "sg" }, types.ErrInvalidRecognition},
		{"network of another ledger", recognized, func(m *types.MsgRecognizeLedger) { m.ChainId = "amanah-th-2" }, types.ErrNetworkRecognised},
		{"own chain id", s.registerNationalID, func(m *types.MsgRecognizeLedger) { m.ChainId = testChainID }, types.ErrInvalidRecognition},
		{"own did network", s.registerNationalID, func(m *types.MsgRecognizeLedger) { m.DidNetwork = "test" }, types.ErrInvalidRecognition},
		{"empty chain id", nil, func(m *types.MsgRecognizeLedger) { m.ChainId = "" }, types.ErrInvalidRecognition},
		{"chain id with space", nil, func(m *types.MsgRecognizeLedger) { m.ChainId = "amanah th" }, types.ErrInvalidRecognition},
		{"chain id too long", nil, func(m *types.MsgRecognizeLedger) { m.ChainId = string(bytes.Repeat([]byte{'a'}, 51)) }, types.ErrInvalidRecognition},
		{"version 0", nil, func(m *types.MsgRecognizeLedger) { m.Version = 0 }, types.ErrInvalidRecognition},
		{"bad network", nil, func(m *types.MsgRecognizeLedger) { m.DidNetwork = "TH" }, types.ErrInvalidRecognition},
		{"empty network", nil, func(m *types.MsgRecognizeLedger) { m.DidNetwork = "" }, types.ErrInvalidRecognition},
		{"trust root height 0", nil, func(m *types.MsgRecognizeLedger) { m.TrustRoot.Height = 0 }, types.ErrInvalidTrustRoot},
		{"trust root negative height", nil, func(m *types.MsgRecognizeLedger) { m.TrustRoot.Height = -5 }, types.ErrInvalidTrustRoot},
		{"trust root short hash", nil, func(m *types.MsgRecognizeLedger) { m.TrustRoot.HeaderHash = []byte{1, 2, 3} }, types.ErrInvalidTrustRoot},
		{"trust root no hash", nil, func(m *types.MsgRecognizeLedger) { m.TrustRoot.HeaderHash = nil }, types.ErrInvalidTrustRoot},
		{"trust root period 0", nil, func(m *types.MsgRecognizeLedger) { m.TrustRoot.TrustingPeriodSeconds = 0 }, types.ErrInvalidTrustRoot},
		{"trust root period too long", nil, func(m *types.MsgRecognizeLedger) {
			m.TrustRoot.TrustingPeriodSeconds = 2 * types.MaxTrustingPeriodSeconds
		}, types.ErrInvalidTrustRoot},
		{"no types", nil, func(m *types.MsgRecognizeLedger) { m.Types = nil }, types.ErrInvalidRecognition},
		{"duplicate type", nil, func(m *types.MsgRecognizeLedger) { m.Types = append(m.Types, m.Types[0]) }, types.ErrInvalidRecognition},
		{"bad foreign vct", nil, func(m *types.MsgRecognizeLedger) { m.Types[0].ForeignVct = "not a uri" }, types.ErrInvalidRecognition},
		{"bad local vct", nil, func(m *types.MsgRecognizeLedger) { m.Types[0].LocalVct = "relative/path" }, types.ErrInvalidRecognition},
		{"no claims", nil, func(m *types.MsgRecognizeLedger) { m.Types[0].Claims = nil }, types.ErrInvalidRecognition},
		{"reserved claim", nil, func(m *types.MsgRecognizeLedger) { m.Types[0].Claims = []string{"iss"} }, types.ErrInvalidRecognition},
		{"duplicate claim", nil, func(m *types.MsgRecognizeLedger) { m.Types[0].Claims = []string{"given_name", "given_name"} }, types.ErrInvalidRecognition},
		{"reason with control char", nil, func(m *types.MsgRecognizeLedger) { m.Reason = "a\x00b" }, types.ErrInvalidRecognition},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.SetupTest()
			if tc.setup != nil {
				tc.setup()
			}
			m := s.recognizeMsg(1)
			if tc.edit != nil {
				tc.edit(m)
			}
			before := s.snapshot()
			_, err := s.msgs.RecognizeLedger(s.ctx, m)
			s.requireErrUnchanged(err, tc.want, before)
		})
	}
}

// TestRecognitionVersions: recognise, change terms, suspend, reinstate, withdraw; each a
// version answerable at its time; the journal names the chain id; genesis round-trips.
func (s *KeeperTestSuite) TestRecognitionVersions() {
	s.registerNationalID()
	at := func(d time.Duration) { s.ctx = s.ctx.WithBlockTime(t0.Add(d)).WithBlockHeight(s.ctx.BlockHeight() + 1) }
	_, err := s.msgs.RecognizeLedger(s.ctx, s.recognizeMsg(1))
	s.Require().NoError(err)
	s.Require().NoError(s.k.EndBlock(s.ctx))
	ch, err := s.k.Changes.Get(s.ctx, s.ctx.BlockHeight())
	s.Require().NoError(err)
	s.Require().Equal([]string{thChain}, ch.Ledgers)

	at(time.Hour)
	m := s.recognizeMsg(2)
	m.Types = append(m.Types, types.RecognisedType{ForeignVct: thOther, Claims: []string{"licence_class"}}) // accepted as is
	_, err = s.msgs.RecognizeLedger(s.ctx, m)
	s.Require().NoError(err)
	at(2 * time.Hour)
	_, err = s.msgs.SetLedgerRecognitionStatus(s.ctx, &types.MsgSetLedgerRecognitionStatus{Signer: s.gov, ChainId: thChain, Version: 3,
		Status: types.LEDGER_RECOGNITION_STATUS_SUSPENDED, Reason: "audit"})
	s.Require().NoError(err)
	at(3 * time.Hour)
	_, err = s.msgs.SetLedgerRecognitionStatus(s.ctx, &types.MsgSetLedgerRecognitionStatus{Signer: s.gov, ChainId: thChain, Version: 4,
		Status: types.LEDGER_RECOGNITION_STATUS_ACTIVE})
	s.Require().NoError(err)
	at(4 * time.Hour)
	_, err = s.msgs.SetLedgerRecognitionStatus(s.ctx, &types.MsgSetLedgerRecognitionStatus{Signer: s.gov, ChainId: thChain, Version: 5,
		Status: types.LEDGER_RECOGNITION_STATUS_WITHDRAWN, Reason: "treaty ended"})
	s.Require().NoError(err)

	versions, err := s.k.Recognition(s.ctx, thChain)
	s.Require().NoError(err)
	s.Require().Len(versions, 5)
	for _, c := range []struct {
		d       time.Duration
		version uint32
		status  types.LedgerRecognitionStatus
	}{
		{30 * time.Minute, 1, types.LEDGER_RECOGNITION_STATUS_ACTIVE},
		{90 * time.Minute, 2, types.LEDGER_RECOGNITION_STATUS_ACTIVE},
		{150 * time.Minute, 3, types.LEDGER_RECOGNITION_STATUS_SUSPENDED},
		{210 * time.Minute, 4, types.LEDGER_RECOGNITION_STATUS_ACTIVE},
		{300 * time.Minute, 5, types.LEDGER_RECOGNITION_STATUS_WITHDRAWN},
	} {
		r, ok := keeper.RecognitionAt(versions, t0.Add(c.d))
		s.Require().True(ok)
		s.Require().Equal(c.version, r.Version)
		s.Require().Equal(c.status, r.Status)
		tm := t0.Add(c.d)
		res, err := s.query.LedgerRecognition(s.ctx, &types.QueryLedgerRecognitionRequest{ChainId: thChain, Time: &tm})
		s.Require().NoError(err)
		s.Require().Equal(c.version, res.Recognition.Version)
	}
	_, ok := keeper.RecognitionAt(versions, t0.Add(-time.Second))
	s.Require().False(ok)
	s.Require().Len(versions[1].Types, 2)

	// A withdrawn recognition takes no status change; a new recognition (version 6) may follow.
	before := s.snapshot()
	_, err = s.msgs.SetLedgerRecognitionStatus(s.ctx, &types.MsgSetLedgerRecognitionStatus{Signer: s.gov, ChainId: thChain, Version: 6,
		Status: types.LEDGER_RECOGNITION_STATUS_ACTIVE})
	s.requireErrUnchanged(err, types.ErrInvalidTransition, before)

	gs := s.snapshot()
	s.Require().NoError(gs.Validate())
	s.Require().Len(gs.LedgerRecognitions, 5)
	s.SetupTest()
	s.Require().NoError(s.k.InitGenesis(s.ctx, gs))
	s.Require().Equal(gs, s.snapshot())
}

func (s *KeeperTestSuite) TestSetLedgerRecognitionStatusRejects() {
	recognized := func() {
		s.registerNationalID()
		_, err := s.msgs.RecognizeLedger(s.ctx, s.recognizeMsg(1))
		s.Require().NoError(err)
	}
	cases := []struct {
		name  string
		setup func()
		msg   types.MsgSetLedgerRecognitionStatus
		want  error
	}{
		{"non-council signer", recognized, types.MsgSetLedgerRecognitionStatus{Signer: s.payer, ChainId: thChain, Version: 2, Status: types.LEDGER_RECOGNITION_STATUS_WITHDRAWN}, types.ErrInvalidAuthority},
		{"unknown ledger", nil, types.MsgSetLedgerRecognitionStatus{ChainId: thChain, Version: 2, Status: types.LEDGER_RECOGNITION_STATUS_WITHDRAWN}, types.ErrRecognitionNotFound},
		{"stale version", recognized, types.MsgSetLedgerRecognitionStatus{ChainId: thChain, Version: 1 + 2, Status: types.LEDGER_RECOGNITION_STATUS_WITHDRAWN}, types.ErrStaleRecognition},
		{"version 1", recognized, types.MsgSetLedgerRecognitionStatus{ChainId: thChain, Version: 1, Status: types.LEDGER_RECOGNITION_STATUS_WITHDRAWN}, types.ErrInvalidRecognition},
		{"unspecified status", recognized, types.MsgSetLedgerRecognitionStatus{ChainId: thChain, Version: 2}, types.ErrInvalidRecognition},
		{"unknown status", recognized, types.MsgSetLedgerRecognitionStatus{ChainId: thChain, Version: 2, Status: 9}, types.ErrInvalidRecognition},
		{"active to active", recognized, types.MsgSetLedgerRecognitionStatus{ChainId: thChain, Version: 2, Status: types.LEDGER_RECOGNITION_STATUS_ACTIVE}, types.ErrInvalidTransition},
		{"bad chain id", nil, types.MsgSetLedgerRecognitionStatus{ChainId: "a/b", Version: 2, Status: types.LEDGER_RECOGNITION_STATUS_WITHDRAWN}, types.ErrInvalidRecognition},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.SetupTest()
			if tc.setup != nil {
				tc.setup()
			}
			m := tc.msg
			if m.Signer == "" {
				m.Signer = s.gov
			}
			before := s.snapshot()
			_, err := s.msgs.SetLedgerRecognitionStatus(s.ctx, &m)
			s.requireErrUnchanged(err, tc.want, before)
		})
	}
}

// TestRelyingPartyForeignOptIn: a registration may name recognised foreign types (claims within
// the recognition's); old registrations (none) stay valid.
func (s *KeeperTestSuite) TestRelyingPartyForeignOptIn() {
	s.registerNationalID()
	_, err := s.msgs.RecognizeLedger(s.ctx, s.recognizeMsg(1))
	s.Require().NoError(err)
	withForeign := func(version uint64, fs ...types.ForeignAcceptance) *types.MsgRegisterRelyingParty {
		m := s.rpMsg("", version, types.RELYING_PARTY_STATUS_ACTIVE, []string{bankAudience}, "age_over_18")
		m.Payload.Foreign = fs
		m.RelyingPartySignatures = s.sign(bank, m, &m.Payload)
		return m
	}
	_, err = s.msgs.RegisterRelyingParty(s.ctx, withForeign(1))
	s.Require().NoError(err, "a registration without foreign opt-ins")
	cases := []struct {
		name string
		f    []types.ForeignAcceptance
		want error
	}{
		{"unrecognised ledger", []types.ForeignAcceptance{{ChainId: "amanah-sg", Vct: thVCT, Claims: []string{"given_name"}}}, types.ErrForeignTypeNotAccepted},
		{"unrecognised type", []types.ForeignAcceptance{{ChainId: thChain, Vct: thOther, Claims: []string{"given_name"}}}, types.ErrForeignTypeNotAccepted},
		{"claim beyond recognition", []types.ForeignAcceptance{{ChainId: thChain, Vct: thVCT, Claims: []string{"birthdate"}}}, types.ErrForeignTypeNotAccepted},
		{"duplicate", []types.ForeignAcceptance{{ChainId: thChain, Vct: thVCT, Claims: []string{"given_name"}}, {ChainId: thChain, Vct: thVCT, Claims: []string{"given_name"}}}, types.ErrInvalidPayload},
		{"no claims", []types.ForeignAcceptance{{ChainId: thChain, Vct: thVCT}}, types.ErrInvalidPayload},
		{"bad chain id", []types.ForeignAcceptance{{ChainId: "", Vct: thVCT, Claims: []string{"given_name"}}}, types.ErrInvalidPayload},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			before := s.snapshot()
			_, err := s.msgs.RegisterRelyingParty(s.ctx, withForeign(2, tc.f...))
			s.requireErrUnchanged(err, tc.want, before)
		})
	}
	ok := []types.ForeignAcceptance{{ChainId: thChain, Vct: thVCT, Claims: []string{"given_name", "age_over_18"}}}
	_, err = s.msgs.RegisterRelyingParty(s.ctx, withForeign(2, ok...))
	s.Require().NoError(err)
	rp, err := s.k.RelyingParties.Get(s.ctx, bank)
	s.Require().NoError(err)
	s.Require().Equal(ok, rp.Foreign)
	s.Require().NoError(s.snapshot().Validate())

	// After the withdrawal no registration may opt in to the ledger.
	_, err = s.msgs.SetLedgerRecognitionStatus(s.ctx, &types.MsgSetLedgerRecognitionStatus{Signer: s.gov, ChainId: thChain, Version: 2,
		Status: types.LEDGER_RECOGNITION_STATUS_WITHDRAWN})
	s.Require().NoError(err)
	before := s.snapshot()
	_, err = s.msgs.RegisterRelyingParty(s.ctx, withForeign(3, ok...))
	s.requireErrUnchanged(err, types.ErrForeignTypeNotAccepted, before)
}

func (s *KeeperTestSuite) TestMigrate3to4() {
	s.registerNationalID()
	old := types.RelyingParty{Did: bank, LegalName: "Bank Amanah Berhad", RegistrationNumber: "199001012345",
		Permissions: []types.ClaimPermission{{Vct: types.NationalIDVCT, Claims: []string{"age_over_18"}}},
		Status:      types.RELYING_PARTY_STATUS_ACTIVE, Version: 1, UpdatedAt: t0, Audiences: []string{bankAudience}}
	s.Require().NoError(s.k.RelyingParties.Set(s.ctx, bank, old))
	s.Require().NoError(s.k.StoreVersion.Set(s.ctx, 3))
	want := s.snapshot()
	s.Require().NoError(s.k.Migrate3to4(s.ctx))
	v, err := s.k.StoreVersion.Get(s.ctx)
	s.Require().NoError(err)
	s.Require().Equal(uint64(4), v)
	s.Require().Equal(want, s.snapshot(), "records unchanged")
	got, err := s.k.RelyingParties.Get(s.ctx, bank)
	s.Require().NoError(err)
	s.Require().Empty(got.Foreign, "an old registration accepts nothing foreign")
}
