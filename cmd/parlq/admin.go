package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/crawler"
	"github.com/parlq/parlq/dataset"
	"github.com/parlq/parlq/server"
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
	ds, err := openDataset(ctx, resolveDataDir(env, *data), dataset.Options{Command: "reparse", Write: true, Index: true, Logger: newLogger(env, *quiet)})
	if err != nil {
		return err
	}
	defer ds.Close()
	reps, err := ds.Reparse(ctx, sources)
	suspects := 0
	for _, rep := range reps {
		refs := ""
		if rep.References > 0 {
			refs = fmt.Sprintf(", read with %d reference documents", rep.References)
		}
		fmt.Fprintf(env.Stdout, "%s: %d archived responses (%d index pages%s): %d new, %d changed, %d unchanged, %d held back as suspect, %d unreadable (%d of them stored as records before)\n",
			rep.Source, rep.Responses, rep.Lists, refs, rep.New, rep.Changed, rep.Unchanged, rep.Suspects, rep.Unreadable, rep.Regressed)
		for _, u := range rep.UnreadableURLs {
			fmt.Fprintf(env.Stdout, "  unreadable: %s\n", u)
		}
		for _, d := range rep.Damaged {
			fmt.Fprintf(env.Stdout, "  damaged: %s at offset %d: %v\n", d.File, d.Offset, d.Err)
		}
		for _, id := range rep.SuspectIDs {
			fmt.Fprintf(env.Stdout, "  held back (worse than the stored record): %s\n", id)
		}
		suspects += rep.Suspects
	}
	if err == nil && suspects > 0 {
		err = fmt.Errorf("%d archived pages read into records worse than the stored ones were held back (see parlq status; parlq accept ID stores one)", suspects)
	}
	return err
}

// runAccept stores the capture held back as suspect for each question
// named as the question's current version.
func runAccept(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "accept", "[flags] ID...")
	data := dataFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("%w: name the question(s) whose suspect capture to accept (parlq status lists them)", errUsage)
	}
	ds, err := openDataset(ctx, resolveDataDir(env, *data), dataset.Options{Command: "accept", Write: true, Index: true, Logger: newLogger(env, true)})
	if err != nil {
		return err
	}
	defer ds.Close()
	for _, id := range fs.Args() {
		res, q, err := ds.Accept(ctx, id)
		if err != nil {
			return err
		}
		change := ""
		if res.From != res.To {
			change = fmt.Sprintf(", %s → %s", res.From, res.To)
		}
		fmt.Fprintf(env.Stdout, "%s: the suspect capture is version %d (accepted%s)\n", q.ID, res.Version, change)
	}
	return nil
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
	ds, err := openDataset(ctx, resolveDataDir(env, *data), dataset.Options{Command: "reindex", Write: true, Index: true, Synonyms: *synonyms, Logger: newLogger(env, true)})
	if err != nil {
		return err
	}
	defer ds.Close()
	start := time.Now()
	counts, err := ds.Reindex(ctx, *source)
	if err != nil {
		return err
	}
	for _, n := range sortedKeys(counts) {
		fmt.Fprintf(env.Stdout, "%s: %d records indexed\n", n, counts[n])
	}
	fmt.Fprintf(env.Stdout, "reindexed in %s\n", time.Since(start).Round(time.Millisecond))
	return nil
}

