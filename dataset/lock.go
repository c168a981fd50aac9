package dataset

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/parlq/parlq/internal/lockfile"
)

// Holder is written into the lock file so a second process can say who
// holds the directory (and, for serve, where to send queries instead).
type Holder struct {
	PID     int       `json:"pid"`
	Command string    `json:"command"`
	Started time.Time `json:"started"`
	Addr    string    `json:"addr,omitempty"`
}

// ErrLocked is wrapped when another process writes the data directory.
var ErrLocked = errors.New("data directory is in use")

// LockedError says who holds the data directory.
type LockedError struct {
	Dir    string
	Holder *Holder
}

func (e *LockedError) Error() string {
	if e.Holder == nil {
		return fmt.Sprintf("%s: %v by another parlq process", e.Dir, ErrLocked)
	}
	s := fmt.Sprintf("%s: %v by pid %d (parlq %s, since %s)", e.Dir, ErrLocked,
		e.Holder.PID, e.Holder.Command, e.Holder.Started.Format(time.RFC3339))
	if e.Holder.Addr != "" {
		s += "; its server listens on " + e.Holder.Addr
	}
	return s
}

func (e *LockedError) Unwrap() error { return ErrLocked }

// lockDir takes the writer lock of dir, creating dir if needed. It fails at
// once, naming the holder, when another process has it.
func lockDir(dir string, h Holder) (*lockfile.Lock, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	l, err := lockfile.Exclusive(filepath.Join(dir, LockFile))
	if errors.Is(err, lockfile.ErrLocked) {
		return nil, &LockedError{Dir: dir, Holder: readHolder(dir)}
	}
	if err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	if err := setHolder(l, h); err != nil {
		l.Unlock()
		return nil, err
	}
	return l, nil
}

func setHolder(l *lockfile.Lock, h Holder) error {
	b, err := json.Marshal(h)
	if err != nil {
		return err
	}
	return l.SetNote(append(b, '\n'))
}

// SetAddr records in the lock the address a server listens on, so that
// readers can query it instead of the index it holds.
func (d *Dataset) SetAddr(addr string) error {
	if d.lock == nil {
		return errors.New("dataset: SetAddr on a directory opened without the writer lock")
	}
	return setHolder(d.lock, Holder{PID: os.Getpid(), Command: d.opts.Command, Started: time.Now().UTC(), Addr: addr})
}

// CurrentHolder reports the process holding dir's writer lock, or nil when
// nobody does.
func CurrentHolder(dir string) *Holder {
	if !lockfile.Held(filepath.Join(dir, LockFile)) {
		return nil
	}
	if h := readHolder(dir); h != nil {
		return h
	}
	return &Holder{}
}

func readHolder(dir string) *Holder {
	note := lockfile.Note(filepath.Join(dir, LockFile))
	if note == "" {
		return nil
	}
	var h Holder
	if json.Unmarshal([]byte(note), &h) != nil {
		return nil
	}
	return &h
}
