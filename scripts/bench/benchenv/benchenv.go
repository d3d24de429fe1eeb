// Package benchenv holds what the benchmark tools share about their run and its environment:
// the command's life (bounded context, JSON result on stdout, progress on stderr), the
// machine's load, a node's data size and database backend, a context-aware pause, and the
// medians and rounding of their figures.
package benchenv

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
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

// Logger returns the progress log of the tool name: a time-stamped line on stderr.
func Logger(name string) func(format string, args ...any) {
	return func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "%s %s: %s\n", time.Now().UTC().Format("15:04:05.000"), name, fmt.Sprintf(format, args...))
	}
}

// Main is a bench tool's life after its flags: run bounded by budget and ended by SIGINT or
// SIGTERM, its result written to stdout as one indented JSON object; an error is printed as
// "<name>: <error>" and exits 1.
func Main[R any](name string, budget time.Duration, run func(context.Context) (R, error)) {
	ctx, cancel := context.WithTimeout(context.Background(), budget)
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	res, err := run(ctx)
	stop()
	cancel()
	if err == nil {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(res)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}

// BadFlags reports flags that do not fit together and exits 2.
func BadFlags(name, why string) {
	fmt.Fprintf(os.Stderr, "%s: bad flags: %s\n", name, why)
	os.Exit(2)
}

// Median is the median of xs (the mean of the middle two for an even count; 0 for none).
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// Round rounds x to digits decimals.
func Round(x float64, digits int) float64 {
	p, err := strconv.ParseFloat(strconv.FormatFloat(x, 'f', digits, 64), 64)
	if err != nil {
		return x
	}
	return p
}
