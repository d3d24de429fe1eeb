package keeper

import (
	"context"
	"errors"
	"fmt"

	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/x/did/types"
)

// VerifySignatures checks DID-key signatures over signBytes for did: the DID must exist and be
// active (ErrDidNotFound, ErrDidDeactivated); every signature must name a verification method
// of the DID's latest document in relationship rel (else ErrUnauthorized) and verify (else
// ErrInvalidSignature); at least one signature is required (else ErrUnauthorized).
func (k Keeper) VerifySignatures(ctx context.Context, did string, rel didcore.Relationship, signBytes []byte, sigs []types.DidSignature) error {
	_, _, doc, err := k.latestActive(ctx, did)
	if err != nil {
		return err
	}
	if len(sigs) == 0 {
		return errorsmod.Wrapf(types.ErrUnauthorized, "no signature by a %s method of %s", rel, did)
	}
	a := newAuthorizer()
	a.require(did, string(rel), doc.MethodsFor(rel))
	return a.check(ctx, signBytes, sigs)
}

// candidate is a verification method whose signature satisfies one requirement.
type candidate struct {
	key keys.PublicKey
	req int
}

// authorizer collects requirements ("a capabilityInvocation key of controller C") and checks
// a set of signatures against them.
type authorizer struct {
	names []string               // requirement names, for errors
	cands map[string][]candidate // absolute method id -> candidates
}

func newAuthorizer() *authorizer { return &authorizer{cands: make(map[string][]candidate)} }

// require adds a requirement satisfied by a valid signature of any of methods.
func (a *authorizer) require(name, what string, methods []didcore.VerificationMethod) {
	req := len(a.names)
	a.names = append(a.names, fmt.Sprintf("%s of %s", what, name))
	for _, vm := range methods {
		k, err := vm.PublicKey()
		if err != nil {
			continue // validated documents only hold decodable keys
		}
		a.cands[vm.ID] = append(a.cands[vm.ID], candidate{key: k, req: req})
	}
}

// check verifies sigs and requires every requirement to be met.
func (a *authorizer) check(ctx context.Context, signBytes []byte, sigs []types.DidSignature) error {
	if len(sigs) > types.MaxSignatures {
		return errorsmod.Wrapf(types.ErrPayloadTooLarge, "%d signatures, max %d", len(sigs), types.MaxSignatures)
	}
	met := make([]bool, len(a.names))
	seen := make(map[string]bool, len(sigs))
	gas := sdk.UnwrapSDKContext(ctx).GasMeter()
	for i, s := range sigs {
		if seen[s.VerificationMethod] {
			return errorsmod.Wrapf(types.ErrInvalidSignature, "signatures[%d]: duplicate signature by %s", i, s.VerificationMethod)
		}
		seen[s.VerificationMethod] = true
		cs := a.cands[s.VerificationMethod]
		if len(cs) == 0 {
			return errorsmod.Wrapf(types.ErrUnauthorized, "signatures[%d]: %q is not an authorising method here", i, truncate(s.VerificationMethod))
		}
		if len(s.Signature) == 0 || len(s.Signature) > types.MaxSignatureBytes {
			return errorsmod.Wrapf(types.ErrInvalidSignature, "signatures[%d]: %d bytes", i, len(s.Signature))
		}
		ok := false
		var verified []keys.PublicKey
		for _, c := range cs {
			good := false
			if containsKey(verified, c.key) {
				good = true
			} else {
				gas.ConsumeGas(types.SignatureVerifyGas, "did signature verification")
				if err := c.key.Verify(signBytes, s.Signature); err == nil {
					good = true
					verified = append(verified, c.key)
				}
			}
			if good {
				met[c.req] = true
				ok = true
			}
		}
		if !ok {
			return errorsmod.Wrapf(types.ErrInvalidSignature, "signatures[%d] by %s does not verify", i, s.VerificationMethod)
		}
	}
	for i, m := range met {
		if !m {
			return errorsmod.Wrapf(types.ErrMissingSignature, "need a signature by a %s", a.names[i])
		}
	}
	return nil
}

func containsKey(ks []keys.PublicKey, k keys.PublicKey) bool {
	for _, x := range ks {
		if x.Equal(k) {
			return true
		}
	}
	return false
}

// controllerMethods returns the capabilityInvocation methods of controller c: those of self
// when c is the DID being changed, else those of c's latest document in state (which must be
// active: ErrControllerNotFound).
func (k Keeper) controllerMethods(ctx context.Context, c string, self *didcore.Document) ([]didcore.VerificationMethod, error) {
	if c == self.ID {
		return self.MethodsFor(didcore.CapabilityInvocation), nil
	}
	_, _, doc, err := k.latestActive(ctx, c)
	if errors.Is(err, types.ErrDidNotFound) || errors.Is(err, types.ErrDidDeactivated) {
		return nil, errorsmod.Wrapf(types.ErrControllerNotFound, "%s: %v", c, err)
	}
	if err != nil {
		return nil, err
	}
	return doc.MethodsFor(didcore.CapabilityInvocation), nil
}

// requireControllers adds one requirement per controller in cs (skipping those in skip),
// with keys resolved against self.
func (k Keeper) requireControllers(ctx context.Context, a *authorizer, cs []string, self *didcore.Document, skip map[string]bool) error {
	for _, c := range cs {
		if skip[c] {
			continue
		}
		ms, err := k.controllerMethods(ctx, c, self)
		if err != nil {
			return err
		}
		a.require(c, "capabilityInvocation key of controller", ms)
	}
	return nil
}

func truncate(s string) string {
	if len(s) > 128 {
		return s[:128] + "..."
	}
	return s
}
