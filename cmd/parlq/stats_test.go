package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/api"
	"github.com/parlq/parlq/dataset"
	"github.com/parlq/parlq/server"
)

// statsData writes a data directory whose figures do not depend on the day
// they are read: for Ann Minister, answers after 10 and 20 days, a question
// lapsed after 5 days, and one open since 2020 (censored after both
// answers); Bob Minister one answer after 4 days.
//
// Ann: 5 C, 10 E, 20 E, ≥ 1800 C. At day 10, n = 3: S = 2/3; at day 20,
// n = 2: S = 1/3: median 20; the 90th percentile is not reached. Naive
// median (10 + 20) / 2 = 15.
func statsData(t *testing.T) string {
	t.Helper()
	q := func(n int, minister, received, answered string, status parlq.Status) *parlq.Question {
		return &parlq.Question{
			ID: fmt.Sprintf("brussels/prb/%d", n), Source: "brussels", Parliament: "Parlement de la Région de Bruxelles-Capitale",
			Assembly: "PRB", URL: fmt.Sprintf("https://www.parlement.brussels/q/%d", n), Language: "fr", Type: parlq.WrittenQuestion,
			Title: fmt.Sprintf("Question écrite %d sur la mobilité", n), Author: parlq.Person{Name: "Claire Member", Party: "Ecolo"},
			Addressee: parlq.Person{Name: minister}, Legislature: "19/24", Received: received, Answered: answered, Status: status,
		}
	}
	lapsed := q(3, "Ann Minister", "2024-03-01", "", parlq.Lapsed)
	lapsed.Acts = []parlq.Act{{Date: "2024-03-06", Act: "Caduc"}}
	records := []*parlq.Question{
		q(1, "Ann Minister", "2024-01-01", "2024-01-11", parlq.Answered),
		q(2, "Ann Minister", "2024-02-01", "2024-02-21", parlq.Answered),
		lapsed,
		q(4, "Ann Minister", "2020-01-01", "", parlq.Pending),
		q(5, "Bob Minister", "2024-04-01", "2024-04-05", parlq.Answered),
	}
	dir := filepath.Join(t.TempDir(), "data")
	ctx := context.Background()
	ds, err := dataset.Open(ctx, dir, dataset.Options{Command: "test", Write: true, Index: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range records {
		if _, err := ds.Catalog().Put(ctx, r, parlq.Capture{RecordID: fmt.Sprintf("<urn:uuid:%d>", i)}, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if err := ds.Index().Put(ctx, records...); err != nil {
		t.Fatal(err)
	}
	if err := ds.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestStatsCommand(t *testing.T) {
	data := statsData(t)

	code, out, errOut := runCmd(t, nil, "stats", "--data", data)
	if code != 0 {
		t.Fatalf("stats: exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"5 questions, as of ",
		"calendar days",
		"by minister:",
		"Ann Minister",
		"Still waiting, longest wait first:",
		"Ann Minister: 1 open",
		"brussels/prb/4  Question écrite 4 sur la mobilité (",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	// Ann's row: 4 asked, 2 answered, 1 open, 1 lapsed, median 20, p90 not
	// reached, naive 15, no deadline known.
	var ann string
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "Ann Minister ") {
			ann = strings.Join(strings.Fields(line), " ")
		}
	}
	if !strings.HasPrefix(ann, "Ann Minister 4 2 1 1 0 20 >") || !strings.Contains(ann, " 15 no deadline known ") {
		t.Errorf("Ann's row %q", ann)
	}

	// A filter and a query, JSON: the shape of GET /api/stats.
	code, out, errOut = runCmd(t, nil, "stats", "--data", data, "--json", "--minister", "Bob Minister", "mobilité")
	if code != 0 {
		t.Fatalf("stats --json: exit %d: %s", code, errOut)
	}
	var r api.StatsResponse
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("stats --json: %v\n%s", err, out)
	}
	if r.Report == nil || r.Overall.Asked != 1 || r.Overall.Median == nil || r.Overall.Median.Days != 4 || len(r.Groupings) != 6 {
		t.Errorf("stats --json: %s", out)
	}
	if r.Query.Get("q") != "mobilité" || r.Query.Get("addressee") != "Bob Minister" {
		t.Errorf("query %v", r.Query)
	}

	// CSV, one grouping.
	code, out, _ = runCmd(t, nil, "stats", "--data", data, "--csv", "--by", "party")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(rows) != 3 || rows[2][1] != "party" || rows[2][2] != "Ecolo" || rows[2][5] != "5" {
		t.Errorf("stats --csv: exit %d, %v: %q", code, err, rows)
	}

	for _, args := range [][]string{
		{"stats", "--data", data, "--by", "department"},
		{"stats", "--data", data, "--json", "--csv"},
		{"stats", "--data", data, "--received-from", "2024-02-30"},
	} {
		if code, _, errOut := runCmd(t, nil, args...); code != 2 || errOut == "" {
			t.Errorf("%q: exit %d %q; want a usage error", args, code, errOut)
		}
	}
	if code, out, _ := runCmd(t, nil, "stats", "--data", data, "zzzunknownword"); code != 0 || !strings.Contains(out, "No question matches.") {
		t.Errorf("no match: exit %d %q", code, out)
	}
}

// TestStatsCommandAsksTheServer: with --server (as when serve holds the
// directory) the command prints what the server computed.
func TestStatsCommandAsksTheServer(t *testing.T) {
	data := statsData(t)
	ds, err := dataset.Open(context.Background(), data, dataset.Options{Command: "serve", Write: true, Index: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	srv := server.New(server.DefaultConfig(), ds)
	defer srv.Close()
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()

	code, out, errOut := runCmd(t, nil, "stats", "--server", ts.URL, "--by", "minister")
	if code != 0 || !strings.Contains(out, "5 questions") || !strings.Contains(out, "Bob Minister") {
		t.Errorf("stats --server: exit %d %s\n%s", code, errOut, out)
	}
	code, out, _ = runCmd(t, nil, "stats", "--server", ts.URL, "--json", "--minister", "Ann Minister")
	var r api.StatsResponse
	if code != 0 || json.Unmarshal([]byte(out), &r) != nil || r.Report == nil || r.Overall.Asked != 4 || r.Overall.NaiveMedian == nil || *r.Overall.NaiveMedian != 15 {
		t.Errorf("stats --server --json: exit %d\n%s", code, out)
	}
	code, out, _ = runCmd(t, nil, "stats", "--server", ts.URL, "--csv")
	if code != 0 || !strings.HasPrefix(out, strings.Join(api.StatsCSVHeader, ",")+"\r\n") {
		t.Errorf("stats --server --csv: exit %d\n%s", code, out)
	}
	if code, _, errOut := runCmd(t, nil, "stats", "--server", ts.URL, "--by", "minister,nope"); code != 2 || !strings.Contains(errOut, "unknown grouping") {
		t.Errorf("bad grouping: exit %d %q", code, errOut)
	}
}
