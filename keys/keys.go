package keys

import (
	"crypto"
	"crypto/ecdsa"
	stded25519 "crypto/ed25519"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"math/big"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	k1ecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/oasisprotocol/curve25519-voi/curve"
	voied25519 "github.com/oasisprotocol/curve25519-voi/primitives/ed25519"
)

// Curve names a signature curve; the values are the JOSE "crv" names.
type Curve string

// Supported curves.
const (
	Ed25519   Curve = "Ed25519"
	P256      Curve = "P-256"
	Secp256k1 Curve = "secp256k1"
)

// Sizes of the canonical encodings.
const (
	Ed25519PublicKeySize = 32 // raw Ed25519 public key
	ECPublicKeySize      = 33 // SEC1 compressed EC point
	ECUncompressedSize   = 65 // SEC1 uncompressed EC point
	SignatureSize        = 64 // Ed25519 signature or ECDSA r||s
	scalarSize           = 32
)

// ed25519VerifyOptions selects verification semantics identical to crypto/ed25519.
var ed25519VerifyOptions = &voied25519.Options{Verify: voied25519.VerifyOptionsStdLib}

// p256HalfOrder is n/2 for P-256, the low-S bound.
var p256HalfOrder = new(big.Int).Rsh(elliptic.P256().Params().N, 1)

// Valid reports whether c is one of the supported curves.
func (c Curve) Valid() bool {
	switch c {
	case Ed25519, P256, Secp256k1:
		return true
	}
	return false
}

// Algorithm returns the JOSE "alg" for signatures on curve c, or "" if unsupported.
func (c Curve) Algorithm() string {
	switch c {
	case Ed25519:
		return "EdDSA"
	case P256:
		return "ES256"
	case Secp256k1:
		return "ES256K"
	}
	return ""
}

// PublicKey is an immutable, validated public key; the zero value is not a valid key.
//
// It is a small value (48 bytes on 64-bit) with the canonical bytes inline, so an Ed25519
// key costs no allocation of its own: caches holding millions of keys stay compact.
type PublicKey struct {
	ec    *ecKey                // parsed point, set for P256 and Secp256k1
	raw   [ECPublicKeySize]byte // canonical bytes: 32 (Ed25519) or 33 (compressed EC), zero padded
	curve curveID
}

// ecKey is the parsed point of an EC public key.
type ecKey struct {
	p256 *ecdsa.PublicKey     // set for P256
	k1   *secp256k1.PublicKey // set for Secp256k1
}

// curveID is the compact form of a Curve inside a PublicKey.
type curveID uint8

const (
	noCurve curveID = iota
	idEd25519
	idP256
	idSecp256k1
)

// Curve returns the key's curve ("" for the zero value).
func (k PublicKey) Curve() Curve {
	switch k.curve {
	case idEd25519:
		return Ed25519
	case idP256:
		return P256
	case idSecp256k1:
		return Secp256k1
	}
	return ""
}

// size is the length of the canonical encoding.
func (k *PublicKey) size() int {
	switch k.curve {
	case idEd25519:
		return Ed25519PublicKeySize
	case idP256, idSecp256k1:
		return ECPublicKeySize
	}
	return 0
}

// Bytes returns a copy of the canonical raw encoding (32-byte Ed25519, 33-byte compressed EC).
func (k PublicKey) Bytes() []byte { return append([]byte(nil), k.raw[:k.size()]...) }

// Algorithm returns the JOSE "alg": EdDSA, ES256 or ES256K.
func (k PublicKey) Algorithm() string { return k.Curve().Algorithm() }

// IsZero reports whether k is the zero (invalid) PublicKey.
func (k PublicKey) IsZero() bool { return k.curve == noCurve }

// Equal reports whether k and o are the same key on the same curve.
func (k PublicKey) Equal(o PublicKey) bool {
	return k.curve == o.curve && subtle.ConstantTimeCompare(k.raw[:], o.raw[:]) == 1
}

// String returns the Multikey form, for logs and errors.
func (k PublicKey) String() string {
	if k.IsZero() {
		return "<invalid key>"
	}
	return k.Multikey()
}

// CryptoPublicKey returns ed25519.PublicKey, *ecdsa.PublicKey (P-256) or *secp256k1.PublicKey.
func (k PublicKey) CryptoPublicKey() crypto.PublicKey {
	switch k.curve {
	case idEd25519:
		return stded25519.PublicKey(k.Bytes())
	case idP256:
		c := *k.ec.p256
		return &c
	case idSecp256k1:
		c := *k.ec.k1
		return &c
	}
	return nil
}

// Verify checks sig over msg; it returns nil or an error wrapping ErrInvalidSignature.
func (k PublicKey) Verify(msg, sig []byte) error {
	if len(sig) != SignatureSize {
		return fmt.Errorf("%w: %s signature is %d bytes, want %d", ErrInvalidSignature, k.Curve(), len(sig), SignatureSize)
	}
	switch k.curve {
	case idEd25519:
		if !voied25519.VerifyWithOptions(voied25519.PublicKey(k.raw[:Ed25519PublicKeySize]), msg, sig, ed25519VerifyOptions) {
			return fmt.Errorf("%w: Ed25519 verification failed", ErrInvalidSignature)
		}
		return nil
	case idP256:
		r := new(big.Int).SetBytes(sig[:scalarSize])
		s := new(big.Int).SetBytes(sig[scalarSize:])
		h := sha256.Sum256(msg)
		if !ecdsa.Verify(k.ec.p256, h[:], r, s) {
			return fmt.Errorf("%w: ES256 verification failed", ErrInvalidSignature)
		}
		return nil
	case idSecp256k1:
		var r, s secp256k1.ModNScalar
		if r.SetByteSlice(sig[:scalarSize]) || s.SetByteSlice(sig[scalarSize:]) {
			return fmt.Errorf("%w: ES256K r or s not below the group order", ErrInvalidSignature)
		}
		if r.IsZero() || s.IsZero() {
			return fmt.Errorf("%w: ES256K r or s is zero", ErrInvalidSignature)
		}
		if s.IsOverHalfOrder() {
			return fmt.Errorf("%w: ES256K high-S signature", ErrInvalidSignature)
		}
		h := sha256.Sum256(msg)
		if !k1ecdsa.NewSignature(&r, &s).Verify(h[:], k.ec.k1) {
			return fmt.Errorf("%w: ES256K verification failed", ErrInvalidSignature)
		}
		return nil
	}
	return fmt.Errorf("%w: verify with zero or unknown key", ErrInvalidKey)
}

