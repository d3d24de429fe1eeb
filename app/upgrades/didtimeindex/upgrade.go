// Package didtimeindex is the upgrade that brings x/did from state version 2 to 3: the time
// index of DID document versions (x/did keeper Migrate2to3), so that a DID resolves as of a
// time. It adds no store; its handler runs the modules' migrations.
package didtimeindex

import (
	"github.com/amanah-id/amanah/app/upgrades"
)

// Name is the upgrade plan's name.
const Name = "did-time-index"

// Upgrade is the did-time-index upgrade.
var Upgrade = upgrades.Upgrade{
	Name:          Name,
	CreateHandler: upgrades.RunMigrations,
}
