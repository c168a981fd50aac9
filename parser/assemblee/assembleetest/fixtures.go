package assembleetest

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/parlq/parlq/crawler/crawlertest"
)

// The changes a question goes through between two harvests. Each returns
// the changed copy; Site.SetQuestion publishes it.

// Answer returns q answered on a day with an answer (HTML).
func Answer(q Question, on time.Time, html string) Question {
	q.Answered, q.Answer = day0(on), html
	if q.AnswerPage == 0 {
		q.AnswerPage = 1000 + q.Number%7000
	}
	q.Raw = nil
	return q
}

// Reassign returns q assigned to another ministry from a day on (a change
// of government when joType is "JO_LOI_DECRET").
func Reassign(q Question, to Organ, on time.Time, joType string) Question {
	q.Attributions = append(q.attributions(), Attribution{Ministry: to, On: day0(on), JOType: joType})
	q.Raw = nil
	return q
}

// Renew returns q renewed by its author on a day.
func Renew(q Question, on time.Time) Question {
	q.Renewals = append(append([]time.Time(nil), q.Renewals...), day0(on))
	q.Raw = nil
	return q
}

// Signal returns q signalled by its group's president on a day.
func Signal(q Question, on time.Time) Question {
	q.Signalled = day0(on)
	q.Raw = nil
	return q
}

// Close returns q closed without an answer on a day.
func Close(q Question, code, label string, on time.Time) Question {
	q.Closure = &Closure{Code: code, Label: label, On: day0(on)}
	q.Raw = nil
	return q
}

func day0(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// FixturesDir finds the real saved Assemblée files,
// ../shared/fixtures/fr-assemblee.
func FixturesDir() (string, error) { return crawlertest.FixturesDir("fr-assemblee") }

// FixtureQuestionFile is the saved written question of the 17th
// legislature, in the fixtures directory.
const FixtureQuestionFile = "an_question.QANR5L17QE5268.json"

// FixtureQuestion reads the saved written question in dir, served verbatim.
func FixtureQuestion(dir string) (Question, error) {
	b, err := os.ReadFile(filepath.Join(dir, FixtureQuestionFile))
	if err != nil {
		return Question{}, fmt.Errorf("fixtures: %w", err)
	}
	return Question{Legislature: 17, Number: 5268, Raw: b}, nil
}

// Snapshots of the reference data in the fixtures directory.
const (
	// Snapshot2025 is the sitting members' dump of 2025-07-02 (actors and
	// organs): every reference of the saved question resolves.
	Snapshot2025 = "amo10-2025-07-02"
	// Snapshot2026 holds the author alone, in 2026: the 2024 ministry and
	// the group are no longer there.
	Snapshot2026 = "amo10-2026-04-20"
	// Snapshot2020 is the 15th legislature's split layout (actors,
	// mandates and organs apart), names without accents.
	Snapshot2020 = "divided-2020-12-03"
)

// FixtureReferences reads a snapshot's files in dir (acteur/, organe/,
// mandat/) into the members of a reference dump, named as in the dump.
// Their bytes are read in place and never copied elsewhere.
func FixtureReferences(dir, snapshot string) ([]File, error) {
	root := filepath.Join(dir, snapshot)
	var files []File
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".json") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		files = append(files, File{Name: filepath.ToSlash(rel), Body: b})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("fixtures: %w", err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("fixtures: no reference files in %s", root)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	return files, nil
}
