package ukparl_test

import (
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/parser/ukparl"
)

// realList is what a test reads itself from a real list body, to check the
// source against.
type realList struct {
	TotalResults *int       `json:"totalResults"`
	Results      []realItem `json:"results"`
}

type realItem struct {
	Value json.RawMessage `json:"value"`
	Links []struct {
		Href string `json:"href"`
	} `json:"links"`
}

type realValue struct {
	ID    int64  `json:"id"`
	House string `json:"house"`
}

// realFixtures lists the saved list responses with what fixtures/README.md
// says of them.
var realFixtures = []struct {
	file           string
	count          int
	commons, lords int
	bare           bool
}{
	{file: "clquestions_fetch_questions_get.body.json", count: 520, commons: 389, lords: 131},
	{file: "clquestions_fetch_questions_body_get.body.json", count: 23, commons: 17, lords: 6},
	{file: "clquestions_fetch_answers_body_get.body.json", count: 20, commons: 19, lords: 1},
	{file: "clquestions_fetch_questions_member_get.body.json", count: 9, commons: 9},
	{file: "clquestions_fetch_answers_member_get.body.json", count: 5, commons: 5},
	{file: "2023-12.first12.json", count: 12, commons: 12, bare: true},
}

func readReal(t *testing.T, body []byte, bare bool) ([]realItem, int) {
	t.Helper()
	if bare {
		var items []realItem
		if err := json.Unmarshal(body, &items); err != nil {
			t.Fatal(err)
		}
		return items, -1
	}
	var l realList
	if err := json.Unmarshal(body, &l); err != nil {
		t.Fatal(err)
	}
	return l.Results, *l.TotalResults
}

func TestDiscoverRealLists(t *testing.T) {
	dir := fixtures(t)
	src := ukparl.New()
	for _, f := range realFixtures {
		t.Run(f.file, func(t *testing.T) {
			body := read(t, filepath.Join(dir, f.file))
			items, total := readReal(t, body, f.bare)
			if len(items) != f.count {
				t.Fatalf("fixture holds %d items; README says %d", len(items), f.count)
			}
			// The request the fixture answered: take=1000, so no next page.
			listURL := api + "?expandMember=true&take=1000&house=Bicameral&skip=0"
			d, err := src.Discover(listURL, body)
			if err != nil {
				t.Fatalf("Discover: %v", err)
			}
			if d.Total != total {
				t.Errorf("total: got %d; want %d", d.Total, total)
			}
			if len(d.Next) != 0 {
				t.Errorf("next: got %q; want none (take=1000)", d.Next)
			}
			if len(d.Refs) != f.count {
				t.Fatalf("refs: got %d; want %d", len(d.Refs), f.count)
			}
			seen := map[string]bool{}
			houses := map[string]int{}
			for i, r := range d.Refs {
				var v realValue
				if err := json.Unmarshal(items[i].Value, &v); err != nil {
					t.Fatal(err)
				}
				id := strconv.FormatInt(v.ID, 10)
				wantID := "ukparl/" + strings.ToLower(v.House) + "/" + id
				if r.ID != wantID {
					t.Errorf("ref %d: id %q; want %q", i, r.ID, wantID)
				}
				if want := api + "/" + id + "?expandMember=true"; r.URL != want {
					t.Errorf("ref %d: url %q; want %q (from value.id)", i, r.URL, want)
				}
				for _, l := range items[i].Links {
					if strings.HasSuffix(r.URL, l.Href) || strings.Contains(r.URL, l.Href+"?") {
						t.Errorf("ref %d: url %q follows the link %q", i, r.URL, l.Href)
					}
				}
				if seen[r.ID] {
					t.Errorf("ref %d: id %s twice", i, r.ID)
				}
				seen[r.ID] = true
				houses[r.Listing.Assembly]++
				var lv struct {
					QuestionText string  `json:"questionText"`
					AnswerText   *string `json:"answerText"`
				}
				if err := json.Unmarshal(items[i].Value, &lv); err != nil {
					t.Fatal(err)
				}
				if r.Listing.Question != strings.Join(strings.Fields(lv.QuestionText), " ") || (lv.AnswerText != nil && *lv.AnswerText != "" && r.Listing.Answer == "") {
					t.Errorf("ref %s: listing texts %q / %q; want the list's own", r.ID, r.Listing.Question, r.Listing.Answer)
				}
				if r.Received == "" || r.Updated < r.Received || r.Listing.Title == "" || r.Listing.Number == "" {
					t.Errorf("ref %s: got %+v; want received, updated >= received, title and number", r.ID, r)
				}
			}
			if houses["commons"] != f.commons || houses["lords"] != f.lords {
				t.Errorf("houses: got %v; want commons %d, lords %d", houses, f.commons, f.lords)
			}
		})
	}
}

