package crawler

import (
	"log/slog"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/catalog"
)

// DefaultUserAgent names parlq and where to reach its maintainers.
const DefaultUserAgent = "parlq/0.1 (+https://github.com/parlq/parlq)"

// Re-check overrides for one run (Config.Recheck).
const (
	// RecheckDue follows the source's schedule (the default).
	RecheckDue = ""
	// RecheckPending re-fetches every pending question.
	RecheckPending = "pending"
	// RecheckAll re-fetches every tracked question.
	RecheckAll = "all"
)

// Config says how a Crawler fetches. Start from DefaultConfig; the zero value
// of a field is not a sensible default.
type Config struct {
	// UserAgent identifies parlq to the site (and to its robots.txt).
	UserAgent string
	// Delay is the pause between two requests to the same host; Jitter adds
	// a random part in [0, Jitter). Requests to a host never overlap.
	Delay, Jitter time.Duration
	// Timeout bounds one attempt: connecting, headers and the whole body.
	Timeout time.Duration
	// MaxRetries is how many times a failed attempt (network error, timeout,
	// 5xx, 429) is retried before the URL is recorded as failed.
	MaxRetries int
	// Backoff is the first wait before a retry; it doubles with every
	// attempt up to MaxBackoff, plus up to 50% jitter.
	Backoff, MaxBackoff time.Duration
	// MaxRetryAfter caps how long a Retry-After header makes us wait. A
	// Retry-After longer than what is left of MaxDuration ends the host's
	// part of the run at once (ErrHostWait).
	MaxRetryAfter time.Duration
	// MaxDuration bounds one run (0: no bound): past it the run stops
	// cleanly, keeps what it stored and ends "failed" (ErrDeadline); the
	// questions it did not reach wait for the next run.
	MaxDuration time.Duration
	// MaxRedirects bounds a redirect chain (a loop is an error, not a hang).
	MaxRedirects int
	// MaxBodySize is the largest response body accepted; a larger one is an
	// error, never silently truncated.
	MaxBodySize int64
	// MaxRequests bounds the detail-page requests of one run (0: no bound);
	// the rest wait for the next run. Index pages are always fetched.
	MaxRequests int
	// GiveUpAfter stops fetching a question whose fetch failed in that many
	// runs in a row (a page removed from the site, one the parser cannot
	// read): scheduled runs leave it alone, so one dead page does not fail
	// every night, and RecheckAll tries it again. `parlq status` lists it.
	// 0 never gives up.
	GiveUpAfter int
	// MaxConsecutiveFailures stops a run early when that many detail pages
	// in a row fail (0: never): a changed layout should not make parlq fetch
	// the whole site for nothing.
	MaxConsecutiveFailures int
	// AcceptLists takes the lists as they come for one run: a list that
	// delivers markedly fewer items than it announces, or than it delivered
	// the last time (ErrImplausibleList), is read anyway, and what it
	// delivers becomes its size. For an operator who checked that the
	// source really shrank.
	AcceptLists bool

	// BaseURL, when set, is fetched instead of the source's canonical base
	// URL (a mirror, a test server). The catalog keeps canonical URLs.
	BaseURL string
	// Legislature selects a term ("24/29"), "all", or "" for the current one.
	Legislature string
	// Since and Until bound date-windowed sources (the UK API). A zero
	// Since means the last good run's start minus Overlap or, on a first
	// run, FirstWindow before Until; a zero Until means the day of Now.
	// Sources without date windows (Brussels) ignore all four.
	Since, Until time.Time
	// Overlap reaches back before the last good run: a change can reach a
	// source's lists days after the date it carries (an answer dated
	// Monday published on Wednesday).
	Overlap time.Duration
	// FirstWindow is the span a first run covers when Since is not given.
	FirstWindow time.Duration
	// IncludeTypes adds question types to harvest besides written questions.
	IncludeTypes []parlq.Type
	// Recheck overrides the re-check schedule for one run: RecheckDue,
	// RecheckPending or RecheckAll.
	Recheck string

	// Now is the clock used for planning and for the run's times.
	Now func() time.Time
	// Logger receives one line per failure and a few per run; nil is silent.
	Logger *slog.Logger
	// Progress, when set, is called as the run advances.
	Progress func(Progress)
	// OnChange, when set, is called after a question was stored as new or
	// changed (the index is updated from here).
	OnChange func(*parlq.Question, catalog.PutResult)
}

// DefaultConfig returns the polite defaults: one request per host at a time,
// 1 s apart plus up to 500 ms of jitter, 4 retries, runs of at most 6 hours.
func DefaultConfig() Config {
	return Config{
		UserAgent:              DefaultUserAgent,
		Delay:                  time.Second,
		Jitter:                 500 * time.Millisecond,
		Timeout:                60 * time.Second,
		MaxRetries:             4,
		Backoff:                2 * time.Second,
		MaxBackoff:             2 * time.Minute,
		MaxRetryAfter:          10 * time.Minute,
		MaxDuration:            6 * time.Hour,
		MaxRedirects:           10,
		MaxBodySize:            32 << 20,
		MaxConsecutiveFailures: 25,
		GiveUpAfter:            5,
		Overlap:                3 * 24 * time.Hour,
		FirstWindow:            30 * 24 * time.Hour,
		Now:                    time.Now,
	}
}

// Progress reports how a run advances.
type Progress struct {
	// Phase is "discover" (index pages) or "fetch" (detail pages).
	Phase       string
	Done, Total int
	URL         string
}
