package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/crawler/crawlertest"
	"github.com/parlq/parlq/dataset"
	"github.com/parlq/parlq/parser/brussels/brusselstest"
	"github.com/parlq/parlq/parser/ukparl/ukparltest"
)

// healthJSON is the part of `parlq status --json` about a source's health.
type healthJSON struct {
	Sources map[string]struct {
		Health   string   `json:"health"`
		Reasons  []string `json:"reasons"`
		Records  int      `json:"records"`
		Suspects []struct {
			ID     string   `json:"id"`
			URL    string   `json:"url"`
			Fields []string `json:"fields"`
		} `json:"suspects"`
		LastRun *struct {
			Outcome  string   `json:"outcome"`
			Suspects int      `json:"suspects"`
			Error    string   `json:"error"`
			Notes    []string `json:"notes"`
			Skipped  int      `json:"skipped"`
		} `json:"last_run"`
	} `json:"sources"`
}

func health(t *testing.T, data string) healthJSON {
	t.Helper()
	code, out, errOut := runCmd(t, nil, "status", "--json", "--data", data)
	if code != 0 {
		t.Fatalf("status: exit %d: %s", code, errOut)
	}
	var h healthJSON
	if err := json.Unmarshal([]byte(out), &h); err != nil {
		t.Fatalf("status JSON: %v\n%s", err, out)
	}
	return h
}

// statusText is `parlq status` for a person.
func statusText(t *testing.T, data string) string {
	t.Helper()
	code, out, errOut := runCmd(t, nil, "status", "--data", data)
	if code != 0 {
		t.Fatalf("status: exit %d: %s", code, errOut)
	}
	return out
}

// exportBrussels returns the brussels records of a data directory by id.
func exportBrussels(t *testing.T, data string) map[string]parlq.Question {
	t.Helper()
	return exportSource(t, data, "brussels")
}

func brusselsID(q brusselstest.Question) string {
	asm := "prb"
	if q.Base == 2 {
		asm = "arccc"
	}
	return "brussels/" + asm + "/" + strconv.Itoa(q.Moncode)
}

