// Package wallet is the encrypted local store of the amanah CLI: one holder
// key and the SD-JWT VCs issued to it.
//
// The file is JSON (an envelope):
//
//	{"version":1,
//	 "kdf":{"name":"scrypt","salt":"<b64url>","n":131072,"r":8,"p":1},
//	 "cipher":"aes-256-gcm",
//	 "check":"<b64url>", "nonce":"<b64url>", "ciphertext":"<b64url>"}
//
// scrypt derives 64 bytes from the passphrase and salt: the first 32 are the
// AES-256-GCM key, the last 32 an HMAC-SHA256 key whose tag over a fixed label
// is "check". A wrong passphrase is recognised by the check value before any
// decryption; a ciphertext that fails authentication under the right key is a
// modified (corrupted or tampered) file. The associated data of the AEAD is
// the canonical JSON of version, kdf and cipher, so the parameters cannot be
// swapped either. Each save uses a fresh random 96-bit nonce.
//
// The file records its scrypt parameters, so files written under an older,
// cheaper default (N=2^15 before 2026-12) still open; when such a wallet is
// opened with its passphrase, the next Save re-encrypts it under DefaultKDF
// with a fresh salt.
//
// The plaintext is JSON: the holder's private JWK and the credentials, each
// with a name unique in the wallet.
package wallet

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"time"

	"golang.org/x/crypto/scrypt"

	"github.com/amanah-id/amanah/cmd/amanah/internal/securefile"
	"github.com/amanah-id/amanah/keys"
)

// Version is the only envelope version written and read.
const Version = 1

// Envelope constants.
const (
	KDFScrypt    = "scrypt"
	CipherAESGCM = "aes-256-gcm"
)

// Size limits.
const (
	// MaxFileSize bounds the wallet file, checked before parsing.
	MaxFileSize = 16 << 20
	// MaxNameLength bounds a credential name.
	MaxNameLength = 64
)

const (
	saltBytes  = 16
	nonceBytes = 12
	checkLabel = "amanah-wallet-v1 passphrase check"
)

// Errors returned by Open and the envelope decoder.
var (
	// ErrNotFound: no wallet file at the path.
	ErrNotFound = errors.New("no wallet file (run `amanah wallet init` first)")
	// ErrWrongPassphrase: the passphrase does not open the wallet.
	ErrWrongPassphrase = errors.New("wrong passphrase")
	// ErrCorrupt: the file is not a valid wallet or was modified.
	ErrCorrupt = errors.New("wallet file is corrupted")
	// ErrExists: init on a path that already holds a wallet.
	ErrExists = errors.New("a wallet already exists there")
	// ErrDuplicateName: a credential of that name is already stored.
	ErrDuplicateName = errors.New("a credential of that name already exists")
	// ErrNoCredential: no credential of that name.
	ErrNoCredential = errors.New("no credential of that name")
)

// KDFParams are the scrypt cost parameters.
type KDFParams struct {
	// N is the CPU/memory cost (a power of two).
	N int
	// R is the block size.
	R int
	// P is the parallelism.
	P int
}

// DefaultKDF is N=2^17, r=8, p=1 (128 MiB, about 0.4 s): the cost new
// wallets get, and the one weaker wallets are re-encrypted with on save.
var DefaultKDF = KDFParams{N: 1 << 17, R: 8, P: 1}

// weaker reports whether p costs less than DefaultKDF (memory N*r, time N*r*p).
func (p KDFParams) weaker() bool {
	return p.N*p.R < DefaultKDF.N*DefaultKDF.R || p.N*p.R*p.P < DefaultKDF.N*DefaultKDF.R*DefaultKDF.P
}

// Bounds on KDF parameters read from a file, so a hostile file cannot make
// Open allocate gigabytes or run for hours, nor weaken the KDF to nothing.
const (
	minN = 1 << 10
	maxN = 1 << 20
	maxR = 32
	maxP = 16
)

