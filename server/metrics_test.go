package server

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// sampleLine is one sample of the Prometheus text format:
// name{label="value",…} value.
var sampleLine = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (\S+)$`)

// parseMetrics checks every line of an exposition and returns the samples
// by their name with labels, as written.
func parseMetrics(t *testing.T, text string) map[string]string {
	t.Helper()
	samples := map[string]string{}
	types := map[string]string{}
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if rest, ok := strings.CutPrefix(line, "# TYPE "); ok {
			f := strings.Fields(rest)
			if len(f) != 2 || !strings.Contains("counter gauge histogram", f[1]) {
				t.Errorf("bad TYPE line %q", line)
			}
			types[f[0]] = f[1]
			continue
		}
		if strings.HasPrefix(line, "# HELP ") {
			continue
		}
		m := sampleLine.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("line %q is not a sample", line)
			continue
		}
		if _, err := strconv.ParseFloat(strings.TrimPrefix(m[4], "+"), 64); err != nil {
			t.Errorf("line %q: value %q is not a number", line, m[4])
		}
		base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(m[1], "_bucket"), "_sum"), "_count")
		if types[m[1]] == "" && types[base] == "" {
			t.Errorf("sample %q before its TYPE line", line)
		}
		samples[line[:strings.LastIndex(line, " ")]] = m[4]
	}
	return samples
}

func TestMetrics(t *testing.T) {
	_, ts := newTestServer(t, DefaultConfig(), nil)
	get(t, ts, "/api/search?q=transport")
	get(t, ts, "/?q=transport")
	status, hdr, body := get(t, ts, "/metrics")
	if status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	if ct := hdr.Get("Content-Type"); ct != "text/plain; version=0.0.4; charset=utf-8" {
		t.Errorf("Content-Type %q; want the Prometheus text format", ct)
	}
	s := parseMetrics(t, body)
	want := map[string]string{
		`parlq_harvest_runs_total{source="brussels",outcome="ok"}`:            "1",
		`parlq_harvest_runs_total{source="brussels",outcome="failed"}`:        "1",
		`parlq_harvest_runs_total{source="ukparl",outcome="ok"}`:              "1",
		`parlq_harvest_items_total{source="brussels",outcome="new"}`:          "3",
		`parlq_harvest_items_total{source="brussels",outcome="failed"}`:       "2",
		`parlq_harvest_items_total{source="brussels",outcome="not_modified"}`: "2",
		`parlq_harvest_requests_total{source="brussels"}`:                     "15",
		`parlq_records{source="brussels",status="pending"}`:                   "1",
		`parlq_records{source="brussels",status="answered"}`:                  "2",
		`parlq_records{source="ukparl",status="answered"}`:                    "1",
		`parlq_harvest_failures_total`:                                        "0",
		`parlq_harvest_running`:                                               "0",
		`parlq_search_duration_seconds_count`:                                 "2",
		`parlq_search_duration_seconds_bucket{le="+Inf"}`:                     "2",
	}
	for k, v := range want {
		if got, ok := s[k]; !ok || got != v {
			t.Errorf("%s = %q (present %v); want %q", k, got, ok, v)
		}
	}
	if v, err := strconv.ParseFloat(s[`parlq_seconds_since_last_good_run{source="ukparl"}`], 64); err != nil || v <= 0 {
		t.Errorf("seconds since last good run of ukparl = %q; want a positive number", s[`parlq_seconds_since_last_good_run{source="ukparl"}`])
	}
	// Buckets are cumulative.
	prev := -1.0
	for _, le := range []string{"0.005", "0.01", "0.1", "1", "10", "+Inf"} {
		v, _ := strconv.ParseFloat(s[`parlq_search_duration_seconds_bucket{le="`+le+`"}`], 64)
		if v < prev {
			t.Errorf("bucket le=%s = %v below the previous %v", le, v, prev)
		}
		prev = v
	}
}

func TestLabelEscaping(t *testing.T) {
	if got, want := label("a\"b\\c\nd"), `"a\"b\\c\nd"`; got != want {
		t.Errorf("label = %s; want %s", got, want)
	}
}
