package buildinfo

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	bi := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/parlq/parlq", Version: "v0.3.0"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "3f2a9c1d0e4b5a6978877665544332211aabbccd"},
			{Key: "vcs.time", Value: "2025-01-10T03:00:00Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	got := fromBuildInfo(bi, true, "")
	want := Info{Version: "v0.3.0", Revision: "3f2a9c1d0e4b5a6978877665544332211aabbccd+dirty", Time: "2025-01-10T03:00:00Z", Go: "go1.26.8"}
	if got != want {
		t.Errorf("fromBuildInfo = %+v; want %+v", got, want)
	}
	if s := got.Short(); s != "v0.3.0 (3f2a9c1d0e4b+dirty, go1.26.8)" {
		t.Errorf("Short = %q", s)
	}
	// The link-time version wins over the module's.
	if got := fromBuildInfo(bi, true, "v1.0.0"); got.Version != "v1.0.0" {
		t.Errorf("with -ldflags: version %q", got.Version)
	}
	// A tree build, without VCS stamping.
	got = fromBuildInfo(&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}, true, "")
	if got.Version != "(devel)" || got.Revision != "" || got.Short() != "(devel) (go1.26.8)" {
		t.Errorf("tree build: %+v %q", got, got.Short())
	}
	if got := fromBuildInfo(nil, false, ""); got.Version != "(devel)" || got.Go != runtime.Version() {
		t.Errorf("no build info: %+v", got)
	}
	if Read().Go == "" {
		t.Errorf("Read gives no Go version")
	}
}
