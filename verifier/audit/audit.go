// Package audit writes the verifier's audit log: one slog JSON record per
// verification with the client, credential type, result, reason, ledger
// height and the SHA-256 of the presentation. It never records claim values:
// Record has no field that could hold one.
package audit

import (
	"context"
	"io"
	"log/slog"
	"time"
)

// Record is one audited call.
type Record struct {
	// Client is the relying party's DID.
	Client string
	// Method is the RPC name.
	Method string
	// VCT and Issuer identify the credential type and issuer (may be empty).
	VCT, Issuer string
	// Verified is the verdict.
	Verified bool
	// Reason is the stable reason code when not verified.
	Reason string
	// Height is the ledger height the answer rests on.
	Height int64
	// PresentationSHA256 is the hex SHA-256 of the presentation.
	PresentationSHA256 string
	// Disclosed is the number of claims returned (names and values are not logged).
	Disclosed int
	// Duration is the time the verification took.
	Duration time.Duration
}

// Logger writes audit records.
type Logger struct{ l *slog.Logger }

// New returns a logger writing JSON lines to w.
func New(w io.Writer) *Logger {
	return &Logger{l: slog.New(slog.NewJSONHandler(w, nil))}
}

// Log writes r.
func (a *Logger) Log(ctx context.Context, r Record) {
	if a == nil {
		return
	}
	a.l.LogAttrs(ctx, slog.LevelInfo, "verification",
		slog.String("client", r.Client),
		slog.String("method", r.Method),
		slog.String("vct", r.VCT),
		slog.String("issuer", r.Issuer),
		slog.Bool("verified", r.Verified),
		slog.String("reason", r.Reason),
		slog.Int64("height", r.Height),
		slog.String("presentation_sha256", r.PresentationSHA256),
		slog.Int("disclosed", r.Disclosed),
		slog.Int64("duration_us", r.Duration.Microseconds()),
	)
}
