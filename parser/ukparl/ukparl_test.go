package ukparl_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/parser/ukparl"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ukparl")

// source is parlq.Source, restated here: package parser imports this one.
type source interface {
	Name() string
	Parliament() string
	BaseURL() string
	Version() string
	Seeds(opts parlq.SeedOptions) ([]string, error)
	Discover(url string, body []byte) (*parlq.Discovery, error)
	Parse(url string, body []byte) (*parlq.Question, error)
	Normalize(url string, body []byte) ([]byte, error)
	Recheck() parlq.RecheckPolicy
}

var _ source = ukparl.New()

const api = "https://questions-statements-api.parliament.uk/api/writtenquestions/questions"

// repoRoot is the directory holding go.mod, found by walking up.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
}

func testdata(t testing.TB, parts ...string) string {
	return filepath.Join(append([]string{repoRoot(t), "testdata", "ukparl"}, parts...)...)
}

// fixtures is the shared folder of real saved UK responses, read in place.
func fixtures(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(repoRoot(t), "..", "shared", "fixtures", "uk")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("real UK fixtures not available at %s: %v", dir, err)
	}
	return dir
}

func read(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// detailFiles are the hand-written detail bodies (goldens excluded).
func detailFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(testdata(t, "detail", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	files = slices.DeleteFunc(files, func(f string) bool { return strings.HasSuffix(f, ".golden.json") })
	if len(files) == 0 {
		t.Fatal("no detail bodies in testdata/ukparl/detail")
	}
	return files
}

func TestParseGolden(t *testing.T) {
	src := ukparl.New()
	for _, file := range detailFiles(t) {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		t.Run(name, func(t *testing.T) {
			q, err := src.Parse(api+"/0?expandMember=true", read(t, file))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got, err := json.MarshalIndent(q, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := strings.TrimSuffix(file, ".json") + ".golden.json"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want := read(t, golden)
			if !bytes.Equal(got, want) {
				t.Errorf("record differs from %s (run go test ./parser/... -update after checking):\ngot:\n%s\nwant:\n%s", golden, got, want)
			}
		})
	}
}

// TestParseFields states what each hand-written body must become, so that a
// wrong golden cannot hide a wrong record.
func TestParseFields(t *testing.T) {
	src := ukparl.New()
	tests := []struct {
		file                                      string
		id, assembly, number, status              string
		received, answered, holding, corrected    string
		author, party, addresseeName, body, title string
		questionHas, answerHas                    string
		related, attachments                      int
	}{
		{file: "commons-answered", id: "ukparl/commons/9000101", assembly: "commons", number: "40211", status: "answered",
			received: "2026-03-02", answered: "2026-03-09", author: "Alex Marlowe", party: "Labour",
			addresseeName: "Priya Hale", body: "Department for Science, Innovation and Technology",
			title: "Smart Cities: Data Protection", questionHas: "sensor networks in smart city pilots",
			answerHas: "pilots & data sharing in January.\nLocal authorities must"},
		{file: "lords-answered", id: "ukparl/lords/9000201", assembly: "lords", number: "HL4410", status: "answered",
			received: "2026-03-03", answered: "2026-03-16", author: "Baroness Pemberly of Ashcombe", party: "Crossbench",
			addresseeName: "Lord Winterfold", body: "Department for Transport", title: "Railways: Accessibility",
			questionHas: "step-free access", answerHas: "Access for All"},
		{file: "commons-holding", id: "ukparl/commons/9000301", assembly: "commons", number: "40377", status: "pending",
			received: "2026-03-04", holding: "2026-03-09", author: "Dr Ngozi Okafor", party: "Liberal Democrat",
			addresseeName: "Tom Brennan", body: "Department of Health and Social Care", title: "Hospitals: Waiting Lists",
			questionHas: "hip replacement", answerHas: "will not be possible to answer this question within the usual time"},
		{file: "commons-holding-answered", id: "ukparl/commons/9000301", assembly: "commons", number: "40377", status: "answered",
			received: "2026-03-04", answered: "2026-04-14", holding: "2026-03-09", author: "Dr Ngozi Okafor", party: "Liberal Democrat",
			addresseeName: "Tom Brennan", body: "Department of Health and Social Care", title: "Hospitals: Waiting Lists",
			questionHas: "hip replacement", answerHas: "1,204 patients", attachments: 1},
		{file: "commons-corrected", id: "ukparl/commons/9000401", assembly: "commons", number: "40502", status: "answered",
			received: "2026-03-05", answered: "2026-03-10", corrected: "2026-03-20", author: "Alex Marlowe", party: "Labour",
			addresseeName: "Tom Brennan", body: "Department for Education", title: "Schools: Heating",
			questionHas: "heating systems", answerHas: "312 schools"},
		{file: "lords-withdrawn", id: "ukparl/lords/9000501", assembly: "lords", number: "HL4468", status: "withdrawn",
			received: "2026-03-06", author: "Baroness Pemberly of Ashcombe", party: "Crossbench",
			body: "Department for Environment, Food and Rural Affairs", title: "Fisheries: Quotas", questionHas: "fishing quotas"},
		{file: "commons-grouped", id: "ukparl/commons/9000602", assembly: "commons", number: "40614", status: "answered",
			received: "2026-03-09", answered: "2026-03-13", author: "Dr Ngozi Okafor", party: "Liberal Democrat",
			addresseeName: "Ruth Ashdown", body: "Department for Transport", title: "Buses: Rural Areas",
			questionHas: "demand-responsive", answerHas: "Questions 40613 and 40615", related: 2},
		{file: "commons-attachments", id: "ukparl/commons/9000701", assembly: "commons", number: "40720", status: "answered",
			received: "2026-03-10", answered: "2026-03-18", author: "Alex Marlowe", party: "Labour",
			addresseeName: "Simon Quayle", body: "Department for Environment, Food and Rural Affairs", title: "Flood Defences: Finance",
			questionHas: "flood defence schemes", answerHas: "attached tables", attachments: 2},
		{file: "commons-pending-bare", id: "ukparl/commons/9000801", assembly: "commons", number: "40851", status: "pending",
			received: "2026-03-11", author: "Dr Ngozi Okafor", party: "Liberal Democrat",
			body: "Department for Culture, Media and Sport", title: "Libraries: Opening Hours", questionHas: "public library opening hours"},
		{file: "commons-table", id: "ukparl/commons/9000811", assembly: "commons", number: "41822", status: "answered",
			received: "2026-04-07", answered: "2026-04-16", author: "Tom Quarrington", party: "Green Party",
			addresseeName: "Joanne Ellery", body: "Department of Health and Social Care", title: "Pharmacy: Closures",
			questionHas: "community pharmacies closed", answerHas: "Region\t2023\t2024\t2025\nNorth East\t14\t19\t11"},
		{file: "commons-unanswered-nulls", id: "ukparl/commons/9000812", assembly: "commons", number: "41907", status: "pending",
			received: "2026-04-08", author: "Tom Quarrington", party: "Green Party",
			body: "Department of Health and Social Care", title: "Pharmacy: Rural Areas", questionHas: "rural areas"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			q, err := src.Parse(api+"/1?expandMember=true", read(t, testdata(t, "detail", tt.file+".json")))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			for _, c := range []struct{ field, got, want string }{
				{"id", q.ID, tt.id}, {"source", q.Source, "ukparl"}, {"parliament", q.Parliament, "UK Parliament"},
				{"assembly", q.Assembly, tt.assembly}, {"language", q.Language, "en"}, {"type", string(q.Type), "written_question"},
				{"number", q.Number, tt.number}, {"status", string(q.Status), tt.status},
				{"received", q.Received, tt.received}, {"answered", q.Answered, tt.answered},
				{"holding_answered", q.HoldingAnswered, tt.holding}, {"corrected", q.Corrected, tt.corrected},
				{"author.name", q.Author.Name, tt.author}, {"author.party", q.Author.Party, tt.party},
				{"addressee.name", q.Addressee.Name, tt.addresseeName}, {"addressee.body", q.Addressee.Body, tt.body},
				{"addressee.role", q.Addressee.Role, ""}, {"title", q.Title, tt.title},
				{"url", q.URL, "https://questions-statements.parliament.uk/written-questions/detail/" + tt.received + "/" + tt.number},
			} {
				if c.got != c.want {
					t.Errorf("%s: got %q; want %q", c.field, c.got, c.want)
				}
			}
			if !strings.Contains(q.Question, tt.questionHas) {
				t.Errorf("question: got %q; want it to contain %q", q.Question, tt.questionHas)
			}
			if tt.answerHas == "" && q.Answer != "" {
				t.Errorf("answer: got %q; want none", q.Answer)
			}
			if !strings.Contains(q.Answer, tt.answerHas) {
				t.Errorf("answer: got %q; want it to contain %q", q.Answer, tt.answerHas)
			}
			for _, text := range []string{q.Question, q.Answer, q.Title} {
				if strings.ContainsAny(text, "<>") || strings.Contains(text, "&amp;") || strings.Contains(text, "\u00a0") {
					t.Errorf("text keeps markup, entities or no-break spaces: %q", text)
				}
			}
			if len(q.Related) != tt.related {
				t.Errorf("related: got %q; want %d ids", q.Related, tt.related)
			}
			if len(q.Attachments) != tt.attachments {
				t.Errorf("attachments: got %+v; want %d", q.Attachments, tt.attachments)
			}
			if q.Acts[0].Act != "Tabled" || q.Acts[0].Date != tt.received {
				t.Errorf("first act: got %+v; want Tabled on %s", q.Acts[0], tt.received)
			}
		})
	}
}

func TestParseDetails(t *testing.T) {
	src := ukparl.New()
	parse := func(file string) *parlq.Question {
		t.Helper()
		q, err := src.Parse(api+"/1?expandMember=true", read(t, testdata(t, "detail", file)))
		if err != nil {
			t.Fatalf("Parse %s: %v", file, err)
		}
		return q
	}
	t.Run("answer html", func(t *testing.T) {
		q := parse("commons-answered.json")
		want := "The Department published guidance on smart city pilots & data sharing in January.\n" +
			"Local authorities must complete a data protection impact assessment before sensors are installed; the Information Commissioner\u2019s Office has reviewed the template.\n" +
			"Funding of \u00a32.5 million was allocated for 2026\u201327:\n" +
			"Region\tPilots\nNorth West\t4\nWales\t2\n" +
			"Sensor data is held for 30 days.\nFootage is never shared with third parties."
		if q.Answer != want {
			t.Errorf("answer:\ngot  %q\nwant %q", q.Answer, want)
		}
	})
	t.Run("table rows", func(t *testing.T) {
		// The API's table markup: every cell's text in its own <p>.
		q := parse("commons-table.json")
		want := "The following table shows the number of community pharmacies that closed in England, by region:\n" +
			"Region\t2023\t2024\t2025\n" +
			"North East\t14\t19\t11\n" +
			"South West\t22\t\t17\n" +
			"London (inner and outer)\t41\t38\t29\n" +
			"Figures for 2024 in the South West are not yet available."
		if q.Answer != want {
			t.Errorf("answer:\ngot  %q\nwant %q", q.Answer, want)
		}
		if q.Due != "2026-04-14" {
			t.Errorf("due: got %q; want the date for answer 2026-04-14", q.Due)
		}
	})
	t.Run("grouped", func(t *testing.T) {
		q := parse("commons-grouped.json")
		want := []string{"ukparl/commons/number:40613@2026-03-09", "ukparl/commons/number:40615@2026-03-09"}
		if !slices.Equal(q.Related, want) {
			t.Errorf("related: got %q; want %q", q.Related, want)
		}
	})
	t.Run("attachments", func(t *testing.T) {
		q := parse("commons-attachments.json")
		want := []parlq.Attachment{
			{Title: "Flood defence spending by region", URL: "https://questions-statements.parliament.uk/api/Attachment/WrittenQuestion/9000701/flood-spend.pdf", Type: "PDF"},
			{Title: "Flood defence spending (data)", URL: "https://questions-statements-api.parliament.uk/api/Attachment/WrittenQuestion/9000701/flood-spend.csv", Type: "CSV"},
		}
		if !slices.Equal(q.Attachments, want) {
			t.Errorf("attachments:\ngot  %+v\nwant %+v", q.Attachments, want)
		}
	})
	t.Run("corrected acts", func(t *testing.T) {
		q := parse("commons-corrected.json")
		want := []parlq.Act{
			{Date: "2026-03-05", Act: "Tabled", Actor: "Alex Marlowe"},
			{Date: "2026-03-10", Act: "Due for answer"},
			{Date: "2026-03-10", Act: "Answered", Actor: "Tom Brennan"},
			{Date: "2026-03-20", Act: "Answer corrected", Actor: "Tom Brennan"},
		}
		if !slices.Equal(q.Acts, want) {
			t.Errorf("acts:\ngot  %+v\nwant %+v", q.Acts, want)
		}
	})
	t.Run("named day", func(t *testing.T) {
		var v map[string]any
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "ukparl", "detail", "commons-corrected.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		v["value"].(map[string]any)["isNamedDay"] = true
		b, _ = json.Marshal(v)
		q, err := ukparl.New().Parse("https://questions-statements-api.parliament.uk/api/writtenquestions/questions/1", b)
		if err != nil {
			t.Fatal(err)
		}
		if q.Acts[1] != (parlq.Act{Date: "2026-03-10", Act: "Named day for answer"}) {
			t.Errorf("named day act: got %+v", q.Acts[1])
		}
	})
	t.Run("withdrawn acts", func(t *testing.T) {
		q := parse("lords-withdrawn.json")
		if n := len(q.Acts); n != 3 || q.Acts[0].Act != "Tabled" || q.Acts[1].Act != "Due for answer" || q.Acts[2].Act != "Withdrawn" {
			t.Errorf("acts: got %+v; want Tabled, Due for answer, Withdrawn", q.Acts)
		}
	})
}

// TestHoldingThenAnswered follows one question from its holding answer to its
// final answer: the same record id, a changed normalized body (so the catalog
// stores a new version), and the fields that changed.
func TestHoldingThenAnswered(t *testing.T) {
	src := ukparl.New()
	u := api + "/9000301?expandMember=true"
	before, after := read(t, testdata(t, "detail", "commons-holding.json")), read(t, testdata(t, "detail", "commons-holding-answered.json"))
	q1, err := src.Parse(u, before)
	if err != nil {
		t.Fatal(err)
	}
	q2, err := src.Parse(u, after)
	if err != nil {
		t.Fatal(err)
	}
	if q1.ID != q2.ID {
		t.Fatalf("id: got %q then %q; want the same", q1.ID, q2.ID)
	}
	if q1.Status != parlq.Pending || q1.Answered != "" || q1.HoldingAnswered != "2026-03-09" {
		t.Errorf("holding: got status %s, answered %q, holding %q; want pending, none, 2026-03-09", q1.Status, q1.Answered, q1.HoldingAnswered)
	}
	if q2.Status != parlq.Answered || q2.Answered != "2026-04-14" || q2.HoldingAnswered != "2026-03-09" {
		t.Errorf("final: got status %s, answered %q, holding %q; want answered, 2026-04-14, 2026-03-09", q2.Status, q2.Answered, q2.HoldingAnswered)
	}
	if q1.Answer == q2.Answer {
		t.Errorf("answer did not change: %q", q2.Answer)
	}
	n1, err := src.Normalize(u, before)
	if err != nil {
		t.Fatal(err)
	}
	n2, err := src.Normalize(u, after)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(n1, n2) {
		t.Error("normalized bodies are equal; want them to differ so a new version is stored")
	}
}

func TestNormalize(t *testing.T) {
	src := ukparl.New()
	body := read(t, testdata(t, "detail", "commons-corrected.json"))
	want, err := src.Normalize(api+"/9000401", body)
	if err != nil {
		t.Fatal(err)
	}
	var env struct {
		Value map[string]json.RawMessage `json:"value"`
		Links json.RawMessage            `json:"links"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatal(err)
	}
	// The same content with keys in reverse order, other links, and another
	// layout; and the bare value object.
	keys := make([]string, 0, len(env.Value))
	for k := range env.Value {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	slices.Reverse(keys)
	var b strings.Builder
	b.WriteString(`{ "links" : [ ] ,` + "\n\t" + `"value": {`)
	for i, k := range keys {
		if i > 0 {
			b.WriteString(",\n   ")
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteString(" : ")
		b.Write(env.Value[k])
	}
	b.WriteString("}}")
	reordered := []byte(b.String())
	bare, err := json.Marshal(env.Value)
	if err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string][]byte{"reordered": reordered, "bare": bare} {
		got, err := src.Normalize(api+"/9000401", in)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s:\ngot  %s\nwant %s", name, got, want)
		}
	}
	if bytes.Contains(want, []byte(`"links"`)) || bytes.ContainsAny(want, "\n\t") {
		t.Errorf("normalized body keeps links or layout: %s", want)
	}
	changed := bytes.Replace(body, []byte("312 schools"), []byte("313 schools"), 1)
	got, err := src.Normalize(api+"/9000401", changed)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(got, want) {
		t.Error("a changed answer normalizes to the same bytes")
	}
}

func TestParseBad(t *testing.T) {
	src := ukparl.New()
	listPage := read(t, testdata(t, "list", "page-1.json"))
	tests := []struct {
		name   string
		body   []byte
		layout bool
		soft   bool
		malf   bool
	}{
		{name: "truncated", body: read(t, testdata(t, "bad", "truncated.json")), malf: true},
		{name: "empty", body: nil, malf: true},
		{name: "html", body: []byte("<html><body>Service unavailable</body></html>"), malf: true},
		{name: "no id", body: read(t, testdata(t, "bad", "no-id.json")), layout: true},
		{name: "unknown house", body: read(t, testdata(t, "bad", "unknown-house.json")), layout: true},
		{name: "problem", body: read(t, testdata(t, "bad", "problem.json")), soft: true},
		{name: "list page", body: listPage, layout: true},
		{name: "array", body: []byte(`[]`), layout: true},
		{name: "empty object", body: []byte(`{}`), layout: true},
		{name: "null value", body: []byte(`{"value": null, "links": []}`), layout: true},
		{name: "id as text", body: []byte(`{"value": {"id": "x", "house": "Commons", "uin": "1", "dateTabled": "2026-01-01T00:00:00"}}`), layout: true},
		{name: "bad date", body: []byte(`{"value": {"id": 5, "house": "Commons", "uin": "1", "heading": "h", "dateTabled": "01/02/2026"}}`), layout: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, call := range []string{"Parse", "Normalize"} {
				var err error
				if call == "Parse" {
					var q *parlq.Question
					q, err = src.Parse(api+"/5", tt.body)
					if q != nil {
						t.Errorf("Parse returned a record with error %v", err)
					}
				} else {
					var b []byte
					b, err = src.Normalize(api+"/5", tt.body)
					if b != nil {
						t.Errorf("Normalize returned bytes with error %v", err)
					}
				}
				if err == nil {
					t.Fatalf("%s: got no error", call)
				}
				var le *parlq.LayoutError
				if got := errors.As(err, &le); got != tt.layout {
					t.Errorf("%s: layout error %v; want %v (%v)", call, got, tt.layout, err)
				}
				if got := errors.Is(err, parlq.ErrSoftError); got != tt.soft {
					t.Errorf("%s: soft error %v; want %v (%v)", call, got, tt.soft, err)
				}
				if got := errors.Is(err, ukparl.ErrMalformed); got != tt.malf {
					t.Errorf("%s: malformed %v; want %v (%v)", call, got, tt.malf, err)
				}
			}
		})
	}
}

func TestDiscoverPaging(t *testing.T) {
	src := ukparl.New()
	seeds, err := src.Seeds(parlq.SeedOptions{
		Since: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		Until: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		t.Fatal(err)
	}
	first := strings.Replace(seeds[0], "take=100", "take=3", 1)
	pages := map[string]string{
		first: "page-1.json",
		strings.Replace(first, "skip=0", "skip=3", 1): "page-2.json",
		strings.Replace(first, "skip=0", "skip=6", 1): "page-3.json",
	}
	var ids []string
	fetched := 0
	for queue := []string{first}; len(queue) > 0; queue = queue[1:] {
		u := queue[0]
		file, ok := pages[u]
		if !ok {
			t.Fatalf("next page %s is not one of the three pages", u)
		}
		fetched++
		d, err := src.Discover(u, read(t, testdata(t, "list", file)))
		if err != nil {
			t.Fatalf("Discover %s: %v", file, err)
		}
		if d.Total != 7 {
			t.Errorf("%s: total %d; want 7", file, d.Total)
		}
		for _, r := range d.Refs {
			ids = append(ids, r.ID)
			if r.Listing == nil {
				t.Fatalf("%s: ref %s without a listing", file, r.ID)
			}
			if r.Listing.Question == "" || strings.ContainsAny(r.Listing.Question+r.Listing.Answer, "<>") {
				t.Errorf("%s: listing of %s: question %q, answer %q; want the list's texts, plain", file, r.ID, r.Listing.Question, r.Listing.Answer)
			}
			// The texts stay in the listing: a record never takes them.
			q := &parlq.Question{ID: r.ID, Source: "ukparl"}
			parlq.MergeListing(q, r.Listing)
			if q.Question != "" || q.Answer != "" {
				t.Errorf("%s: MergeListing gave %s the list's cut texts", file, r.ID)
			}
			if r.Type != parlq.WrittenQuestion || r.Received == "" || r.Updated < r.Received {
				t.Errorf("%s: ref %+v: want a written question with received <= updated", file, r)
			}
		}
		queue = append(queue, d.Next...)
	}
	if fetched != 3 {
		t.Errorf("fetched %d pages; want 3", fetched)
	}
	want := []string{
		"ukparl/commons/9000101", "ukparl/lords/9000201", "ukparl/commons/9000301", "ukparl/commons/9000401",
		"ukparl/lords/9000501", "ukparl/commons/9000602", "ukparl/commons/9000701",
	}
	if !slices.Equal(ids, want) {
		t.Errorf("ids:\ngot  %q\nwant %q", ids, want)
	}
}

func TestDiscoverRef(t *testing.T) {
	src := ukparl.New()
	d, err := src.Discover("http://127.0.0.1:8081/mirror/api/writtenquestions/questions?take=3&skip=3&house=Bicameral",
		read(t, testdata(t, "list", "page-2.json")))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"http://127.0.0.1:8081/mirror/api/writtenquestions/questions?take=3&skip=6&house=Bicameral"}; !slices.Equal(d.Next, want) {
		t.Errorf("next: got %q; want %q", d.Next, want)
	}
	r := d.Refs[0] // the corrected answer
	want := parlq.Ref{
		ID:       "ukparl/commons/9000401",
		URL:      "http://127.0.0.1:8081/mirror/api/writtenquestions/questions/9000401?expandMember=true",
		Type:     parlq.WrittenQuestion,
		Received: "2026-03-05",
		Updated:  "2026-03-20",
	}
	got := r
	got.Listing = nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ref:\ngot  %+v\nwant %+v", got, want)
	}
	l := r.Listing
	if l.Title != "Schools: Heating" || l.Number != "40502" || l.Author.Name != "Alex Marlowe" ||
		l.Addressee.Body != "Department for Education" || l.Addressee.Name != "Tom Brennan" ||
		l.Corrected != "2026-03-20" || l.Status != parlq.Answered {
		t.Errorf("listing: got %+v", l)
	}
	// Nothing happened to the withdrawn question after it was tabled.
	if r := d.Refs[1]; r.ID != "ukparl/lords/9000501" || r.Updated != "2026-03-06" {
		t.Errorf("withdrawn ref: got %s updated %s; want ukparl/lords/9000501 updated 2026-03-06", r.ID, r.Updated)
	}
}

func TestDiscoverBad(t *testing.T) {
	src := ukparl.New()
	page := read(t, testdata(t, "list", "page-1.json"))
	tests := []struct {
		name   string
		body   []byte
		layout bool
		soft   bool
		malf   bool
	}{
		{name: "truncated", body: page[:len(page)*2/3], malf: true},
		{name: "empty", body: nil, malf: true},
		{name: "detail body", body: read(t, testdata(t, "detail", "lords-answered.json")), layout: true},
		{name: "problem", body: read(t, testdata(t, "bad", "problem.json")), soft: true},
		{name: "no total", body: []byte(`{"results": []}`), layout: true},
		{name: "null results", body: []byte(`{"totalResults": 3, "results": null}`), layout: true},
		{name: "item without id", body: []byte(`{"totalResults": 1, "results": [{"value": {"house": "Commons", "uin": "1", "dateTabled": "2026-01-01T00:00:00"}}]}`), layout: true},
		{name: "null item", body: []byte(`{"totalResults": 1, "results": [{"links": []}]}`), layout: true},
		{name: "number", body: []byte(`42`), layout: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := src.Discover(api+"?take=3&skip=0", tt.body)
			if d != nil {
				t.Errorf("got a discovery with %d refs along with error %v; want none", len(d.Refs), err)
			}
			if err == nil {
				t.Fatal("got no error")
			}
			var le *parlq.LayoutError
			if got := errors.As(err, &le); got != tt.layout {
				t.Errorf("layout error %v; want %v (%v)", got, tt.layout, err)
			}
			if got := errors.Is(err, parlq.ErrSoftError); got != tt.soft {
				t.Errorf("soft error %v; want %v (%v)", got, tt.soft, err)
			}
			if got := errors.Is(err, ukparl.ErrMalformed); got != tt.malf {
				t.Errorf("malformed %v; want %v (%v)", got, tt.malf, err)
			}
		})
	}
	if _, err := src.Discover("/relative?take=1", page); err == nil {
		t.Error("relative list url: got no error")
	}
	d, err := src.Discover(api+"?take=3&skip=0", []byte(`{"totalResults": 0, "results": []}`))
	if err != nil || len(d.Refs) != 0 || len(d.Next) != 0 || d.Total != 0 {
		t.Errorf("empty list: got %+v, %v; want no refs, no next, total 0", d, err)
	}
}

func TestSeeds(t *testing.T) {
	src := ukparl.New()
	date := func(s string) time.Time {
		d, err := time.Parse(parlq.DateLayout, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	win := func(base, kind, from, to string) string {
		q := kind + "From=" + from
		if to != "" {
			q += "&" + kind + "To=" + to
		}
		return base + "/api/writtenquestions/questions?" + q + "&house=Bicameral&includeWithdrawn=true&expandMember=true&take=100&skip=0"
	}
	three := func(base, from, to string) []string {
		return []string{win(base, "tabledWhen", from, to), win(base, "answeredWhen", from, to), win(base, "correctedWhen", from, to)}
	}
	const canon = "https://questions-statements-api.parliament.uk"
	tests := []struct {
		name string
		opts parlq.SeedOptions
		want []string
	}{
		{name: "one day", opts: parlq.SeedOptions{Since: date("2021-02-01"), Until: date("2021-02-01")},
			want: three(canon, "2021-02-01", "2021-02-01")},
		{name: "across months", opts: parlq.SeedOptions{Since: date("2026-02-24"), Until: date("2026-03-03")},
			want: append(three(canon, "2026-02-24", "2026-02-28"), three(canon, "2026-03-01", "2026-03-03")...)},
		{name: "open-ended", opts: parlq.SeedOptions{Since: date("2026-01-15")},
			want: three(canon, "2026-01-15", "")},
		{name: "months", opts: parlq.SeedOptions{Since: date("2023-12-20"), Until: date("2024-03-02")},
			want: slices.Concat(
				three(canon, "2023-12-20", "2023-12-31"),
				three(canon, "2024-01-01", "2024-01-31"),
				three(canon, "2024-02-01", "2024-02-29"),
				three(canon, "2024-03-01", "2024-03-02"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := src.Seeds(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("seeds:\ngot  %q\nwant %q", got, tt.want)
			}
		})
	}
	for name, opts := range map[string]parlq.SeedOptions{
		"no dates": {},
		"no start": {Until: date("2026-03-01")},
		"reversed": {Since: date("2026-03-02"), Until: date("2026-03-01")},
	} {
		if got, err := src.Seeds(opts); err == nil {
			t.Errorf("%s: got %q and no error", name, got)
		}
	}
}

func TestRecheck(t *testing.T) {
	p := ukparl.New().Recheck()
	if p.PendingEvery <= 0 || p.PendingFor <= 0 {
		t.Errorf("pending questions are never re-checked: %+v", p)
	}
	if p.AnsweredEvery != 0 {
		t.Errorf("answered questions re-checked every %v; want never (corrections come through the correctedWhen window)", p.AnsweredEvery)
	}
}

// TestMembersAreReadByExactName: encoding/json matches member names without
// regard to case, the API spells them one way. A member spelt otherwise
// ("Id", "dAteTABled") is not the field: Parse does not read it and
// Normalize does not keep it (the fuzz corpus keeps the input that found
// the difference, testdata/fuzz/FuzzParse/eb9ae39b62311e6a).
func TestMembersAreReadByExactName(t *testing.T) {
	src := ukparl.New()
	const u = api + "/1?expandMember=true"
	body := []byte(`{"value":{"id":7,"Id":8,"house":"Commons","uin":"12","dateTabled":"2026-01-05","DATETABLED":"1999-01-01",` +
		`"heading":"Roads","questionText":"To ask about roads.","askingMember":{"id":3,"name":"A Member","NAME":"Someone Else"}}}`)
	q, err := src.Parse(u, body)
	if err != nil {
		t.Fatal(err)
	}
	if q.ID != "ukparl/commons/7" || q.Received != "2026-01-05" || q.Author.Name != "A Member" {
		t.Errorf("got id %s, received %s, author %q; want the exact members' values", q.ID, q.Received, q.Author.Name)
	}
	n, err := src.Normalize(u, body)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{`"Id"`, `"DATETABLED"`, `"NAME"`} {
		if strings.Contains(string(n), k) {
			t.Errorf("normalized form keeps %s: %s", k, n)
		}
	}
	if _, err := src.Parse(u, []byte(`{"value":{"Id":1,"house":"Commons","dAteTABled":"0000-01-10","uin":"0"}}`)); err == nil {
		t.Error("a value with only \"Id\" parsed; want a layout error (no id)")
	}
}
