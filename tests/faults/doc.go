// Package faults is the fault-tolerance suite: real amanahd processes on loopback (through
// testutil/localnet) under a stream of DID creations, status-list updates and bank sends, with
// validators killed, paused, stopped and restarted; and a real amanah-verifier process that
// loses one, then both, of its nodes. The tests carry the build tag `faults`:
//
//	go test -tags faults -count=1 -timeout 30m ./tests/faults/...
package faults
