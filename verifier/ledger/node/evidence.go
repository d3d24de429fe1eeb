package node

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	cmtcrypto "github.com/cometbft/cometbft/proto/tendermint/crypto"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/cosmos/gogoproto/jsonpb"

	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/ledger/proved"
	"github.com/amanah-id/amanah/verifier/verifierpb"
)

// Report is the outcome of the verification rules re-evaluated over the facts
// of one state (live, or from evidence). Each field says what the ledger says;
// Supports tells whether together they support "verified".
type Report struct {
	ChainID string `json:"chain_id"`
	Height  int64  `json:"height"`
	// BlockTime is the time of the header that commits the state.
	BlockTime time.Time `json:"block_time"`
	Facts     int       `json:"facts"`
	// IssuerKey is "" when the key rule holds, else why not.
	IssuerKey string `json:"issuer_key"`
	// AccreditedAtIssuance and AccreditedAtCheck: the accreditation chain at iat and at the check.
	AccreditedAtIssuance bool `json:"accredited_at_issuance"`
	AccreditedAtCheck    bool `json:"accredited_at_check"`
	// Status is the credential's entry (0 valid); StatusError why it could not be read.
	Status      uint8  `json:"status"`
	StatusError string `json:"status_error,omitempty"`
	// RelyingPartyAllowed: the relying party is registered for the credential type.
	RelyingPartyAllowed bool `json:"relying_party_allowed"`
	// SchemaRegistered: the credential type is registered.
	SchemaRegistered bool `json:"schema_registered"`
	// Errors lists reads that failed (evidence lacking a fact, ...).
	Errors []string `json:"errors,omitempty"`
}

// Supports reports whether the facts support a "verified" verdict.
func (r Report) Supports() bool {
	return r.IssuerKey == "" && r.AccreditedAtIssuance && r.AccreditedAtCheck && r.Status == 0 && r.StatusError == "" &&
		r.RelyingPartyAllowed && r.SchemaRegistered && len(r.Errors) == 0
}

// Check evaluates the rules for subj on view (a pinned view: every read at
// one state).
func Check(ctx context.Context, view ledger.View, subj *verifierpb.EvidenceSubject) Report {
	var r Report
	note := func(err error) {
		if err != nil && (errors.Is(err, proved.ErrEvidence) || errors.Is(err, ledger.ErrUnavailable)) {
			r.Errors = append(r.Errors, err.Error())
		}
	}
	iat, checked := time.Unix(subj.IssuedAtUnix, 0), time.Unix(subj.CheckedAtUnix, 0)
	if _, err := view.IssuerKey(ctx, subj.Issuer, subj.Kid, iat); err != nil {
		r.IssuerKey = err.Error()
		note(err)
	}
	var err error
	r.AccreditedAtIssuance, err = view.Accredited(ctx, subj.Issuer, subj.Vct, iat)
	note(err)
	r.AccreditedAtCheck, err = view.Accredited(ctx, subj.Issuer, subj.Vct, checked)
	note(err)
	if r.Status, _, err = view.Status(ctx, subj.StatusUri, subj.StatusIndex, subj.Issuer); err != nil {
		r.StatusError = err.Error()
		note(err)
	}
	if rp, err := view.RelyingParty(ctx, subj.RelyingParty); err == nil {
		_, r.RelyingPartyAllowed = rp.AllowedClaims[subj.Vct]
	} else {
		note(err)
	}
	_, err = view.CredentialSchema(ctx, subj.Vct)
	r.SchemaRegistered = err == nil
	note(err)
	return r
}

// Collector collects the evidence of verdicts from a live view.
type Collector struct {
	Source *Source
	View   *ledger.Cache
	Config ledger.Config
}

// Collect re-reads, with proofs, every fact the rules need for subj at the
// view's current state, and returns them with the header that commits it.
func (e *Collector) Collect(ctx context.Context, subj *verifierpb.EvidenceSubject) (*verifierpb.Evidence, error) {
	s := e.View.Sync()
	if !s.Synced {
		return nil, fmt.Errorf("evidence: %w", ledger.ErrStale)
	}
	if e.Source.c == nil {
		return nil, errors.New("evidence: source has no chain client")
	}
	fs := &proved.Facts{}
	pinned, err := ledger.NewPinned(e.Config, e.Source.recording(fs), ledger.Head{Height: s.Height, Time: s.BlockTime})
	if err != nil {
		return nil, err
	}
	if r := Check(ctx, pinned, subj); len(r.Errors) > 0 {
		return nil, fmt.Errorf("evidence: %v", r.Errors)
	}
	lb, err := e.Source.c.LightBlock(ctx, s.Height+1)
	if err != nil {
		return nil, err
	}
	lbz, err := proved.EncodeLightBlock(lb)
	if err != nil {
		return nil, err
	}
	ev := &verifierpb.Evidence{ChainId: lb.ChainID, Height: s.Height, LightBlock: lbz, Subject: subj}
	seen := map[string]bool{}
	for _, f := range fs.List {
		k := f.Store + "\x00" + string(f.Key)
		if seen[k] {
			continue
		}
		seen[k] = true
		pz, err := proved.EncodeProof(f.Proof)
		if err != nil {
			return nil, err
		}
		ev.Facts = append(ev.Facts, &verifierpb.ProvedFact{Store: f.Store, Key: f.Key, Value: f.Value, ProofOps: pz})
	}
	return ev, nil
}

