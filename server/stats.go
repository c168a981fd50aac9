package server

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/api"
	"github.com/parlq/parlq/index"
	"github.com/parlq/parlq/internal/i18n"
	"github.com/parlq/parlq/stats"
)

// collectStats computes the statistics of every record req selects, on
// the server's current day: from the record table when req has no query
// text (records.go), else from the index.
func (s *Server) collectStats(ctx context.Context, req index.Request, by []stats.Dimension) (*stats.Report, time.Duration, error) {
	start := time.Now()
	c := stats.New(stats.Options{Now: s.now(), By: by})
	f, ok, err := compileFilter(req)
	switch {
	case err != nil:
		return nil, 0, err
	case ok:
		rows, err := s.tableRows(ctx)
		if err != nil {
			return nil, 0, err
		}
		for i := range rows {
			if i%4096 == 0 && ctx.Err() != nil {
				return nil, 0, ctx.Err()
			}
			if f.match(&rows[i]) {
				c.AddEntry(&rows[i].entry)
			}
		}
	default:
		err := s.ix.All(ctx, req, func(h index.Hit) error {
			c.Add(&h.Record)
			return nil
		})
		if err != nil {
			return nil, 0, err
		}
	}
	rep := c.Report()
	return rep, time.Since(start), nil
}

// Stats computes the answer-time statistics of every record req selects,
// grouped by the dimensions given (nil: all), on the server's current day:
// what GET /api/stats answers, for `parlq stats` on a data directory.
func (s *Server) Stats(ctx context.Context, req index.Request, by []stats.Dimension) (*stats.Report, error) {
	rep, _, err := s.collectStats(ctx, req, by)
	return rep, err
}

