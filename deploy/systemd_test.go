package deploy

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// units are the systemd units shipped in systemd/.
var units = []string{"amanahd.service", "amanah-verifier.service", "amanah-issuer.service"}

// maxExposure is the highest `systemd-analyze security` exposure a unit may have (0 is fully
// locked down, 10 not at all; the units score under 2).
const maxExposure = 2.5

var exposure = regexp.MustCompile(`Overall exposure level for \S+: ([0-9.]+)`)

// TestSystemdUnits checks, where systemd-analyze is available, the units with `systemd-analyze verify` (syntax, unknown keys,
// the command) and `systemd-analyze security --offline` (hardening: exposure at most
// maxExposure), and that each runs as its own user with no new privileges and a read-only
// system but its own state directory. verify wants ExecStart's program to exist: the units
// are checked as copies whose /usr/local/bin/ is a temporary directory of stand-ins.
func TestSystemdUnits(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not on this machine (./scripts/deps.sh systemd-analyze installs it)")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	users := map[string]string{}
	for _, u := range units {
		raw, err := os.ReadFile(filepath.Join("systemd", u))
		if err != nil {
			t.Fatal(err)
		}
		text := string(raw)
		for _, want := range []string{"NoNewPrivileges=yes", "ProtectSystem=strict", "ReadWritePaths=/var/lib/", "ProtectHome=yes", "CapabilityBoundingSet=\n"} {
			if !strings.Contains(text, "\n"+want) {
				t.Errorf("%s: no %q", u, strings.TrimSpace(want))
			}
		}
		for _, line := range strings.Split(text, "\n") {
			if user, ok := strings.CutPrefix(line, "User="); ok {
				if user == "root" || users[user] != "" {
					t.Errorf("%s runs as %q (shared with %q): each service has its own user", u, user, users[user])
				}
				users[user] = u
			}
			if cmd, ok := strings.CutPrefix(line, "ExecStart=/usr/local/bin/"); ok {
				stub := filepath.Join(bin, strings.Fields(cmd)[0])
				if err := os.WriteFile(stub, []byte("#!/bin/sh\n"), 0o755); err != nil {
					t.Fatal(err)
				}
			}
		}
		if len(users) == 0 {
			t.Errorf("%s: no User=", u)
		}
		if err := os.WriteFile(filepath.Join(dir, u), []byte(strings.ReplaceAll(text, "/usr/local/bin/", bin+"/")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if len(users) != len(units) {
		t.Errorf("users %v: want one per unit", users)
	}
	for _, u := range units {
		path := filepath.Join(dir, u)
		cmd := exec.Command(analyze, "verify", path)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil || len(strings.TrimSpace(string(out))) > 0 {
			t.Errorf("systemd-analyze verify %s: %v\n%s", u, err, out)
		}
		cmd = exec.Command(analyze, "security", "--offline=yes", "--no-pager", path)
		cmd.Dir = dir
		out, err = cmd.CombinedOutput()
		m := exposure.FindStringSubmatch(string(out))
		if err != nil || m == nil {
			t.Errorf("systemd-analyze security %s: %v\n%s", u, err, out)
			continue
		}
		if e, err := strconv.ParseFloat(m[1], 64); err != nil || e > maxExposure {
			t.Errorf("%s: exposure %s, want at most %.1f:\n%s", u, m[1], maxExposure, out)
		}
		t.Logf("%s: exposure %s (systemd-analyze security; 0 locked down, 10 not at all)", u, m[1])
	}
}
