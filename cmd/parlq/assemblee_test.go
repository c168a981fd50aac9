package main

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/parser/assemblee/assembleetest"
	"github.com/parlq/parlq/parser/bechamber/bechambertest"
	"github.com/parlq/parlq/parser/brussels/brusselstest"
	"github.com/parlq/parlq/parser/ukparl/ukparltest"
)

// anLegislature generates n questions of a legislature started a year ago
// and returns them as they stand today, with today's reference data.
func anLegislature(n int) ([]assembleetest.Question, []assembleetest.File) {
	start := time.Now().UTC().AddDate(-1, 0, 0).Truncate(24 * time.Hour)
	all := assembleetest.Generate(n, start, 365)
	today := time.Now().UTC()
	return assembleetest.AsOf(all, today), assembleetest.GenerateReferences(all, today)
}

func anRecordID(q assembleetest.Question) string { return parlq.MakeID("assemblee", "AN", q.UID()) }

// anSmartCity says whether a generated question is about smart cities.
func anSmartCity(q assembleetest.Question) bool {
	for _, a := range q.Analyses {
		if strings.Contains(a, "Villes intelligentes") {
			return true
		}
	}
	return false
}

// TestHarvestAssemblee harvests the stand-in with parlq harvest: the
// records with their authors resolved, and a question whose closure code
// the parser does not know listed in parlq status with its code, the run
// failed and the other questions stored.
func TestHarvestAssemblee(t *testing.T) {
	qs, refs := anLegislature(40)
	odd := qs[5]
	qs[5] = assembleetest.Close(odd, "CLOT_INCONNUE", "Clôture d'un genre nouveau", time.Now())
	site := assembleetest.New(assembleetest.Options{Questions: qs, References: refs})
	defer site.Close()
	data := t.TempDir()

	code, out, errOut := runCmd(t, nil, "harvest", "--quiet", "--data", data, "--source", "assemblee",
		"--base-url", "assemblee="+site.URL(), "--delay", "0")
	if code == 0 || !strings.Contains(out, "assemblee: failed") || !strings.Contains(out, "1 failed") {
		t.Fatalf("harvest: exit %d; want a failed run with 1 failure\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, strconv.Itoa(len(qs)-1)+" new") {
		t.Errorf("harvest summary %q; want %d new", out, len(qs)-1)
	}

	st := status(t, data).Sources["assemblee"]
	if st.Records != len(qs)-1 || st.LastRun == nil || st.LastRun.Requests != 3 {
		t.Errorf("status %+v; want %d records, the last run with 3 requests (robots.txt, reference data, dump)", st, len(qs)-1)
	}
	code, text, errOut := runCmd(t, nil, "status", "--data", data)
	if code != 0 {
		t.Fatalf("status: exit %d: %s", code, errOut)
	}
	if !strings.Contains(text, "failing: 1") || !strings.Contains(text, anRecordID(odd)) || !strings.Contains(text, `"CLOT_INCONNUE"`) {
		t.Errorf("status does not list the unknown closure code:\n%s", text)
	}
	code, js, _ := runCmd(t, nil, "status", "--json", "--data", data)
	var full struct {
		Sources map[string]struct {
			Failures []struct{ ID, Error string } `json:"failures"`
		} `json:"sources"`
	}
	if err := json.Unmarshal([]byte(js), &full); code != 0 || err != nil {
		t.Fatalf("status --json: exit %d, %v", code, err)
	}
	if f := full.Sources["assemblee"].Failures; len(f) != 1 || f[0].ID != anRecordID(odd) || !strings.Contains(f[0].Error, "CLOT_INCONNUE") {
		t.Errorf("status --json failures %+v; want %s naming CLOT_INCONNUE", f, anRecordID(odd))
	}

	// Reparse reads the archived entries with the archived reference data:
	// nothing changes, the entry with the unknown code stays unreadable.
	code, out, errOut = runCmd(t, nil, "reparse", "--quiet", "--data", data, "--source", "assemblee")
	if code != 0 || !strings.Contains(out, "read with 1 reference documents") || !strings.Contains(out, "0 new, 0 changed") || !strings.Contains(out, "1 unreadable") {
		t.Errorf("reparse: exit %d\n%s\n%s", code, out, errOut)
	}

	recs := exportAll(t, data, "assemblee")
	for _, q := range qs {
		if q.UID() == odd.UID() {
			continue
		}
		r, ok := recs[anRecordID(q)]
		if !ok {
			t.Errorf("%s not exported", anRecordID(q))
			continue
		}
		if r.Author.Name == "" || r.Author.Party == "" || r.URL != "https://www.assemblee-nationale.fr/dyn/17/questions/"+q.UID() {
			t.Errorf("%s: author %+v, url %s", r.ID, r.Author, r.URL)
		}
	}
}

// exportAll returns a source's records of a data directory by id.
func exportAll(t *testing.T, data, source string) map[string]parlq.Question {
	t.Helper()
	code, out, errOut := runCmd(t, nil, "export", "--data", data, "--format", "jsonl", "--source", source)
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, errOut)
	}
	recs := map[string]parlq.Question{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var q parlq.Question
		if err := json.Unmarshal([]byte(line), &q); err != nil {
			t.Fatalf("export line: %v", err)
		}
		recs[q.ID] = q
	}
	return recs
}

