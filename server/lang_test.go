package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/dataset"
)

// getLang fetches path with an Accept-Language header and cookies.
func getLang(t *testing.T, ts *httptest.Server, path, acceptLanguage string, cookies ...*http.Cookie) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest("GET", ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if acceptLanguage != "" {
		req.Header.Set("Accept-Language", acceptLanguage)
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// TestPageLanguages: the interface follows Accept-Language, a lang
// parameter overrides it and sticks in a cookie, and every language
// renders its labels, statuses, facet values, dates, numbers and errors.
func TestPageLanguages(t *testing.T) {
	_, ts := newTestServer(t, DefaultConfig(), nil)
	path := "/" + query("q", "ville intelligente")
	for _, c := range []struct {
		accept string
		lang   string
		want   []string
	}{
		{"", "en", []string{`<html lang="en">`, `<h2 id="results-h">4 questions</h2>`, `<legend>Status</legend>`,
			`>Pending <span class="count">`, `<time datetime="2024-10-07">7` + "\u00a0" + `October 2024</time>`,
			`Filters and sort`, `Skip to main content`, `Not up to date`}},
		{"fr-BE,fr;q=0.9,en;q=0.5", "fr", []string{`<html lang="fr">`, `<h2 id="results-h">4 questions</h2>`, `<legend>Statut</legend>`,
			`>En attente <span class="count">`, `<time datetime="2024-10-07">7` + "\u00a0" + `octobre 2024</time>`, `Filtres et tri`,
			`Aller au contenu`, `Pas à jour`, `<dt>Statut</dt><dd><span class="status status-answered">Répondue</span>`,
			`Parlement de la Région de Bruxelles-Capitale`, `(28 jours)`, `Question écrite`}},
		{"nl-BE,nl;q=0.9", "nl", []string{`<html lang="nl">`, `<h2 id="results-h">4 vragen</h2>`, `<legend>Status</legend>`,
			`>Onbeantwoord <span class="count">`, `<time datetime="2024-10-07">7` + "\u00a0" + `oktober 2024</time>`, `Filters en sortering`,
			`Naar de inhoud`, `Niet bijgewerkt`, `Brussels Hoofdstedelijk Parlement`, `(28 dagen)`, `Schriftelijke vraag`}},
		{"de-DE,de;q=0.9", "en", []string{`<html lang="en">`}},
	} {
		status, hdr, body := getLang(t, ts, path, c.accept)
		if status != 200 || hdr.Get("Content-Language") != c.lang || !strings.Contains(hdr.Get("Vary"), "Accept-Language") {
			t.Errorf("%q: status %d, Content-Language %q, Vary %q; want 200 %s", c.accept, status, hdr.Get("Content-Language"), hdr.Get("Vary"), c.lang)
		}
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("%q: page lacks %s", c.accept, w)
			}
		}
		assertInert(t, c.lang, body)
	}

	// The switch links the same page in each language; following one sets
	// the cookie, which then beats Accept-Language.
	_, _, body := getLang(t, ts, path, "fr")
	for _, w := range []string{
		`<a href="/?lang=nl&amp;q=ville&#43;intelligente" hreflang="nl" lang="nl"><span class="code" aria-hidden="true">nl</span><span class="name">Nederlands</span></a>`,
		`<a href="/?lang=fr&amp;q=ville&#43;intelligente" hreflang="fr" lang="fr" aria-current="true">`,
	} {
		if !strings.Contains(body, w) {
			t.Errorf("the switch lacks %s", w)
		}
	}
	status, hdr, body := getLang(t, ts, "/?lang=nl&q=ville+intelligente", "fr")
	cookie := (&http.Response{Header: hdr}).Cookies()
	if status != 200 || !strings.Contains(body, `<html lang="nl">`) || len(cookie) != 1 || cookie[0].Name != langCookie || cookie[0].Value != "nl" {
		t.Fatalf("lang=nl: status %d, cookies %v; want the Dutch page and the cookie", status, cookie)
	}
	if !strings.Contains(body, `value="ville intelligente"`) {
		t.Errorf("lang=nl lost the query")
	}
	if _, _, body := getLang(t, ts, "/stats", "fr", cookie[0]); !strings.Contains(body, `<html lang="nl">`) || !strings.Contains(body, "Hoe lang ministers over een antwoord doen") {
		t.Errorf("the cookie did not carry Dutch to the statistics page")
	}
	// A lang the pages do not speak is ignored; the API refuses it.
	if status, _, body := getLang(t, ts, "/?lang=de", "fr"); status != 200 || !strings.Contains(body, `<html lang="fr">`) {
		t.Errorf("lang=de: status %d; want the French page", status)
	}
	if status, _, _ := getLang(t, ts, "/api/search?lang=de", ""); status != http.StatusBadRequest {
		t.Errorf("API lang=de: status %d; want 400", status)
	}
}

