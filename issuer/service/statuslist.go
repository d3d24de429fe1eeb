package service

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/amanah-id/amanah/credential/jws"
	statustypes "github.com/amanah-id/amanah/x/status/types"
)

// Status list token header typ and the W3C secured credential's typ and media type.
const (
	TypStatusList = "statuslist+jwt"
	TypVCJWT      = "vc+jwt"
	ContentVCJWT  = "application/vc+jwt"
)

// StatusListToken returns the signed status list of listID as the ledger holds it now: an
// IETF Token Status List token (format "" or token) or a W3C BitstringStatusListCredential
// secured as a JWT (format bitstring). Tokens are reused for at most StatusCacheFor.
func (s *Service) StatusListToken(ctx context.Context, listID uint64, format string) ([]byte, string, error) {
	key := strconv.FormatUint(listID, 10) + "/" + format
	now := s.cfg.Now()
	s.statMu.Lock()
	if c, ok := s.statTok[key]; ok && now.Sub(c.created) < s.cfg.StatusCacheFor && now.Sub(c.created) >= 0 {
		s.statMu.Unlock()
		return c.body, c.ctype, nil
	}
	s.statMu.Unlock()
	l, err := s.cfg.Ledger.Encoded(ctx, listID)
	if err != nil {
		return nil, "", fmt.Errorf("%w: list %d: %v", errNotOurList, listID, err)
	}
	if l.Owner != s.cfg.DID {
		return nil, "", fmt.Errorf("%w: list %d belongs to %s", errNotOurList, listID, l.Owner)
	}
	uri := s.ListURI(listID)
	iat, exp := now.Unix(), now.Add(s.cfg.StatusTTL).Unix()
	var hdr map[string]any
	var payload any
	ctype := ContentStatusList
	if format == statustypes.FormatBitstring {
		ctype = ContentVCJWT
		hdr = map[string]any{"typ": TypVCJWT, "kid": s.cfg.KeyID}
		subj := map[string]any{"id": uri + "?format=bitstring#list", "type": "BitstringStatusList",
			"statusPurpose": l.Purpose.W3CPurpose(), "encodedList": l.EncodedList}
		if l.Bits > 1 {
			subj["statusSize"] = l.Bits
			subj["statusMessage"] = []map[string]string{{"status": "0x0", "message": "valid"}, {"status": "0x1", "message": "revoked"},
				{"status": "0x2", "message": "suspended"}, {"status": "0x3", "message": "unassigned"}}
		}
		payload = map[string]any{"@context": []string{"https://www.w3.org/ns/credentials/v2"},
			"id": uri + "?format=bitstring", "type": []string{"VerifiableCredential", "BitstringStatusListCredential"},
			"issuer": s.cfg.DID, "validFrom": now.UTC().Format("2006-01-02T15:04:05Z"),
			"validUntil": now.Add(s.cfg.StatusTTL).UTC().Format("2006-01-02T15:04:05Z"), "credentialSubject": subj,
			"iss": s.cfg.DID, "iat": iat, "exp": exp, "amanah_height": l.Height}
	} else {
		hdr = map[string]any{"typ": TypStatusList, "kid": s.cfg.KeyID}
		payload = map[string]any{"sub": uri, "iss": s.cfg.DID, "iat": iat, "exp": exp, "ttl": int64(s.cfg.StatusTTL.Seconds()),
			"status_list": map[string]any{"bits": l.Bits, "lst": l.Lst}, "amanah_height": l.Height}
	}
	pb, err := json.Marshal(payload)
	if err != nil {
		return nil, "", err
	}
	tok, err := jws.Sign(ctx, s.signer, hdr, pb)
	if err != nil {
		s.cfg.Metrics.SigningErrors.Inc()
		return nil, "", err
	}
	body := []byte(tok)
	s.statMu.Lock()
	s.statTok[key] = cachedToken{body: body, ctype: ctype, created: now}
	s.statMu.Unlock()
	return body, ctype, nil
}
