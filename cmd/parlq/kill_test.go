package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/archive"
	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/parser/brussels/brusselstest"
)

// asParlq makes the test binary act as the parlq command when a test runs it
// as a subprocess (to be killed).
const asParlq = "PARLQ_TEST_AS_PARLQ"

func TestMain(m *testing.M) {
	if args := os.Getenv(asParlq); args != "" {
		var a []string
		if err := json.Unmarshal([]byte(args), &a); err != nil {
			os.Exit(99)
		}
		os.Exit(runProcess(a))
	}
	os.Exit(m.Run())
}

// parlqProcess starts the test binary as `parlq args...`.
func parlqProcess(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	b, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), asParlq+"="+string(b))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// records reads every current record and its version history, without the
// fields that depend on when it was fetched.
func records(t *testing.T, data string) map[string]string {
	t.Helper()
	ctx := context.Background()
	cat, err := catalog.Open(ctx, filepath.Join(data, "catalog.db"))
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

// TestKilledHarvestLosesNothing kills `parlq harvest` with SIGKILL at random
// instants, then lets it finish, and compares the data with an uninterrupted
// run: the same records, no duplicated version, every WARC file valid, and an
// index that has every record.
func TestKilledHarvestLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("kill test skipped in -short mode")
	}
	asOf := time.Date(2026, 9, 20, 0, 0, 0, 0, time.UTC)
	site := brusselstest.New(brusselstest.Options{Questions: brusselstest.Generate(100, asOf)})
	defer site.Close()
	harvest := func(data string) []string {
		return []string{"harvest", "--quiet", "--data", data, "--source", "brussels",
			"--base-url", "brussels=" + site.URL(), "--delay", "3ms"}
	}

	ref := t.TempDir()
	start := time.Now()
	if code, out, errOut := runCmd(t, nil, harvest(ref)...); code != 0 {
		t.Fatalf("uninterrupted harvest: exit %d\n%s\n%s", code, out, errOut)
	}
	full := time.Since(start)
	want := records(t, ref)

	data := t.TempDir()
	rng := rand.New(rand.NewPCG(1, uint64(time.Now().UnixNano())))
	kills := 0
	for i := 0; i < 10; i++ {
		cmd := parlqProcess(t, harvest(data)...)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		wait := 50*time.Millisecond + time.Duration(rng.Int64N(int64(full)/3))
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
		code, out, errOut := runCmd(t, nil, harvest(data)...)
		if code == 0 {
			break
		}
		if i == 2 {
			t.Fatalf("harvest after kills: exit %d\n%s\n%s", code, out, errOut)
		}
	}
	got := records(t, data)
	if len(got) != len(want) {
		t.Errorf("records after kills = %d; want %d", len(got), len(want))
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s after kills:\n got %s\nwant %s", id, got[id], w)
		}
	}

	files, _ := filepath.Glob(filepath.Join(data, "warc", "*.warc.gz"))
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
	code, out, errOut := runCmd(t, nil, "export", "--data", data, "--format", "jsonl")
	if code != 0 {
		t.Fatalf("export: %d %s", code, errOut)
	}
	var ids []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var q parlq.Question
		if err := json.Unmarshal([]byte(line), &q); err != nil {
			t.Fatalf("export line %q: %v", line, err)
		}
		ids = append(ids, q.ID)
	}
	sort.Strings(ids)
	if len(ids) != len(want) {
		t.Errorf("indexed records = %d; want %d", len(ids), len(want))
		for _, id := range ids {
			delete(want, id)
		}
		t.Errorf("not in the index: %v", want)
	}
}

// TestInterruptedHarvestStopsCleanly sends SIGINT (then SIGTERM to a second
// run) mid-harvest: the process exits promptly, the run is recorded as
// interrupted, the lock is released, and the next run finishes the job.
func TestInterruptedHarvestStopsCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("signal test skipped in -short mode")
	}
	site := brusselstest.New(brusselstest.Options{Questions: brusselstest.Generate(60, time.Date(2026, 9, 20, 0, 0, 0, 0, time.UTC))})
	defer site.Close()
	data := t.TempDir()
	args := []string{"harvest", "--quiet", "--data", data, "--source", "brussels",
		"--base-url", "brussels=" + site.URL(), "--delay", "20ms"}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		cmd := parlqProcess(t, args...)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		// Wait until some questions are stored, then signal.
		deadline := time.Now().Add(30 * time.Second)
		for site.Requests(brusselstest.TargetIndex) == 0 || len(site.Log()) < 6 {
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				t.Fatal("the harvest made no progress")
			}
			time.Sleep(10 * time.Millisecond)
		}
		cmd.Process.Signal(sig)
		select {
		case err := <-done:
			if err == nil {
				t.Errorf("%v: exit 0; want non-zero for an interrupted run", sig)
			}
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("%v: the harvest did not stop", sig)
		}
		if h := currentHolder(dataDir(data)); h != nil {
			t.Errorf("%v: lock still held by %+v", sig, h)
		}
		s := status(t, data).Sources["brussels"]
		if s.LastRun == nil || s.LastRun.Outcome != "interrupted" {
			t.Errorf("%v: last run %+v; want interrupted", sig, s.LastRun)
		}
		site.ResetLog()
	}
	if code, out, errOut := runCmd(t, nil, args...); code != 0 {
		t.Fatalf("harvest after interruptions: exit %d\n%s\n%s", code, out, errOut)
	}
	if s := status(t, data).Sources["brussels"]; s.Records != 60 {
		t.Errorf("records after interruptions = %d; want 60", s.Records)
	}
}