// Envelope is the decoded, not yet decrypted, wallet file.
type Envelope struct {
	Version    int       `json:"version"`
	KDF        KDFHeader `json:"kdf"`
	Cipher     string    `json:"cipher"`
	Check      string    `json:"check"`
	Nonce      string    `json:"nonce"`
	Ciphertext string    `json:"ciphertext"`

	salt, check, nonce, ciphertext []byte
}

// KDFHeader is the envelope's kdf member.
type KDFHeader struct {
	Name string `json:"name"`
	Salt string `json:"salt"`
	N    int    `json:"n"`
	R    int    `json:"r"`
	P    int    `json:"p"`
}

// Credential is one stored SD-JWT VC.
type Credential struct {
	// Name is the holder's label, unique in the wallet.
	Name string `json:"name"`
	// SDJWT is the credential in issuance form ("<jwt>~<d>~...~").
	SDJWT string `json:"sd_jwt"`
	// ImportedAt is when it was imported.
	ImportedAt time.Time `json:"imported_at"`
	// HolderKey is the credential's own holder key (private JWK) when it is not the wallet's:
	// each credential of a batch received over OpenID4VCI has its own.
	HolderKey json.RawMessage `json:"holder_key,omitempty"`
	// Batch names the batch the credential came in ("" for a single credential).
	Batch string `json:"batch,omitempty"`
	// ShownTo lists the relying parties (audiences) the credential was presented to.
	ShownTo []string `json:"shown_to,omitempty"`
}

type contents struct {
	HolderKey   json.RawMessage `json:"holder_key"`
	Credentials []Credential    `json:"credentials"`
}

// Wallet is an opened wallet. It is not safe for concurrent use.
type Wallet struct {
	path   string
	env    Envelope
	encKey []byte
	holder keys.PrivateKey
	creds  []Credential
	// rekey is the passphrase, kept only while the file's KDF is weaker
	// than DefaultKDF, for the next Save to re-encrypt under DefaultKDF.
	rekey []byte
}

var b64 = base64.RawURLEncoding

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// ValidName reports whether name can label a credential: 1 to 64 of
// letters, digits, '.', '_' and '-', starting with a letter or digit.
func ValidName(name string) error {
	if len(name) == 0 || len(name) > MaxNameLength || !nameRE.MatchString(name) {
		return fmt.Errorf("invalid credential name %q: use 1-%d letters, digits, '.', '_', '-' (starting with a letter or digit)", name, MaxNameLength)
	}
	return nil
}

// Create makes a new wallet at path holding holder, encrypted under
// passphrase, and writes it. It fails with ErrExists if path exists.
func Create(path string, passphrase []byte, holder keys.PrivateKey, kdf KDFParams) (*Wallet, error) {
	if len(passphrase) == 0 {
		return nil, errors.New("empty passphrase")
	}
	if err := kdf.check(); err != nil {
		return nil, err
	}
	if _, err := os.Lstat(path); err == nil {
		return nil, fmt.Errorf("%s: %w", path, ErrExists)
	}
	salt := make([]byte, saltBytes)
	if _, err := io.ReadFull(rand.Reader, salt); err != nil {
		return nil, err
	}
	enc, chk, err := deriveKeys(passphrase, salt, kdf)
	if err != nil {
		return nil, err
	}
	w := &Wallet{
		path: path,
		env: Envelope{
			Version: Version,
			KDF:     KDFHeader{Name: KDFScrypt, Salt: b64.EncodeToString(salt), N: kdf.N, R: kdf.R, P: kdf.P},
			Cipher:  CipherAESGCM,
			Check:   b64.EncodeToString(chk),
		},
		encKey: enc,
		holder: holder,
	}
	if err := w.write(false); err != nil {
		if errors.Is(err, securefile.ErrExists) {
			return nil, fmt.Errorf("%s: %w", path, ErrExists)
		}
		return nil, err
	}
	return w, nil
}

