package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"golang.org/x/text/encoding/charmap"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/parser/brussels/brusselstest"
)

// brusselsPage is a page of the project's own testdata (tests run in
// cmd/parlq).
func brusselsPage(t *testing.T, name string) string {
	return filepath.Join("..", "..", "testdata", "brussels", name)
}

// runParseCmd runs "parlq parse args…" and returns the exit status and output.
func runParseCmd(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runCmdStdin(t, stdin, nil, append([]string{"parse"}, args...)...)
}

func TestParseOneFile(t *testing.T) {
	code, out, errs := runParseCmd(t, "", "--source", "brussels", brusselsPage(t, "older-answered-seed-619.html"))
	if code != 0 {
		t.Fatalf("exit %d; want 0 (stderr: %s)", code, errs)
	}
	var q parlq.Question
	if err := json.Unmarshal([]byte(out), &q); err != nil {
		t.Fatalf("stdout is not one JSON record: %v\n%s", err, out)
	}
	if q.ID != "brussels/prb/139204" || q.Number != "619" || q.Addressee.Name != "Bernard Clerfayt" || q.Status != parlq.Answered {
		t.Errorf("got %s n°%s to %s (%s); want brussels/prb/139204 n°619 to Bernard Clerfayt (answered)", q.ID, q.Number, q.Addressee.Name, q.Status)
	}
	if !strings.Contains(out, "\n  \"id\"") || !strings.Contains(out, "l’élaboration") {
		t.Errorf("want indented JSON with unescaped text; got %.200s", out)
	}
	// What a harvest would store: stamped with the parser's version.
	if q.ParserVersion == "" || !strings.HasPrefix(q.ParserVersion, "brussels/") {
		t.Errorf("parser_version %q; want the Brussels parser's", q.ParserVersion)
	}
}

// TestParseDecodesLikeAHarvest: a page in windows-1252 that says so in its
// own <meta> is decoded as a harvest would, not read as broken UTF-8.
func TestParseDecodesLikeAHarvest(t *testing.T) {
	page, err := os.ReadFile(brusselsPage(t, "newer-pending.html"))
	if err != nil {
		t.Fatal(err)
	}
	latin, err := charmap.Windows1252.NewEncoder().Bytes(bytes.Replace(page, []byte(`<meta charset="UTF-8">`), []byte(`<meta charset="windows-1252">`), 1))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(latin, []byte(`<meta charset="windows-1252">`)) {
		t.Fatal("the testdata page does not declare its charset as expected")
	}
	file := filepath.Join(t.TempDir(), "page.html")
	if err := os.WriteFile(file, latin, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runParseCmd(t, "", "--source", "brussels", file)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var q parlq.Question
	if err := json.Unmarshal([]byte(out), &q); err != nil {
		t.Fatal(err)
	}
	if !utf8.ValidString(q.Title) || strings.ContainsRune(q.Title, utf8.RuneError) || !strings.ContainsAny(q.Title+q.Question, "éèàç") {
		t.Errorf("title %q: the windows-1252 page was not decoded", q.Title)
	}
}

func TestParseURLFlag(t *testing.T) {
	code, out, errs := runParseCmd(t, "", "--source", "brussels", "--url", "http://127.0.0.1:8081/weblex-quest-det/?moncode=555&base=2", brusselsPage(t, "newer-pending.html"))
	if code != 0 {
		t.Fatalf("exit %d; want 0 (stderr: %s)", code, errs)
	}
	var q parlq.Question
	if err := json.Unmarshal([]byte(out), &q); err != nil {
		t.Fatal(err)
	}
	if q.ID != "brussels/arccc/555" || q.URL != "https://www.parlement.brussels/weblex-quest-det/?moncode=555&base=2" {
		t.Errorf("got id %s url %s; want the --url's moncode and base on the canonical host", q.ID, q.URL)
	}
}

func TestParseSeveralFiles(t *testing.T) {
	files := []string{brusselsPage(t, "newer-pending.html"), brusselsPage(t, "newer-lapsed.html"), brusselsPage(t, "older-request-explanation.html")}
	code, out, errs := runParseCmd(t, "", append([]string{"--source", "brussels"}, files...)...)
	if code != 0 {
		t.Fatalf("exit %d; want 0 (stderr: %s)", code, errs)
	}
	var qs []parlq.Question
	if err := json.Unmarshal([]byte(out), &qs); err != nil {
		t.Fatalf("stdout is not a JSON array: %v", err)
	}
	var got []string
	for _, q := range qs {
		got = append(got, string(q.Status)+" "+string(q.Type))
	}
	want := []string{"pending written_question", "lapsed written_question", "answered request_for_explanation"}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("got %v; want %v", got, want)
	}

	code, out, _ = runParseCmd(t, "", append([]string{"--source", "brussels", "--jsonl"}, files...)...)
	if code != 0 {
		t.Fatalf("--jsonl: exit %d; want 0", code)
	}
	lines := 0
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var q parlq.Question
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			t.Fatalf("--jsonl line %d: %v", lines+1, err)
		}
		lines++
	}
	if lines != 3 {
		t.Errorf("--jsonl: got %d lines; want 3", lines)
	}
}

