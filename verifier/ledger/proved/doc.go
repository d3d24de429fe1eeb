// Package proved reads Amanah ledger facts that no single node can forge.
//
// Every value, and every absence, is read with an ABCI query on the store path
// (/store/<store>/key, prove=true) at a chosen state height h, and accepted only
// when its ICS23 proof (IAVL inside the module store, simple Merkle from the
// module store to the multistore root) recomputes the app hash of header h+1,
// and header h+1 was verified by the CometBFT light client from a configured
// trust root (chain id, trusted height and header hash, trusting period),
// following validator-set changes by bisection and cross-checked against
// witnesses.
//
// The reader builds every store key itself (keys.go, the layout in
// docs/architecture.md), and refuses an answer whose key or height differs from
// the question, so a node cannot answer another question than the one asked.
// A node whose proof fails is dropped for DropFor; with no node left the read
// fails (the caller fails closed).
//
// Transport: https:// endpoints with an optional pinned CA and client
// certificate; http:// only when Config.AllowPlaintext is set (logged).
//
// Facts proved by this package can be kept as Evidence and re-checked offline,
// years later, against a trust anchor (VerifyEvidence).
package proved
