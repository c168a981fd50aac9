package index

import (
	"errors"

	"github.com/parlq/parlq/internal/lockfile"
)

// lockDir takes a lock on path — exclusive for a writer, shared for a
// reader — failing at once with ErrLocked when another process holds a
// conflicting one.
func lockDir(path string, shared bool) (*lockfile.Lock, error) {
	take := lockfile.Exclusive
	if shared {
		take = lockfile.Shared
	}
	l, err := take(path)
	if errors.Is(err, lockfile.ErrLocked) {
		return nil, ErrLocked
	}
	return l, err
}

func unlockDir(l *lockfile.Lock) { l.Unlock() }
