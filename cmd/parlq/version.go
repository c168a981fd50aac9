package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/parlq/parlq/internal/buildinfo"
)

// runVersion prints which parlq this is: the version, the VCS revision and
// the Go version (see package buildinfo).
func runVersion(_ context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "version", "[--json]")
	asJSON := fs.Bool("json", false, "print the version as JSON")
	if err := parseFlagsOnly(fs, args); err != nil {
		return err
	}
	info := buildinfo.Read()
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(info)
	}
	fmt.Fprintf(env.Stdout, "parlq %s\n", info.Version)
	if info.Revision != "" {
		fmt.Fprintf(env.Stdout, "revision %s", info.Revision)
		if info.Time != "" {
			fmt.Fprintf(env.Stdout, " (%s)", info.Time)
		}
		fmt.Fprintln(env.Stdout)
	}
	fmt.Fprintf(env.Stdout, "built with %s\n", info.Go)
	return nil
}
