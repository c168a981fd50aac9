package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/crawler"
	"github.com/parlq/parlq/dataset"
	"github.com/parlq/parlq/parser"
)

// harvestFlags are the crawler settings shared by harvest and serve.
type harvestFlags struct {
	source       string
	baseURLs     baseURLFlag
	legislature  perSourceFlag
	since, until string
	delay        delayFlag
	maxRequests  int
	recheck      string
	includeTypes string
	userAgent    string
	timeout      time.Duration
	retries      int
	giveUpAfter  int
	maxDuration  time.Duration
	acceptLists  bool
}

func (h *harvestFlags) register(fs *flag.FlagSet) {
	def := crawler.DefaultConfig()
	h.baseURLs = baseURLFlag{}
	fs.StringVar(&h.source, "source", "all", "source(s) to harvest: "+strings.Join(parser.Names(), ", ")+", a comma list, or all")
	fs.Var(h.baseURLs, "base-url", "fetch a source from another base URL (a mirror, a test server): `name=URL`; repeatable")
	h.legislature = perSourceFlag{per: map[string]string{}}
	fs.Var(&h.legislature, "legislature", "legislature to harvest, all, or empty for the current one: `L` for every source, or name=L for one (repeatable: brussels=19/24, bechamber=55, assemblee=16)")
	fs.StringVar(&h.since, "since", "", "for date-windowed sources (ukparl): start of the window `YYYY-MM-DD` (default: the last good run minus 3 days, or the last 30 days on a first run)")
	fs.StringVar(&h.until, "until", "", "for date-windowed sources (ukparl): end of the window `YYYY-MM-DD` (default: today)")
	h.delay = delayFlag{all: def.Delay, per: map[string]time.Duration{}}
	fs.Var(&h.delay, "delay", "pause between two requests to one host, plus jitter: `1s` for every source, or name=2s for one (repeatable)")
	fs.IntVar(&h.maxRequests, "max-requests", 0, "at most this many question pages per source and run (0: no bound)")
	fs.StringVar(&h.recheck, "recheck", "", "override the re-check schedule for this run: pending or all")
	fs.StringVar(&h.includeTypes, "include-types", "", "also harvest these question types (comma list: oral_question, topical_question, interpellation, request_for_explanation, or all)")
	fs.StringVar(&h.userAgent, "user-agent", def.UserAgent, "User-Agent sent to the sites (name a contact)")
	fs.DurationVar(&h.timeout, "timeout", def.Timeout, "timeout of one request")
	fs.IntVar(&h.retries, "retries", def.MaxRetries, "retries of a failed request before it is recorded as failed")
	fs.IntVar(&h.giveUpAfter, "give-up-after", def.GiveUpAfter, "leave alone a question that failed in this many runs in a row (0: never; --recheck all tries them again)")
	fs.DurationVar(&h.maxDuration, "max-duration", def.MaxDuration, "stop a source's run after this long, keeping what it stored, and report it failed (0: no bound); a Retry-After beyond it ends the run at once")
	fs.BoolVar(&h.acceptLists, "accept-lists", false, "take the lists as they are for this run, even one that delivers far fewer items than it announces or than last time (after checking the site)")
}

// config turns the flags into a crawler configuration for one source.
func (h *harvestFlags) config(src parlq.Source) (crawler.Config, error) {
	cfg := crawler.DefaultConfig()
	cfg.UserAgent = h.userAgent
	cfg.Delay = h.delay.of(src.Name())
	if cfg.Delay < cfg.Jitter {
		cfg.Jitter = cfg.Delay / 2
	}
	cfg.Timeout = h.timeout
	cfg.MaxRetries = h.retries
	cfg.GiveUpAfter = h.giveUpAfter
	cfg.MaxRequests = h.maxRequests
	if h.maxDuration < 0 {
		return cfg, fmt.Errorf("%w: --max-duration %s is negative", errUsage, h.maxDuration)
	}
	cfg.MaxDuration = h.maxDuration
	cfg.AcceptLists = h.acceptLists
	cfg.Legislature = h.legislature.of(src.Name())
	cfg.BaseURL = h.baseURLs[src.Name()]
	switch h.recheck {
	case "", crawler.RecheckPending, crawler.RecheckAll:
		cfg.Recheck = h.recheck
	default:
		return cfg, fmt.Errorf("%w: --recheck must be pending or all, not %q", errUsage, h.recheck)
	}
	for _, d := range []struct {
		flag string
		v    string
		dst  *time.Time
	}{{"since", h.since, &cfg.Since}, {"until", h.until, &cfg.Until}} {
		if d.v == "" {
			continue
		}
		t, err := time.Parse(parlq.DateLayout, d.v)
		if err != nil {
			return cfg, fmt.Errorf("%w: --%s %q is not a date YYYY-MM-DD", errUsage, d.flag, d.v)
		}
		*d.dst = t
	}
	for _, t := range splitList(h.includeTypes) {
		if t == "all" {
			cfg.IncludeTypes = append(cfg.IncludeTypes, parlq.OralQuestion, parlq.TopicalQuestion, parlq.Interpellation, parlq.RequestForExplanation)
			continue
		}
		if !parlq.Type(t).Valid() {
			return cfg, fmt.Errorf("%w: --include-types: unknown type %q", errUsage, t)
		}
		cfg.IncludeTypes = append(cfg.IncludeTypes, parlq.Type(t))
	}
	return cfg, nil
}

