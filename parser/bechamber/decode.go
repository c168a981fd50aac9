package bechamber

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"

	"github.com/parlq/parlq"
)

// ErrMalformed is wrapped when a response is neither well-formed JSON nor
// well-formed XML (a truncated or corrupted body). Such a body never yields a
// partial result.
var ErrMalformed = errors.New("malformed response")

// cellSep separates the cells of a table row inside a text part (XML
// 1.0 text cannot hold it); clean turns it into a tab.
const cellSep = "\x1f"

// field is one field of a QRVA document as either format gives it: its text
// parts, and whether they are the segments of one text ({"br": […]} in
// JSON, text between <br/> in XML) rather than the elements of a list.
type field struct {
	parts []string
	br    bool
	// raw is a JSON value of a shape no field the parser reads may have
	// (kept, canonical, for Normalize).
	raw json.RawMessage
}

// doc is one QRVA document: an item of a list or of a detail.
type doc struct {
	fields map[string]field
	// href is the document's link (link.href), or "".
	href string
}

// page is a decoded response.
type page struct {
	// start and total are the list's paging (-1: absent).
	start, total int
	// hasItems says the response had an items member.
	hasItems bool
	items    []doc
}

// decodePage reads a response in either format.
func decodePage(pageURL string, body []byte) (*page, error) {
	b := bytes.TrimLeft(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), " \t\r\n")
	switch {
	case len(b) == 0:
		return nil, fmt.Errorf("bechamber: %s: %w: empty body", pageURL, ErrMalformed)
	case b[0] == '{':
		return decodeJSON(pageURL, b)
	case b[0] == '<':
		if isHTML(b) {
			return nil, fmt.Errorf("bechamber: %s: %w: an HTML page instead of data", pageURL, parlq.ErrSoftError)
		}
		return decodeXML(pageURL, b)
	case b[0] == '[' || b[0] == '"' || b[0] == 'n' || b[0] == 't' || b[0] == 'f' || b[0] == '-' || (b[0] >= '0' && b[0] <= '9'):
		if json.Valid(b) {
			return nil, &parlq.LayoutError{URL: pageURL, Missing: []string{"a JSON object or an XML <result>"}}
		}
	}
	return nil, fmt.Errorf("bechamber: %s: %w: neither JSON nor XML", pageURL, ErrMalformed)
}

// isHTML says whether a body is an HTML page (an error page of the server
// or of a proxy in front of it).
func isHTML(b []byte) bool {
	head := strings.ToLower(string(b[:min(len(b), 64)]))
	return strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html")
}

// decodeJSON reads {"disclaimer", ["start", "total",] "items": […]}.
func decodeJSON(pageURL string, body []byte) (*page, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil || top == nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("bechamber: %s: %w: %v", pageURL, ErrMalformed, err)
		}
		return nil, &parlq.LayoutError{URL: pageURL, Missing: []string{"a JSON object"}}
	}
	p := &page{start: -1, total: -1}
	var missing []string
	for _, k := range []struct {
		name string
		dst  *int
	}{{"start", &p.start}, {"total", &p.total}} {
		raw, ok := top[k.name]
		if !ok {
			continue
		}
		n, err := strconv.Atoi(string(bytes.TrimSpace(raw)))
		if err != nil || n < 0 {
			missing = append(missing, fmt.Sprintf("%s as a count (got %s)", k.name, bytes.TrimSpace(raw)))
			continue
		}
		*k.dst = n
	}
	if raw, ok := top["items"]; ok {
		p.hasItems = true
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var items []map[string]any
		if err := dec.Decode(&items); err != nil || items == nil {
			missing = append(missing, "items as an array of objects")
		}
		for i, it := range items {
			d, m := jsonDoc(it, fmt.Sprintf("items[%d]", i))
			missing = append(missing, m...)
			p.items = append(p.items, d)
		}
	}
	if len(missing) > 0 {
		return nil, &parlq.LayoutError{URL: pageURL, Missing: missing}
	}
	return p, nil
}

