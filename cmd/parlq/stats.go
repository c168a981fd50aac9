package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/parlq/parlq/api"
	"github.com/parlq/parlq/server"
	"github.com/parlq/parlq/stats"
)

// runStats prints the answer-time statistics of a search: the figures of
// GET /api/stats, computed on the data directory or asked of the server
// that holds it.
func runStats(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "stats", "[flags] [QUERY]")
	var qf queryFlags
	qf.register(fs, false)
	data := dataFlag(fs)
	srv := fs.String("server", "", "ask this parlq server (`URL`) instead of reading the data directory")
	by := fs.String("by", "", "group by these, comma separated: "+dimensionNames()+" (default minister; every one with --json or --csv)")
	asJSON := fs.Bool("json", false, "print the figures as JSON, the shape of GET /api/stats")
	asCSV := fs.Bool("csv", false, "print the figures as CSV, one row per group")
	backlog := fs.Int("backlog", 3, "oldest open questions listed per minister in the text output (0: none)")
	if err := parseFlags(fs, reorder(fs, args)); err != nil {
		return err
	}
	if *asJSON && *asCSV {
		return fmt.Errorf("%w: --json and --csv exclude each other", errUsage)
	}
	v := qf.params(strings.Join(fs.Args(), " "))
	switch {
	case *by != "":
		v.Set("by", *by)
	case !*asJSON && !*asCSV:
		v.Set("by", string(stats.ByMinister))
	}
	if *asCSV {
		v.Set("format", string(api.StatsCSV))
	}
	req, p, err := api.ParseStats(v)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	t, closeFn, err := openQueryTarget(ctx, env, *data, *srv)
	if err != nil {
		return err
	}
	defer closeFn()

	var resp api.StatsResponse
	if t.ds != nil {
		// The server's own computation, on this directory.
		s := server.New(server.DefaultConfig(), t.ds)
		defer s.Close()
		rep, err := s.Stats(ctx, req, p.By)
		if err != nil {
			return queryErr(err)
		}
		resp = api.StatsResponse{Query: api.StatsValues(req, p), Report: rep}
	} else {
		body, err := t.get(ctx, "/api/stats", v)
		if err != nil {
			return err
		}
		defer body.Close()
		if *asCSV {
			_, err := io.Copy(env.Stdout, body)
			return err
		}
		if err := json.NewDecoder(body).Decode(&resp); err != nil {
			return fmt.Errorf("server: %w", err)
		}
		if resp.Report == nil {
			return fmt.Errorf("server: no statistics in the response")
		}
	}
	switch {
	case *asJSON:
		return api.WriteStatsJSON(env.Stdout, resp)
	case *asCSV:
		return api.WriteStatsCSV(env.Stdout, resp.Report)
	}
	return printStats(env.Stdout, resp.Report, *backlog)
}

func dimensionNames() string {
	var names []string
	for _, d := range stats.Dimensions() {
		names = append(names, string(d))
	}
	return strings.Join(names, ", ")
}

// printStats writes the figures for a person at a terminal: a table of the
// figures overall and per group, then the open backlog.
func printStats(w io.Writer, rep *stats.Report, backlog int) error {
	o := rep.Overall
	if o.Asked == 0 {
		_, err := fmt.Fprintln(w, "No question matches.")
		return err
	}
	fmt.Fprintf(w, "%d questions, as of %s. Days are calendar days from reception to the first full answer;\n", o.Asked, rep.Now)
	fmt.Fprintln(w, "the median and 90th percentile count open questions (Kaplan–Meier), the answered-only median does not;")
	fmt.Fprintln(w, ">N: not reached, more than N days.")
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	header := "\tasked\tanswered\topen\tlapsed\twithdrawn\tmedian\tp90\tanswered-only median\tby the deadline\tlongest open\t"
	row := func(label string, f stats.Figures) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t\n", label, f.Asked, f.Answered, f.Open, f.Lapsed, f.Withdrawn,
			quantileText(f.Median), quantileText(f.P90), naiveText(f.NaiveMedian), deadlineText(f.Deadline), waitText(f.OldestWaiting))
	}
	fmt.Fprintln(tw, header)
	row("all", o)
	for _, g := range rep.Groupings {
		fmt.Fprintf(tw, "by %s:%s\n", strings.ToLower(g.Dimension.Label()), strings.Repeat("\t", strings.Count(header, "\t")))
		for _, gr := range g.Groups {
			row(gr.Label, gr.Figures)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if backlog <= 0 || len(rep.Backlog) == 0 {
		return nil
	}
	fmt.Fprintln(w, "\nStill waiting, longest wait first:")
	for _, b := range rep.Backlog {
		line := fmt.Sprintf("%s: %d open", b.Label, b.Open)
		if b.Deadline.Overdue > 0 {
			line += fmt.Sprintf(", %d overdue", b.Deadline.Overdue)
		}
		fmt.Fprintln(w, line)
		for _, q := range b.Oldest[:min(backlog, len(b.Oldest))] {
			wait := "reception date unknown"
			if q.Days >= 0 {
				wait = fmt.Sprintf("%d days", q.Days)
			}
			if q.Overdue > 0 {
				wait += fmt.Sprintf(", overdue by %d days", q.Overdue)
			}
			fmt.Fprintf(w, "  %s  %s (%s)\n", q.ID, q.Title, wait)
		}
	}
	return nil
}

func quantileText(q *stats.Quantile) string {
	switch {
	case q == nil:
		return "—"
	case q.Reached:
		return fmt.Sprintf("%d", q.Days)
	}
	return fmt.Sprintf(">%d", q.Beyond)
}

func naiveText(f *float64) string {
	if f == nil {
		return "—"
	}
	return fmt.Sprintf("%g", *f)
}

func deadlineText(d stats.Deadline) string {
	switch {
	case d.Known == 0:
		return "no deadline known"
	case d.Share == nil:
		return "none due yet"
	}
	return fmt.Sprintf("%.0f%% (%d/%d)", *d.Share*100, d.OnTime, d.OnTime+d.Late)
}

func waitText(n *int) string {
	if n == nil {
		return "—"
	}
	return fmt.Sprintf("%d", *n)
}
