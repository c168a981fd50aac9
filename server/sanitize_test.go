package server

import (
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

func TestSanitizeHTML(t *testing.T) {
	base, _ := url.Parse("https://www.parlement.brussels/weblex-quest-det/?moncode=1")
	in := `<section id="q" style="x" onclick="alert(1)"><h1 class="t">Titre</h1>
<nav><a href="/menu">Menu</a></nav>
<p>Texte <b>gras</b> <span style="color:red">rouge</span> <font face="x">police</font>
<a href="/doc.pdf" onclick="x">pièce</a> <a href="javascript:alert(1)">js</a> <a href="mailto:a@b.c">m</a></p>
<script>alert(1)</script><style>p{}</style><img src="x" onerror="alert(1)"><svg><a href="/x">svg</a></svg>
<table border="1"><tr><td colspan="2" width="9">Cellule</td><td rowspan="x">R</td></tr></table>
<form action="/x"><input name="q"><button>go</button></form><iframe src="https://evil.example/"></iframe>
<!-- comment --><p>a &lt; b &amp; c</p><br/></section>`
	got := sanitizeHTML([]byte(in), base, true)
	for _, want := range []string{
		"<div><h3>Titre</h3>",
		"<p>Texte <b>gras</b> rouge police\n" + `<a href="https://www.parlement.brussels/doc.pdf" rel="external noopener noreferrer">pièce</a> <a>js</a> <a>m</a></p>`,
		`<td colspan="2">Cellule</td><td>R</td>`,
		"<p>a &lt; b &amp; c</p><br>",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("sanitized page lacks %q:\n%s", want, got)
		}
	}
	for _, bad := range []string{"script", "alert", "style", "onclick", "onerror", "<img", "<svg", "svg</a>", "<form", "<input", "<iframe", "evil", "Menu", "comment", "border", "width"} {
		if strings.Contains(got, bad) {
			t.Errorf("sanitized page keeps %q:\n%s", bad, got)
		}
	}
	// Without chrome removal the navigation stays, as text and link.
	if got := sanitizeHTML([]byte(in), base, false); !strings.Contains(got, `>Menu</a>`) {
		t.Errorf("navigation dropped without chrome: %s", got)
	}
}

// FuzzSanitizeHTML: whatever the page, the output read back by an HTML
// parser holds only the elements and attributes the sanitizer allows.
func FuzzSanitizeHTML(f *testing.F) {
	f.Add(`<p onclick="x">a<script>b</script><a href="javascript:x">c</a></p>`)
	f.Add(`<table><td colspan=3>x<img src=y onerror=z>`)
	f.Add(`<svg><p>x</p></svg><math><mi>y</mi></math><noscript><img src=z></noscript>`)
	f.Fuzz(func(t *testing.T, in string) {
		out := sanitizeHTML([]byte(in), nil, true)
		doc, err := html.Parse(strings.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				a := n.DataAtom
				if !kept[a] && a != atom.H3 && a != atom.Html && a != atom.Head && a != atom.Body {
					t.Fatalf("element <%s> in %q (from %q)", n.Data, out, in)
				}
				if n.Namespace != "" {
					t.Fatalf("foreign element <%s:%s> in %q", n.Namespace, n.Data, out)
				}
				for _, at := range n.Attr {
					switch {
					case a == atom.A && at.Key == "href":
						if !strings.HasPrefix(at.Val, "http://") && !strings.HasPrefix(at.Val, "https://") {
							t.Fatalf("link %q in %q", at.Val, out)
						}
					case a == atom.A && at.Key == "rel":
					case (a == atom.Td || a == atom.Th) && (at.Key == "colspan" || at.Key == "rowspan"):
					default:
						t.Fatalf("attribute %s=%q on <%s> in %q", at.Key, at.Val, n.Data, out)
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
	})
}