func runStatusCmd(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "status", "[flags]")
	data := dataFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	source := fs.String("source", "all", "source(s), a comma list, or all")
	schedule := fs.String("schedule", server.DefaultConfig().Schedule, `cron spec the harvests run on, to judge staleness ("" judges none)`)
	margin := fs.Duration("stale-margin", crawler.DefaultConfig().MaxDuration, "how long a scheduled harvest may take before its sources count as stale")
	if err := parseFlagsOnly(fs, args); err != nil {
		return err
	}
	sources, err := selectSources(*source)
	if err != nil {
		return err
	}
	fr := dataset.Freshness{Spec: *schedule, Margin: *margin}
	if *schedule != "" {
		if fr.Schedule, err = cron.ParseStandard(*schedule); err != nil {
			return fmt.Errorf("%w: --schedule %q is not a cron spec: %v", errUsage, *schedule, err)
		}
	}
	if *margin < 0 {
		return fmt.Errorf("%w: --stale-margin %s is negative", errUsage, *margin)
	}
	ds, err := openDataset(ctx, resolveDataDir(env, *data), dataset.Options{Command: "status", Logger: newLogger(env, true)})
	if err != nil {
		return err
	}
	defer ds.Close()
	now := time.Now()
	st, err := ds.Status(ctx, sources, now)
	if err != nil {
		return err
	}
	st.ApplyFreshness(now, fr)
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	}
	printStatus(env.Stdout, st, sources, now)
	return nil
}

// printStatus writes a status for a person at a terminal.
func printStatus(w io.Writer, st *dataset.Status, sources []parlq.Source, now time.Time) {
	fmt.Fprintf(w, "data: %s\n", st.Data)
	if st.Writer != nil {
		fmt.Fprintf(w, "in use by: parlq %s (pid %d) %s\n", st.Writer.Command, st.Writer.PID, st.Writer.Addr)
	}
	for _, src := range sources {
		s := st.Sources[src.Name()]
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
		health := s.Health
		if s.Stale {
			health += ", stale"
		}
		fmt.Fprintf(w, "  health: %s\n", health)
		for _, r := range s.Reasons {
			fmt.Fprintf(w, "    %s\n", r)
		}
		printRuns(w, s)
		printFreshness(w, s, now)
		printLedger(w, s.Ledger)
		printFailures(w, s.Failures)
		printSuspects(w, s.Suspects)
	}
}

func printSuspects(w io.Writer, suspects []dataset.Suspect) {
	if len(suspects) == 0 {
		return
	}
	fmt.Fprintf(w, "  held back as suspect: %d (fetched again by every run; parlq accept ID stores one)\n", len(suspects))
	for i, s := range suspects {
		if i == 10 {
			fmt.Fprintf(w, "    … and %d more (see --json)\n", len(suspects)-10)
			break
		}
		var losses []string
		for _, l := range s.Losses {
			losses = append(losses, l.String())
		}
		fmt.Fprintf(w, "    %s %s\n      %s\n", s.ID, s.URL, strings.Join(losses, "; "))
	}
}

func printRuns(w io.Writer, s *dataset.SourceStatus) {
	if s.LastRun == nil {
		fmt.Fprintln(w, "  last run: never")
	} else {
		r := s.LastRun
		fmt.Fprintf(w, "  last run: %s at %s — %d requests, %d new, %d changed, %d failed, %d held back\n",
			r.Outcome, r.Started.Local().Format("2006-01-02 15:04"), r.Requests, r.New, r.Changed, r.Failed, r.Suspects)
		if r.Error != "" {
			fmt.Fprintf(w, "    error: %s\n", r.Error)
		}
		for _, n := range r.Notes {
			fmt.Fprintf(w, "    note: %s\n", n)
		}
	}
	if s.LastGoodRun != nil && (s.LastRun == nil || s.LastGoodRun.Started != s.LastRun.Started) {
		fmt.Fprintf(w, "  last good run: %s\n", s.LastGoodRun.Started.Local().Format("2006-01-02 15:04"))
	}
}

func printFailures(w io.Writer, fails []dataset.Failure) {
	if len(fails) == 0 {
		return
	}
	fmt.Fprintf(w, "  failing: %d\n", len(fails))
	for i, f := range fails {
		if i == 10 {
			fmt.Fprintf(w, "    … and %d more (see --json)\n", len(fails)-10)
			break
		}
		note := ""
		if f.GivenUp {
			note = ", left alone until --recheck all"
		}
		fmt.Fprintf(w, "    %s (failed %d runs in a row%s): %s\n", f.ID, f.Failures, note, f.Error)
	}
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
