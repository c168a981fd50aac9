//go:build !unix && !windows

package lockfile

import "os"

// lock cannot lock on this platform (no flock, no LockFileEx): a second
// process is not detected. parlq's supported systems are Unix and Windows.
func lock(f *os.File, shared bool) error { return nil }

func unlock(f *os.File) {}