// TestDiscoverRealPaging asks for the first page of 100 of the 520-question
// day: the next page is skip=100.
func TestDiscoverRealPaging(t *testing.T) {
	dir := fixtures(t)
	body := read(t, filepath.Join(dir, "clquestions_fetch_questions_get.body.json"))
	u := api + "?tabledWhenFrom=2021-02-01&tabledWhenTo=2021-02-01&house=Bicameral&expandMember=true&take=100&skip=400"
	d, err := ukparl.New().Discover(u, body)
	if err != nil {
		t.Fatal(err)
	}
	want := api + "?tabledWhenFrom=2021-02-01&tabledWhenTo=2021-02-01&house=Bicameral&expandMember=true&take=100&skip=500"
	if len(d.Next) != 1 || d.Next[0] != want {
		t.Errorf("next: got %q; want [%q]", d.Next, want)
	}
	u = strings.Replace(u, "skip=400", "skip=500", 1)
	if d, err = ukparl.New().Discover(u, body); err != nil || len(d.Next) != 0 {
		t.Errorf("last page: got next %q, err %v; want none", d.Next, err)
	}
}

// TestParseRealValues parses every real list item's value as if it were a
// detail body. List texts are truncated, so only the structure is checked.
func TestParseRealValues(t *testing.T) {
	dir := fixtures(t)
	src := ukparl.New()
	type counts struct {
		answered, holding, unanswered, withdrawn, corrected, related, holdingThenAnswered, noAuthorName int
	}
	want := map[string]counts{
		// fixtures/README.md: 10 holding answers, 4 corrected, 7 unanswered,
		// 115 with grouped questions.
		"clquestions_fetch_questions_get.body.json":        {answered: 503, holding: 10, unanswered: 7, corrected: 4, related: 115, holdingThenAnswered: 56},
		"clquestions_fetch_questions_body_get.body.json":   {answered: 23, related: 5, holdingThenAnswered: 2},
		"clquestions_fetch_answers_body_get.body.json":     {answered: 20, related: 5},
		"clquestions_fetch_questions_member_get.body.json": {answered: 9, holdingThenAnswered: 1},
		"clquestions_fetch_answers_member_get.body.json":   {answered: 5},
		// Saved without expandMember: no member names.
		"2023-12.first12.json": {answered: 12, corrected: 1, holdingThenAnswered: 3, noAuthorName: 12},
	}
	for _, f := range realFixtures {
		t.Run(f.file, func(t *testing.T) {
			items, _ := readReal(t, read(t, filepath.Join(dir, f.file)), f.bare)
			var got counts
			for _, it := range items {
				var v realValue
				if err := json.Unmarshal(it.Value, &v); err != nil {
					t.Fatal(err)
				}
				u := api + "/" + strconv.FormatInt(v.ID, 10) + "?expandMember=true"
				q, err := src.Parse(u, it.Value)
				if err != nil {
					t.Errorf("Parse value %d: %v", v.ID, err)
					continue
				}
				if q.Author.ID == "" || q.Addressee.Body == "" {
					t.Errorf("%s: author id %q, addressee body %q; want both", q.ID, q.Author.ID, q.Addressee.Body)
				}
				if q.Author.Name == "" {
					got.noAuthorName++
				}
				switch {
				case q.Status == parlq.Answered:
					got.answered++
					if q.Answered == "" || q.Answer == "" || q.Addressee.Name == "" && !f.bare {
						t.Errorf("%s: answered without date, text or minister: %+v", q.ID, q)
					}
					if q.HoldingAnswered != "" {
						got.holdingThenAnswered++
					}
				case q.Status == parlq.Pending && q.HoldingAnswered != "":
					got.holding++
					if q.Answered != "" || q.Answer == "" {
						t.Errorf("%s: holding answer with answered %q, answer %q; want no date and the holding text", q.ID, q.Answered, q.Answer)
					}
				case q.Status == parlq.Pending:
					got.unanswered++
					if q.Answer != "" || q.Addressee.Name != "" {
						t.Errorf("%s: unanswered with answer %q by %q", q.ID, q.Answer, q.Addressee.Name)
					}
				case q.Status == parlq.Withdrawn:
					got.withdrawn++
				}
				if q.Corrected != "" {
					got.corrected++
				}
				if len(q.Related) > 0 {
					got.related++
					for _, r := range q.Related {
						if !strings.HasPrefix(r, "ukparl/"+q.Assembly+"/number:") {
							t.Errorf("%s: related %q", q.ID, r)
						}
					}
				}
			}
			if got != want[f.file] {
				t.Errorf("counts:\ngot  %+v\nwant %+v", got, want[f.file])
			}
		})
	}
}

