package app

import (
	"fmt"

	upgradetypes "github.com/cosmos/cosmos-sdk/x/upgrade/types"
)

// setUpgrades registers the handler of every upgrade this binary knows (Upgrades, see
// app/upgrades) and, when the node restarts at the height of a scheduled upgrade that x/upgrade
// wrote to upgrade-info.json, loads the stores with that upgrade's store changes.
func (app *App) setUpgrades() {
	for _, u := range Upgrades {
		app.UpgradeKeeper.SetUpgradeHandler(u.Name, u.CreateHandler(app.ModuleManager, app.configurator))
	}
	info, err := app.UpgradeKeeper.ReadUpgradeInfoFromDisk()
	if err != nil {
		panic(fmt.Errorf("read upgrade-info.json: %w", err))
	}
	if info.Name == "" || app.UpgradeKeeper.IsSkipHeight(info.Height) {
		return
	}
	for _, u := range Upgrades {
		if u.Name == info.Name {
			app.SetStoreLoader(upgradetypes.UpgradeStoreLoader(info.Height, &u.StoreUpgrades))
		}
	}
}
