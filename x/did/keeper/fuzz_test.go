package keeper_test

import (
	"testing"
	"time"

	errorsmod "cosmossdk.io/errors"

	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/x/did/types"
)

// FuzzCreateDid submits arbitrary document bytes (signed by a fixed key) and arbitrary
// signatures: the msg server must never panic, and every rejection must be a registered
// x/did error.
func FuzzCreateDid(f *testing.F) {
	fx := newFixture(f)
	i := newIdentity(f, keys.Ed25519)
	f.Add(mustJSON(f, i.doc), i.method(), []byte{1, 2, 3})
	f.Add([]byte(`{"@context":"https://www.w3.org/ns/did/v1","id":"did:amanah:local:6Tmhx9RNMdxr4D8wbRJMrD"}`), "did:amanah:local:6Tmhx9RNMdxr4D8wbRJMrD#key-1", []byte{})
	f.Add([]byte(`[]`), "#key-1", make([]byte, 64))
	f.Fuzz(func(t *testing.T, doc []byte, method string, rawSig []byte) {
		ctx, _ := fx.ctx.CacheContext()
		m := fx.createMsg(t, doc, signer{i.method(), i.priv})
		m.Signatures = append(m.Signatures, types.DidSignature{VerificationMethod: method, Signature: rawSig})
		_, err := fx.msgs.CreateDid(ctx, m)
		if err == nil {
			return
		}
		if space, _, _ := errorsmod.ABCIInfo(err, false); space != types.ModuleName {
			t.Fatalf("unregistered error %v (codespace %q)", err, space)
		}
	})
}

// FuzzUpdateDidPayload submits arbitrary update payloads against a stored DID.
func FuzzUpdateDidPayload(f *testing.F) {
	fx := newFixture(f)
	i := newIdentity(f, keys.Ed25519)
	fx.create(f, i)
	f.Add(i.did(), mustJSON(f, i.doc), "1")
	f.Add(i.did(), mustJSON(f, i.doc), "01")
	f.Add("did:amanah:local:", []byte(`{}`), "18446744073709551616")
	f.Fuzz(func(t *testing.T, did string, doc []byte, prev string) {
		ctx, _ := fx.ctx.CacheContext()
		_, err := fx.msgs.UpdateDid(ctx, fx.updateMsg(t, did, doc, prev, by(i)))
		if err == nil {
			return
		}
		if space, _, _ := errorsmod.ABCIInfo(err, false); space != types.ModuleName {
			t.Fatalf("unregistered error %v (codespace %q)", err, space)
		}
	})
}

// FuzzResolve queries arbitrary DIDs, version ids and times: the answer is always a
// resolution result (never a gRPC error) with a known error code.
func FuzzResolve(f *testing.F) {
	fx := newFixture(f)
	i := newIdentity(f, keys.Ed25519)
	fx.create(f, i)
	f.Add(i.did(), "", int64(0))
	f.Add(i.did(), "1", int64(0))
	f.Add(i.did(), "", t0.Unix())
	f.Add("did:amanah:local:x", "0", int64(-1))
	f.Fuzz(func(t *testing.T, did, versionID string, unix int64) {
		req := &types.QueryResolveRequest{Did: did, VersionId: versionID}
		if unix != 0 {
			tm := time.Unix(unix, 0).UTC()
			req.VersionTime = &tm
		}
		res, err := fx.query.Resolve(fx.ctx, req)
		if err != nil {
			t.Fatalf("gRPC error: %v", err)
		}
		switch res.DidResolutionMetadata.Error {
		case "":
			if len(res.DidDocument) == 0 {
				t.Fatal("success without a document")
			}
		case types.ResolutionErrNotFound, types.ResolutionErrInvalidDid, types.ResolutionErrDeactivated, types.ResolutionErrInvalidOptions:
		default:
			t.Fatalf("unknown resolution error %q", res.DidResolutionMetadata.Error)
		}
	})
}
