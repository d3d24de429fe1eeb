package keys

import (
	"crypto"
	"crypto/ecdsa"
	stded25519 "crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	k1ecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
)

// PrivateKey is a signing key; the zero value is not a valid key.
type PrivateKey struct {
	pub  PublicKey
	ed   stded25519.PrivateKey // set for Ed25519
	p256 *ecdsa.PrivateKey     // set for P256
	k1   *secp256k1.PrivateKey // set for Secp256k1
}

// Generate creates a new random private key on curve c.
func Generate(c Curve) (PrivateKey, error) {
	switch c {
	case Ed25519:
		_, priv, err := stded25519.GenerateKey(rand.Reader)
		if err != nil {
			return PrivateKey{}, fmt.Errorf("generate Ed25519 key: %w", err)
		}
		return privateFromEd25519Seed(priv.Seed())
	case P256:
		priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return PrivateKey{}, fmt.Errorf("generate P-256 key: %w", err)
		}
		return privateFromP256(priv)
	case Secp256k1:
		priv, err := secp256k1.GeneratePrivateKey()
		if err != nil {
			return PrivateKey{}, fmt.Errorf("generate secp256k1 key: %w", err)
		}
		return privateFromSecp256k1(priv)
	}
	return PrivateKey{}, fmt.Errorf("%w: %q", ErrUnsupportedCurve, string(c))
}

// PrivateKeyFromBytes builds a private key from its 32-byte scalar (EC) or RFC 8032 seed (Ed25519).
func PrivateKeyFromBytes(c Curve, d []byte) (PrivateKey, error) {
	if len(d) != scalarSize {
		return PrivateKey{}, fmt.Errorf("%w: %s private key is %d bytes, want %d", ErrInvalidKey, c, len(d), scalarSize)
	}
	switch c {
	case Ed25519:
		return privateFromEd25519Seed(d)
	case P256:
		priv, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), d)
		if err != nil {
			return PrivateKey{}, fmt.Errorf("%w: P-256 private key: %w", ErrInvalidKey, err)
		}
		return privateFromP256(priv)
	case Secp256k1:
		var s secp256k1.ModNScalar
		if s.SetByteSlice(d) || s.IsZero() {
			return PrivateKey{}, fmt.Errorf("%w: secp256k1 private key out of range", ErrInvalidKey)
		}
		return privateFromSecp256k1(secp256k1.NewPrivateKey(&s))
	}
	return PrivateKey{}, fmt.Errorf("%w: %q", ErrUnsupportedCurve, string(c))
}

func privateFromEd25519Seed(seed []byte) (PrivateKey, error) {
	priv := stded25519.NewKeyFromSeed(seed)
	pub, err := ed25519FromBytes(priv.Public().(stded25519.PublicKey))
	if err != nil {
		return PrivateKey{}, err
	}
	return PrivateKey{pub: pub, ed: priv}, nil
}

func privateFromP256(priv *ecdsa.PrivateKey) (PrivateKey, error) {
	u, err := priv.PublicKey.Bytes()
	if err != nil {
		return PrivateKey{}, fmt.Errorf("%w: P-256 public key: %w", ErrInvalidKey, err)
	}
	pub, err := p256FromBytes(u)
	if err != nil {
		return PrivateKey{}, err
	}
	return PrivateKey{pub: pub, p256: priv}, nil
}

func privateFromSecp256k1(priv *secp256k1.PrivateKey) (PrivateKey, error) {
	pub, err := secp256k1FromBytes(priv.PubKey().SerializeCompressed())
	if err != nil {
		return PrivateKey{}, err
	}
	return PrivateKey{pub: pub, k1: priv}, nil
}

// Public returns the matching public key.
func (k PrivateKey) Public() PublicKey { return k.pub }

// Curve returns the key's curve ("" for the zero value).
func (k PrivateKey) Curve() Curve { return k.pub.Curve() }

// Sign signs msg: Ed25519 over msg, ECDSA over SHA-256(msg) as 64-byte low-S r||s.
func (k PrivateKey) Sign(msg []byte) ([]byte, error) {
	switch k.pub.Curve() {
	case Ed25519:
		return stded25519.Sign(k.ed, msg), nil
	case P256:
		h := sha256.Sum256(msg)
		r, s, err := ecdsa.Sign(rand.Reader, k.p256, h[:])
		if err != nil {
			return nil, fmt.Errorf("sign ES256: %w", err)
		}
		if s.Cmp(p256HalfOrder) > 0 {
			s.Sub(elliptic.P256().Params().N, s)
		}
		sig := make([]byte, SignatureSize)
		r.FillBytes(sig[:scalarSize])
		s.FillBytes(sig[scalarSize:])
		return sig, nil
	case Secp256k1:
		h := sha256.Sum256(msg)
		sg := k1ecdsa.Sign(k.k1, h[:]) // RFC 6979, canonical low-S
		r, s := sg.R(), sg.S()
		sig := make([]byte, SignatureSize)
		r.PutBytesUnchecked(sig[:scalarSize])
		s.PutBytesUnchecked(sig[scalarSize:])
		return sig, nil
	}
	return nil, fmt.Errorf("%w: sign with zero or unknown key", ErrInvalidKey)
}

// CryptoSigner returns a crypto.Signer: ed25519.PrivateKey, *ecdsa.PrivateKey, or a secp256k1 DER signer.
func (k PrivateKey) CryptoSigner() crypto.Signer {
	switch k.pub.Curve() {
	case Ed25519:
		return k.ed
	case P256:
		return k.p256
	case Secp256k1:
		return secp256k1Signer{k: k.k1}
	}
	return nil
}

// secp256k1Signer signs a 32-byte digest and returns an ASN.1 DER low-S signature.
type secp256k1Signer struct{ k *secp256k1.PrivateKey }

// Public returns the *secp256k1.PublicKey.
func (s secp256k1Signer) Public() crypto.PublicKey { return s.k.PubKey() }

// Sign signs a SHA-256 digest; rand is unused (RFC 6979 nonces).
func (s secp256k1Signer) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if opts != nil && opts.HashFunc() != crypto.SHA256 {
		return nil, errors.New("keys: secp256k1 signer needs a SHA-256 digest")
	}
	if len(digest) != sha256.Size {
		return nil, fmt.Errorf("keys: secp256k1 digest is %d bytes, want %d", len(digest), sha256.Size)
	}
	return k1ecdsa.Sign(s.k, digest).Serialize(), nil
}

// privateScalar returns the 32-byte "d" (EC scalar or Ed25519 seed).
func (k PrivateKey) privateScalar() []byte {
	switch k.pub.Curve() {
	case Ed25519:
		return k.ed.Seed()
	case P256:
		d, _ := k.p256.Bytes() // cannot fail for a P-256 key
		return d
	case Secp256k1:
		b := k.k1.Key.Bytes()
		return b[:]
	}
	return nil
}

// Bytes returns a copy of the 32-byte private scalar (EC) or seed (Ed25519); handle with care.
func (k PrivateKey) Bytes() []byte { return k.privateScalar() }
