package main

import (
	"flag"
)

// defaultDataDir is the data directory when neither --data nor PARLQ_DATA says.
const defaultDataDir = "data"

// dataFlag registers --data, the data directory flag every command shares.
func dataFlag(fs *flag.FlagSet) *string {
	return fs.String("data", "", "data directory (default $PARLQ_DATA or ./data)")
}

// resolveDataDir picks the data directory: the flag, then PARLQ_DATA, then ./data.
func resolveDataDir(env *Env, flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	if v := env.Getenv("PARLQ_DATA"); v != "" {
		return v
	}
	return defaultDataDir
}
