package deploy

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestReleaseStaticStamped runs scripts/release.sh (what make release runs) for this
// machine's linux/amd64 and amanah-verifier only (the full release cross-builds every
// command for linux/amd64 and linux/arm64: minutes): the binary is static (no interpreter,
// no shared libraries), SHA256SUMS checks with sha256sum -c, and --version shows the stamped
// version and commit. Then amanahd built with the same ldflags (scripts/ldflags.sh, as make
// build does) answers `amanahd version` with them.
func TestReleaseStaticStamped(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binaries")
	}
	const version, commit = "v0.0.0-releasetest", "0123456789abcdef0123456789abcdef01234567"
	env := append(os.Environ(), "VERSION="+version, "COMMIT="+commit)
	out := t.TempDir()
	cmd := exec.Command("../scripts/release.sh", out)
	cmd.Env = append(env, "PLATFORMS=linux/amd64", "BINARIES=amanah-verifier")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("release.sh: %v\n%s", err, b)
	}
	bin := filepath.Join(out, "amanah-verifier-linux-amd64")
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("%s has an interpreter: not static", bin)
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("%s needs shared libraries %v", bin, libs)
	}
	_ = f.Close()
	sums := exec.Command("sha256sum", "-c", "SHA256SUMS")
	sums.Dir = out
	if b, err := sums.CombinedOutput(); err != nil || !strings.Contains(string(b), "amanah-verifier-linux-amd64: OK") {
		t.Errorf("sha256sum -c: %v\n%s", err, b)
	}
	if runtime.GOARCH == "amd64" {
		b, err := exec.Command(bin, "--version").CombinedOutput()
		if want := "amanah-verifier " + version + " (commit " + commit + ")"; err != nil || strings.TrimSpace(string(b)) != want {
			t.Errorf("amanah-verifier --version: %q, %v; want %q", b, err, want)
		}
	}

	ldflags := exec.Command("../scripts/ldflags.sh")
	ldflags.Env = env
	flags, err := ldflags.Output()
	if err != nil {
		t.Fatal(err)
	}
	amanahd := filepath.Join(t.TempDir(), "amanahd")
	build := exec.Command("go", "build", "-ldflags", strings.TrimSpace(string(flags)), "-o", amanahd, "./cmd/amanahd")
	build.Dir = ".."
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build amanahd: %v\n%s", err, b)
	}
	b, err := exec.Command(amanahd, "version").CombinedOutput()
	if err != nil || strings.TrimSpace(string(b)) != version {
		t.Errorf("amanahd version: %q, %v; want %q", b, err, version)
	}
	b, err = exec.Command(amanahd, "version", "--long").CombinedOutput()
	for _, want := range []string{"name: amanah\n", "server_name: amanahd\n", "version: " + version + "\n", "commit: " + commit + "\n"} {
		if err != nil || !strings.Contains(string(b), want) {
			t.Errorf("amanahd version --long: no %q (%v)", strings.TrimSpace(want), err)
		}
	}
}
