package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parlq/parlq/crawler/crawlertest"
	"github.com/parlq/parlq/parser/bechamber/bechambertest"
)

// TestStatusPrintsTheLedger: after a harvest of a Chamber replay whose
// list names a question whose document is gone and skips a number,
// parlq status prints the ledger (text and --json), the gap, the caveat
// and the last failure with its reason.
func TestStatusPrintsTheLedger(t *testing.T) {
	now := time.Now().UTC()
	qs := bechambertest.Generate(12, 56, now)
	// Skip the second question of the first minister with three.
	byPres := map[int][]int{}
	for i, q := range qs {
		byPres[q.Precedence] = append(byPres[q.Precedence], i)
	}
	skip := -1
	for _, p := range slices.Sorted(maps.Keys(byPres)) {
		if len(byPres[p]) >= 3 {
			skip = byPres[p][1]
			break
		}
	}
	if skip < 0 {
		t.Fatalf("no minister with three questions: %v", byPres)
	}
	skipped := qs[skip]
	qs = slices.Delete(qs, skip, skip+1)
	site := bechambertest.New(bechambertest.Options{Questions: qs})
	defer site.Close()
	gone := qs[0]
	site.SetFault(bechambertest.DocumentTarget(gone), crawlertest.Fault{Kind: crawlertest.NotFound})
	data := t.TempDir()
	code, _, errOut := runCmd(t, nil, "harvest", "--quiet", "--data", data, "--source", "bechamber",
		"--base-url", "bechamber="+site.URL(), "--delay", "0")
	if code == 0 {
		t.Fatalf("harvest with a gone document exited 0: %s", errOut)
	}

	code, out, errOut := runCmd(t, nil, "status", "--data", data, "--source", "bechamber")
	if code != 0 {
		t.Fatalf("status: exit %d: %s", code, errOut)
	}
	n := len(qs)
	for _, want := range []string{
		"  health: failed\n",
		"  last complete harvest: never\n",
		"/v0/qrva/" + gone.SDOCNAME() + ": status 404",
		"not necessarily up to date or complete",
		fmt.Sprintf("    legislature 56  %9d  %6d  %6d  %7d  %11d  %7d  %8d  %7d  %4d\n", n, n, n-1, 1, 0, 1, 0, 0, 1),
		fmt.Sprintf("    gaps in legislature 56, minister %d in order of precedence: 1 missing between", skipped.Precedence),
		fmt.Sprintf(": %d\n", skipped.Number),
		fmt.Sprintf("    list http://data.dekamer.be/v0/qrva?leg=56&start=0: %d announced, %d delivered", n, n),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}

	code, out, errOut = runCmd(t, nil, "status", "--json", "--data", data, "--source", "bechamber")
	if code != 0 {
		t.Fatalf("status --json: exit %d: %s", code, errOut)
	}
	var st struct {
		Sources map[string]struct {
			Health    string `json:"health"`
			Freshness struct {
				Schedule    string          `json:"schedule"`
				AgeSeconds  float64         `json:"age_seconds"`
				LastFailure json.RawMessage `json:"last_failure"`
			} `json:"freshness"`
			Ledger struct {
				Numbered bool `json:"numbered"`
				Parts    []struct {
					Key        string `json:"key"`
					Announced  int    `json:"announced"`
					Missing    int    `json:"missing"`
					Failing    int    `json:"failing"`
					GapNumbers int    `json:"gap_numbers"`
				} `json:"parts"`
			} `json:"ledger"`
		} `json:"sources"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("status JSON: %v\n%s", err, out)
	}
	s := st.Sources["bechamber"]
	if !s.Ledger.Numbered || len(s.Ledger.Parts) != 1 || s.Ledger.Parts[0].Key != "56" || s.Ledger.Parts[0].Announced != n ||
		s.Ledger.Parts[0].Missing != 1 || s.Ledger.Parts[0].Failing != 1 || s.Ledger.Parts[0].GapNumbers != 1 {
		t.Errorf("ledger %+v", s.Ledger)
	}
	if s.Freshness.Schedule != "0 3 * * *" || s.Freshness.AgeSeconds != -1 || len(s.Freshness.LastFailure) == 0 {
		t.Errorf("freshness %+v; want the default schedule, no complete harvest, the failure", s.Freshness)
	}

	if code, _, errOut := runCmd(t, nil, "status", "--data", data, "--schedule", "every night"); code != 2 || !strings.Contains(errOut, "not a cron spec") {
		t.Errorf("a bad --schedule: exit %d, %s; want a usage error", code, errOut)
	}
}
