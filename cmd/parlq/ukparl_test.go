package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"github.com/parlq/parlq/dataset"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/crawler/crawlertest"
	"github.com/parlq/parlq/parser/brussels/brusselstest"
	"github.com/parlq/parlq/parser/ukparl/ukparltest"
)

// ukDay is the day the UK tests harvest: the day of the saved real list.
const ukDay = "2021-02-01"

// ukDayQuestions returns the real 520 questions tabled on ukDay (read in
// place from the shared fixtures), or, without them, n generated questions
// moved to that day. real says which.
func ukDayQuestions(t *testing.T, n int) (qs []ukparltest.Question, real bool) {
	t.Helper()
	if dir, err := ukparltest.FixturesDir(); err == nil {
		qs, err := ukparltest.LoadList(filepath.Join(dir, ukparltest.FixtureDay))
		if err != nil {
			t.Fatal(err)
		}
		return qs, true
	} else if !errors.Is(err, crawlertest.ErrNoFixtures) {
		t.Fatal(err)
	}
	t.Logf("UK fixtures absent: %d generated questions instead", n)
	return generatedDay(n), false
}

// generatedDay is n generated questions, every date moved so that they
// were all tabled on ukDay.
func generatedDay(n int) []ukparltest.Question {
	day, _ := time.Parse(parlq.DateLayout, ukDay)
	qs := ukparltest.Generate(n, 2021)
	for i := range qs {
		q := &qs[i]
		shift := day.Sub(q.Tabled)
		for _, d := range []*time.Time{&q.Tabled, &q.ForAnswer, &q.Answered, &q.HoldingDate, &q.Corrected} {
			if !d.IsZero() {
				*d = d.Add(shift)
			}
		}
		for j := range q.Grouped {
			q.Grouped[j].Tabled = day
		}
	}
	// The generator groups questions of one House tabled on one day; spread
	// over a year, a few hundred rarely share a day. Now that they do, group
	// one in five with the next of its House, as the real day has them.
	for i := 0; i < len(qs); i += 5 {
		for j := i + 1; j < len(qs) && j < i+5; j++ {
			a, b := &qs[i], &qs[j]
			if len(a.Grouped) == 0 && len(b.Grouped) == 0 && a.House == b.House && !a.Withdrawn && !b.Withdrawn {
				a.Grouped = []ukparltest.Grouped{{UIN: b.UIN, Tabled: day}}
				b.Grouped = []ukparltest.Grouped{{UIN: a.UIN, Tabled: day}}
				break
			}
		}
	}
	return qs
}

func ukRecordID(q ukparltest.Question) string {
	return parlq.MakeID("ukparl", q.House, strconv.FormatInt(q.ID, 10))
}

// ukStatus is the status a record of q must have.
func ukStatus(q ukparltest.Question) parlq.Status {
	switch {
	case !q.Answered.IsZero() && !q.Holding:
		return parlq.Answered
	case q.Withdrawn:
		return parlq.Withdrawn
	}
	return parlq.Pending
}

// exportUK returns the ukparl records of a data directory by id.
func exportUK(t *testing.T, data string) map[string]parlq.Question {
	t.Helper()
	return exportSource(t, data, "ukparl")
}

// exportSource returns a source's records of a data directory by id, as
// parlq export gives them.
func exportSource(t *testing.T, data, source string) map[string]parlq.Question {
	t.Helper()
	code, out, errOut := runCmd(t, nil, "export", "--data", data, "--format", "jsonl", "--source", source)
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, errOut)
	}
	recs := map[string]parlq.Question{}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<22)
	for sc.Scan() {
		var q parlq.Question
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			t.Fatalf("export line: %v", err)
		}
		recs[q.ID] = q
	}
	return recs
}

// versions reads a question's versions from the catalog.
func versions(t *testing.T, data, id string) []catalog.Version {
	t.Helper()
	ctx := context.Background()
	cat, err := catalog.OpenReadOnly(ctx, filepath.Join(data, dataset.CatalogFile))
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	vs, err := cat.Versions(ctx, id)
	if err != nil {
		t.Fatalf("versions of %s: %v", id, err)
	}
	return vs
}

// listPages is the number of list requests the windows of ukDay take.
func listPages(t *testing.T, site *ukparltest.Site) (pages int, tabled int) {
	t.Helper()
	for _, kind := range []string{"tabledWhen", "answeredWhen", "correctedWhen"} {
		total, _, err := site.Match(kind + "From=" + ukDay + "&" + kind + "To=" + ukDay)
		if err != nil {
			t.Fatal(err)
		}
		pages += max(1, (total+99)/100) // the source asks for pages of 100
		if kind == "tabledWhen" {
			tabled = total
		}
	}
	return pages, tabled
}

