// Package server is parlq's HTTP face: a JSON API over the index and the
// catalog (search, one question with its versions, export, metrics), a
// server-rendered search page that works without JavaScript, and a cron
// scheduler that runs harvests inside the server.
//
// The server never fetches or parses pages itself: it is handed a Store (a
// dataset.Dataset: the data directory with its index, catalog, archive and
// harvest jobs) and asks it.
package server

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/archive"
	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/crawler"
	"github.com/parlq/parlq/dataset"
	"github.com/parlq/parlq/index"
	"github.com/parlq/parlq/internal/i18n"
)

// Store is the data directory a server serves: a *dataset.Dataset, or a
// stand-in in tests.
type Store interface {
	// Index is the search index; Catalog the records and their history.
	Index() *index.Index
	Catalog() *catalog.Catalog
	// ReadCapture returns the archived response a capture points at.
	ReadCapture(ctx context.Context, c parlq.Capture) (*archive.Response, error)
	// Status is the read-model of the directory (sources nil: every source).
	Status(ctx context.Context, sources []parlq.Source, now time.Time) (*dataset.Status, error)
	// CanHarvest says whether Harvest has sources to harvest.
	CanHarvest() bool
	// Harvest runs one harvest of every configured source and returns when
	// it is over. It must stop promptly when ctx is cancelled.
	Harvest(ctx context.Context, progress func(source string, p crawler.Progress)) ([]catalog.Run, error)
}

// Config says how the server listens and when it harvests. Start from
// DefaultConfig.
type Config struct {
	// Addr is the TCP address to listen on; loopback by default.
	Addr string
	// Schedule is a cron spec (5 fields, or a descriptor such as "@daily" or
	// "@every 6h") for scheduled harvests. Empty disables them.
	Schedule string
	// Location is the time zone the schedule is read in (nil: time.Local).
	Location *time.Location
	// AdminToken enables POST /api/harvest for callers that send it as
	// "Authorization: Bearer <token>". Empty disables the endpoint.
	AdminToken string
	// RequestTimeout bounds every request except exports.
	RequestTimeout time.Duration
	// ExportTimeout bounds one export, which streams every hit of a query.
	ExportTimeout time.Duration
	// ShutdownTimeout is how long Run waits for requests in flight to end.
	ShutdownTimeout time.Duration
	// MaxResultWindow bounds paging: page*size may not exceed it (deep
	// paging costs memory in the index; export streams everything instead).
	MaxResultWindow int
	// PageSize is the number of results per page on the HTML search page.
	PageSize int
	// HarvestIfEmpty makes Run start a first harvest in the background when
	// the catalog holds no record, while the site serves what there is.
	HarvestIfEmpty bool
	// StaleMargin is how long a scheduled harvest may take before the
	// sources it should have refreshed count as stale (see
	// dataset.Freshness); the run deadline, --max-duration.
	StaleMargin time.Duration
	// Now is the server's clock (nil: time.Now), for staleness and metrics.
	Now func() time.Time
	// Logger receives request failures and harvest outcomes; nil is silent.
	Logger *slog.Logger
}

// DefaultConfig returns the configuration of `parlq serve` without flags.
func DefaultConfig() Config {
	return Config{
		Addr:            "127.0.0.1:8080",
		Schedule:        "0 3 * * *",
		RequestTimeout:  30 * time.Second,
		ExportTimeout:   30 * time.Minute,
		ShutdownTimeout: 10 * time.Second,
		MaxResultWindow: index.MaxWindow,
		PageSize:        20,
		HarvestIfEmpty:  true,
		StaleMargin:     crawler.DefaultConfig().MaxDuration,
	}
}

// Validate reports configuration mistakes, such as a schedule that is not a
// cron spec, as one clear error.
func (c Config) Validate() error {
	var errs []error
	if c.Schedule != "" {
		if _, err := cron.ParseStandard(c.Schedule); err != nil {
			errs = append(errs, fmt.Errorf("schedule %q is not a cron spec (e.g. \"0 3 * * *\" or \"@every 6h\"): %w", c.Schedule, err))
		}
	}
	if c.Addr == "" {
		errs = append(errs, errors.New("addr is empty"))
	}
	if c.RequestTimeout <= 0 {
		errs = append(errs, fmt.Errorf("request timeout %v is not positive", c.RequestTimeout))
	}
	if c.ExportTimeout <= 0 {
		errs = append(errs, fmt.Errorf("export timeout %v is not positive", c.ExportTimeout))
	}
	if c.StaleMargin < 0 {
		errs = append(errs, fmt.Errorf("stale margin %v is negative", c.StaleMargin))
	}
	if c.MaxResultWindow < 1 {
		errs = append(errs, fmt.Errorf("max result window %d is below 1", c.MaxResultWindow))
	}
	if c.PageSize < 1 || c.PageSize > index.MaxSize {
		errs = append(errs, fmt.Errorf("page size %d is outside 1..%d", c.PageSize, index.MaxSize))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("server config: %w", err)
	}
	return nil
}

