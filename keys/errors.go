package keys

import "errors"

// Sentinel errors; returned errors wrap one of these with context.
var (
	// ErrUnsupportedCurve reports a curve or key type this package does not handle.
	ErrUnsupportedCurve = errors.New("keys: unsupported curve")
	// ErrInvalidKey reports key bytes that are malformed, off the curve or weak.
	ErrInvalidKey = errors.New("keys: invalid key")
	// ErrInvalidSignature reports a signature that is malformed or does not verify.
	ErrInvalidSignature = errors.New("keys: invalid signature")
	// ErrInvalidJWK reports a JWK that is not acceptable JSON or has bad members.
	ErrInvalidJWK = errors.New("keys: invalid JWK")
	// ErrPrivateMaterial reports private key members found where only a public key is allowed.
	ErrPrivateMaterial = errors.New("keys: private key material in public key")
	// ErrInvalidMultikey reports a Multikey string that does not decode to a supported key.
	ErrInvalidMultikey = errors.New("keys: invalid Multikey")
	// ErrInvalidDIDJWK reports a did:jwk identifier or DID URL that is malformed.
	ErrInvalidDIDJWK = errors.New("keys: invalid did:jwk")
)
