//go:build !unix

package server

// cpuTime is not measured on this platform.
func cpuTime() (float64, bool) { return 0, false }
