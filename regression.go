package parlq

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// A Loss is information a new reading of a question would take away from
// the stored record: a text gone blank or cut to a fraction, an answer that
// disappeared, a status that went backwards, an author or addressee that
// vanished. A capture whose record has losses is not stored as the current
// version until an operator accepts it (see Worse).
type Loss struct {
	// Field is the record field concerned (its JSON name).
	Field string `json:"field"`
	// Was and Now say in a few words what the stored record has and what
	// the new reading has ("answered", "pending"; "1204 characters",
	// "blank").
	Was string `json:"was"`
	Now string `json:"now"`
}

func (l Loss) String() string { return fmt.Sprintf("%s: %s → %s", l.Field, l.Was, l.Now) }

// Shrink bounds: a text shrinks drastically when the new one has less than
// half the characters of the stored one and at least shrinkMinChars fewer
// (a correction may shorten a text; a short text may lose a few words).
const shrinkMinChars = 40

// Worse returns what next, a new reading of the question prev holds, would
// lose, in record field order; nil when next may replace prev. The rule:
//
//   - status: a settled question (answered, lapsed, withdrawn) may only
//     become answered (a late answer, an answer that wins over a withdrawal);
//     answered → pending, lapsed → pending, answered → withdrawn … are
//     losses. Pending may become anything.
//   - question: blank, or shrunk drastically (under half, by 40 characters
//     or more).
//   - answer: gone, unless a holding answer went with a withdrawal or a
//     lapse (prev pending with a holding text, next withdrawn or lapsed);
//     shrunk drastically between two answers of the same kind (final and
//     final, holding and holding), unless the source dates a new
//     correction: a final answer replacing a holding one, or a correction,
//     may be short.
//   - answered, holding_answered: a date that vanished.
//   - author, addressee: a name that vanished; addressees: fewer, with a
//     name that is not among the new ones.
//   - acts: fewer procedure rows (a procedure only grows).
//
// Everything else (a corrected text, a new answer, a withdrawal, a
// reassignment to another minister, new acts) is a real change.
func Worse(prev, next *Question) []Loss {
	if prev == nil || next == nil {
		return nil
	}
	var out []Loss
	lose := func(field, was, now string) { out = append(out, Loss{Field: field, Was: was, Now: now}) }
	text := func(field, a, b string) {
		switch {
		case a == "":
		case strings.TrimSpace(b) == "":
			lose(field, chars(a), "blank")
		case shrank(a, b):
			lose(field, chars(a), chars(b))
		}
	}
	vanished := func(field, a, b string) {
		if a != "" && b == "" {
			lose(field, a, "none")
		}
	}

	if settled(prev.Status) && next.Status != prev.Status && next.Status != Answered {
		lose("status", string(prev.Status), string(next.Status))
	}
	text("question", prev.Question, next.Question)
	switch {
	case prev.Answer == "":
	case next.Answer == "":
		if !(prev.Status == Pending && (next.Status == Withdrawn || next.Status == Lapsed)) {
			lose("answer", chars(prev.Answer), "blank")
		}
	case prev.Status == next.Status && next.Corrected <= prev.Corrected:
		// A correction the source dates may shorten an answer as it likes.
		text("answer", prev.Answer, next.Answer)
	}
	vanished("answered", prev.Answered, next.Answered)
	vanished("holding_answered", prev.HoldingAnswered, next.HoldingAnswered)
	vanished("author", prev.Author.Name, next.Author.Name)
	vanished("addressee", prev.Addressee.Name, next.Addressee.Name)
	if len(next.Addressees) < len(prev.Addressees) {
		for _, p := range prev.Addressees {
			if !hasPerson(next.Addressees, p.Name) && !strings.EqualFold(p.Name, next.Addressee.Name) {
				now := names(next.Addressees)
				if now == "" {
					now = next.Addressee.Name
				}
				lose("addressees", names(prev.Addressees), cmp.Or(now, "none"))
				break
			}
		}
	}
	if len(next.Acts) < len(prev.Acts) {
		lose("acts", fmt.Sprintf("%d rows", len(prev.Acts)), fmt.Sprintf("%d rows", len(next.Acts)))
	}
	slices.SortStableFunc(out, func(a, b Loss) int { return fieldRank(a.Field) - fieldRank(b.Field) })
	return out
}

// settled says whether a status ends the procedure.
func settled(s Status) bool { return s == Answered || s == Lapsed || s == Withdrawn }

// shrank says whether b is a drastically shorter text than a.
func shrank(a, b string) bool {
	na, nb := utf8.RuneCountInString(a), utf8.RuneCountInString(b)
	return nb*2 < na && na-nb >= shrinkMinChars
}

func chars(s string) string { return fmt.Sprintf("%d characters", utf8.RuneCountInString(s)) }

// fieldRank orders losses as the record's fields are ordered.
func fieldRank(field string) int {
	order := []string{"author", "addressee", "addressees", "answered", "status", "question", "answer", "acts", "holding_answered"}
	if i := slices.Index(order, field); i >= 0 {
		return i
	}
	return len(order)
}

// LossFields returns the fields of losses, in order, each once.
func LossFields(losses []Loss) []string {
	var out []string
	for _, l := range losses {
		if !slices.Contains(out, l.Field) {
			out = append(out, l.Field)
		}
	}
	return out
}

func names(ps []Person) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return strings.Join(out, ", ")
}
