// Package i18n is parlq's interface language: French, Dutch and English.
// It chooses a language from an Accept-Language header, translates the
// pages' messages (English text is the key; the catalogs in fr.go and
// nl.go hold the translations), names coded values (statuses, question
// types, languages, assemblies), explains statuses, translates the query
// errors the index and the API give, and writes dates and numbers as each
// language does.
//
// Records are never translated: a question keeps the language its
// parliament published it in. Only the chrome around it follows the reader.
package i18n

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Lang is an interface language: a lower-case ISO 639-1 code.
type Lang string

// The interface languages.
const (
	EN Lang = "en"
	FR Lang = "fr"
	NL Lang = "nl"
)

// Default is the language of a reader who says nothing.
const Default = EN

// Langs are the interface languages, in the order the switch offers them.
var Langs = []Lang{FR, NL, EN}

// Parse reads a language code ("fr", "NL", "en-GB"); ok is false when it
// is not an interface language.
func Parse(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "-_"); i >= 0 {
		s = s[:i]
	}
	l := Lang(s)
	return l, slices.Contains(Langs, l)
}

// Negotiate picks the interface language an Accept-Language header
// prefers (RFC 9110, 12.5.4): the first, by weight and then by order, whose
// primary subtag is an interface language; Default when none is.
func Negotiate(header string) Lang {
	best, bestQ := Default, 0.0
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(part, ";")
		l, ok := Parse(tag)
		if !ok {
			continue
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(k, "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		if q > bestQ { // ties keep the earlier tag
			best, bestQ = l, q
		}
	}
	return best
}

// Name is the language's name in itself, for the switch.
func (l Lang) Name() string {
	return map[Lang]string{EN: "English", FR: "Français", NL: "Nederlands"}[l]
}

// catalog is the translations of l by English text; nil for English.
func (l Lang) catalog() map[string]string {
	switch l {
	case FR:
		return fr
	case NL:
		return nl
	}
	return nil
}

// T translates an English message; a message the catalog lacks stays in
// English (the catalog tests keep that from happening).
func (l Lang) T(msg string) string {
	if t, ok := l.catalog()[msg]; ok {
		return t
	}
	return msg
}

// Has reports whether l translates msg (English translates everything).
func (l Lang) Has(msg string) bool {
	if l == EN || l == "" {
		return true
	}
	_, ok := l.catalog()[msg]
	return ok
}

// Tf translates an English format and formats it with args.
func (l Lang) Tf(format string, args ...any) string { return fmt.Sprintf(l.T(format), args...) }

// N writes a count with the noun the language's plural rule picks: one and
// other are English formats with %s where the number goes ("%s question",
// "%s questions"). French takes the singular for 0 and 1, Dutch and
// English for 1 only.
func (l Lang) N(n int, one, other string) string {
	form := other
	if n == 1 || (l == FR && n == 0) {
		form = one
	}
	return fmt.Sprintf(l.T(form), l.Int(n))
}

// groupSep and decimalSep are how numbers are written: 1,234.5 in
// English, 1 234,5 in French (a narrow no-break space), 1.234,5 in Dutch.
func (l Lang) groupSep() string {
	switch l {
	case FR:
		return "\u202f"
	case NL:
		return "."
	}
	return ","
}

func (l Lang) decimalSep() string {
	if l == FR || l == NL {
		return ","
	}
	return "."
}

// Int writes a whole number with the language's digit grouping; numbers
// below 10,000 are not grouped in French and Dutch (as their typography
// wants for four digits), nor in English below 1,000.
func (l Lang) Int(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	if len(s) > 3 && (l == EN || len(s) > 4) {
		var b strings.Builder
		for i, c := range s {
			if i > 0 && (len(s)-i)%3 == 0 {
				b.WriteString(l.groupSep())
			}
			b.WriteRune(c)
		}
		s = b.String()
	}
	if neg {
		s = "-" + s
	}
	return s
}

// Float writes f with at most prec decimals (trailing zeros dropped).
func (l Lang) Float(f float64, prec int) string {
	s := strconv.FormatFloat(f, 'f', prec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	whole, frac, _ := strings.Cut(s, ".")
	n, err := strconv.Atoi(whole)
	if err != nil || math.Abs(f) >= 1e15 {
		return s
	}
	out := l.Int(n)
	if whole == "-0" {
		out = "-0"
	}
	if frac != "" {
		out += l.decimalSep() + frac
	}
	return out
}

// Percent writes a whole percentage: "45%" in English and Dutch, "45 %" in
// French (a narrow no-break space).
func (l Lang) Percent(p int) string {
	if l == FR {
		return l.Int(p) + "\u202f%"
	}
	return l.Int(p) + "%"
}

var monthNames = map[Lang][12]string{
	EN: {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	FR: {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
	NL: {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
}

func (l Lang) months() [12]string {
	if m, ok := monthNames[l]; ok {
		return m
	}
	return monthNames[EN]
}

// Date writes a day "YYYY-MM-DD" as the language does: "7 October 2024",
// "7 octobre 2024" ("1er octobre"), "7 oktober 2024". Anything else is
// returned as it is.
func (l Lang) Date(iso string) string {
	t, err := time.Parse("2006-01-02", iso)
	if err != nil {
		return iso
	}
	day := strconv.Itoa(t.Day())
	if l == FR && t.Day() == 1 {
		day = "1er"
	}
	return day + "\u00a0" + l.months()[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// Month writes a month "YYYY-MM": "March 2024", "mars 2024", "maart 2024".
func (l Lang) Month(key string) string {
	t, err := time.Parse("2006-01", key)
	if err != nil {
		return key
	}
	return l.months()[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// Stamp writes an instant in UTC, to the minute: "7 October 2024, 03:00
// UTC" ("7 octobre 2024 à 03:00 UTC", "7 oktober 2024 om 03:00 UTC").
func (l Lang) Stamp(t time.Time) string {
	t = t.UTC()
	return l.Tf("%s, %s UTC", l.Date(t.Format("2006-01-02")), t.Format("15:04"))
}

// Days writes a number of days: "1 day", "12 days".
func (l Lang) Days(n int) string { return l.N(n, "%s day", "%s days") }

// Ago writes a duration the way the freshness reports round it: "3 days
// 2 h", "5 h 10 min", "12 min", "40 s".
func (l Lang) Ago(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d >= 48*time.Hour:
		return l.Tf("%s %s h", l.N(int(d/(24*time.Hour)), "%s day", "%s days"), l.Int(int(d%(24*time.Hour)/time.Hour)))
	case d >= time.Hour:
		return l.Tf("%s h %s min", l.Int(int(d/time.Hour)), l.Int(int(d%time.Hour/time.Minute)))
	case d >= time.Minute:
		return l.Tf("%s min", l.Int(int(d/time.Minute)))
	}
	return l.Tf("%s s", l.Int(int(d/time.Second)))
}

// Keys returns the English messages l's catalog translates, for tests
// that check the catalogs against what the pages use.
func Keys(l Lang) []string {
	c := l.catalog()
	out := make([]string, 0, len(c))
	for k := range c {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
