// Package benchenv holds what the chain benchmark tools share about their environment: the
// machine's load, a node's data size and database backend, and a context-aware pause.
package benchenv

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// LoadAvg returns /proc/loadavg (1, 5, 15-minute load, runnable/total tasks, last pid).
func LoadAvg() string {
	la, _ := os.ReadFile("/proc/loadavg")
	return strings.TrimSpace(string(la))
}

// Pause waits for d or until ctx ends, whichever comes first.
func Pause(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// DirSize sums the sizes of the regular files under dir.
func DirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// DBBackend reads db_backend from the node's config.toml.
func DBBackend(home string) string {
	raw, err := os.ReadFile(filepath.Join(home, "config", "config.toml"))
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && strings.TrimSpace(k) == "db_backend" {
			return strings.Trim(strings.TrimSpace(v), `"`)
		}
	}
	return "unknown"
}