func TestParseStdin(t *testing.T) {
	body, err := os.ReadFile(brusselsPage(t, "newer-oral-arccc.html"))
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := runParseCmd(t, string(body), "--source", "brussels", "-")
	if code != 0 || !strings.Contains(out, `"id": "brussels/arccc/105990"`) {
		t.Errorf("stdin: exit %d, stdout %.100s, stderr %s; want the ARCCC record", code, out, errs)
	}
}

func TestParseFailures(t *testing.T) {
	good := brusselsPage(t, "newer-pending.html")
	bad := brusselsPage(t, "changed-layout.html")
	soft := brusselsPage(t, "soft-error.html")
	code, out, errs := runParseCmd(t, "", "--source", "brussels", good, bad, soft, "no-such-file.html")
	if code != 1 {
		t.Errorf("exit %d; want 1", code)
	}
	var qs []parlq.Question
	if err := json.Unmarshal([]byte(out), &qs); err != nil || len(qs) != 1 || qs[0].ID != "brussels/prb/170512" {
		t.Errorf("stdout: got %.200s (%v); want an array with the one good record", out, err)
	}
	for _, want := range []string{bad + ": unknown layout", soft + ": brussels:", "error page served as success", "no-such-file.html:", "3 of 4 files could not be parsed"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr %q does not contain %q", errs, want)
		}
	}

	// A page without its URL and without links to itself.
	dir := t.TempDir()
	body, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	naked := filepath.Join(dir, "naked.html")
	if err := os.WriteFile(naked, bytes.ReplaceAll(body, []byte("moncode="), []byte("code=")), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs = runParseCmd(t, "", "--source", "brussels", naked)
	if code != 1 || out != "" || !strings.Contains(errs, "naked.html: brussels:") || !strings.Contains(errs, "no moncode") {
		t.Errorf("naked page: exit %d, stdout %q, stderr %q; want 1, nothing, a no-moncode error naming the file", code, out, errs)
	}
}

func TestParseUsage(t *testing.T) {
	page := brusselsPage(t, "newer-pending.html")
	for _, args := range [][]string{
		{page},                        // no --source
		{"--source", "brussels"},      // no file
		{"--source", "nowhere", page}, // unknown source
		{"--source", "brussels", "--url", "http://x/?moncode=1&base=1", page, page}, // --url with two files
		{"--bogus"},
	} {
		if code, _, errs := runParseCmd(t, "", args...); code != 2 || errs == "" {
			t.Errorf("parse %v: exit %d, stderr %q; want 2 and a message", args, code, errs)
		}
	}
}

// TestParseFixtures parses every real saved question page.
func TestParseFixtures(t *testing.T) {
	dir, err := brusselstest.FixturesDir()
	if err != nil {
		t.Skipf("real Brussels pages not found (../shared is absent): %v", err)
	}
	pages := []string{"166342.html", "167067.html", "170290.html", "170291.html", "170644.html", "question_source.html", "source_test.html"}
	var files []string
	for _, p := range pages {
		files = append(files, filepath.Join(dir, p))
	}
	code, out, errs := runParseCmd(t, "", append([]string{"--source", "brussels", "--jsonl"}, files...)...)
	if code != 0 {
		t.Fatalf("exit %d; want 0 (stderr: %s)", code, errs)
	}
	want := []string{"brussels/prb/166342", "brussels/prb/167067", "brussels/prb/170290", "brussels/prb/170291", "brussels/prb/170644", "brussels/prb/167852", "brussels/prb/168854"}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var q parlq.Question
		if err := json.Unmarshal([]byte(line), &q); err != nil {
			t.Fatal(err)
		}
		got = append(got, q.ID)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got %v; want %v", got, want)
	}
}
