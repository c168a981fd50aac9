package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/crawler"
)

func runReparse(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "reparse", "[flags]")
	source := fs.String("source", "all", "source(s) to reparse, a comma list, or all")
	data := dataFlag(fs)
	quiet := fs.Bool("quiet", false, "log only warnings and errors")
	if err := parseFlagsOnly(fs, args); err != nil {
		return err
	}
	sources, err := selectSources(*source)
	if err != nil {
		return err
	}
	log := newLogger(env, *quiet)
	st, err := openStore(ctx, resolveDataDir(env, *data), storeOptions{command: "reparse", write: true, index: true}, log)
	if err != nil {
		return err
	}
	defer st.close()
	if err := st.markDirty(); err != nil {
		return err
	}
	var errs []error
	for _, src := range sources {
		rep, err := crawler.Reparse(ctx, src, st.cat, st.dir.warc(), st.indexChange(ctx))
		fmt.Fprintf(env.Stdout, "%s: %d archived responses (%d index pages): %d new, %d changed, %d unchanged, %d unreadable (%d of them stored as records before)\n",
			src.Name(), rep.Responses, rep.Lists, rep.New, rep.Changed, rep.Unchanged, rep.Unreadable, rep.Regressed)
		for _, u := range rep.UnreadableURLs {
			fmt.Fprintf(env.Stdout, "  unreadable: %s\n", u)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", src.Name(), err))
		}
	}
	if len(errs) == 0 {
		// Reindex so records whose parse did not change are also indexed
		// with the current mapping.
		if _, err := st.reindex(ctx, ""); err != nil {
			return err
		}
		st.indexed = true
	}
	return errors.Join(errs...)
}

func runReindex(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "reindex", "[flags]")
	source := fs.String("source", "", "rebuild only this source's index (default: all)")
	data := dataFlag(fs)
	synonyms := fs.String("synonyms", "", "synonym file (default: synonyms.txt in the data directory, created from the built-in concepts)")
	if err := parseFlagsOnly(fs, args); err != nil {
		return err
	}
	if *source != "" {
		if _, err := selectSources(*source); err != nil {
			return err
		}
	}
	st, err := openStore(ctx, resolveDataDir(env, *data), storeOptions{command: "reindex", write: true, index: true, synonyms: *synonyms}, newLogger(env, true))
	if err != nil {
		return err
	}
	defer st.close()
	start := time.Now()
	counts, err := st.reindex(ctx, *source)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(counts))
	for n := range counts {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(env.Stdout, "%s: %d records indexed\n", n, counts[n])
	}
	fmt.Fprintf(env.Stdout, "reindexed in %s\n", time.Since(start).Round(time.Millisecond))
	if *source == "" {
		st.indexed = true
	}
	return nil
}

// sourceStatus is one source in `parlq status --json`.
type sourceStatus struct {
	Records     int            `json:"records"`
	ByStatus    map[string]int `json:"by_status"`
	LastRun     *runStatus     `json:"last_run,omitempty"`
	LastGoodRun *runStatus     `json:"last_good_run,omitempty"`
	Tracked     int            `json:"tracked"`
	Due         int            `json:"due"`
	Failures    []failure      `json:"failures,omitempty"`
	// Changes counts the status changes of the last 7 days, by
	// "from→to" ("pending→answered": 12).
	Changes map[string]int `json:"status_changes_7d"`
}

type runStatus struct {
	Outcome     string    `json:"outcome"`
	Started     time.Time `json:"started"`
	Finished    time.Time `json:"finished,omitzero"`
	Requests    int       `json:"requests"`
	Discovered  int       `json:"discovered"`
	New         int       `json:"new"`
	Changed     int       `json:"changed"`
	Unchanged   int       `json:"unchanged"`
	NotModified int       `json:"not_modified"`
	Failed      int       `json:"failed"`
	Skipped     int       `json:"skipped"`
	Error       string    `json:"error,omitempty"`
}

type failure struct {
	ID       string `json:"id"`
	URL      string `json:"url"`
	Failures int    `json:"failures"`
	Error    string `json:"error"`
	// GivenUp: scheduled runs leave the question alone (--recheck all
	// tries it again).
	GivenUp bool `json:"given_up"`
}

func newRunStatus(r *catalog.Run) *runStatus {
	if r == nil {
		return nil
	}
	return &runStatus{Outcome: r.Outcome, Started: r.Started, Finished: r.Finished, Requests: r.Requests,
		Discovered: r.Discovered, New: r.New, Changed: r.Changed, Unchanged: r.Unchanged,
		NotModified: r.NotModified, Failed: r.Failed, Skipped: r.Skipped, Error: r.Error}
}

