package server

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"text/template/parse"

	"github.com/parlq/parlq/history"
	"github.com/parlq/parlq/internal/i18n"
	"github.com/parlq/parlq/stats"
)

// messages collects every English message the server translates: the
// string arguments of t and plural in the templates, of T, Tf and N in the
// server's and i18n's Go code, and the tables translated by lookup.
func messages(t *testing.T) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, tmpl := range parseTemplates()[i18n.EN] {
		for _, tt := range tmpl.Templates() {
			if tt.Tree != nil {
				walkTemplate(tt.Tree.Root, out)
			}
		}
	}
	for _, dir := range []string{".", "../internal/i18n"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		fset := token.NewFileSet()
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			file, err := parser.ParseFile(fset, f, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok || (sel.Sel.Name != "T" && sel.Sel.Name != "Tf" && sel.Sel.Name != "N") {
					return true
				}
				for _, a := range call.Args {
					if lit, ok := a.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						if s, err := strconv.Unquote(lit.Value); err == nil {
							out[s] = true
						}
					}
				}
				return true
			})
		}
	}
	// Tables translated by lookup.
	for _, f := range facetOrder {
		out[f.label] = true
	}
	for _, l := range sortLabels {
		out[l] = true
	}
	for _, l := range fieldLabels {
		out[l] = true
	}
	for _, f := range []string{"session", "number", "question", "answer", "title", "subjects", "acts", "status", "language", "corrected"} {
		out[filterLabel(f)] = true
	}
	for _, p := range []string{"Title", "Question", "Answer", "Further answer"} {
		out[p] = true
		out[p+" in %s"] = true
	}
	for _, k := range []history.Kind{history.New, history.Withdrawn, history.Lapsed, history.HoldingReplaced, history.Answered, history.Holding, history.Corrected, history.Changed} {
		out[k.Label()] = true
	}
	for _, d := range stats.Dimensions() {
		out[d.Label()] = true
	}
	for _, st := range []int{400, 403, 404, 405, 409, 410, 500, 503} {
		out[http.StatusText(st)] = true
	}
	for _, p := range i18n.ErrorPatterns() {
		out[p] = true
	}
	for _, s := range []string{"pending", "answered", "lapsed", "withdrawn", "holding"} {
		out[i18n.EN.StatusNote(s)] = true
	}
	delete(out, "")
	return out
}

// walkTemplate adds the literal messages of t and plural calls under n.
func walkTemplate(n parse.Node, out map[string]bool) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walkTemplate(c, out)
		}
	case *parse.ActionNode:
		walkTemplate(n.Pipe, out)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			walkTemplate(c, out)
		}
	case *parse.CommandNode:
		if len(n.Args) > 1 {
			if id, ok := n.Args[0].(*parse.IdentifierNode); ok && (id.Ident == "t" || id.Ident == "plural") {
				for _, a := range n.Args[1:] {
					if s, ok := a.(*parse.StringNode); ok {
						out[s.Text] = true
					}
				}
			}
		}
		for _, a := range n.Args {
			walkTemplate(a, out)
		}
	case *parse.IfNode:
		walkTemplate(n.Pipe, out)
		walkTemplate(n.List, out)
		walkTemplate(n.ElseList, out)
	case *parse.RangeNode:
		walkTemplate(n.Pipe, out)
		walkTemplate(n.List, out)
		walkTemplate(n.ElseList, out)
	case *parse.WithNode:
		walkTemplate(n.Pipe, out)
		walkTemplate(n.List, out)
		walkTemplate(n.ElseList, out)
	case *parse.TemplateNode:
		walkTemplate(n.Pipe, out)
	}
}

// verbs are the formatting verbs of a message, sorted.
var verbRE = regexp.MustCompile(`%(\[\d+\])?[sdvq]`)

func verbs(s string) []string {
	v := verbRE.FindAllString(s, -1)
	slices.Sort(v)
	return v
}

// TestCatalogs: every message the pages use is translated into French and
// Dutch, with the same formatting verbs, and the catalogs hold no message
// the pages no longer use.
func TestCatalogs(t *testing.T) {
	used := messages(t)
	if len(used) < 200 {
		t.Fatalf("found %d messages; the extraction is broken", len(used))
	}
	keys := make([]string, 0, len(used))
	for k := range used {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, l := range []i18n.Lang{i18n.FR, i18n.NL} {
		var missing []string
		for _, k := range keys {
			if !l.Has(k) {
				missing = append(missing, strconv.Quote(k))
				continue
			}
			if got, want := verbs(l.T(k)), verbs(k); !slices.Equal(got, want) {
				t.Errorf("%s: %q has verbs %v; the English has %v", l, l.T(k), got, want)
			}
		}
		if len(missing) > 0 {
			t.Errorf("%s lacks %d messages:\n%s", l, len(missing), strings.Join(missing, ": \"\",\n")+": \"\",")
		}
		for _, k := range i18n.Keys(l) {
			if !used[k] {
				t.Errorf("%s translates %q, which no page uses", l, k)
			}
		}
	}
}
