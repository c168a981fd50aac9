package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/parlq/parlq/crawler"
	"github.com/parlq/parlq/dataset"
	"github.com/parlq/parlq/server"
)

// staleMargin is how long a scheduled harvest of jobs may take: the jobs
// run one after another, each bounded by its deadline (the default one
// where a job has none).
func staleMargin(jobs []dataset.Job) time.Duration {
	var m time.Duration
	for _, j := range jobs {
		d := j.Config.MaxDuration
		if d <= 0 {
			d = crawler.DefaultConfig().MaxDuration
		}
		m += d
	}
	return m
}

func runServe(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "serve", "[flags]")
	def := server.DefaultConfig()
	addr := fs.String("addr", def.Addr, "listen address (loopback by default)")
	data := dataFlag(fs)
	schedule := fs.String("schedule", def.Schedule, `cron spec of scheduled harvests ("" disables them)`)
	noFirst := fs.Bool("no-first-harvest", false, "do not start a harvest when the data directory is empty")
	synonyms := fs.String("synonyms", "", "synonym file (default: synonyms.txt in the data directory, created from the built-in concepts)")
	quiet := fs.Bool("quiet", false, "log only warnings and errors")
	var hf harvestFlags
	hf.register(fs)
	if err := parseFlagsOnly(fs, args); err != nil {
		return err
	}
	if hf.acceptLists {
		// It would take every scheduled run's lists as they come.
		return fmt.Errorf("%w: --accept-lists is for one run: use it with parlq harvest", errUsage)
	}
	cfg := def
	cfg.Addr = *addr
	cfg.Schedule = *schedule
	cfg.AdminToken = env.Getenv("PARLQ_ADMIN_TOKEN")
	cfg.HarvestIfEmpty = !*noFirst
	log := newLogger(env, *quiet)
	cfg.Logger = log
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	jobs, err := hf.jobs(log)
	if err != nil {
		return err
	}
	cfg.StaleMargin = staleMargin(jobs)
	d := resolveDataDir(env, *data)
	ds, err := openDataset(ctx, d, dataset.Options{Command: "serve", Write: true, Archive: true, Index: true, Synonyms: *synonyms, Jobs: jobs, Logger: log})
	if err != nil {
		return err
	}
	defer ds.Close()
	srv := server.New(cfg, ds)
	go ds.WatchSynonyms(ctx, 5*time.Second)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	if err := ds.SetAddr(ln.Addr().String()); err != nil {
		ln.Close()
		return err
	}
	fmt.Fprintf(env.Stderr, "parlq: serving %s on http://%s/\n", d, ln.Addr())
	err = srv.Serve(ctx, ln)
	if errors.Is(err, http.ErrServerClosed) || errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}
