package keeper_test

import (
	"fmt"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"

	didtypes "github.com/amanah-id/amanah/x/did/types"
	"github.com/amanah-id/amanah/x/trust/types"
)

func (s *KeeperTestSuite) TestRegisterCredentialType() {
	council := func(p types.CredentialTypePayload) *types.MsgRegisterCredentialType {
		return &types.MsgRegisterCredentialType{Signer: s.gov, Payload: p}
	}
	byDID := func(did string, p types.CredentialTypePayload) *types.MsgRegisterCredentialType {
		p.Registrant = did
		msg := &types.MsgRegisterCredentialType{Signer: s.payer, Payload: p}
		msg.Signatures = s.sign(did, msg, &msg.Payload)
		return msg
	}
	v := func(version uint32, schema string) types.CredentialTypePayload {
		return types.CredentialTypePayload{Vct: types.NationalIDVCT, Version: version, Schema: schema, DisplayName: "National ID"}
	}
	cases := []struct {
		name   string
		setup  func()
		msg    func() *types.MsgRegisterCredentialType
		expErr error
	}{
		{name: "council registers v1", msg: func() *types.MsgRegisterCredentialType { return council(v(1, nationalIDSchema)) }},
		{name: "council registers v2", setup: s.registerNationalID,
			msg: func() *types.MsgRegisterCredentialType { return council(v(2, nationalIDSchema)) }},
		{name: "accredited body registers a type in its scope",
			setup: func() {
				s.councilAccredit("c-nrd", nrd, types.ROLE_ACCREDITATION_BODY, t0, years(5), types.NationalIDVCT)
			},
			msg: func() *types.MsgRegisterCredentialType { return byDID(nrd, v(1, nationalIDSchema)) }},
		{name: "duplicate vct version", setup: s.registerNationalID,
			msg: func() *types.MsgRegisterCredentialType { return council(v(1, nationalIDSchema)) }, expErr: types.ErrDuplicateVersion},
		{name: "version gap", setup: s.registerNationalID,
			msg: func() *types.MsgRegisterCredentialType { return council(v(3, nationalIDSchema)) }, expErr: types.ErrVersionNotIncreasing},
		{name: "schema is not a JSON Schema",
			msg: func() *types.MsgRegisterCredentialType {
				return council(v(1, `{"type":"object","properties":{"a":{"type":"strin"}}}`))
			}, expErr: types.ErrInvalidSchema},
		{name: "schema is not JSON", msg: func() *types.MsgRegisterCredentialType { return council(v(1, `{"type":`)) }, expErr: types.ErrInvalidSchema},
		{name: "schema over the size bound",
			msg: func() *types.MsgRegisterCredentialType { return council(v(1, bigSchema(types.MaxSchemaBytes))) }, expErr: types.ErrSchemaTooLarge},
		{name: "schema with a remote $ref",
			msg: func() *types.MsgRegisterCredentialType {
				return council(v(1, `{"type":"object","properties":{"a":{"$ref":"https://evil.example/a.json"}}}`))
			}, expErr: types.ErrSchemaRemoteRef},
		{name: "selectively disclosable claim not in schema",
			msg: func() *types.MsgRegisterCredentialType {
				p := v(1, nationalIDSchema)
				p.SelectivelyDisclosable = []string{"salary"}
				return council(p)
			}, expErr: types.ErrUnknownClaim},
		{name: "body outside its scope",
			setup: func() { s.councilAccredit("c-nrd", nrd, types.ROLE_ACCREDITATION_BODY, t0, years(5), vctOther) },
			msg:   func() *types.MsgRegisterCredentialType { return byDID(nrd, v(1, nationalIDSchema)) }, expErr: types.ErrOutsideScope},
		{name: "unaccredited DID", msg: func() *types.MsgRegisterCredentialType { return byDID(rogue, v(1, nationalIDSchema)) },
			expErr: types.ErrNotAccredited},
		{name: "not the gov authority", msg: func() *types.MsgRegisterCredentialType {
			m := council(v(1, nationalIDSchema))
			m.Signer = s.payer
			return m
		}, expErr: types.ErrInvalidAuthority},
		{name: "missing signature", msg: func() *types.MsgRegisterCredentialType {
			m := byDID(nrd, v(1, nationalIDSchema))
			m.Signatures = nil
			return m
		}, expErr: types.ErrMissingSignature},
		// Who may publish a later version: the body that registered version 1, or the council.
		{name: "registering body publishes v2", setup: func() { s.bodyType(nrd, health) },
			msg: func() *types.MsgRegisterCredentialType { return byDID(nrd, v(2, nationalIDSchema)) }},
		{name: "another body in scope may not publish v2", setup: func() { s.bodyType(nrd, health) },
			msg: func() *types.MsgRegisterCredentialType { return byDID(health, v(2, nationalIDSchema)) }, expErr: types.ErrNotTypeOwner},
		{name: "no body may publish v2 of a council type", setup: func() {
			s.registerNationalID()
			s.councilAccredit("c-nrd", nrd, types.ROLE_ACCREDITATION_BODY, t0, years(5), types.NationalIDVCT)
		}, msg: func() *types.MsgRegisterCredentialType { return byDID(nrd, v(2, nationalIDSchema)) }, expErr: types.ErrNotTypeOwner},
		{name: "council publishes v2 of a body's type", setup: func() { s.bodyType(nrd, health) },
			msg: func() *types.MsgRegisterCredentialType { return council(v(2, nationalIDSchema)) }},
		{name: "after a council v2 the registering body still owns the type", setup: func() {
			s.bodyType(nrd, health)
			_, err := s.msgs.RegisterCredentialType(s.ctx, council(v(2, nationalIDSchema)))
			s.Require().NoError(err)
		}, msg: func() *types.MsgRegisterCredentialType { return byDID(nrd, v(3, nationalIDSchema)) }},
		{name: "after a council v2 another body still may not publish v3", setup: func() {
			s.bodyType(nrd, health)
			_, err := s.msgs.RegisterCredentialType(s.ctx, council(v(2, nationalIDSchema)))
			s.Require().NoError(err)
		}, msg: func() *types.MsgRegisterCredentialType { return byDID(health, v(3, nationalIDSchema)) }, expErr: types.ErrNotTypeOwner},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.SetupTest()
			if tc.setup != nil {
				tc.setup()
			}
			before := s.snapshot()
			msg := tc.msg()
			res, err := s.msgs.RegisterCredentialType(s.ctx, msg)
			if tc.expErr != nil {
				s.requireErrUnchanged(err, tc.expErr, before)
				return
			}
			s.Require().NoError(err)
			s.Require().Equal(types.SchemaDigest(msg.Payload.Schema), res.SchemaSha256)
			got, err := s.k.CredentialType(s.ctx, msg.Payload.Vct, 0)
			s.Require().NoError(err)
			s.Require().Equal(msg.Payload.Version, got.Version)
			s.Require().Equal(msg.Payload.Registrant, got.RegisteredBy)
		})
	}
}

