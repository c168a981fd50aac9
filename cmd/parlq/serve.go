package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/archive"
	"github.com/parlq/parlq/server"
)

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
	sources, err := hf.sources()
	if err != nil {
		return err
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
	d := resolveDataDir(env, *data)
	st, err := openStore(ctx, d, storeOptions{command: "serve", write: true, archive: true, index: true, synonyms: *synonyms}, log)
	if err != nil {
		return err
	}
	defer st.close()
	cfg.Archive = func(ctx context.Context, c parlq.Capture) (string, []byte, error) {
		resp, err := archive.ReadResponse(d.warc(), c.File, c.Offset)
		if err != nil {
			return "", nil, err
		}
		return resp.Header.Get("Content-Type"), resp.Body, nil
	}
	harvest := func(ctx context.Context) error {
		prog := &progress{log: log}
		runs, err := st.harvest(ctx, sources, &hf, prog.report)
		for _, r := range runs {
			log.Info("harvest finished", "summary", summarize(r))
		}
		return err
	}
	srv := server.New(cfg, st.ix, st.cat, harvest)
	go watchSynonyms(ctx, st, log)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	if err := st.lock.update(lockHolder{PID: os.Getpid(), Command: "serve", Started: time.Now().UTC(), Addr: ln.Addr().String()}); err != nil {
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

// watchSynonyms reloads the synonym file when it changes, so an edit takes
// effect within seconds, without a restart or a reindex.
func watchSynonyms(ctx context.Context, st *store, log *slog.Logger) {
	path := st.synonyms
	if path == "" {
		return
	}
	stamp := func() time.Time {
		fi, err := os.Stat(path)
		if err != nil {
			return time.Time{}
		}
		return fi.ModTime()
	}
	last := stamp()
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if now := stamp(); !now.Equal(last) {
			last = now
			if err := st.ix.ReloadSynonyms(); err != nil {
				log.Error("synonym file not reloaded; the previous concepts stay in use", "file", path, "err", err)
			} else {
				log.Info("synonym file reloaded", "file", path)
			}
		}
	}
}
