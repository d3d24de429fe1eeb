package reason

// Federation (docs/federation.md): a credential whose issuer is on a foreign ledger.
const (
	// CheckIssuerLedger: the issuer's ledger is this verifier's own, or a foreign ledger the
	// local council recognises and the verifier follows.
	CheckIssuerLedger Check = "issuer_ledger"

	// LedgerNotRecognised: the issuer's DID is on a foreign ledger the local council does not
	// recognise (never, or its recognition is suspended or withdrawn).
	LedgerNotRecognised Code = "ledger_not_recognised"
	// CredentialTypeNotRecognised: the ledger is recognised, but not for this credential type.
	CredentialTypeNotRecognised Code = "credential_type_not_recognised"
	// CredentialTypeNotAccepted: the relying party's registration does not opt in to this
	// foreign credential type (nothing foreign is accepted by default).
	CredentialTypeNotAccepted Code = "credential_type_not_accepted"
	// IssuerLedgerUnavailable: the foreign ledger is recognised but the verifier has no fresh,
	// proved view of it (not configured, unreachable or stale): its credentials fail closed.
	IssuerLedgerUnavailable Code = "issuer_ledger_unavailable"
)
