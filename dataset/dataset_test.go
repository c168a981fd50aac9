package dataset

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/archive"
	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/crawler"
	"github.com/parlq/parlq/index"
	"github.com/parlq/parlq/parser"
	"github.com/parlq/parlq/parser/brussels/brusselstest"
)

// child makes the test binary open a dataset and harvest when a test runs
// it as a subprocess (to be killed): the value is the JSON of childJob.
const child = "PARLQ_DATASET_TEST_CHILD"

type childJob struct {
	Data, Site string
	Lock       bool // only take the lock and wait
}

func TestMain(m *testing.M) {
	if v := os.Getenv(child); v != "" {
		var j childJob
		if err := json.Unmarshal([]byte(v), &j); err != nil {
			os.Exit(99)
		}
		os.Exit(runChild(j))
	}
	os.Exit(m.Run())
}

func runChild(j childJob) int {
	ctx := context.Background()
	if j.Lock {
		ds, err := Open(ctx, j.Data, Options{Command: "child", Write: true})
		if err != nil {
			fmt.Fprintln(os.Stderr, "open:", err)
			return 3
		}
		defer ds.Close()
		os.Stdout.WriteString("locked\n")
		time.Sleep(time.Minute)
		return 0
	}
	ds, err := Open(ctx, j.Data, Options{Command: "harvest", Write: true, Archive: true, Index: true, Jobs: brusselsJobs(j.Site, 3*time.Millisecond)})
	if err != nil {
		fmt.Fprintln(os.Stderr, "open:", err)
		return 3
	}
	defer ds.Close()
	if _, err := ds.Harvest(ctx, nil); err != nil {
		fmt.Fprintln(os.Stderr, "harvest:", err)
		return 1
	}
	return 0
}

// brusselsJobs harvests the real Brussels source from a stand-in site.
func brusselsJobs(site string, delay time.Duration) []Job {
	src, err := parser.Lookup("brussels")
	if err != nil {
		panic(err)
	}
	cfg := crawler.DefaultConfig()
	cfg.BaseURL = site
	cfg.Delay, cfg.Jitter = delay, delay/2
	cfg.Backoff, cfg.MaxBackoff = time.Millisecond, 5*time.Millisecond
	return []Job{{Source: src, Config: cfg}}
}

// start runs the test binary as a child doing j.
func start(t *testing.T, j childJob) *exec.Cmd {
	t.Helper()
	b, _ := json.Marshal(j)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), child+"="+string(b))
	return cmd
}

