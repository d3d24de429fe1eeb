//go:build prevrelease

package app

import "github.com/amanah-id/amanah/app/upgrades"

// Upgrades of the previous release (build tag prevrelease): none. See upgrades_current.go.
var Upgrades = []upgrades.Upgrade{}
