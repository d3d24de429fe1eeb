package main

// flattenFed adds the federated verification figures (scripts/bench/verifierfed): foreign and
// local verifications per second at 16 callers, medians of alternating rounds of one run, and
// their ratio (target: at least 0.9 warm).
func (r *Run) flattenFed(f map[string]any) {
	p := r.Fed
	if p == nil {
		return
	}
	f["verify_rps_c16_federated"] = round(p.ForeignPerSecond, 1)
	f["verify_rps_c16_federated_local"] = round(p.LocalPerSecond, 1)
	f["verify_federated_ratio"] = round(p.Ratio, 3)
}
