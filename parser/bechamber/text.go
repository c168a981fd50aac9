package bechamber

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/parlq/parlq"
)

// text turns a text field's parts into the record's plain text: each part
// (a {"br": […]} segment, a text between <br/>, a table row) is a line or,
// where it holds blank lines, several paragraphs; table cells are separated
// by a tab; double-encoded UTF-8 is repaired, white space collapsed, and
// sentences the source glued together are separated again. Lines are
// joined with "\n"; empty ones are left out.
func text(parts []string) string {
	var lines []string
	for _, p := range parts {
		p = repairMojibake(p)
		if strings.Contains(p, cellSep) {
			cells := strings.Split(p, cellSep)
			for i, c := range cells {
				cells[i] = unglue(collapse(c))
			}
			if row := strings.Join(cells, "\t"); strings.TrimSpace(row) != "" {
				lines = append(lines, row)
			}
			continue
		}
		for _, para := range blankLine.Split(p, -1) {
			if l := unglue(collapse(para)); l != "" {
				lines = append(lines, l)
			}
		}
	}
	return strings.Join(lines, "\n")
}

// blankLine separates paragraphs inside a part ("\r\n\r\n").
var blankLine = regexp.MustCompile(`\n[ \t\r\f\v\x{a0}]*\n`)

// line is a one-line field (a title, a name, a label): every part and line
// joined with single spaces, double-encoded UTF-8 repaired.
func line(parts []string) string {
	return unglue(collapse(repairMojibake(strings.Join(parts, " "))))
}

// collapse joins the words of s with single spaces.
func collapse(s string) string {
	return strings.Join(strings.FieldsFunc(s, isSpace), " ")
}

func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\f', '\v', '\u00a0', '\u2007', '\u202f', '\u200b', '\ufeff':
		return true
	}
	return false
}

// authorID is the member's number legislature 56 adds after the party:
// "Lotte\n Vanderheyden,\n Vooruit (07412)".
var authorID = regexp.MustCompile(`\s*\((\d+)\)$`)

// author reads AUT, "First\n      Last,\n      Party" (the member's number
// in brackets after the party since legislature 56): the name is what
// precedes the last comma, the party what follows it; without a comma it is
// all name. ok is false when there is no name.
func author(aut string) (parlq.Person, bool) {
	s := collapse(repairMojibake(aut))
	var p parlq.Person
	if m := authorID.FindStringSubmatch(s); m != nil {
		p.ID = m[1]
		s = s[:len(s)-len(m[0])]
	}
	p.Name = s
	if i := strings.LastIndex(s, ","); i >= 0 {
		p.Name, p.Party = strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:])
	}
	return p, p.Name != ""
}

// repairMojibake repairs UTF-8 that was decoded as Latin-1 (or
// Windows-1252) and encoded again ("numÃ©rique" for "numérique", "â€™" for
// "’"). A sequence is replaced only when it provably is such a character:
// its characters, taken back as bytes, form one valid UTF-8 sequence (a lead
// byte C2–F4 and its continuation bytes 80–BF) of a character that occurs in
// the Chamber's texts (Latin-1 and Latin Extended-A letters and signs,
// dashes, quotes, the euro sign…). Everything else is left untouched:
// correctly encoded accents, "São", a lone "Â".
func repairMojibake(s string) string {
	if !hasLead(s) {
		return s
	}
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s))
	var buf [4]byte
	for i := 0; i < len(rs); {
		if n := trailing(rs[i]); n > 0 && i+n < len(rs) {
			buf[0] = byte(rs[i])
			ok := true
			for k := 1; k <= n; k++ {
				c, isByte := latinByte(rs[i+k])
				if !isByte || c < 0x80 || c > 0xbf {
					ok = false
					break
				}
				buf[k] = c
			}
			if ok {
				if r, size := utf8.DecodeRune(buf[:n+1]); r != utf8.RuneError && size == n+1 && plausible(r) {
					b.WriteRune(r)
					i += n + 1
					continue
				}
			}
		}
		b.WriteRune(rs[i])
		i++
	}
	return b.String()
}

// hasLead says whether s has a character that could start a double-encoded
// sequence.
func hasLead(s string) bool {
	for _, r := range s {
		if trailing(r) > 0 {
			return true
		}
	}
	return false
}

// trailing is how many continuation bytes follow a UTF-8 lead byte read as
// the Latin-1 character r (0: r is no lead byte).
func trailing(r rune) int {
	switch {
	case r >= 0xc2 && r <= 0xdf:
		return 1
	case r >= 0xe0 && r <= 0xef:
		return 2
	case r >= 0xf0 && r <= 0xf4:
		return 3
	}
	return 0
}

// cp1252 are the Windows-1252 characters of bytes 80–9F.
var cp1252 = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87, 'ˆ': 0x88,
	'‰': 0x89, 'Š': 0x8a, '‹': 0x8b, 'Œ': 0x8c, 'Ž': 0x8e, '‘': 0x91, '’': 0x92, '“': 0x93,
	'”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97, '˜': 0x98, '™': 0x99, 'š': 0x9a, '›': 0x9b,
	'œ': 0x9c, 'ž': 0x9e, 'Ÿ': 0x9f,
}