// Server holds the server's dependencies and state. Create it with New.
type Server struct {
	cfg     Config
	store   Store
	ix      *index.Index
	cat     *catalog.Catalog
	log     *slog.Logger
	tmpl    map[i18n.Lang]map[string]*template.Template
	static  fs.FS
	metrics *metrics
	// table is the catalog digested for the statistics (records.go).
	table recordTable

	// ctx is the parent of every harvest; Close cancels it.
	ctx    context.Context
	cancel context.CancelFunc

	mu      sync.Mutex // guards closed and wg.Add
	closed  bool
	wg      sync.WaitGroup
	running atomic.Bool
}

// New returns a server over an open data directory. Call Config.Validate,
// or let Run do it, to check the configuration.
func New(cfg Config, store Store) *Server {
	def := DefaultConfig()
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = def.RequestTimeout
	}
	if cfg.ExportTimeout == 0 {
		cfg.ExportTimeout = def.ExportTimeout
	}
	if cfg.ShutdownTimeout == 0 {
		cfg.ShutdownTimeout = def.ShutdownTimeout
	}
	if cfg.MaxResultWindow == 0 {
		cfg.MaxResultWindow = def.MaxResultWindow
	}
	if cfg.PageSize == 0 {
		cfg.PageSize = def.PageSize
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Server{
		cfg:     cfg,
		store:   store,
		ix:      store.Index(),
		cat:     store.Catalog(),
		log:     log,
		tmpl:    parseTemplates(),
		static:  staticFS(),
		metrics: newMetrics(),
		ctx:     ctx,
		cancel:  cancel,
	}
}

// Run validates the configuration, listens on cfg.Addr and serves until ctx
// is cancelled; see Serve.
func (s *Server) Run(ctx context.Context) error {
	if err := s.cfg.Validate(); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves HTTP on ln, runs the harvest schedule and, when the catalog
// is empty and cfg.HarvestIfEmpty is set, a first harvest. When ctx is
// cancelled it stops accepting requests, lets those in flight finish (up to
// cfg.ShutdownTimeout), cancels a running harvest and waits for it. It
// returns nil after a shutdown asked for by ctx.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	defer ln.Close()
	if err := s.cfg.Validate(); err != nil {
		return err
	}
	sched, err := s.startSchedule()
	if err != nil {
		return err
	}
	if sched != nil {
		defer func() { <-sched.Stop().Done() }()
	}
	defer s.Close()
	if s.cfg.HarvestIfEmpty {
		if _, err := s.StartFirstHarvestIfEmpty(ctx); err != nil {
			s.log.Error("first harvest", "err", err)
		}
	}

	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		// Exports extend their own write deadline (see handleExport).
		WriteTimeout: s.cfg.RequestTimeout + 5*time.Second,
		IdleTimeout:  2 * time.Minute,
		ErrorLog:     slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:  func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	s.log.Info("serving", "addr", ln.Addr().String())

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// Close cancels a running harvest and waits for it to end. Later harvest
// requests are refused. Serve calls it on shutdown.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
	return nil
}

// Handler returns the server's routes: the JSON API under /api/, the search
// page, question pages, archived copies, Atom feeds, the answer-time
// statistics and person pages, static files, /healthz and /metrics.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	short, long := s.cfg.RequestTimeout, s.cfg.ExportTimeout
	handle := func(pattern string, h http.HandlerFunc, timeout time.Duration) {
		mux.Handle(pattern, withTimeout(h, timeout))
	}
	handle("GET /api/search", s.handleSearch, short)
	handle("GET /api/questions/{id...}", s.handleQuestion, short)
	handle("GET /api/export", s.handleExport, long)
	handle("GET /api/stats", s.handleStatsAPI, short)
	handle("POST /api/harvest", s.handleHarvest, short)
	handle("/api/", s.handleAPINotFound, short)
	handle("GET /healthz", s.handleHealth, short)
	handle("GET /metrics", s.handleMetrics, short)
	handle("GET /sources", s.handleSources, short)
	handle("GET /{$}", s.handlePage, short)
	handle("GET /q/{id...}", s.handleQuestionPage, short)
	handle("GET /archive/{id...}", s.handleArchive, short)
	handle("GET /archive/raw/{id...}", s.handleArchiveRaw, short)
	handle("GET /archive/warc/{id...}", s.handleArchiveWARC, short)
	handle("GET /feeds/search", s.handleSearchFeed, short)
	handle("GET /feeds/q/{id...}", s.handleQuestionFeed, short)
	handle("GET /feeds/author/{name...}", s.handlePersonFeed("author"), short)
	handle("GET /feeds/minister/{name...}", s.handlePersonFeed("minister"), short)
	handle("GET /stats", s.handleStatsPage, short)
	handle("GET /stats/method", s.handleMethod, short)
	handle("GET /people/{source}/{name}", s.handlePerson, short)
	mux.Handle("GET /static/", http.StripPrefix("/static/", staticHandler(s.static)))
	handle("/", s.handlePageNotFound, short)
	return securityHeaders(withLanguage(mux))
}

// withTimeout gives every request a context deadline.
func withTimeout(h http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

// securityHeaders forbids framing, sniffing and every script but the
// site's own files on every response: the pages need no JavaScript (one
// static file only makes them quicker to use), so even text that escaped
// escaping could not run. Archived copies tighten this further with a
// sandbox.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("X-Frame-Options", "DENY")
		h.ServeHTTP(w, r)
	})
}