// Open reads and decrypts the wallet at path.
func Open(path string, passphrase []byte) (*Wallet, error) {
	b, err := securefile.ReadLimited(path, MaxFileSize)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: %w", path, ErrNotFound)
		}
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	w, err := openBytes(b, passphrase)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	w.path = path
	if w.KDF().weaker() {
		w.rekey = bytes.Clone(passphrase)
	}
	return w, nil
}

// KDF returns the scrypt parameters the wallet is encrypted with now.
func (w *Wallet) KDF() KDFParams {
	return KDFParams{N: w.env.KDF.N, R: w.env.KDF.R, P: w.env.KDF.P}
}

// NeedsRekey reports whether the next Save re-encrypts the wallet under
// DefaultKDF (it was opened from a file with weaker parameters).
func (w *Wallet) NeedsRekey() bool { return w.rekey != nil }

// rekeyDefault derives a new key under DefaultKDF and a fresh salt from the
// kept passphrase, then forgets the passphrase.
func (w *Wallet) rekeyDefault() error {
	salt := make([]byte, saltBytes)
	if _, err := io.ReadFull(rand.Reader, salt); err != nil {
		return err
	}
	enc, chk, err := deriveKeys(w.rekey, salt, DefaultKDF)
	if err != nil {
		return err
	}
	clear(w.rekey)
	w.rekey = nil
	k := DefaultKDF
	w.env.KDF = KDFHeader{Name: KDFScrypt, Salt: b64.EncodeToString(salt), N: k.N, R: k.R, P: k.P}
	w.env.Check = b64.EncodeToString(chk)
	w.encKey = enc
	return nil
}

// openBytes decodes and decrypts a wallet file's content.
func openBytes(b, passphrase []byte) (*Wallet, error) {
	env, err := Decode(b)
	if err != nil {
		return nil, err
	}
	enc, chk, err := deriveKeys(passphrase, env.salt, KDFParams{N: env.KDF.N, R: env.KDF.R, P: env.KDF.P})
	if err != nil {
		return nil, err
	}
	if !hmac.Equal(chk, env.check) {
		return nil, ErrWrongPassphrase
	}
	return openWithKey(env, enc)
}

// Decode parses a wallet file strictly (no unknown or duplicate members, no
// trailing data, bounded KDF parameters, exact lengths) without decrypting.
func Decode(b []byte) (*Envelope, error) {
	if len(b) > MaxFileSize {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrCorrupt, MaxFileSize)
	}
	var env Envelope
	if err := strictUnmarshal(b, &env); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if env.Version != Version {
		return nil, fmt.Errorf("%w: unsupported version %d (this tool reads version %d)", ErrCorrupt, env.Version, Version)
	}
	if env.KDF.Name != KDFScrypt {
		return nil, fmt.Errorf("%w: unsupported kdf %q", ErrCorrupt, env.KDF.Name)
	}
	if err := (KDFParams{N: env.KDF.N, R: env.KDF.R, P: env.KDF.P}).check(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if env.Cipher != CipherAESGCM {
		return nil, fmt.Errorf("%w: unsupported cipher %q", ErrCorrupt, env.Cipher)
	}
	var err error
	if env.salt, err = decodeField("kdf.salt", env.KDF.Salt, saltBytes, 64); err != nil {
		return nil, err
	}
	if env.check, err = decodeField("check", env.Check, sha256.Size, sha256.Size); err != nil {
		return nil, err
	}
	if env.nonce, err = decodeField("nonce", env.Nonce, nonceBytes, nonceBytes); err != nil {
		return nil, err
	}
	if env.ciphertext, err = decodeField("ciphertext", env.Ciphertext, 16, MaxFileSize); err != nil {
		return nil, err
	}
	return &env, nil
}

