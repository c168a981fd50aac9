// Package lockfile is parlq's one advisory file lock: a process takes it
// exclusively to write a directory (the data directory, the archive, the
// index) or shared to read one beside others. The operating system drops
// the lock of a process that dies, so a killed writer never leaves a stale
// lock behind. The lock file may carry a note saying who holds it.
package lockfile

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// ErrLocked is returned when another holder has a conflicting lock.
var ErrLocked = errors.New("locked by another process")

// Lock is a held lock; release it with Unlock.
type Lock struct {
	f *os.File
}

// Exclusive takes the exclusive lock of the file at path (created if
// needed), failing at once with an error wrapping ErrLocked when another
// holder has any lock on it.
func Exclusive(path string) (*Lock, error) { return take(path, false) }

// Shared takes a shared lock of the file at path, failing at once with an
// error wrapping ErrLocked when another holder has the exclusive lock.
func Shared(path string) (*Lock, error) { return take(path, true) }

func take(path string, shared bool) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := lock(f, shared); err != nil {
		f.Close()
		if errors.Is(err, ErrLocked) {
			return nil, fmt.Errorf("%s: %w", path, ErrLocked)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return &Lock{f: f}, nil
}

// SetNote replaces the lock file's content (who holds it) with note.
func (l *Lock) SetNote(note []byte) error {
	if err := l.f.Truncate(0); err != nil {
		return fmt.Errorf("lock note: %w", err)
	}
	if _, err := l.f.WriteAt(note, 0); err != nil {
		return fmt.Errorf("lock note: %w", err)
	}
	return nil
}

// Unlock releases the lock; calling it on nil or twice does nothing.
func (l *Lock) Unlock() {
	if l == nil || l.f == nil {
		return
	}
	unlock(l.f)
	l.f.Close()
	l.f = nil
}

// Note reads the note of the lock file at path ("" when there is none).
func Note(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// Held reports whether some process holds the exclusive lock of the file
// at path. It takes and drops a shared lock to find out, so it never
// blocks and never creates the file.
func Held(path string) bool {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	if err := lock(f, true); err != nil {
		return errors.Is(err, ErrLocked)
	}
	unlock(f)
	return false
}
