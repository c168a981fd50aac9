package bechambertest

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Kinds of answer (CASA): code 1 is the one seen in the saved responses
// ("réponse normale - normaal antwoord"); the other codes and labels are
// the stand-in's, in the words the parser recognises.
const (
	Normal     = 1
	Additional = 2
	Holding    = 3
	Corrected  = 4
)

var kindLabels = map[int][2]string{
	Normal:     {"réponse normale", "normaal antwoord"},
	Additional: {"réponse complémentaire", "aanvullend antwoord"},
	Holding:    {"réponse provisoire", "voorlopig antwoord"},
	Corrected:  {"réponse rectificative", "verbeterd antwoord"},
}

// Question statuses (STATUSQ) as the service spells them.
const (
	Transmitted       = "transmited"
	AnswerReceived    = "answerReceived"
	PrintedUnanswered = "answerLessPublicated"
	Canceled          = "canceled"
)

// Answer is one of a question's (up to four) answers.
type Answer struct {
	// Kind is the CASA code (Normal, Additional, Holding, Corrected).
	Kind int
	// Bulletin and Date say where and when the answer was printed
	// ("B012"); both empty while it is only received (STATUSA created).
	Bulletin string
	Page     string
	Date     time.Time
	// TextF and TextN are the answer's segments in French and Dutch.
	TextF, TextN []string
}

// Printed says whether the answer is in a bulletin.
func (a Answer) Printed() bool { return a.Bulletin != "" }

// Question is one written question as the service has it: one document,
// addressed to one minister. Dates are days (UTC midnight); a zero date is
// absent.
type Question struct {
	// ID is the service's key of the document.
	ID          int
	Legislature int
	// Bulletin is the bulletin the question is printed in ("B012"), or ""
	// before; it is part of the SDOCNAME.
	Bulletin string
	// Precedence (DEPTPRES) and DeptNum (DEPTNUM) identify the minister;
	// Number (QUESTNUM) is the question's number for that minister.
	Precedence, DeptNum, Number int
	// DocName is the question's document number: the session's eight
	// digits and a sequence ("2025202600233"), shared by the documents of
	// a question put to several ministers.
	DocName       string
	Received, Due time.Time
	// Lang is "F" or "N", the language the question was asked in.
	Lang string
	// Author is "First Last"; MemberID (legislature 56 on) follows the
	// party in AUT: "Vooruit (07412)".
	Author, Party, MemberID string
	// DeptF and DeptN are the minister's title, SubDeptF and SubDeptN the
	// portfolio's short name.
	DeptF, DeptN, SubDeptF, SubDeptN string
	TitleF, TitleN                   string
	// TextF and TextN are the question's segments ({"br": […]} in JSON,
	// <br/> in XML); nil is empty.
	TextF, TextN []string
	// Plain serves single-segment texts as plain strings, not {"br": […]}.
	Plain bool
	// Status is STATUSQ.
	Status  string
	Answers []Answer
	// Main is the main descriptor in French, Dutch, German; Descriptors
	// the others.
	Main        [3]string
	Descriptors [][3]string
	// XML serves the document in XML whatever the request asks for.
	XML bool
	// Body, when set, is served verbatim as the document (a saved
	// response); the fields above make its list item.
	Body []byte
}

// SDOCNAME is the document's name: "<L>-<bulletin>-<P>-<NNNN>-<DocName>".
func (q Question) SDOCNAME() string {
	return fmt.Sprintf("%d-%s-%d-%04d-%s", q.Legislature, q.Bulletin, q.Precedence, q.Number, q.DocName)
}

// Key is the name without its bulletin part, which does not change when the
// question is printed: the native part of the record id.
func (q Question) Key() string {
	return fmt.Sprintf("%d-%d-%04d-%s", q.Legislature, q.Precedence, q.Number, q.DocName)
}

// RecordID is the id parlq gives the question.
func (q Question) RecordID() string { return "bechamber/chamber/" + q.Key() }

// aut is AUT as the service writes it: "First\n      Last,\n      Party".
func (q Question) aut() string {
	first, last, _ := strings.Cut(q.Author, " ")
	party := q.Party
	if q.MemberID != "" {
		party += " (" + q.MemberID + ")"
	}
	return first + "\n      " + last + ",\n      " + party
}

