package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"github.com/parlq/parlq/dataset"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parlq/parlq/parser/brussels/brusselstest"
)

// runCmd runs one parlq command line and returns its exit status and output.
func runCmd(t testing.TB, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	return runCmdStdin(t, "", env, args...)
}

// runCmdStdin is runCmd with the given standard input.
func runCmdStdin(t testing.TB, stdin string, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }}
	code := Run(context.Background(), e, args)
	return code, out.String(), errb.String()
}

// statusJSON is the part of `parlq status --json` the tests read.
type statusJSON struct {
	Sources map[string]struct {
		Records  int            `json:"records"`
		ByStatus map[string]int `json:"by_status"`
		Due      int            `json:"due"`
		Changes  map[string]int `json:"status_changes_7d"`
		Tracked  int            `json:"tracked"`
		LastRun  *struct {
			Outcome  string `json:"outcome"`
			Requests int    `json:"requests"`
			New      int    `json:"new"`
			Changed  int    `json:"changed"`
			Failed   int    `json:"failed"`
		} `json:"last_run"`
	} `json:"sources"`
}

func status(t *testing.T, data string) statusJSON {
	t.Helper()
	code, out, errOut := runCmd(t, nil, "status", "--json", "--data", data)
	if code != 0 {
		t.Fatalf("status: exit %d: %s", code, errOut)
	}
	var s statusJSON
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("status JSON: %v\n%s", err, out)
	}
	return s
}

