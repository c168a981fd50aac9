package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/parlq/parlq/index"
)

// percentile returns the p-quantile (0 < p ≤ 1) of ds by the nearest-rank
// method: the smallest value with at least p of the values at or below it.
// ds need not be sorted; it is not changed.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(math.Ceil(p*float64(len(s)))) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// ms formats a duration in milliseconds, with two significant decimals
// below 10 ms.
func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	switch {
	case v < 10:
		return fmt.Sprintf("%.2f", v)
	case v < 100:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.0f", v)
	}
}

func ratio(a, b time.Duration) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f×", float64(a)/float64(b))
}

func mib(n int64) string { return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)) }

// machine describes the computer the benchmark ran on.
func machine() string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		if _, err := fmt.Sscanf(string(b), "MemTotal: %d kB", &kb); err == nil {
			mem = fmt.Sprintf(", %.0f GiB RAM", float64(kb)/(1<<20))
		}
	}
	return fmt.Sprintf("%d × %s%s, %s %s/%s", runtime.NumCPU(), cpu, mem, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// loadAvg is the system's load average over 1, 5 and 15 minutes: other
// processes on the machine slow every engine.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

// buildStat is one engine's build.
type buildStat struct {
	engine string
	took   time.Duration
	size   int64
}

// runStats holds every measurement of one comparison run.
type runStats struct {
	started time.Time
	docs    int
	seed    uint64
	rounds  int
	engines []string
	notes   []string
	builds  []buildStat
	queries []*prepared
	// lat[engine][query] are the timed runs; res[engine][query] the warm-up
	// results (the hit counts compared).
	lat map[string][][]time.Duration
	res map[string][]result
}

// byClass gathers the latencies of one engine, per class and overall.
func (s *runStats) byClass(engine string) (map[string][]time.Duration, []time.Duration) {
	per := map[string][]time.Duration{}
	var all []time.Duration
	for qi, q := range s.queries {
		per[q.Class] = append(per[q.Class], s.lat[engine][qi]...)
		all = append(all, s.lat[engine][qi]...)
	}
	return per, all
}

func (s *runStats) write(w io.Writer) {
	fmt.Fprintf(w, "## Search benchmark: %d documents (seed %d), %d queries × %d rounds\n\n", s.docs, s.seed, len(s.queries), s.rounds)
	fmt.Fprintf(w, "Machine: %s. Run started %s, reported %s.\n\n", machine(),
		s.started.UTC().Format(time.RFC3339), time.Now().UTC().Format(time.RFC3339))
	for _, n := range s.notes {
		fmt.Fprintf(w, "- %s\n", n)
	}
	if len(s.notes) > 0 {
		fmt.Fprintln(w)
	}

	fmt.Fprintln(w, "| engine | build | docs/s | size on disk | per 1,000 docs |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, b := range s.builds {
		fmt.Fprintf(w, "| %s | %s | %.0f | %s | %.2f MiB |\n", b.engine, b.took.Round(time.Second),
			float64(s.docs)/b.took.Seconds(), mib(b.size), float64(b.size)/float64(s.docs)*1000/(1<<20))
	}
	fmt.Fprintln(w)

	ref := s.engines[0]
	fmt.Fprint(w, "| class |")
	sep := "|---|"
	for i, e := range s.engines {
		fmt.Fprintf(w, " %s p50 / p99 ms |", e)
		sep += "---|"
		if i > 0 {
			fmt.Fprintf(w, " %s / %s p50, p99 |", e, ref)
			sep += "---|"
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, sep)
	stats := map[string]map[string][]time.Duration{}
	overall := map[string][]time.Duration{}
	for _, e := range s.engines {
		stats[e], overall[e] = s.byClass(e)
	}
	row := func(label string, get func(e string) []time.Duration) {
		fmt.Fprintf(w, "| %s |", label)
		r50, r99 := percentile(get(ref), 0.5), percentile(get(ref), 0.99)
		for i, e := range s.engines {
			p50, p99 := percentile(get(e), 0.5), percentile(get(e), 0.99)
			fmt.Fprintf(w, " %s / %s |", ms(p50), ms(p99))
			if i > 0 {
				fmt.Fprintf(w, " %s, %s |", ratio(p50, r50), ratio(p99, r99))
			}
		}
		fmt.Fprintln(w)
	}
	for _, c := range classOrder {
		row(c, func(e string) []time.Duration { return stats[e][c] })
	}
	row("**all classes**", func(e string) []time.Duration { return overall[e] })
	fmt.Fprintln(w)

	fmt.Fprintln(w, "Hit counts (≠ marks a count that differs from "+ref+"'s; facets compared term by term):")
	fmt.Fprintln(w)
	fmt.Fprint(w, "| # | class | query |")
	sep = "|---|---|---|"
	for _, e := range s.engines {
		fmt.Fprintf(w, " %s |", e)
		sep += "---|"
	}
	fmt.Fprintln(w, " facets |")
	fmt.Fprintln(w, sep+"---|")
	differ, facetDiffer := 0, 0
	for qi, q := range s.queries {
		fmt.Fprintf(w, "| %d | %s | %s |", qi+1, q.Class, strings.ReplaceAll(q.String(), "|", `\|`))
		base := s.res[ref][qi]
		same := true
		for _, e := range s.engines {
			r := s.res[e][qi]
			mark := ""
			if r.total != base.total {
				mark, same = " ≠", false
			}
			fmt.Fprintf(w, " %d%s |", r.total, mark)
		}
		if !same {
			differ++
		}
		var fd []string
		for _, e := range s.engines[1:] {
			if d := facetDiff(base.facets, s.res[e][qi].facets); d != "" {
				fd = append(fd, e+": "+d)
			}
		}
		if len(fd) > 0 {
			facetDiffer++
			fmt.Fprintf(w, " ≠ %s |\n", strings.Join(fd, "; "))
		} else if len(q.Facets) > 0 {
			fmt.Fprintln(w, " = |")
		} else {
			fmt.Fprintln(w, " |")
		}
	}
	fmt.Fprintf(w, "\n%d of %d queries have different hit counts across engines; %d have different facets.\n\n",
		differ, len(s.queries), facetDiffer)
}

// facetDiff describes how facets b differ from a ("" when they agree):
// per facet, the first rank where they part.
func facetDiff(a, b map[string][]index.FacetTerm) string {
	var out []string
	for _, f := range slices.Sorted(mapsKeys(a)) {
		x, y := unlabelled(a[f]), unlabelled(b[f])
		if slices.Equal(x, y) {
			continue
		}
		i := 0
		for i < len(x) && i < len(y) && x[i] == y[i] {
			i++
		}
		out = append(out, fmt.Sprintf("%s from rank %d: %s vs %s", f, i+1, facetString(x[i:]), facetString(y[i:])))
	}
	return strings.Join(out, ", ")
}

// unlabelled are the terms and counts of a facet without their labels
// (parlq names its values; the SQL engines do not).
func unlabelled(ts []index.FacetTerm) []index.FacetTerm {
	out := make([]index.FacetTerm, len(ts))
	for i, t := range ts {
		out[i] = index.FacetTerm{Term: t.Term, Count: t.Count}
	}
	return out
}

// facetString shows the first terms of a facet.
func facetString(ts []index.FacetTerm) string {
	var parts []string
	for i, t := range ts {
		if i == 2 {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, fmt.Sprintf("%s:%d", t.Term, t.Count))
	}
	return "[" + strings.Join(parts, " ") + "]"
}
