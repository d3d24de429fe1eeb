package report

// IssuerLoad is the output of scripts/bench/issuerload (issuer-load.json): batches of
// BatchSize credentials through amanah-issuer's whole HTTP flow (offer by reference, issuer
// and authorization server metadata, token, nonce, credential request with one proof per
// key; the wallet's key generation and proof signing included) at Callers concurrent
// wallets, beside the bare signing floor measured in the same run (sdjwtvc.Issuer.Issue of
// the same batches on Callers goroutines, nothing else).
//
// The flat keys are issue_batch10_per_s, issue_sign_floor_batch10_per_s,
// issue_batch10_floor_ratio, issue_batch10_p50_ms and issue_batch10_p99_ms.
type IssuerLoad struct {
	BatchSize         int     `json:"batch_size"`
	Callers           int     `json:"callers"`
	Batches           int     `json:"batches"`
	Seconds           float64 `json:"seconds"`
	BatchesPerSecond  float64 `json:"batches_per_s"`
	P50Ms             float64 `json:"p50_ms"`
	P99Ms             float64 `json:"p99_ms"`
	Errors            int     `json:"errors"`
	FloorBatchesPerS  float64 `json:"sign_floor_batches_per_s"`
	FloorRatio        float64 `json:"floor_ratio"`
	StoreFsyncBatches bool    `json:"store_fsync"`
}
