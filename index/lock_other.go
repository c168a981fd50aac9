//go:build !unix

package index

import "os"

// lockDir opens the lock file; without flock, a second process is not
// detected on this platform.
func lockDir(path string, shared bool) (*os.File, error) {
	return os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
}

func unlockDir(f *os.File) {
	if f != nil {
		f.Close()
	}
}