// snapshot reads every current record and its version history, without the
// fields that depend on when it was fetched.
func snapshot(t *testing.T, data string) map[string]string {
	t.Helper()
	ctx := context.Background()
	cat, err := catalog.OpenReadOnly(ctx, filepath.Join(data, CatalogFile))
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	out := map[string]string{}
	err = cat.Each(ctx, "", func(q *parlq.Question) error {
		vs, err := cat.Versions(ctx, q.ID)
		if err != nil {
			return err
		}
		c := *q
		c.FetchedAt, c.Capture = time.Time{}, nil
		b, _ := json.Marshal(c)
		out[q.ID] = string(b) + " versions=" + strings.Repeat("v", len(vs))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// indexed returns the ids the index of data holds.
func indexed(t *testing.T, data string) map[string]bool {
	t.Helper()
	ctx := context.Background()
	ds, err := Open(ctx, data, Options{Command: "test", Index: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	ids := map[string]bool{}
	err = ds.Index().All(ctx, index.Request{}, func(h index.Hit) error { ids[h.ID] = true; return nil })
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func harvest(t *testing.T, data, site string) []catalog.Run {
	t.Helper()
	ctx := context.Background()
	ds, err := Open(ctx, data, Options{Command: "harvest", Write: true, Archive: true, Index: true, Jobs: brusselsJobs(site, 0)})
	if err != nil {
		t.Fatal(err)
	}
	runs, err := ds.Harvest(ctx, nil)
	if cerr := ds.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatalf("harvest: %v", err)
	}
	return runs
}

// TestKilledHarvestLosesNothing kills a harvesting process with SIGKILL at
// random instants, then lets one finish, and compares the data with an
// uninterrupted run: the same records, no duplicated version, every WARC
// file valid, and an index that has every record.
func TestKilledHarvestLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("kill test skipped in -short mode")
	}
	asOf := time.Date(2026, 9, 20, 0, 0, 0, 0, time.UTC)
	site := brusselstest.New(brusselstest.Options{Questions: brusselstest.Generate(100, asOf)})
	defer site.Close()

	ref := t.TempDir()
	began := time.Now()
	harvest(t, ref, site.URL())
	full := time.Since(began)
	want := snapshot(t, ref)

	data := t.TempDir()
	rng := rand.New(rand.NewPCG(1, uint64(time.Now().UnixNano())))
	kills := 0
	for i := 0; i < 10; i++ {
		cmd := start(t, childJob{Data: data, Site: site.URL()})
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		wait := 50*time.Millisecond + time.Duration(rng.Int64N(int64(full)/3+1))
		select {
		case <-done:
			// It finished before the kill: the next one starts from there.
		case <-time.After(wait):
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			kills++
		}
	}
	t.Logf("killed %d of 10 runs (an uninterrupted run takes %s)", kills, full.Round(time.Millisecond))
	// Finish: runs until one is clean (a killed run may leave a question
	// failed-over for the next run, never lost).
	for i := 0; ; i++ {
		cmd := start(t, childJob{Data: data, Site: site.URL()})
		out, err := cmd.CombinedOutput()
		if err == nil {
			break
		}
		if i == 2 {
			t.Fatalf("harvest after kills: %v\n%s", err, out)
		}
	}
	got := snapshot(t, data)
	if len(got) != len(want) {
		t.Errorf("records after kills = %d; want %d", len(got), len(want))
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s after kills:\n got %s\nwant %s", id, got[id], w)
		}
	}
	files, _ := filepath.Glob(filepath.Join(data, WARCDir, "*.warc.gz"))
	if len(files) == 0 {
		t.Fatal("no WARC file written")
	}
	for _, f := range files {
		if err := archive.Verify(f); err != nil {
			t.Errorf("WARC file after kills: %v", err)
		}
	}
	// The index has every record (a killed run leaves it marked dirty and
	// the next writer rebuilds it).
	ids := indexed(t, data)
	for id := range want {
		if !ids[id] {
			t.Errorf("%s is not in the index", id)
		}
	}
	if len(ids) != len(want) {
		t.Errorf("indexed records = %d; want %d", len(ids), len(want))
	}
}

func TestSecondWriterIsRefusedWithTheHolder(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	first, err := Open(ctx, data, Options{Command: "harvest", Write: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := first.SetAddr("127.0.0.1:8099"); err != nil {
		t.Fatal(err)
	}
	_, err = Open(ctx, data, Options{Command: "serve", Write: true})
	var le *LockedError
	if !errors.As(err, &le) || !errors.Is(err, ErrLocked) {
		t.Fatalf("second writer: %v; want a LockedError", err)
	}
	if le.Holder == nil || le.Holder.PID != os.Getpid() || !strings.Contains(err.Error(), "parlq harvest") || !strings.Contains(err.Error(), "127.0.0.1:8099") {
		t.Errorf("lock error %q does not name the holder and its server", err)
	}
	if h := CurrentHolder(data); h == nil || h.Addr != "127.0.0.1:8099" {
		t.Errorf("CurrentHolder = %+v", h)
	}
	// A reader opens the catalog beside the writer, but not its index.
	r, err := Open(ctx, data, Options{Command: "status"})
	if err != nil {
		t.Fatalf("reader beside the writer: %v", err)
	}
	r.Close()
	if _, err := Open(ctx, data, Options{Command: "search", Index: true}); !errors.Is(err, ErrLocked) {
		t.Errorf("reader of the index beside the writer: %v; want ErrLocked", err)
	}
	first.Close()
	if h := CurrentHolder(data); h != nil {
		t.Errorf("CurrentHolder after Close = %+v; want nil", h)
	}
	again, err := Open(ctx, data, Options{Command: "serve", Write: true})
	if err != nil {
		t.Fatalf("writer after Close: %v", err)
	}
	again.Close()
}

func TestReaderNeedsData(t *testing.T) {
	_, err := Open(context.Background(), t.TempDir(), Options{Command: "search", Index: true})
	if !errors.Is(err, ErrNoData) {
		t.Errorf("reader of an empty directory: %v; want ErrNoData", err)
	}
}

// TestLockFreedWhenHolderKilled: the lock of a killed writer is free again.
func TestLockFreedWhenHolderKilled(t *testing.T) {
	data := t.TempDir()
	cmd := start(t, childJob{Data: data, Lock: true})
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 7)
	if _, err := out.Read(buf); err != nil || string(buf) != "locked\n" {
		cmd.Process.Kill()
		t.Fatalf("child did not lock: %q %v", buf, err)
	}
	if h := CurrentHolder(data); h == nil || h.Command != "child" {
		t.Errorf("holder while the child runs: %+v", h)
	}
	cmd.Process.Kill()
	cmd.Wait()
	ds, err := Open(context.Background(), data, Options{Command: "test", Write: true})
	if err != nil {
		t.Fatalf("after the holder was killed: %v", err)
	}
	ds.Close()
}

// TestIndexFollowsTheCatalog: records stored while the index was behind
// (a writer that died with the dirty marker, a deleted index directory)
// are in the index again when the next writer opens the directory.
func TestIndexFollowsTheCatalog(t *testing.T) {
	site := brusselstest.New(brusselstest.Options{Questions: brusselstest.Generate(12, time.Date(2026, 9, 20, 0, 0, 0, 0, time.UTC))})
	defer site.Close()
	data := t.TempDir()
	harvest(t, data, site.URL())
	want := snapshot(t, data)
	if len(want) != 12 || len(indexed(t, data)) != 12 {
		t.Fatalf("after the harvest: %d records, %d indexed", len(want), len(indexed(t, data)))
	}
	ctx := context.Background()
	writerOpens := func() {
		t.Helper()
		ds, err := Open(ctx, data, Options{Command: "test", Write: true, Index: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := ds.Close(); err != nil {
			t.Fatal(err)
		}
	}

	// A record stored behind the index's back, with the dirty marker a
	// dying writer leaves.
	cat, err := catalog.Open(ctx, filepath.Join(data, CatalogFile))
	if err != nil {
		t.Fatal(err)
	}
	extra := &parlq.Question{ID: "brussels/prb/999999", Source: "brussels", Assembly: "PRB", URL: "https://www.parlement.brussels/x",
		Language: "fr", Type: parlq.WrittenQuestion, Title: "Stockée sans être indexée", Status: parlq.Pending}
	if _, err := cat.Put(ctx, extra, parlq.Capture{RecordID: "<urn:uuid:1>"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	cat.Close()
	if err := os.WriteFile(filepath.Join(data, IndexDir, dirtyMarker), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// A reader (search, export) cannot rebuild: it says what will.
	if _, err := Open(ctx, data, Options{Command: "search", Index: true}); !errors.Is(err, ErrIndexBehind) || !strings.Contains(err.Error(), "parlq reindex") {
		t.Errorf("reader beside a dirty index: %v; want ErrIndexBehind naming parlq reindex", err)
	}
	writerOpens()
	if ids := indexed(t, data); !ids[extra.ID] || len(ids) != 13 {
		t.Errorf("after a dirty marker: %d indexed, extra %v; want 13 with it", len(ids), ids[extra.ID])
	}
	if _, err := os.Stat(filepath.Join(data, IndexDir, dirtyMarker)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("dirty marker still there after the rebuild: %v", err)
	}

	// The index deleted: noticed at open and rebuilt from the catalog.
	if err := os.RemoveAll(filepath.Join(data, IndexDir)); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, data, Options{Command: "export", Index: true}); !errors.Is(err, ErrIndexBehind) || !strings.Contains(err.Error(), "brussels") {
		t.Errorf("reader beside a deleted index: %v; want ErrIndexBehind naming the source", err)
	}
	writerOpens()
	if ids := indexed(t, data); len(ids) != 13 {
		t.Errorf("after the index was deleted: %d indexed; want 13", len(ids))
	}

	// The source's index unreadable (a process killed while Bleve made
	// it): set aside and rebuilt from the catalog by the next writer.
	src := filepath.Join(data, IndexDir, "brussels")
	if err := os.RemoveAll(src); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	writerOpens()
	if ids := indexed(t, data); len(ids) != 13 {
		t.Errorf("after the source's index became unreadable: %d indexed; want 13", len(ids))
	}
}

// TestHarvestReparseReindex: the three writing operations through one
// dataset, and the status read-model they leave.
func TestHarvestReparseReindex(t *testing.T) {
	site := brusselstest.New(brusselstest.Options{Questions: brusselstest.Generate(8, time.Date(2026, 9, 20, 0, 0, 0, 0, time.UTC))})
	defer site.Close()
	data := t.TempDir()
	runs := harvest(t, data, site.URL())
	if len(runs) != 1 || runs[0].Outcome != catalog.RunOK || runs[0].New != 8 {
		t.Fatalf("runs = %+v; want one ok run with 8 new", runs)
	}
	ctx := context.Background()
	ds, err := Open(ctx, data, Options{Command: "reparse", Write: true, Index: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	src, _ := parser.Lookup("brussels")
	reps, err := ds.Reparse(ctx, []parlq.Source{src})
	if err != nil {
		t.Fatalf("reparse: %v", err)
	}
	if len(reps) != 1 || reps[0].Source != "brussels" || reps[0].Unchanged != 8 || reps[0].New+reps[0].Changed != 0 {
		t.Errorf("reparse report %+v; want 8 unchanged", reps)
	}
	counts, err := ds.Reindex(ctx, "")
	if err != nil || counts["brussels"] != 8 {
		t.Errorf("reindex: %v %v; want 8 brussels records", counts, err)
	}
	st, err := ds.Status(ctx, nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	s := st.Sources["brussels"]
	if s == nil || s.Records != 8 || s.Indexed != 8 || s.LastRun == nil || s.LastRun.Outcome != "ok" || s.Runs.ByOutcome["ok"] != 1 || s.Runs.Items["new"] != 8 {
		t.Errorf("status = %+v", s)
	}
	if st.Documents != 8 || st.Writer == nil || st.Writer.Command != "reparse" {
		t.Errorf("status: %d documents, writer %+v", st.Documents, st.Writer)
	}
	if _, err := ds.Harvest(ctx, nil); !errors.Is(err, ErrNoJobs) {
		t.Errorf("Harvest without jobs: %v; want ErrNoJobs", err)
	}
}

// TestReparseReadsPastDamage: a record damaged in the middle of a WARC file
// is reported with its file and offset, every record after it is still
// read, the index is rebuilt, and the reparse ends in an error.
func TestReparseReadsPastDamage(t *testing.T) {
	site := brusselstest.New(brusselstest.Options{Questions: brusselstest.Generate(10, time.Date(2026, 9, 20, 0, 0, 0, 0, time.UTC))})
	defer site.Close()
	data := t.TempDir()
	harvest(t, data, site.URL())

	// Damage the fourth detail page's record: flip bytes inside its gzip member.
	idx, err := os.ReadFile(filepath.Join(data, WARCDir, "index.cdxj"))
	if err != nil {
		t.Fatal(err)
	}
	var target struct {
		Filename string `json:"filename"`
		Offset   int64  `json:"offset,string"`
	}
	details := 0
	for _, line := range strings.Split(strings.TrimSpace(string(idx)), "\n") {
		if !strings.Contains(line, "moncode") {
			continue
		}
		if details++; details == 4 {
			if err := json.Unmarshal([]byte(line[strings.Index(line, "{"):]), &target); err != nil {
				t.Fatal(err)
			}
		}
	}
	if target.Filename == "" {
		t.Fatalf("fewer than 4 detail pages in the archive index:\n%s", idx)
	}
	f, err := os.OpenFile(filepath.Join(data, WARCDir, target.Filename), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte("\xde\xad\xbe\xef\xde\xad\xbe\xef"), target.Offset+200); err != nil {
		t.Fatal(err)
	}
	f.Close()

	ctx := context.Background()
	ds, err := Open(ctx, data, Options{Command: "reparse", Write: true, Index: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	src, _ := parser.Lookup("brussels")
	reps, err := ds.Reparse(ctx, []parlq.Source{src})
	if !errors.Is(err, crawler.ErrDamaged) {
		t.Fatalf("reparse error %v; want ErrDamaged", err)
	}
	if len(reps) != 1 || len(reps[0].Damaged) != 1 {
		t.Fatalf("reports %+v; want one damaged record", reps)
	}
	d := reps[0].Damaged[0]
	if d.File != target.Filename || d.Offset != target.Offset {
		t.Errorf("damaged %s at %d; want %s at %d", d.File, d.Offset, target.Filename, target.Offset)
	}
	if got := reps[0].Unchanged; got != 9 {
		t.Errorf("read %d detail pages unchanged; want the 9 intact ones (those after the damage too)", got)
	}
	st, err := ds.Status(ctx, nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if s := st.Sources["brussels"]; s.Indexed != 10 {
		t.Errorf("indexed %d after the damaged reparse; want all 10 records (the catalog keeps the damaged one's)", s.Indexed)
	}
}