// sources returns the sources to harvest, after checking every flag against
// each of them, so that a mistake is reported before anything is opened.
func (h *harvestFlags) sources() ([]parlq.Source, error) {
	sources, err := selectSources(h.source)
	if err != nil {
		return nil, err
	}
	for name := range h.baseURLs {
		found := false
		for _, s := range sources {
			found = found || s.Name() == name
		}
		if !found {
			return nil, fmt.Errorf("%w: --base-url names %q, which is not among the harvested sources", errUsage, name)
		}
	}
	for _, src := range sources {
		if _, err := h.config(src); err != nil {
			return nil, err
		}
	}
	return sources, nil
}

// delayFlag is --delay: a duration for every source, or name=duration for
// one source (repeatable).
type delayFlag struct {
	all time.Duration
	per map[string]time.Duration
}

func (d *delayFlag) String() string {
	if d == nil {
		return ""
	}
	parts := []string{d.all.String()}
	for k, v := range d.per {
		parts = append(parts, k+"="+v.String())
	}
	return strings.Join(parts, ",")
}

func (d *delayFlag) Set(v string) error {
	name, dur, per := strings.Cut(v, "=")
	if !per {
		dur = v
	}
	t, err := time.ParseDuration(dur)
	if err != nil || t < 0 {
		return fmt.Errorf("want a duration such as 1s or name=2s, got %q", v)
	}
	if !per {
		d.all = t
		return nil
	}
	if _, err := parser.Lookup(name); err != nil {
		return err
	}
	d.per[name] = t
	return nil
}

// of is the delay for one source.
func (d *delayFlag) of(source string) time.Duration {
	if t, ok := d.per[source]; ok {
		return t
	}
	return d.all
}

// perSourceFlag is a string flag for every source, or name=value for one
// source (repeatable): the legislatures of one parliament mean nothing to
// another.
type perSourceFlag struct {
	all string
	per map[string]string
}

func (p *perSourceFlag) String() string {
	if p == nil {
		return ""
	}
	parts := []string{p.all}
	for k, v := range p.per {
		parts = append(parts, k+"="+v)
	}
	return strings.Join(parts, ",")
}

func (p *perSourceFlag) Set(v string) error {
	name, val, per := strings.Cut(v, "=")
	if !per {
		p.all = v
		return nil
	}
	if _, err := parser.Lookup(name); err != nil {
		return err
	}
	p.per[name] = val
	return nil
}

// of is the value for one source.
func (p *perSourceFlag) of(source string) string {
	if v, ok := p.per[source]; ok {
		return v
	}
	return p.all
}

// baseURLFlag collects repeated --base-url name=URL flags.
type baseURLFlag map[string]string

func (b baseURLFlag) String() string {
	var parts []string
	for k, v := range b {
		parts = append(parts, k+"="+v)
	}
	return strings.Join(parts, ",")
}

