package cmd_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/amanah-id/amanah/cmd/amanahd/cmd"
)

// TestRootCommandBuilds catches what only shows at start-up: flag clashes between module
// commands and autocli, and every module's tx and query commands present.
func TestRootCommandBuilds(t *testing.T) {
	root := cmd.NewRootCmd()
	for _, path := range [][]string{
		{"tx", "council"}, {"q", "council"}, {"tx", "did"}, {"q", "did"},
		{"tx", "trust"}, {"q", "trust"}, {"tx", "status"}, {"q", "status"},
		{"tx", "staking", "create-validator"}, {"genesis", "gentx"}, {"start"},
	} {
		c, rest, err := root.Find(path)
		if err != nil || len(rest) != 0 {
			t.Errorf("amanahd %s: not found (%v, rest %v)", strings.Join(path, " "), err, rest)
			continue
		}
		var out bytes.Buffer
		c.SetOut(&out)
		if err := c.Help(); err != nil {
			t.Errorf("amanahd %s --help: %v", strings.Join(path, " "), err)
		}
	}
}