func runStatusCmd(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "status", "[flags]")
	data := dataFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	source := fs.String("source", "all", "source(s), a comma list, or all")
	if err := parseFlagsOnly(fs, args); err != nil {
		return err
	}
	sources, err := selectSources(*source)
	if err != nil {
		return err
	}
	d := resolveDataDir(env, *data)
	st, err := openStore(ctx, d, storeOptions{command: "status"}, newLogger(env, true))
	if err != nil {
		return err
	}
	defer st.close()
	out := struct {
		Data    string                   `json:"data"`
		Writer  *lockHolder              `json:"writer,omitempty"`
		Sources map[string]*sourceStatus `json:"sources"`
	}{Data: string(d), Writer: currentHolder(d), Sources: map[string]*sourceStatus{}}
	now := time.Now()
	giveUp := crawler.DefaultConfig().GiveUpAfter
	for _, src := range sources {
		s := &sourceStatus{ByStatus: map[string]int{}}
		stats, err := st.cat.Stats(ctx, src.Name())
		if err != nil {
			return err
		}
		s.Records = stats.Records
		for _, k := range []parlq.Status{parlq.Answered, parlq.Pending, parlq.Lapsed} {
			s.ByStatus[string(k)] = 0
		}
		for k, n := range stats.ByStatus {
			s.ByStatus[k] = n
		}
		for _, pick := range []struct {
			get func(context.Context, string) (*catalog.Run, error)
			dst **runStatus
		}{{st.cat.LastRun, &s.LastRun}, {st.cat.LastGoodRun, &s.LastGoodRun}} {
			r, err := pick.get(ctx, src.Name())
			if err != nil && !errors.Is(err, catalog.ErrNotFound) {
				return err
			}
			*pick.dst = newRunStatus(r)
		}
		items, err := st.cat.Items(ctx, src.Name())
		if err != nil {
			return err
		}
		s.Tracked = len(items)
		s.Due = len(crawler.Due(items, src.Recheck(), now, crawler.RecheckDue, giveUp, nil))
		events, err := st.cat.Events(ctx, src.Name(), now.AddDate(0, 0, -7))
		if err != nil {
			return err
		}
		s.Changes = map[string]int{}
		for _, e := range events {
			if e.Kind == "status" && e.From != "" {
				s.Changes[e.From+"→"+e.To]++
			}
		}
		fails, err := st.cat.Failures(ctx, src.Name())
		if err != nil {
			return err
		}
		for _, it := range fails {
			s.Failures = append(s.Failures, failure{ID: it.ID, URL: it.URL, Failures: it.Failures, Error: it.LastError,
				GivenUp: giveUp > 0 && it.Failures >= giveUp})
		}
		out.Sources[src.Name()] = s
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	w := env.Stdout
	fmt.Fprintf(w, "data: %s\n", d)
	if out.Writer != nil {
		fmt.Fprintf(w, "in use by: parlq %s (pid %d) %s\n", out.Writer.Command, out.Writer.PID, out.Writer.Addr)
	}
	for _, src := range sources {
		s := out.Sources[src.Name()]
		var parts []string
		for _, k := range sortedKeys(s.ByStatus) {
			parts = append(parts, fmt.Sprintf("%d %s", s.ByStatus[k], k))
		}
		fmt.Fprintf(w, "\n%s — %s\n  records: %d (%s)\n  tracked: %d, due for a re-check: %d\n",
			src.Name(), src.Parliament(), s.Records, strings.Join(parts, ", "), s.Tracked, s.Due)
		if len(s.Changes) > 0 {
			var parts []string
			for _, k := range sortedKeys(s.Changes) {
				parts = append(parts, fmt.Sprintf("%d %s", s.Changes[k], k))
			}
			fmt.Fprintf(w, "  status changes in the last 7 days: %s\n", strings.Join(parts, ", "))
		}
		if s.LastRun == nil {
			fmt.Fprintln(w, "  last run: never")
		} else {
			r := s.LastRun
			fmt.Fprintf(w, "  last run: %s at %s — %d requests, %d new, %d changed, %d failed\n",
				r.Outcome, r.Started.Local().Format("2006-01-02 15:04"), r.Requests, r.New, r.Changed, r.Failed)
			if r.Error != "" {
				fmt.Fprintf(w, "    error: %s\n", r.Error)
			}
		}
		if s.LastGoodRun != nil && (s.LastRun == nil || s.LastGoodRun.Started != s.LastRun.Started) {
			fmt.Fprintf(w, "  last good run: %s\n", s.LastGoodRun.Started.Local().Format("2006-01-02 15:04"))
		}
		if len(s.Failures) > 0 {
			fmt.Fprintf(w, "  failing: %d\n", len(s.Failures))
			for i, f := range s.Failures {
				if i == 10 {
					fmt.Fprintf(w, "    … and %d more (see --json)\n", len(s.Failures)-10)
					break
				}
				note := ""
				if f.GivenUp {
					note = ", left alone until --recheck all"
				}
				fmt.Fprintf(w, "    %s (failed %d runs in a row%s): %s\n", f.ID, f.Failures, note, f.Error)
			}
		}
	}
	return nil
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
