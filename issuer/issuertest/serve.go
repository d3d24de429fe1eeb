package issuertest

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"

	"github.com/amanah-id/amanah/issuer/registry"
	"github.com/amanah-id/amanah/issuer/service"
	"github.com/amanah-id/amanah/issuer/store"
	"github.com/amanah-id/amanah/keys"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

// InProcess is an issuer service over a FakeLedger, served by an httptest server.
type InProcess struct {
	Service *service.Service
	Server  *httptest.Server
	Ledger  *FakeLedger
	Store   *store.Store
}

// Close stops the server and closes the store.
func (p *InProcess) Close() { p.Server.Close(); p.Store.Close() }

// ServeInProcess starts an issuer (DID did:amanah:test:issuer1) over a FakeLedger with the
// records (DefaultRecords if empty) in dir.
func ServeInProcess(dir, records string, batch int) (*InProcess, error) {
	if records == "" {
		records = DefaultRecords
	}
	key, err := keys.Generate(keys.Ed25519)
	if err != nil {
		return nil, err
	}
	const did = "did:amanah:test:issuer1"
	reg, err := registry.ParseJSON([]byte(records))
	if err != nil {
		return nil, err
	}
	st, err := store.Open(filepath.Join(dir, "issuer.db"))
	if err != nil {
		return nil, err
	}
	p := &InProcess{Ledger: NewFakeLedger(did), Store: st}
	var h http.Handler
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	p.Service, err = service.New(service.Config{IssuerURL: p.Server.URL, DID: did, KeyID: did + "#key-1", Key: key,
		Configurations: map[string]service.ConfigSpec{"national_id": {VCT: trusttypes.NationalIDVCT}},
		BatchSize:      batch, Store: st, Registry: reg, Ledger: p.Ledger})
	if err != nil {
		p.Close()
		return nil, err
	}
	h = p.Service.Handler(true)
	return p, nil
}
