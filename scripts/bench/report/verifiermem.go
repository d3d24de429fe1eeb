package report

// VerifierMem is the output of scripts/bench/verifiermem (verifier-mem.json): the verifier's
// ledger cache holding DIDs synthetic DIDs, RSS and Go heap before and after.
//
// The docs page uses: DIDs, RSSMBAfter, RSSMBBefore, HeapMBAfter and BytesPerDID (the
// verifier_rss_mb_1m_dids, verifier_rss_mb_empty, verifier_heap_mb_1m_dids,
// verifier_heap_bytes_per_did and verifier_mem_dids keys and the memory row of the summary).
type VerifierMem struct {
	DIDs            int     `json:"dids"`
	RSSMBBefore     float64 `json:"rss_mb_before"`
	RSSMBAfter      float64 `json:"rss_mb_after"`
	HeapMBBefore    float64 `json:"heap_inuse_mb_before"`
	HeapMBAfter     float64 `json:"heap_inuse_mb_after"`
	BytesPerDID     float64 `json:"heap_bytes_per_did"`
	FillSeconds     float64 `json:"fill_seconds"`
	CachedRequeried int64   `json:"requeried_of_first_1000"`
	Method          string  `json:"method"`
}
