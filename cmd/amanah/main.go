// Command amanah is the off-chain tool of Amanah key holders: it generates
// keys and computes their DIDs (amanah key), issues SD-JWT VCs (amanah issuer),
// keeps them in an encrypted wallet and presents them (amanah wallet), and
// checks presentations locally (amanah verify). On-chain transactions are
// amanahd's.
package main

import (
	"os"
)

func main() {
	os.Exit(Execute(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}
