// Package faults is the fault-tolerance suite: real amanahd processes on loopback (through
// localnet) under a stream of DID creations, status-list updates and bank sends, with
// validators killed, paused, stopped and restarted; and real amanah-verifier processes (reading
// the ledger through Merkle proofs checked against light-client-verified headers) that lose
// their nodes, or read them through testutil/rpcproxy, which lies. The scenarios:
//
//   - TestOneFaultUnderLoad: one of 4 validators killed, paused, restarted in turn under the
//     stream; every acknowledged transaction ends up on every node with equal app hashes.
//   - TestTwoDownHaltsWithoutFork: 2 of 4 stopped halts the chain without a fork; it resumes.
//   - TestKillDuringCommitsWALRecovery: a validator killed while committing recovers from its WAL.
//   - TestVerifierFailover: the verifier loses its primary and keeps verifying from its
//     witness, then loses both and fails closed within its freshness bound.
//   - TestLyingNode: the verifier's primary lies (status page bits flipped either way, the
//     issuer's DID version replaced by one with another key, a page or list claimed absent,
//     forged header app hashes); with an honest witness it keeps answering what the ledger
//     says, and with the lying node alone it never verifies what the ledger refuses.
//   - TestCatchingUpNode: the verifier's only node replays old blocks (older than the freshness
//     bound by block time); the verifier stays NOT_SERVING / UNAVAILABLE until the node has
//     caught up, then verifies.
//   - TestJoinByStateSync: a 5th node joins 4 validators under the stream by state sync (not
//     replaying from block 1), serves the same app hash, is admitted by the council and
//     validates with equal power; a bank's observer joins the same way and amanah-verifier
//     reading it alone verifies a credential and sees its revocation.
//   - TestSoftwareUpgrade: 4 validators on the previous release (build tag prevrelease) halt
//     at a council-scheduled upgrade height, restart on this tree's amanahd, whose handler
//     migrates x/did 2 -> 3; every read is the same after; the old binary past the height
//     stops with a message naming the missing handler.
//   - TestConsensusKeyRotation: MsgRotateConsPubKey and a key file swap; the validator keeps
//     its power and signs with the new key.
//   - TestBackupRestore: a validator's home archived, wiped, restored; it catches up under the
//     stream with the same app hash.
//
// The tests carry the build tag `faults`:
//
//	go test -tags faults -count=1 -timeout 30m ./tests/faults/...
//
// They build amanahd and amanah-verifier from the checkout once per run; $AMANAHD_BINARY and
// $AMANAH_VERIFIER_BINARY run prebuilt binaries instead (e.g. another version's verifier).
package faults