func (b baseURLFlag) Set(v string) error {
	name, u, ok := strings.Cut(v, "=")
	if !ok || name == "" || !(strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://")) {
		return fmt.Errorf("want name=http(s)://host[:port], got %q", v)
	}
	if _, err := parser.Lookup(name); err != nil {
		return err
	}
	b[name] = strings.TrimRight(u, "/")
	return nil
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// jobs turns the flags into one harvest job per source.
func (h *harvestFlags) jobs(log *slog.Logger) ([]dataset.Job, error) {
	sources, err := h.sources()
	if err != nil {
		return nil, err
	}
	jobs := make([]dataset.Job, 0, len(sources))
	for _, src := range sources {
		cfg, err := h.config(src)
		if err != nil {
			return nil, err
		}
		cfg.Logger = log
		jobs = append(jobs, dataset.Job{Source: src, Config: cfg})
	}
	return jobs, nil
}

// selectSources resolves a --source value: a name, a comma list, or "all".
func selectSources(v string) ([]parlq.Source, error) {
	if v == "" || v == "all" {
		return parser.All(), nil
	}
	var out []parlq.Source
	for _, name := range splitList(v) {
		src, err := parser.Lookup(name)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		out = append(out, src)
	}
	return out, nil
}

// openDataset opens the data directory for a command, with a hint of what
// to run when it holds no data yet.
func openDataset(ctx context.Context, dir string, o dataset.Options) (*dataset.Dataset, error) {
	ds, err := dataset.Open(ctx, dir, o)
	if errors.Is(err, dataset.ErrNoData) {
		return nil, fmt.Errorf("%w (run \"parlq harvest\" first, or pass --data)", err)
	}
	return ds, err
}

func runHarvest(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "harvest", "[flags]")
	var hf harvestFlags
	hf.register(fs)
	data := dataFlag(fs)
	quiet := fs.Bool("quiet", false, "log only warnings and errors")
	if err := parseFlagsOnly(fs, args); err != nil {
		return err
	}
	log := newLogger(env, *quiet)
	jobs, err := hf.jobs(log)
	if err != nil {
		return err
	}
	ds, err := openDataset(ctx, resolveDataDir(env, *data), dataset.Options{Command: "harvest", Write: true, Archive: true, Index: true, Jobs: jobs, Logger: log})
	if err != nil {
		return err
	}
	defer ds.Close()
	prog := newProgress(env.Stderr, log)
	runs, err := ds.Harvest(ctx, prog.report)
	prog.done()
	failed := 0
	for _, r := range runs {
		fmt.Fprintln(env.Stdout, summarize(r))
		if r.Outcome != catalog.RunOK {
			failed++
		}
	}
	if err != nil && failed > 0 && ctx.Err() == nil {
		// Each run's summary above says what went wrong.
		return fmt.Errorf("%d of %d runs did not end ok (see above)", failed, len(runs))
	}
	return err
}

func summarize(r catalog.Run) string {
	d := r.Finished.Sub(r.Started).Round(time.Second)
	s := fmt.Sprintf("%s: %s in %s — %d requests, %d discovered, %d new, %d changed, %d unchanged, %d not modified, %d failed",
		r.Source, r.Outcome, d, r.Requests, r.Discovered, r.New, r.Changed, r.Unchanged, r.NotModified, r.Failed)
	if r.Suspects > 0 {
		s += fmt.Sprintf(", %d held back as suspect", r.Suspects)
	}
	if r.Skipped > 0 {
		s += fmt.Sprintf(", %d left for the next run", r.Skipped)
	}
	if r.Error != "" {
		s += "\n  error: " + r.Error
	}
	for _, n := range strings.Split(r.Notes, "\n") {
		if n != "" {
			s += "\n  note: " + n
		}
	}
	return s
}

func newLogger(env *Env, quiet bool) *slog.Logger {
	level := slog.LevelInfo
	if quiet {
		level = slog.LevelWarn
	}
	return slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: level}))
}

// progress shows a one-line bar on a terminal, and a log line every 30 s
// otherwise (cron, a pipe).
type progress struct {
	w        io.Writer
	log      *slog.Logger
	terminal bool
	mu       sync.Mutex
	last     time.Time
	drawn    bool
}

func newProgress(w io.Writer, log *slog.Logger) *progress {
	p := &progress{w: w, log: log}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.terminal = true
		}
	}
	return p
}

func (p *progress) report(source string, pr crawler.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if p.terminal {
		if now.Sub(p.last) < 100*time.Millisecond && pr.Done != pr.Total {
			return
		}
		p.last = now
		fmt.Fprintf(p.w, "\r\033[K%s", bar(source, pr, 30))
		p.drawn = true
		return
	}
	if now.Sub(p.last) < 30*time.Second && pr.Done != pr.Total {
		return
	}
	p.last = now
	p.log.Info("harvest progress", "source", source, "phase", pr.Phase, "done", pr.Done, "total", pr.Total)
}

func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}

// bar renders "brussels fetch [=====>     ] 120/500".
func bar(source string, pr crawler.Progress, width int) string {
	filled := 0
	if pr.Total > 0 {
		filled = pr.Done * width / pr.Total
		if filled > width {
			filled = width
		}
	}
	b := strings.Repeat("=", filled) + strings.Repeat(" ", width-filled)
	if filled > 0 && filled < width {
		b = strings.Repeat("=", filled-1) + ">" + strings.Repeat(" ", width-filled)
	}
	return fmt.Sprintf("%s %-8s [%s] %d/%d", source, pr.Phase, b, pr.Done, pr.Total)
}