// TestWorsePageThroughTheCLI: an operator's view of a page that would
// blank a question's text and drop its answer. The harvest exits 1 saying
// "suspect" and naming it; the stored record, the export and the search
// keep the answer; parlq status shows the suspect with its URL and fields;
// reparse holds it back too; the next harvest fetches it again and, the
// page mended, clears it. Then the source really does drop an answer, and
// parlq accept stores it.
func TestWorsePageThroughTheCLI(t *testing.T) {
	qs := brusselstest.Generate(8, time.Now())
	var target brusselstest.Question
	for _, q := range qs {
		if q.State == brusselstest.Answered {
			target = q
			break
		}
	}
	site := brusselstest.New(brusselstest.Options{Questions: qs})
	defer site.Close()
	data := t.TempDir()
	harvest := []string{"harvest", "--quiet", "--data", data, "--source", "brussels", "--base-url", "brussels=" + site.URL(), "--delay", "0"}
	if code, out, errOut := runCmd(t, nil, harvest...); code != 0 {
		t.Fatalf("harvest: exit %d\n%s\n%s", code, out, errOut)
	}
	id := brusselsID(target)
	before := exportBrussels(t, data)[id]
	if before.Answer == "" || before.Status != parlq.Answered {
		t.Fatalf("stored %+v", before)
	}

	site.SetFault(brusselstest.Detail(target.Moncode, target.Base), crawlertest.Fault{Kind: crawlertest.Degraded})
	code, out, _ := runCmd(t, nil, append(harvest, "--recheck", "all")...)
	if code != 1 || !strings.Contains(out, "brussels: suspect") || !strings.Contains(out, "1 held back as suspect") || !strings.Contains(out, id) {
		t.Fatalf("harvest over a worse page: exit %d\n%s", code, out)
	}
	after := exportBrussels(t, data)[id]
	if after.Answer != before.Answer || after.Question != before.Question || after.Version != before.Version {
		t.Errorf("the record changed: version %d → %d", before.Version, after.Version)
	}
	h := health(t, data).Sources["brussels"]
	if h.Health != "suspect" || len(h.Suspects) != 1 || h.Suspects[0].ID != id || !strings.Contains(h.Suspects[0].URL, "moncode="+strconv.Itoa(target.Moncode)) ||
		strings.Join(h.Suspects[0].Fields, ",") != "answered,status,question,answer" || h.LastRun.Outcome != "suspect" || h.LastRun.Suspects != 1 {
		t.Errorf("status --json: %+v (last run %+v)", h, h.LastRun)
	}
	text := statusText(t, data)
	for _, want := range []string{"health: suspect", "held back as suspect: 1", id, "answer: ", "→ blank"} {
		if !strings.Contains(text, want) {
			t.Errorf("status does not say %q:\n%s", want, text)
		}
	}
	// Reparse reads the archive as a harvest does: held back again.
	if code, out, _ := runCmd(t, nil, "reparse", "--quiet", "--data", data, "--source", "brussels"); code != 1 || !strings.Contains(out, "held back (worse than the stored record): "+id) {
		t.Errorf("reparse: exit %d\n%s", code, out)
	}
	if got := exportBrussels(t, data)[id]; got.Answer != before.Answer {
		t.Error("reparse stored the worse page")
	}

	// The next harvest fetches it again; the page mended, it clears.
	site.ClearFaults()
	site.ResetLog()
	if code, out, errOut := runCmd(t, nil, harvest...); code != 0 || !strings.Contains(out, "brussels: ok") {
		t.Fatalf("harvest after the mend: exit %d\n%s\n%s", code, out, errOut)
	}
	if n := site.Requests(brusselstest.Detail(target.Moncode, target.Base)); n != 1 {
		t.Errorf("the suspect question was fetched %d times by the next run; want 1", n)
	}
	if h := health(t, data).Sources["brussels"]; h.Health != "ok" || len(h.Suspects) != 0 {
		t.Errorf("after the mend: %+v", h)
	}

	// The source really withdraws the answer: an operator accepts it.
	back := target
	back.State, back.Answer, back.Answered = brusselstest.Pending, "", time.Time{}
	site.SetQuestion(back)
	if code, _, _ := runCmd(t, nil, append(harvest, "--recheck", "all")...); code != 1 {
		t.Fatalf("harvest: exit %d; want 1 (suspect)", code)
	}
	if code, out, _ := runCmd(t, nil, "accept", "--data", data); code != 2 {
		t.Errorf("accept without an id: exit %d %s; want 2", code, out)
	}
	code, out, errOut := runCmd(t, nil, "accept", "--data", data, id)
	if code != 0 || !strings.Contains(out, id+": the suspect capture is version 2 (accepted, answered → pending)") {
		t.Fatalf("accept: exit %d\n%s\n%s", code, out, errOut)
	}
	if got := exportBrussels(t, data)[id]; got.Status != parlq.Pending || got.Version != 2 {
		t.Errorf("after accept: %s v%d", got.Status, got.Version)
	}
	if h := health(t, data).Sources["brussels"]; h.Health != "ok" || len(h.Suspects) != 0 {
		t.Errorf("after accept: %+v", h)
	}
	if code, _, errOut := runCmd(t, nil, "accept", "--data", data, id); code != 1 || !strings.Contains(errOut, "no suspect capture") {
		t.Errorf("accepting twice: exit %d %s", code, errOut)
	}
	// Accepted, the page is the stored one: the next harvest is ok.
	if code, out, _ := runCmd(t, nil, append(harvest, "--recheck", "all")...); code != 0 {
		t.Errorf("harvest after accept: exit %d\n%s", code, out)
	}
}

