package assemblee

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/unicode/norm"
)

// plainText renders a question's or an answer's HTML as the record's plain
// text: one line per paragraph or line break, a table as one line per row
// with its cells separated by tabs (a line break inside a cell is a
// space), entities decoded, comments dropped, white space (no-break spaces
// included) collapsed to single spaces, no empty lines. The AN's texts are
// fragments, often unbalanced ("</p><p …>", "<br>…</br>"); the tokenizer
// reads them as they come.
func plainText(s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	var (
		lines  []string
		cells  []string        // finished cells of the current row
		cur    strings.Builder // the current line, or the current cell
		inCell int             // depth of open <td>/<th>
		inRow  bool            // between <tr> and </tr>
		skip   int             // depth inside <script>/<style>
	)
	endCell := func() {
		cells = append(cells, collapse(cur.String()))
		cur.Reset()
	}
	endLine := func() {
		if line := collapse(cur.String()); line != "" {
			lines = append(lines, line)
		}
		cur.Reset()
	}
	endRow := func() {
		if inCell > 0 {
			endCell()
			inCell = 0
		}
		if collapse(cur.String()) != "" { // text in a row outside any cell
			endCell()
		}
		cur.Reset()
		for len(cells) > 0 && cells[len(cells)-1] == "" {
			cells = cells[:len(cells)-1]
		}
		if strings.Join(cells, "") != "" {
			lines = append(lines, strings.Join(cells, "\t"))
		}
		cells, inRow = cells[:0], false
	}
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			// A strings.Reader only ends with io.EOF.
			if inRow {
				endRow()
			}
			endLine()
			return strings.Join(lines, "\n")
		case html.TextToken:
			if skip == 0 {
				cur.Write(z.Text())
			}
			continue
		case html.CommentToken, html.DoctypeToken:
			continue
		}
		name, _ := z.TagName()
		a := atom.Lookup(name)
		start := tt == html.StartTagToken || tt == html.SelfClosingTagToken
		switch {
		case a == atom.Script || a == atom.Style:
			if start && tt == html.StartTagToken {
				skip++
			} else if !start && skip > 0 {
				skip--
			}
		case a == atom.Table:
			if inRow {
				endRow()
			}
			endLine()
		case a == atom.Tr:
			if inRow {
				endRow()
			}
			if start {
				endLine()
				inRow = true
			}
		case a == atom.Td || a == atom.Th:
			switch {
			case start && inCell > 0:
				endCell() // a cell opened without closing the previous one
			case start:
				if !inRow {
					endLine()
					inRow = true
				}
				if collapse(cur.String()) != "" { // text before the cell
					endCell()
				}
				cur.Reset()
				inCell = 1
			case inCell > 0:
				endCell()
				inCell = 0
			}
		case inCell > 0 || inRow:
			// Inside a table row a line break or a paragraph is a space:
			// the row stays on its line.
			if a == atom.Br || breaks(a) {
				cur.WriteByte(' ')
			}
		case a == atom.Br || breaks(a):
			endLine()
		case a == atom.Img:
			cur.WriteByte(' ')
		}
	}
}

// breaks reports whether a starts or ends a line of text.
func breaks(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Li, atom.Ul, atom.Ol, atom.Tbody, atom.Thead, atom.Tfoot,
		atom.Caption, atom.Blockquote, atom.Center, atom.H1, atom.H2, atom.H3, atom.H4,
		atom.H5, atom.H6, atom.Pre, atom.Dl, atom.Dt, atom.Dd, atom.Section, atom.Article,
		atom.Header, atom.Footer, atom.Hr, atom.Address, atom.Figure, atom.Figcaption:
		return true
	}
	return false
}

// collapse maps every run of white space (tabs, newlines, no-break and
// narrow no-break spaces) to one space, drops invisible characters (soft
// hyphens, zero-width characters, controls) and trims the ends, as the
// other parsers do.
func collapse(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || r == '\u2007' || r == '\u202f':
			space = true
		case invisible(r):
		default:
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		}
	}
	return b.String()
}

func invisible(r rune) bool {
	switch r {
	case '\u00ad', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
		return true
	}
	return unicode.IsControl(r)
}

// fold maps a letter to its lower-case base letter ("É" → "e"), one rune
// for one, so that folded strings keep the positions of the originals.
func fold(r rune) rune {
	if r < 0x80 {
		return unicode.ToLower(r)
	}
	var buf [8]byte
	d := norm.NFD.Bytes(buf[:copy(buf[:], string(r))])
	base := []rune(string(d))[0]
	return unicode.ToLower(base)
}

// accented returns name spelt as the question text spells it, when the text
// writes the same letters with their accents (older reference data drop
// them: "Gregoire" for "Grégoire"). It returns name unchanged when the text
// does not contain it, or writes it in another case.
func accented(name, questionText string) string {
	nr := []rune(name)
	if len(nr) == 0 {
		return name
	}
	tr := []rune(questionText)
	if len(tr) > 400 { // the name comes in the first sentence
		tr = tr[:400]
	}
	for i := 0; i+len(nr) <= len(tr); i++ {
		if i > 0 && unicode.IsLetter(tr[i-1]) {
			continue
		}
		if end := i + len(nr); end < len(tr) && unicode.IsLetter(tr[end]) {
			continue
		}
		ok, differs := true, false
		for j, r := range nr {
			t := tr[i+j]
			if fold(t) != fold(r) || unicode.IsUpper(t) != unicode.IsUpper(r) {
				ok = false
				break
			}
			differs = differs || t != r
		}
		if ok {
			if differs {
				return string(tr[i : i+len(nr)])
			}
			return name
		}
	}
	return name
}

// particles are the lower-case words a French name may hold ("Charles de
// Courson"), each followed by a capitalised word.
var particles = map[string]bool{
	"de": true, "du": true, "des": true, "d'": true, "d’": true, "la": true, "le": true,
	"van": true, "von": true, "den": true, "der": true, "ter": true, "di": true, "da": true,
	"del": true, "della": true, "dos": true,
}

// civilities open every question text: "Mme Olivia Grégoire interroge M. le
// ministre …".
var civilities = map[string]bool{"M.": true, "Mme": true, "Mlle": true}

// nameInText reads the author's name from the opening of a question text
// ("Mme Olivia Grégoire interroge …" → "Olivia Grégoire"): the capitalised
// words after the civility, with the particles between them. It returns ""
// when the text does not open that way.
func nameInText(questionText string) string {
	words := strings.Fields(questionText)
	if len(words) < 3 || !civilities[words[0]] {
		return ""
	}
	var name []string
	for i := 1; i < len(words) && len(name) < 8; i++ {
		w := words[i]
		if capitalised(w) {
			name = append(name, w)
			continue
		}
		lw := strings.ToLower(w)
		// "d'Artagnan" holds its particle in the word.
		if len(name) > 0 && i+1 < len(words) && particles[lw] && capitalised(words[i+1]) {
			name = append(name, w)
			continue
		}
		if strings.HasPrefix(lw, "d'") || strings.HasPrefix(lw, "d’") {
			if rest := []rune(w)[2:]; len(rest) > 0 && unicode.IsUpper(rest[0]) {
				name = append(name, w)
				continue
			}
		}
		break
	}
	if len(name) < 2 || len(name) == 8 {
		return ""
	}
	return strings.TrimRight(strings.Join(name, " "), ",")
}

func capitalised(w string) bool {
	for _, r := range w {
		return unicode.IsUpper(r)
	}
	return false
}
