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
type OID4VPLoad struct {
	Started    time.Time `json:"started"`
	GoMaxProcs int       `json:"gomaxprocs"`
	LoadAvg    string    `json:"loadavg_at_start"`
	// Verify is bare VerifyPresentation (EdDSA), presentations made beforehand.
	Verify Level `json:"verify"`
	// Flow is the flow with the state in memory; FlowRedis in a local redis-server (nil: not run).
	Flow      Level  `json:"flow"`
	FlowRedis *Level `json:"flow_redis,omitempty"`
	// RedisError says why FlowRedis was not measured.
	RedisError string `json:"redis_error,omitempty"`
	// Ratio is Flow over Verify; RatioRedis FlowRedis over Flow.
	Ratio      float64 `json:"flow_over_verify"`
	RatioRedis float64 `json:"flow_redis_over_flow,omitempty"`
	Note       string  `json:"note"`
}

// Figures are the results.json keys.
func (o *OID4VPLoad) Figures() map[string]float64 {
	c := o.Flow.Callers
	f := map[string]float64{
		fmt.Sprintf("oid4vp_flow_rps_c%d", c):                o.Flow.PerSecond,
		fmt.Sprintf("oid4vp_flow_p99_ms_c%d", c):             o.Flow.P99Micros / 1000,
		fmt.Sprintf("oid4vp_verify_rps_c%d_eddsa_paired", c): o.Verify.PerSecond,
		"oid4vp_flow_over_verify_ratio":                      o.Ratio,
	}
	if o.FlowRedis != nil {
		f[fmt.Sprintf("oid4vp_flow_rps_c%d_redis", c)] = o.FlowRedis.PerSecond
		f[fmt.Sprintf("oid4vp_flow_p99_ms_c%d_redis", c)] = o.FlowRedis.P99Micros / 1000
		f["oid4vp_flow_redis_over_memory_ratio"] = o.RatioRedis
	}
	return f
}
