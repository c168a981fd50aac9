package main

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"

	"github.com/parlq/parlq/internal/buildinfo"
)

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		code, out, errOut := runCmd(t, nil, args...)
		if code != 0 || !strings.HasPrefix(out, "parlq ") || !strings.Contains(out, "built with "+runtime.Version()) {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, errOut)
		}
	}
	old := buildinfo.Version
	buildinfo.Version = "v9.9.9-test"
	defer func() { buildinfo.Version = old }()
	code, out, _ := runCmd(t, nil, "version", "--json")
	var info buildinfo.Info
	if err := json.Unmarshal([]byte(out), &info); code != 0 || err != nil || info.Version != "v9.9.9-test" || info.Go == "" {
		t.Errorf("version --json: exit %d, %v: %s", code, err, out)
	}
	if code, _, _ := runCmd(t, nil, "version", "extra"); code != 2 {
		t.Errorf("version with an argument: exit %d; want 2", code)
	}
}