// TestSearchAcrossParliaments harvests Brussels, the UK, the Assemblée
// nationale and the Belgian Chamber into one data directory: "smart city"
// finds the questions of all four; a French query without an English name
// finds the French questions of Brussels, Paris and the Chamber only; a
// Dutch query finds the Chamber's French-asked questions through their
// Dutch text, and a French one its Dutch-asked questions through their
// French text.
func TestSearchAcrossParliaments(t *testing.T) {
	bq := brusselstest.Generate(30, time.Now())
	bSmart := map[string]bool{}
	for _, i := range []int{0, 4, 7, 11} {
		bq[i].Title = "Question écrite concernant la ville intelligente et ses capteurs (" + strconv.Itoa(i) + ")"
		bq[i].Text = "Le projet Smart City de la Région avance-t-il ?\n" + bq[i].Text
		bSmart["brussels/"+map[int]string{1: "prb", 2: "arccc"}[max(bq[i].Base, 1)]+"/"+strconv.Itoa(bq[i].Moncode)] = true
	}
	brussels := brusselstest.New(brusselstest.Options{Questions: bq})
	defer brussels.Close()
	uq := ukparltest.Generate(150, 2021)
	uSmart := map[string]bool{}
	for _, q := range uq {
		if strings.Contains(strings.ToLower(q.Heading+" "+q.Text), "smart cit") {
			uSmart[ukRecordID(q)] = true
		}
	}
	uk := ukparltest.New(ukparltest.Options{Questions: uq})
	defer uk.Close()
	aq, refs := anLegislature(60)
	aSmart := map[string]bool{}
	for _, q := range aq {
		if anSmartCity(q) {
			aSmart[anRecordID(q)] = true
		}
	}
	an := assembleetest.New(assembleetest.Options{Questions: aq, References: refs})
	defer an.Close()
	cq := bechambertest.Generate(40, 56, time.Now().UTC())
	cSmart, cSensor, cCrossing := map[string]bool{}, map[string]bool{}, map[string]string{}
	for i, q := range cq {
		switch {
		case strings.Contains(q.TitleF, "ville intelligente"):
			if len(cSmart)%2 == 0 { // every other one described as about sensors, in French and Dutch
				cq[i].Descriptors = append(slices.Clip(q.Descriptors), [3]string{"CAPTEURS", "SENSOREN", ""})
				cSensor[q.RecordID()] = true
			}
			cSmart[q.RecordID()] = true
		case strings.Contains(q.TitleN, "overwegen"):
			cCrossing[q.RecordID()] = q.Lang
		}
	}
	chamber := bechambertest.New(bechambertest.Options{Questions: cq})
	defer chamber.Close()
	langs := map[string]bool{}
	for _, l := range cCrossing {
		langs[l] = true
	}
	if len(uSmart) == 0 || len(aSmart) == 0 || len(cSmart) == 0 || len(cSensor) == 0 || !langs["F"] || !langs["N"] {
		t.Fatalf("generated smart-city questions: %d UK, %d AN, %d Chamber (%d with the descriptor CAPTEUR); level crossings asked in %v; the test needs some of each, crossings in both languages",
			len(uSmart), len(aSmart), len(cSmart), len(cSensor), langs)
	}

	data := t.TempDir()
	code, out, errOut := runCmd(t, nil, "harvest", "--quiet", "--data", data, "--source", "brussels,ukparl,assemblee,bechamber",
		"--base-url", "brussels="+brussels.URL(), "--base-url", "ukparl="+uk.URL(), "--base-url", "assemblee="+an.URL(),
		"--base-url", "bechamber="+chamber.URL(), "--legislature", "bechamber=56",
		"--since", "2021-01-01", "--until", "2021-12-31", "--delay", "0")
	if code != 0 || !strings.Contains(out, "assemblee: ok") || !strings.Contains(out, "bechamber: ok") {
		t.Fatalf("harvest: exit %d\n%s\n%s", code, out, errOut)
	}

	search := func(query string) (ids []string, bySource map[string]int) {
		t.Helper()
		code, out, errOut := runCmd(t, nil, "search", "--data", data, "--json", "--size", "200", "--facets", "source", query)
		if code != 0 {
			t.Fatalf("search %q: exit %d: %s", query, code, errOut)
		}
		var res struct {
			Hits []struct {
				ID string `json:"id"`
			} `json:"hits"`
			Facets map[string][]struct {
				Term  string `json:"term"`
				Count int    `json:"count"`
			} `json:"facets"`
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("search JSON: %v", err)
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		slices.Sort(ids)
		bySource = map[string]int{}
		for _, f := range res.Facets["source"] {
			bySource[f.Term] = f.Count
		}
		return ids, bySource
	}
	union := func(sets ...map[string]bool) []string {
		var out []string
		for _, s := range sets {
			for id := range s {
				out = append(out, id)
			}
		}
		slices.Sort(out)
		return out
	}

	for _, query := range []string{"smart city", "ville intelligente", "slimme stad"} {
		ids, by := search(query)
		if want := union(bSmart, uSmart, aSmart, cSmart); !slices.Equal(ids, want) {
			t.Errorf("%s: %v; want %v", query, ids, want)
		}
		if by["brussels"] != len(bSmart) || by["ukparl"] != len(uSmart) || by["assemblee"] != len(aSmart) || by["bechamber"] != len(cSmart) {
			t.Errorf("%s by source %v; want brussels %d, ukparl %d, assemblee %d, bechamber %d", query, by, len(bSmart), len(uSmart), len(aSmart), len(cSmart))
		}
	}

	// "capteurs" (sensors) is in no synonym list: French only (some of the
	// Chamber's smart-city questions carry the descriptor CAPTEURS, whatever
	// language they were asked in).
	ids, by := search("capteurs")
	for _, id := range union(bSmart, aSmart, cSensor) {
		if !slices.Contains(ids, id) {
			t.Errorf("capteurs: %s not found", id)
		}
	}
	if by["ukparl"] != 0 || by["brussels"] == 0 || by["assemblee"] == 0 || by["bechamber"] == 0 {
		t.Errorf("capteurs by source %v; want Brussels, the Assemblée and the Chamber, not the UK", by)
	}

	// Level crossings, in no synonym list: the Dutch word finds the
	// questions asked in French through their Dutch text, the French words
	// those asked in Dutch through their French text.
	want := slices.Sorted(maps.Keys(cCrossing))
	for _, query := range []string{"overwegen", `"passages à niveau"`} {
		if ids, _ := search(query); !slices.Equal(ids, want) {
			t.Errorf("%s: %v; want the Chamber's level-crossing questions in both languages %v", query, ids, want)
		}
	}
}

// TestParseWithReferences: parlq parse reads an Assemblée question with the
// reference data given by --ref, as a harvest does; without it, the author
// is only what the question itself says.
func TestParseWithReferences(t *testing.T) {
	qs, refs := anLegislature(10)
	dir := t.TempDir()
	amo := filepath.Join(dir, "AMO10.json.zip")
	if err := os.WriteFile(amo, assembleetest.Zip(refs, time.Now()), 0o644); err != nil {
		t.Fatal(err)
	}
	// A text that does not name its author: only the reference data do.
	q := qs[2]
	q.Text = "<p>Sur la desserte des petites lignes ferroviaires, quelles mesures sont prévues ?</p>"
	page := filepath.Join(dir, q.UID()+".json")
	if err := os.WriteFile(page, q.JSON(), 0o644); err != nil {
		t.Fatal(err)
	}
	parse := func(args ...string) parlq.Question {
		t.Helper()
		code, out, errs := runParseCmd(t, "", append([]string{"--source", "assemblee"}, args...)...)
		if code != 0 {
			t.Fatalf("parse %v: exit %d: %s", args, code, errs)
		}
		var q parlq.Question
		if err := json.Unmarshal([]byte(out), &q); err != nil {
			t.Fatalf("parse output: %v\n%s", err, out)
		}
		return q
	}
	with := parse("--ref", amo, page)
	if with.ID != anRecordID(q) || with.Author.ID != q.AuthorRef || with.Author.Name == "" || with.Author.Party == "" {
		t.Errorf("author with --ref %+v; want %s's name and group read from the reference data", with.Author, q.AuthorRef)
	}
	if code, out, _ := runParseCmd(t, "", "--source", "assemblee", page); code == 0 && strings.Contains(out, with.Author.Name) {
		t.Errorf("without --ref the author's name %q was found all the same: the test proves nothing", with.Author.Name)
	}

	bad := filepath.Join(dir, "bad.zip")
	if err := os.WriteFile(bad, []byte("not a zip"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runParseCmd(t, "", "--source", "assemblee", "--ref", bad, page); code != 1 || !strings.Contains(errs, "--ref") {
		t.Errorf("an unreadable --ref: exit %d, %q; want 1 naming --ref", code, errs)
	}
	if code, _, errs := runParseCmd(t, "", "--source", "brussels", "--ref", amo, page); code != 2 || !strings.Contains(errs, "reference") {
		t.Errorf("--ref for brussels: exit %d, %q; want a usage error", code, errs)
	}
}