// VerifyEvidence re-checks evidence offline: its header against the trust
// anchor, every fact's proof against that header's app hash, then the rules
// over those facts alone. An error means the evidence proves nothing; the
// report says what the ledger said at that height.
func VerifyEvidence(ctx context.Context, ev *verifierpb.Evidence, anchor *cmttypes.LightBlock) (Report, error) {
	if ev == nil || ev.Subject == nil {
		return Report{}, fmt.Errorf("%w: no evidence or no subject", proved.ErrEvidence)
	}
	lb, err := proved.DecodeLightBlock(ev.ChainId, ev.LightBlock)
	if err != nil {
		return Report{}, fmt.Errorf("%w: %w", proved.ErrEvidence, err)
	}
	if lb.Height != ev.Height+1 {
		return Report{}, fmt.Errorf("%w: header %d does not commit state %d", proved.ErrEvidence, lb.Height, ev.Height)
	}
	if err := proved.VerifyAgainstAnchor(anchor, lb); err != nil {
		return Report{}, err
	}
	facts := make([]proved.Fact, 0, len(ev.Facts))
	for _, f := range ev.Facts {
		var ops cmtcrypto.ProofOps
		if err := ops.Unmarshal(f.ProofOps); err != nil {
			return Report{}, fmt.Errorf("%w: proof of %s/%x: %w", proved.ErrEvidence, f.Store, f.Key, err)
		}
		pf := proved.Fact{Store: f.Store, Key: f.Key, Height: ev.Height, Proof: &ops}
		if len(f.Value) > 0 {
			pf.Value = f.Value
		}
		facts = append(facts, pf)
	}
	set, err := proved.NewFactSet(ev.Height, lb.AppHash, facts)
	if err != nil {
		return Report{}, err
	}
	pinned, err := ledger.NewPinned(ledger.Config{}, FromFacts(set), ledger.Head{Height: ev.Height, Time: lb.Time})
	if err != nil {
		return Report{}, err
	}
	r := Check(ctx, pinned, ev.Subject)
	r.ChainID, r.Height, r.BlockTime, r.Facts = ev.ChainId, ev.Height, lb.Time, set.Len()
	return r, nil
}

// TrustRootFile is a trust root as an operator or auditor keeps it: the chain,
// a trusted height and header hash (what the verifier's light client starts
// from) and that height's light block (what verify-evidence checks against).
type TrustRootFile struct {
	ChainID    string `json:"chain_id"`
	Height     int64  `json:"height"`
	Hash       string `json:"hash"`
	LightBlock string `json:"light_block"` // base64 protobuf tendermint.types.LightBlock
}

// NewTrustRootFile describes lb as a trust root.
func NewTrustRootFile(lb *cmttypes.LightBlock) (TrustRootFile, error) {
	bz, err := proved.EncodeLightBlock(lb)
	if err != nil {
		return TrustRootFile{}, err
	}
	return TrustRootFile{ChainID: lb.ChainID, Height: lb.Height, Hash: hex.EncodeToString(lb.Hash()),
		LightBlock: base64.StdEncoding.EncodeToString(bz)}, nil
}

// ReadTrustRootFile reads and checks a trust root file: the light block must
// be of the chain, height and hash it names.
func ReadTrustRootFile(path string) (TrustRootFile, *cmttypes.LightBlock, error) {
	bz, err := os.ReadFile(path)
	if err != nil {
		return TrustRootFile{}, nil, fmt.Errorf("trust root: %w", err)
	}
	var f TrustRootFile
	if err := json.Unmarshal(bz, &f); err != nil {
		return f, nil, fmt.Errorf("trust root %s: %w", path, err)
	}
	hash, err := proved.ParseHash(f.Hash)
	if err != nil {
		return f, nil, fmt.Errorf("trust root %s: %w", path, err)
	}
	raw, err := base64.StdEncoding.DecodeString(f.LightBlock)
	if err != nil {
		return f, nil, fmt.Errorf("trust root %s: light_block: %w", path, err)
	}
	lb, err := proved.DecodeLightBlock(f.ChainID, raw)
	if err != nil {
		return f, nil, fmt.Errorf("trust root %s: %w", path, err)
	}
	if lb.Height != f.Height || !slices.Equal(lb.Hash(), hash) {
		return f, nil, fmt.Errorf("trust root %s: light block %d %X is not height %d hash %s", path, lb.Height, lb.Hash(), f.Height, f.Hash)
	}
	return f, lb, nil
}

// Root returns the file's trust root for a light client with trusting period.
func (f TrustRootFile) Root(period time.Duration) (proved.TrustRoot, error) {
	hash, err := proved.ParseHash(f.Hash)
	if err != nil {
		return proved.TrustRoot{}, err
	}
	return proved.TrustRoot{ChainID: f.ChainID, Height: f.Height, Hash: hash, Period: period}, nil
}

// MarshalEvidence writes evidence as JSON (the protobuf JSON mapping; bytes in base64).
func MarshalEvidence(ev *verifierpb.Evidence) ([]byte, error) {
	var b bytes.Buffer
	if err := (&jsonpb.Marshaler{Indent: "  "}).Marshal(&b, ev); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// UnmarshalEvidence reads evidence written by MarshalEvidence (or the REST gateway).
func UnmarshalEvidence(bz []byte) (*verifierpb.Evidence, error) {
	var ev verifierpb.Evidence
	if err := (&jsonpb.Unmarshaler{}).Unmarshal(bytes.NewReader(bz), &ev); err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	return &ev, nil
}