func (s *KeeperTestSuite) TestAccredit() {
	issuer := func(from, until time.Time, vcts ...string) types.AccreditPayload {
		return types.AccreditPayload{Id: "nrd-jpn", Accredited: jpn, Role: types.ROLE_ISSUER, Vcts: vcts, ValidFrom: from, ValidUntil: until}
	}
	withNRD := func() {
		s.councilAccredit("c-nrd", nrd, types.ROLE_ACCREDITATION_BODY, t0, years(5), types.NationalIDVCT)
	}
	cases := []struct {
		name   string
		setup  func()
		msg    func() *types.MsgAccredit
		expErr error
	}{
		{name: "council accredits a body", msg: func() *types.MsgAccredit {
			return &types.MsgAccredit{Signer: s.gov, Payload: types.AccreditPayload{Id: "c-nrd", Accredited: nrd,
				Role: types.ROLE_ACCREDITATION_BODY, Vcts: []string{types.NationalIDVCT}, ValidFrom: t0, ValidUntil: years(5)}}
		}},
		{name: "body accredits an issuer within scope and validity", setup: withNRD,
			msg: func() *types.MsgAccredit { return s.bodyAccreditMsg(nrd, issuer(t0, years(5), types.NationalIDVCT)) }},
		{name: "outside the accreditor's scope", setup: withNRD,
			msg: func() *types.MsgAccredit {
				return s.bodyAccreditMsg(nrd, issuer(t0, years(1), types.NationalIDVCT, vctOther))
			}, expErr: types.ErrOutsideScope},
		{name: "outside the accreditor's validity", setup: withNRD,
			msg:    func() *types.MsgAccredit { return s.bodyAccreditMsg(nrd, issuer(t0, years(6), types.NationalIDVCT)) },
			expErr: types.ErrOutsideValidity},
		{name: "starts before the accreditor's validity", setup: withNRD,
			msg: func() *types.MsgAccredit {
				return s.bodyAccreditMsg(nrd, issuer(years(-1), years(1), types.NationalIDVCT))
			},
			expErr: types.ErrOutsideValidity},
		{name: "by an unaccredited DID",
			msg:    func() *types.MsgAccredit { return s.bodyAccreditMsg(rogue, issuer(t0, years(1), types.NationalIDVCT)) },
			expErr: types.ErrNotAccredited},
		{name: "by a body whose accreditation expired", setup: func() {
			s.councilAccredit("c-nrd", nrd, types.ROLE_ACCREDITATION_BODY, years(-2), years(-1), types.NationalIDVCT)
		}, msg: func() *types.MsgAccredit { return s.bodyAccreditMsg(nrd, issuer(t0, years(1), types.NationalIDVCT)) },
			expErr: types.ErrNotAccredited},
		{name: "by a deactivated DID", setup: func() {
			s.did.deactivated[retired] = false // accredited while active, deactivated since
			s.councilAccredit("c-ret", retired, types.ROLE_ACCREDITATION_BODY, t0, years(5), types.NationalIDVCT)
			s.did.deactivated[retired] = true
		}, msg: func() *types.MsgAccredit {
			return s.bodyAccreditMsg(retired, issuer(t0, years(1), types.NationalIDVCT))
		},
			expErr: types.ErrActorDeactivated},
		{name: "by an unknown DID",
			msg: func() *types.MsgAccredit {
				m := s.bodyAccreditMsg(rogue, issuer(t0, years(1), types.NationalIDVCT))
				m.Payload.Accreditor = "did:amanah:test:nobody"
				return m
			}, expErr: types.ErrActorNotFound},
		{name: "bad signature", setup: withNRD,
			msg: func() *types.MsgAccredit {
				m := s.bodyAccreditMsg(nrd, issuer(t0, years(1), types.NationalIDVCT))
				m.Signatures[0].Signature[0] ^= 1
				return m
			}, expErr: types.ErrInvalidSignature},
		{name: "signature over another payload", setup: withNRD,
			msg: func() *types.MsgAccredit {
				m := s.bodyAccreditMsg(nrd, issuer(t0, years(1), types.NationalIDVCT))
				m.Payload.ValidUntil = years(4) // tampered after signing
				return m
			}, expErr: types.ErrInvalidSignature},
		{name: "signed by another DID's key", setup: withNRD,
			msg: func() *types.MsgAccredit {
				m := s.bodyAccreditMsg(nrd, issuer(t0, years(1), types.NationalIDVCT))
				m.Signatures = s.sign(rogue, m, &m.Payload)
				return m
			}, expErr: types.ErrInvalidSignature},
		{name: "missing signature", setup: withNRD,
			msg: func() *types.MsgAccredit {
				m := s.bodyAccreditMsg(nrd, issuer(t0, years(1), types.NationalIDVCT))
				m.Signatures = nil
				return m
			}, expErr: types.ErrMissingSignature},
		{name: "council decision with a signature", msg: func() *types.MsgAccredit {
			return &types.MsgAccredit{Signer: s.gov, Signatures: []didtypes.DidSignature{{VerificationMethod: nrd + "#key-1", Signature: []byte{1}}},
				Payload: types.AccreditPayload{Id: "c-nrd", Accredited: nrd, Role: types.ROLE_ACCREDITATION_BODY,
					Vcts: []string{types.NationalIDVCT}, ValidFrom: t0, ValidUntil: years(5)}}
		}, expErr: types.ErrUnexpectedSignature},
		{name: "body may not accredit a body", setup: withNRD,
			msg: func() *types.MsgAccredit {
				p := issuer(t0, years(1), types.NationalIDVCT)
				p.Role = types.ROLE_ACCREDITATION_BODY
				return s.bodyAccreditMsg(nrd, p)
			}, expErr: types.ErrRoleNotAllowed},
		{name: "duplicate id", setup: withNRD,
			msg: func() *types.MsgAccredit {
				p := issuer(t0, years(1), types.NationalIDVCT)
				p.Id = "c-nrd"
				return s.bodyAccreditMsg(nrd, p)
			}, expErr: types.ErrAccreditationExists},
		{name: "accredited DID deactivated", setup: withNRD,
			msg: func() *types.MsgAccredit {
				p := issuer(t0, years(1), types.NationalIDVCT)
				p.Accredited = retired
				return s.bodyAccreditMsg(nrd, p)
			}, expErr: types.ErrSubjectInactive},
		{name: "window ends before it starts", setup: withNRD,
			msg:    func() *types.MsgAccredit { return s.bodyAccreditMsg(nrd, issuer(years(1), t0, types.NationalIDVCT)) },
			expErr: types.ErrInvalidPayload},
		{name: "bad vct", setup: withNRD,
			msg:    func() *types.MsgAccredit { return s.bodyAccreditMsg(nrd, issuer(t0, years(1), "not a uri")) },
			expErr: types.ErrInvalidPayload},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.SetupTest()
			if tc.setup != nil {
				tc.setup()
			}
			before := s.snapshot()
			msg := tc.msg()
			_, err := s.msgs.Accredit(s.ctx, msg)
			if tc.expErr != nil {
				s.requireErrUnchanged(err, tc.expErr, before)
				return
			}
			s.Require().NoError(err)
			a, err := s.k.Accreditations.Get(s.ctx, msg.Payload.Id)
			s.Require().NoError(err)
			s.Require().Equal(types.ACCREDITATION_STATUS_ACTIVE, a.Status)
			s.Require().Len(a.History, 1)
		})
	}
}