// TestUKBlankDetailThroughTheCLI: the UK API blanks a question's texts in
// its detail response (200, empty questionText, null answerText): the
// harvest exits 1, the records keep their texts and the search finds them.
func TestUKBlankDetailThroughTheCLI(t *testing.T) {
	qs := generatedDay(30)
	var target ukparltest.Question
	for _, q := range qs {
		if ukStatus(q) == parlq.Answered && q.Corrected.IsZero() {
			target = q
			break
		}
	}
	site := ukparltest.New(ukparltest.Options{Questions: qs})
	defer site.Close()
	data := t.TempDir()
	harvest := []string{"harvest", "--quiet", "--data", data, "--source", "ukparl", "--base-url", "ukparl=" + site.URL(),
		"--since", ukDay, "--until", ukDay, "--delay", "0"}
	if code, out, errOut := runCmd(t, nil, harvest...); code != 0 {
		t.Fatalf("harvest: exit %d\n%s\n%s", code, out, errOut)
	}
	id := ukRecordID(target)
	before := exportUK(t, data)[id]
	// A correction is published, and the detail endpoint answers blank.
	site.SetQuestion(ukparltest.Correct(target, target.Answered, target.Answer+" The figures were revised."))
	site.SetFault(ukparltest.QuestionTarget(target.ID), crawlertest.Fault{Kind: crawlertest.Degraded})
	code, out, _ := runCmd(t, nil, harvest...)
	if code != 1 || !strings.Contains(out, "ukparl: suspect") || !strings.Contains(out, id+" (question, answer)") {
		t.Fatalf("harvest over a blank detail: exit %d\n%s", code, out)
	}
	if got := exportUK(t, data)[id]; got.Question != before.Question || got.Answer != before.Answer {
		t.Errorf("texts lost: %q / %q", got.Question, got.Answer)
	}
	word := ""
	for _, w := range strings.Fields(before.Question) { // a rare word, not a common one
		if w = strings.Trim(w, ".,;:?!()\"'"); len(w) > len(word) {
			word = w
		}
	}
	if code, out, _ := runCmd(t, nil, "search", "--data", data, "--json", "--source", "ukparl", word); code != 0 || !strings.Contains(out, id) {
		t.Errorf("search %q no longer finds %s", word, id)
	}
	site.ClearFaults()
	if code, out, _ := runCmd(t, nil, harvest...); code != 0 {
		t.Fatalf("harvest once the API mends: exit %d\n%s", code, out)
	}
	if got := exportUK(t, data)[id]; !strings.HasSuffix(got.Answer, "The figures were revised.") {
		t.Errorf("the corrected answer was not stored: %q", got.Answer)
	}
	if h := health(t, data).Sources["ukparl"]; h.Health != "ok" {
		t.Errorf("after the mend: %+v", h)
	}
}

