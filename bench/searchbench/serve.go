package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// serveStats are the measurements of `parlq serve`.
type serveStats struct {
	writeData   time.Duration
	dataSize    int64
	rssStart    int64 // kB, once listening
	rssWarm     int64 // after the warm-up
	rssAfter    int64 // after the throughput run
	hwm         int64 // peak RSS
	clients     int
	requests    int
	elapsed     time.Duration
	lat         []time.Duration
	classLat    map[string][]time.Duration
	mismatches  []string
	typicalDesc string
	load        string // load average as the throughput run began
	// serverCPU is the CPU time parlq serve used during the throughput
	// run (user + system, from /proc): unlike req/s, it does not depend
	// on what else the machine runs.
	serverCPU time.Duration
	// checked says whether the totals over HTTP were compared with the
	// index's.
	checked bool
}

// serveBench writes the corpus into a data directory, starts `parlq serve`
// on it, warms it up with every query once (checking each total against
// the index's), reads its RSS, then measures the HTTP API's throughput with
// c.clients concurrent clients over the typical classes, for c.httpReqs
// requests or c.httpTime, whichever ends first.
func serveBench(ctx context.Context, c config, queries []*prepared, totals []int, w io.Writer) error {
	data := filepath.Join(c.dir, "serve-data")
	if err := os.RemoveAll(data); err != nil {
		return err
	}
	st := serveStats{clients: c.clients, classLat: map[string][]time.Duration{}, checked: totals != nil}
	log.Printf("serve: writing a data directory of %d records (catalog, then reindex)", c.docs)
	start := time.Now()
	if err := writeDataDir(ctx, data, corpus{seed: c.seed, docs: c.docs}); err != nil {
		return err
	}
	st.writeData = time.Since(start)
	size, err := dirSize(data)
	if err != nil {
		return err
	}
	st.dataSize = size
	bin := c.parlqBin
	if bin == "" {
		bin = filepath.Join(c.dir, "bin", "parlq")
		if err := buildParlq(ctx, bin); err != nil {
			return err
		}
	}
	srv, err := startServe(ctx, bin, data)
	if err != nil {
		return err
	}
	defer srv.stop()
	if st.rssStart, _, err = memory(srv.pid()); err != nil {
		return err
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c.clients}, Timeout: time.Minute}
	log.Printf("serve: warm-up, %d queries over HTTP", len(queries))
	for i, q := range queries {
		total, _, err := srv.search(ctx, client, q, true)
		if err != nil {
			return err
		}
		if totals != nil && total != totals[i] {
			st.mismatches = append(st.mismatches, fmt.Sprintf("%s: %d over HTTP, %d from the index", q, total, totals[i]))
		}
	}
	if st.rssWarm, _, err = memory(srv.pid()); err != nil {
		return err
	}
	var typical []*prepared
	for _, q := range queries {
		if slices.Contains(typicalClasses, q.Class) {
			typical = append(typical, q)
		}
	}
	st.typicalDesc = fmt.Sprintf("%d queries of %d classes (all but %s)", len(typical), len(typicalClasses), "deep-page-200")
	log.Printf("serve: %d requests (at most %s), %d clients", c.httpReqs, c.httpTime, c.clients)
	st.load = loadAvg()
	cpu0, err := processCPU(srv.pid())
	if err != nil {
		return err
	}
	var next atomic.Int64
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	start = time.Now()
	for range c.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= c.httpReqs || ctx.Err() != nil || time.Since(start) > c.httpTime {
					return
				}
				q := typical[i%len(typical)]
				t := time.Now()
				_, _, err := srv.search(ctx, client, q, false)
				d := time.Since(t)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				st.lat = append(st.lat, d)
				st.classLat[q.Class] = append(st.classLat[q.Class], d)
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	st.elapsed = time.Since(start)
	st.requests = len(st.lat)
	if firstErr != nil {
		return firstErr
	}
	cpu1, err := processCPU(srv.pid())
	if err != nil {
		return err
	}
	st.serverCPU = cpu1 - cpu0
	if st.rssAfter, st.hwm, err = memory(srv.pid()); err != nil {
		return err
	}
	st.write(w, c.docs)
	return nil
}