func (s *KeeperTestSuite) TestAccreditAuthorizesOperator() {
	s.councilAccredit("c-nrd", nrd, types.ROLE_ACCREDITATION_BODY, t0, years(5), types.NationalIDVCT)
	operator, err := s.council.ac.BytesToString([]byte("jpn-operator-account"))
	s.Require().NoError(err)
	_, err = s.msgs.Accredit(s.ctx, s.bodyAccreditMsg(nrd, types.AccreditPayload{
		Id: "nrd-jpn", Accredited: jpn, Role: types.ROLE_ISSUER, Vcts: []string{types.NationalIDVCT},
		ValidFrom: t0, ValidUntil: years(1), Operator: operator,
	}))
	s.Require().NoError(err)
	s.Require().Contains(s.council.writers, operator)
	s.Require().Contains(s.council.writers[operator], "nrd-jpn")

	// A bad operator address is refused before anything is written.
	before := s.snapshot()
	_, err = s.msgs.Accredit(s.ctx, s.bodyAccreditMsg(nrd, types.AccreditPayload{
		Id: "nrd-jpn-2", Accredited: jpn, Role: types.ROLE_ISSUER, Vcts: []string{types.NationalIDVCT},
		ValidFrom: t0, ValidUntil: years(1), Operator: "cosmos1xyz",
	}))
	s.requireErrUnchanged(err, types.ErrInvalidAddress, before)
}

