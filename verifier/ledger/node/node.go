// Package node connects the ledger view to real Amanah nodes: a ledger.Source
// whose every answer is proved (verifier/ledger/proved: ICS23 proofs against
// light-client-verified headers), decoded from the x/did, x/trust and x/status
// store records into the ledger's chain-free types; and the evidence of a
// verdict, collected at one height and re-checked offline.
package node

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/ledger/proved"
	didtypes "github.com/amanah-id/amanah/x/did/types"
	statustypes "github.com/amanah-id/amanah/x/status/types"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

// Source is a ledger.Source over proved facts: from nodes through a
// proved.Client, or from evidence through a proved.FactSet (no Head).
type Source struct {
	c *proved.Client // nil for evidence
	g proved.Getter
	// facts collects every fact read (evidence); nil collects nothing.
	facts *proved.Facts
	// count counts proved facts (shared by the recording copies).
	count *atomic.Int64
}

var _ ledger.Source = (*Source)(nil)

// New returns a Source over c.
func New(c *proved.Client) *Source { return &Source{c: c, g: c, count: new(atomic.Int64)} }

// FromFacts returns a Source over facts already proved (evidence).
func FromFacts(fs *proved.FactSet) *Source { return &Source{g: fs, count: new(atomic.Int64)} }

// Client returns the proved client (nil for evidence).
func (s *Source) Client() *proved.Client { return s.c }

// Proved returns how many facts (values and absences) have been proved.
func (s *Source) Proved() int64 { return s.count.Load() }

// recording returns a copy of s that appends every fact it reads to fs.
func (s *Source) recording(fs *proved.Facts) *Source {
	return &Source{c: s.c, g: s.g, facts: fs, count: s.count}
}

// counted runs a read and counts the facts it proved.
func counted[T any](s *Source, read func(fs *proved.Facts) (T, error)) (T, error) {
	fs := &proved.Facts{}
	v, err := read(fs)
	s.count.Add(int64(len(fs.List)))
	if s.facts != nil {
		s.facts.List = append(s.facts.List, fs.List...)
	}
	return v, err
}

// Head implements ledger.Source: the newest verified header L commits state L-1.
func (s *Source) Head(ctx context.Context) (ledger.Head, error) {
	if s.c == nil {
		return ledger.Head{}, ErrNoHead
	}
	lb, err := s.c.Latest(ctx)
	if err != nil {
		return ledger.Head{}, err
	}
	return ledger.Head{Height: lb.Height - 1, Time: lb.Time}, nil
}

// Journal implements ledger.Source.
func (s *Source) Journal(ctx context.Context, h int64) (ledger.Journal, error) {
	pj, err := proved.ReadJournal(ctx, s.g, h)
	if err != nil {
		return ledger.Journal{}, err
	}
	s.count.Add(3)
	j := ledger.Journal{Height: h, DIDs: pj.DIDs.Dids, Holders: pj.Trust.Accredited,
		RelyingParties: pj.Trust.RelyingParties, VCTs: pj.Trust.Vcts, Ledgers: pj.Trust.Ledgers}
	for _, l := range pj.Status.Lists {
		if j.Lists == nil {
			j.Lists = make(map[uint64][]uint32, len(pj.Status.Lists))
		}
		j.Lists[l.ListId] = append(j.Lists[l.ListId], l.Pages...)
	}
	return j, nil
}

// DIDHistory implements ledger.Source.
func (s *Source) DIDHistory(ctx context.Context, did string, h int64) ([]ledger.DIDVersion, error) {
	return counted(s, func(fs *proved.Facts) ([]ledger.DIDVersion, error) {
		hist, err := proved.DIDHistory(ctx, s.g, did, h, fs)
		if err != nil {
			return nil, err
		}
		return DIDHistory(hist)
	})
}

// DIDHistory converts stored DID versions.
func DIDHistory(hist []didtypes.DidDocumentVersion) ([]ledger.DIDVersion, error) {
	out := make([]ledger.DIDVersion, 0, len(hist))
	for _, v := range hist {
		lv := ledger.DIDVersion{Seq: v.Sequence, Updated: v.Updated, Deactivated: v.Deactivated}
		if !v.Deactivated {
			doc, err := didcore.ParseDocument(v.DocumentJson)
			if err != nil {
				return nil, fmt.Errorf("%w: %s version %d: %w", proved.ErrBadProof, v.Did, v.Sequence, err)
			}
			lv.Document = doc
		}
		for _, r := range v.RetiredKeys {
			lv.Retired = append(lv.Retired, ledger.RetiredKey{ID: r.Id, At: r.RetiredAt})
		}
		out = append(out, lv)
	}
	return out, nil
}

// Held implements ledger.Source.
func (s *Source) Held(ctx context.Context, did string, h int64) ([]ledger.Accreditation, error) {
	return counted(s, func(fs *proved.Facts) ([]ledger.Accreditation, error) {
		as, err := proved.Held(ctx, s.g, did, h, fs)
		if err != nil {
			return nil, err
		}
		return Accreditations(as), nil
	})
}

