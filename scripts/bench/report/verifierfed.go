package report

import "time"

// VerifierFederated is scripts/bench/verifierfed's output: one verifier (assembled as the
// command assembles it, with a federation) verifying credentials of its own in-memory ledger
// and of a recognised foreign in-memory ledger, in alternating rounds at the same number of
// callers, warm.
type VerifierFederated struct {
	Started    time.Time `json:"started"`
	LoadAvg    string    `json:"loadavg"`
	GoMaxProcs int       `json:"gomaxprocs"`
	Callers    int       `json:"callers"`
	// Local and Foreign are the measured rounds, in the order run (alternating).
	Local   []Level `json:"local"`
	Foreign []Level `json:"foreign"`
	// LocalPerSecond and ForeignPerSecond are the medians of the rounds.
	LocalPerSecond   float64 `json:"local_per_second"`
	ForeignPerSecond float64 `json:"foreign_per_second"`
	// Ratio is ForeignPerSecond / LocalPerSecond (target: at least 0.9).
	Ratio float64 `json:"ratio"`
}