// TestParseRealDetails parses the saved real detail responses
// (fixtures/uk/detail_*.json, /api/writtenquestions/questions/{date}/{uin},
// requested without expandMember) and checks each record against the
// response's own members, read here independently of the parser.
func TestParseRealDetails(t *testing.T) {
	dir := fixtures(t)
	files, err := filepath.Glob(filepath.Join(dir, "detail_*.json"))
	if err != nil || len(files) < 5 {
		t.Fatalf("detail fixtures: %d files, %v; the README lists five", len(files), err)
	}
	src := ukparl.New()
	seen := map[string]int{}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			body := read(t, file)
			var env struct {
				Value struct {
					ID                 int64   `json:"id"`
					AskingMemberID     int64   `json:"askingMemberId"`
					UIN                string  `json:"uin"`
					DateTabled         string  `json:"dateTabled"`
					DateForAnswer      string  `json:"dateForAnswer"`
					DateAnswered       *string `json:"dateAnswered"`
					DateHoldingAnswer  *string `json:"dateHoldingAnswer"`
					AnswerIsHolding    *bool   `json:"answerIsHolding"`
					AnswerIsCorrection *bool   `json:"answerIsCorrection"`
					AnswerText         *string `json:"answerText"`
					QuestionText       string  `json:"questionText"`
				} `json:"value"`
			}
			if err := json.Unmarshal(body, &env); err != nil {
				t.Fatal(err)
			}
			v := env.Value
			q, err := src.Parse(api+"/"+strconv.FormatInt(v.ID, 10)+"?expandMember=true", body)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			day := func(s string) string { return s[:min(10, len(s))] }
			for _, c := range []struct{ field, got, want string }{
				{"number", q.Number, v.UIN}, {"received", q.Received, day(v.DateTabled)},
				{"due", q.Due, day(v.DateForAnswer)}, {"author.id", q.Author.ID, strconv.FormatInt(v.AskingMemberID, 10)},
				{"question", q.Question, strings.Join(strings.Fields(v.QuestionText), " ")},
			} {
				if c.got != c.want {
					t.Errorf("%s: got %q; want %q", c.field, c.got, c.want)
				}
			}
			switch {
			case v.AnswerText == nil:
				// Unanswered: answerIsHolding and answerIsCorrection are
				// null, not false (the README's finding).
				seen["unanswered"]++
				if v.AnswerIsHolding != nil || v.AnswerIsCorrection != nil {
					t.Errorf("unanswered response with holding %v, correction %v; the README says null", v.AnswerIsHolding, v.AnswerIsCorrection)
				}
				if q.Status != parlq.Pending || q.Answer != "" || q.Answered != "" || q.HoldingAnswered != "" {
					t.Errorf("unanswered: got status %s, answer %q, answered %q, holding %q", q.Status, q.Answer, q.Answered, q.HoldingAnswered)
				}
			case *v.AnswerIsHolding:
				seen["holding"]++
				if q.Status != parlq.Pending || q.Answered != "" || q.HoldingAnswered != day(*v.DateHoldingAnswer) || q.Answer == "" {
					t.Errorf("holding answer: got status %s, answered %q, holding %q, answer %q", q.Status, q.Answered, q.HoldingAnswered, q.Answer)
				}
			default:
				seen["answered"]++
				if q.Status != parlq.Answered || q.Answered != day(*v.DateAnswered) || q.Answer == "" {
					t.Errorf("answer: got status %s, answered %q, answer %d characters", q.Status, q.Answered, len(q.Answer))
				}
				if v.DateHoldingAnswer != nil && q.HoldingAnswered != day(*v.DateHoldingAnswer) {
					t.Errorf("holding date %q; want %q (a substantive answer after a holding one)", q.HoldingAnswered, *v.DateHoldingAnswer)
				}
				if rows := strings.Count(*v.AnswerText, "<tr>"); rows > 0 {
					// Every table row is one line of tab-separated cells.
					seen["table"]++
					lines := 0
					for _, l := range strings.Split(q.Answer, "\n") {
						if strings.Contains(l, "\t") {
							lines++
							if n := strings.Count(l, "\t") + 1; n != 3 {
								t.Errorf("table row %q: %d cells; want 3", l, n)
							}
						}
					}
					if lines != rows {
						t.Errorf("table: %d lines with cells; want %d rows", lines, rows)
					}
				}
			}
			if strings.ContainsAny(q.Answer, "<>") {
				t.Errorf("answer keeps markup: %q", q.Answer)
			}
		})
	}
	if seen["unanswered"] < 1 || seen["holding"] < 1 || seen["answered"] < 2 || seen["table"] < 1 {
		t.Errorf("kinds seen %v; the README lists an unanswered, a holding, answered ones and a table", seen)
	}
}
