package server

import (
	"context"
	"errors"
	"github.com/parlq/parlq/dataset"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// blockingHarvest counts its calls and blocks each one until released (or
// cancelled).
type blockingHarvest struct {
	calls   atomic.Int32
	started chan struct{} // receives once per call
	release chan struct{} // closed to let calls end
	err     error
}

func newBlockingHarvest() *blockingHarvest {
	return &blockingHarvest{started: make(chan struct{}, 100), release: make(chan struct{})}
}

func (h *blockingHarvest) run(ctx context.Context) error {
	h.calls.Add(1)
	h.started <- struct{}{}
	select {
	case <-h.release:
		return h.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// waitFor waits for a call to start, failing the test after a generous
// bound (this is a liveness guard, not a timing assertion).
func (h *blockingHarvest) waitFor(t *testing.T, what string) {
	t.Helper()
	select {
	case <-h.started:
	case <-time.After(30 * time.Second):
		t.Fatalf("%s: no harvest started", what)
	}
}

// emptyDataset opens an empty data directory in a temporary directory.
func emptyDataset(t *testing.T) *dataset.Dataset {
	t.Helper()
	ds, err := dataset.Open(context.Background(), t.TempDir(), dataset.Options{Command: "test", Write: true, Index: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ds.Close() })
	return ds
}

func post(t *testing.T, url, token string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestAdminHarvest(t *testing.T) {
	h := newBlockingHarvest()

	// No token configured: the endpoint does not exist.
	_, ts := newTestServer(t, DefaultConfig(), h.run)
	if got := post(t, ts.URL+"/api/harvest", "anything"); got != http.StatusNotFound {
		t.Errorf("no admin token configured: status %d; want 404", got)
	}
	// A token but no harvest function: not found either.
	cfg := DefaultConfig()
	cfg.AdminToken = "s3cret"
	_, ts = newTestServer(t, cfg, nil)
	if got := post(t, ts.URL+"/api/harvest", "s3cret"); got != http.StatusNotFound {
		t.Errorf("no harvest function: status %d; want 404", got)
	}

	s, ts := newTestServer(t, cfg, h.run)
	for _, tok := range []string{"", "wrong", "s3cre", "S3CRET"} {
		if got := post(t, ts.URL+"/api/harvest", tok); got != http.StatusForbidden {
			t.Errorf("token %q: status %d; want 403", tok, got)
		}
	}
	if got := post(t, ts.URL+"/api/harvest", "s3cret"); got != http.StatusAccepted {
		t.Fatalf("right token: status %d; want 202", got)
	}
	h.waitFor(t, "after 202")
	if got := post(t, ts.URL+"/api/harvest", "s3cret"); got != http.StatusConflict {
		t.Errorf("while running: status %d; want 409", got)
	}
	if err := s.StartHarvest("test"); !errors.Is(err, ErrHarvestRunning) {
		t.Errorf("StartHarvest while running = %v; want ErrHarvestRunning", err)
	}
	close(h.release)
	// Once the run has ended, a new one may start.
	for s.running.Load() {
		time.Sleep(5 * time.Millisecond)
	}
	if got := post(t, ts.URL+"/api/harvest", "s3cret"); got != http.StatusAccepted {
		t.Errorf("after the run ended: status %d; want 202", got)
	}
	h.waitFor(t, "second run")
	s.Close()
	if n := h.calls.Load(); n != 2 {
		t.Errorf("%d harvest calls; want 2", n)
	}
	if got := s.metrics.harvestSkipped.Load(); got != 2 {
		t.Errorf("skipped %d; want 2", got)
	}
}

func TestHarvestFailureIsCounted(t *testing.T) {
	ds := emptyDataset(t)
	ix, cat := ds.Index(), ds.Catalog()
	h := newBlockingHarvest()
	h.err = errors.New("source down")
	close(h.release)
	s := New(DefaultConfig(), &testStore{ds: ds, ix: ix, cat: cat, harvest: h.run})
	if err := s.StartHarvest("test"); err != nil {
		t.Fatal(err)
	}
	s.Close() // waits for the run
	if got := s.metrics.harvestFailures.Load(); got != 1 {
		t.Errorf("failures %d; want 1", got)
	}
	if err := s.StartHarvest("late"); err == nil {
		t.Errorf("StartHarvest after Close succeeded; want an error")
	}
}

func TestHarvestPanicIsContained(t *testing.T) {
	ds := emptyDataset(t)
	ix, cat := ds.Index(), ds.Catalog()
	s := New(DefaultConfig(), &testStore{ds: ds, ix: ix, cat: cat, harvest: func(context.Context) error { panic("boom") }})
	if err := s.StartHarvest("test"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if got := s.metrics.harvestFailures.Load(); got != 1 {
		t.Errorf("failures %d; want 1", got)
	}
}

// lockedBuffer is a log sink safe for concurrent writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestSchedule runs the scheduler with a one-second spec against a harvest
// that blocks: the ticks that come while it runs are skipped and logged,
// and the next tick after it ends starts a new run.
func TestSchedule(t *testing.T) {
	ds := emptyDataset(t)
	ix, cat := ds.Index(), ds.Catalog()
	h := newBlockingHarvest()
	var logs lockedBuffer
	cfg := DefaultConfig()
	cfg.Schedule = "@every 1s"
	cfg.HarvestIfEmpty = false
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s := New(cfg, &testStore{ds: ds, ix: ix, cat: cat, harvest: h.run})

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()

	h.waitFor(t, "first tick")
	// Wait for a tick to be skipped while the first run blocks.
	deadline := time.Now().Add(30 * time.Second)
	for s.metrics.harvestSkipped.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no tick was skipped while a harvest ran")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if n := h.calls.Load(); n != 1 {
		t.Errorf("%d calls while the first run blocks; want 1 (overlap skipped)", n)
	}
	close(h.release)
	h.waitFor(t, "tick after the first run ended")

	// The server answers meanwhile.
	resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("healthz %d", resp.StatusCode)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve = %v; want nil after cancel", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
	if !strings.Contains(logs.String(), "harvest skipped") {
		t.Errorf("the skipped tick was not logged:\n%s", logs.String())
	}
	if s.running.Load() {
		t.Errorf("a harvest still runs after Serve returned")
	}
}

func TestBadSchedule(t *testing.T) {
	ds := emptyDataset(t)
	ix, cat := ds.Index(), ds.Catalog()
	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.Schedule = "every night at three"
	s := New(cfg, &testStore{ds: ds, ix: ix, cat: cat, harvest: newBlockingHarvest().run})
	err := s.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "schedule") || !strings.Contains(err.Error(), cfg.Schedule) {
		t.Errorf("Run with a bad schedule = %v; want an error naming the schedule", err)
	}
	if err := cfg.Validate(); err == nil {
		t.Errorf("Validate accepted %q", cfg.Schedule)
	}
	if err := DefaultConfig().Validate(); err != nil {
		t.Errorf("default config: %v", err)
	}
}

func TestFirstHarvestIfEmpty(t *testing.T) {
	ds := emptyDataset(t)
	ix, cat := ds.Index(), ds.Catalog()
	h := newBlockingHarvest()
	close(h.release)
	s := New(DefaultConfig(), &testStore{ds: ds, ix: ix, cat: cat, harvest: h.run})
	started, err := s.StartFirstHarvestIfEmpty(context.Background())
	if err != nil || !started {
		t.Fatalf("empty catalog: started %v, %v; want a harvest", started, err)
	}
	s.Close()

	f := testFixture(t)
	s = New(DefaultConfig(), &testStore{ds: f.ds, ix: f.ix, cat: f.cat, harvest: h.run})
	defer s.Close()
	started, err = s.StartFirstHarvestIfEmpty(context.Background())
	if err != nil || started {
		t.Errorf("full catalog: started %v, %v; want none", started, err)
	}
	if n := h.calls.Load(); n != 1 {
		t.Errorf("%d calls; want 1", n)
	}
}

func TestHarvestNoticeOnPage(t *testing.T) {
	h := newBlockingHarvest()
	s, ts := newTestServer(t, DefaultConfig(), h.run)
	if _, _, body := get(t, ts, "/"); strings.Contains(body, `class="notice"`) {
		t.Errorf("harvest notice without a harvest")
	}
	if err := s.StartHarvest("test"); err != nil {
		t.Fatal(err)
	}
	h.waitFor(t, "start")
	if _, _, body := get(t, ts, "/"); !strings.Contains(body, `class="notice"`) {
		t.Errorf("no harvest notice while a harvest runs")
	}
	close(h.release)
}
