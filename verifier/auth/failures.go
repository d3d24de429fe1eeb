package auth

import (
	"context"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/time/rate"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"

	"github.com/amanah-id/amanah/verifier/reason"
)

// Defaults of the failed-authentication limit (cmd/amanah-verifier).
const (
	DefaultFailuresPerSecond = 1.0
	DefaultFailureBurst      = 20
	// DefaultFailureSources bounds the sources tracked at once.
	DefaultFailureSources = 100_000
)

// FailureLimiter limits failed authentications per source address: a token
// bucket per source (an IPv4 address, or an IPv6 /64), one token taken by
// each failure. A source whose bucket is empty is refused before its
// credentials are even looked at, valid or not, until the bucket refills:
// so guessing API keys costs one try per token.
type FailureLimiter struct {
	rate  rate.Limit
	burst int
	max   int
	mu    sync.Mutex
	m     map[string]*rate.Limiter
}

// NewFailureLimiter allows burst failures per source, refilled at perSecond.
func NewFailureLimiter(perSecond float64, burst int) *FailureLimiter {
	return &FailureLimiter{rate: rate.Limit(perSecond), burst: max(burst, 1), max: DefaultFailureSources,
		m: map[string]*rate.Limiter{}}
}

// SourceKey is the bucket of an address ("1.2.3.4", "[::1]:5", "::1"): the
// IPv4 address, or the IPv6 /64; anything unparsable is its own key.
func SourceKey(addr string) string {
	ap, err := netip.ParseAddrPort(addr)
	a := ap.Addr()
	if err != nil {
		if a, err = netip.ParseAddr(addr); err != nil {
			return addr
		}
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// Blocked reports whether src has no failure left, and when it will have one.
func (f *FailureLimiter) Blocked(src string) (time.Duration, bool) {
	f.mu.Lock()
	lim, ok := f.m[SourceKey(src)]
	f.mu.Unlock()
	if !ok {
		return 0, false
	}
	if t := lim.Tokens(); t < 1 {
		return time.Duration((1 - t) / float64(f.rate) * float64(time.Second)), true
	}
	return 0, false
}

// Failed records a failed authentication from src.
func (f *FailureLimiter) Failed(src string) {
	key := SourceKey(src)
	f.mu.Lock()
	lim, ok := f.m[key]
	if !ok {
		if len(f.m) >= f.max {
			f.evictLocked()
		}
		lim = rate.NewLimiter(f.rate, f.burst)
		f.m[key] = lim
	}
	f.mu.Unlock()
	lim.Allow()
}

// evictLocked drops sources whose bucket has refilled among a few visited
// (in Go's random map order), and one source anyway if none has: the map
// stays bounded without a walk over all of it.
func (f *FailureLimiter) evictLocked() {
	n, victim := 0, ""
	for k, lim := range f.m {
		if lim.Tokens() >= float64(f.burst) {
			delete(f.m, k)
		} else if victim == "" {
			victim = k
		}
		if n++; n == 16 {
			break
		}
	}
	if len(f.m) >= f.max && victim != "" {
		delete(f.m, victim)
	}
}

// Sources returns the number of sources tracked.
func (f *FailureLimiter) Sources() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.m)
}

// UnaryServerInterceptorLimited authenticates every call it sees, as
// UnaryServerInterceptor does, refusing a source whose failed
// authentications are over f's limit with RESOURCE_EXHAUSTED (reason
// rate_limited) before looking at its credentials. source names the
// caller's address; onBlocked (may be nil) is called for each refusal.
func (a *Authenticator) UnaryServerInterceptorLimited(f *FailureLimiter, source func(context.Context) string, onBlocked func()) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		src := source(ctx)
		if wait, blocked := f.Blocked(src); blocked {
			if onBlocked != nil {
				onBlocked()
			}
			return nil, reason.Error(codes.ResourceExhausted, reason.RateLimited,
				"too many failed authentications from %s; retry in %s", SourceKey(src), wait.Truncate(time.Second)+time.Second)
		}
		ctx, err := a.AuthFunc(ctx)
		if err != nil {
			f.Failed(src)
			return nil, err
		}
		return handler(ctx, req)
	}
}