// TestHarvestUKParl harvests the replayed real day (or a generated one)
// with parlq harvest, then replays what happens to questions afterwards: a
// holding answer replaced by the answer, a corrected answer, a withdrawn
// question. Each is one new version; a run with nothing new asks for the
// list pages only.
func TestHarvestUKParl(t *testing.T) {
	qs, real := ukDayQuestions(t, 260)
	site := ukparltest.New(ukparltest.Options{Questions: qs})
	defer site.Close()
	data := t.TempDir()
	harvest := []string{"harvest", "--quiet", "--data", data, "--source", "ukparl", "--base-url", "ukparl=" + site.URL(),
		"--since", ukDay, "--until", ukDay, "--delay", "0"}

	code, out, errOut := runCmd(t, nil, harvest...)
	if code != 0 {
		t.Fatalf("harvest: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	if !strings.Contains(out, "ukparl: ok") {
		t.Errorf("summary %q does not say ukparl: ok", out)
	}
	pages, tabled := listPages(t, site)
	if tabled != len(qs) || tabled <= 100 {
		t.Fatalf("the tabled window holds %d of %d questions; want all, over more than one page", tabled, len(qs))
	}
	if got := site.Requests(ukparltest.TargetList); got != pages {
		t.Errorf("list requests = %d; want %d (paging through every window)", got, pages)
	}
	byStatus := map[parlq.Status]int{}
	for _, q := range qs {
		byStatus[ukStatus(q)]++
	}
	s := status(t, data).Sources["ukparl"]
	if s.Records != len(qs) {
		t.Errorf("records = %d; want %d", s.Records, len(qs))
	}
	for _, st := range []parlq.Status{parlq.Answered, parlq.Pending, parlq.Withdrawn} {
		if got := s.ByStatus[string(st)]; got != byStatus[st] {
			t.Errorf("status %s = %d; want %d", st, got, byStatus[st])
		}
	}
	minimum := 1 + pages + len(qs) // robots.txt, the list pages, one detail each
	if s.LastRun == nil || s.LastRun.Outcome != "ok" || s.LastRun.New != len(qs) || s.LastRun.Requests != minimum {
		t.Errorf("last run %+v; want ok, %d new, %d requests", s.LastRun, len(qs), minimum)
	}
	if real && (byStatus[parlq.Answered] != 503 || byStatus[parlq.Pending] != 17) {
		t.Errorf("the real day: %v; want 503 answered and 17 pending (10 holding, 7 unanswered)", byStatus)
	}

	// The records: full texts from the detail endpoint, holding answers,
	// grouped questions.
	recs := exportUK(t, data)
	var holding, answered, unanswered ukparltest.Question
	grouped, cut, resolved := 0, 0, 0
	dayUINs := map[string]bool{}
	for _, q := range qs {
		dayUINs[strings.ToLower(q.House)+"/"+q.UIN] = true
	}
	for _, q := range qs {
		r, ok := recs[ukRecordID(q)]
		if !ok {
			t.Fatalf("no record %s", ukRecordID(q))
		}
		if r.Number != q.UIN || r.Assembly != strings.ToLower(q.House) || r.Addressee.Body != q.Body {
			t.Errorf("%s: number %q assembly %q body %q", r.ID, r.Number, r.Assembly, r.Addressee.Body)
		}
		if utf8.RuneCountInString(q.Text) > 255 {
			cut++
			if utf8.RuneCountInString(r.Question) <= 255 {
				t.Errorf("%s: question %q is the list's cut text", r.ID, r.Question)
			}
		}
		if len(q.Grouped) > 0 {
			grouped++
			if len(r.Related) != len(q.Grouped) {
				t.Errorf("%s: related %v; want %d grouped questions", r.ID, r.Related, len(q.Grouped))
			}
			// A grouped question of the day is named by its record id (a
			// link that works); one tabled another day, which the catalog
			// does not hold, by a readable reference.
			for _, rel := range r.Related {
				if _, ok := recs[rel]; ok {
					resolved++
					continue
				}
				_, asm, number, received, ok := parlq.ParseRelatedRef(rel)
				if !ok || asm != r.Assembly || received == ukDay && dayUINs[r.Assembly+"/"+number] {
					t.Errorf("%s: related %q is neither a stored question's id nor a reference to one not stored", r.ID, rel)
				}
			}
		}
		switch {
		case q.Holding && holding.ID == 0:
			holding = q
			if r.Status != parlq.Pending || r.HoldingAnswered == "" || r.Answered != "" || r.Answer == "" {
				t.Errorf("holding answer stored as status %s, holding %q, answered %q", r.Status, r.HoldingAnswered, r.Answered)
			}
		case ukStatus(q) == parlq.Answered && q.Corrected.IsZero() && answered.ID == 0:
			answered = q
		case q.Answered.IsZero() && !q.Withdrawn && unanswered.ID == 0:
			unanswered = q
		}
	}
	if resolved == 0 {
		t.Errorf("no related question resolved to its record id")
	}
	if cut == 0 || grouped == 0 || holding.ID == 0 || answered.ID == 0 || unanswered.ID == 0 {
		t.Fatalf("the day lacks a case: %d cut, %d grouped, holding %d, answered %d, unanswered %d",
			cut, grouped, holding.ID, answered.ID, unanswered.ID)
	}

	// Nothing changed: the next run asks for robots.txt and the lists only.
	site.ResetLog()
	if code, out, errOut := runCmd(t, nil, harvest...); code != 0 {
		t.Fatalf("second harvest: exit %d\n%s\n%s", code, out, errOut)
	}
	s = status(t, data).Sources["ukparl"]
	if s.LastRun == nil || s.LastRun.Requests != 1+pages || s.LastRun.New+s.LastRun.Changed != 0 {
		t.Errorf("quiet run %+v; want %d requests, nothing new", s.LastRun, 1+pages)
	}
	if n := site.Requests("question/"); n != 0 {
		t.Errorf("quiet run fetched %d questions; want 0", n)
	}

	// The holding answer is replaced by the answer, another answer is
	// corrected: each is one new version with the fields that changed.
	final := ukparltest.Answer(holding, holding.HoldingDate.AddDate(0, 0, 9), "The final answer, with the figures requested.")
	site.SetQuestion(final)
	site.SetQuestion(ukparltest.Correct(answered, answered.Answered.AddDate(0, 0, 3), "The corrected answer."))
	site.ResetLog()
	if code, out, errOut := runCmd(t, nil, harvest...); code != 0 {
		t.Fatalf("third harvest: exit %d\n%s\n%s", code, out, errOut)
	}
	s = status(t, data).Sources["ukparl"]
	if s.LastRun == nil || s.LastRun.Changed != 2 || s.LastRun.Requests != 1+pages+2 {
		t.Errorf("run after two changes %+v; want 2 changed in %d requests", s.LastRun, 1+pages+2)
	}
	vs := versions(t, data, ukRecordID(holding))
	if len(vs) != 2 {
		t.Fatalf("%s has %d versions; want 2", ukRecordID(holding), len(vs))
	}
	for _, f := range []string{"status", "answer", "answered"} {
		if !slices.Contains(vs[1].Changed, f) {
			t.Errorf("holding → answer changed %v; want %s among them", vs[1].Changed, f)
		}
	}
	if r := vs[1].Record; r.Status != parlq.Answered || r.Answered != final.Answered.Format(parlq.DateLayout) ||
		r.HoldingAnswered != holding.HoldingDate.Format(parlq.DateLayout) || r.Answer != final.Answer {
		t.Errorf("answered record: status %s answered %s holding %s answer %q", r.Status, r.Answered, r.HoldingAnswered, r.Answer)
	}
	vs = versions(t, data, ukRecordID(answered))
	if len(vs) != 2 || !slices.Contains(vs[1].Changed, "corrected") || vs[1].Record.Answer != "The corrected answer." ||
		vs[1].Record.Status != parlq.Answered {
		t.Errorf("corrected answer: %d versions, last changed %v", len(vs), vs[len(vs)-1].Changed)
	}

	// A question is withdrawn: its list entry says so.
	site.SetQuestion(ukparltest.Withdraw(unanswered))
	if code, out, errOut := runCmd(t, nil, harvest...); code != 0 {
		t.Fatalf("fourth harvest: exit %d\n%s\n%s", code, out, errOut)
	}
	s = status(t, data).Sources["ukparl"]
	if s.LastRun == nil || s.LastRun.Changed != 1 || s.ByStatus["withdrawn"] != byStatus[parlq.Withdrawn]+1 {
		t.Errorf("after a withdrawal: %+v, %v", s.LastRun, s.ByStatus)
	}
	if vs := versions(t, data, ukRecordID(unanswered)); len(vs) != 2 || vs[1].Record.Status != parlq.Withdrawn {
		t.Errorf("withdrawn question: %d versions", len(vs))
	}

	// The English text is searchable.
	code, out, _ = runCmd(t, nil, "search", "--data", data, "--json", "--source", "ukparl", `"final answer, with the figures requested"`)
	if code != 0 || !strings.Contains(out, ukRecordID(holding)) {
		t.Errorf("the final answer is not searchable: exit %d\n%.500s", code, out)
	}
}

// TestHarvestUKParlBadResponses: a malformed or cut response fails the run
// loudly and stores nothing of what it could not read; the next run, once
// the API behaves, stores it.
func TestHarvestUKParlBadResponses(t *testing.T) {
	qs := generatedDay(40)
	site := ukparltest.New(ukparltest.Options{Questions: qs})
	defer site.Close()
	harvest := func(data string) (int, string) {
		code, out, _ := runCmd(t, nil, "harvest", "--quiet", "--data", data, "--source", "ukparl", "--base-url", "ukparl="+site.URL(),
			"--since", ukDay, "--until", ukDay, "--delay", "0", "--retries", "0")
		return code, out
	}
	for _, tc := range []struct {
		name   string
		target crawlertest.Target
		kind   crawlertest.FaultKind
		stored int
	}{
		{"malformed detail", ukparltest.QuestionTarget(qs[3].ID), crawlertest.Malformed, len(qs) - 1},
		{"truncated detail", ukparltest.QuestionTarget(qs[3].ID), crawlertest.Truncate, len(qs) - 1},
		{"malformed list", ukparltest.TargetList, crawlertest.Malformed, 0},
		{"truncated list", ukparltest.TargetList, crawlertest.Truncate, 0},
		{"list with another layout", ukparltest.TargetList, crawlertest.Layout, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := t.TempDir()
			site.ClearFaults()
			site.SetFault(tc.target, crawlertest.Fault{Kind: tc.kind})
			code, out := harvest(data)
			if code != 1 || !strings.Contains(out, "ukparl: failed") {
				t.Errorf("exit %d, %q; want 1 and a failed run", code, out)
			}
			s := status(t, data).Sources["ukparl"]
			if s.LastRun == nil || s.LastRun.Outcome != "failed" || s.Records != tc.stored {
				t.Errorf("status %+v, %d records; want a failed run and %d records", s.LastRun, s.Records, tc.stored)
			}
			if _, ok := exportUK(t, data)[ukRecordID(qs[3])]; ok {
				t.Errorf("%s stored from a bad response", ukRecordID(qs[3]))
			}
			site.ClearFaults()
			if code, out := harvest(data); code != 0 {
				t.Errorf("harvest once the API behaves: exit %d %q", code, out)
			}
			if n := status(t, data).Sources["ukparl"].Records; n != len(qs) {
				t.Errorf("after recovery %d records; want %d", n, len(qs))
			}
		})
	}
}

