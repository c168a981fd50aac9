// Command searchbench measures parlq's search side by side with SQLite FTS5
// and PostgreSQL full-text search, in one run, on one generated corpus
// (index/indextest, deterministic for a seed): ten query classes, 55
// queries with the same semantics in every engine, interleaved query by
// query across the engines so that machine noise hits all alike, after a
// warm-up pass. It prints, as Markdown: each engine's build time and size
// on disk, p50 and p99 per class and overall with the ratios to parlq, and
// the hit counts of every query in every engine. With -serve it also writes
// a parlq data directory (catalog + index) holding the corpus, starts
// `parlq serve` on it, and reports its RSS after a warm-up and the HTTP
// API's throughput with concurrent clients.
//
//	bash bench/searchbench/postgres.sh start     # PostgreSQL on a private socket
//	go run ./bench/searchbench -docs 100000 -engines parlq,sqlite,postgres -serve
//
// An engine that is not available (no PostgreSQL server) is skipped with a
// message. The program is not part of `go test ./...`; see BENCHMARKS.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/index"
)

// config is the benchmark's configuration, read from flags.
type config struct {
	docs      int
	seed      uint64
	engines   []string
	rounds    int
	dir       string
	keep      bool
	pgDSN     string
	serve     bool
	onlyServe bool
	parlqBin  string
	clients   int
	httpReqs  int
	httpTime  time.Duration
	out       string
}

// defaultPG is where postgres.sh starts its server.
const defaultPG = "host=/tmp/parlq-searchbench-pg port=54329 user=postgres dbname=searchbench sslmode=disable"

