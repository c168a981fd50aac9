// Command parlq harvests parliamentary written questions, archives every page
// it fetched, parses them into records with their history, and serves
// full-text search over them.
//
// Usage:
//
//	parlq <command> [flags] [args]
//
// Run "parlq help" for the list of commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// command is one subcommand; run owns its flag.FlagSet.
type command struct {
	summary string
	run     func(ctx context.Context, env *Env, args []string) error
}

// Env is what a command may touch of the outside world; tests replace it.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

// commands is the explicit list of subcommands.
var commands = map[string]command{
	"parse":   {summary: "parse saved pages into JSON records", run: runParse},
	"harvest": {summary: "run one harvest now, then exit (for system cron)", run: runHarvest},
	"serve":   {summary: "serve search over HTTP, with scheduled harvests", run: runServe},
	"search":  {summary: "search from the terminal (text or --json)", run: runSearch},
	"export":  {summary: "export a query or everything as CSV or JSON Lines", run: runExport},
	"stats":   {summary: "how long ministers take to answer, over any search", run: runStats},
	"reparse": {summary: "rebuild records from the archive with the current parsers", run: runReparse},
	"reindex": {summary: "rebuild the search index from the catalog", run: runReindex},
	"version": {summary: "print the version, VCS revision and Go version", run: runVersion},
	"status":  {summary: "per source: records, last run, failures, suspects, re-checks due", run: runStatusCmd},
	"accept":  {summary: "store a capture held back as suspect as the question's current version", run: runAccept},
}

// errUsage marks a command-line mistake: exit status 2.
var errUsage = errors.New("usage")

func main() {
	os.Exit(runProcess(os.Args[1:]))
}

// runProcess runs a command line as the parlq process: SIGINT and SIGTERM
// cancel the command's context, so it stops cleanly.
func runProcess(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	return Run(ctx, env, args)
}

// Run runs one parlq command line and returns the process exit status.
func Run(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(env.Stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] == "--version" || args[0] == "-version" {
		args = append([]string{"version"}, args[1:]...)
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "parlq: unknown command %q\n\n", args[0])
		usage(env.Stderr)
		return 2
	}
	err := cmd.run(ctx, env, args[1:])
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(env.Stderr, "parlq %s: %v\n", args[0], err)
		return 2
	default:
		fmt.Fprintf(env.Stderr, "parlq %s: %v\n", args[0], err)
		return 1
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "parlq harvests parliamentary written questions and serves full-text search over them.")
	fmt.Fprintln(w, "\nUsage: parlq <command> [flags] [args]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun \"parlq <command> -h\" for a command's flags.")
}

// newFlagSet returns a FlagSet that reports errors to env.Stderr and lets Run
// choose the exit status.
func newFlagSet(env *Env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("parlq "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: parlq %s %s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, turning a flag error into errUsage.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	return nil
}

// parseFlagsOnly parses args for a command that takes no positional
// argument, so that a mistaken "parlq reparse ukparl" does not silently do
// something else.
func parseFlagsOnly(fs *flag.FlagSet, args []string) error {
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %q (use flags, e.g. --source)", errUsage, fs.Args())
	}
	return nil
}