// PublicKeyFromBytes validates raw key bytes for curve c (EC keys: 33-byte compressed or 65-byte uncompressed).
func PublicKeyFromBytes(c Curve, raw []byte) (PublicKey, error) {
	switch c {
	case Ed25519:
		return ed25519FromBytes(raw)
	case P256:
		return p256FromBytes(raw)
	case Secp256k1:
		return secp256k1FromBytes(raw)
	}
	return PublicKey{}, fmt.Errorf("%w: %q", ErrUnsupportedCurve, string(c))
}

func ed25519FromBytes(raw []byte) (PublicKey, error) {
	if len(raw) != Ed25519PublicKeySize {
		return PublicKey{}, fmt.Errorf("%w: Ed25519 key is %d bytes, want %d", ErrInvalidKey, len(raw), Ed25519PublicKeySize)
	}
	var cy curve.CompressedEdwardsY
	if _, err := cy.SetBytes(raw); err != nil {
		return PublicKey{}, fmt.Errorf("%w: Ed25519: %w", ErrInvalidKey, err)
	}
	if !cy.IsCanonicalVartime() {
		return PublicKey{}, fmt.Errorf("%w: Ed25519 key is not a canonical point encoding", ErrInvalidKey)
	}
	var p curve.EdwardsPoint
	if _, err := p.SetCompressedY(&cy); err != nil {
		return PublicKey{}, fmt.Errorf("%w: Ed25519 key is not a curve point", ErrInvalidKey)
	}
	if p.IsSmallOrder() {
		return PublicKey{}, fmt.Errorf("%w: Ed25519 key is a small-order point", ErrInvalidKey)
	}
	k := PublicKey{curve: idEd25519}
	copy(k.raw[:], raw)
	return k, nil
}

func p256FromBytes(raw []byte) (PublicKey, error) {
	var uncompressed []byte
	switch len(raw) {
	case ECUncompressedSize:
		if raw[0] != 0x04 {
			return PublicKey{}, fmt.Errorf("%w: P-256 uncompressed point must start with 0x04", ErrInvalidKey)
		}
		uncompressed = raw
	case ECPublicKeySize:
		if raw[0] != 0x02 && raw[0] != 0x03 {
			return PublicKey{}, fmt.Errorf("%w: P-256 compressed point must start with 0x02 or 0x03", ErrInvalidKey)
		}
		x, y := elliptic.UnmarshalCompressed(elliptic.P256(), raw)
		if x == nil {
			return PublicKey{}, fmt.Errorf("%w: P-256 point not on the curve", ErrInvalidKey)
		}
		uncompressed = make([]byte, ECUncompressedSize)
		uncompressed[0] = 0x04
		x.FillBytes(uncompressed[1:33])
		y.FillBytes(uncompressed[33:])
	default:
		return PublicKey{}, fmt.Errorf("%w: P-256 key is %d bytes, want 33 or 65", ErrInvalidKey, len(raw))
	}
	pk, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), uncompressed)
	if err != nil {
		return PublicKey{}, fmt.Errorf("%w: P-256: %w", ErrInvalidKey, err)
	}
	k := PublicKey{curve: idP256, ec: &ecKey{p256: pk}}
	compressUncompressed(&k.raw, uncompressed)
	return k, nil
}

// compressUncompressed writes the 33-byte compressed form of a 65-byte SEC1 point u to out.
func compressUncompressed(out *[ECPublicKeySize]byte, u []byte) {
	out[0] = 0x02 | (u[64] & 1)
	copy(out[1:], u[1:33])
}

func secp256k1FromBytes(raw []byte) (PublicKey, error) {
	switch {
	case len(raw) == ECUncompressedSize && raw[0] == 0x04:
	case len(raw) == ECPublicKeySize && (raw[0] == 0x02 || raw[0] == 0x03):
	default:
		return PublicKey{}, fmt.Errorf("%w: secp256k1 key must be a 33-byte compressed or 65-byte uncompressed SEC1 point", ErrInvalidKey)
	}
	pk, err := secp256k1.ParsePubKey(raw)
	if err != nil {
		return PublicKey{}, fmt.Errorf("%w: secp256k1: %w", ErrInvalidKey, err)
	}
	k := PublicKey{curve: idSecp256k1, ec: &ecKey{k1: pk}}
	copy(k.raw[:], pk.SerializeCompressed())
	return k, nil
}

// ecPoint returns the 32-byte affine x and y of an EC key.
func (k PublicKey) ecPoint() (x, y []byte) {
	var u []byte
	switch k.curve {
	case idP256:
		u, _ = k.ec.p256.Bytes() // cannot fail for a validated key
	case idSecp256k1:
		u = k.ec.k1.SerializeUncompressed()
	default:
		return nil, nil
	}
	return u[1:33], u[33:65]
}
