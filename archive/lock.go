package archive

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/parlq/parlq/internal/lockfile"
)

// ErrLocked is wrapped when another Writer (in this or another process)
// holds the directory.
var ErrLocked = errors.New("archive directory is locked by another writer")

const lockName = "writer.lock"

// lockDir takes the exclusive lock of dir and writes this process's id into
// the lock file. The system releases the lock when the process dies.
func lockDir(dir string) (*lockfile.Lock, error) {
	path := filepath.Join(dir, lockName)
	l, err := lockfile.Exclusive(path)
	if errors.Is(err, lockfile.ErrLocked) {
		return nil, fmt.Errorf("%w: %s held by pid %s", ErrLocked, path, lockfile.Note(path))
	}
	if err != nil {
		return nil, err
	}
	_ = l.SetNote([]byte(strconv.Itoa(os.Getpid()) + "\n"))
	return l, nil
}

// unlockDir releases a lock taken by lockDir.
func unlockDir(l *lockfile.Lock) { l.Unlock() }