func decodeField(name, s string, minLen, maxLen int) ([]byte, error) {
	b, err := b64.Strict().DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not unpadded base64url", ErrCorrupt, name)
	}
	if len(b) < minLen || len(b) > maxLen {
		return nil, fmt.Errorf("%w: %s has %d bytes", ErrCorrupt, name, len(b))
	}
	return b, nil
}

// strictUnmarshal decodes one JSON object into v, refusing unknown members,
// duplicate members (anywhere) and trailing data.
func strictUnmarshal(b []byte, v any) error {
	if err := checkNoDuplicates(b); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON object")
	}
	return nil
}

// checkNoDuplicates walks the JSON tokens and fails on a repeated member name
// (encoding/json would silently keep the last one) or nesting beyond 16.
func checkNoDuplicates(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	type frame struct {
		obj     bool
		seen    map[string]bool
		wantKey bool
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				if len(stack) >= 16 {
					return errors.New("JSON nested too deeply")
				}
				if top != nil && top.obj {
					top.wantKey = true
				}
				stack = append(stack, &frame{obj: t == '{', seen: map[string]bool{}, wantKey: t == '{'})
			case '}', ']':
				stack = stack[:len(stack)-1]
			}
		case string:
			if top != nil && top.obj && top.wantKey {
				if top.seen[t] {
					return fmt.Errorf("duplicate member %q", t)
				}
				top.seen[t] = true
				top.wantKey = false
				continue
			}
			if top != nil && top.obj {
				top.wantKey = true
			}
		default:
			if top != nil && top.obj {
				top.wantKey = true
			}
		}
	}
}

func (p KDFParams) check() error {
	if p.N < minN || p.N > maxN || p.N&(p.N-1) != 0 {
		return fmt.Errorf("scrypt N=%d outside the powers of two in [2^10, 2^20]", p.N)
	}
	if p.R < 1 || p.R > maxR {
		return fmt.Errorf("scrypt r=%d outside [1, %d]", p.R, maxR)
	}
	if p.P < 1 || p.P > maxP {
		return fmt.Errorf("scrypt p=%d outside [1, %d]", p.P, maxP)
	}
	return nil
}

func deriveKeys(passphrase, salt []byte, p KDFParams) (enc, check []byte, err error) {
	k, err := scrypt.Key(passphrase, salt, p.N, p.R, p.P, 64)
	if err != nil {
		return nil, nil, fmt.Errorf("scrypt: %w", err)
	}
	mac := hmac.New(sha256.New, k[32:])
	mac.Write([]byte(checkLabel))
	return k[:32], mac.Sum(nil), nil
}

