package types

import (
	"errors"
	"strconv"

	errorsmod "cosmossdk.io/errors"

	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/keys"
)

// Limits are the ledger's document limits (didcore's defaults: 16 KiB canonical JSON,
// 32 methods, 16 services, controllers and alsoKnownAs).
func Limits() didcore.Limits { return didcore.DefaultLimits() }

// ParseDocument decodes document JSON strictly and checks it against the ledger profile
// (didcore.Document.Validate). It returns the document and its canonical JSON. Every didcore
// rule surfaces as ErrInvalidDocument wrapping the didcore sentinel.
func ParseDocument(b []byte) (*didcore.Document, []byte, error) {
	if len(b) > MaxPayloadDocumentBytes {
		return nil, nil, errorsmod.Wrapf(ErrPayloadTooLarge, "document is %d bytes, max %d", len(b), MaxPayloadDocumentBytes)
	}
	doc, err := didcore.ParseDocument(b)
	if err != nil {
		return nil, nil, WrapDocumentError(err)
	}
	if err := doc.Validate(Limits()); err != nil {
		return nil, nil, WrapDocumentError(err)
	}
	canon, err := doc.MarshalJSON()
	if err != nil {
		return nil, nil, WrapDocumentError(err)
	}
	return doc, canon, nil
}

// WrapDocumentError wraps a didcore error as ErrInvalidDocument, keeping the didcore sentinel
// reachable with errors.Is.
func WrapDocumentError(err error) error {
	return &documentError{err: err}
}

// documentError is ErrInvalidDocument carrying the didcore cause.
type documentError struct{ err error }

func (e *documentError) Error() string { return ErrInvalidDocument.Error() + ": " + e.err.Error() }

// Is makes errors.Is(err, ErrInvalidDocument) hold.
func (e *documentError) Is(target error) bool { return target == ErrInvalidDocument } //nolint:errorlint // identity

// Unwrap exposes the didcore error.
func (e *documentError) Unwrap() error { return e.err }

// ABCICode returns ErrInvalidDocument's code, so the tx result carries it.
func (e *documentError) ABCICode() uint32 { return ErrInvalidDocument.ABCICode() }

// Codespace returns the module's codespace.
func (e *documentError) Codespace() string { return ErrInvalidDocument.Codespace() }

// CheckDID checks that did is a did:amanah DID on network.
func CheckDID(did, network string) error {
	net, _, err := didcore.ParseAmanahDID(did)
	if err != nil {
		return errorsmod.Wrap(ErrInvalidDid, err.Error())
	}
	if net != network {
		return errorsmod.Wrapf(ErrWrongNetwork, "%s is on network %q, this chain is %q", did, net, network)
	}
	return nil
}

// CheckNewDocumentID checks a new document's id: a did:amanah DID on network whose id
// derives from one of its capabilityInvocation keys.
func CheckNewDocumentID(doc *didcore.Document, network string) error {
	if err := CheckDID(doc.ID, network); err != nil {
		return err
	}
	if err := doc.CheckAmanahID(network); err != nil {
		if errors.Is(err, didcore.ErrAmanahIDMismatch) {
			return errorsmod.Wrap(ErrIDMismatch, err.Error())
		}
		return errorsmod.Wrap(ErrInvalidDid, err.Error())
	}
	return nil
}

// VersionID returns the public id of the version with sequence seq (its decimal form).
func VersionID(seq uint64) string { return strconv.FormatUint(seq, 10) }

// ParseVersionID returns the sequence a version id names.
func ParseVersionID(id string) (uint64, error) {
	if id == "" || len(id) > MaxVersionIDLength || (len(id) > 1 && id[0] == '0') {
		return 0, errorsmod.Wrapf(ErrInvalidRequest, "version id %q", truncate(id))
	}
	seq, err := strconv.ParseUint(id, 10, 64)
	if err != nil || seq == 0 {
		return 0, errorsmod.Wrapf(ErrInvalidRequest, "version id %q", truncate(id))
	}
	return seq, nil
}

// Controllers returns the document's controllers: its controller member, or the DID itself.
func Controllers(doc *didcore.Document) []string {
	if len(doc.Controller) == 0 {
		return []string{doc.ID}
	}
	return doc.Controller
}

// Metadata returns the DID Core metadata of version v; next is the id of the following
// version (empty if v is the latest).
func (v DidDocumentVersion) Metadata(next string) DocumentMetadata {
	return DocumentMetadata{
		Created:           v.Created,
		Updated:           v.Updated,
		Deactivated:       v.Deactivated,
		VersionId:         v.VersionId,
		PreviousVersionId: v.PreviousVersionId,
		NextVersionId:     next,
		Height:            v.Height,
		RetiredKeys:       v.RetiredKeys,
	}
}

func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

// ContextMultikey is the JSON-LD context of Multikey verification methods.
const ContextMultikey = "https://w3id.org/security/multikey/v1"

// NewDocument returns the default document of a key: did:amanah:<network>:<id of pub>, one
// Multikey method #key-1 in authentication, assertionMethod and capabilityInvocation.
func NewDocument(network string, pub keys.PublicKey) *didcore.Document {
	did := didcore.AmanahDID(network, pub)
	ref := []didcore.MethodRef{{Ref: did + "#key-1"}}
	return &didcore.Document{
		Context: []string{didcore.ContextV1, ContextMultikey},
		ID:      did,
		VerificationMethods: []didcore.VerificationMethod{{
			ID: did + "#key-1", Type: didcore.TypeMultikey, Controller: did, PublicKeyMultibase: pub.Multikey(),
		}},
		Authentication:       ref,
		AssertionMethod:      ref,
		CapabilityInvocation: ref,
	}
}
