// Package buildinfo is the version and commit of Amanah's binaries. The Makefile stamps them
// at link time (scripts/ldflags.sh: -X github.com/amanah-id/amanah/buildinfo.Version=...,
// and the same into the Cosmos SDK's version package for `amanahd version`); a binary built
// without them (go build, go run) reports "devel" and the commit Go recorded from the
// checkout, if any.
package buildinfo

import (
	"fmt"
	"runtime/debug"
)

// Version and Commit are set with -ldflags -X by the Makefile; empty in a plain go build.
var (
	Version = ""
	Commit  = ""
)

// Get returns the version and commit: the stamped ones, or "devel" and the VCS revision Go
// embedded (with "-dirty" for a modified checkout; "unknown" without one).
func Get() (version, commit string) {
	version, commit = Version, Commit
	if version == "" {
		version = "devel"
	}
	if commit == "" {
		commit = "unknown"
		if bi, ok := debug.ReadBuildInfo(); ok {
			var rev, modified string
			for _, s := range bi.Settings {
				switch s.Key {
				case "vcs.revision":
					rev = s.Value
				case "vcs.modified":
					modified = s.Value
				}
			}
			if rev != "" {
				commit = rev
				if modified == "true" {
					commit += "-dirty"
				}
			}
		}
	}
	return version, commit
}

// String returns "<name> <version> (commit <commit>)".
func String(name string) string {
	v, c := Get()
	return fmt.Sprintf("%s %s (commit %s)", name, v, c)
}
