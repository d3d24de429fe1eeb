package deploy

import (
	"os/exec"
	"testing"
)

// tool returns the path of a program the tests need; make deps (scripts/deps.sh) installs
// it, so its absence fails the test rather than skipping it.
func tool(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found: run ./scripts/deps.sh %s (Debian package %s; make deps)", name, name, pkg)
	}
	return p
}

// TestAlertRules checks alerts.yml with promtool: the rules are valid (check rules) and each
// alert fires on the series that should fire it and not on healthy ones (test rules,
// prometheus/alerts_test.yml).
func TestAlertRules(t *testing.T) {
	promtool := tool(t, "promtool", "prometheus")
	for _, args := range [][]string{{"check", "rules", "alerts.yml"}, {"test", "rules", "alerts_test.yml"}} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = "prometheus"
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("promtool %v: %v\n%s", args, err, out)
			continue
		}
		t.Logf("promtool %v:\n%s", args, out)
	}
}
