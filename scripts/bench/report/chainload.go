package report

import "time"

// ChainLoad is the output of scripts/bench/chainload (chain-load.json): bank sends and DID
// creations committed per second on a one-node network, state growth per DID and revocation
// visibility through the node's query.
//
// The docs page uses: DIDCreateTPS, BankSendTPS and DIDOverBank (did_create_tps, bank_send_tps,
// did_over_bank_ratio, the summary row and the chain plot), both phases (the chain table, their
// GasUsed as did_create_gas_used/bank_send_gas_used), StateBytesPerDID, StateBytesMethod and
// BlockBytesPerDID (state_bytes_per_did, blockstore_bytes_per_did), the Revocation* figures
// (revocation_visible_ms, _max, revocation_submit_to_visible_ms), Senders, Duration and the load
// averages (section text).
type ChainLoad struct {
	Started           time.Time  `json:"started"`
	Nodes             int        `json:"nodes"`
	BlockTime         string     `json:"block_time"`
	Senders           int        `json:"senders"`
	Duration          string     `json:"duration_per_phase"`
	Bank              ChainPhase `json:"bank"`
	DID               ChainPhase `json:"did"`
	DIDCreateTPS      float64    `json:"did_create_tps"`
	BankSendTPS       float64    `json:"bank_send_tps"`
	DIDOverBank       float64    `json:"did_over_bank"`
	StateBytesPerDID  float64    `json:"state_bytes_per_did"`
	StateBytesMethod  string     `json:"state_bytes_method"`
	BlockBytesPerDID  float64    `json:"blockstore_bytes_per_did"`
	DBBackend         string     `json:"db_backend"`
	RevocationMS      float64    `json:"revocation_visible_ms"`
	RevocationMaxMS   float64    `json:"revocation_visible_ms_max"`
	RevocationSubmit  float64    `json:"revocation_submit_to_visible_ms"`
	RevocationSamples []float64  `json:"revocation_visible_ms_samples"`
	RevocationMethod  string     `json:"revocation_method"`
	// RevocationListSize is the revocation list's entries; RevocationUnderLoad reports that
	// the revocations ran during the did_create phase's load (chainload -revoke-under-load).
	RevocationListSize  int  `json:"revocation_list_size,omitempty"`
	RevocationUnderLoad bool `json:"revocation_under_load,omitempty"`
	// Settings states the block and mempool settings (benchnet.Net.Settings) and the senders.
	Settings   string `json:"settings,omitempty"`
	LoadAvg    string `json:"loadavg_at_start"`
	LoadAvgEnd string `json:"loadavg_at_end"`
}

// ChainPhase is the measured result of one transaction kind in ChainLoad.
type ChainPhase struct {
	// Name is "bank_send" or "did_create".
	Name string `json:"name"`
	// TPS is committed successful transactions per second over the steady window.
	TPS float64 `json:"tps"`
	// WindowBlocks, WindowSeconds and WindowTxs describe the steady window: the blocks after
	// the first block holding the phase's transactions, up to the last block proposed before
	// submission stopped.
	WindowBlocks  int     `json:"window_blocks"`
	WindowSeconds float64 `json:"window_seconds"`
	WindowTxs     int     `json:"window_txs"`
	// FirstHeight and LastHeight bound the window (FirstHeight's own transactions excluded).
	FirstHeight int64 `json:"first_height"`
	LastHeight  int64 `json:"last_height"`
	// MaxTxsPerBlock is the fullest block of the window.
	MaxTxsPerBlock int `json:"max_txs_per_block"`
	// Submitted and Committed count the whole phase; Failed counts committed with code != 0.
	Submitted int `json:"submitted"`
	Committed int `json:"committed"`
	Failed    int `json:"failed"`
	// FailedCodes counts the failed by "codespace/code"; FailedLog is one failure's log.
	FailedCodes map[string]int `json:"failed_codes,omitempty"`
	FailedLog   string         `json:"failed_log,omitempty"`
	// MeanBacklog is the mean mempool size seen while submitting (the node was saturated
	// when it stays well above zero).
	MeanBacklog float64 `json:"mean_mempool_backlog"`
	// PoolExhausted reports that the pre-signed transactions ran out before the duration.
	PoolExhausted bool `json:"pool_exhausted"`
	// GasLimit is the gas limit each transaction carried (1.3x the gas one used, measured).
	GasLimit uint64 `json:"gas_limit"`
	// GasUsed is the gas one transaction of this kind used.
	GasUsed uint64 `json:"gas_used"`
}
