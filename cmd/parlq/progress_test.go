package main

import (
	"bytes"
	"github.com/parlq/parlq/parser"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/parlq/parlq/crawler"
)

func TestBar(t *testing.T) {
	for _, tc := range []struct {
		p    crawler.Progress
		want string
	}{
		{crawler.Progress{Phase: "fetch", Done: 0, Total: 10}, "brussels fetch    [          ] 0/10"},
		{crawler.Progress{Phase: "fetch", Done: 5, Total: 10}, "brussels fetch    [====>     ] 5/10"},
		{crawler.Progress{Phase: "fetch", Done: 10, Total: 10}, "brussels fetch    [==========] 10/10"},
		{crawler.Progress{Phase: "discover", Done: 1, Total: 0}, "brussels discover [          ] 1/0"},
	} {
		if got := bar("brussels", tc.p, 10); got != tc.want {
			t.Errorf("bar(%+v) = %q; want %q", tc.p, got, tc.want)
		}
	}
}

// Without a terminal, progress becomes log lines: the first report and the
// last of a phase, not one per page.
func TestProgressLogsWithoutATerminal(t *testing.T) {
	var out, logs bytes.Buffer
	p := newProgress(&out, slog.New(slog.NewTextHandler(&logs, nil)))
	for i := 0; i <= 100; i++ {
		p.report("brussels", crawler.Progress{Phase: "fetch", Done: i, Total: 100})
	}
	p.done()
	if out.Len() != 0 {
		t.Errorf("progress drew on a non-terminal: %q", out.String())
	}
	if n := strings.Count(logs.String(), "harvest progress"); n != 2 {
		t.Errorf("%d progress log lines; want 2 (first and last):\n%s", n, logs.String())
	}
}

func TestDelayFlag(t *testing.T) {
	d := delayFlag{all: time.Second, per: map[string]time.Duration{}}
	for _, v := range []string{"2s", "ukparl=250ms"} {
		if err := d.Set(v); err != nil {
			t.Fatalf("Set(%q): %v", v, err)
		}
	}
	if d.of("brussels") != 2*time.Second || d.of("ukparl") != 250*time.Millisecond {
		t.Errorf("delays: brussels %s, ukparl %s; want 2s and 250ms", d.of("brussels"), d.of("ukparl"))
	}
	for _, bad := range []string{"soon", "-1s", "atlantis=1s", "ukparl=fast"} {
		if err := d.Set(bad); err == nil {
			t.Errorf("Set(%q) accepted", bad)
		}
	}
}

// TestLegislatureFlag: one legislature for every source, or one per source,
// since a Brussels term means nothing to the Chamber.
func TestLegislatureFlag(t *testing.T) {
	var hf harvestFlags
	fs := newFlagSet(&Env{Stderr: io.Discard}, "harvest", "")
	hf.register(fs)
	if err := fs.Parse([]string{"--legislature", "all", "--legislature", "brussels=19/24", "--legislature", "bechamber=55"}); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"brussels": "19/24", "bechamber": "55", "assemblee": "all", "ukparl": "all"} {
		src, err := parser.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := hf.config(src)
		if err != nil || cfg.Legislature != want {
			t.Errorf("%s: legislature %q (%v); want %q", name, cfg.Legislature, err, want)
		}
	}
	if err := hf.legislature.Set("atlantis=1"); err == nil {
		t.Error("an unknown source's legislature was accepted")
	}
}