// aad is the canonical JSON of the envelope's parameters.
func (e *Envelope) aad() []byte {
	b, _ := json.Marshal(struct {
		Version int       `json:"version"`
		KDF     KDFHeader `json:"kdf"`
		Cipher  string    `json:"cipher"`
	}{e.Version, e.KDF, e.Cipher})
	return b
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// openWithKey decrypts env with the derived key and parses the contents.
func openWithKey(env *Envelope, key []byte) (*Wallet, error) {
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	plain, err := aead.Open(nil, env.nonce, env.ciphertext, env.aad())
	if err != nil {
		return nil, fmt.Errorf("%w: authentication failed (the file was modified)", ErrCorrupt)
	}
	var c contents
	if err := strictUnmarshal(plain, &c); err != nil {
		return nil, fmt.Errorf("%w: contents: %v", ErrCorrupt, err)
	}
	holder, err := keys.ParsePrivateJWK(c.HolderKey)
	if err != nil {
		return nil, fmt.Errorf("%w: holder key: %v", ErrCorrupt, err)
	}
	seen := map[string]bool{}
	for _, cr := range c.Credentials {
		if ValidName(cr.Name) != nil || seen[cr.Name] || cr.SDJWT == "" {
			return nil, fmt.Errorf("%w: invalid or repeated credential entry %q", ErrCorrupt, cr.Name)
		}
		if cr.HolderKey != nil {
			if _, err := keys.ParsePrivateJWK(cr.HolderKey); err != nil {
				return nil, fmt.Errorf("%w: holder key of %q: %v", ErrCorrupt, cr.Name, err)
			}
		}
		seen[cr.Name] = true
	}
	return &Wallet{env: *env, encKey: key, holder: holder, creds: c.Credentials}, nil
}

// Path returns the wallet file's path.
func (w *Wallet) Path() string { return w.path }

// Holder returns the holder's private key.
func (w *Wallet) Holder() keys.PrivateKey { return w.holder }

// Credentials returns the stored credentials in import order.
func (w *Wallet) Credentials() []Credential {
	return append([]Credential(nil), w.creds...)
}

// Credential returns the credential called name.
func (w *Wallet) Credential(name string) (Credential, error) {
	for _, c := range w.creds {
		if c.Name == name {
			return c, nil
		}
	}
	return Credential{}, fmt.Errorf("%q: %w", name, ErrNoCredential)
}

// Key returns the private key a credential is bound to: its own, or the wallet's holder key.
func (w *Wallet) Key(c Credential) (keys.PrivateKey, error) {
	if c.HolderKey == nil {
		return w.holder, nil
	}
	return keys.ParsePrivateJWK(c.HolderKey)
}

// Batch returns the credentials of a batch, in the order they were received.
func (w *Wallet) Batch(batch string) []Credential {
	var out []Credential
	for _, c := range w.creds {
		if batch != "" && c.Batch == batch {
			out = append(out, c)
		}
	}
	return out
}

// MarkShown records that the credential called name was presented to rp (not yet saved).
func (w *Wallet) MarkShown(name, rp string) error {
	for i := range w.creds {
		if w.creds[i].Name == name {
			for _, s := range w.creds[i].ShownTo {
				if s == rp {
					return nil
				}
			}
			w.creds[i].ShownTo = append(w.creds[i].ShownTo, rp)
			return nil
		}
	}
	return fmt.Errorf("%q: %w", name, ErrNoCredential)
}

// Add stores c (not yet saved); the name must be valid and unused.
func (w *Wallet) Add(c Credential) error {
	if err := ValidName(c.Name); err != nil {
		return err
	}
	if _, err := w.Credential(c.Name); err == nil {
		return fmt.Errorf("%q: %w", c.Name, ErrDuplicateName)
	}
	w.creds = append(w.creds, c)
	return nil
}

// Save encrypts the wallet under a fresh nonce and atomically replaces the
// file; a wallet opened from a file with weaker KDF parameters is first
// re-keyed under DefaultKDF (fresh salt).
func (w *Wallet) Save() error {
	if w.rekey != nil {
		if err := w.rekeyDefault(); err != nil {
			return err
		}
	}
	return w.write(true)
}

// Encode returns the encrypted file content under a fresh nonce.
func (w *Wallet) Encode() ([]byte, error) {
	jwk, err := w.holder.JWK()
	if err != nil {
		return nil, err
	}
	creds := w.creds
	if creds == nil {
		creds = []Credential{}
	}
	plain, err := json.Marshal(contents{HolderKey: jwk, Credentials: creds})
	if err != nil {
		return nil, err
	}
	defer clear(plain)
	nonce := make([]byte, nonceBytes)
	if _, err := io.ReadFull(rand.Reader, nonce); err != nil {
		return nil, err
	}
	aead, err := newAEAD(w.encKey)
	if err != nil {
		return nil, err
	}
	env := w.env
	env.Nonce = b64.EncodeToString(nonce)
	env.Ciphertext = b64.EncodeToString(aead.Seal(nil, nonce, plain, env.aad()))
	out, err := json.MarshalIndent(&env, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

func (w *Wallet) write(overwrite bool) error {
	b, err := w.Encode()
	if err != nil {
		return err
	}
	return securefile.Write(w.path, b, overwrite)
}
