//go:build !unix

package index

import "time"

// cpuTime is unknown here: the benchmarks report 0 CPU.
func cpuTime() time.Duration { return 0 }
