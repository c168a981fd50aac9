package server

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parlq/parlq/dataset"
)

// metrics holds what the server counts itself; the harvest history and the
// record counts are read from the catalog at each scrape, so runs made by
// `parlq harvest` from system cron count too and nothing resets on restart.
type metrics struct {
	searchDuration  *histogram
	harvestStarted  atomic.Uint64
	harvestFailures atomic.Uint64
	harvestSkipped  atomic.Uint64
}

func newMetrics() *metrics {
	return &metrics{searchDuration: newHistogram(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)}
}

// histogram is a Prometheus histogram: cumulative buckets by upper bound.
type histogram struct {
	mu     sync.Mutex
	bounds []float64
	counts []uint64 // per bucket, not cumulative; the last is +Inf
	sum    float64
	n      uint64
}

func newHistogram(bounds ...float64) *histogram {
	return &histogram{bounds: bounds, counts: make([]uint64, len(bounds)+1)}
}

func (h *histogram) observe(v float64) {
	i, _ := slices.BinarySearch(h.bounds, v)
	h.mu.Lock()
	h.counts[i]++
	h.sum += v
	h.n++
	h.mu.Unlock()
}

func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	if err := s.writeMetrics(r.Context(), &b, s.now()); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(b.String()))
}

// writeMetrics writes every metric in the Prometheus text exposition format.
func (s *Server) writeMetrics(ctx context.Context, out *strings.Builder, now time.Time) error {
	w := bufio.NewWriter(out)
	defer w.Flush()
	st, err := s.store.Status(ctx, nil, now)
	if err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	st.ApplyFreshness(now, s.freshness())
	sources := make([]string, 0, len(st.Sources))
	for name := range st.Sources {
		sources = append(sources, name)
	}
	slices.Sort(sources)

	header := func(name, typ, help string) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
	}
	header("parlq_harvest_runs_total", "counter", "Harvest runs recorded in the catalog, by source and outcome (running, ok, suspect, failed, interrupted).")
	for _, src := range sources {
		runs := st.Sources[src].Runs
		for _, o := range sortedKeys(runs.ByOutcome) {
			fmt.Fprintf(w, "parlq_harvest_runs_total{source=%s,outcome=%s} %d\n", label(src), label(o), runs.ByOutcome[o])
		}
	}
	header("parlq_harvest_items_total", "counter", "Questions handled by recorded harvest runs, by source and outcome.")
	for _, src := range sources {
		for _, o := range dataset.ItemOutcomes {
			fmt.Fprintf(w, "parlq_harvest_items_total{source=%s,outcome=%s} %d\n", label(src), label(o), st.Sources[src].Runs.Items[o])
		}
	}
	header("parlq_harvest_requests_total", "counter", "HTTP requests made by recorded harvest runs, by source.")
	for _, src := range sources {
		fmt.Fprintf(w, "parlq_harvest_requests_total{source=%s} %d\n", label(src), st.Sources[src].Runs.Requests)
	}
	header("parlq_seconds_since_last_good_run", "gauge", "Seconds since the last harvest run of a source that ended ok (+Inf: never).")
	for _, src := range sources {
		fmt.Fprintf(w, "parlq_seconds_since_last_good_run{source=%s} %s\n", label(src), float(st.Sources[src].SinceLastGoodRun(now)))
	}
	header("parlq_suspect_captures", "gauge", "Captures held back because their records would be worse than the stored ones, waiting for the source to mend or an operator (parlq accept), by source.")
	for _, src := range sources {
		fmt.Fprintf(w, "parlq_suspect_captures{source=%s} %d\n", label(src), len(st.Sources[src].Suspects))
	}
	header("parlq_source_health", "gauge", "1 for the state a source is in (ok, suspect, failed, never), 0 for the others.")
	for _, src := range sources {
		for _, h := range []string{dataset.HealthOK, dataset.HealthSuspect, dataset.HealthFailed, dataset.HealthNever} {
			v := 0
			if st.Sources[src].Health == h {
				v = 1
			}
			fmt.Fprintf(w, "parlq_source_health{source=%s,health=%s} %d\n", label(src), label(h), v)
		}
	}
	writeLedgerMetrics(w, st, sources, header)
	header("parlq_records", "gauge", "Questions in the catalog, by source and status.")
	for _, src := range sources {
		by := st.Sources[src].ByStatus
		for _, k := range sortedKeys(by) {
			fmt.Fprintf(w, "parlq_records{source=%s,status=%s} %d\n", label(src), label(k), by[k])
		}
	}
	header("parlq_harvest_started_total", "counter", "Harvests started by this server process (schedule, API or empty catalog).")
	fmt.Fprintf(w, "parlq_harvest_started_total %d\n", s.metrics.harvestStarted.Load())
	header("parlq_harvest_failures_total", "counter", "Harvests started by this server process that ended with an error.")
	fmt.Fprintf(w, "parlq_harvest_failures_total %d\n", s.metrics.harvestFailures.Load())
	header("parlq_harvest_skipped_total", "counter", "Harvests not started because the previous one was still running.")
	fmt.Fprintf(w, "parlq_harvest_skipped_total %d\n", s.metrics.harvestSkipped.Load())
	header("parlq_harvest_running", "gauge", "1 while a harvest started by this server runs.")
	running := 0
	if s.running.Load() {
		running = 1
	}
	fmt.Fprintf(w, "parlq_harvest_running %d\n", running)
	if st.Documents >= 0 {
		header("parlq_index_documents", "gauge", "Documents in the search index.")
		fmt.Fprintf(w, "parlq_index_documents %d\n", st.Documents)
	}

	h := s.metrics.searchDuration
	h.mu.Lock()
	counts, sum, n := slices.Clone(h.counts), h.sum, h.n
	h.mu.Unlock()
	header("parlq_search_duration_seconds", "histogram", "Latency of searches (API and search page).")
	var cum uint64
	for i, bound := range h.bounds {
		cum += counts[i]
		fmt.Fprintf(w, "parlq_search_duration_seconds_bucket{le=%s} %d\n", label(float(bound)), cum)
	}
	fmt.Fprintf(w, "parlq_search_duration_seconds_bucket{le=\"+Inf\"} %d\n", n)
	fmt.Fprintf(w, "parlq_search_duration_seconds_sum %s\n", float(sum))
	fmt.Fprintf(w, "parlq_search_duration_seconds_count %d\n", n)
	return nil
}

// label quotes a label value with the exposition format's escapes.
func label(v string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(v) + `"`
}

// float formats a sample value.
func float(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case math.IsNaN(v):
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// isNotFound reports a catalog lookup that found nothing.
