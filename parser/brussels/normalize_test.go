package brussels

import (
	"bytes"
	"errors"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/parlq/parlq"
)

var hidRe = regexp.MustCompile(`hid=[0-9A-F]+`)

func normalize(t *testing.T, body []byte) []byte {
	t.Helper()
	n, err := New().Normalize("https://www.parlement.brussels/weblex-quest-det/?moncode=1&base=1", body)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestNormalize(t *testing.T) {
	page := readFile(t, filepath.Join(testdataDir(t), "newer-pending.html"))
	n := normalize(t, page)
	if !bytes.HasPrefix(n, []byte(`<section id="weblex-quest-det-fr"`)) || !bytes.HasSuffix(n, []byte("</section>")) {
		t.Errorf("Normalize: got %.60q…; want the question section alone", n)
	}
	if bytes.ContainsAny(n, "\r\n\t") || bytes.Contains(n, []byte("hid=")) {
		t.Error("Normalize: line endings, tabs or the hid token remain")
	}

	other := hidRe.ReplaceAll(page, []byte("hid=0123456789ABCDEF0123456789ABCDEF"))
	if bytes.Equal(other, page) {
		t.Fatal("the test page has no hid token")
	}
	check(t, "another hid token", string(normalize(t, other)), string(n))
	lf := bytes.ReplaceAll(page, []byte("\r\n"), []byte("\n"))
	check(t, "LF instead of CRLF", string(normalize(t, lf)), string(n))

	changed := bytes.Replace(page, []byte("pour 2027"), []byte("pour 2028"), 1)
	if bytes.Equal(normalize(t, changed), n) {
		t.Error("a changed question normalises like the original")
	}

	_, err := New().Normalize("u", readFile(t, filepath.Join(testdataDir(t), "soft-error.html")))
	if !errors.Is(err, parlq.ErrSoftError) {
		t.Errorf("Normalize of an error page: got %v; want ErrSoftError", err)
	}
	_, err = New().Normalize("u", []byte("<html><title>Fiche</title><body></body></html>"))
	if !errors.As(err, new(*parlq.LayoutError)) {
		t.Errorf("Normalize of a page without section: got %v; want a *parlq.LayoutError", err)
	}
}

func TestFixtureNormalize(t *testing.T) {
	dir := fixturesDir(t)
	page := readFile(t, filepath.Join(dir, "170644.html"))
	excerpt := readFile(t, filepath.Join(dir, "170644.section-excerpt.html"))
	n := normalize(t, page)
	check(t, "page vs its section excerpt", string(n), string(normalize(t, excerpt)))
	check(t, "another hid token", string(normalize(t, hidRe.ReplaceAll(page, []byte("hid=FFFF")))), string(n))

	answered := readFile(t, filepath.Join(dir, "170291.html"))
	a := normalize(t, answered)
	changed := bytes.Replace(answered, []byte("plus amples informations"), []byte("amples informations"), 1)
	if bytes.Equal(normalize(t, changed), a) {
		t.Error("a changed answer normalises like the original")
	}
	if bytes.Equal(a, normalize(t, readFile(t, filepath.Join(dir, "170290.html")))) {
		t.Error("the answered and the pending question normalise alike")
	}
}