// handleStatsAPI answers GET /api/stats: the answer-time statistics of
// every hit of a query, as JSON (api.StatsResponse) or CSV (format=csv).
func (s *Server) handleStatsAPI(w http.ResponseWriter, r *http.Request) {
	req, p, err := api.ParseStats(r.URL.Query())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rep, took, err := s.collectStats(r.Context(), req, p.By)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if p.Format == api.StatsCSV {
		h := w.Header()
		h.Set("Content-Type", "text/csv; charset=utf-8; header=present")
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="parlq-stats-%s.csv"`, rep.Now))
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		if p.BOM {
			_, _ = io.WriteString(w, api.UTF8BOM)
		}
		if err := api.WriteStatsCSV(w, rep); err != nil {
			s.log.Debug("stats csv write", "err", err)
		}
		return
	}
	q := api.StatsValues(req, p)
	writeJSON(w, http.StatusOK, api.StatsResponse{Query: q, TookMS: float64(took.Microseconds()) / 1000, Report: rep})
}

// figuresView is one row of figures, formatted for the page.
type figuresView struct {
	Asked, Answered, Open, Lapsed, Withdrawn, Timed, ExitUnknown int
	Median, P90, Naive                                           string
	NotReached                                                   bool
	OnTime                                                       string
	Oldest                                                       string
}

func newFiguresView(l i18n.Lang, f stats.Figures) figuresView {
	return figuresView{
		Asked: f.Asked, Answered: f.Answered, Open: f.Open, Lapsed: f.Lapsed, Withdrawn: f.Withdrawn,
		Timed: f.Timed, ExitUnknown: f.ExitUnknown,
		Median: quantileText(l, f.Median), P90: quantileText(l, f.P90), Naive: naiveText(l, f.NaiveMedian),
		NotReached: f.Median != nil && !f.Median.Reached,
		OnTime:     shareText(l, f.Deadline),
		Oldest:     oldestText(l, f),
	}
}

func quantileText(l i18n.Lang, q *stats.Quantile) string {
	switch {
	case q == nil:
		return "—"
	case q.Reached:
		return l.Days(q.Days)
	}
	return l.Tf("not reached (over %s)", l.Days(q.Beyond))
}

func naiveText(l i18n.Lang, f *float64) string {
	if f == nil {
		return "—"
	}
	if *f == 1 {
		return l.Days(1)
	}
	return l.Tf("%s days", l.Float(*f, 1))
}

func shareText(l i18n.Lang, d stats.Deadline) string {
	switch {
	case d.Known == 0:
		return l.T("no deadline known")
	case d.OnTime+d.Late == 0:
		return l.Tf("none due yet (%s)", l.Int(d.Known))
	}
	return l.Tf("%s (%s of %s)", l.Percent(int(math.Round(*d.Share*100))), l.Int(d.OnTime), l.Int(d.OnTime+d.Late))
}

func oldestText(l i18n.Lang, f stats.Figures) string {
	if f.OldestWaiting == nil {
		return "—"
	}
	return l.Days(*f.OldestWaiting)
}

// barView is a small bar pair of a group row: the estimated median (or how
// far the estimate got when it was not reached) and the naive median, in
// per cent of the widest bar on the page.
type barView struct {
	KM, Naive  float64
	NotReached bool
}

type groupView struct {
	Label, Person, Drill, Search string
	Figures                      figuresView
	Bar                          *barView
}

type groupingView struct {
	Dimension, Label string
	Groups           []groupView
}

type openView struct {
	Link, Title, Received, Holding, Due string
	Days, Overdue                       int
}

type backlogView struct {
	Label, Person, Search string
	Open, Overdue         int
	Oldest                []openView
}

type dimLink struct {
	Value, Label, URL string
	Current           bool
}

// chartView is the survival curve chart: paths in a 560×240 box.
type chartView struct {
	KM, Naive, MedianLine string
	XTicks, YTicks        []tickView
	Desc                  string
}

type tickView struct {
	Pos   float64
	Label string
}

type statsView struct {
	Title, Query, Error string
	Dates               map[string]string
	By                  string
	Dims                []dimLink
	Active              []activeFilter
	Hidden              []option
	Notices             []string
	HasResult           bool
	Now                 string
	Overall             figuresView
	Chart               *chartView
	GroupsHeading       string
	Groupings           []groupingView
	Backlog             []backlogView
	JSON, CSV, Search   string
}

// handleStatsPage is the statistics page: the figures of the query in the
// URL, one grouping at a time (by=minister by default), a chart of the
// share still unanswered, the open backlog per minister. No JavaScript.
func (s *Server) handleStatsPage(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	v := r.URL.Query()
	view := statsView{Title: l.T("Answer times") + " — parlq", Dates: map[string]string{}}
	status := http.StatusOK
	req, p, err := api.ParseStats(v)
	if err == nil && strings.TrimSpace(v.Get("format")) != "" {
		err = &index.QueryError{Field: "format", Msg: "the page has no format; download the figures from /api/stats?format=csv"}
	}
	if len(p.By) == 0 {
		p.By = []stats.Dimension{stats.ByMinister}
	}
	s.fillStatsForm(&view, l, req, p)
	if err == nil {
		var rep *stats.Report
		rep, _, err = s.collectStats(r.Context(), req, p.By)
		if err == nil {
			s.fillStats(&view, l, req, p, rep)
		}
	}
	if err != nil {
		st, msg := s.errorText(l, err)
		s.logFailure(r, st, err)
		status, view.Error = st, msg
		if view.Query == "" {
			view.Query = v.Get("q")
		}
	}
	s.render(w, r, status, "stats", view)
}

// byParam is the by parameter of p: its groupings, comma separated.
func byParam(p api.StatsParams) string {
	return api.StatsValues(index.Request{}, p).Get("by")
}

// filterOfDimension is the search filter that selects a group of a
// dimension by its value ("" when none does).
var filterOfDimension = map[stats.Dimension]string{
	stats.ByMinister: "addressee", stats.ByAssembly: "assembly",
	stats.ByLegislature: "legislature", stats.ByYear: "year",
}

// fillStatsForm sets the form, the grouping links and the active filters.
func (s *Server) fillStatsForm(view *statsView, l i18n.Lang, req index.Request, p api.StatsParams) {
	view.Query = req.Query
	if req.Query != "" {
		view.Title = req.Query + " — " + l.T("answer times") + " — parlq"
	}
	view.By = string(p.By[0])
	view.Dates["received_from"] = req.Received.From
	view.Dates["received_to"] = req.Received.To
	view.Dates["answered_from"] = req.Answered.From
	view.Dates["answered_to"] = req.Answered.To
	base := api.Values(req)
	base.Del("sort")
	for _, d := range stats.Dimensions() {
		u := cloneValues(base)
		u.Set("by", string(d))
		view.Dims = append(view.Dims, dimLink{Value: string(d), Label: l.T(d.Label()), URL: "/stats?" + u.Encode(), Current: len(p.By) == 1 && p.By[0] == d})
	}
	bys := byParam(p)
	for _, f := range api.FilterParams {
		for _, val := range req.Filters[f] {
			view.Hidden = append(view.Hidden, option{Value: f, Label: val})
			rest := cloneValues(base)
			rest[f] = slices.DeleteFunc(slices.Clone(rest[f]), func(x string) bool { return x == val })
			rest.Set("by", bys)
			view.Active = append(view.Active, activeFilter{Label: filterLabelIn(l, f), Value: s.valueLabel(l, f, val), RemoveURL: "/stats?" + rest.Encode()})
		}
	}
	if req.Answered.From != "" || req.Answered.To != "" {
		view.Notices = append(view.Notices, l.T("Filtering by answer date leaves out every question still open: the figures then describe answered questions only, and the estimate equals the naive median."))
	}
	if st := req.Filters["status"]; len(st) > 0 {
		names := make([]string, len(st))
		for i, v := range st {
			names[i] = s.valueLabel(l, "status", v)
		}
		view.Notices = append(view.Notices, l.Tf("A status filter (%s) leaves out questions in other states: the estimate of the days to answer counts the open questions only when they are selected too.", strings.Join(names, ", ")))
	}
}

// fillStats sets the figures, the chart, the groupings and the backlog.
func (s *Server) fillStats(view *statsView, l i18n.Lang, req index.Request, p api.StatsParams, rep *stats.Report) {
	view.HasResult = true
	view.Now = rep.Now
	view.Overall = newFiguresView(l, rep.Overall)
	view.Chart = survivalChart(l, rep)
	base := api.Values(req)
	base.Del("sort")
	view.Search = "/?" + base.Encode()
	q := api.StatsValues(req, p)
	view.JSON = "/api/stats?" + q.Encode()
	q.Set("format", "csv")
	q.Set("bom", "true") // a download for a spreadsheet (api.ParseBOM)
	view.CSV = "/api/stats?" + q.Encode()

	var labels []string
	for _, g := range rep.Groupings {
		labels = append(labels, strings.ToLower(l.T(g.Dimension.Label())))
	}
	view.GroupsHeading = l.Tf("By %s", strings.Join(labels, ", "))
	for _, g := range rep.Groupings {
		gv := groupingView{Dimension: string(g.Dimension), Label: l.T(g.Dimension.Label())}
		scale := 0.0
		for _, gr := range g.Groups {
			scale = math.Max(scale, barLength(gr.Figures))
		}
		for _, gr := range g.Groups {
			row := groupView{Label: groupLabel(l, g.Dimension, gr), Figures: newFiguresView(l, gr.Figures)}
			if f := filterOfDimension[g.Dimension]; f != "" && gr.Value != "" {
				drill := cloneValues(base)
				drill.Set(f, gr.Value)
				if gr.Source != "" {
					drill.Set("source", gr.Source)
				}
				row.Search = "/?" + drill.Encode()
				drill.Set("by", byParam(p))
				row.Drill = "/stats?" + drill.Encode()
			}
			if g.Dimension == stats.ByMinister && gr.Value != "" {
				row.Person = personPath(gr.Source, gr.Value)
			}
			if scale > 0 && gr.Timed > 0 {
				row.Bar = newBar(gr.Figures, scale)
			}
			gv.Groups = append(gv.Groups, row)
		}
		view.Groupings = append(view.Groupings, gv)
	}
	for _, b := range rep.Backlog {
		bv := backlogView{Label: b.Label, Open: b.Open, Overdue: b.Deadline.Overdue}
		if b.Value != "" {
			bv.Person = personPath(b.Source, b.Value)
			u := cloneValues(base)
			u.Set("addressee", b.Value)
			u.Set("source", b.Source)
			u.Set("status", "pending")
			u.Set("sort", "received")
			bv.Search = "/?" + u.Encode()
		}
		bv.Oldest = openViews(b.Oldest)
		view.Backlog = append(view.Backlog, bv)
	}
}

func openViews(qs []stats.OpenQuestion) []openView {
	out := make([]openView, 0, len(qs))
	for _, o := range qs {
		title := o.Title
		if title == "" {
			title = o.ID
		}
		out = append(out, openView{Link: questionPath(o.ID), Title: title, Received: o.Received, Holding: o.Holding, Due: o.Due, Days: o.Days, Overdue: o.Overdue})
	}
	return out
}

// barLength is how long a group's bar runs: its estimated median, or the
// longest time observed when the median was not reached, or its naive
// median if longer.
func barLength(f stats.Figures) float64 {
	n := 0.0
	if m := f.Median; m != nil {
		if m.Reached {
			n = float64(m.Days)
		} else {
			n = float64(m.Beyond)
		}
	}
	if f.NaiveMedian != nil {
		n = math.Max(n, *f.NaiveMedian)
	}
	return n
}

func newBar(f stats.Figures, scale float64) *barView {
	b := &barView{}
	if m := f.Median; m != nil {
		if m.Reached {
			b.KM = float64(m.Days) / scale * 100
		} else {
			b.KM, b.NotReached = float64(m.Beyond)/scale*100, true
		}
	}
	if f.NaiveMedian != nil {
		b.Naive = *f.NaiveMedian / scale * 100
	}
	return b
}

// Chart geometry: the plot area inside a 560×240 view box.
const (
	chartLeft, chartRight   = 48.0, 548.0
	chartTop, chartBottom   = 12.0, 200.0
	chartWidth, chartHeight = chartRight - chartLeft, chartBottom - chartTop
)

// survivalChart draws the share still unanswered day by day: the
// Kaplan–Meier estimate and, dashed, the answered questions alone. Nil when
// no question was answered.
func survivalChart(l i18n.Lang, rep *stats.Report) *chartView {
	if len(rep.Curve) == 0 && len(rep.NaiveCurve) == 0 {
		return nil
	}
	last := 1
	for _, c := range [][]stats.Step{rep.Curve, rep.NaiveCurve} {
		if len(c) > 0 {
			last = max(last, c[len(c)-1].Day)
		}
	}
	xMax := niceCeil(float64(last))
	x := func(d float64) float64 { return chartLeft + d/xMax*chartWidth }
	y := func(share float64) float64 { return chartTop + (1-share)*chartHeight }
	path := func(steps []stats.Step) string {
		var b strings.Builder
		fmt.Fprintf(&b, "M%.1f,%.1f", x(0), y(1))
		for _, st := range steps {
			fmt.Fprintf(&b, " H%.1f V%.1f", x(float64(st.Day)), y(st.Open))
		}
		fmt.Fprintf(&b, " H%.1f", x(xMax))
		return b.String()
	}
	c := &chartView{
		KM: path(rep.Curve), Naive: path(rep.NaiveCurve),
		MedianLine: fmt.Sprintf("M%.1f,%.1f H%.1f", x(0), y(0.5), x(xMax)),
	}
	// Four or five ticks, whichever falls on whole days.
	n := 4.0
	if math.Mod(xMax, 4) != 0 {
		n = 5
	}
	for i := 0.0; i <= n; i++ {
		d := xMax * i / n
		c.XTicks = append(c.XTicks, tickView{Pos: x(d), Label: l.Float(d, 1)})
	}
	for _, sh := range []float64{0, 0.25, 0.5, 0.75, 1} {
		c.YTicks = append(c.YTicks, tickView{Pos: y(sh), Label: l.Percent(int(sh * 100))})
	}
	c.Desc = l.Tf("Share of questions still unanswered, by days since reception. Estimated median, open questions included: %s; median of the answered questions alone: %s.",
		quantileText(l, rep.Overall.Median), naiveText(l, rep.Overall.NaiveMedian))
	return c
}

// niceCeil rounds n up to 1, 2, 4 or 5 times a power of ten, at least 4,
// so that the axis has round ticks.
func niceCeil(n float64) float64 {
	if n < 4 {
		return 4
	}
	p := math.Pow(10, math.Floor(math.Log10(n)))
	for _, m := range []float64{1, 2, 4, 5, 10} {
		if n <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// methodView is the data of the method page.
type methodView struct {
	Title string
	Rules []ruleView
}

type ruleView struct {
	Source, Basis string
	// When says the rule: "2 months after publication".
	When string
}

// handleMethod explains how every figure is computed.
func (s *Server) handleMethod(w http.ResponseWriter, r *http.Request) {
	if len(r.URL.Query()) > 0 {
		s.pageError(w, r, &index.QueryError{Field: "query", Msg: "this page takes no parameters"})
		return
	}
	view := methodView{Title: langOf(r).T("How the answer-time figures are computed") + " — parlq"}
	rules := stats.DefaultRules()
	for src, rule := range rules {
		view.Rules = append(view.Rules, ruleView{Source: src, Basis: rule.Basis, When: rule.Describe()})
	}
	slices.SortFunc(view.Rules, func(a, b ruleView) int { return strings.Compare(a.Source, b.Source) })
	s.render(w, r, http.StatusOK, "method", view)
}

// clockView is the answer-time fact of one record, for a result card or a
// question page.
type clockView struct {
	Waiting, Overdue, Answered, Days int
	Due                              string
	OnTime, Late                     bool
}

// clockOf is where q stands on the answer clock today; nil when its dates
// do not allow a figure.
func (s *Server) clockOf(q *parlq.Question) *clockView {
	c := stats.ClockOf(q, s.now(), stats.DefaultRules())
	if !c.Timed && c.Due == "" {
		return nil
	}
	v := &clockView{Waiting: -1, Answered: -1, Due: c.Due, Overdue: c.Overdue, OnTime: c.Outcome == stats.OnTime, Late: c.Outcome == stats.Late}
	if c.Timed {
		switch c.State {
		case stats.StateWaiting:
			v.Waiting = c.Days
		case stats.StateAnswered:
			v.Answered = c.Days
		}
	}
	return v
}

// groupLabel names a group of the statistics in l: a coded value (an
// assembly) by its name; people, parties and years as they are.
func groupLabel(l i18n.Lang, d stats.Dimension, g stats.Group) string {
	if d == stats.ByAssembly && g.Value != "" {
		if n := l.Value("assembly", g.Value); n != "" {
			return n
		}
	}
	return g.Label
}

// statsLink is the statistics page of the records a search selects.
func statsLink(req index.Request) string {
	v := api.Values(req)
	v.Del("sort")
	if len(v) == 0 {
		return "/stats"
	}
	return "/stats?" + v.Encode()
}

// personPath is the page of a person, by source and name as printed.
func personPath(source, name string) string {
	return "/people/" + url.PathEscape(source) + "/" + url.PathEscape(name)
}
