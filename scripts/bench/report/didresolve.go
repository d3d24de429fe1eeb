package report

import "time"

// DIDResolve is the output of scripts/bench/didresolve (did-resolve.json): x/did Resolve over a
// node's gRPC with many DIDs stored, beside bank Balance over the same connection.
//
// The docs page uses: Full (and Early when present): the sequential and concurrent Resolve and
// Balance latencies (did_resolve_*_<size>, grpc_balance_*_<size>, the resolution table),
// DIDsStored and ConcCallers (the keys' size and callers), Fills (fill rate, batch and senders),
// StateBytesPerDID, BlockBytesPerDID and StateBytesMethod (state_bytes_per_did_<size>), Method,
// Transport and the load averages (section text). The flat headline figures after LoadAvgEnd
// are for readers of the raw file; the page derives its own from Full.
type DIDResolve struct {
	Started          time.Time     `json:"started"`
	Nodes            int           `json:"nodes"`
	BlockTime        string        `json:"block_time"`
	DBBackend        string        `json:"db_backend"`
	Transport        string        `json:"transport"`
	Fills            []ResolveFill `json:"fills"`
	Early            *ResolveStage `json:"early,omitempty"`
	Full             ResolveStage  `json:"full"`
	AppDBBefore      int64         `json:"application_db_bytes_before"`
	AppDBAfter       int64         `json:"application_db_bytes_after"`
	StateBytesPerDID float64       `json:"state_bytes_per_did"`
	BlockBytesPerDID float64       `json:"blockstore_bytes_per_did"`
	StateBytesMethod string        `json:"state_bytes_method"`
	Method           string        `json:"method"`
	LoadAvg          string        `json:"loadavg_at_start"`
	LoadAvgEnd       string        `json:"loadavg_at_end"`
	// The headline figures, flat (full store).
	DIDsStored      int     `json:"dids_stored"`
	ResolveP50      float64 `json:"did_resolve_p50_us"`
	ResolveP99      float64 `json:"did_resolve_p99_us"`
	ResolveRPSConc  float64 `json:"did_resolve_rps_concurrent"`
	BalanceP50      float64 `json:"grpc_balance_p50_us"`
	BalanceP99      float64 `json:"grpc_balance_p99_us"`
	BalanceRPSConc  float64 `json:"grpc_balance_rps_concurrent"`
	ConcCallers     int     `json:"concurrent_callers"`
	EarlyResolveP50 float64 `json:"did_resolve_p50_us_early,omitempty"`
	EarlyResolveP99 float64 `json:"did_resolve_p99_us_early,omitempty"`
	EarlyDIDs       int     `json:"early_dids,omitempty"`
}

// ResolveLatency is one timed series of gRPC calls in DIDResolve.
type ResolveLatency struct {
	Query     string  `json:"query"`
	Callers   int     `json:"callers"`
	Calls     int     `json:"calls"`
	Rounds    int     `json:"rounds"`
	Errors    int64   `json:"errors"`
	Seconds   float64 `json:"seconds"`
	PerSecond float64 `json:"per_second"`
	P50       float64 `json:"p50_us"`
	P90       float64 `json:"p90_us"`
	P99       float64 `json:"p99_us"`
	P999      float64 `json:"p999_us"`
	Max       float64 `json:"max_us"`
	// RespBytes is the mean size of the answer's did_document (Resolve only).
	RespBytes float64 `json:"mean_document_bytes,omitempty"`
}

// ResolveStage is the measurement at one store size in DIDResolve.
type ResolveStage struct {
	DIDs          int             `json:"dids_stored"`
	Height        int64           `json:"height"`
	ResolveSeq    ResolveLatency  `json:"resolve_sequential"`
	BalanceSeq    ResolveLatency  `json:"balance_sequential"`
	ResolveConc   *ResolveLatency `json:"resolve_concurrent,omitempty"`
	BalanceConc   *ResolveLatency `json:"balance_concurrent,omitempty"`
	ResolveOverBl float64         `json:"resolve_p50_over_balance_p50"`
	LoadAvg       string          `json:"loadavg"`
}

// ResolveFill describes how DIDResolve's DIDs were written.
type ResolveFill struct {
	DIDs          int     `json:"dids"`
	Txs           int     `json:"txs"`
	FailedTxs     int     `json:"failed_txs"`
	Batch         int     `json:"dids_per_tx"`
	Senders       int     `json:"senders"`
	GasUsedPerTx  uint64  `json:"gas_used_per_tx"`
	GasLimit      uint64  `json:"gas_limit_per_tx"`
	Seconds       float64 `json:"seconds"`
	FirstHeight   int64   `json:"first_height"`
	LastHeight    int64   `json:"last_height"`
	BlockSeconds  float64 `json:"block_time_span_seconds"`
	DIDsPerSecond float64 `json:"committed_dids_per_second"`
	MaxDIDsBlock  int     `json:"max_dids_per_block"`
	MeanBacklog   float64 `json:"mean_mempool_backlog_txs"`
}
