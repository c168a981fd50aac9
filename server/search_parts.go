package server

import (
	"net/url"
	"strings"
	"time"

	"github.com/parlq/parlq/index"
	"github.com/parlq/parlq/internal/i18n"
)

// The search page's reports on a query (templates/search_parts.html):
// what was searched, a corrected query, the people the query names, and
// the date histogram of the hits.

// notesView says what the query was taken for.
type notesView struct {
	// Suggestion is a corrected query and its link, when the query found
	// little.
	Suggestion      string
	SuggestionURL   string
	SuggestionTotal uint64
	// Ignored are common words not searched.
	Ignored []string
	// Lookup is the identifier the query was looked up as.
	Lookup string
	// People are askers and ministers whose names the query holds.
	People []personMatchView
}

type personMatchView struct {
	Name, Role string
	Count      int
	// URL shows only their questions.
	URL string
}

// histogramView is an SVG bar chart of the hits by period, drawn without
// script: each bar links to the hits of its period.
type histogramView struct {
	Interval string // "year" or "month"
	// Caption and Summary are the chart's caption and the summary of its
	// table, in the page's language.
	Caption, Summary string
	Width            int // of the viewBox
	Height           int
	// Pixels is the width drawn: four pixels a unit, so that a few bars
	// are not stretched across the page (the style sheet caps it).
	Pixels int
	Bars   []histBarView
	First  string
	Last   string
	Max    int
}

type histBarView struct {
	Key, Label string
	Count      int
	X, Y, W, H int
	URL        string
}

// Chart geometry, in viewBox units.
const (
	histHeight   = 60
	barWidth     = 10
	barGap       = 2
	monthsAtMost = 36 // a longer span is drawn per year
)

// fillNotes sets the reports on the query and the histogram.
func (s *Server) fillNotes(view *searchView, l i18n.Lang, req index.Request, res *index.Result) {
	base := s.pageValues(req)
	if sg := res.Suggestion; sg != nil {
		v := cloneValues(base)
		v.Set("q", sg.Query)
		view.Notes.Suggestion, view.Notes.SuggestionURL, view.Notes.SuggestionTotal = sg.Query, "/?"+v.Encode(), sg.Total
	}
	view.Notes.Ignored = res.Ignored
	view.Notes.Lookup = res.Lookup
	for _, p := range res.People {
		v := cloneValues(base)
		if !containsValue(v[p.Role], p.Name) {
			v.Add(p.Role, p.Name)
		}
		role := l.T("asked")
		if p.Role == "addressee" {
			role = l.T("answered as minister")
		}
		view.Notes.People = append(view.Notes.People, personMatchView{Name: p.Name, Role: role, Count: p.Count, URL: "/?" + v.Encode()})
	}
	view.Histogram = histogramOf(l, res.Histogram, base)
}

func containsValue(vals []string, v string) bool {
	for _, x := range vals {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

// histogramOf draws the histogram per month when it spans three years at
// most, per year otherwise.
func histogramOf(l i18n.Lang, h *index.Histogram, base url.Values) *histogramView {
	if h == nil || len(h.Year) == 0 {
		return nil
	}
	hv := &histogramView{Interval: "year", Height: histHeight}
	buckets := h.Year
	if len(h.Month) <= monthsAtMost {
		hv.Interval, buckets = "month", h.Month
	}
	for _, b := range buckets {
		hv.Max = max(hv.Max, b.Count)
	}
	for i, b := range buckets {
		from, to, label := period(l, b.Key)
		v := cloneValues(base)
		v.Set("received_from", from)
		v.Set("received_to", to)
		v.Del("page")
		bar := histBarView{Key: b.Key, Label: label, Count: b.Count, X: i * (barWidth + barGap), W: barWidth, URL: "/?" + v.Encode()}
		if hv.Max > 0 {
			bar.H = b.Count * histHeight / hv.Max
			if b.Count > 0 && bar.H == 0 {
				bar.H = 1
			}
		}
		bar.Y = histHeight - bar.H
		hv.Bars = append(hv.Bars, bar)
	}
	hv.Width = len(buckets)*(barWidth+barGap) - barGap
	hv.Pixels = hv.Width * 4
	hv.First, hv.Last = hv.Bars[0].Label, hv.Bars[len(hv.Bars)-1].Label
	if hv.Interval == "month" {
		hv.Caption = l.Tf("Questions received per month, %s to %s (highest: %s)", hv.First, hv.Last, l.Int(hv.Max))
		hv.Summary = l.T("Questions per month")
	} else {
		hv.Caption = l.Tf("Questions received per year, %s to %s (highest: %s)", hv.First, hv.Last, l.Int(hv.Max))
		hv.Summary = l.T("Questions per year")
	}
	return hv
}

// period returns the first and last day of a year ("2024") or month
// ("2024-03") bucket, and its name.
func period(l i18n.Lang, key string) (from, to, label string) {
	if t, err := time.Parse("2006-01", key); err == nil {
		return t.Format("2006-01-02"), t.AddDate(0, 1, -1).Format("2006-01-02"), l.Month(key)
	}
	return key + "-01-01", key + "-12-31", key
}
