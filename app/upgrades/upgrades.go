// Package upgrades is the pattern of Amanah's software upgrades: each upgrade is a package
// app/upgrades/<name>/ that exports an Upgrade (its plan name, the stores it adds, renames or
// deletes, and a handler that runs the modules' state migrations through the module manager).
// app registers the handlers of every upgrade the binary knows and, when the node restarts at
// an upgrade's height, loads the stores with that upgrade's store changes.
//
// A council proposal carrying MsgSoftwareUpgrade with Plan.Name equal to an Upgrade's Name
// schedules it: at Plan.Height every node stops ("UPGRADE "<name>" NEEDED at height ..."),
// operators start the binary that registers the handler, and the handler runs in the first
// block of the new binary. docs/operations.md ("Upgrades") is the procedure.
package upgrades

import (
	"context"
	"fmt"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	upgradetypes "github.com/cosmos/cosmos-sdk/x/upgrade/types"
)

// Upgrade is one software upgrade the binary can run.
type Upgrade struct {
	// Name is the upgrade plan's name (MsgSoftwareUpgrade.Plan.Name).
	Name string
	// StoreUpgrades lists the module stores the upgrade adds, renames or deletes.
	StoreUpgrades storetypes.StoreUpgrades
	// CreateHandler returns the upgrade's handler.
	CreateHandler func(mm *module.Manager, cfg module.Configurator) upgradetypes.UpgradeHandler
}

// RunMigrations returns a handler that only runs every module's registered state migrations,
// from the versions the chain recorded (fromVM) to the binary's consensus versions, and logs
// the versions before and after.
func RunMigrations(mm *module.Manager, cfg module.Configurator) upgradetypes.UpgradeHandler {
	return func(ctx context.Context, plan upgradetypes.Plan, fromVM module.VersionMap) (module.VersionMap, error) {
		logger := sdk.UnwrapSDKContext(ctx).Logger().With("upgrade", plan.Name)
		logger.Info("upgrade handler: running module migrations", "height", plan.Height, "from", fmt.Sprint(fromVM))
		toVM, err := mm.RunMigrations(ctx, cfg, fromVM)
		if err != nil {
			return nil, err
		}
		logger.Info("upgrade handler: module migrations done", "to", fmt.Sprint(toVM))
		return toVM, nil
	}
}