// TestHarvestSearchExportEndToEnd runs the commands an operator and a
// researcher use, in order, against a replayed site.
func TestHarvestSearchExportEndToEnd(t *testing.T) {
	qs := brusselstest.Generate(40, time.Now())
	site := brusselstest.New(brusselstest.Options{Questions: qs})
	defer site.Close()
	data := t.TempDir()
	harvest := []string{"harvest", "--quiet", "--data", data, "--source", "brussels", "--base-url", "brussels=" + site.URL(), "--delay", "0"}

	code, out, errOut := runCmd(t, nil, harvest...)
	if code != 0 {
		t.Fatalf("harvest: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	if !strings.Contains(out, "brussels: ok") {
		t.Errorf("harvest summary %q does not say brussels: ok", out)
	}
	want := 0
	byState := map[brusselstest.State]int{}
	for _, q := range qs {
		want++
		byState[q.State]++
	}
	s := status(t, data).Sources["brussels"]
	if s.Records != want {
		t.Errorf("status records = %d; want %d", s.Records, want)
	}
	if got, w := s.ByStatus["lapsed"], byState[brusselstest.Lapsed]; got != w {
		t.Errorf("status lapsed = %d; want %d", got, w)
	}
	if got, w := s.ByStatus["answered"], byState[brusselstest.Answered]; got != w {
		t.Errorf("status answered = %d; want %d", got, w)
	}
	if s.LastRun == nil || s.LastRun.Outcome != "ok" || s.LastRun.New != want {
		t.Errorf("status last run = %+v; want ok with %d new", s.LastRun, want)
	}

	// Search finds a generated question by its topic words, as JSON.
	q0 := qs[0]
	code, out, errOut = runCmd(t, nil, "search", "--data", data, "--json", "--facets", "status", `"`+strings.Fields(q0.Title)[3]+`"`)
	if code != 0 {
		t.Fatalf("search: exit %d: %s", code, errOut)
	}
	var res struct {
		Total int `json:"total"`
		Hits  []struct {
			ID     string `json:"id"`
			Record struct {
				ID    string `json:"id"`
				Title string `json:"title"`
			} `json:"record"`
		} `json:"hits"`
		Facets map[string][]struct {
			Term  string `json:"term"`
			Count int    `json:"count"`
		} `json:"facets"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("search JSON: %v\n%s", err, out)
	}
	if res.Total == 0 || len(res.Hits) == 0 || res.Hits[0].Record.ID != res.Hits[0].ID {
		t.Fatalf("search found %+v; want hits with records", res)
	}
	if len(res.Facets["status"]) == 0 {
		t.Errorf("search facets = %v; want a status facet", res.Facets)
	}

	// The text output names the hits for a person.
	code, out, _ = runCmd(t, nil, "search", "--data", data, "--status", "lapsed", "question")
	if code != 0 || !strings.Contains(out, "questions match") || !strings.Contains(out, "lapsed") {
		t.Errorf("text search: exit %d\n%s", code, out)
	}
	// A NOT term written -word is query text, not an unknown flag.
	countOf := func(args ...string) int {
		t.Helper()
		code, out, errOut := runCmd(t, nil, append([]string{"search", "--data", data, "--json"}, args...)...)
		if code != 0 {
			t.Fatalf("search %q: exit %d %s", args, code, errOut)
		}
		var r struct {
			Total int `json:"total"`
		}
		json.Unmarshal([]byte(out), &r)
		return r.Total
	}
	all, without := countOf("question"), countOf("question", "-tunnels")
	if tunnels := countOf("question", "tunnels"); tunnels == 0 || without != all-tunnels {
		t.Errorf("question: %d, with tunnels: %d, question -tunnels: %d", all, tunnels, without)
	}
	// A malformed query is a usage error.
	if code, _, errOut := runCmd(t, nil, "search", "--data", data, "--sort", "sideways", "x"); code != 2 || errOut == "" {
		t.Errorf("bad sort: exit %d %q; want 2 with a message", code, errOut)
	}

	// The data directory has a synonym file to edit; a new concept works at
	// the next search, without a reindex.
	syn := filepath.Join(data, "synonyms.txt")
	b, err := os.ReadFile(syn)
	if err != nil || !strings.Contains(string(b), "ville intelligente") {
		t.Fatalf("synonyms.txt: %v; want the shipped concepts", err)
	}
	if code, out, _ := runCmd(t, nil, "search", "--data", data, "--json", `tunnel overhaul`); code != 0 || !strings.Contains(out, `"total": 0`) {
		t.Fatalf("before the new concept: exit %d %.200s", code, out)
	}
	if err := os.WriteFile(syn, append(b, "\ntunnel overhaul, rénovation des tunnels\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := runCmd(t, nil, "search", "--data", data, "--json", `tunnel overhaul`); code != 0 || strings.Contains(out, `"total": 0`) {
		t.Errorf("the edited synonym file is not used: exit %d %.200s", code, out)
	}

	// Export streams every record.
	code, out, errOut = runCmd(t, nil, "export", "--data", data, "--format", "csv")
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("export CSV: %v", err)
	}
	if len(rows) != want+1 {
		t.Errorf("export rows = %d; want %d and a header", len(rows), want)
	}
	code, out, _ = runCmd(t, nil, "export", "--data", data, "--format", "jsonl", "--status", "answered")
	if n := strings.Count(out, "\n"); code != 0 || n != byState[brusselstest.Answered] {
		t.Errorf("export jsonl answered: exit %d, %d lines; want %d", code, n, byState[brusselstest.Answered])
	}

	// A pending question is answered on the site; the next run records
	// exactly one change.
	var pending brusselstest.Question
	for _, q := range qs {
		if q.State == brusselstest.Pending {
			pending = q
			break
		}
	}
	site.SetQuestion(brusselstest.Answer(pending, time.Now(), "Voici la réponse."))
	code, out, errOut = runCmd(t, nil, append(harvest, "--recheck", "pending")...)
	if code != 0 {
		t.Fatalf("second harvest: exit %d\n%s\n%s", code, out, errOut)
	}
	s = status(t, data).Sources["brussels"]
	if s.LastRun == nil || s.LastRun.Changed != 1 || s.LastRun.New != 0 {
		t.Errorf("second run = %+v; want 1 changed, 0 new", s.LastRun)
	}
	if s.Changes["pending→answered"] != 1 || len(s.Changes) != 1 {
		t.Errorf("status changes = %v; want one pending→answered", s.Changes)
	}
	if code, out, _ := runCmd(t, nil, "status", "--data", data); code != 0 || !strings.Contains(out, "1 pending→answered") {
		t.Errorf("status text: exit %d\n%s", code, out)
	}
	code, out, _ = runCmd(t, nil, "search", "--data", data, "--json", `"Voici la réponse"`)
	if code != 0 || !strings.Contains(out, `"total": 1`) && !strings.Contains(out, `"total":1`) {
		t.Errorf("the new answer is not searchable: exit %d\n%s", code, out)
	}

	// Reparse and reindex rebuild without the network and change nothing.
	site.Close()
	code, out, errOut = runCmd(t, nil, "reparse", "--quiet", "--data", data)
	if code != 0 || !strings.Contains(out, "0 new, 0 changed") {
		t.Errorf("reparse: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = runCmd(t, nil, "reindex", "--data", data)
	if code != 0 || !strings.Contains(out, "brussels: 40 records indexed") {
		t.Errorf("reindex: exit %d\n%s\n%s", code, out, errOut)
	}
}

func TestHarvestFailuresExitNonZero(t *testing.T) {
	site := brusselstest.New(brusselstest.Options{Questions: nil})
	defer site.Close()
	data := t.TempDir()
	code, out, _ := runCmd(t, nil, "harvest", "--quiet", "--data", data, "--source", "brussels", "--base-url", "brussels="+site.URL(), "--delay", "0")
	if code != 1 {
		t.Errorf("harvest of an empty index: exit %d; want 1\n%s", code, out)
	}
	if s := status(t, data).Sources["brussels"]; s.LastRun == nil || s.LastRun.Outcome != "failed" {
		t.Errorf("last run = %+v; want failed", s.LastRun)
	}
}

func TestCommandLineMistakes(t *testing.T) {
	data := t.TempDir()
	for _, args := range [][]string{
		{"nonsense"},
		{"harvest", "--source", "atlantis", "--data", data},
		{"harvest", "--base-url", "brussels", "--data", data},
		{"harvest", "--recheck", "sometimes", "--data", data, "--source", "brussels"},
		{"harvest", "--since", "yesterday", "--data", data},
		{"serve", "--schedule", "not a cron spec", "--data", data},
		{"export", "--format", "xlsx", "--data", data},
		{"reparse", "ukparl", "--data", data},
		{"status", "garbage", "--data", data},
		{"reindex", "--source", "nope", "--data", data},
		{"harvest", "brussels", "--data", data},
		{"harvest", "--max-duration", "-1h", "--data", data, "--source", "brussels"},
		{"serve", "--accept-lists", "--data", data},
	} {
		if code, _, errOut := runCmd(t, nil, args...); code != 2 || errOut == "" {
			t.Errorf("%q: exit %d, stderr %q; want 2 with a message", args, code, errOut)
		}
	}
	if code, _, errOut := runCmd(t, nil, "search", "--data", t.TempDir()+"/none", "x"); code != 1 || !strings.Contains(errOut, "no parlq data") {
		t.Errorf("search without data: exit %d %q", code, errOut)
	}
}

// TestHarvestWaitsForReaders: a harvest started while an export reads the
// index waits for it instead of failing, and two readers work side by side.
func TestHarvestWaitsForReaders(t *testing.T) {
	site := brusselstest.New(brusselstest.Options{Questions: brusselstest.Generate(5, time.Now())})
	defer site.Close()
	data := t.TempDir()
	harvest := []string{"harvest", "--quiet", "--data", data, "--source", "brussels", "--base-url", "brussels=" + site.URL(), "--delay", "0"}
	if code, _, errOut := runCmd(t, nil, harvest...); code != 0 {
		t.Fatalf("harvest: %s", errOut)
	}
	ctx := context.Background()
	reader, err := dataset.Open(ctx, data, dataset.Options{Command: "export", Index: true})
	if err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runCmd(t, nil, "search", "--data", data, "--json", "question"); code != 0 || !strings.Contains(out, `"total": 5`) {
		t.Errorf("a second reader beside the first: exit %d %s %s", code, errOut, out)
	}
	done := make(chan int, 1)
	go func() {
		code, _, _ := runCmd(t, nil, harvest...)
		done <- code
	}()
	select {
	case code := <-done:
		t.Fatalf("harvest ended (exit %d) while a reader held the index; want it to wait", code)
	case <-time.After(1500 * time.Millisecond):
	}
	reader.Close()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("harvest after the reader closed: exit %d", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("harvest still waiting after the reader closed")
	}
}
