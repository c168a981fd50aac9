package textdiff

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

func TestWords(t *testing.T) {
	for _, tc := range []struct {
		old, new string
		want     []Op
		text     string
	}{
		{"", "", nil, ""},
		{"same text", "same text", []Op{{Equal, "same text"}}, "same text"},
		{"", "an answer", []Op{{Insert, "an answer"}}, "{+an answer+}"},
		{"an answer", "", []Op{{Delete, "an answer"}}, "[-an answer-]"},
		{
			"Le taux est de 1% cette année.", "Le taux est de 1,4% cette année.",
			[]Op{{Equal, "Le taux est de "}, {Delete, "1%"}, {Insert, "1,4%"}, {Equal, " cette année."}},
			"Le taux est de [-1%-]{+1,4%+} cette année.",
		},
		{
			// White space between two changes joins them.
			"keep a b c keep", "keep x y z keep",
			[]Op{{Equal, "keep "}, {Delete, "a b c"}, {Insert, "x y z"}, {Equal, " keep"}},
			"keep [-a b c-]{+x y z+} keep",
		},
		{
			"one two three", "one three",
			[]Op{{Equal, "one "}, {Delete, "two "}, {Equal, "three"}},
			"one [-two -]three",
		},
		{
			"Paragraph one.\nParagraph two.", "Paragraph one.\nParagraph two, corrected.\nParagraph three.",
			[]Op{{Equal, "Paragraph one.\nParagraph "}, {Delete, "two."}, {Insert, "two, corrected.\nParagraph three."}},
			"Paragraph one.\nParagraph [-two.-]{+two, corrected.\nParagraph three.+}",
		},
		{"pending", "answered", []Op{{Delete, "pending"}, {Insert, "answered"}}, "[-pending-]{+answered+}"},
	} {
		got := Words(tc.old, tc.new)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Words(%q, %q) = %+v; want %+v", tc.old, tc.new, got, tc.want)
		}
		if s := Text(got); s != tc.text {
			t.Errorf("Text = %q; want %q", s, tc.text)
		}
		if Changed(got) != (tc.old != tc.new) {
			t.Errorf("Changed(%q→%q) = %v", tc.old, tc.new, Changed(got))
		}
		checkRoundTrip(t, tc.old, tc.new, got)
	}
}

func checkRoundTrip(t testing.TB, old, new string, ops []Op) {
	t.Helper()
	got, err := Apply(old, ops)
	if err != nil {
		t.Fatalf("Apply(%q): %v", old, err)
	}
	if got != new {
		t.Fatalf("Apply(%q, Words(…, %q)) = %q", old, new, got)
	}
	if Old(ops) != old || New(ops) != new {
		t.Fatalf("Old/New of the diff of %q → %q: %q → %q", old, new, Old(ops), New(ops))
	}
	for i := 1; i < len(ops); i++ {
		if ops[i].Kind == ops[i-1].Kind {
			t.Fatalf("ops %d and %d are both %s: %+v", i-1, i, ops[i].Kind, ops)
		}
		if ops[i].Kind == Delete && ops[i-1].Kind == Insert {
			t.Fatalf("a deletion follows an insertion: %+v", ops)
		}
	}
	for _, op := range ops {
		if op.Text == "" {
			t.Fatalf("empty op in %+v", ops)
		}
	}
}

func TestApplyRefusesForeignDiff(t *testing.T) {
	ops := Words("the old text", "the new text")
	if _, err := Apply("another text", ops); err == nil {
		t.Error("Apply accepted a diff of another text")
	}
	if _, err := Apply("the old text and more", ops); err == nil {
		t.Error("Apply accepted a diff that leaves text over")
	}
	if _, err := Apply("x", []Op{{Kind: "bogus", Text: "x"}}); err == nil {
		t.Error("Apply accepted an unknown op")
	}
}

// lcs is the length of the longest common subsequence of two token lists,
// by dynamic programming: the number of tokens a shortest diff keeps.
func lcs(a, b []string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			if a[i] == b[j] {
				cur[j+1] = prev[j] + 1
			} else {
				cur[j+1] = max(cur[j], prev[j+1])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// randomText draws words from a small vocabulary, so texts share words.
func randomText(r *rand.Rand, n int) string {
	words := []string{"the", "answer", "is", "1%", "1,4%", "minister", "a", "question", "\n", "  ", "café"}
	var sb strings.Builder
	for i := range n {
		if i > 0 {
			sb.WriteString(" ")
		}
		sb.WriteString(words[r.IntN(len(words))])
	}
	return sb.String()
}

// TestMinimal: on texts short enough for the direct comparison, the
// diff keeps as many tokens as the longest common subsequence.
func TestMinimal(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		old, new := randomText(r, r.IntN(40)), randomText(r, r.IntN(40))
		a, b := tokenize(old), tokenize(new)
		kept := 0
		diffTokens(a, b, func(k Kind, toks []string) {
			if k == Equal {
				kept += len(toks)
			}
		})
		if want := lcs(a, b); kept != want {
			t.Fatalf("%q → %q keeps %d tokens; the LCS has %d", old, new, kept, want)
		}
		checkRoundTrip(t, old, new, Words(old, new))
	}
}

// TestLongTexts: long texts (cut at anchors) and texts with nothing in
// common still round-trip, and a small edit in a long text stays small.
func TestLongTexts(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var parts []string
	for i := range 3000 {
		parts = append(parts, "word"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+itoa(i))
	}
	old := strings.Join(parts, " ")
	parts[1500] = "changed"
	parts = append(parts[:10], parts[12:]...)
	new := strings.Join(parts, " ") + " appended"
	ops := Words(old, new)
	checkRoundTrip(t, old, new, ops)
	changed := 0
	for _, op := range ops {
		if op.Kind != Equal {
			changed += len(op.Text)
		}
	}
	if changed > 200 {
		t.Errorf("a three-word edit of a long text changed %d bytes: %s", changed, Text(ops))
	}
	for range 20 {
		old, new := randomText(r, 2000), randomText(r, 1500)
		checkRoundTrip(t, old, new, Words(old, new))
	}
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

func FuzzWords(f *testing.F) {
	f.Add("Le taux est de 1% cette année.", "Le taux est de 1,4% cette année.")
	f.Add("The Department will answer shortly.", "The answer: 12 schools,\nand 3 more.")
	f.Add("a b c", "")
	f.Add("\xff\xfe broken", "broken \xff")
	f.Fuzz(func(t *testing.T, old, new string) {
		checkRoundTrip(t, old, new, Words(old, new))
	})
}

// BenchmarkWordsAnswer diffs a long answer (1,500 words from a vocabulary
// of 600, as prose repeats its words) against a corrected version: three
// words replaced, a sentence added.
func BenchmarkWordsAnswer(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	vocab := make([]string, 600)
	for i := range vocab {
		vocab[i] = "w" + itoa(r.IntN(100000))
	}
	words := make([]string, 1500)
	for i := range words {
		words[i] = vocab[r.IntN(len(vocab))]
	}
	old := strings.Join(words, " ")
	words[100], words[700], words[1400] = "corrected", "figure", "1,4%"
	new := strings.Join(words, " ") + " And one more sentence."
	b.ReportAllocs()
	for b.Loop() {
		Words(old, new)
	}
}
