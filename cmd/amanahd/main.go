// Command amanahd is the Amanah node: a Cosmos SDK application on CometBFT run by the
// council's member agencies.
package main

import (
	"fmt"
	"os"

	svrcmd "github.com/cosmos/cosmos-sdk/server/cmd"

	"github.com/amanah-id/amanah/app"
	"github.com/amanah-id/amanah/cmd/amanahd/cmd"
)

func main() {
	if err := svrcmd.Execute(cmd.NewRootCmd(), "AMANAHD", app.DefaultNodeHome); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