func (st serveStats) write(w io.Writer, docs int) {
	fmt.Fprintf(w, "## parlq serve: %d records\n\n", docs)
	fmt.Fprintf(w, "Data directory written in %s (catalog PutBatch of %d records a transaction, then reindex): %s.\n\n",
		st.writeData.Round(time.Second), dataBatch, mib(st.dataSize))
	fmt.Fprintln(w, "| RSS once listening | after a warm-up (every query once) | after the throughput run | peak (VmHWM) |")
	fmt.Fprintln(w, "|---|---|---|---|")
	fmt.Fprintf(w, "| %s | %s | %s | %s |\n\n", kbMiB(st.rssStart), kbMiB(st.rssWarm), kbMiB(st.rssAfter), kbMiB(st.hwm))
	fmt.Fprintf(w, "HTTP API, GET /api/search, %d clients on loopback, %d requests over %s (load average %s as it began):\n\n",
		st.clients, st.requests, st.typicalDesc, st.load)
	fmt.Fprintln(w, "| | req/s | p50 ms | p99 ms |")
	fmt.Fprintln(w, "|---|---|---|---|")
	fmt.Fprintf(w, "| **all** | %.1f | %s | %s |\n", float64(st.requests)/st.elapsed.Seconds(),
		ms(percentile(st.lat, 0.5)), ms(percentile(st.lat, 0.99)))
	for _, c := range typicalClasses {
		if l := st.classLat[c]; len(l) > 0 {
			fmt.Fprintf(w, "| %s | | %s | %s |\n", c, ms(percentile(l, 0.5)), ms(percentile(l, 0.99)))
		}
	}
	fmt.Fprintln(w)
	if st.requests > 0 && st.serverCPU > 0 {
		per := st.serverCPU / time.Duration(st.requests)
		fmt.Fprintf(w, "parlq serve used %s of CPU for the %d requests: **%s ms per request**, so its two cores "+
			"serve at most **%.0f req/s** whatever else the machine runs (the clients, in the benchmark's own "+
			"process, took the rest).\n\n", st.serverCPU.Round(time.Millisecond), st.requests, ms(per), 2/per.Seconds())
	}
	switch {
	case !st.checked:
		fmt.Fprintln(w, "Totals over HTTP not checked (-serve-only).")
		fmt.Fprintln(w)
	case len(st.mismatches) > 0:
		fmt.Fprintf(w, "Totals over HTTP that differ from the index's: %s\n\n", strings.Join(st.mismatches, "; "))
	default:
		fmt.Fprintln(w, "Every total over HTTP equals the index's.")
		fmt.Fprintln(w)
	}
}

func kbMiB(kb int64) string { return fmt.Sprintf("%.0f MiB", float64(kb)/1024) }

// buildParlq builds cmd/parlq of the module the benchmark belongs to.
func buildParlq(ctx context.Context, bin string) error {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return fmt.Errorf("go env GOMOD: %w", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(out)))
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/parlq")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build parlq: %w\n%s", err, out)
	}
	return nil
}

// serveProcess is a running `parlq serve`.
type serveProcess struct {
	cmd  *exec.Cmd
	base string
	done chan error
}

var servingLine = regexp.MustCompile(`serving .* on (http://[^/\s]+)/`)

// startServe starts `parlq serve` on a free loopback port and waits until
// it says where it listens.
func startServe(ctx context.Context, bin, data string) (*serveProcess, error) {
	cmd := exec.Command(bin, "serve", "--data", data, "--addr", "127.0.0.1:0",
		"--no-first-harvest", "--schedule", "", "--quiet")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start parlq serve: %w", err)
	}
	s := &serveProcess{cmd: cmd, done: make(chan error, 1)}
	addr := make(chan string, 1)
	var tail []string
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := servingLine.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			} else if len(tail) < 20 {
				tail = append(tail, sc.Text())
			}
		}
		s.done <- cmd.Wait()
	}()
	select {
	case s.base = <-addr:
		return s, nil
	case err := <-s.done:
		return nil, fmt.Errorf("parlq serve exited: %v: %s", err, strings.Join(tail, "\n"))
	case <-time.After(5 * time.Minute):
		s.stop()
		return nil, errors.New("parlq serve did not start listening within 5 minutes")
	case <-ctx.Done():
		s.stop()
		return nil, ctx.Err()
	}
}

func (s *serveProcess) pid() int { return s.cmd.Process.Pid }

// stop interrupts the server and waits for it, killing it if it lingers.
func (s *serveProcess) stop() {
	s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
}

// search sends q to GET /api/search and returns the total; the body is read
// whole, decoded only when decode is set.
func (s *serveProcess) search(ctx context.Context, client *http.Client, q *prepared, decode bool) (int, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.base+"/api/search?"+q.Values().Encode(), nil)
	if err != nil {
		return 0, 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, 0, fmt.Errorf("%s: HTTP %d: %s", q, resp.StatusCode, body)
	}
	if !decode {
		return 0, len(body), nil
	}
	var r struct {
		Total int `json:"total"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return 0, 0, fmt.Errorf("%s: decode: %w", q, err)
	}
	return r.Total, len(body), nil
}

// clockTick is the unit of the CPU times in /proc/<pid>/stat (USER_HZ,
// 100 on Linux).
const clockTick = 10 * time.Millisecond

// processCPU reads the CPU time (user + system) a process has used so far.
func processCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	return statCPU(string(b))
}

// statCPU reads utime and stime (fields 14 and 15) from the text of
// /proc/<pid>/stat; the command name (field 2) may hold spaces and
// parentheses, so the fields are counted after its last ')'.
func statCPU(stat string) (time.Duration, error) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("malformed /proc stat %q", stat)
	}
	f := strings.Fields(stat[i+1:]) // f[0] is field 3
	if len(f) < 13 {
		return 0, fmt.Errorf("malformed /proc stat %q", stat)
	}
	var sum int64
	for _, s := range f[11:13] {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("malformed /proc stat %q: %w", stat, err)
		}
		sum += n
	}
	return time.Duration(sum) * clockTick, nil
}

// memory reads a process's resident set size and its peak, in kB.
func memory(pid int) (rss, hwm int64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	for _, l := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		switch k {
		case "VmRSS":
			rss = n
		case "VmHWM":
			hwm = n
		}
	}
	if rss == 0 {
		return 0, 0, fmt.Errorf("no VmRSS for pid %d", pid)
	}
	return rss, hwm, nil
}