func (s *KeeperTestSuite) TestSetAccreditationStatus() {
	status := func(actor, id string, st types.AccreditationStatus, seq uint64) *types.MsgSetAccreditationStatus {
		p := types.AccreditationStatusPayload{Id: id, Actor: actor, Status: st, Sequence: seq, Reason: "test"}
		if actor == "" {
			return &types.MsgSetAccreditationStatus{Signer: s.gov, Payload: p}
		}
		msg := &types.MsgSetAccreditationStatus{Signer: s.payer, Payload: p}
		msg.Signatures = s.sign(actor, msg, &msg.Payload)
		return msg
	}
	cases := []struct {
		name   string
		setup  func()
		msg    func() *types.MsgSetAccreditationStatus
		expErr error
		want   types.AccreditationStatus
	}{
		{name: "accreditor suspends", msg: func() *types.MsgSetAccreditationStatus {
			return status(nrd, "nrd-jpn", types.ACCREDITATION_STATUS_SUSPENDED, 1)
		}, want: types.ACCREDITATION_STATUS_SUSPENDED},
		{name: "accreditor reinstates", setup: func() {
			_, err := s.msgs.SetAccreditationStatus(s.ctx, status(nrd, "nrd-jpn", types.ACCREDITATION_STATUS_SUSPENDED, 1))
			s.Require().NoError(err)
		}, msg: func() *types.MsgSetAccreditationStatus {
			return status(nrd, "nrd-jpn", types.ACCREDITATION_STATUS_ACTIVE, 2)
		}, want: types.ACCREDITATION_STATUS_ACTIVE},
		{name: "council revokes the issuer", msg: func() *types.MsgSetAccreditationStatus {
			return status("", "nrd-jpn", types.ACCREDITATION_STATUS_REVOKED, 1)
		}, want: types.ACCREDITATION_STATUS_REVOKED},
		{name: "council revokes the body", msg: func() *types.MsgSetAccreditationStatus {
			return status("", "council-nrd", types.ACCREDITATION_STATUS_REVOKED, 1)
		}, want: types.ACCREDITATION_STATUS_REVOKED},
		{name: "not the accreditor", msg: func() *types.MsgSetAccreditationStatus {
			return status(jpn, "nrd-jpn", types.ACCREDITATION_STATUS_REVOKED, 1)
		}, expErr: types.ErrNotAccreditor},
		{name: "body may not revoke its own accreditation", msg: func() *types.MsgSetAccreditationStatus {
			return status(nrd, "council-nrd", types.ACCREDITATION_STATUS_REVOKED, 1)
		}, expErr: types.ErrNotAccreditor},
		{name: "stale sequence (replayed suspension)", setup: func() {
			_, err := s.msgs.SetAccreditationStatus(s.ctx, status(nrd, "nrd-jpn", types.ACCREDITATION_STATUS_SUSPENDED, 1))
			s.Require().NoError(err)
			_, err = s.msgs.SetAccreditationStatus(s.ctx, status(nrd, "nrd-jpn", types.ACCREDITATION_STATUS_ACTIVE, 2))
			s.Require().NoError(err)
		}, msg: func() *types.MsgSetAccreditationStatus {
			return status(nrd, "nrd-jpn", types.ACCREDITATION_STATUS_SUSPENDED, 1)
		}, expErr: types.ErrStaleSequence},
		{name: "revocation is final", setup: func() {
			_, err := s.msgs.SetAccreditationStatus(s.ctx, status(nrd, "nrd-jpn", types.ACCREDITATION_STATUS_REVOKED, 1))
			s.Require().NoError(err)
		}, msg: func() *types.MsgSetAccreditationStatus {
			return status("", "nrd-jpn", types.ACCREDITATION_STATUS_ACTIVE, 2)
		}, expErr: types.ErrInvalidTransition},
		{name: "same status", msg: func() *types.MsgSetAccreditationStatus {
			return status(nrd, "nrd-jpn", types.ACCREDITATION_STATUS_ACTIVE, 1)
		}, expErr: types.ErrInvalidTransition},
		{name: "unknown accreditation", msg: func() *types.MsgSetAccreditationStatus {
			return status("", "nope", types.ACCREDITATION_STATUS_REVOKED, 1)
		}, expErr: types.ErrAccreditationNotFound},
		{name: "bad signature", msg: func() *types.MsgSetAccreditationStatus {
			m := status(nrd, "nrd-jpn", types.ACCREDITATION_STATUS_REVOKED, 1)
			m.Payload.Reason = "changed after signing"
			return m
		}, expErr: types.ErrInvalidSignature},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.SetupTest()
			s.demoChain()
			if tc.setup != nil {
				tc.setup()
			}
			before := s.snapshot()
			msg := tc.msg()
			_, err := s.msgs.SetAccreditationStatus(s.ctx, msg)
			if tc.expErr != nil {
				s.requireErrUnchanged(err, tc.expErr, before)
				return
			}
			s.Require().NoError(err)
			a, err := s.k.Accreditations.Get(s.ctx, msg.Payload.Id)
			s.Require().NoError(err)
			s.Require().Equal(tc.want, a.Status)
			s.Require().Equal(int32(tc.want), a.History[len(a.History)-1].Status)
		})
	}
}

