// Package faults is the fault-tolerance suite: real amanahd processes on loopback (through
// testutil/localnet) under a stream of transactions, with validators killed, paused, stopped
// and restarted. The tests carry the build tag `faults`:
//
//	go test -tags faults -count=1 -timeout 30m ./tests/faults/...
package faults
