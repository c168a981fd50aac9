//go:build !unix

package archive

import (
	"errors"
	"os"
)

// ErrLocked is wrapped when another Writer holds the directory. Without
// flock (non-Unix systems) directories are not locked.
var ErrLocked = errors.New("archive directory is locked by another writer")

func lockDir(dir string) (*os.File, error) { return nil, nil }

func unlockDir(f *os.File) {}
