package lockfile

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func TestExclusiveAndShared(t *testing.T) {
	path := filepath.Join(t.TempDir(), "LOCK")
	if Held(path) {
		t.Fatal("Held before any lock (and no file)")
	}
	w, err := Exclusive(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.SetNote([]byte("pid 1\n")); err != nil {
		t.Fatal(err)
	}
	if got := Note(path); got != "pid 1" {
		t.Errorf("Note = %q; want %q", got, "pid 1")
	}
	// flock locks belong to open files: a second open in this process
	// conflicts like another process would.
	if _, err := Exclusive(path); !errors.Is(err, ErrLocked) {
		t.Errorf("second Exclusive: %v; want ErrLocked", err)
	}
	if _, err := Shared(path); !errors.Is(err, ErrLocked) {
		t.Errorf("Shared beside a writer: %v; want ErrLocked", err)
	}
	if !Held(path) {
		t.Error("Held = false while held")
	}
	w.Unlock()
	w.Unlock() // twice is harmless

	r1, err := Shared(path)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := Shared(path)
	if err != nil {
		t.Fatalf("two readers: %v", err)
	}
	if Held(path) {
		t.Error("Held = true with readers only")
	}
	if _, err := Exclusive(path); !errors.Is(err, ErrLocked) {
		t.Errorf("Exclusive beside readers: %v; want ErrLocked", err)
	}
	r1.Unlock()
	r2.Unlock()
	w2, err := Exclusive(path)
	if err != nil {
		t.Fatalf("after readers left: %v", err)
	}
	w2.Unlock()
}

// TestDeadHolderReleases: the lock of a killed process is dropped by the
// kernel, so a crashed writer never blocks the next one.
func TestDeadHolderReleases(t *testing.T) {
	if os.Getenv("LOCKFILE_CHILD") != "" {
		if _, err := Exclusive(os.Getenv("LOCKFILE_CHILD")); err != nil {
			os.Exit(3)
		}
		os.Stdout.Write([]byte("locked\n"))
		select {} // hold until killed
	}
	path := filepath.Join(t.TempDir(), "LOCK")
	cmd := exec.Command(os.Args[0], "-test.run=^TestDeadHolderReleases$")
	cmd.Env = append(os.Environ(), "LOCKFILE_CHILD="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 7)
	if _, err := out.Read(buf); err != nil || string(buf) != "locked\n" {
		t.Fatalf("child did not lock: %q %v", buf, err)
	}
	if !Held(path) {
		t.Error("Held = false while the child holds it")
	}
	cmd.Process.Kill()
	cmd.Wait()
	l, err := Exclusive(path)
	if err != nil {
		t.Fatalf("after the holder was killed: %v", err)
	}
	l.Unlock()
}
