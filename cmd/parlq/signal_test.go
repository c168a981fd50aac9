package main

import (
	"bytes"
	"encoding/json"
	"github.com/parlq/parlq/dataset"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

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
		if h := dataset.CurrentHolder(data); h != nil {
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
