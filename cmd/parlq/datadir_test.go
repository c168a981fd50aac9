package main

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestLockDataDirExcludesSecondWriter(t *testing.T) {
	d := dataDir(t.TempDir())
	first, err := lockDataDir(d, lockHolder{PID: 4242, Command: "harvest", Started: time.Unix(0, 0).UTC()})
	if err != nil {
		t.Fatalf("first lock: %v", err)
	}
	_, err = lockDataDir(d, lockHolder{PID: 1, Command: "serve"})
	var le *lockError
	if !errors.As(err, &le) || !errors.Is(err, errLocked) {
		t.Fatalf("second lock: got %v; want a lockError", err)
	}
	if le.Holder == nil || le.Holder.PID != 4242 || !strings.Contains(err.Error(), "parlq harvest") {
		t.Errorf("lock error %q does not name the holder", err)
	}
	if h := currentHolder(d); h == nil || h.PID != 4242 {
		t.Errorf("currentHolder = %+v; want pid 4242", h)
	}
	first.release()
	if h := currentHolder(d); h != nil {
		t.Errorf("currentHolder after release = %+v; want nil", h)
	}
	again, err := lockDataDir(d, lockHolder{PID: 2, Command: "serve"})
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	again.release()
}

// TestLockDataDirFreedWhenHolderKilled runs a child process that takes the
// lock, kills it with SIGKILL, and checks the lock is free again.
func TestLockDataDirFreedWhenHolderKilled(t *testing.T) {
	if dir := os.Getenv("PARLQ_TEST_LOCK_CHILD"); dir != "" {
		if _, err := lockDataDir(dataDir(dir), lockHolder{PID: os.Getpid(), Command: "child"}); err != nil {
			os.Exit(3)
		}
		os.Stdout.WriteString("locked\n")
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	d := dataDir(t.TempDir())
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockDataDirFreedWhenHolderKilled$")
	cmd.Env = append(os.Environ(), "PARLQ_TEST_LOCK_CHILD="+string(d))
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
	if _, err := lockDataDir(d, lockHolder{PID: os.Getpid(), Command: "test"}); !errors.Is(err, errLocked) {
		t.Errorf("lock while child holds it: got %v; want errLocked", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	l, err := lockDataDir(d, lockHolder{PID: os.Getpid(), Command: "test"})
	if err != nil {
		t.Fatalf("lock after the holder was killed: %v", err)
	}
	l.release()
}