// sessionCode is the eight-digit session of a day: "20162017", or "0000"
// and the year in the extraordinary session that opens a legislature.
func sessionCode(legislature int, t time.Time) string {
	start := legislatureStart(legislature)
	first := openingDay(start.Year())
	if !first.After(start) {
		first = openingDay(start.Year() + 1)
	}
	if t.Before(first) {
		return fmt.Sprintf("0000%d", start.Year())
	}
	y := t.Year()
	if t.Before(openingDay(y)) {
		y--
	}
	return fmt.Sprintf("%d%d", y, y+1)
}

// openingDay is the second Tuesday of October, when the Chamber's ordinary
// session opens.
func openingDay(year int) time.Time {
	d := time.Date(year, time.October, 1, 0, 0, 0, 0, time.UTC)
	for d.Weekday() != time.Tuesday {
		d = d.AddDate(0, 0, 1)
	}
	return d.AddDate(0, 0, 7)
}

// legislatureStart is the first sitting day of a legislature.
func legislatureStart(legislature int) time.Time {
	switch legislature {
	case 54:
		return time.Date(2014, 6, 19, 0, 0, 0, 0, time.UTC)
	case 55:
		return time.Date(2019, 6, 20, 0, 0, 0, 0, time.UTC)
	case 56:
		return time.Date(2024, 7, 10, 0, 0, 0, 0, time.UTC)
	}
	// Five-year legislatures before and after.
	return time.Date(2024+5*(legislature-56), 6, 20, 0, 0, 0, 0, time.UTC)
}

// ymd is a date as YYYYMMDD, or "" for a zero date.
func ymd(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("20060102")
}

// publica is PUBLICA<n>: "B001,\n      ,\n      10/10/2014,\n      00002014".
func (q Question) publica(a Answer) string {
	date := "//"
	on := q.Received
	if a.Printed() && !a.Date.IsZero() {
		date, on = a.Date.Format("02/01/2006"), a.Date
	}
	return strings.Join([]string{a.Bulletin, a.Page, date, sessionCode(q.Legislature, on)}, ",\n      ")
}

// casa is CASA<n>: "1\n      réponse normale -\n      normaal antwoord".
func casa(kind int) string {
	l := kindLabels[kind]
	return fmt.Sprintf("%d\n      %s -\n      %s", kind, l[0], l[1])
}

// statusa is STATUSA<n>.
func statusa(a Answer) string {
	if a.Printed() {
		return "publicated"
	}
	return "created"
}

// jsonText is a text's JSON value: null, a plain string, or {"br": […]}.
func (q Question) jsonText(segs []string) any {
	switch {
	case len(segs) == 0:
		return nil
	case q.Plain && len(segs) == 1:
		return segs[0]
	}
	return map[string][]string{"br": segs}
}

// thesa is a descriptor list of one language (0 F, 1 N, 2 D), " | " between
// terms and a space at each end, as the service writes them.
func (q Question) thesa(lang int) string {
	var ts []string
	for _, d := range q.Descriptors {
		if d[lang] != "" {
			ts = append(ts, d[lang])
		}
	}
	if len(ts) == 0 {
		return ""
	}
	return " " + strings.Join(ts, "  |  ") + " "
}

// padded is a main descriptor as the service writes it: " TERM ".
func padded(s string) string {
	if s == "" {
		return ""
	}
	return " " + s + " "
}

// link is an item's self link.
type link struct {
	Href string `json:"href"`
	Rel  string `json:"rel"`
}

