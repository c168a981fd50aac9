package server

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/dataset"
)

// TestHealthAndMetricsTellOKSuspectFailed: /healthz and /metrics say, per
// source, ok, suspect (captures held back) or failed (the last run), and
// the server is degraded with the reasons in the two last cases.
func TestHealthAndMetricsTellOKSuspectFailed(t *testing.T) {
	ctx := context.Background()
	ds := emptyDataset(t)
	ix, cat := ds.Index(), ds.Catalog()
	cfg := DefaultConfig()
	// The day of the runs below: nothing is stale yet under the nightly schedule.
	cfg.Now = func() time.Time { return time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC) }
	s := New(cfg, &testStore{ds: ds, ix: ix, cat: cat})
	ts := httptest.NewServer(s.Handler())
	defer func() { ts.Close(); s.Close() }()
	health := func() healthJSON {
		t.Helper()
		status, _, body := get(t, ts, "/healthz")
		var h healthJSON
		if err := json.Unmarshal([]byte(body), &h); err != nil || status != 200 {
			t.Fatalf("healthz %d %s: %v", status, body, err)
		}
		return h
	}
	t0 := time.Date(2026, 5, 1, 3, 0, 0, 0, time.UTC)
	run := func(outcome, errText string) int64 {
		id, _ := cat.StartRun(ctx, "brussels", t0)
		if err := cat.FinishRun(ctx, catalog.Run{ID: id, Outcome: outcome, Finished: t0.Add(time.Minute), Error: errText}); err != nil {
			t.Fatal(err)
		}
		t0 = t0.Add(time.Hour)
		return id
	}

	id := run(catalog.RunOK, "")
	if h := health(); h.Status != "ok" || h.Sources["brussels"].Health != dataset.HealthOK {
		t.Errorf("after an ok run: %+v", h)
	}

	// A capture held back as suspect.
	q := &parlq.Question{ID: "brussels/prb/1", Source: "brussels", Parliament: "P", Assembly: "PRB", URL: "https://x/1",
		Language: "fr", Type: parlq.WrittenQuestion, Title: "Question écrite concernant x", Status: parlq.Answered,
		Question: "Texte.", Answer: "Réponse.", Answered: "2026-04-01", Author: parlq.Person{Name: "A"}}
	cat.AddCapture(ctx, catalog.Capture{Source: "brussels", URL: q.URL, QuestionID: q.ID, RecordID: "<urn:uuid:a>", Status: 200, FetchedAt: t0})
	if _, err := cat.Put(ctx, q, parlq.Capture{RecordID: "<urn:uuid:a>"}, t0); err != nil {
		t.Fatal(err)
	}
	worse := *q
	worse.Status, worse.Answer, worse.Answered = parlq.Pending, "", ""
	cat.AddCapture(ctx, catalog.Capture{Source: "brussels", URL: q.URL, QuestionID: q.ID, RecordID: "<urn:uuid:b>", Status: 200, FetchedAt: t0.Add(time.Hour)})
	if res, err := cat.PutChecked(ctx, &worse, parlq.Capture{RecordID: "<urn:uuid:b>"}, t0.Add(time.Hour), catalog.Check{RunID: id, URL: q.URL}); err != nil || res.Outcome != catalog.Suspect {
		t.Fatalf("%+v, %v", res, err)
	}
	h := health()
	if h.Status != "degraded" || h.Sources["brussels"].Health != dataset.HealthSuspect ||
		len(h.Reasons) != 1 || !strings.Contains(h.Reasons[0], "brussels/prb/1 (answered, status, answer)") {
		t.Errorf("with a suspect: %+v", h)
	}
	_, _, metrics := get(t, ts, "/metrics")
	for _, want := range []string{
		`parlq_suspect_captures{source="brussels"} 1`,
		`parlq_source_health{source="brussels",health="suspect"} 1`,
		`parlq_source_health{source="brussels",health="ok"} 0`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}

	// The last run fails: failed, with both reasons.
	run(catalog.RunFailed, "list https://x/index.json: status 503")
	h = health()
	if h.Sources["brussels"].Health != dataset.HealthFailed || len(h.Reasons) != 2 || !strings.Contains(h.Reasons[0], "status 503") {
		t.Errorf("after a failed run: %+v", h)
	}
	if _, _, metrics := get(t, ts, "/metrics"); !strings.Contains(metrics, `parlq_source_health{source="brussels",health="failed"} 1`) {
		t.Errorf("metrics do not say failed")
	}
}
