package server

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"
)

// StartHarvest starts one harvest in the background, tagged with trigger
// ("schedule", "api", "empty catalog") in the logs. Harvests never overlap:
// while one runs, StartHarvest returns ErrHarvestRunning and the request is
// skipped. It returns ErrHarvestDisabled when the server has no harvest
// function.
func (s *Server) StartHarvest(trigger string) error {
	if !s.store.CanHarvest() {
		return ErrHarvestDisabled
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosed
	}
	if !s.running.CompareAndSwap(false, true) {
		s.metrics.harvestSkipped.Add(1)
		s.log.Warn("harvest skipped: the previous one is still running", "trigger", trigger)
		return ErrHarvestRunning
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer s.running.Store(false)
		s.runHarvest(trigger)
	}()
	return nil
}

// runHarvest runs the harvest function once, logging and counting its end.
// A panic in the harvest is logged as a failure, not a crash of the server.
func (s *Server) runHarvest(trigger string) {
	start := time.Now()
	defer s.dataChanged() // the statistics read the new records
	s.metrics.harvestStarted.Add(1)
	s.log.Info("harvest started", "trigger", trigger)
	err := func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("harvest panicked: %v", p)
			}
		}()
		_, err = s.store.Harvest(s.ctx, nil)
		return err
	}()
	took := time.Since(start).Round(time.Millisecond)
	if err != nil {
		s.metrics.harvestFailures.Add(1)
		level := slog.LevelError
		if s.ctx.Err() != nil {
			level = slog.LevelWarn // cancelled by shutdown
		}
		s.log.Log(context.Background(), level, "harvest failed", "trigger", trigger, "took", took, "err", err)
		return
	}
	s.log.Info("harvest done", "trigger", trigger, "took", took)
}

// startSchedule starts the cron scheduler of cfg.Schedule, or returns nil
// when there is no schedule or no harvest function.
func (s *Server) startSchedule() (*cron.Cron, error) {
	if s.cfg.Schedule == "" || !s.store.CanHarvest() {
		return nil, nil
	}
	loc := s.cfg.Location
	if loc == nil {
		loc = time.Local
	}
	c := cron.New(cron.WithLocation(loc), cron.WithLogger(cronLogger{s.log}))
	if _, err := c.AddFunc(s.cfg.Schedule, func() { _ = s.StartHarvest("schedule") }); err != nil {
		return nil, fmt.Errorf("schedule %q: %w", s.cfg.Schedule, err)
	}
	c.Start()
	s.log.Info("harvest schedule", "spec", s.cfg.Schedule, "next", c.Entries()[0].Next)
	return c, nil
}

// StartFirstHarvestIfEmpty starts a harvest in the background when the
// catalog holds no record, and reports whether it did. The site keeps
// serving what there is meanwhile.
func (s *Server) StartFirstHarvestIfEmpty(ctx context.Context) (bool, error) {
	if !s.store.CanHarvest() {
		return false, nil
	}
	sources, err := s.cat.Sources(ctx)
	if err != nil {
		return false, fmt.Errorf("catalog sources: %w", err)
	}
	for _, src := range sources {
		st, err := s.cat.Stats(ctx, src)
		if err != nil {
			return false, fmt.Errorf("catalog stats: %w", err)
		}
		if st.Records > 0 {
			return false, nil
		}
	}
	if err := s.StartHarvest("empty catalog"); err != nil {
		return false, err
	}
	return true, nil
}

// cronLogger sends the scheduler's messages to slog.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
