package catalog

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parlq/parlq"
)

// crashQuestions is how many questions the kill test's harvest script handles.
const crashQuestions = 40

// harvestScript is a deterministic harvest: track an index, fetch every
// question, see a third of them answered, a fifth of them readdressed. Every
// step has a fixed fetch time, so running the script again from the start
// (what a harvest does after a crash) replays it. progress is called after
// each committed step with the step number, the question and the version Put
// returned.
func harvestScript(ctx context.Context, c *Catalog, progress func(step int, id string, version int)) error {
	base := time.Date(2025, 3, 1, 2, 0, 0, 0, time.UTC)
	step := 0
	next := func() time.Time { step++; return base.Add(time.Duration(step) * time.Second) }
	runID, err := c.StartRun(ctx, "brussels", base)
	if err != nil {
		return err
	}
	var refs []parlq.Ref
	for i := range crashQuestions {
		q := pending("brussels", i)
		refs = append(refs, parlq.Ref{ID: q.ID, URL: q.URL, Type: q.Type, Received: q.Received})
	}
	if _, err := c.Track(ctx, "brussels", refs); err != nil {
		return err
	}
	progress(step, "", 0)
	fetch := func(q *parlq.Question, round int) error {
		at := next()
		cp := capture(q, round)
		if _, err := c.AddCapture(ctx, Capture{Source: "brussels", URL: q.URL, QuestionID: q.ID, RecordID: cp.RecordID,
			Status: 200, FetchedAt: at, RunID: runID, NormDigest: fmt.Sprintf("sha1:%s-%d", q.Status, round)}); err != nil {
			return err
		}
		res, err := c.Put(ctx, q, cp, at)
		if err != nil {
			return err
		}
		progress(step, q.ID, res.Version)
		return nil
	}
	for round := range 3 {
		for i := range crashQuestions {
			q := pending("brussels", i)
			if round >= 1 && i%3 == 0 {
				q = answered(q)
			}
			if round >= 2 && i%5 == 0 {
				q.Addressee.Role = "Ministre chargé du Climat"
			}
			if round == 2 && i%2 == 1 {
				// A 304: only the tracking row moves.
				if err := c.MarkFetched(ctx, q.ID, next()); err != nil {
					return err
				}
				progress(step, "", 0)
				continue
			}
			if err := fetch(q, round); err != nil {
				return err
			}
		}
	}
	return c.FinishRun(ctx, Run{ID: runID, Finished: next(), Outcome: RunOK, Requests: step})
}

// TestCrashChild is the harvest process TestKill starts and kills.
func TestCrashChild(t *testing.T) {
	path := os.Getenv("PARLQ_CATALOG_CRASH_DB")
	if path == "" {
		t.Skip("helper process of TestKill")
	}
	ctx := context.Background()
	c, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	out := bufio.NewWriter(os.Stdout)
	err = harvestScript(ctx, c, func(step int, id string, version int) {
		fmt.Fprintf(out, "step %d %s %d\n", step, id, version)
		out.Flush()
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestKill kills a harvest with SIGKILL at random points, checks after each
// kill that every step it reported committed is there and the database is
// intact, then lets it finish and compares the catalog with an uninterrupted
// run: identical records, versions, events and tracking, no duplicates.
func TestKill(t *testing.T) {
	if testing.Short() {
		t.Skip("kills subprocesses; skipped with -short")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "killed", "catalog.db")
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 0))
	t.Logf("seed %d", seed)
	totalSteps := 1 + 3*crashQuestions
	const kills = 6
	for k := range kills {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "PARLQ_CATALOG_CRASH_DB="+path)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill after a random number of reported steps (the child keeps
		// going while we read, so the kill lands anywhere in a step).
		target := 1 + rng.IntN(totalSteps)
		committed := map[string]int{}
		sc := bufio.NewScanner(stdout)
		lines := 0
		for sc.Scan() {
			var step, version int
			var id string
			line := sc.Text()
			if !strings.HasPrefix(line, "step ") {
				continue
			}
			if n, _ := fmt.Sscanf(line, "step %d %s %d", &step, &id, &version); n == 3 {
				committed[id] = max(committed[id], version)
			}
			if lines++; lines >= target {
				break
			}
		}
		cmd.Process.Kill()
		go func() { // drain, so the child never blocks on a full pipe
			for sc.Scan() {
			}
		}()
		cmd.Wait()

		c, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("kill %d: reopen: %v", k, err)
		}
		var integrity string
		if err := c.w.QueryRow(`PRAGMA integrity_check`).Scan(&integrity); err != nil || integrity != "ok" {
			t.Errorf("kill %d: integrity_check = %q, %v", k, integrity, err)
		}
		for id, version := range committed {
			q, err := c.Get(ctx, id)
			if err != nil || q.Version < version {
				t.Errorf("kill %d after %d steps: %s = %v, %v; want version >= %d (reported committed)", k, lines, id, q, err, version)
			}
		}
		if r, err := c.LastRun(ctx, "brussels"); err != nil || (r.Outcome != RunInterrupted && r.Outcome != RunOK) {
			t.Errorf("kill %d: last run = %+v, %v; want interrupted (or ok if it finished first)", k, r, err)
		}
		c.Close()
	}

	// Finish the harvest in a last, unkilled process.
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "PARLQ_CATALOG_CRASH_DB="+path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("final run: %v\n%s", err, lastLines(string(out), 5))
	}

	// The same harvest, never interrupted.
	ref, _ := openTest(t)
	if err := harvestScript(ctx, ref, func(int, string, int) {}); err != nil {
		t.Fatalf("reference run: %v", err)
	}
	killed, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer killed.Close()
	for _, table := range []struct{ name, query string }{
		{"questions", `SELECT id, version, fetched_at, record FROM questions ORDER BY id`},
		{"versions", `SELECT question_id, version, changed, fetched_at, capture_record_id, record FROM versions ORDER BY question_id, version`},
		{"events", `SELECT question_id, version, kind, from_value, to_value, at FROM events ORDER BY question_id, version`},
		{"tracking", `SELECT * FROM tracking ORDER BY id`},
		{"captures", `SELECT record_id, url, question_id, fetched_at, norm_digest, question_version FROM captures ORDER BY record_id`},
	} {
		got, want := dump(t, killed, table.query), dump(t, ref, table.query)
		if got != want {
			t.Errorf("%s after kills differs from an uninterrupted run:\n got %s\nwant %s", table.name, lastLines(got, 3), lastLines(want, 3))
		}
	}
	runs, _ := killed.Runs(ctx, "brussels", 0)
	if len(runs) != kills+1 || runs[0].Outcome != RunOK {
		t.Errorf("runs = %d, newest %+v; want %d, the newest ok", len(runs), runs[0], kills+1)
	}
}

// dump renders a query's rows as text.
func dump(t *testing.T, c *Catalog, query string) string {
	t.Helper()
	rows, err := c.r.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%v\n", vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return fmt.Sprintf("(%d lines) … %s", len(lines), strings.Join(lines, "\n"))
}
