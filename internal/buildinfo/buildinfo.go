// Package buildinfo says which parlq is running: its version, the VCS
// revision it was built from and the Go version, for `parlq version`,
// /healthz and the page footer.
package buildinfo

import (
	"runtime"
	"runtime/debug"
	"strings"
)

// Version is set at link time for release builds:
//
//	go build -ldflags "-X github.com/parlq/parlq/internal/buildinfo.Version=v1.2.0" ./cmd/parlq
//
// When empty, the module version recorded by the Go toolchain is used
// ("v1.2.0" for `go install …@v1.2.0`, "(devel)" for a build from a tree).
var Version = ""

// Info describes the running binary.
type Info struct {
	// Version is the release version (see Version).
	Version string `json:"version"`
	// Revision is the VCS revision of the tree the binary was built from,
	// with "+dirty" when it had uncommitted changes; empty when unknown
	// (test binaries, builds with -buildvcs=false).
	Revision string `json:"revision,omitempty"`
	// Time is the revision's commit time (RFC 3339), when known.
	Time string `json:"time,omitempty"`
	// Go is the Go version the binary was built with.
	Go string `json:"go"`
}

// Read returns the running binary's Info.
func Read() Info {
	bi, ok := debug.ReadBuildInfo()
	return fromBuildInfo(bi, ok, Version)
}

func fromBuildInfo(bi *debug.BuildInfo, ok bool, linked string) Info {
	info := Info{Version: linked, Go: runtime.Version()}
	if !ok || bi == nil {
		if info.Version == "" {
			info.Version = "(devel)"
		}
		return info
	}
	if bi.GoVersion != "" {
		info.Go = bi.GoVersion
	}
	if info.Version == "" {
		info.Version = bi.Main.Version
	}
	if info.Version == "" {
		info.Version = "(devel)"
	}
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			info.Revision = s.Value
		case "vcs.time":
			info.Time = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if modified && info.Revision != "" {
		info.Revision += "+dirty"
	}
	return info
}

// Short is the version in a few words: "v1.2.0 (3f2a9c1d0e4b, go1.26.8)".
func (i Info) Short() string {
	var parts []string
	if i.Revision != "" {
		rev := i.Revision
		if len(rev) > 12 && !strings.HasSuffix(rev, "+dirty") {
			rev = rev[:12]
		} else if r, ok := strings.CutSuffix(rev, "+dirty"); ok && len(r) > 12 {
			rev = r[:12] + "+dirty"
		}
		parts = append(parts, rev)
	}
	parts = append(parts, i.Go)
	return i.Version + " (" + strings.Join(parts, ", ") + ")"
}
