package report

import "time"

// VerifierProved is the output of scripts/bench/verifierproved (verifier-proved.json): the
// verifier over its proof-checked ledger view of a real one-node chain, beside the in-memory
// verifier; cold and warm latency; revocation visibility through the verifier.
//
// The docs page uses: Load (both series, Ratio and RoundRatios: verify_*_proved,
// verify_*_memory_paired, verify_proof_overhead_ratio, the throughput table), Cold
// (verify_cold_*, verify_warm_*, the cold/warm text), Revocation (revocation_visible_verifier_*,
// revocation_submit_to_refusal_ms, chain_block_interval_ms, the revocation table), ProvedTotal,
// DBBackend, View, Transport and the load averages (section text).
type VerifierProved struct {
	Started    time.Time        `json:"started"`
	Nodes      int              `json:"nodes"`
	BlockTime  string           `json:"block_time_configured"`
	GoMaxProcs int              `json:"gomaxprocs"`
	NumCPU     int              `json:"num_cpu"`
	DBBackend  string           `json:"db_backend"`
	Transport  string           `json:"transport"`
	View       string           `json:"view"`
	Load       ProvedLoad       `json:"load"`
	Cold       ProvedCold       `json:"cold"`
	Revocation ProvedRevocation `json:"revocation"`
	// ProvedTotal is every fact the main proved view proved in the run.
	ProvedTotal int64  `json:"facts_proved_total"`
	LoadAvg     string `json:"loadavg_at_start"`
	LoadAvgEnd  string `json:"loadavg_at_end"`
}

// ProvedLoad is VerifierProved's throughput series: the proof-checked view and the in-memory
// one, alternating.
type ProvedLoad struct {
	Alg              string `json:"alg"`
	Callers          int    `json:"callers"`
	Rounds           int    `json:"rounds"`
	RequestsPerRound int    `json:"requests_per_round"`
	Proved           Level  `json:"proved"`
	Memory           Level  `json:"memory"`
	// Ratio is proved requests/s over in-memory requests/s.
	Ratio       float64   `json:"proved_over_memory"`
	RoundRatios []float64 `json:"round_ratios"`
	// FactsProved counts the facts the proved view proved during its timed rounds (the
	// blocks' change journals; nothing the requests needed was missing from its cache).
	FactsProved int64  `json:"facts_proved_during_proved_rounds"`
	Method      string `json:"method"`
}

// ProvedCold is VerifierProved's cold and warm latency of single verifications on fresh proved
// views.
type ProvedCold struct {
	Samples       int       `json:"samples"`
	WarmPerSample int       `json:"warm_per_sample"`
	ColdP50Ms     float64   `json:"cold_p50_ms"`
	ColdP90Ms     float64   `json:"cold_p90_ms"`
	ColdMaxMs     float64   `json:"cold_max_ms"`
	ColdMs        []float64 `json:"cold_ms_samples"`
	WarmP50Ms     float64   `json:"warm_p50_ms"`
	WarmP90Ms     float64   `json:"warm_p90_ms"`
	// FactsPerCold is the median number of facts proved during a cold verification.
	FactsPerCold float64 `json:"facts_proved_per_cold_verification"`
	SyncMs       float64 `json:"fresh_view_sync_p50_ms"`
	Method       string  `json:"method"`
}

// ProvedRevocation is VerifierProved's revocation visibility through the verifier.
type ProvedRevocation struct {
	Samples         []ProvedRevSample `json:"samples"`
	MedianMs        float64           `json:"commit_to_refusal_ms_median"`
	MaxMs           float64           `json:"commit_to_refusal_ms_max"`
	MedianSubmitMs  float64           `json:"submit_to_refusal_ms_median"`
	MedianBlocks    float64           `json:"blocks_median"`
	PollMs          float64           `json:"verifier_poll_ms"`
	ViewPollMs      float64           `json:"view_poll_ms"`
	BlockIntervalMs float64           `json:"block_interval_ms"`
	IntervalBlocks  int64             `json:"block_interval_over_blocks"`
	Method          string            `json:"method"`
}

// ProvedRevSample is one revocation in ProvedRevocation.
type ProvedRevSample struct {
	Index          uint32  `json:"index"`
	Height         int64   `json:"revoking_block"`
	RefusedAt      int64   `json:"refusal_ledger_height"`
	Blocks         int64   `json:"blocks"`
	CommitToRefuse float64 `json:"commit_to_refusal_ms"`
	SubmitToRefuse float64 `json:"submit_to_refusal_ms"`
	SubmitToCommit float64 `json:"submit_to_commit_seen_ms"`
	Polls          int     `json:"verifier_polls"`
	// Other counts polls refused for a reason other than "revoked" (the view unavailable
	// or stale); polling goes on.
	Other       int    `json:"other_refusals,omitempty"`
	OtherReason string `json:"other_reason,omitempty"`
}