// latinByte is the byte a Latin-1 or Windows-1252 decoder read as r.
func latinByte(r rune) (byte, bool) {
	if r < 0x100 {
		return byte(r), true
	}
	c, ok := cp1252[r]
	return c, ok
}

// plausible says whether r is a character a repaired sequence may stand
// for in these texts.
func plausible(r rune) bool {
	return (r >= 0xa0 && r <= 0x17f) || (r >= 0x2010 && r <= 0x2044) || r == 0x20ac || r == 0x2122
}

// abbreviations end with a full stop that does not end a sentence (French
// and Dutch, lower case).
var abbreviations = map[string]bool{
	"al": true, "alin": true, "art": true, "artt": true, "bijv": true, "blz": true, "bv": true,
	"ca": true, "cf": true, "cfr": true, "chap": true, "dhr": true, "dr": true, "enz": true,
	"etc": true, "ex": true, "fig": true, "hfst": true, "ibid": true, "id": true, "jr": true,
	"me": true, "mevr": true, "mgr": true, "min": true, "mm": true, "mme": true, "mmes": true,
	"mlle": true, "mr": true, "nr": true, "nrs": true, "no": true, "nos": true, "op": true,
	"par": true, "pp": true, "prof": true, "resp": true, "st": true, "ste": true, "vgl": true,
	"vol": true, "vs": true, "zg": true,
}

// unglue puts back the space the source lost between two sentences
// ("la réforme fiscale.Dans plusieurs communes", "prévue?2. Les zones de police").
// A space is inserted after a full stop, question or exclamation mark or
// ellipsis only where it provably ends a sentence:
//   - it is directly followed by an upper-case letter, or by a list number
//     ("2." or "2)" then a space or an upper-case letter);
//   - a full stop follows a lower-case word of two letters or more that is
//     not an abbreviation ("art.", "nr.", "etc.") nor the end of a dotted one
//     ("a.s.b.l."), or a closing bracket or quote; never a digit ("2.5",
//     "3.B") nor a capital ("U.E.");
//   - the word it belongs to is not a web or e-mail address (unless a
//     bracket or quote closed it first).
func unglue(s string) string {
	if !strings.ContainsAny(s, ".?!…") {
		return s
	}
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i, r := range rs {
		b.WriteRune(r)
		if sentenceEnd(rs, i) {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// sentenceEnd says whether rs[i] ends a sentence glued to the next one.
func sentenceEnd(rs []rune, i int) bool {
	r := rs[i]
	if (r != '.' && r != '?' && r != '!' && r != '…') || i == 0 || i+1 >= len(rs) {
		return false
	}
	next := rs[i+1]
	if !unicode.IsUpper(next) && !listNumber(rs[i+1:]) {
		return false
	}
	prev := rs[i-1]
	switch {
	case closing(prev):
		// "(www.example.be).Le": the address ended with its bracket.
		return true
	case r != '.':
		// A question or exclamation mark or an ellipsis never sits inside
		// a word or a number.
	case unicode.IsLower(prev):
		// The word: letters, and apostrophes inside it ("camera's").
		start := i - 1
		for start > 0 && (unicode.IsLetter(rs[start-1]) ||
			(start > 1 && (rs[start-1] == '\'' || rs[start-1] == '’') && unicode.IsLetter(rs[start-2]))) {
			start--
		}
		word := strings.ToLower(string(rs[start:i]))
		if k := strings.LastIndexAny(word, "'’"); k >= 0 {
			_, size := utf8.DecodeRuneInString(word[k:])
			word = word[k+size:] // "l'art" is "art"
		}
		if i-start < 2 || (start > 0 && rs[start-1] == '.') || abbreviations[word] {
			return false
		}
	default:
		return false
	}
	return !inAddress(rs, i)
}

// listNumber says whether rs starts with a list item's number: one or two
// digits, "." or ")", then a space or an upper-case letter.
func listNumber(rs []rune) bool {
	n := 0
	for n < len(rs) && n < 3 && rs[n] >= '0' && rs[n] <= '9' {
		n++
	}
	if n == 0 || n > 2 || n+1 >= len(rs) || (rs[n] != '.' && rs[n] != ')') {
		return false
	}
	return isSpace(rs[n+1]) || unicode.IsUpper(rs[n+1])
}

// closing says whether r closes a bracket or a quotation.
func closing(r rune) bool {
	switch r {
	case ')', ']', '»', '"', '\'', '’', '”':
		return true
	}
	return false
}

// inAddress says whether the word holding rs[i] is a web or e-mail address.
func inAddress(rs []rune, i int) bool {
	start, end := i, i
	for start > 0 && !isSpace(rs[start-1]) {
		start--
	}
	for end < len(rs) && !isSpace(rs[end]) {
		end++
	}
	w := strings.ToLower(string(rs[start:end]))
	return strings.Contains(w, "://") || strings.Contains(w, "www.") || strings.Contains(w, "@") ||
		(rs[i] == '?' && strings.Contains(w, "="))
}
