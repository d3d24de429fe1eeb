package types

import (
	"net/url"
	"strconv"
	"strings"

	errorsmod "cosmossdk.io/errors"

	"github.com/amanah-id/amanah/didcore"
)

// ListPath is the HTTP path prefix under which every node serves status lists.
const ListPath = "/amanah/status/v1/lists/"

// Formats of the HTTP list endpoint (query parameter format).
const (
	FormatToken     = "token"     // IETF Token Status List status_list claim (default)
	FormatBitstring = "bitstring" // W3C Bitstring Status List credentialSubject
)

// DIDURLService is the service parameter value of a status list DID URL.
const DIDURLService = "status"

// ListRef is a parsed status list URI.
type ListRef struct {
	ListID uint64 // the list
	Owner  string // the owner DID a DID URL names ("" for an HTTPS URL)
	Format string // FormatToken or FormatBitstring ("" if unspecified)
}

// ListURL returns the HTTPS URL of list id on a node, e.g. https://node.example/amanah/status/v1/lists/7.
func ListURL(nodeBase string, id uint64, format string) string {
	u := strings.TrimRight(nodeBase, "/") + ListPath + strconv.FormatUint(id, 10)
	if format != "" {
		u += "?format=" + format
	}
	return u
}

// ListDIDURL returns the DID URL form of list id owned by owner: <owner>?service=status&list=<id>.
func ListDIDURL(owner string, id uint64) string {
	return owner + "?service=" + DIDURLService + "&list=" + strconv.FormatUint(id, 10)
}

// ParseListURI reads an HTTPS (or HTTP) list URL or a did:amanah DID URL naming a list.
func ParseListURI(s string) (ListRef, error) {
	if strings.HasPrefix(s, "did:") {
		return parseDIDURL(s)
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ListRef{}, errorsmod.Wrapf(ErrInvalidURI, "%q: want https://<node>%s<id> or a did:amanah DID URL", s, ListPath)
	}
	rest, ok := strings.CutPrefix(u.Path, ListPath)
	if !ok {
		return ListRef{}, errorsmod.Wrapf(ErrInvalidURI, "%q: path is not %s<id>", s, ListPath)
	}
	id, err := parseID(rest)
	if err != nil {
		return ListRef{}, errorsmod.Wrapf(ErrInvalidURI, "%q: %v", s, err)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return ListRef{}, errorsmod.Wrapf(ErrInvalidURI, "%q: query: %v", s, err)
	}
	format, err := parseFormat(q.Get("format"))
	if err != nil {
		return ListRef{}, errorsmod.Wrapf(ErrInvalidURI, "%q: %v", s, err)
	}
	return ListRef{ListID: id, Format: format}, nil
}

func parseDIDURL(s string) (ListRef, error) {
	du, err := didcore.ParseDIDURL(s)
	if err != nil {
		return ListRef{}, errorsmod.Wrapf(ErrInvalidURI, "%v", err)
	}
	owner := du.DID().String()
	if _, _, err := didcore.ParseAmanahDID(owner); err != nil {
		return ListRef{}, errorsmod.Wrapf(ErrInvalidURI, "%v", err)
	}
	if du.Path != "" || du.Fragment != "" {
		return ListRef{}, errorsmod.Wrapf(ErrInvalidURI, "%q: a list DID URL has no path or fragment", s)
	}
	q, err := url.ParseQuery(du.Query)
	if err != nil {
		return ListRef{}, errorsmod.Wrapf(ErrInvalidURI, "%q: query: %v", s, err)
	}
	if q.Get("service") != DIDURLService {
		return ListRef{}, errorsmod.Wrapf(ErrInvalidURI, "%q: want service=%s", s, DIDURLService)
	}
	id, err := parseID(q.Get("list"))
	if err != nil {
		return ListRef{}, errorsmod.Wrapf(ErrInvalidURI, "%q: list: %v", s, err)
	}
	format, err := parseFormat(q.Get("format"))
	if err != nil {
		return ListRef{}, errorsmod.Wrapf(ErrInvalidURI, "%q: %v", s, err)
	}
	return ListRef{ListID: id, Owner: owner, Format: format}, nil
}

func parseID(s string) (uint64, error) {
	if s == "" || s[0] == '0' || len(s) > 20 {
		return 0, errorsmod.Wrapf(ErrInvalidURI, "list id %q is not a positive decimal", s)
	}
	id, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, errorsmod.Wrapf(ErrInvalidURI, "list id %q is not a positive decimal", s)
	}
	return id, nil
}

func parseFormat(s string) (string, error) {
	switch s {
	case "", FormatToken, FormatBitstring:
		return s, nil
	}
	return "", errorsmod.Wrapf(ErrInvalidURI, "format %q (want token or bitstring)", s)
}