// TestPageErrorsTranslated: a refused query is explained in the reader's
// language, with what was typed kept as typed.
func TestPageErrorsTranslated(t *testing.T) {
	_, ts := newTestServer(t, DefaultConfig(), nil)
	for _, c := range []struct{ path, accept, want string }{
		{"/" + query("q", `"ville`), "fr", "La recherche n&#39;a pas pu être lue\u00a0: la phrase ouverte à la position 1 n&#39;a pas de guillemet fermant"},
		{"/" + query("q", `"ville`), "nl", "De zoekopdracht kon niet gelezen worden: de zin die op positie 1 begint, heeft geen sluitend aanhalingsteken"},
		{"/" + query("q", `"ville`), "en", `invalid q: unterminated phrase starting at position 1: missing closing &#34;`},
		{"/" + query("status", "bogus"), "fr", "valeur inconnue pour status : &#34;bogus&#34;"},
		{"/" + query("received_from", "2024-13-01"), "nl", "&#34;2024-13-01&#34; is geen datum JJJJ-MM-DD"},
		{"/" + query("size", "0"), "fr", "size &#34;0&#34; n&#39;est pas un nombre entier à partir de 1"},
		{"/" + query("bogus", "1"), "nl", "onbekende parameter &#34;bogus&#34;; bekend: q, sort"},
		{"/q/brussels/prb/1001?v=x", "fr", "la version &#34;x&#34; n&#39;est pas un nombre entier à partir de 1"},
		{"/nowhere", "nl", "<h1>404 Niet gevonden</h1>"},
		{"/q/brussels/prb/999999", "fr", "<h1>404 Introuvable</h1>"},
	} {
		_, _, body := getLang(t, ts, c.path, c.accept)
		if !strings.Contains(body, c.want) {
			i := strings.Index(body, `role="alert"`)
			t.Errorf("%s in %s: page lacks %s\n%.300s", c.path, c.accept, c.want, body[max(i, 0):])
		}
	}
}

// TestPageSize: the page takes size as the API does (capped at the
// index's maximum), keeps it in its links, and offers it in the form.
func TestPageSize(t *testing.T) {
	_, ts := newTestServer(t, DefaultConfig(), nil)
	_, _, body := get(t, ts, "/"+query("q", "transport", "size", "5"))
	if n := strings.Count(body, `<li class="hit">`); n != 5 {
		t.Errorf("size=5: %d hits; want 5", n)
	}
	for _, w := range []string{`href="/?page=2&amp;q=transport&amp;size=5"`, `<option value="5" selected>5</option>`, `<option value="50">50</option>`} {
		if !strings.Contains(body, w) {
			t.Errorf("size=5: page lacks %s", w)
		}
	}
	_, _, body = get(t, ts, "/"+query("q", "transport", "size", "1000"))
	if n := strings.Count(body, `<li class="hit">`); n != 100 {
		t.Errorf("size=1000: %d hits; want the maximum, 100", n)
	}
}

// TestExportBOM: the CSV has a byte-order mark when asked (as the page's
// links ask), none by default, and JSON Lines refuses one.
func TestExportBOM(t *testing.T) {
	_, ts := newTestServer(t, DefaultConfig(), nil)
	_, _, body := get(t, ts, "/"+query("q", "ville intelligente"))
	if !strings.Contains(body, `href="/api/export?bom=true&amp;format=csv&amp;q=ville&#43;intelligente"`) {
		t.Fatalf("the page's CSV link does not ask for a BOM")
	}
	status, hdr, csv := get(t, ts, "/api/export?bom=true&format=csv&q=ville+intelligente")
	if status != 200 || !strings.HasPrefix(csv, "\ufeffid,source,") || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv; charset=utf-8") {
		t.Errorf("bom=true: status %d, starts %q; want the BOM then the header", status, csv[:min(len(csv), 12)])
	}
	if !strings.Contains(csv, "Question écrite concernant la stratégie ville intelligente") {
		t.Errorf("bom=true: the accents are not UTF-8")
	}
	if _, _, csv := get(t, ts, "/api/export?format=csv&q=ville+intelligente"); !strings.HasPrefix(csv, "id,source,") {
		t.Errorf("default: starts %q; want no BOM", csv[:min(len(csv), 12)])
	}
	if status, _, _ := get(t, ts, "/api/export?bom=true&format=jsonl"); status != http.StatusBadRequest {
		t.Errorf("jsonl with bom: status %d; want 400", status)
	}
	if status, _, csv := get(t, ts, "/api/stats?format=csv&bom=true"); status != 200 || !strings.HasPrefix(csv, "\ufeff") {
		t.Errorf("stats csv bom=true: status %d; want a BOM", status)
	}
}

