package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/suite"

	"github.com/amanah-id/amanah/statuslist"
	didtypes "github.com/amanah-id/amanah/x/did/types"
	"github.com/amanah-id/amanah/x/status/types"
)

type KeeperSuite struct {
	suite.Suite
	f     *fixture
	alice issuer // owns list
	bob   issuer // another issuer
	list  uint64 // alice's 1-bit revocation list of MinSize
	multi uint64 // alice's 2-bit status list of MinSize
}

func TestKeeperSuite(t *testing.T) { suite.Run(t, new(KeeperSuite)) }

func (s *KeeperSuite) SetupTest() {
	s.f = newFixture(s.T())
	s.alice = newIssuer(s.T(), s.f.dids)
	s.bob = newIssuer(s.T(), s.f.dids)
	s.list = s.f.create(s.T(), s.alice, types.StatusPurpose_STATUS_PURPOSE_REVOCATION, statuslist.MinSize)
	s.multi = s.f.create(s.T(), s.alice, types.StatusPurpose_STATUS_PURPOSE_STATUS, statuslist.MinSize)
}

// snapshot is the whole module state, to prove a rejected message changed nothing.
func (s *KeeperSuite) snapshot() *types.GenesisState {
	gs, err := s.f.k.ExportGenesis(s.f.ctx)
	s.Require().NoError(err)
	return gs
}

func (s *KeeperSuite) TestCreateRules() {
	min := uint32(statuslist.MinSize)
	cases := []struct {
		name   string
		mutate func(m *types.MsgCreateStatusList) // applied before signing unless resign is false
		resign bool
		expErr error
	}{
		{"ok revocation", nil, true, nil},
		{"ok suspension at max size", func(m *types.MsgCreateStatusList) {
			m.Payload.Purpose, m.Payload.Size_ = types.StatusPurpose_STATUS_PURPOSE_SUSPENSION, statuslist.MaxSize
		}, true, nil},
		{"size below minimum", func(m *types.MsgCreateStatusList) { m.Payload.Size_ = min - 32768 }, true, types.ErrSizeTooSmall},
		{"size above maximum", func(m *types.MsgCreateStatusList) { m.Payload.Size_ = statuslist.MaxSize + 32768 }, true, types.ErrSizeTooLarge},
		{"size not page aligned", func(m *types.MsgCreateStatusList) { m.Payload.Size_ = min + 1 }, true, types.ErrSizeNotAligned},
		{"2-bit size not page aligned", func(m *types.MsgCreateStatusList) {
			m.Payload.Purpose, m.Payload.Size_ = types.StatusPurpose_STATUS_PURPOSE_STATUS, min+8192
		}, true, types.ErrSizeNotAligned},
		{"unspecified purpose", func(m *types.MsgCreateStatusList) { m.Payload.Purpose = 0 }, true, types.ErrInvalidPurpose},
		{"owner not a did:amanah", func(m *types.MsgCreateStatusList) { m.Payload.Owner = "did:web:example.com" }, true, types.ErrInvalidDID},
		{"malformed did:amanah id", func(m *types.MsgCreateStatusList) { m.Payload.Owner = "did:amanah:local:11111111111111111111111111" }, false, types.ErrInvalidDID},
		{"replayed sequence", func(m *types.MsgCreateStatusList) { m.Payload.Sequence = 0 }, true, types.ErrBadSequence},
		{"no signatures", func(m *types.MsgCreateStatusList) { m.Signatures = nil }, false, types.ErrMissingSignatures},
		{"no payload", func(m *types.MsgCreateStatusList) { m.Payload = nil }, false, types.ErrMissingPayload},
		{"bad signer address", func(m *types.MsgCreateStatusList) { m.Signer = "nobody" }, false, types.ErrInvalidSigner},
		{"payload changed after signing", func(m *types.MsgCreateStatusList) { m.Payload.Size_ = min * 2 }, false, types.ErrUnauthorized},
		{"signed by another issuer's key", func(m *types.MsgCreateStatusList) {
			m.Signatures = sign(s.T(), m, m.Payload, s.bob.assertion, s.bob.method("key-1"))
		}, false, types.ErrUnauthorized},
		{"signed by the owner's capabilityInvocation key", func(m *types.MsgCreateStatusList) {
			m.Signatures = sign(s.T(), m, m.Payload, s.alice.admin, s.alice.method("admin"))
		}, false, types.ErrUnauthorized},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.SetupTest()
			msg := s.f.createMsg(s.T(), s.alice, types.StatusPurpose_STATUS_PURPOSE_REVOCATION, min)
			if tc.mutate != nil {
				tc.mutate(msg)
				if tc.resign && msg.Payload != nil {
					msg.Signatures = sign(s.T(), msg, msg.Payload, s.alice.assertion, s.alice.method("key-1"))
				}
			}
			before := s.snapshot()
			resp, err := s.f.msgs.CreateStatusList(s.f.ctx, msg)
			if tc.expErr != nil {
				s.Require().ErrorIs(err, tc.expErr)
				s.Require().Equal(before, s.snapshot(), "rejected create changed state")
				return
			}
			s.Require().NoError(err)
			l, err := s.f.k.GetList(s.f.ctx, resp.ListId)
			s.Require().NoError(err)
			s.Require().Equal(s.alice.did, l.Owner)
			s.Require().Equal(uint32(1), l.Bits)
			s.Require().Equal(int64(10), l.CreatedHeight)
		})
	}
}