// bankAudience is the bank's checkout origin.
const bankAudience = "https://checkout.bank.example"

// bodyType accredits each body for the national id and registers its version 1 by the first.
func (s *KeeperTestSuite) bodyType(first string, others ...string) {
	for i, b := range append([]string{first}, others...) {
		s.councilAccredit("c-body-"+string(rune('a'+i)), b, types.ROLE_ACCREDITATION_BODY, t0, years(5), types.NationalIDVCT)
	}
	msg := &types.MsgRegisterCredentialType{Signer: s.payer, Payload: types.CredentialTypePayload{
		Vct: types.NationalIDVCT, Version: 1, Schema: nationalIDSchema, DisplayName: "National ID", Registrant: first}}
	msg.Signatures = s.sign(first, msg, &msg.Payload)
	_, err := s.msgs.RegisterCredentialType(s.ctx, msg)
	s.Require().NoError(err)
}

// rpMsg builds a registration of the bank: signed by the registrar (or from the council when
// registrar is empty) and by the bank itself (its consent to the payload and its audiences).
func (s *KeeperTestSuite) rpMsg(registrar string, version uint64, status types.RelyingPartyStatus, auds []string, claims ...string) *types.MsgRegisterRelyingParty {
	p := types.RelyingPartyPayload{Did: bank, LegalName: "Bank Amanah Berhad", RegistrationNumber: "199001012345",
		Permissions: []types.ClaimPermission{{Vct: types.NationalIDVCT, Claims: claims}},
		Status:      status, Registrar: registrar, Version: version, Audiences: auds}
	msg := &types.MsgRegisterRelyingParty{Signer: s.gov, Payload: p}
	if registrar != "" {
		msg.Signer = s.payer
		msg.Signatures = s.sign(registrar, msg, &msg.Payload)
	}
	msg.RelyingPartySignatures = s.sign(bank, msg, &msg.Payload)
	return msg
}

