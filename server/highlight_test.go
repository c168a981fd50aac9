package server

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/parlq/parlq/index"
)

func TestSanitizeHighlight(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"a <mark>smart</mark> city", "a <mark>smart</mark> city"},
		{"&lt;script&gt;x <mark>ville</mark>", "&lt;script&gt;x <mark>ville</mark>"},
		{"<script>alert(1)</script> <mark>x</mark>", "&lt;script&gt;alert(1)&lt;/script&gt; <mark>x</mark>"},
		{"<mark>open", "<mark>open</mark>"},
		{"close</mark> x", "close x"},
		{"<mark><mark>x</mark></mark>", "<mark>x</mark>"},
		{`<mark onclick="x">y</mark>`, `&lt;mark onclick=&#34;x&#34;&gt;y`},
		{"<MARK>x</MARK>", "&lt;MARK&gt;x&lt;/MARK&gt;"},
		{"l&apos;État &amp; co", "l&#39;État &amp; co"},
		{"&amp;lt;b&amp;gt;", "&amp;lt;b&amp;gt;"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := string(SanitizeHighlight(tt.in)); got != tt.want {
			t.Errorf("SanitizeHighlight(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzSanitizeHighlight checks that the output never holds markup other than
// balanced <mark> pairs, and that sanitising is idempotent.
func FuzzSanitizeHighlight(f *testing.F) {
	for _, s := range []string{"a <mark>b</mark> c", "<script>x</script>", "<mark>", "</mark><mark>", "&lt;&amp;", probe} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := string(SanitizeHighlight(in))
		rest := strings.ReplaceAll(strings.ReplaceAll(out, "<mark>", ""), "</mark>", "")
		if strings.ContainsAny(rest, "<>\"'") {
			t.Fatalf("SanitizeHighlight(%q) = %q: markup left", in, out)
		}
		depth := 0
		for s := out; s != ""; {
			i, j := strings.Index(s, "<mark>"), strings.Index(s, "</mark>")
			switch {
			case i >= 0 && (j < 0 || i < j):
				depth++
				s = s[i+6:]
			case j >= 0:
				depth--
				s = s[j+7:]
			default:
				s = ""
			}
			if depth < 0 || depth > 1 {
				t.Fatalf("SanitizeHighlight(%q) = %q: unbalanced marks", in, out)
			}
		}
		if depth != 0 {
			t.Fatalf("SanitizeHighlight(%q) = %q: unclosed mark", in, out)
		}
		if again := string(SanitizeHighlight(out)); again != out {
			t.Fatalf("not idempotent: %q → %q → %q", in, out, again)
		}
	})
}

// FuzzParseQuery checks that any query string either parses into a request
// within the paging limits or fails with a *index.QueryError, never panics.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"q=smart+city&status=pending", "page=0", "size=1000&page=2", "page=9223372036854775807&size=100", "facets=a,,b&facets=c", "foo=1", "q=%22x&q=y", "highlight=false"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		req, err := ParseQuery(v, index.MaxWindow)
		if err != nil {
			var qe *index.QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("ParseQuery(%q) error %T %v; want *index.QueryError", raw, err, err)
			}
			return
		}
		if req.Page < 1 || req.Size < 1 || req.Size > index.MaxSize || req.Page*req.Size > index.MaxWindow {
			t.Fatalf("ParseQuery(%q) = page %d size %d: outside the limits", raw, req.Page, req.Size)
		}
	})
}
