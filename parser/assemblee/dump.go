package assemblee

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"path"
	"sort"
	"strings"

	"github.com/parlq/parlq"
)

// Discover reads a legislature's dump (Questions_ecrites.json.zip) into one
// ref per question, each with its document inline (Ref.Document): the
// crawler archives it and reads it with Parse instead of fetching Ref.URL,
// the question's own endpoint, which re-checks use.
//
// Two layouts are read: one member json/<uid>.json per question (the 16th
// legislature on), and the older single JSON file holding every question
// (14th and 15th), whose questions become documents {"question": {…}} with
// the question's own bytes inside.
//
// A ref tells the question's id, type (QE written, QG topical, QOSD oral:
// the crawler keeps the types asked for), received (its publication in the
// Journal officiel) and updated (the latest date it carries). A member that
// is not a readable question does not stop the others:
//   - a member that is not JSON, or not a question, still gives a ref (its
//     id and type read from the member's name) whose document is the
//     member's bytes, which Parse rejects: that question fails loudly, with
//     its URL, and the others are stored;
//   - a member the zip itself cannot give back (a bad checksum, an unknown
//     compression) gives a ref without a document: the crawler then fetches
//     the question's own endpoint, the authoritative copy.
//
// A body that is not a zip, or a zip cut short (its directory is at its
// end), wraps ErrMalformed; an HTML page served in its place wraps
// parlq.ErrSoftError; a zip without questions is a *parlq.LayoutError.
func (s *Source) Discover(dumpURL string, body []byte) (*parlq.Discovery, error) {
	u, err := url.Parse(dumpURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("assemblee: dump url %q is not an absolute URL", dumpURL)
	}
	if !isZip(body) {
		if b := bytes.TrimSpace(body); len(b) > 0 && b[0] == '<' && softError(b) {
			return nil, fmt.Errorf("assemblee: %s: an HTML page instead of the dump: %w", dumpURL, parlq.ErrSoftError)
		}
		return nil, fmt.Errorf("assemblee: %s: %w: not a zip", dumpURL, ErrMalformed)
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		return nil, fmt.Errorf("assemblee: %s: %w: %v", dumpURL, ErrMalformed, err)
	}
	var members []*zip.File
	for _, f := range zr.File {
		if !f.FileInfo().IsDir() && strings.EqualFold(path.Ext(f.Name), ".json") {
			members = append(members, f)
		}
	}
	base := questionBase(u)
	d := &parlq.Discovery{}
	if len(members) == 1 && !uidRe.MatchString(entryUID(members[0].Name)) {
		refs, err := s.singleFile(dumpURL, base, members[0])
		if err != nil {
			return nil, err
		}
		d.Refs = refs
	} else {
		// One question per member; a member named otherwise still gives
		// a ref, which fails to parse rather than vanish.
		for _, f := range members {
			d.Refs = append(d.Refs, s.entryRef(base, f))
		}
	}
	if len(d.Refs) == 0 {
		return nil, &parlq.LayoutError{URL: dumpURL, Missing: []string{"json/<uid>.json members, or one JSON file of questions"}}
	}
	d.Refs = dedupe(d.Refs)
	d.Total = len(d.Refs)
	return d, nil
}

// entryUID is the uid a member's name gives: json/QANR5L17QE5268.json.
func entryUID(name string) string {
	return strings.TrimSuffix(path.Base(name), path.Ext(name))
}

// entryRef reads one json/<uid>.json member.
func (s *Source) entryRef(base string, f *zip.File) parlq.Ref {
	uid := entryUID(f.Name)
	b, err := readEntry(f)
	if err != nil {
		// The zip cannot give the member back: fetch the question itself.
		return parlq.Ref{ID: parlq.MakeID(SourceName, Assembly, uid), URL: base + questionPath + uid + ".json", Type: typeOfUID(uid)}
	}
	return refOf(base, uid, b)
}

// refOf makes the ref of one question document; uid is the one its name
// gives, used when the document cannot tell.
func refOf(base, uid string, doc []byte) parlq.Ref {
	ref := parlq.Ref{Type: typeOfUID(uid), Document: doc}
	if q, err := decodeJSON("", doc); err == nil {
		m, _ := q.model(false)
		if uidRe.MatchString(m.UID) {
			uid = m.UID
			ref.Type = typeOfUID(uid)
		}
		if k, ok := kinds[m.Kind]; ok {
			ref.Type = k.typ
		}
		ref.Received = m.received()
		ref.Updated = m.updated()
	}
	ref.ID = parlq.MakeID(SourceName, Assembly, uid)
	ref.URL = base + questionPath + uid + ".json"
	return ref
}

