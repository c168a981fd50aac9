package main

import (
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/api"
	"github.com/parlq/parlq/parser/brussels/brusselstest"
)

// TestExportEvidence: `parlq export` from the data directory marks a
// question whose answer was corrected between two harvests, with the day
// parlq saw it, and names each record's capture and archived copy (a path
// on a parlq server over the directory).
func TestExportEvidence(t *testing.T) {
	qs := brusselstest.Generate(10, time.Now())
	i := slices.IndexFunc(qs, func(q brusselstest.Question) bool { return q.State == brusselstest.Answered && q.Base == 1 })
	if i < 0 {
		t.Fatal("no answered question generated")
	}
	site := brusselstest.New(brusselstest.Options{Questions: qs})
	defer site.Close()
	data := t.TempDir()
	harvest := []string{"harvest", "--quiet", "--data", data, "--source", "brussels", "--base-url", "brussels=" + site.URL(), "--delay", "0", "--recheck", "all"}
	if code, out, errOut := runCmd(t, nil, harvest...); code != 0 {
		t.Fatalf("harvest: exit %d\n%s\n%s", code, out, errOut)
	}
	fixed := qs[i]
	fixed.Answer = strings.Replace(fixed.Answer, "en cours de traitement", "traité", 1)
	site.SetQuestion(fixed)
	if code, out, errOut := runCmd(t, nil, harvest...); code != 0 {
		t.Fatalf("second harvest: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut := runCmd(t, nil, "export", "--data", data, "--format", "csv")
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != len(qs)+1 || !slices.Equal(rows[0], api.CSVHeader) {
		t.Fatalf("export: %v, %d rows, header %v", err, len(rows), rows[0])
	}
	col := func(name string) int { return slices.Index(rows[0], name) }
	id := fmt.Sprintf("brussels/prb/%d", qs[i].Moncode)
	today := time.Now().UTC().Format(parlq.DateLayout)
	for _, r := range rows[1:] {
		revision, revised := "", ""
		if r[0] == id {
			revision, revised = "corrected", today
		}
		if r[col("answer_revision")] != revision || r[col("answer_revised")] != revised {
			t.Errorf("%s: revision %q on %q; want %q on %q", r[0], r[col("answer_revision")], r[col("answer_revised")], revision, revised)
		}
		if want := "/archive/" + r[0] + "?v=" + r[col("version")]; r[col("archived_url")] != want || r[col("captured_at")] != r[col("fetched_at")] {
			t.Errorf("%s: archived_url %q (want %q), captured_at %q, fetched_at %q", r[0], r[col("archived_url")], want, r[col("captured_at")], r[col("fetched_at")])
		}
	}
}
