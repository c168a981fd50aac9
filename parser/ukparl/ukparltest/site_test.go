package ukparltest

import (
	"encoding/json"
	"errors"
	"github.com/parlq/parlq/crawler/crawlertest"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/parser/ukparl"
)

// ukFixtureDay loads the real 520-question day, or skips.
func ukFixtureDay(t *testing.T) (string, []Question) {
	t.Helper()
	dir, err := FixturesDir()
	if errors.Is(err, crawlertest.ErrNoFixtures) {
		t.Skipf("UK fixtures absent: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, FixtureDay)
	qs, err := LoadList(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, qs
}

type listBody struct {
	TotalResults int `json:"totalResults"`
	Results      []struct {
		Value map[string]any `json:"value"`
		Links []struct {
			Href string `json:"href"`
		} `json:"links"`
	} `json:"results"`
}

func getList(t *testing.T, url string) listBody {
	t.Helper()
	resp, body, err := crawlertest.Get(url, nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %v %v %s", url, resp, err, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("content type %q; want JSON", ct)
	}
	var l listBody
	if err := json.Unmarshal(body, &l); err != nil {
		t.Fatalf("list JSON: %v", err)
	}
	return l
}

// TestUKReplaysTheSavedListExactly serves the real day and compares every
// value with the saved body: the replay cuts the completed texts back to
// exactly what the API served.
func TestUKReplaysTheSavedListExactly(t *testing.T) {
	path, qs := ukFixtureDay(t)
	if len(qs) != 520 {
		t.Fatalf("loaded %d questions; want 520", len(qs))
	}
	s := New(Options{Questions: qs})
	defer s.Close()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var saved listBody
	if err := json.Unmarshal(raw, &saved); err != nil {
		t.Fatal(err)
	}
	got := getList(t, s.URL()+ListPath+"?expandMember=true&take=1000&house=Bicameral&tabledWhenFrom=2021-02-01&tabledWhenTo=2021-02-01")
	if got.TotalResults != saved.TotalResults || len(got.Results) != len(saved.Results) {
		t.Fatalf("served %d of %d; want %d of %d", len(got.Results), got.TotalResults, len(saved.Results), saved.TotalResults)
	}
	for i := range saved.Results {
		want, have := saved.Results[i].Value, got.Results[i].Value
		if !reflect.DeepEqual(have, want) {
			for k := range want {
				if !reflect.DeepEqual(have[k], want[k]) {
					t.Errorf("result %d (id %v) %s = %#v; want %#v", i, want["id"], k, have[k], want[k])
				}
			}
			for k := range have {
				if _, ok := want[k]; !ok {
					t.Errorf("result %d has %s, the API does not", i, k)
				}
			}
		}
		if h := got.Results[i].Links[0].Href; strings.HasSuffix(h, "/"+jsonNumber(have["id"])) {
			t.Errorf("result %d link %s matches the id; the real links do not", i, h)
		}
	}
}

func jsonNumber(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestUKSourceReadsTheReplay runs the ukparl source over the replayed real
// day: paging by its seeds, and full texts from the detail endpoint.
func TestUKSourceReadsTheReplay(t *testing.T) {
	_, qs := ukFixtureDay(t)
	s := New(Options{Questions: qs})
	defer s.Close()
	src := ukparl.New()
	day := time.Date(2021, 2, 1, 0, 0, 0, 0, time.UTC)
	seeds, err := src.Seeds(parlq.SeedOptions{Since: day, Until: day})
	if err != nil {
		t.Fatal(err)
	}
	for i, u := range seeds {
		seeds[i] = s.URL() + strings.TrimPrefix(u, CanonicalBase)
	}
	refs := map[string]parlq.Ref{}
	pages := 0
	for queue := seeds; len(queue) > 0; queue = queue[1:] {
		_, body, err := crawlertest.Get(queue[0], nil)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		d, err := src.Discover(queue[0], body)
		if err != nil {
			t.Fatalf("Discover %s: %v", queue[0], err)
		}
		for _, r := range d.Refs {
			refs[r.ID] = r
		}
		queue = append(queue, d.Next...)
	}
	if len(refs) != 520 {
		t.Fatalf("discovered %d questions; want 520", len(refs))
	}
	// tabled: 6 pages of 100; answered the same day: 1; corrected: 1 (empty).
	if pages != 8 {
		t.Errorf("list pages = %d; want 8", pages)
	}
	byID := map[string]Question{}
	for _, q := range qs {
		byID[parlq.MakeID("ukparl", q.House, jsonNumber(q.ID))] = q
	}
	cut := 0
	for id, ref := range refs {
		q, ok := byID[id]
		if !ok {
			t.Fatalf("ref %s is not a served question", id)
		}
		_, body, err := crawlertest.Get(ref.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := src.Parse(ref.URL, body)
		if err != nil {
			t.Fatalf("Parse %s: %v", ref.URL, err)
		}
		if rec.ID != id {
			t.Errorf("detail %s is %s", ref.URL, rec.ID)
		}
		if utf8.RuneCountInString(q.Text) > 255 {
			cut++
			if !strings.HasSuffix(rec.Question, strings.TrimSpace(Completion)) {
				t.Errorf("%s: question %q; want the complete text", id, rec.Question)
			}
		}
		wantStatus := parlq.Answered
		if q.Holding || q.Answered.IsZero() {
			wantStatus = parlq.Pending
		}
		if rec.Status != wantStatus {
			t.Errorf("%s: status %s; want %s", id, rec.Status, wantStatus)
		}
	}
	if cut != 170 {
		t.Errorf("%d questions were cut by the list; the saved day has 170", cut)
	}
}

func TestUKListFilters(t *testing.T) {
	d := func(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }
	base := Question{House: "Commons", Tabled: d("2021-03-01"), Heading: "H", Text: "To ask.", BodyID: 17, Body: "Department of Health and Social Care"}
	var qs []Question
	for i := range 7 {
		q := base
		q.ID, q.UIN = int64(100+i), jsonNumber(500+i)
		qs = append(qs, q)
	}
	qs[1].House, qs[1].UIN = "Lords", "HL1"
	qs[2] = Answer(qs[2], d("2021-03-05"), "An answer.")
	qs[3] = Hold(qs[3], d("2021-03-04"))
	qs[4] = Correct(Answer(qs[4], d("2021-03-05"), "First."), d("2021-03-10"), "Corrected.")
	qs[5].Tabled = d("2021-03-02")
	qs[6] = Withdraw(qs[6])
	s := New(Options{Questions: qs})
	defer s.Close()
	for _, tc := range []struct {
		query string
		want  int
	}{
		// Withdrawn questions are listed only when asked for, as the
		// real API does.
		{"", 6},
		{"includeWithdrawn=false", 6},
		{"includeWithdrawn=true", 7},
		{"tabledWhenFrom=2021-03-01&tabledWhenTo=2021-03-01&includeWithdrawn=true", 6},
		{"TABLEDWHENFROM=2021-03-02&includeWithdrawn=true", 1},
		{"tabledWhenTo=2021-03-01T00:00:00&includeWithdrawn=true", 6},
		{"house=Lords&includeWithdrawn=true", 1},
		{"house=Commons&tabledWhenFrom=2021-03-01&INCLUDEWITHDRAWN=True", 6},
		{"answeredWhenFrom=2021-03-04&answeredWhenTo=2021-03-04&includeWithdrawn=true", 1}, // the holding answer
		{"answeredWhenFrom=2021-03-05&includeWithdrawn=true", 2},
		{"correctedWhenFrom=2021-03-10&correctedWhenTo=2021-03-10&includeWithdrawn=true", 1},
		{"questionStatus=AnsweredOnly&includeWithdrawn=true", 2},
		{"questionStatus=NotAnswered&includeWithdrawn=true", 5},
		{"skip=5&take=5&includeWithdrawn=true", 7},
	} {
		total, _, err := s.Match(tc.query)
		if err != nil || total != tc.want {
			t.Errorf("Match(%q) = %d, %v; want %d", tc.query, total, err, tc.want)
		}
		l := getList(t, s.URL()+ListPath+"?"+tc.query)
		if l.TotalResults != tc.want {
			t.Errorf("%q: totalResults %d; want %d", tc.query, l.TotalResults, tc.want)
		}
	}
	// Paging: latest tabled first, then as added; skip and take.
	l := getList(t, s.URL()+ListPath+"?skip=5&take=5&includeWithdrawn=true")
	var page2 []any
	for _, r := range l.Results {
		page2 = append(page2, r.Value["id"])
	}
	if !reflect.DeepEqual(page2, []any{float64(104), float64(106)}) {
		t.Errorf("page 2 ids %v; want [104 106]", page2)
	}
	first := getList(t, s.URL()+ListPath+"?take=1")
	if id := first.Results[0].Value["id"]; id != float64(105) {
		t.Errorf("first result id %v; want 105 (latest tabled)", id)
	}
	// Members only with expandMember.
	if m := first.Results[0].Value["askingMember"]; m != nil {
		t.Errorf("askingMember without expandMember = %v; want null", m)
	}
	for _, bad := range []string{"take=0", "skip=-1", "house=Both", "tabledWhenFrom=yesterday", "expandMember=perhaps", "questionStatus=Some"} {
		resp, body, err := crawlertest.Get(s.URL()+ListPath+"?"+bad, nil)
		if err != nil || resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"status":400`) {
			t.Errorf("%q: %v %v %s; want a 400 problem", bad, resp, err, body)
		}
	}
	if resp, _, _ := crawlertest.Get(s.URL()+ListPath+"/999", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown question: status %d; want 404", resp.StatusCode)
	}
	if n := s.Requests(TargetList); n != 14+2+6 {
		t.Errorf("list requests logged = %d; want 22", n)
	}
}

func TestUKDetailIsCompleteAndListIsCut(t *testing.T) {
	qs := Generate(60, 2021)
	var q Question
	for _, c := range qs {
		if utf8.RuneCountInString(c.Text) > 255 && utf8.RuneCountInString(c.Answer) > 255 && !c.Holding {
			q = c
			break
		}
	}
	if q.ID == 0 {
		t.Fatal("no generated question with long texts")
	}
	q.Answer = "Costs & benefits <are> weighed.\n" + q.Answer
	s := New(Options{Questions: qs})
	defer s.Close()
	s.SetQuestion(q)
	_, body, err := crawlertest.Get(s.URL()+ListPath+"/"+jsonNumber(q.ID)+"?expandMember=true", nil)
	if err != nil {
		t.Fatal(err)
	}
	var det struct {
		Value struct {
			QuestionText, AnswerText string
			AskingMember             *struct{ Name string }
		}
		Links []struct{ Href string }
	}
	if err := json.Unmarshal(body, &det); err != nil {
		t.Fatal(err)
	}
	if det.Value.QuestionText != q.Text {
		t.Errorf("detail question %q; want %q", det.Value.QuestionText, q.Text)
	}
	if !strings.HasPrefix(det.Value.AnswerText, "<p>Costs &amp; benefits &lt;are&gt; weighed.</p><p>") {
		t.Errorf("detail answer %q; want HTML paragraphs", det.Value.AnswerText)
	}
	if det.Value.AskingMember == nil || det.Value.AskingMember.Name != q.Asking.Name || len(det.Links) != 1 {
		t.Errorf("detail member %+v links %v", det.Value.AskingMember, det.Links)
	}
	l := getList(t, s.URL()+ListPath+"?take=100")
	for _, r := range l.Results {
		if r.Value["id"] != float64(q.ID) {
			continue
		}
		qt, at := r.Value["questionText"].(string), r.Value["answerText"].(string)
		if utf8.RuneCountInString(qt) != 255 || !strings.HasPrefix(q.Text, qt) {
			t.Errorf("list question %q; want the first 255 characters", qt)
		}
		if utf8.RuneCountInString(at) != 258 || !strings.HasSuffix(at, "...") || strings.Contains(at, "<p>") {
			t.Errorf("list answer %q; want 255 plain characters and ...", at)
		}
	}
}

func TestGenerateUKShape(t *testing.T) {
	qs := Generate(4000, 2024)
	if !reflect.DeepEqual(qs[:50], Generate(4000, 2024)[:50]) {
		t.Error("Generate is not deterministic")
	}
	var lords, named, grouped, holding, heldThenAnswered, unanswered, withdrawn, corrected, longQ, longA, smart int
	ids := map[int64]bool{}
	uins := map[string]bool{}
	for _, q := range qs {
		if ids[q.ID] || uins[q.House+q.UIN] {
			t.Fatalf("duplicate id %d or uin %s", q.ID, q.UIN)
		}
		ids[q.ID], uins[q.House+q.UIN] = true, true
		if q.Tabled.Year() != 2024 || q.Tabled.Weekday() == time.Sunday || q.Tabled.Weekday() == time.Saturday {
			t.Fatalf("question %d tabled %s", q.ID, q.Tabled)
		}
		if !q.Answered.IsZero() && q.Answered.Before(q.Tabled) {
			t.Fatalf("question %d answered before it was tabled", q.ID)
		}
		switch {
		case q.Withdrawn:
			withdrawn++
		case q.Holding:
			holding++
		case q.Answered.IsZero():
			unanswered++
		case !q.HoldingDate.IsZero():
			heldThenAnswered++
		}
		if q.House == "Lords" {
			lords++
			if !strings.HasPrefix(q.UIN, "HL") {
				t.Fatalf("Lords uin %q", q.UIN)
			}
		}
		if q.NamedDay {
			named++
		}
		if len(q.Grouped) > 0 {
			grouped++
		}
		if !q.Corrected.IsZero() {
			corrected++
		}
		if utf8.RuneCountInString(q.Text) > 255 {
			longQ++
		}
		if utf8.RuneCountInString(q.Answer) > 255 {
			longA++
		}
		if strings.Contains(strings.ToLower(q.Text+q.Heading), "smart cit") {
			smart++
		}
	}
	pct := func(n int) float64 { return float64(n) * 100 / float64(len(qs)) }
	for _, c := range []struct {
		name   string
		got    float64
		lo, hi float64
	}{
		{"lords", pct(lords), 20, 30},
		{"named day", pct(named), 30, 45},
		{"grouped", pct(grouped), 12, 30},
		{"holding", pct(holding), 1, 3.5},
		{"held then answered", pct(heldThenAnswered), 8, 14},
		{"unanswered", pct(unanswered), 0.5, 2.5},
		{"withdrawn", pct(withdrawn), 0.05, 1},
		{"corrected", pct(corrected), 0.2, 1.5},
		{"long questions", pct(longQ), 20, 45},
		{"long answers", pct(longA), 60, 95},
		{"smart city", pct(smart), 9, 12},
	} {
		if c.got < c.lo || c.got > c.hi {
			t.Errorf("%s: %.2f%% of questions; want %.1f–%.1f%%", c.name, c.got, c.lo, c.hi)
		}
	}
}

func TestUKGeneratedParse(t *testing.T) {
	qs := Generate(300, 2021)
	s := New(Options{Questions: qs})
	defer s.Close()
	src := ukparl.New()
	statuses := map[parlq.Status]int{}
	for _, q := range qs {
		u := s.URL() + ListPath + "/" + jsonNumber(q.ID) + "?expandMember=true"
		_, body, err := crawlertest.Get(u, nil)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := src.Parse(u, body)
		if err != nil {
			t.Fatalf("Parse %d: %v", q.ID, err)
		}
		statuses[rec.Status]++
		if len(rec.Related) != len(q.Grouped) {
			t.Errorf("%d: related %v; want %d grouped", q.ID, rec.Related, len(q.Grouped))
		}
		if rec.Author.Name != q.Asking.Name || rec.Addressee.Body != q.Body {
			t.Errorf("%d: author %+v addressee %+v", q.ID, rec.Author, rec.Addressee)
		}
	}
	if statuses[parlq.Answered] == 0 || statuses[parlq.Pending] == 0 {
		t.Errorf("statuses %v; want answered and pending", statuses)
	}
}

func TestUKFaults(t *testing.T) {
	qs := Generate(20, 2021)
	s := New(Options{Questions: qs})
	defer s.Close()
	src := ukparl.New()
	detail := s.URL() + ListPath + "/" + jsonNumber(qs[0].ID) + "?expandMember=true"
	list := s.URL() + ListPath + "?take=5"

	s.SetFault(QuestionTarget(qs[0].ID), crawlertest.Fault{Kind: crawlertest.Malformed, Times: 1})
	resp, body, err := crawlertest.Get(detail, nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("malformed: %v %v", resp, err)
	}
	if _, err := src.Parse(detail, body); !errors.Is(err, ukparl.ErrMalformed) {
		t.Errorf("malformed detail: Parse error %v; want ErrMalformed", err)
	}
	if _, body, _ := crawlertest.Get(detail, nil); !json.Valid(body) {
		t.Error("the fault outlived its Times")
	}

	s.SetFault(TargetList, crawlertest.Fault{Kind: crawlertest.Malformed})
	_, body, _ = crawlertest.Get(list, nil)
	if _, err := src.Discover(list, body); !errors.Is(err, ukparl.ErrMalformed) {
		t.Errorf("malformed list: Discover error %v; want ErrMalformed", err)
	}
	s.SetFault(TargetList, crawlertest.Fault{Kind: crawlertest.Layout})
	_, body, _ = crawlertest.Get(list, nil)
	var le *parlq.LayoutError
	if _, err := src.Discover(list, body); !errors.As(err, &le) {
		t.Errorf("changed layout: Discover error %v; want a LayoutError", err)
	}
	s.SetFault(TargetList, crawlertest.Fault{Kind: crawlertest.SoftError})
	_, body, _ = crawlertest.Get(list, nil)
	if _, err := src.Discover(list, body); !errors.Is(err, parlq.ErrSoftError) {
		t.Errorf("problem body: Discover error %v; want ErrSoftError", err)
	}
	s.SetFault(TargetList, crawlertest.Fault{Kind: crawlertest.Truncate})
	if _, _, err := crawlertest.Get(list, nil); err == nil {
		t.Error("truncated body read without error")
	}
	s.SetFault(crawlertest.TargetAll, crawlertest.Fault{Kind: crawlertest.TooManyRequests, RetryAfter: "7"})
	s.SetFault(TargetList, crawlertest.Fault{Kind: crawlertest.ServerError, Status: 502})
	if resp, _, _ := crawlertest.Get(list, nil); resp.StatusCode != 502 {
		t.Errorf("server error: status %d; want 502", resp.StatusCode)
	}
	if resp, _, _ := crawlertest.Get(detail, nil); resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "7" {
		t.Errorf("global fault: status %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	s.ClearFaults()
	if resp, _, _ := crawlertest.Get(s.URL()+"/robots.txt", nil); resp.StatusCode != 200 {
		t.Errorf("robots.txt: status %d", resp.StatusCode)
	}
	if n := s.Requests(crawlertest.Target("question/")); n != 3 {
		t.Errorf("detail requests = %d; want 3", n)
	}
	if s.MaxInFlight() != 1 {
		t.Errorf("max in flight %d; want 1", s.MaxInFlight())
	}
}

// TestUKWorseAnswers: the faults that make a response worse than the
// question is, each read by the real source as what it is.
func TestUKWorseAnswers(t *testing.T) {
	qs := Generate(12, 2021)
	qs[0] = Answer(qs[0], qs[0].Tabled.AddDate(0, 0, 3), "The figures are:\nRegion\tSchemes\tSpend\nNorth\t4\t£2m\nWales\t\t£1m\nThey are provisional.")
	s := New(Options{Questions: qs})
	defer s.Close()
	src := ukparl.New()
	detail := s.URL() + ListPath + "/" + jsonNumber(qs[0].ID) + "?expandMember=true"

	// The answer's table is served in the API's markup and read back as rows.
	_, body, _ := crawlertest.Get(detail, nil)
	if !strings.Contains(string(body), "<tr><td><p>North</p></td>") {
		t.Errorf("answer markup: %s; want the API's <td><p> cells", body)
	}
	rec, err := src.Parse(detail, body)
	if err != nil || rec.Answer != qs[0].Answer {
		t.Errorf("answer read back %q, %v; want %q", rec.Answer, err, qs[0].Answer)
	}
	// The detail's self link is its date and uin, and that address serves it.
	var env struct {
		Links []struct{ Href string } `json:"links"`
	}
	json.Unmarshal(body, &env)
	want := "/Questions/" + qs[0].Tabled.Format("2006-01-02") + "/" + qs[0].UIN
	if len(env.Links) != 1 || env.Links[0].Href != want {
		t.Errorf("detail links %+v; want %s", env.Links, want)
	}
	_, byUIN, _ := crawlertest.Get(s.URL()+ListPath+"/"+qs[0].Tabled.Format("2006-01-02")+"/"+qs[0].UIN+"?expandMember=true", nil)
	if string(byUIN) != string(body) {
		t.Errorf("/{date}/{uin} serves %s; want the question's detail", byUIN)
	}
	if resp, _, _ := crawlertest.Get(s.URL()+ListPath+"/2021-01-01/99999", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown date/uin: status %d; want 404", resp.StatusCode)
	}

	s.SetFault(QuestionTarget(qs[0].ID), crawlertest.Fault{Kind: crawlertest.Degraded, Times: 1})
	_, body, _ = crawlertest.Get(detail, nil)
	rec, err = src.Parse(detail, body)
	if err != nil || rec.Question != "" || rec.Answer != "" {
		t.Errorf("degraded detail: %+v, %v; want a well-formed record without texts", rec, err)
	}
	s.SetFault(QuestionTarget(qs[0].ID), crawlertest.Fault{Kind: crawlertest.Cut, Times: 1})
	_, body, _ = crawlertest.Get(detail, nil)
	if _, err := src.Parse(detail, body); !errors.Is(err, ukparl.ErrMalformed) {
		t.Errorf("cut detail: %v; want ErrMalformed", err)
	}
	if !strings.Contains(string(body), `"answerText":"<p>The figures`) {
		t.Errorf("cut detail %q; want it cut inside the answer", body)
	}

	list := s.URL() + ListPath + "?take=8&includeWithdrawn=true"
	s.SetFault(TargetList, crawlertest.Fault{Kind: crawlertest.Shrunk, Times: 1})
	got := getList(t, list)
	if got.TotalResults != 12 || len(got.Results) != 2 {
		t.Errorf("shrunk list: total %d, %d results; want 12 announced, 2 delivered", got.TotalResults, len(got.Results))
	}
	if got := getList(t, list); len(got.Results) != 8 {
		t.Errorf("after the fault: %d results; want 8", len(got.Results))
	}
}
