// Package report holds the JSON results of the bench tools under scripts/bench: each tool
// (verifierload, verifiermem, chainload, didresolve, verifierproved) fills its type here and
// writes it to stdout as one indented JSON object, and the orchestrator scripts/bench reads
// that output back into the same type, keeps it in build/bench/run.json (the Run's Load, Mem,
// Chain, Resolve and Proved) and draws results.json and benchmarks.md from it. One file per
// tool; the JSON field names are the tools' output format (testdata/ holds their encodings,
// checked by TestJSONUnchanged).
package report