// TestAPILabels: the API keeps its codes and names them in the language
// asked (lang or Accept-Language).
func TestAPILabels(t *testing.T) {
	_, ts := newTestServer(t, DefaultConfig(), nil)
	var r struct {
		Hits []struct {
			Record parlq.Question    `json:"record"`
			Labels map[string]string `json:"labels"`
		} `json:"hits"`
		Facets map[string][]struct{ Term, Label string } `json:"facets"`
	}
	_, hdr, body := getLang(t, ts, "/api/search?q=ville+intelligente&facets=status,source&lang=nl", "fr")
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatal(err)
	}
	if hdr.Get("Content-Language") != "nl" || len(r.Hits) == 0 {
		t.Fatalf("Content-Language %q, %d hits", hdr.Get("Content-Language"), len(r.Hits))
	}
	for _, h := range r.Hits {
		if h.Record.Status == parlq.Answered && (h.Labels["status"] != "Beantwoord" || h.Labels["type"] != "Schriftelijke vraag") {
			t.Errorf("labels %v; want Dutch names of answered and written_question", h.Labels)
		}
	}
	found := false
	for _, f := range r.Facets["status"] {
		if f.Term == "pending" {
			found = f.Label == "Onbeantwoord"
		}
	}
	if !found {
		t.Errorf("status facet %v; want pending labelled Onbeantwoord", r.Facets["status"])
	}
	_, _, body = getLang(t, ts, "/api/questions/brussels/prb/1001", "fr-BE")
	if !strings.Contains(body, `"labels":{"assembly":"Parlement de la Région de Bruxelles-Capitale","language":"Français","source":"Parlement de la Région de Bruxelles-Capitale","status":"Répondue","type":"Question écrite"}`) {
		t.Errorf("question labels in French missing:\n%.400s", body[strings.Index(body, `"labels"`)+0:])
	}
}

// newBilingualServer serves a data directory of its own holding the
// Chamber's question in Dutch and French (translatedRecord).
func newBilingualServer(t *testing.T) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(newBilingualHandler(t))
	t.Cleanup(ts.Close)
	return ts
}

// newBilingualHandler is the handler of newBilingualServer.
func newBilingualHandler(t *testing.T) http.Handler {
	t.Helper()
	ctx := context.Background()
	ds, err := dataset.Open(ctx, t.TempDir(), dataset.Options{Command: "test", Write: true, Index: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ds.Close() })
	q := translatedRecord()
	if _, err := ds.Catalog().Put(ctx, q, parlq.Capture{RecordID: "<urn:uuid:00000000-0000-4000-8000-000000000777>", URL: q.URL}, time.Date(2025, 1, 10, 3, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	stored, err := ds.Catalog().Get(ctx, q.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := ds.Index().Put(ctx, stored); err != nil {
		t.Fatal(err)
	}
	s := New(DefaultConfig(), &testStore{ds: ds, ix: ds.Index(), cat: ds.Catalog()})
	t.Cleanup(func() { s.Close() })
	return s.Handler()
}

// TestQuestionTextLanguages: a question published in French and Dutch
// switches between its texts, whatever the interface language.
func TestQuestionTextLanguages(t *testing.T) {
	ts := newBilingualServer(t)
	_, _, body := getLang(t, ts, "/q/bechamber/chamber/55-7", "fr")
	for _, w := range []string{
		`<h1 lang="nl">Fietspaden langs gewestwegen</h1>`,
		`<div class="text" lang="nl"><p>Hoeveel kilometer fietspad werd aangelegd?</p></div>`,
		`<nav class="textlangs" aria-label="Langue des textes">`,
		`<a href="/q/bechamber/chamber/55-7?text=fr#texts" hreflang="fr" lang="fr">Français</a>`,
		`<a href="/q/bechamber/chamber/55-7#texts" hreflang="nl" lang="nl" aria-current="true">Nederlands</a>`,
	} {
		if !strings.Contains(body, w) {
			t.Errorf("Dutch texts lack %s", w)
		}
	}
	_, _, body = getLang(t, ts, "/q/bechamber/chamber/55-7?text=fr", "nl")
	for _, w := range []string{
		`<html lang="nl">`,
		`<h1 lang="fr">Pistes cyclables le long des routes régionales</h1>`,
		`<div class="text" lang="fr"><p>Combien de kilomètres de pistes cyclables ont été aménagés ?</p></div>`,
		`<div class="text" lang="fr"><p>Quarante kilomètres ont été aménagés.</p></div>`,
		`<a href="/q/bechamber/chamber/55-7?text=fr#texts" hreflang="fr" lang="fr" aria-current="true">Français</a>`,
	} {
		if !strings.Contains(body, w) {
			t.Errorf("French texts lack %s", w)
		}
	}
	if status, _, body := getLang(t, ts, "/q/bechamber/chamber/55-7?text=de", "en"); status != http.StatusBadRequest || !strings.Contains(body, "is not a language this question is published in") {
		t.Errorf("text=de: status %d; want 400 saying why", status)
	}
}
