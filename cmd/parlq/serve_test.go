package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/parlq/parlq/dataset"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parlq/parlq/parser/brussels/brusselstest"
)

// TestServeHarvestsOnScheduleAndServes starts `parlq serve` on an empty data
// directory against a replayed site: the first harvest fills it, a fast
// schedule picks up an answer published later, and the API serves both.
func TestServeHarvestsOnScheduleAndServes(t *testing.T) {
	qs := brusselstest.Generate(20, time.Now())
	site := brusselstest.New(brusselstest.Options{Questions: qs})
	defer site.Close()
	data := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stderr := &syncWriter{}
	env := &Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: stderr, Getenv: func(string) string { return "" }}
	serveLog = stderr
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, env, []string{"serve", "--quiet", "--addr", "127.0.0.1:0", "--data", data,
			"--schedule", "@every 2s", "--recheck", "pending", "--source", "brussels",
			"--base-url", "brussels=" + site.URL(), "--delay", "0"})
	}()

	var base string
	waitFor(t, done, "the server to listen", func() bool {
		if h := dataset.CurrentHolder(data); h != nil && h.Addr != "" {
			base = "http://" + h.Addr
			return true
		}
		return false
	})
	total := func(q string) int {
		resp, err := http.Get(base + "/api/search?q=" + url.QueryEscape(q))
		if err != nil {
			return -1
		}
		defer resp.Body.Close()
		var r struct {
			Total int `json:"total"`
		}
		if json.NewDecoder(resp.Body).Decode(&r) != nil {
			return -1
		}
		return r.Total
	}
	waitFor(t, done, "the first harvest to fill the index", func() bool { return total("question") == len(qs) })

	var pending brusselstest.Question
	for _, q := range qs {
		if q.State == brusselstest.Pending {
			pending = q
			break
		}
	}
	site.SetQuestion(brusselstest.Answer(pending, time.Now(), "Réponse publiée plus tard."))
	waitFor(t, done, "a scheduled harvest to index the new answer", func() bool { return total(`"publiée plus tard"`) == 1 })

	id := fmt.Sprintf("brussels/prb/%d", pending.Moncode)
	resp, err := http.Get(base + "/api/questions/" + id)
	if err != nil {
		t.Fatal(err)
	}
	var qr struct {
		Record struct {
			Status string `json:"status"`
		} `json:"record"`
		Versions []json.RawMessage `json:"versions"`
	}
	json.NewDecoder(resp.Body).Decode(&qr)
	resp.Body.Close()
	if qr.Record.Status != "answered" || len(qr.Versions) != 2 {
		t.Errorf("%s: status %q with %d versions; want answered with 2", id, qr.Record.Status, len(qr.Versions))
	}

	// While serve runs, a second writer is refused and the CLI search goes
	// through the server.
	if code, _, errOut := runCmd(t, nil, "harvest", "--data", data, "--source", "brussels"); code != 1 || !strings.Contains(errOut, "in use by pid") {
		t.Errorf("second writer: exit %d %q; want a lock error naming the holder", code, errOut)
	}
	if code, out, errOut := runCmd(t, nil, "search", "--data", data, "--json", `"publiée plus tard"`); code != 0 || !strings.Contains(out, id) {
		t.Errorf("search beside serve: exit %d %s %s", code, out, errOut)
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exit %d after cancel; stderr:\n%s", code, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop after cancel")
	}
}

var serveLog *syncWriter

func waitFor(t *testing.T, done chan int, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !ok() {
		select {
		case code := <-done:
			t.Fatalf("serve exited with %d while waiting for %s", code, what)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; log:\n%s", what, serveLog)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// syncWriter is a log buffer safe for the server's goroutines.
type syncWriter struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}
