package state

import (
	"context"
	"fmt"
	"strings"

	"github.com/amanah-id/amanah/verifier/challenge"
)

// Open opens the store named by spec: "" or "memory" (NewMemory), or a
// redis://, rediss:// or unix:// URL (NewRedis).
func Open(ctx context.Context, spec string, cfg challenge.Config) (Store, error) {
	switch {
	case spec == "" || spec == "memory":
		return NewMemory(cfg), nil
	case strings.HasPrefix(spec, "redis://") || strings.HasPrefix(spec, "rediss://") || strings.HasPrefix(spec, "unix://"):
		return NewRedis(ctx, spec, cfg)
	}
	return nil, fmt.Errorf("state %q: want memory or redis://host:port/db", spec)
}