// typeOfUID is the type a uid tells; a dump of written questions holds
// written questions when the name tells nothing.
func typeOfUID(uid string) parlq.Type {
	if m := uidRe.FindStringSubmatch(uid); m != nil {
		return kinds[m[2]].typ
	}
	return parlq.WrittenQuestion
}

// singleFile reads the older layout: one JSON file whose questions sit in an
// array somewhere under the root ({"questionsEcrites": {"question": […]}}).
func (s *Source) singleFile(dumpURL, base string, f *zip.File) ([]parlq.Ref, error) {
	b, err := readEntry(f)
	if err != nil {
		return nil, fmt.Errorf("assemblee: %s: %s: %w", dumpURL, f.Name, err)
	}
	list := findQuestions(b, 0)
	if list == nil {
		return nil, &parlq.LayoutError{URL: dumpURL, Missing: []string{f.Name + ": an array of questions (objects with a uid)"}}
	}
	refs := make([]parlq.Ref, 0, len(list))
	for i, raw := range list {
		uid := ""
		var head struct {
			UID text `json:"uid"`
		}
		if json.Unmarshal(raw, &head) == nil {
			uid = string(head.UID)
		}
		if uid == "" {
			uid = fmt.Sprintf("%s-%d", entryUID(f.Name), i)
		}
		doc := make([]byte, 0, len(raw)+14)
		doc = append(append(append(doc, `{"question":`...), raw...), '}')
		refs = append(refs, refOf(base, uid, doc))
	}
	return refs, nil
}

// findQuestions returns the elements of the first array, at most three
// levels under the root, whose elements are objects with a "uid" member.
func findQuestions(b []byte, depth int) []json.RawMessage {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || depth > 3 {
		return nil
	}
	switch b[0] {
	case '[':
		var list []json.RawMessage
		if json.Unmarshal(b, &list) != nil || len(list) == 0 {
			return nil
		}
		var head map[string]json.RawMessage
		if json.Unmarshal(list[0], &head) != nil {
			return nil
		}
		if _, ok := head["uid"]; ok {
			return list
		}
		if q, ok := head["question"]; ok && len(list) > 0 {
			// [{"question": {…}}, …]: unwrap.
			var inner map[string]json.RawMessage
			if json.Unmarshal(q, &inner) == nil {
				if _, ok := inner["uid"]; ok {
					out := make([]json.RawMessage, 0, len(list))
					for _, el := range list {
						var w struct {
							Question json.RawMessage `json:"question"`
						}
						if json.Unmarshal(el, &w) != nil || w.Question == nil {
							out = append(out, el)
							continue
						}
						out = append(out, w.Question)
					}
					return out
				}
			}
		}
	case '{':
		var obj map[string]json.RawMessage
		if json.Unmarshal(b, &obj) != nil {
			return nil
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if list := findQuestions(obj[k], depth+1); list != nil {
				return list
			}
		}
	}
	return nil
}

// dedupe keeps one ref per id, the last one, in the place of the first.
func dedupe(refs []parlq.Ref) []parlq.Ref {
	at := make(map[string]int, len(refs))
	out := refs[:0]
	for _, r := range refs {
		if i, ok := at[r.ID]; ok {
			out[i] = r
			continue
		}
		at[r.ID] = len(out)
		out = append(out, r)
	}
	return out
}

// manifest lists a zip's members, one "name\tcrc32\tsize" line each, sorted
// by name: what the zip holds, whatever its timestamps and compression.
func manifest(docURL string, body []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		return nil, fmt.Errorf("assemblee: %s: %w: %v", docURL, ErrMalformed, err)
	}
	lines := make([]string, 0, len(zr.File))
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		lines = append(lines, fmt.Sprintf("%s\t%08x\t%d", f.Name, f.CRC32, f.UncompressedSize64))
	}
	sort.Strings(lines)
	return []byte(strings.Join(lines, "\n")), nil
}
