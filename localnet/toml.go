package localnet

import (
	"fmt"
	"os"
	"strings"
)

// tomlEdit sets key = value (value already TOML-encoded) in a section of the file at path.
// It edits the line that sets the key inside the section and fails if there is none, so a
// renamed option in a new CometBFT or SDK release shows up as an error, not as a silent no-op.
type tomlEdit struct {
	section string // "" for the top level
	key     string
	value   string
}

func editTOML(path string, edits []tomlEdit) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	lines := strings.Split(string(raw), "\n")
	done := make([]bool, len(edits))
	section := ""
	for li, line := range lines {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "[") {
			section = strings.Trim(trimmed, "[] ")
			continue
		}
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		eq := strings.Index(trimmed, "=")
		if eq < 0 {
			continue
		}
		key := strings.TrimSpace(trimmed[:eq])
		for ei, e := range edits {
			if !done[ei] && e.section == section && e.key == key {
				lines[li] = e.key + " = " + e.value
				done[ei] = true
			}
		}
	}
	for ei, e := range edits {
		if !done[ei] {
			return fmt.Errorf("%s: no key %q in section [%s]", path, e.key, e.section)
		}
	}
	return os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o600)
}

func tomlString(s string) string { return fmt.Sprintf("%q", s) }