// TestImplausibleListsThroughTheCLI: a Brussels index that lost 92% of
// its rows and a UK list that delivers a quarter of its totalResults fail
// the run and change nothing stored; the next good run recovers.
func TestImplausibleListsThroughTheCLI(t *testing.T) {
	t.Run("brussels index shrunk", func(t *testing.T) {
		qs := brusselstest.Generate(24, time.Now())
		site := brusselstest.New(brusselstest.Options{Questions: qs})
		defer site.Close()
		data := t.TempDir()
		harvest := []string{"harvest", "--quiet", "--data", data, "--source", "brussels", "--base-url", "brussels=" + site.URL(), "--delay", "0"}
		if code, _, _ := runCmd(t, nil, harvest...); code != 0 {
			t.Fatal("first harvest failed")
		}
		before := exportBrussels(t, data)
		site.SetFault(brusselstest.TargetIndex, crawlertest.Fault{Kind: crawlertest.Shrunk})
		code, out, _ := runCmd(t, nil, harvest...)
		if code != 1 || !strings.Contains(out, "brussels: failed") || !strings.Contains(out, "implausible list") || !strings.Contains(out, "delivered 2 items; it delivered 24") {
			t.Fatalf("harvest over a shrunk index: exit %d\n%s", code, out)
		}
		if after := exportBrussels(t, data); len(after) != len(before) {
			t.Errorf("%d records after; want %d", len(after), len(before))
		}
		h := health(t, data).Sources["brussels"]
		if h.Health != "failed" || !strings.Contains(strings.Join(h.Reasons, " "), "implausible list") {
			t.Errorf("status %+v", h)
		}
		site.ClearFaults()
		if code, out, _ := runCmd(t, nil, harvest...); code != 0 {
			t.Errorf("recovery: exit %d\n%s", code, out)
		}
		if h := health(t, data).Sources["brussels"]; h.Health != "ok" {
			t.Errorf("after recovery %+v", h)
		}
	})
	t.Run("uk list short of its total", func(t *testing.T) {
		qs := generatedDay(30)
		site := ukparltest.New(ukparltest.Options{Questions: qs})
		defer site.Close()
		data := t.TempDir()
		harvest := []string{"harvest", "--quiet", "--data", data, "--source", "ukparl", "--base-url", "ukparl=" + site.URL(),
			"--since", ukDay, "--until", ukDay, "--delay", "0"}
		site.SetFault(ukparltest.TargetList, crawlertest.Fault{Kind: crawlertest.Shrunk})
		code, out, _ := runCmd(t, nil, harvest...)
		if code != 1 || !strings.Contains(out, "announces 30 items and delivered 7") {
			t.Fatalf("harvest over a short list: exit %d\n%s", code, out)
		}
		if h := health(t, data).Sources["ukparl"]; h.Records != 0 || h.Health != "failed" {
			t.Errorf("status %+v", h)
		}
		site.ClearFaults()
		if code, out, _ := runCmd(t, nil, harvest...); code != 0 || health(t, data).Sources["ukparl"].Records != len(qs) {
			t.Errorf("recovery: exit %d\n%s", code, out)
		}
	})
}

