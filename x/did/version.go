//go:build !prevrelease

package did

// ConsensusVersion is the DID registry state's version.
// Version 2: version records without the fields their key gives, no head index (Migrate1to2).
// Version 3: the time index of the versions (VersionTimes, prefix 4) (Migrate2to3), brought to
// a running chain by the did-time-index upgrade (app/upgrades/didtimeindex).
const ConsensusVersion = 3
