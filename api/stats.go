package api

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/parlq/parlq/index"
	"github.com/parlq/parlq/stats"
)

// StatsFormat is an encoding of the statistics.
type StatsFormat string

// Statistics formats.
const (
	StatsJSON StatsFormat = "json"
	// StatsCSV is one row of figures per group (StatsCSVHeader).
	StatsCSV StatsFormat = "csv"
)

// StatsParams are the parameters of GET /api/stats besides those that
// select the records.
type StatsParams struct {
	// By lists the groupings asked for (by=minister,party or repeated);
	// nil means every dimension.
	By     []stats.Dimension
	Format StatsFormat
	// BOM starts a CSV with the UTF-8 byte-order mark (see ParseBOM).
	BOM bool
}

// ParseStats reads the parameters of GET /api/stats, of the statistics page
// and of `parlq stats`: those of a search that select hits (q, filters,
// date ranges; sort is accepted and changes nothing), by and format
// (json, default, or csv).
func ParseStats(v url.Values) (index.Request, StatsParams, error) {
	p := StatsParams{Format: StatsJSON}
	req, err := parseQuery(v, kindStats, DefaultExportSize, 0)
	if err != nil {
		return req, p, err
	}
	switch f := nonEmpty(v["format"]); {
	case len(f) > 1:
		return req, p, &index.QueryError{Field: "format", Msg: "format given more than once"}
	case len(f) == 1:
		p.Format = StatsFormat(f[0])
		if p.Format != StatsJSON && p.Format != StatsCSV {
			return req, p, &index.QueryError{Field: "format", Msg: fmt.Sprintf("format %q is not json or csv", f[0])}
		}
	}
	if p.BOM, err = ParseBOM(v, p.Format == StatsCSV); err != nil {
		return req, p, err
	}
	for _, b := range nonEmpty(v["by"]) {
		for _, name := range strings.Split(b, ",") {
			d := stats.Dimension(strings.TrimSpace(name))
			if d == "" {
				continue
			}
			if !d.Valid() {
				names := make([]string, 0, len(stats.Dimensions()))
				for _, d := range stats.Dimensions() {
					names = append(names, string(d))
				}
				return req, p, &index.QueryError{Field: "by", Msg: fmt.Sprintf("unknown grouping %q (known: %s)", d, strings.Join(names, ", "))}
			}
			if !slices.Contains(p.By, d) {
				p.By = append(p.By, d)
			}
		}
	}
	return req, p, nil
}

// StatsValues is the inverse of ParseStats: the parameters that select the
// records, then by (comma separated) when given.
func StatsValues(req index.Request, p StatsParams) url.Values {
	v := Values(req)
	v.Del("sort") // changes nothing in statistics
	if len(p.By) > 0 {
		names := make([]string, len(p.By))
		for i, d := range p.By {
			names[i] = string(d)
		}
		v.Set("by", strings.Join(names, ","))
	}
	return v
}

// StatsResponse is the body of GET /api/stats and of `parlq stats --json`:
// the parameters that selected the records, and the report.
//
//	{"query": {"q": ["smart city"], "addressee": ["Elke Van den Brandt"]},
//	 "took_ms": 41.2, "now": "2025-03-01", "unit": "calendar days",
//	 "overall": {"asked": 14, "answered": 6, "open": 6, "lapsed": 1, "withdrawn": 1, "timed": 13,
//	             "median": {"days": 10, "reached": true}, "p90": {"reached": false, "beyond": 30},
//	             "naive_median": 4.5, "deadline": {"known": 6, "on_time": 1, "late": 3, …, "share_on_time": 0.25}},
//	 "curve": [{"day": 2, "open": 0.923, "at_risk": 13, "answered": 1}, …], "naive_curve": […],
//	 "groupings": [{"dimension": "minister", "groups": [{"key": …, "label": …, "source": …, "value": …, "asked": …}]}],
//	 "backlog": [{"label": "Bernard Clerfayt", …, "oldest": [{"id": …, "days": 30, "due": …, "overdue": 20}]}],
//	 "rules": {}}
type StatsResponse struct {
	Query  url.Values `json:"query"`
	TookMS float64    `json:"took_ms"`
	*stats.Report
}

// WriteStatsJSON writes a response, indented, to w.
func WriteStatsJSON(w io.Writer, r StatsResponse) error {
	if r.Query == nil {
		r.Query = url.Values{}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// StatsCSVHeader is the header row of the statistics as CSV: one row for
// every record ("all"), then one per group of each grouping. A quantile
// that is not reached has an empty *_days cell and the longest time
// observed in *_beyond; shares are fractions (0.25).
var StatsCSVHeader = []string{
	"as_of", "dimension", "group", "source", "value",
	"asked", "answered", "open", "lapsed", "withdrawn", "timed", "exit_unknown",
	"km_median_days", "km_median_beyond", "km_p90_days", "km_p90_beyond", "naive_median_days",
	"deadline_known", "on_time", "late", "undecided", "overdue", "share_on_time", "oldest_waiting_days",
}

// WriteStatsCSV writes rep as CSV (RFC 4180, CRLF line ends), cells guarded
// against formula injection.
func WriteStatsCSV(w io.Writer, rep *stats.Report) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(StatsCSVHeader); err != nil {
		return err
	}
	row := func(dim, group, source, value string, f stats.Figures) error {
		q := func(x *stats.Quantile) (string, string) {
			switch {
			case x == nil:
				return "", ""
			case x.Reached:
				return strconv.Itoa(x.Days), ""
			}
			return "", strconv.Itoa(x.Beyond)
		}
		medDays, medBeyond := q(f.Median)
		p90Days, p90Beyond := q(f.P90)
		cells := []string{
			rep.Now, dim, group, source, value,
			itoa(f.Asked), itoa(f.Answered), itoa(f.Open), itoa(f.Lapsed), itoa(f.Withdrawn), itoa(f.Timed), itoa(f.ExitUnknown),
			medDays, medBeyond, p90Days, p90Beyond, ftoa(f.NaiveMedian),
			itoa(f.Deadline.Known), itoa(f.Deadline.OnTime), itoa(f.Deadline.Late), itoa(f.Deadline.Undecided),
			itoa(f.Deadline.Overdue), ftoa(f.Deadline.Share), optInt(f.OldestWaiting),
		}
		for i, c := range cells {
			cells[i] = SafeCell(c)
		}
		return cw.Write(cells)
	}
	if err := row("all", "all", "", "", rep.Overall); err != nil {
		return err
	}
	for _, g := range rep.Groupings {
		for _, gr := range g.Groups {
			if err := row(string(g.Dimension), gr.Label, gr.Source, gr.Value, gr.Figures); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

func itoa(n int) string { return strconv.Itoa(n) }

// optInt formats an optional count ("" for nil).
func optInt(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

// ftoa formats an optional figure with at most four decimals ("" for nil).
func ftoa(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(math.Round(*f*1e4)/1e4, 'f', -1, 64)
}
