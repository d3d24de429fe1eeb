// Command amanah is the off-chain tool of Amanah key holders: it generates
// keys and computes their DIDs (amanah key), issues SD-JWT VCs (amanah issuer),
// keeps them in an encrypted wallet and presents them (amanah wallet), checks
// presentations (amanah verify: against the ledger through proofs, or offline
// with a given issuer key), takes a trust root from a node (amanah
// trust-root) and re-checks a verdict's evidence offline (amanah
// verify-evidence). On-chain transactions are amanahd's.
package main

import (
	"os"
)

func main() {
	os.Exit(Execute(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}