// renderJSON is the document's JSON detail, its fields in the service's
// order. base is the host its link names ("" for the canonical one).
func renderJSON(q Question, base string) []byte {
	if base == "" {
		base = CanonicalBase
	}
	var b bytes.Buffer
	b.WriteString(`{"disclaimer":`)
	writeJSON(&b, Disclaimer)
	b.WriteString(`,"items":[{"link":`)
	writeJSON(&b, link{Href: base + ListPath + "/" + q.SDOCNAME(), Rel: "self"})
	status := any(q.Status)
	if q.Status == "" {
		status = nil
	}
	fields := []struct {
		k string
		v any
	}{
		{"ID", q.ID}, {"STATUSQ", status}, {"LEGISL", q.Legislature}, {"DOCNAME", q.DocName},
		{"DEPOTDAT", ymd(q.Received)}, {"AUT", q.aut()}, {"LANG", q.Lang},
		{"DEPTPRES", q.Precedence}, {"DEPTNUM", q.DeptNum}, {"SUBDEPTN", q.SubDeptN}, {"SUBDEPTF", q.SubDeptF},
		{"DEPTN", q.DeptN}, {"DEPTF", q.DeptF}, {"QUESTNUM", q.Number}, {"DELAIDAT", ymd(q.Due)},
		{"TITN", q.TitleN}, {"TITF", q.TitleF}, {"STATUS_OL", nil}, {"TEXTQN", q.jsonText(q.TextN)},
		{"STATUS_SL", nil}, {"TEXTQF", q.jsonText(q.TextF)},
	}
	for n := 1; n <= 4; n++ {
		var pub, st, cas, tf, tn any
		num := 0
		if n <= len(q.Answers) {
			a := q.Answers[n-1]
			pub, st, cas, num = q.publica(a), statusa(a), casa(a.Kind), n
			tf, tn = q.jsonText(a.TextF), q.jsonText(a.TextN)
		}
		s := strconv.Itoa(n)
		fields = append(fields, []struct {
			k string
			v any
		}{{"PUBLICA" + s, pub}, {"STATUSA" + s, st}, {"NUMA" + s, num}, {"CASA" + s, cas},
			{"TEXTA" + s + "F", tf}, {"TEXTA" + s + "N", tn}}...)
	}
	fields = append(fields, []struct {
		k string
		v any
	}{
		{"MAIN_THESAF", padded(q.Main[0])}, {"MAIN_THESAN", padded(q.Main[1])}, {"MAIN_THESAD", nilIfEmpty(q.Main[2])},
		{"THESAF", []string{q.thesa(0)}}, {"THESAN", []string{q.thesa(1)}}, {"THESAD", []string{q.thesa(2)}},
		{"DESCF", ""}, {"DESCN", ""}, {"DESCD", ""}, {"FREEF", ""}, {"FREEN", ""}, {"FREED", ""},
	}...)
	for _, f := range fields {
		b.WriteString(`,"` + f.k + `":`)
		writeJSON(&b, f.v)
	}
	b.WriteString("}]}")
	return b.Bytes()
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// writeJSON appends v's encoding (no HTML escaping).
func writeJSON(b *bytes.Buffer, v any) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err) // the stand-in's own values always encode
	}
	b.Truncate(b.Len() - 1) // the encoder's newline
}

