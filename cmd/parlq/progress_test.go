package main

import (
	"bytes"
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
