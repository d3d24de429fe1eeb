package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/amanah-id/amanah/cmd/amanah/internal/securefile"
	"github.com/amanah-id/amanah/keys"
)

// Input size limits for files the commands read.
const (
	maxKeyFile          = 64 << 10
	maxClaimsFile       = 256 << 10
	maxCredentialFile   = 1 << 20
	maxPresentationFile = 1 << 20
	maxPassphraseFile   = 4 << 10
)

// env carries what commands read from the process environment, so tests can
// run them in-process.
type env struct {
	getenv func(string) string
	stdin  io.Reader
}

// Execute runs the amanah command line with args and returns the exit code:
// 0 on success, 1 on any error (printed to stderr as "amanah: <error>"),
// except where a command documents its own codes (verify-evidence).
func Execute(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	root := newRootCmd(&env{getenv: getenv, stdin: stdin})
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if err := root.Execute(); err != nil {
		var ex exitError
		if errors.As(err, &ex) {
			return ex.code
		}
		var ce codeError
		if errors.As(err, &ce) {
			fmt.Fprintf(stderr, "amanah: %v\n", ce.err)
			return ce.code
		}
		fmt.Fprintf(stderr, "amanah: %v\n", err)
		return 1
	}
	return 0
}

// exitError ends a command with a non-zero code after it already printed its
// result (verify's failed result).
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// codeError ends a command with a given code, printing err (a command's
// documented exit codes).
type codeError struct {
	code int
	err  error
}

func (e codeError) Error() string { return e.err.Error() }

func (e codeError) Unwrap() error { return e.err }

func newRootCmd(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:           "amanah",
		Short:         "Amanah off-chain tool: keys, credential issuance, wallet, verification, evidence",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(newKeyCmd(), newIssuerCmd(), newWalletCmd(e), newVerifyCmd(), newTrustRootCmd(), newVerifyEvidenceCmd())
	return root
}

// exactArgs is cobra.ExactArgs with a message naming what is missing.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return fmt.Errorf("%s: expected %s, got %d argument(s)", cmd.CommandPath(), what, len(args))
		}
		return nil
	}
}

// readFile reads a whole file with a size limit and a clear error.
func readFile(what, path string, limit int64) ([]byte, error) {
	if path == "" {
		return nil, fmt.Errorf("%s: no file given", what)
	}
	b, err := securefile.ReadLimited(path, limit)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: %s does not exist", what, path)
		}
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return b, nil
}

// loadPrivateKey reads a private JWK file.
func loadPrivateKey(path string) (keys.PrivateKey, error) {
	b, err := readFile("key", path, maxKeyFile)
	if err != nil {
		return keys.PrivateKey{}, err
	}
	k, err := keys.ParsePrivateJWK(bytes.TrimSpace(b))
	if err != nil {
		if _, perr := keys.ParsePublicJWK(bytes.TrimSpace(b)); perr == nil {
			return keys.PrivateKey{}, fmt.Errorf("%s holds a public key; a private JWK is needed", path)
		}
		return keys.PrivateKey{}, fmt.Errorf("%s is not a valid private JWK: %w", path, err)
	}
	return k, nil
}

// loadPublicKey reads a public key given as a did:jwk, or a file holding a
// public JWK, a private JWK (its public part is used) or a did:jwk.
func loadPublicKey(what, arg string) (keys.PublicKey, error) {
	if strings.HasPrefix(arg, "did:jwk:") {
		k, err := keys.ParseDIDJWK(arg)
		if err != nil {
			return keys.PublicKey{}, fmt.Errorf("%s: invalid did:jwk: %w", what, err)
		}
		return k, nil
	}
	b, err := readFile(what, arg, maxKeyFile)
	if err != nil {
		return keys.PublicKey{}, err
	}
	b = bytes.TrimSpace(b)
	if bytes.HasPrefix(b, []byte("did:jwk:")) {
		k, err := keys.ParseDIDJWK(string(b))
		if err != nil {
			return keys.PublicKey{}, fmt.Errorf("%s: %s: invalid did:jwk: %w", what, arg, err)
		}
		return k, nil
	}
	if k, err := keys.ParsePublicJWK(b); err == nil {
		return k, nil
	}
	k, err := keys.ParsePrivateJWK(b)
	if err != nil {
		return keys.PublicKey{}, fmt.Errorf("%s: %s is not a JWK or did:jwk: %w", what, arg, err)
	}
	return k.Public(), nil
}

// writeOutput writes data to path (0600, atomic) or, when path is empty, to
// the command's stdout.
func writeOutput(cmd *cobra.Command, path string, data []byte, force bool) error {
	if path == "" {
		_, err := cmd.OutOrStdout().Write(data)
		return err
	}
	if err := securefile.Write(path, data, force); err != nil {
		return err
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s\n", path)
	return nil
}

// passphraseEnv is the environment variable holding the wallet passphrase.
const passphraseEnv = "AMANAH_WALLET_PASSPHRASE"

// readPassphrase returns the wallet passphrase from --passphrase-file, then
// $AMANAH_WALLET_PASSPHRASE, then a terminal prompt (twice when confirm).
func readPassphrase(e *env, file string, confirm bool) ([]byte, error) {
	if file != "" {
		b, err := readFile("passphrase file", file, maxPassphraseFile)
		if err != nil {
			return nil, err
		}
		if i := bytes.IndexAny(b, "\r\n"); i >= 0 {
			b = b[:i]
		}
		if len(b) == 0 {
			return nil, fmt.Errorf("passphrase file %s is empty", file)
		}
		return b, nil
	}
	if p := e.getenv(passphraseEnv); p != "" {
		return []byte(p), nil
	}
	f, ok := e.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, fmt.Errorf("no passphrase: use --passphrase-file or set %s (no terminal to prompt on)", passphraseEnv)
	}
	prompt := func(msg string) ([]byte, error) {
		fmt.Fprint(os.Stderr, msg)
		p, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(os.Stderr)
		return p, err
	}
	p, err := prompt("Wallet passphrase: ")
	if err != nil {
		return nil, fmt.Errorf("read passphrase: %w", err)
	}
	if len(p) == 0 {
		return nil, errors.New("empty passphrase")
	}
	if confirm {
		q, err := prompt("Repeat passphrase: ")
		if err != nil {
			return nil, fmt.Errorf("read passphrase: %w", err)
		}
		if !bytes.Equal(p, q) {
			return nil, errors.New("the passphrases differ")
		}
	}
	return p, nil
}
