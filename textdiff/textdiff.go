// Package textdiff compares two texts word by word: the diff of what changed
// between two versions of a question's answer, title or any other field,
// as a journalist reads it ("1 %" became "1,4 %").
//
// A text is cut into tokens: runs of white space and runs of anything else
// (a word with its punctuation). Words replace words whole, and white space
// is kept, so applying a diff to the old text gives the new one byte for
// byte (Apply). The diff is minimal (Myers' O(ND) algorithm) for texts of up
// to a few hundred words; longer texts are first cut at the words they share
// that occur once in each (patience anchors), which keeps the cost bounded
// on whole answers.
package textdiff

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind says what an Op does.
type Kind string

// Op kinds.
const (
	// Equal text is in both.
	Equal Kind = "equal"
	// Delete text is in the old text only.
	Delete Kind = "delete"
	// Insert text is in the new text only.
	Insert Kind = "insert"
)

// Op is one run of a diff. Within a change the deletion comes before the
// insertion.
type Op struct {
	Kind Kind   `json:"op"`
	Text string `json:"text"`
}

// Words returns the word diff from old to new: equal, deleted and inserted
// runs in order, adjacent runs of a kind merged. White space between two
// changes is folded into them ("[-a b-]{+x y+}", not "[-a-]{+x+} [-b-]{+y+}").
// Two equal texts give one Equal op (none when both are empty).
func Words(old, new string) []Op {
	a, b := tokenize(old), tokenize(new)
	var raw []Op
	diffTokens(a, b, func(k Kind, toks []string) {
		raw = append(raw, Op{Kind: k, Text: strings.Join(toks, "")})
	})
	return cleanup(raw)
}

// Changed reports whether ops hold any insertion or deletion.
func Changed(ops []Op) bool {
	for _, op := range ops {
		if op.Kind != Equal {
			return true
		}
	}
	return false
}

// Old returns the old text the ops were computed from.
func Old(ops []Op) string { return side(ops, Delete) }

// New returns the new text the ops were computed from.
func New(ops []Op) string { return side(ops, Insert) }

func side(ops []Op, k Kind) string {
	var sb strings.Builder
	for _, op := range ops {
		if op.Kind == Equal || op.Kind == k {
			sb.WriteString(op.Text)
		}
	}
	return sb.String()
}

// ErrMismatch is wrapped by Apply when the ops were not computed from the
// text they are applied to.
var ErrMismatch = errors.New("diff does not apply")

// Apply applies ops to old and returns the new text. Every equal and deleted
// run must be found in old where the ops say, and the ops must account for
// the whole of old.
func Apply(old string, ops []Op) (string, error) {
	var sb strings.Builder
	pos := 0
	for i, op := range ops {
		switch op.Kind {
		case Equal, Delete:
			if !strings.HasPrefix(old[pos:], op.Text) {
				return "", fmt.Errorf("%w: op %d (%s %q) at byte %d", ErrMismatch, i, op.Kind, op.Text, pos)
			}
			pos += len(op.Text)
			if op.Kind == Equal {
				sb.WriteString(op.Text)
			}
		case Insert:
			sb.WriteString(op.Text)
		default:
			return "", fmt.Errorf("%w: op %d has unknown kind %q", ErrMismatch, i, op.Kind)
		}
	}
	if pos != len(old) {
		return "", fmt.Errorf("%w: %d bytes of the old text left over", ErrMismatch, len(old)-pos)
	}
	return sb.String(), nil
}

// Text renders ops in the plain form of git's word diff, readable without
// colour or markup: deletions as [-old-], insertions as {+new+}.
func Text(ops []Op) string {
	var sb strings.Builder
	for _, op := range ops {
		switch op.Kind {
		case Equal:
			sb.WriteString(op.Text)
		case Delete:
			sb.WriteString("[-" + op.Text + "-]")
		case Insert:
			sb.WriteString("{+" + op.Text + "+}")
		}
	}
	return sb.String()
}

// tokenize cuts s into runs of white space and runs of other characters.
// Invalid UTF-8 bytes count as non-space characters, so the tokens always
// join back into s.
func tokenize(s string) []string {
	var toks []string
	start, space := 0, false
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		sp := unicode.IsSpace(r)
		if i > start && sp != space {
			toks = append(toks, s[start:i])
			start = i
		}
		space = sp
		i += n
	}
	if start < len(s) {
		toks = append(toks, s[start:])
	}
	return toks
}

// isSpace reports whether a token is white space.
func isSpace(tok string) bool {
	r, _ := utf8.DecodeRuneInString(tok)
	return tok != "" && unicode.IsSpace(r)
}

// cleanup merges adjacent runs of a kind, and folds white space that sits
// between two changes into them, deletions first.
func cleanup(raw []Op) []Op {
	var out []Op
	var del, ins strings.Builder
	inChange := false
	flush := func() {
		if del.Len() > 0 {
			out = append(out, Op{Kind: Delete, Text: del.String()})
		}
		if ins.Len() > 0 {
			out = append(out, Op{Kind: Insert, Text: ins.String()})
		}
		del.Reset()
		ins.Reset()
		inChange = false
	}
	for i := 0; i < len(raw); i++ {
		op := raw[i]
		switch op.Kind {
		case Delete:
			del.WriteString(op.Text)
			inChange = true
		case Insert:
			ins.WriteString(op.Text)
			inChange = true
		case Equal:
			if op.Text == "" {
				continue
			}
			// White space between two changes joins them.
			if inChange && i+1 < len(raw) && raw[i+1].Kind != Equal && isBlank(op.Text) {
				del.WriteString(op.Text)
				ins.WriteString(op.Text)
				continue
			}
			flush()
			if n := len(out); n > 0 && out[n-1].Kind == Equal {
				out[n-1].Text += op.Text
			} else {
				out = append(out, op)
			}
		}
	}
	flush()
	return out
}

// isBlank reports whether s is only white space.
func isBlank(s string) bool { return strings.TrimSpace(s) == "" }
