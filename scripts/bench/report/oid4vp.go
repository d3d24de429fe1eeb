package report

import (
	"fmt"
	"time"
)

// OID4VPLoad is the output of scripts/bench/oid4vpload (oid4vp-load.json): complete OpenID4VP
// flows per second (CreatePresentationRequest over gRPC, the request object fetched over HTTP,
// the wallet's direct_post.jwt response posted, GetPresentationResult) at Callers callers, with
// the state in memory and in Redis, beside the bare VerifyPresentation of the same verifier
// measured in the same run (the baseline of the ratios). The ledger is in memory and warm.
//
// Flow (the headline) times the verifier's side only: the wallet's step (parsing the request
// object, the SD-JWT presentation with its KB-JWT over the request's nonce, the JWE) runs
// between the two timed steps, untimed, as the bare verification's presentations are made
// before its clock starts; its CPU is WalletCPUMicros. FlowWithWallet times the same flow with
// the in-process wallet inline (its signing and encryption on the verifier's cores).
type OID4VPLoad struct {
	Started    time.Time `json:"started"`
	GoMaxProcs int       `json:"gomaxprocs"`
	LoadAvg    string    `json:"loadavg_at_start"`
	// Timed says what the flow figures time.
	Timed string `json:"timed"`
	// QR says whether the flows asked for the QR code PNG (omit_qr false).
	QR bool `json:"qr"`
	// Verify is bare VerifyPresentation (EdDSA), presentations made beforehand.
	Verify Level `json:"verify"`
	// Flow is the flow with the state in memory, wallet untimed; FlowRedis in a local
	// redis-server (nil: not run).
	Flow      Level  `json:"flow"`
	FlowRedis *Level `json:"flow_redis,omitempty"`
	// FlowWithWallet is the flow with the wallet's step inside the timed section.
	FlowWithWallet *Level `json:"flow_with_wallet,omitempty"`
	// RedisError says why FlowRedis was not measured.
	RedisError string `json:"redis_error,omitempty"`
	// The process's CPU time (user + system, getrusage) per operation during each measurement:
	// the verifier and the load generator's client side (gRPC and HTTP clients) together.
	VerifyCPUMicros         float64 `json:"verify_cpu_us_per_op"`
	FlowCPUMicros           float64 `json:"flow_cpu_us_per_flow"`
	WalletCPUMicros         float64 `json:"wallet_cpu_us_per_flow"`
	FlowWithWalletCPUMicros float64 `json:"flow_with_wallet_cpu_us_per_flow,omitempty"`
	// Ratio is Flow over Verify; RatioWithWallet FlowWithWallet over Verify; RatioRedis
	// FlowRedis over Flow; CPURatio VerifyCPUMicros over FlowCPUMicros (the ratio of the
	// throughputs if the CPU were the only limit).
	Ratio           float64 `json:"flow_over_verify"`
	RatioWithWallet float64 `json:"flow_with_wallet_over_verify,omitempty"`
	RatioRedis      float64 `json:"flow_redis_over_flow,omitempty"`
	CPURatio        float64 `json:"verify_cpu_over_flow_cpu"`
	Note            string  `json:"note"`
}

// Figures are the results.json keys.
func (o *OID4VPLoad) Figures() map[string]float64 {
	c := o.Flow.Callers
	f := map[string]float64{
		fmt.Sprintf("oid4vp_flow_rps_c%d", c):                o.Flow.PerSecond,
		fmt.Sprintf("oid4vp_flow_p99_ms_c%d", c):             o.Flow.P99Micros / 1000,
		fmt.Sprintf("oid4vp_verify_rps_c%d_eddsa_paired", c): o.Verify.PerSecond,
		"oid4vp_flow_over_verify_ratio":                      o.Ratio,
		"oid4vp_flow_cpu_us":                                 o.FlowCPUMicros,
		"oid4vp_verify_cpu_us":                               o.VerifyCPUMicros,
		"oid4vp_wallet_cpu_us":                               o.WalletCPUMicros,
		"oid4vp_verify_cpu_over_flow_cpu_ratio":              o.CPURatio,
	}
	if o.FlowWithWallet != nil {
		f[fmt.Sprintf("oid4vp_flow_with_wallet_rps_c%d", c)] = o.FlowWithWallet.PerSecond
		f["oid4vp_flow_with_wallet_over_verify_ratio"] = o.RatioWithWallet
		f["oid4vp_flow_with_wallet_cpu_us"] = o.FlowWithWalletCPUMicros
	}
	if o.FlowRedis != nil {
		f[fmt.Sprintf("oid4vp_flow_rps_c%d_redis", c)] = o.FlowRedis.PerSecond
		f[fmt.Sprintf("oid4vp_flow_p99_ms_c%d_redis", c)] = o.FlowRedis.P99Micros / 1000
		f["oid4vp_flow_redis_over_memory_ratio"] = o.RatioRedis
	}
	return f
}
