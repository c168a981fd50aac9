package i18n

import (
	"testing"
	"time"
)

func TestNegotiate(t *testing.T) {
	for _, c := range []struct {
		header string
		want   Lang
	}{
		{"", EN},
		{"fr-BE,fr;q=0.9,en;q=0.8", FR},
		{"nl-BE", NL},
		{"de-DE,de;q=0.9,nl;q=0.5,fr;q=0.4", NL},
		{"en;q=0.2, fr;q=0.7", FR},
		{"de, *;q=0.5", EN},
		{"NL, fr", NL},
		{"fr;q=0, nl;q=0.1", NL},
		{"fr;q=bogus", FR},
	} {
		if got := Negotiate(c.header); got != c.want {
			t.Errorf("Negotiate(%q) = %s; want %s", c.header, got, c.want)
		}
	}
	if l, ok := Parse("en-GB"); !ok || l != EN {
		t.Errorf("Parse(en-GB) = %s %v", l, ok)
	}
	if _, ok := Parse("de"); ok {
		t.Errorf("Parse(de) is an interface language")
	}
}

func TestNumbersAndDates(t *testing.T) {
	for _, c := range []struct {
		got, want string
	}{
		{EN.Int(1234567), "1,234,567"},
		{FR.Int(1234567), "1\u202f234\u202f567"},
		{NL.Int(1234567), "1.234.567"},
		{FR.Int(1234), "1234"},
		{EN.Int(1234), "1,234"},
		{EN.Int(-12345), "-12,345"},
		{EN.Float(4.5, 1), "4.5"},
		{FR.Float(4.5, 1), "4,5"},
		{NL.Float(12000.25, 2), "12.000,25"},
		{EN.Float(3, 1), "3"},
		{EN.Percent(33), "33%"},
		{FR.Percent(33), "33\u202f%"},
		{EN.Date("2024-10-07"), "7\u00a0October 2024"},
		{FR.Date("2024-10-01"), "1er\u00a0octobre 2024"},
		{NL.Date("2024-03-15"), "15\u00a0maart 2024"},
		{EN.Date("2024"), "2024"},
		{FR.Month("2024-02"), "février 2024"},
		{NL.Stamp(time.Date(2025, 1, 10, 3, 0, 0, 0, time.UTC)), "10\u00a0januari 2025 om 03:00 UTC"},
		{EN.Ago(50 * time.Hour), "2 days 2 h"},
		{FR.Ago(90 * time.Minute), "1 h 30 min"},
		{FR.N(0, "%s question", "%s questions"), "0 question"},
		{EN.N(0, "%s question", "%s questions"), "0 questions"},
		{NL.N(2, "%s question", "%s questions"), "2 vragen"},
		{FR.N(12345, "%s question", "%s questions"), "12\u202f345 questions"},
		{FR.Value("status", "lapsed"), "Caduque"},
		{NL.Value("assembly", "PRB"), "Brussels Hoofdstedelijk Parlement"},
		{EN.Value("status", "lapsed"), "Lapsed"},
		{FR.Value("language", "nl"), "Nederlands"},
		{FR.Value("author", "Alain Maron"), ""},
		{NL.Source("ukparl", "UK Parliament"), "Parlement van het Verenigd Koninkrijk"},
		{EN.Source("ukparl", "UK Parliament"), "UK Parliament"},
		{FR.LanguageName("nl"), "néerlandais"},
	} {
		if c.got != c.want {
			t.Errorf("got %q; want %q", c.got, c.want)
		}
	}
	if FR.StatusNote("withdrawn") == "" || FR.StatusNote("withdrawn") == EN.StatusNote("withdrawn") || EN.StatusNote("bogus") != "" {
		t.Errorf("status notes: %q / %q", FR.StatusNote("withdrawn"), EN.StatusNote("bogus"))
	}
}

func TestQueryError(t *testing.T) {
	for _, c := range []struct {
		l            Lang
		field, msg   string
		want         string
		translatable bool
	}{
		{EN, "q", "empty parentheses at position 3", "invalid q: empty parentheses at position 3", true},
		{FR, "q", "empty parentheses at position 3", "La recherche n'a pas pu être lue\u00a0: parenthèses vides à la position 3", true},
		{NL, "received_from", `from "2024-13-01" is not a date YYYY-MM-DD`, `De parameter received_from is ongeldig: "2024-13-01" is geen datum JJJJ-MM-DD`, true},
		{FR, "q", `nothing to search: "the", "of" are only common words, which are not searched on their own; put them in quotes to search the exact phrase`,
			`La recherche n'a pas pu être lue` + "\u00a0" + `: rien à chercher : "the", "of" ne sont que des mots courants, qui ne sont pas cherchés seuls ; mettez-les entre guillemets pour chercher la phrase exacte`, true},
		{NL, "q", "some message no pattern knows", "De zoekopdracht kon niet gelezen worden: some message no pattern knows", false},
	} {
		got, ok := c.l.QueryError(c.field, c.msg)
		if got != c.want || ok != c.translatable {
			t.Errorf("%s QueryError(%q, %q) = %q, %v; want %q, %v", c.l, c.field, c.msg, got, ok, c.want, c.translatable)
		}
	}
}
