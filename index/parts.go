package index

import (
	"slices"
	"strconv"
	"strings"

	"github.com/parlq/parlq"
)

// A record's searchable text is cut into parts: its title, question,
// answer, subject labels and further answers, in its own language and in
// each language the source translates it into. Parts are indexed as array
// elements at fixed positions, so that a match location (which carries its
// element's position) names the part it is in — for highlighting, and for
// the title:, question: and answer: prefixes — without reading the record.
//
// Positions: a language block holds partsPerBlock slots (partTitle…); in
// the stemmed field of a language (text_fr) a part sits at its slot, and in
// fields that hold every language (exact, text_xx) at block*partsPerBlock +
// slot, the record's own language being block 0 and the others following
// in code order.
const (
	partTitle    = 0
	partQuestion = 1
	partAnswer   = 2
	partSubjects = 3
	partAnswers  = 4 // + the index in Question.Answers
	// partTitleCopy holds the title a second time in the stemmed fields:
	// a word of the title counts twice in a record's ranking.
	partTitleCopy = 15
	// partsPerBlock bounds a block: answers past the eleventh of a record
	// are indexed in the last answer slot.
	partsPerBlock = 16
)

// partNames are the record field names of the slots below partAnswers.
var partNames = [...]string{partTitle: "title", partQuestion: "question", partAnswer: "answer", partSubjects: "subjects"}

// block is the text of a record in one language.
type block struct {
	lang  string
	texts [partsPerBlock]string
	// answer maps slots from partAnswers to the index in Question.Answers.
	answer [partsPerBlock]int
}

// blocks returns the record's language blocks, its own language first.
func blocks(q *parlq.Question) []block {
	byLang := map[string]*block{}
	get := func(lang string) *block {
		b := byLang[lang]
		if b == nil {
			b = &block{lang: lang}
			byLang[lang] = b
		}
		return b
	}
	own := get(q.Language)
	own.texts[partTitle], own.texts[partQuestion], own.texts[partAnswer] = q.Title, q.Question, q.Answer
	for lang, t := range q.Translations {
		if lang == q.Language || lang == "" {
			continue
		}
		b := get(lang)
		b.texts[partTitle], b.texts[partQuestion], b.texts[partAnswer] = t.Title, t.Question, t.Answer
	}
	for _, s := range q.Subjects {
		for lang, label := range s.Labels {
			if lang == "" || strings.TrimSpace(label) == "" {
				continue
			}
			b := get(lang)
			if b.texts[partSubjects] != "" {
				b.texts[partSubjects] += "\n"
			}
			b.texts[partSubjects] += label
		}
	}
	for i, a := range q.Answers {
		slot := min(partAnswers+i, partTitleCopy-1)
		put := func(b *block, text, latest string) {
			if text == "" || text == latest {
				return // the record's latest answer is already indexed
			}
			if b.texts[slot] != "" {
				b.texts[slot] += "\n"
			} else {
				b.answer[slot] = i
			}
			b.texts[slot] += text
		}
		put(own, a.Text, q.Answer)
		for lang, text := range a.Translations {
			if lang == q.Language || lang == "" {
				continue
			}
			put(get(lang), text, q.Translations[lang].Answer)
		}
	}
	out := []block{*own}
	langs := make([]string, 0, len(byLang))
	for l := range byLang {
		if l != q.Language {
			langs = append(langs, l)
		}
	}
	slices.Sort(langs)
	for _, l := range langs {
		out = append(out, *byLang[l])
	}
	return out
}

// partKey names a part in Hit.Highlights: "title", "question", "answer",
// "answers[N]" (N the index in Question.Answers), with "@lang" for a
// translation ("question@nl"). Subjects have no key: they are not
// highlighted.
func partKey(b *block, slot int, own bool) string {
	var name string
	switch {
	case slot == partTitleCopy:
		name = partNames[partTitle]
	case slot >= partAnswers:
		name = "answers[" + strconv.Itoa(b.answer[slot]) + "]"
	case slot == partSubjects:
		return ""
	default:
		name = partNames[slot]
	}
	if !own {
		name += "@" + b.lang
	}
	return name
}

// stemField is the analysed field a block's text goes to: its language's
// stemmed field, or text_xx for a language without a stemmer.
func stemField(lang string) string {
	if _, ok := stemmers[lang]; ok {
		return fieldTextPrefix + lang
	}
	return fieldTextOther
}

// fieldArrays returns the text fields of a record as arrays of parts at
// their positions, trailing empty slots left out.
func fieldArrays(q *parlq.Question) map[string][]string {
	out := map[string][]string{}
	place := func(field string, pos int, text string) {
		arr := out[field]
		for len(arr) <= pos {
			arr = append(arr, "")
		}
		arr[pos] = text
		out[field] = arr
	}
	for bi, b := range blocks(q) {
		f := stemField(b.lang)
		for slot, text := range b.texts {
			if text == "" {
				continue
			}
			place(fieldExact, bi*partsPerBlock+slot, text)
			place(fieldShingle, bi*partsPerBlock+slot, text)
			pos := slot
			if f == fieldTextOther {
				pos = bi*partsPerBlock + slot
			}
			place(f, pos, text)
			if slot == partTitle {
				place(f, pos-slot+partTitleCopy, text)
			}
		}
	}
	return out
}

// partAt returns the block and slot of an array position in field, for
// the record's blocks.
func partAt(bs []block, field string, pos int) (*block, int, bool) {
	if strings.HasPrefix(field, fieldTextPrefix) && field != fieldTextOther {
		lang := strings.TrimPrefix(field, fieldTextPrefix)
		for i := range bs {
			if bs[i].lang == lang && pos < partsPerBlock {
				return &bs[i], pos, true
			}
		}
		return nil, 0, false
	}
	bi, slot := pos/partsPerBlock, pos%partsPerBlock
	if bi >= len(bs) {
		return nil, 0, false
	}
	return &bs[bi], slot, true
}

// textOf returns the text of a part (the title for its copy).
func (b *block) textOf(slot int) string {
	if slot == partTitleCopy {
		slot = partTitle
	}
	return b.texts[slot]
}