func (s *KeeperSuite) TestCreateOwnerState() {
	s.Run("unknown owner", func() {
		s.SetupTest()
		ghost := newIssuer(s.T(), &fakeDIDs{dids: map[string]*fakeDID{}}) // never registered here
		_, err := s.f.msgs.CreateStatusList(s.f.ctx, s.f.createMsg(s.T(), ghost, types.StatusPurpose_STATUS_PURPOSE_REVOCATION, statuslist.MinSize))
		s.Require().ErrorIs(err, types.ErrOwnerNotFound)
	})
	s.Run("deactivated owner", func() {
		s.SetupTest()
		msg := s.f.createMsg(s.T(), s.alice, types.StatusPurpose_STATUS_PURPOSE_REVOCATION, statuslist.MinSize)
		s.f.dids.dids[s.alice.did].deactivated = true
		before := s.snapshot()
		_, err := s.f.msgs.CreateStatusList(s.f.ctx, msg)
		s.Require().ErrorIs(err, types.ErrOwnerDeactivated)
		s.Require().Equal(before, s.snapshot())
	})
}

func (s *KeeperSuite) TestUpdateRules() {
	big := make([]uint32, statuslist.MaxBatch+1)
	for i := range big {
		big[i] = uint32(i)
	}
	cases := []struct {
		name    string
		list    func() uint64
		indices []uint32
		values  []byte
		mutate  func(m *types.MsgUpdateStatusList)
		expErr  error
	}{
		{"ok revoke", nil, []uint32{0, 7, statuslist.MinSize - 1}, fill(3, 1), nil, nil},
		{"ok 2-bit suspend", func() uint64 { return s.multi }, []uint32{5}, []byte{2}, nil, nil},
		{"index out of range", nil, []uint32{statuslist.MinSize}, []byte{1}, nil, types.ErrIndexOutOfRange},
		{"value wider than 1 bit", nil, []uint32{3}, []byte{2}, nil, types.ErrValueTooWide},
		{"value wider than 2 bits", func() uint64 { return s.multi }, []uint32{3}, []byte{4}, nil, types.ErrValueTooWide},
		{"duplicate index", nil, []uint32{9, 4, 9}, fill(3, 1), nil, types.ErrDuplicateIndex},
		{"oversize batch", nil, big, fill(len(big), 1), nil, types.ErrBatchTooLarge},
		{"empty update", nil, nil, nil, nil, types.ErrEmptyUpdate},
		{"values do not match indices", nil, []uint32{1, 2}, []byte{1}, nil, types.ErrMalformedUpdate},
		{"unknown list", func() uint64 { return 999 }, []uint32{1}, []byte{1}, nil, types.ErrListNotFound},
		{"signed by another issuer's key", nil, []uint32{1}, []byte{1}, func(m *types.MsgUpdateStatusList) {
			m.Signatures = sign(s.T(), m, m.Payload, s.bob.assertion, s.bob.method("key-1"))
		}, types.ErrUnauthorized},
		{"another issuer's key claiming the owner's method", nil, []uint32{1}, []byte{1}, func(m *types.MsgUpdateStatusList) {
			m.Signatures = sign(s.T(), m, m.Payload, s.bob.assertion, s.alice.method("key-1"))
		}, types.ErrUnauthorized},
		{"signed by the owner's capabilityInvocation key", nil, []uint32{1}, []byte{1}, func(m *types.MsgUpdateStatusList) {
			m.Signatures = sign(s.T(), m, m.Payload, s.alice.admin, s.alice.method("admin"))
		}, types.ErrUnauthorized},
		{"indices changed after signing", nil, []uint32{1}, []byte{1}, func(m *types.MsgUpdateStatusList) {
			m.Payload.Indices = []uint32{2}
		}, types.ErrUnauthorized},
		{"replayed sequence", nil, []uint32{1}, []byte{1}, func(m *types.MsgUpdateStatusList) {
			m.Payload.Sequence--
			m.Signatures = sign(s.T(), m, m.Payload, s.alice.assertion, s.alice.method("key-1"))
		}, types.ErrBadSequence},
		{"deactivated owner", nil, []uint32{1}, []byte{1}, func(*types.MsgUpdateStatusList) {
			s.f.dids.dids[s.alice.did].deactivated = true
		}, types.ErrOwnerDeactivated},
		{"no signatures", nil, []uint32{1}, []byte{1}, func(m *types.MsgUpdateStatusList) { m.Signatures = nil }, types.ErrMissingSignatures},
		{"bad signer address", nil, []uint32{1}, []byte{1}, func(m *types.MsgUpdateStatusList) { m.Signer = "" }, types.ErrInvalidSigner},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.SetupTest()
			id := s.list
			if tc.list != nil {
				id = tc.list()
			}
			msg := s.f.updateMsg(s.T(), s.alice, id, tc.indices, tc.values)
			if tc.mutate != nil {
				tc.mutate(msg)
			}
			before := s.snapshot()
			_, err := s.f.msgs.UpdateStatusList(s.f.ctx, msg)
			if tc.expErr != nil {
				s.Require().ErrorIs(err, tc.expErr)
				s.Require().Equal(before, s.snapshot(), "rejected update changed state")
				return
			}
			s.Require().NoError(err)
			l, err := s.f.k.GetList(s.f.ctx, id)
			s.Require().NoError(err)
			for i, idx := range tc.indices {
				v, err := s.f.k.Entry(s.f.ctx, l, idx)
				s.Require().NoError(err)
				s.Require().Equal(tc.values[i], v, "index %d", idx)
			}
			s.Require().Equal(uint64(1), l.Updates)
		})
	}
}

// TestErrorsDistinct checks every rule has its own registered error code.
func (s *KeeperSuite) TestErrorsDistinct() {
	errs := []error{types.ErrIndexOutOfRange, types.ErrValueTooWide, types.ErrUnauthorized, types.ErrOwnerDeactivated,
		types.ErrSizeTooSmall, types.ErrSizeTooLarge, types.ErrSizeNotAligned, types.ErrBatchTooLarge,
		types.ErrDuplicateIndex, types.ErrListNotFound, types.ErrEmptyUpdate, types.ErrBadSequence}
	seen := map[error]bool{}
	for i, e := range errs {
		s.Require().False(seen[e])
		seen[e] = true
		for j, o := range errs {
			if i != j {
				s.Require().NotErrorIs(e, o)
			}
		}
	}
	s.Require().NotErrorIs(types.ErrUnauthorized, didtypes.ErrUnauthorized)
}
