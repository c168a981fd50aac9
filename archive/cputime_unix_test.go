//go:build unix

package archive

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time (user and system) the process has used:
// the benchmarks report it beside wall time, which other work on a shared
// machine inflates.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