// renderXML is the document's XML detail: the JSON's fields as elements,
// null ones left out, texts with <br/> before each segment (a plain text
// when Plain), the SDOCNAME as an element of its own.
func renderXML(q Question, base string) []byte {
	if base == "" {
		base = CanonicalBase
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><result><disclaimer>`)
	xmlText(&b, Disclaimer)
	b.WriteString(`</disclaimer><items>`)
	writeXMLDoc(&b, q, base)
	b.WriteString(`</items></result>`)
	return b.Bytes()
}

func writeXMLDoc(b *bytes.Buffer, q Question, base string) {
	b.WriteString(`<QRVADOC><link rel="self" href="`)
	xmlText(b, base+ListPath+"/"+q.SDOCNAME())
	b.WriteString(`"/>`)
	el := func(name, v string) {
		if v == "" {
			return
		}
		b.WriteString("<" + name + ">")
		xmlText(b, v)
		b.WriteString("</" + name + ">")
	}
	text := func(name string, segs []string) {
		if len(segs) == 0 {
			return
		}
		b.WriteString("<" + name + ">")
		if q.Plain && len(segs) == 1 {
			xmlText(b, segs[0])
		} else {
			for _, s := range segs {
				b.WriteString("<br/>")
				xmlText(b, s)
			}
		}
		b.WriteString("</" + name + ">")
	}
	itoa := strconv.Itoa
	for _, f := range [][2]string{
		{"SDOCNAME", q.SDOCNAME()}, {"ID", itoa(q.ID)}, {"STATUSQ", q.Status}, {"LEGISL", itoa(q.Legislature)},
		{"DOCNAME", q.DocName}, {"DEPOTDAT", ymd(q.Received)}, {"AUT", q.aut()}, {"LANG", q.Lang},
		{"DEPTPRES", itoa(q.Precedence)}, {"DEPTNUM", itoa(q.DeptNum)}, {"SUBDEPTN", q.SubDeptN},
		{"SUBDEPTF", q.SubDeptF}, {"DEPTN", q.DeptN}, {"DEPTF", q.DeptF}, {"QUESTNUM", itoa(q.Number)},
		{"DELAIDAT", ymd(q.Due)}, {"TITN", q.TitleN}, {"TITF", q.TitleF},
	} {
		el(f[0], f[1])
	}
	text("TEXTQN", q.TextN)
	text("TEXTQF", q.TextF)
	for n := 1; n <= 4; n++ {
		s := itoa(n)
		if n > len(q.Answers) {
			el("NUMA"+s, "0")
			continue
		}
		a := q.Answers[n-1]
		el("PUBLICA"+s, q.publica(a))
		el("STATUSA"+s, statusa(a))
		el("NUMA"+s, s)
		el("CASA"+s, casa(a.Kind))
		text("TEXTA"+s+"F", a.TextF)
		text("TEXTA"+s+"N", a.TextN)
	}
	el("MAIN_THESAF", q.Main[0])
	el("MAIN_THESAN", q.Main[1])
	el("MAIN_THESAD", q.Main[2])
	el("THESAF", strings.TrimSpace(q.thesa(0)))
	el("THESAN", strings.TrimSpace(q.thesa(1)))
	el("THESAD", strings.TrimSpace(q.thesa(2)))
	b.WriteString("</QRVADOC>")
}

// xmlText appends s escaped as XML character data.
func xmlText(b *bytes.Buffer, s string) {
	if err := xml.EscapeText(b, []byte(s)); err != nil {
		panic(err) // a bytes.Buffer does not fail
	}
}

// listItem is an item of a list page, its fields in the service's order.
type listItem struct {
	Link       link   `json:"link"`
	SDOCNAME   string `json:"SDOCNAME"`
	TITF       string `json:"TITF"`
	TITN       string `json:"TITN"`
	AUT        string `json:"AUT"`
	MAINTHESAF string `json:"MAINTHESAF"`
	MAINTHESAN string `json:"MAINTHESAN"`
	STATUSQ    string `json:"STATUSQ"`
	DEPTF      string `json:"DEPTF"`
	DEPTN      string `json:"DEPTN"`
}

func item(base string, q Question) listItem {
	return listItem{
		Link: link{Href: base + ListPath + "/" + q.SDOCNAME(), Rel: "self"}, SDOCNAME: q.SDOCNAME(),
		TITF: q.TitleF, TITN: q.TitleN, AUT: q.aut(), MAINTHESAF: padded(q.Main[0]), MAINTHESAN: padded(q.Main[1]),
		STATUSQ: q.Status, DEPTF: q.DeptF, DEPTN: q.DeptN,
	}
}

// renderListJSON is a list page.
func renderListJSON(base string, start, total int, page []Question) []byte {
	items := make([]listItem, 0, len(page))
	for _, q := range page {
		items = append(items, item(base, q))
	}
	var b bytes.Buffer
	writeJSON(&b, struct {
		Disclaimer string     `json:"disclaimer"`
		Start      int        `json:"start"`
		Total      int        `json:"total"`
		Items      []listItem `json:"items"`
	}{Disclaimer, start, total, items})
	return b.Bytes()
}

// renderListXML is a list page in XML: the JSON's members as elements (the
// service's XML list was never saved; this shape is inferred).
func renderListXML(base string, start, total int, page []Question) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><result><disclaimer>`)
	xmlText(&b, Disclaimer)
	fmt.Fprintf(&b, "</disclaimer><start>%d</start><total>%d</total><items>", start, total)
	for _, q := range page {
		it := item(base, q)
		b.WriteString(`<QRVADOC><link rel="self" href="`)
		xmlText(&b, it.Link.Href)
		b.WriteString(`"/>`)
		for _, f := range [][2]string{{"SDOCNAME", it.SDOCNAME}, {"TITF", it.TITF}, {"TITN", it.TITN}, {"AUT", it.AUT},
			{"MAINTHESAF", it.MAINTHESAF}, {"MAINTHESAN", it.MAINTHESAN}, {"STATUSQ", it.STATUSQ},
			{"DEPTF", it.DEPTF}, {"DEPTN", it.DEPTN}} {
			b.WriteString("<" + f[0] + ">")
			xmlText(&b, f[1])
			b.WriteString("</" + f[0] + ">")
		}
		b.WriteString("</QRVADOC>")
	}
	b.WriteString("</items></result>")
	return b.Bytes()
}

// emptyAnswer is the service's answer for a document it does not know.
func emptyAnswer(inXML bool) []byte {
	if inXML {
		var b bytes.Buffer
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><result><disclaimer>`)
		xmlText(&b, Disclaimer)
		b.WriteString(`</disclaimer><items/></result>`)
		return b.Bytes()
	}
	var b bytes.Buffer
	writeJSON(&b, struct {
		Disclaimer string `json:"disclaimer"`
		Items      []any  `json:"items"`
	}{Disclaimer, []any{}})
	return b.Bytes()
}