// TestSearchAcrossLegislatures harvests Brussels and the UK into one data
// directory and searches both: "smart city" finds the French "ville
// intelligente" questions and the English ones, with the source facet;
// filters and sorting apply across both.
func TestSearchAcrossLegislatures(t *testing.T) {
	bq := brusselstest.Generate(30, time.Now())
	bSmart := map[string]parlq.Status{}
	for _, i := range []int{0, 4, 7, 11} {
		bq[i].Title = "Question écrite concernant la ville intelligente et ses capteurs (" + strconv.Itoa(i) + ")"
		bq[i].Text = "Le projet Smart City de la Région avance-t-il ?\n" + bq[i].Text
		st := map[brusselstest.State]parlq.Status{brusselstest.Answered: parlq.Answered, brusselstest.Lapsed: parlq.Lapsed}[bq[i].State]
		bSmart["brussels/"+map[int]string{1: "prb", 2: "arccc"}[max(bq[i].Base, 1)]+"/"+strconv.Itoa(bq[i].Moncode)] = cmpStatus(st)
	}
	brussels := brusselstest.New(brusselstest.Options{Questions: bq})
	defer brussels.Close()
	uq := ukparltest.Generate(150, 2021)
	uSmart := map[string]parlq.Status{}
	for _, q := range uq {
		if strings.Contains(strings.ToLower(q.Heading+" "+q.Text), "smart cit") {
			uSmart[ukRecordID(q)] = ukStatus(q)
		}
	}
	if len(uSmart) == 0 {
		t.Fatal("no generated UK question on smart cities")
	}
	uk := ukparltest.New(ukparltest.Options{Questions: uq})
	defer uk.Close()

	data := t.TempDir()
	code, out, errOut := runCmd(t, nil, "harvest", "--quiet", "--data", data, "--source", "brussels,ukparl",
		"--base-url", "brussels="+brussels.URL(), "--base-url", "ukparl="+uk.URL(),
		"--since", "2021-01-01", "--until", "2021-12-31", "--delay", "0")
	if code != 0 || !strings.Contains(out, "brussels: ok") || !strings.Contains(out, "ukparl: ok") {
		t.Fatalf("harvest: exit %d\n%s\n%s", code, out, errOut)
	}

	type hit struct {
		ID     string         `json:"id"`
		Record parlq.Question `json:"record"`
	}
	search := func(args ...string) (total int, hits []hit, facets map[string][]struct {
		Term  string `json:"term"`
		Count int    `json:"count"`
	}) {
		t.Helper()
		code, out, errOut := runCmd(t, nil, append([]string{"search", "--data", data, "--json", "--size", "100"}, args...)...)
		if code != 0 {
			t.Fatalf("search %q: exit %d: %s", args, code, errOut)
		}
		var res struct {
			Total  int   `json:"total"`
			Hits   []hit `json:"hits"`
			Facets map[string][]struct {
				Term  string `json:"term"`
				Count int    `json:"count"`
			} `json:"facets"`
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("search JSON: %v\n%.300s", err, out)
		}
		return res.Total, res.Hits, res.Facets
	}
	ids := func(hits []hit) []string {
		var out []string
		for _, h := range hits {
			out = append(out, h.ID)
		}
		slices.Sort(out)
		return out
	}
	want := func(sets ...map[string]parlq.Status) []string {
		var out []string
		for _, s := range sets {
			for id := range s {
				out = append(out, id)
			}
		}
		slices.Sort(out)
		return out
	}

	total, hits, facets := search("--facets", "source", "smart city")
	if got := ids(hits); total != len(bSmart)+len(uSmart) || !slices.Equal(got, want(bSmart, uSmart)) {
		t.Errorf("smart city: %d hits %v; want %v", total, got, want(bSmart, uSmart))
	}
	counts := map[string]int{}
	for _, f := range facets["source"] {
		counts[f.Term] = f.Count
	}
	if counts["brussels"] != len(bSmart) || counts["ukparl"] != len(uSmart) {
		t.Errorf("source facet %v; want brussels %d, ukparl %d", counts, len(bSmart), len(uSmart))
	}

	total, hits, _ = search("--source", "ukparl", "smart city")
	if got := ids(hits); total != len(uSmart) || !slices.Equal(got, want(uSmart)) {
		t.Errorf("--source ukparl: %v; want %v", got, want(uSmart))
	}
	answered := func(s map[string]parlq.Status) map[string]parlq.Status {
		out := map[string]parlq.Status{}
		for id, st := range s {
			if st == parlq.Answered {
				out[id] = st
			}
		}
		return out
	}
	_, hits, _ = search("--status", "answered", "smart city")
	if got := ids(hits); !slices.Equal(got, want(answered(bSmart), answered(uSmart))) {
		t.Errorf("--status answered: %v; want %v", got, want(answered(bSmart), answered(uSmart)))
	}
	if len(answered(bSmart)) == 0 || len(answered(uSmart)) == 0 {
		t.Errorf("the answered filter is not tested across both: %d and %d answered", len(answered(bSmart)), len(answered(uSmart)))
	}

	_, hits, _ = search("--sort", "-received", "smart city")
	var received []string
	for _, h := range hits {
		received = append(received, h.Record.Received)
	}
	if !slices.IsSortedFunc(received, func(a, b string) int { return strings.Compare(b, a) }) {
		t.Errorf("--sort -received gave %v; want newest first", received)
	}
	if len(hits) == 0 || hits[0].Record.Source != "brussels" || hits[len(hits)-1].Record.Source != "ukparl" {
		t.Errorf("newest first should start in Brussels (recent) and end in the UK (2021)")
	}

	// The text output says how the query was expanded across languages.
	if code, out, _ := runCmd(t, nil, "search", "--data", data, "smart city"); code != 0 || !strings.Contains(out, "Searched in every language as: smart city · ville intelligente · slimme stad") {
		t.Errorf("text search: exit %d\n%.400s", code, out)
	}
}

// cmpStatus is the record status of a generated Brussels question state
// that is neither answered nor lapsed: pending (unpublished ones too).
func cmpStatus(s parlq.Status) parlq.Status {
	if s == "" {
		return parlq.Pending
	}
	return s
}
