// Command amanahd is the Amanah node: a Cosmos SDK application on CometBFT run by the
// council's member agencies.
package main

import (
	"fmt"
	"os"

	svrcmd "github.com/cosmos/cosmos-sdk/server/cmd"
	"github.com/cosmos/cosmos-sdk/version"

	"github.com/amanah-id/amanah/app"
	"github.com/amanah-id/amanah/buildinfo"
	"github.com/amanah-id/amanah/cmd/amanahd/cmd"
)

func main() {
	stampVersion()
	if err := svrcmd.Execute(cmd.NewRootCmd(), "AMANAHD", app.DefaultNodeHome); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// stampVersion gives `amanahd version` the name, version and commit: the Makefile stamps the
// SDK's version package itself (scripts/ldflags.sh); a plain go build gets buildinfo's
// ("devel" and the checkout's commit).
func stampVersion() {
	v, c := buildinfo.Get()
	if version.Name == "" {
		version.Name, version.AppName = "amanah", "amanahd"
	}
	if version.Version == "" {
		version.Version = v
	}
	if version.Commit == "" {
		version.Commit = c
	}
}
