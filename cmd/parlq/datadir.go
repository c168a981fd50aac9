package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// dataDir is the layout of one parlq data directory.
type dataDir string

func (d dataDir) warc() string    { return filepath.Join(string(d), "warc") }
func (d dataDir) catalog() string { return filepath.Join(string(d), "catalog.db") }
func (d dataDir) index() string   { return filepath.Join(string(d), "index") }

// synonyms is the user-editable synonym file of the search index.
func (d dataDir) synonyms() string { return filepath.Join(string(d), "synonyms.txt") }
func (d dataDir) lockPath() string {
	return filepath.Join(string(d), "LOCK")
}

// defaultDataDir is the data directory when neither --data nor PARLQ_DATA says.
const defaultDataDir = "data"

// dataFlag registers --data, the data directory flag every command shares.
func dataFlag(fs *flag.FlagSet) *string {
	return fs.String("data", "", "data directory (default $PARLQ_DATA or ./data)")
}

// resolveDataDir picks the data directory: the flag, then PARLQ_DATA, then ./data.
func resolveDataDir(env *Env, flagValue string) dataDir {
	if flagValue != "" {
		return dataDir(flagValue)
	}
	if v := env.Getenv("PARLQ_DATA"); v != "" {
		return dataDir(v)
	}
	return defaultDataDir
}

// lockHolder is written into the lock file so a second process can say who
// holds the directory (and, for serve, where to send queries instead).
type lockHolder struct {
	PID     int       `json:"pid"`
	Command string    `json:"command"`
	Started time.Time `json:"started"`
	Addr    string    `json:"addr,omitempty"`
}

// errLocked is returned when another process writes the data directory.
var errLocked = errors.New("data directory is in use")

// lockError says who holds the data directory.
type lockError struct {
	Dir    string
	Holder *lockHolder
}

func (e *lockError) Error() string {
	if e.Holder == nil {
		return fmt.Sprintf("%s: %v by another parlq process", e.Dir, errLocked)
	}
	s := fmt.Sprintf("%s: %v by pid %d (parlq %s, since %s)", e.Dir, errLocked,
		e.Holder.PID, e.Holder.Command, e.Holder.Started.Format(time.RFC3339))
	if e.Holder.Addr != "" {
		s += "; its server listens on " + e.Holder.Addr
	}
	return s
}

func (e *lockError) Unwrap() error { return errLocked }

// dirLock is an exclusive advisory lock on a data directory, held until
// release or process exit (the kernel drops flock locks of a killed process).
type dirLock struct {
	f *os.File
}

// lockDataDir takes the writer lock of d, creating d if needed. It fails at
// once, naming the holder, when another process has it.
func lockDataDir(d dataDir, holder lockHolder) (*dirLock, error) {
	if err := os.MkdirAll(string(d), 0o755); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	f, err := os.OpenFile(d.lockPath(), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("data directory lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &lockError{Dir: string(d), Holder: readHolder(d)}
		}
		return nil, fmt.Errorf("data directory lock: %w", err)
	}
	l := &dirLock{f: f}
	if err := l.update(holder); err != nil {
		l.release()
		return nil, err
	}
	return l, nil
}

// update rewrites the holder information (serve adds its address once listening).
func (l *dirLock) update(h lockHolder) error {
	b, err := json.Marshal(h)
	if err != nil {
		return err
	}
	if err := l.f.Truncate(0); err != nil {
		return fmt.Errorf("data directory lock: %w", err)
	}
	if _, err := l.f.WriteAt(append(b, '\n'), 0); err != nil {
		return fmt.Errorf("data directory lock: %w", err)
	}
	return nil
}

func (l *dirLock) release() {
	if l == nil || l.f == nil {
		return
	}
	syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	l.f.Close()
	l.f = nil
}

// currentHolder reports the process holding d's writer lock, or nil when
// nobody does.
func currentHolder(d dataDir) *lockHolder {
	f, err := os.OpenFile(d.lockPath(), os.O_RDWR, 0)
	if err != nil {
		return nil
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err == nil {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		return nil
	}
	if h := readHolder(d); h != nil {
		return h
	}
	return &lockHolder{}
}

func readHolder(d dataDir) *lockHolder {
	b, err := os.ReadFile(d.lockPath())
	if err != nil || len(strings.TrimSpace(string(b))) == 0 {
		return nil
	}
	var h lockHolder
	if json.Unmarshal(b, &h) != nil {
		return nil
	}
	return &h
}