// Accreditations converts stored accreditations.
func Accreditations(as []trusttypes.Accreditation) []ledger.Accreditation {
	out := make([]ledger.Accreditation, 0, len(as))
	for _, a := range as {
		la := ledger.Accreditation{ID: a.Id, Accreditor: a.Accreditor, Accredited: a.Accredited, Role: ledger.Role(a.Role),
			VCTs: a.Vcts, ValidFrom: a.ValidFrom, ValidUntil: a.ValidUntil, Status: ledger.AccreditationStatus(a.Status)}
		for _, c := range a.History {
			la.History = append(la.History, ledger.StatusChange{Status: ledger.AccreditationStatus(c.Status), Time: c.Time})
		}
		out = append(out, la)
	}
	return out
}

// RelyingParty implements ledger.Source: a registration that is not active
// is no registration.
func (s *Source) RelyingParty(ctx context.Context, did string, h int64) (ledger.RelyingParty, error) {
	return counted(s, func(fs *proved.Facts) (ledger.RelyingParty, error) {
		rp, ok, err := proved.RelyingParty(ctx, s.g, did, h, fs)
		if err != nil {
			return ledger.RelyingParty{}, err
		}
		return RelyingParty(did, rp, ok)
	})
}

// RelyingParty converts a stored registration (ok false: none).
func RelyingParty(did string, rp trusttypes.RelyingParty, ok bool) (ledger.RelyingParty, error) {
	if !ok {
		return ledger.RelyingParty{}, fmt.Errorf("relying party %s: %w", did, ledger.ErrNotFound)
	}
	if rp.Status != trusttypes.RELYING_PARTY_STATUS_ACTIVE {
		return ledger.RelyingParty{}, fmt.Errorf("%w: relying party %s is %s", ledger.ErrNotFound, did, rp.Status)
	}
	out := ledger.RelyingParty{DID: rp.Did, Name: rp.LegalName, AllowedClaims: map[string][]string{}, Audiences: rp.Audiences}
	for _, p := range rp.Permissions {
		out.AllowedClaims[p.Vct] = append(out.AllowedClaims[p.Vct], p.Claims...)
	}
	for _, f := range rp.Foreign {
		if out.Foreign == nil {
			out.Foreign = make(map[string]map[string][]string)
		}
		if out.Foreign[f.ChainId] == nil {
			out.Foreign[f.ChainId] = make(map[string][]string)
		}
		out.Foreign[f.ChainId][f.Vct] = append(out.Foreign[f.ChainId][f.Vct], f.Claims...)
	}
	return out, nil
}

// CredentialSchema implements ledger.Source.
func (s *Source) CredentialSchema(ctx context.Context, vct string, h int64) (ledger.Schema, error) {
	return counted(s, func(fs *proved.Facts) (ledger.Schema, error) {
		ct, ok, err := proved.CredentialType(ctx, s.g, vct, h, fs)
		if err != nil {
			return ledger.Schema{}, err
		}
		if !ok {
			return ledger.Schema{}, fmt.Errorf("credential type %s: %w", vct, ledger.ErrNotFound)
		}
		return ledger.Schema{VCT: ct.Vct, Version: ct.Version, JSON: ct.Schema}, nil
	})
}

// StatusList implements ledger.Source.
func (s *Source) StatusList(ctx context.Context, id uint64, h int64) (ledger.ListInfo, error) {
	return counted(s, func(fs *proved.Facts) (ledger.ListInfo, error) {
		l, ok, err := proved.StatusList(ctx, s.g, id, h, fs)
		if err != nil {
			return ledger.ListInfo{}, err
		}
		return ListInfo(id, l, ok)
	})
}

// ListInfo converts a stored list (ok false: none).
func ListInfo(id uint64, l statustypes.StatusList, ok bool) (ledger.ListInfo, error) {
	if !ok {
		return ledger.ListInfo{}, fmt.Errorf("status list %d: %w", id, ledger.ErrNotFound)
	}
	if l.Bits != 1 && l.Bits != 2 {
		return ledger.ListInfo{}, fmt.Errorf("%w: list %d has %d bits", proved.ErrBadProof, id, l.Bits)
	}
	return ledger.ListInfo{ID: l.Id, Owner: l.Owner, Bits: uint8(l.Bits), Size: l.Size_}, nil
}

// StatusPage implements ledger.Source.
func (s *Source) StatusPage(ctx context.Context, id uint64, p uint32, h int64) ([]byte, error) {
	return counted(s, func(fs *proved.Facts) ([]byte, error) { return proved.StatusPage(ctx, s.g, id, p, h, fs) })
}

// ErrNoHead: a Source over evidence follows no chain.
var ErrNoHead = errors.New("node: evidence has no head to follow")