// TestQuietWindowAndMissingIndexesThroughTheCLI: a UK window the API says
// is empty is an ok run that says so; --legislature all skips the
// legislatures whose index does not exist, naming them, and harvests the
// others.
func TestQuietWindowAndMissingIndexesThroughTheCLI(t *testing.T) {
	uk := ukparltest.New(ukparltest.Options{Questions: generatedDay(5)})
	defer uk.Close()
	data := t.TempDir()
	code, out, errOut := runCmd(t, nil, "harvest", "--quiet", "--data", data, "--source", "ukparl", "--base-url", "ukparl="+uk.URL(),
		"--since", "2021-03-06", "--until", "2021-03-07", "--delay", "0")
	if code != 0 || !strings.Contains(out, "ukparl: ok") || !strings.Contains(out, "note: the lists say they hold no questions") {
		t.Errorf("quiet window: exit %d\n%s\n%s", code, out, errOut)
	}
	if h := health(t, data).Sources["ukparl"]; h.Health != "ok" || h.LastRun == nil || len(h.LastRun.Notes) != 1 {
		t.Errorf("status after a quiet window %+v", h)
	}
	// A malformed list is still an alarm.
	uk.SetFault(ukparltest.TargetList, crawlertest.Fault{Kind: crawlertest.Malformed})
	if code, out, _ := runCmd(t, nil, "harvest", "--quiet", "--data", data, "--source", "ukparl", "--base-url", "ukparl="+uk.URL(),
		"--since", "2021-03-06", "--until", "2021-03-07", "--delay", "0", "--retries", "0"); code != 1 || !strings.Contains(out, "ukparl: failed") {
		t.Errorf("malformed empty list: exit %d\n%s", code, out)
	}

	qs := brusselstest.Generate(4, time.Now())
	qs = append(qs, brusselstest.Question{Moncode: 120001, Base: 1, Number: 4, Title: "Question écrite concernant les archives régionales",
		Author: "Anne Dubois", Addressee: "Paul Lenoir", Role: "Ministre", Legislature: "19/24", Session: "20/21",
		Received: time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC), Text: "Où en est le projet ?"})
	site := brusselstest.New(brusselstest.Options{Questions: qs})
	defer site.Close()
	code, out, errOut = runCmd(t, nil, "harvest", "--quiet", "--data", data, "--source", "brussels", "--base-url", "brussels="+site.URL(),
		"--legislature", "all", "--delay", "0")
	if code != 0 || !strings.Contains(out, "brussels: ok") || !strings.Contains(out, "5 new") ||
		!strings.Contains(out, "dos_qu_legis_89-95.json does not exist (404, and it never answered): skipped") {
		t.Errorf("--legislature all: exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestRobotsAndDeadlineThroughTheCLI: robots.txt answering 500 stops the
// run before any page (exit 1, the reason said); a run past --max-duration
// stops, keeps what it stored and says so; each time the next run
// recovers.
func TestRobotsAndDeadlineThroughTheCLI(t *testing.T) {
	qs := brusselstest.Generate(10, time.Now())
	site := brusselstest.New(brusselstest.Options{Questions: qs})
	defer site.Close()
	data := t.TempDir()
	harvest := []string{"harvest", "--quiet", "--data", data, "--source", "brussels", "--base-url", "brussels=" + site.URL(), "--delay", "0", "--retries", "0"}

	site.SetFault(crawlertest.TargetRobots, crawlertest.Fault{Kind: crawlertest.ServerError, Status: 500})
	code, out, _ := runCmd(t, nil, harvest...)
	if code != 1 || !strings.Contains(out, "brussels: failed") || !strings.Contains(out, "robots.txt answered a server error") ||
		!strings.Contains(out, "note: robots.txt of 127.0.0.1") {
		t.Errorf("robots.txt 500: exit %d\n%s", code, out)
	}
	for _, e := range site.Log() {
		if e.Target != crawlertest.TargetRobots {
			t.Errorf("fetched %s despite robots.txt answering 500", e.URI)
		}
	}

	site.SetFault(crawlertest.TargetRobots, crawlertest.Fault{Kind: crawlertest.NotFound})
	for _, q := range qs {
		site.SetFault(brusselstest.Detail(q.Moncode, q.Base), crawlertest.Fault{Kind: crawlertest.Slow, Delay: 400 * time.Millisecond})
	}
	code, out, _ = runCmd(t, nil, append(harvest, "--max-duration", "2s")...)
	if code != 1 || !strings.Contains(out, "the run reached its deadline (--max-duration 2s)") || !strings.Contains(out, "left for the next run") {
		t.Errorf("past the deadline: exit %d\n%s", code, out)
	}
	h := health(t, data).Sources["brussels"]
	if h.Health != "failed" || h.Records == 0 || h.Records == len(qs) || h.LastRun.Skipped == 0 {
		t.Errorf("status after the deadline: %+v (last run %+v)", h, h.LastRun)
	}
	site.ClearFaults()
	if code, out, _ := runCmd(t, nil, harvest...); code != 0 || health(t, data).Sources["brussels"].Records != len(qs) {
		t.Errorf("recovery: exit %d\n%s", code, out)
	}
}

// TestDeletedIndexIsNoticed: an index/ deleted beside a full catalog is
// rebuilt by the next process that writes the directory (here a harvest
// with nothing new to store), so exports and searches see every record
// again.
func TestDeletedIndexIsNoticed(t *testing.T) {
	qs := brusselstest.Generate(12, time.Now())
	site := brusselstest.New(brusselstest.Options{Questions: qs})
	defer site.Close()
	data := t.TempDir()
	harvest := []string{"harvest", "--quiet", "--data", data, "--source", "brussels", "--base-url", "brussels=" + site.URL(), "--delay", "0"}
	if code, _, _ := runCmd(t, nil, harvest...); code != 0 {
		t.Fatal("harvest failed")
	}
	if err := os.RemoveAll(filepath.Join(data, dataset.IndexDir)); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := runCmd(t, nil, harvest...); code != 0 {
		t.Fatal("harvest failed")
	}
	if got := exportBrussels(t, data); len(got) != len(qs) {
		t.Errorf("export after the next harvest: %d records; want %d", len(got), len(qs))
	}
}
