//go:build !prevrelease

package app

import (
	"github.com/amanah-id/amanah/app/upgrades"
	"github.com/amanah-id/amanah/app/upgrades/didtimeindex"
)

// Upgrades are the software upgrades this binary can run, oldest first. Add each new upgrade
// package here (app/upgrades/<name>/); keep the old ones, so a node replaying the chain from an
// old height (or a backup) runs them at their heights.
//
// The build tag prevrelease builds the previous release instead (x/did at state version 2, no
// did-time-index handler): the fault suite upgrades a network from that binary to this one.
var Upgrades = []upgrades.Upgrade{
	didtimeindex.Upgrade,
}