func main() {
	log.SetFlags(0)
	log.SetPrefix("searchbench: ")
	var c config
	var engines string
	flag.IntVar(&c.docs, "docs", 20000, "documents in the generated corpus")
	flag.Uint64Var(&c.seed, "seed", 1, "corpus generator seed")
	flag.StringVar(&engines, "engines", "parlq,sqlite,postgres", "engines to compare, parlq first (the reference of the ratios)")
	flag.IntVar(&c.rounds, "rounds", 10, "timed runs of every query per engine, after one warm-up run")
	flag.StringVar(&c.dir, "dir", "", "work directory for the engines' data (default: a new temporary directory)")
	flag.BoolVar(&c.keep, "keep", false, "keep the work directory")
	flag.StringVar(&c.pgDSN, "pg", envOr("SEARCHBENCH_PG", defaultPG), "PostgreSQL connection string (lib/pq); $SEARCHBENCH_PG")
	flag.BoolVar(&c.serve, "serve", false, "also measure `parlq serve`: RSS after a warm-up and HTTP API throughput")
	flag.BoolVar(&c.onlyServe, "serve-only", false, "measure `parlq serve` alone (no engine comparison; totals over HTTP not checked against the index)")
	flag.StringVar(&c.parlqBin, "parlq", "", "parlq binary for -serve (default: built from ./cmd/parlq)")
	flag.IntVar(&c.clients, "clients", 8, "concurrent HTTP clients for -serve")
	flag.IntVar(&c.httpReqs, "requests", 2000, "HTTP requests of the throughput run for -serve")
	flag.DurationVar(&c.httpTime, "http-time", 2*time.Minute, "longest throughput run for -serve")
	flag.StringVar(&c.out, "out", "", "also write the report to this file")
	flag.Parse()
	c.engines = strings.Split(engines, ",")
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, c, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func run(ctx context.Context, c config, stdout io.Writer) (err error) {
	if c.docs < 1 || c.rounds < 1 {
		return errors.New("-docs and -rounds must be 1 or more")
	}
	if c.dir == "" {
		if c.dir, err = os.MkdirTemp("", "searchbench-"); err != nil {
			return err
		}
	}
	if !c.keep {
		defer os.RemoveAll(c.dir)
	}
	w := stdout
	if c.out != "" {
		f, err := os.Create(c.out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = io.MultiWriter(stdout, f)
	}
	queries, err := prepareQueries(c.seed)
	if err != nil {
		return err
	}
	an, err := newAnalyzers()
	if err != nil {
		return err
	}
	s := &runStats{started: time.Now(), docs: c.docs, seed: c.seed, rounds: c.rounds, queries: queries,
		lat: map[string][][]time.Duration{}, res: map[string][]result{}}
	var engs []engine
	defer func() {
		for _, e := range engs {
			if cerr := e.close(); err == nil {
				err = cerr
			}
		}
	}()
	if c.onlyServe {
		return serveBench(ctx, c, queries, nil, w)
	}
	cor := corpus{seed: c.seed, docs: c.docs}
	start := time.Now()
	if err := cor.each(func(int, *parlq.Question) error { return nil }); err != nil {
		return err
	}
	s.notes = append(s.notes, fmt.Sprintf("Generating the corpus alone takes %s per pass (included in every build; parlq's reads it once per source).", time.Since(start).Round(time.Millisecond)))
	for _, name := range c.engines {
		e, err := openEngine(ctx, name, c, an)
		if errors.Is(err, errUnavailable) {
			log.Printf("skipping %s: %v", name, err)
			s.notes = append(s.notes, fmt.Sprintf("%s skipped: %v", name, err))
			continue
		}
		if err != nil {
			return err
		}
		engs = append(engs, e)
		log.Printf("%s: building %d documents", name, c.docs)
		start := time.Now()
		if err := e.build(ctx, cor); err != nil {
			return err
		}
		took := time.Since(start)
		size, err := e.size(ctx)
		if err != nil {
			return fmt.Errorf("%s: size: %w", name, err)
		}
		log.Printf("%s: built in %s, %s", name, took.Round(time.Millisecond), mib(size))
		s.builds = append(s.builds, buildStat{name, took, size})
		s.engines = append(s.engines, name)
		if pg, ok := e.(*postgresEngine); ok {
			if set, err := pg.settings(ctx); err == nil {
				s.notes = append(s.notes, set)
			}
		}
	}
	if len(engs) == 0 {
		return errors.New("no engine to measure")
	}
	loadBefore := loadAvg()
	if err := measure(ctx, s, engs); err != nil {
		return err
	}
	s.notes = append(s.notes, fmt.Sprintf("Load average (1, 5, 15 min) when the timed rounds began: %s; when they ended: %s.", loadBefore, loadAvg()))
	s.write(w)
	if c.serve {
		var totals []int
		for _, r := range s.res["parlq"] {
			totals = append(totals, r.total)
		}
		if err := serveBench(ctx, c, queries, totals, w); err != nil {
			return fmt.Errorf("serve: %w", err)
		}
	}
	return nil
}

func openEngine(ctx context.Context, name string, c config, an *analyzers) (engine, error) {
	switch name {
	case "parlq":
		return newParlq(c.dir)
	case "sqlite":
		return newSQLite(c.dir, an)
	case "postgres":
		return newPostgres(ctx, c.pgDSN, an)
	}
	return nil, fmt.Errorf("unknown engine %q (known: parlq, sqlite, postgres)", name)
}

// prepareQueries builds the queries of the seed and their interpretation.
func prepareQueries(seed uint64) ([]*prepared, error) {
	syn, err := index.LoadSynonyms("")
	if err != nil {
		return nil, err
	}
	ss := newSynonyms(syn)
	var out []*prepared
	for _, q := range Queries(seed) {
		in, err := interpret(q.Text, ss)
		if err != nil {
			return nil, err
		}
		out = append(out, &prepared{Query: q, in: in})
	}
	return out, nil
}

// measure runs a warm-up pass (whose results are the hit counts compared),
// then the timed rounds: query by query, every engine in turn, the order of
// the engines rotated from one query to the next and the order of the
// queries shuffled each round.
func measure(ctx context.Context, s *runStats, engs []engine) error {
	for _, e := range engs {
		s.lat[e.name()] = make([][]time.Duration, len(s.queries))
		s.res[e.name()] = make([]result, len(s.queries))
	}
	log.Printf("warm-up: %d queries", len(s.queries))
	for qi, q := range s.queries {
		for _, e := range engs {
			r, err := e.search(ctx, q)
			if err != nil {
				return err
			}
			s.res[e.name()][qi] = r
		}
	}
	rng := rand.New(rand.NewPCG(s.seed, 7))
	order := make([]int, len(s.queries))
	for i := range order {
		order[i] = i
	}
	turn := 0
	for round := 1; round <= s.rounds; round++ {
		log.Printf("round %d of %d", round, s.rounds)
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, qi := range order {
			turn++
			for k := range engs {
				e := engs[(k+turn)%len(engs)]
				start := time.Now()
				if _, err := e.search(ctx, s.queries[qi]); err != nil {
					return err
				}
				s.lat[e.name()][qi] = append(s.lat[e.name()][qi], time.Since(start))
			}
		}
	}
	return nil
}
