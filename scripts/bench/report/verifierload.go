package report

import "time"

// VerifierLoad is the output of scripts/bench/verifierload (verifier-load.json): the verifier's
// VerifyPresentation over loopback gRPC, in memory and warm, at several concurrency levels for
// each algorithm, beside a gRPC echo and the signature floor of the same run.
//
// The docs page uses: Echo and each suite's Verify levels (per second, p50, p99, p99.9, errors +
// refused: the verify_*/echo_* keys, the "Verifier under load" table and both verifier plots),
// each suite's Floor and RatioToFloor (floor_* keys, verify_floor_ratio, the floor table and the
// plot's floor line), Transport and NumCPU (section text).
type VerifierLoad struct {
	Started    time.Time `json:"started"`
	GoMaxProcs int       `json:"gomaxprocs"`
	NumCPU     int       `json:"num_cpu"`
	Transport  string    `json:"transport"`
	LoadAvg    string    `json:"loadavg_at_start"`
	Echo       []Level   `json:"grpc_echo_health_check"`
	Suites     []Suite   `json:"suites"`
}

// Suite is one algorithm's results in VerifierLoad.
type Suite struct {
	Alg    string  `json:"alg"`
	Floor  Floor   `json:"floor"`
	Verify []Level `json:"verify"`
	// RatioToFloor is one caller's p50 over the floor's per-presentation time.
	RatioToFloor float64 `json:"one_caller_p50_over_floor"`
}

// Floor is the cost of the bare signature checks of one presentation.
type Floor struct {
	MicrosPerPresentation float64 `json:"us_per_presentation_one_core"`
	PerSecondAllCores     float64 `json:"per_second_all_cores"`
}

// Level is the load generator's result at one concurrency level (scripts/bench/verifierload/loadgen
// measures it): in VerifierLoad, and as the proved and in-memory series of VerifierProved.
type Level struct {
	Callers    int     `json:"callers"`
	Requests   int     `json:"requests"`
	Errors     int64   `json:"errors"`
	Refused    int64   `json:"refused,omitempty"`
	PerSecond  float64 `json:"per_second"`
	P50Micros  float64 `json:"p50_us"`
	P99Micros  float64 `json:"p99_us"`
	P999Micros float64 `json:"p999_us"`
	MaxMicros  float64 `json:"max_us"`
}
