package archive

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

const killChildEnv = "PARLQ_ARCHIVE_KILL_CHILD"

// TestKillChild is the writer process of TestKillWhileWriting: it writes
// exchanges, and after every other one a document taken from it
// (WriteResource), until killed, and prints "file offset" for each
// acknowledged record.
func TestKillChild(t *testing.T) {
	dir := os.Getenv(killChildEnv)
	if dir == "" {
		t.Skip("helper process of TestKillWhileWriting")
	}
	w := openTest(t, dir, 48<<10)
	for i := 0; ; i++ {
		rec := mustWrite(t, w, exchange(t, fmt.Sprintf("https://example.org/k/%d", i), 200, nil, randomBytes(int64(i), 2000+i%7*1500), time.Now()))
		fmt.Printf("%s %d\n", rec.File, rec.Offset)
		if i%2 == 1 {
			doc, err := w.WriteResource(context.Background(), Resource{TargetURI: fmt.Sprintf("https://example.org/k/%d.json", i),
				ContentType: "application/json", Body: randomBytes(int64(-i), 1500), Date: rec.Time, RefersTo: rec.RecordID})
			if err != nil {
				t.Fatal(err)
			}
			fmt.Printf("%s %d\n", doc.File, doc.Offset)
		}
	}
}

// TestKillWhileWriting SIGKILLs a writing process at random moments; after
// each kill a new Writer repairs the directory, every acknowledged record is
// readable and indexed, and every file passes both readers.
func TestKillWhileWriting(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(7, 8))
	acked := map[string]bool{}
	for round := range 6 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$")
		cmd.Env = append(os.Environ(), killChildEnv+"="+dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		deadline := time.After(time.Duration(100+r.IntN(400)) * time.Millisecond)
	read:
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					break read
				}
				if strings.HasPrefix(l, "parlq-") {
					acked[l] = true
				}
			case <-deadline:
				cmd.Process.Kill()
				deadline = nil
			}
		}
		cmd.Wait()

		w := openTest(t, dir, 0)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		checkDir(t, dir)
		indexed := map[string]bool{}
		for _, l := range indexLines(t, dir) {
			e, err := parseIndexLine([]byte(l))
			if err != nil {
				t.Fatalf("round %d: index line %q: %v", round, l, err)
			}
			if _, err := ReadResponse(dir, e.rec.File, e.rec.Offset); err != nil {
				t.Fatalf("round %d: indexed record: %v", round, err)
			}
			indexed[e.rec.File+" "+strconv.FormatInt(e.rec.Offset, 10)] = true
		}
		for a := range acked {
			if !indexed[a] {
				t.Errorf("round %d: acknowledged record %s lost from the index", round, a)
			}
		}
	}
	if len(acked) == 0 {
		t.Fatal("the child acknowledged no write")
	}
	t.Logf("%d acknowledged records survived %d kills in %d files", len(acked), 6, len(warcFiles(t, dir)))
}