// jsonDoc reads one item object.
func jsonDoc(obj map[string]any, where string) (doc, []string) {
	if obj == nil {
		return doc{}, []string{where + " as an object"}
	}
	d := doc{fields: make(map[string]field, len(obj))}
	var missing []string
	for k, v := range obj {
		if k == "link" {
			l, ok := v.(map[string]any)
			href, _ := l["href"].(string)
			if !ok || href == "" {
				missing = append(missing, where+".link.href")
			}
			d.href = strings.TrimSpace(href)
			continue
		}
		if f, ok := jsonField(v); ok {
			d.fields[k] = f
		} else {
			b, _ := marshal(v)
			d.fields[k] = field{raw: b}
		}
	}
	return d, missing
}

// jsonField reads the shapes a QRVA field has: null, a string, a number, a
// boolean, an array of strings, or {"br": string or array of strings}.
func jsonField(v any) (field, bool) {
	switch v := v.(type) {
	case nil:
		return field{}, true
	case string:
		return field{parts: []string{v}}, true
	case json.Number:
		return field{parts: []string{v.String()}}, true
	case bool:
		return field{parts: []string{strconv.FormatBool(v)}}, true
	case []any:
		parts, ok := jsonStrings(v)
		return field{parts: parts}, ok
	case map[string]any:
		br, ok := v["br"]
		if !ok || len(v) != 1 {
			return field{}, false
		}
		switch br := br.(type) {
		case string:
			return field{parts: []string{br}, br: true}, true
		case []any:
			parts, ok := jsonStrings(br)
			return field{parts: parts, br: true}, ok
		case nil:
			return field{br: true}, true
		}
	}
	return field{}, false
}

// jsonStrings reads an array of strings (nulls left out).
func jsonStrings(a []any) ([]string, bool) {
	out := make([]string, 0, len(a))
	for _, e := range a {
		switch e := e.(type) {
		case nil:
		case string:
			out = append(out, e)
		default:
			return nil, false
		}
	}
	return out, true
}

// marshal encodes v canonically: object keys sorted, no HTML escaping, no
// trailing newline.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// decodeXML reads <result><disclaimer/>[<start/><total/>]<items><QRVADOC>…
// </QRVADOC></items></result>.
func decodeXML(pageURL string, body []byte) (*page, error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = true
	dec.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		// The crawler hands over UTF-8; a declaration naming another
		// encoding is believed only when the bytes are not UTF-8.
		if utf8.Valid(body) {
			return r, nil
		}
		return charset.NewReaderLabel(label, r)
	}
	malformed := func(err error) error {
		return fmt.Errorf("bechamber: %s: %w: %v", pageURL, ErrMalformed, err)
	}
	root, err := nextStart(dec)
	if err != nil {
		return nil, malformed(err)
	}
	if root.Name.Local != "result" {
		if err := dec.Skip(); err != nil {
			return nil, malformed(err)
		}
		if strings.EqualFold(root.Name.Local, "html") {
			return nil, fmt.Errorf("bechamber: %s: %w: an HTML page instead of data", pageURL, parlq.ErrSoftError)
		}
		return nil, &parlq.LayoutError{URL: pageURL, Missing: []string{"an XML <result> (got <" + root.Name.Local + ">)"}}
	}
	p := &page{start: -1, total: -1}
	var missing []string
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, malformed(err)
		}
		if _, ok := tok.(xml.EndElement); ok {
			break
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch el.Name.Local {
		case "start", "total":
			f, err := xmlField(dec)
			if err != nil {
				return nil, malformed(err)
			}
			v := strings.TrimSpace(strings.Join(f.parts, ""))
			n, cerr := strconv.Atoi(v)
			if cerr != nil || n < 0 {
				missing = append(missing, fmt.Sprintf("%s as a count (got %q)", el.Name.Local, v))
			} else if el.Name.Local == "start" {
				p.start = n
			} else {
				p.total = n
			}
		case "items":
			p.hasItems = true
			items, m, err := xmlItems(dec)
			if err != nil {
				return nil, malformed(err)
			}
			p.items = append(p.items, items...)
			missing = append(missing, m...)
		default:
			if err := dec.Skip(); err != nil {
				return nil, malformed(err)
			}
		}
	}
	// Nothing but white space, comments and processing instructions may
	// follow the root element.
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, malformed(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(bytes.TrimSpace(t)) == 0 {
				continue
			}
		case xml.Comment, xml.ProcInst:
			continue
		}
		return nil, malformed(errors.New("data after the root element"))
	}
	if len(missing) > 0 {
		return nil, &parlq.LayoutError{URL: pageURL, Missing: missing}
	}
	return p, nil
}