func (s *KeeperTestSuite) TestRegisterRelyingParty() {
	rp := func(registrar string, version uint64, claims ...string) *types.MsgRegisterRelyingParty {
		return s.rpMsg(registrar, version, types.RELYING_PARTY_STATUS_ACTIVE, []string{bankAudience}, claims...)
	}
	register := func(registrar string, claims ...string) func() {
		return func() {
			s.withRPType()
			_, err := s.msgs.RegisterRelyingParty(s.ctx, rp(registrar, 1, claims...))
			s.Require().NoError(err)
		}
	}
	withType := s.withRPType
	cases := []struct {
		name   string
		setup  func()
		msg    func() *types.MsgRegisterRelyingParty
		expErr error
	}{
		{name: "council registers", setup: withType,
			msg: func() *types.MsgRegisterRelyingParty { return rp("", 1, "age_over_18", "given_name") }},
		{name: "accredited body registers", setup: withType,
			msg: func() *types.MsgRegisterRelyingParty { return rp(nrd, 1, "age_over_18", "given_name") }},
		{name: "registrar updates", setup: func() {
			withType()
			_, err := s.msgs.RegisterRelyingParty(s.ctx, rp(nrd, 1, "age_over_18"))
			s.Require().NoError(err)
		}, msg: func() *types.MsgRegisterRelyingParty { return rp(nrd, 2, "age_over_18", "given_name") }},
		{name: "claims not in the type's schema", setup: withType,
			msg: func() *types.MsgRegisterRelyingParty { return rp("", 1, "age_over_18", "salary") }, expErr: types.ErrUnknownClaim},
		{name: "unknown credential type", setup: func() {
			s.councilAccredit("c-nrd", nrd, types.ROLE_ACCREDITATION_BODY, t0, years(5), types.NationalIDVCT)
		}, msg: func() *types.MsgRegisterRelyingParty { return rp(nrd, 1, "age_over_18") }, expErr: types.ErrCredentialTypeNotFound},
		{name: "body outside its scope", setup: withType,
			msg: func() *types.MsgRegisterRelyingParty { return rp(health, 1, "age_over_18") }, expErr: types.ErrOutsideScope},
		{name: "unaccredited registrar", setup: withType,
			msg: func() *types.MsgRegisterRelyingParty { return rp(rogue, 1, "age_over_18") }, expErr: types.ErrNotAccredited},
		{name: "already registered", setup: func() {
			withType()
			_, err := s.msgs.RegisterRelyingParty(s.ctx, rp("", 1, "age_over_18"))
			s.Require().NoError(err)
		}, msg: func() *types.MsgRegisterRelyingParty { return rp("", 1, "age_over_18") }, expErr: types.ErrRelyingPartyExists},
		{name: "stale version", setup: func() {
			withType()
			_, err := s.msgs.RegisterRelyingParty(s.ctx, rp("", 1, "age_over_18"))
			s.Require().NoError(err)
		}, msg: func() *types.MsgRegisterRelyingParty { return rp("", 3, "age_over_18") }, expErr: types.ErrStaleVersion},
		{name: "another body may not update", setup: func() {
			withType()
			s.councilAccredit("c-nrd2", health, types.ROLE_ACCREDITATION_BODY, t0, years(5), types.NationalIDVCT)
			_, err := s.msgs.RegisterRelyingParty(s.ctx, rp(nrd, 1, "age_over_18"))
			s.Require().NoError(err)
		}, msg: func() *types.MsgRegisterRelyingParty { return rp(health, 2, "given_name") }, expErr: types.ErrNotRegistrar},
		{name: "bad signature", setup: withType,
			msg: func() *types.MsgRegisterRelyingParty {
				m := rp(nrd, 1, "age_over_18")
				m.Payload.Permissions[0].Claims = append(m.Payload.Permissions[0].Claims, "given_name")
				return m
			}, expErr: types.ErrInvalidSignature},

		// The relying party's consent (its own capabilityInvocation signature) and its audiences.
		{name: "council registers without the party's signature", setup: withType,
			msg: func() *types.MsgRegisterRelyingParty {
				m := rp("", 1, "age_over_18")
				m.RelyingPartySignatures = nil
				return m
			}, expErr: types.ErrMissingRPSignature},
		{name: "body registers without the party's signature", setup: withType,
			msg: func() *types.MsgRegisterRelyingParty {
				m := rp(nrd, 1, "age_over_18")
				m.RelyingPartySignatures = nil
				return m
			}, expErr: types.ErrMissingRPSignature},
		{name: "party signs with a key that is not capabilityInvocation", setup: withType,
			msg: func() *types.MsgRegisterRelyingParty {
				m := rp(nrd, 1, "age_over_18")
				sig, err := didtypes.Sign(testChainID, sdk.MsgTypeURL(m), &m.Payload, bank+"#assert-1", s.privs[bank])
				s.Require().NoError(err)
				m.RelyingPartySignatures = []didtypes.DidSignature{sig}
				return m
			}, expErr: types.ErrRPKeyNotAuthorised},
		{name: "another DID signs as the party", setup: withType,
			msg: func() *types.MsgRegisterRelyingParty {
				m := rp(nrd, 1, "age_over_18")
				m.RelyingPartySignatures = s.sign(rogue, m, &m.Payload)
				return m
			}, expErr: types.ErrRPKeyNotAuthorised},
		{name: "registrar adds an audience after the party signed", setup: withType,
			msg: func() *types.MsgRegisterRelyingParty {
				m := rp(nrd, 1, "age_over_18")
				m.Payload.Audiences = append(m.Payload.Audiences, "https://evil.example")
				m.Signatures = s.sign(nrd, m, &m.Payload)
				return m
			}, expErr: types.ErrInvalidRPSignature},
		{name: "party signed for another chain", setup: withType,
			msg: func() *types.MsgRegisterRelyingParty {
				m := rp(nrd, 1, "age_over_18")
				sig, err := didtypes.Sign("other-chain-1", sdk.MsgTypeURL(m), &m.Payload, bank+"#key-1", s.privs[bank])
				s.Require().NoError(err)
				m.RelyingPartySignatures = []didtypes.DidSignature{sig}
				return m
			}, expErr: types.ErrInvalidRPSignature},
		{name: "deactivated party cannot consent", setup: func() {
			withType()
			s.did.deactivated[bank] = true
		}, msg: func() *types.MsgRegisterRelyingParty { return rp(nrd, 1, "age_over_18") }, expErr: types.ErrSubjectInactive},
		{name: "active registration without audiences", setup: withType,
			msg: func() *types.MsgRegisterRelyingParty {
				return s.rpMsg(nrd, 1, types.RELYING_PARTY_STATUS_ACTIVE, nil, "age_over_18")
			}, expErr: types.ErrInvalidAudience},
		{name: "audience with a path", setup: withType,
			msg: func() *types.MsgRegisterRelyingParty {
				return s.rpMsg(nrd, 1, types.RELYING_PARTY_STATUS_ACTIVE, []string{"https://checkout.bank.example/pay"}, "age_over_18")
			}, expErr: types.ErrInvalidAudience},
		{name: "plain http audience", setup: withType,
			msg: func() *types.MsgRegisterRelyingParty {
				return s.rpMsg(nrd, 1, types.RELYING_PARTY_STATUS_ACTIVE, []string{"http://checkout.bank.example"}, "age_over_18")
			}, expErr: types.ErrInvalidAudience},
		{name: "another DID's client id", setup: withType,
			msg: func() *types.MsgRegisterRelyingParty {
				return s.rpMsg(nrd, 1, types.RELYING_PARTY_STATUS_ACTIVE, []string{types.AudienceDIDPrefix + rogue}, "age_over_18")
			}, expErr: types.ErrInvalidAudience},
		{name: "duplicate audience", setup: withType,
			msg: func() *types.MsgRegisterRelyingParty {
				return s.rpMsg(nrd, 1, types.RELYING_PARTY_STATUS_ACTIVE, []string{bankAudience, bankAudience}, "age_over_18")
			}, expErr: types.ErrInvalidAudience},
		{name: "too many audiences", setup: withType,
			msg: func() *types.MsgRegisterRelyingParty {
				auds := make([]string, types.MaxAudiences+1)
				for i := range auds {
					auds[i] = fmt.Sprintf("https://a%d.bank.example", i)
				}
				return s.rpMsg(nrd, 1, types.RELYING_PARTY_STATUS_ACTIVE, auds, "age_over_18")
			}, expErr: types.ErrInvalidAudience},
		{name: "origin and client id together", setup: withType,
			msg: func() *types.MsgRegisterRelyingParty {
				return s.rpMsg(nrd, 1, types.RELYING_PARTY_STATUS_ACTIVE, []string{bankAudience, types.AudienceDIDPrefix + bank}, "age_over_18")
			}},
		{name: "update without the party's signature", setup: register(nrd, "age_over_18"),
			msg: func() *types.MsgRegisterRelyingParty {
				m := rp(nrd, 2, "age_over_18", "given_name")
				m.RelyingPartySignatures = nil
				return m
			}, expErr: types.ErrMissingRPSignature},
		{name: "registrar suspends without the party's signature", setup: register(nrd, "age_over_18"),
			msg: func() *types.MsgRegisterRelyingParty {
				m := s.rpMsg(nrd, 2, types.RELYING_PARTY_STATUS_SUSPENDED, nil, "age_over_18")
				m.RelyingPartySignatures = nil
				return m
			}},
		{name: "council revokes without the party's signature", setup: register(nrd, "age_over_18"),
			msg: func() *types.MsgRegisterRelyingParty {
				m := s.rpMsg("", 2, types.RELYING_PARTY_STATUS_REVOKED, nil, "age_over_18")
				m.RelyingPartySignatures = nil
				return m
			}},
		{name: "a suspension's party signature is still checked", setup: register(nrd, "age_over_18"),
			msg: func() *types.MsgRegisterRelyingParty {
				m := s.rpMsg(nrd, 2, types.RELYING_PARTY_STATUS_SUSPENDED, nil, "age_over_18")
				m.RelyingPartySignatures = s.sign(rogue, m, &m.Payload)
				return m
			}, expErr: types.ErrRPKeyNotAuthorised},
		{name: "reinstatement without the party's signature", setup: func() {
			register(nrd, "age_over_18")()
			m := s.rpMsg(nrd, 2, types.RELYING_PARTY_STATUS_SUSPENDED, nil, "age_over_18")
			_, err := s.msgs.RegisterRelyingParty(s.ctx, m)
			s.Require().NoError(err)
		}, msg: func() *types.MsgRegisterRelyingParty {
			m := rp(nrd, 3, "age_over_18")
			m.RelyingPartySignatures = nil
			return m
		}, expErr: types.ErrMissingRPSignature},
		{name: "record from before state version 3 is re-registered with consent", setup: func() {
			withType()
			s.Require().NoError(s.k.RelyingParties.Set(s.ctx, bank, types.RelyingParty{Did: bank, LegalName: "Bank Amanah Berhad",
				RegistrationNumber: "199001012345", Permissions: []types.ClaimPermission{{Vct: types.NationalIDVCT, Claims: []string{"age_over_18"}}},
				Status: types.RELYING_PARTY_STATUS_ACTIVE, Registrar: nrd, Version: 4, UpdatedAt: t0}))
		}, msg: func() *types.MsgRegisterRelyingParty { return rp(nrd, 5, "age_over_18") }},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.SetupTest()
			if tc.setup != nil {
				tc.setup()
			}
			before := s.snapshot()
			msg := tc.msg()
			_, err := s.msgs.RegisterRelyingParty(s.ctx, msg)
			if tc.expErr != nil {
				s.requireErrUnchanged(err, tc.expErr, before)
				return
			}
			s.Require().NoError(err)
			got, err := s.k.RelyingParties.Get(s.ctx, bank)
			s.Require().NoError(err)
			s.Require().Equal(msg.Payload.Version, got.Version)
			s.Require().Equal(msg.Payload.Permissions, got.Permissions)
			s.Require().Equal(msg.Payload.Audiences, got.Audiences)
			s.Require().Equal(msg.Payload.Status, got.Status)
		})
	}
}

// withRPType registers the national id and accredits NRD for it and the health body for another type.
func (s *KeeperTestSuite) withRPType() {
	s.registerNationalID()
	s.councilAccredit("c-nrd", nrd, types.ROLE_ACCREDITATION_BODY, t0, years(5), types.NationalIDVCT)
	s.councilAccredit("c-health", health, types.ROLE_ACCREDITATION_BODY, t0, years(5), vctHeal)
}