// nextStart returns the first start element.
func nextStart(dec *xml.Decoder) (xml.StartElement, error) {
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return xml.StartElement{}, io.ErrUnexpectedEOF
		}
		if err != nil {
			return xml.StartElement{}, err
		}
		if el, ok := tok.(xml.StartElement); ok {
			return el, nil
		}
	}
}

// xmlItems reads the children of <items>: one <QRVADOC> a document.
func xmlItems(dec *xml.Decoder) ([]doc, []string, error) {
	var items []doc
	var missing []string
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return items, missing, nil
		case xml.StartElement:
			where := fmt.Sprintf("items[%d]", len(items))
			if t.Name.Local != "QRVADOC" {
				missing = append(missing, fmt.Sprintf("%s as <QRVADOC> (got <%s>)", where, t.Name.Local))
				if err := dec.Skip(); err != nil {
					return nil, nil, err
				}
				items = append(items, doc{})
				continue
			}
			d, m, err := xmlDoc(dec, where)
			if err != nil {
				return nil, nil, err
			}
			items = append(items, d)
			missing = append(missing, m...)
		}
	}
}

// xmlDoc reads the children of a <QRVADOC>: one element a field, repeated
// elements a list; <link href="…"/> is the document's link.
func xmlDoc(dec *xml.Decoder, where string) (doc, []string, error) {
	d := doc{fields: map[string]field{}}
	var missing []string
	for {
		tok, err := dec.Token()
		if err != nil {
			return doc{}, nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return d, missing, nil
		case xml.StartElement:
			if t.Name.Local == "link" {
				for _, a := range t.Attr {
					if a.Name.Local == "href" {
						d.href = strings.TrimSpace(a.Value)
					}
				}
				if d.href == "" {
					missing = append(missing, where+".link.href")
				}
				if err := dec.Skip(); err != nil {
					return doc{}, nil, err
				}
				continue
			}
			f, err := xmlField(dec)
			if err != nil {
				return doc{}, nil, err
			}
			if old, ok := d.fields[t.Name.Local]; ok {
				f = field{parts: append(old.parts, f.parts...), br: old.br || f.br}
			}
			d.fields[t.Name.Local] = f
		}
	}
}

// xmlField reads an element's content as text parts: <br/> (and the blocks
// <p>, <div>, <li>, <tr>) end a segment, <td>/<th> a table cell; other
// elements keep their text.
func xmlField(dec *xml.Decoder) (field, error) {
	var (
		f     field
		cells []string
		cur   strings.Builder
	)
	endCell := func() {
		cells = append(cells, cur.String())
		cur.Reset()
	}
	// between cells, white space is layout, text a cell of its own
	betweenCells := func() {
		if strings.TrimSpace(cur.String()) != "" {
			endCell()
		}
		cur.Reset()
	}
	endSegment := func() {
		if len(cells) > 0 {
			betweenCells()
			f.parts = append(f.parts, strings.Join(cells, cellSep))
			cells = nil
			return
		}
		f.parts = append(f.parts, cur.String())
		cur.Reset()
	}
	for depth := 1; ; {
		tok, err := dec.Token()
		if err != nil {
			return field{}, err
		}
		switch t := tok.(type) {
		case xml.CharData:
			cur.Write(t)
		case xml.StartElement:
			depth++
			switch strings.ToLower(t.Name.Local) {
			case "br", "p", "div", "li", "tr":
				f.br = true
				endSegment()
			case "td", "th":
				betweenCells()
			}
		case xml.EndElement:
			if depth--; depth == 0 {
				endSegment()
				return f, nil
			}
			switch strings.ToLower(t.Name.Local) {
			case "p", "div", "li", "tr", "table":
				f.br = true
				endSegment()
			case "td", "th":
				endCell()
			}
		}
	}
}
