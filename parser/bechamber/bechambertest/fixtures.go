package bechambertest

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// Files of the saved responses (in FixturesDir).
const (
	// FixtureList is a list page of legislature 54 (ten items).
	FixtureList = "qrva.json"
	// FixtureAnswered is an answered document in JSON.
	FixtureAnswered = "qrva_item.json"
	// FixtureEmpty is the answer for an unknown document.
	FixtureEmpty = "qrva_item_empty.json"
	// FixtureUnansweredXML is an unanswered document in XML, with a
	// double-encoded title.
	FixtureUnansweredXML = "54--1-0138-2015201609402.xml"
	// FixtureAnsweredXML is an answered document in XML whose answer is not
	// printed yet.
	FixtureAnsweredXML = "54--1-0168-2016201712499.xml"
)

// fixtureDocs are the saved documents.
var fixtureDocs = []string{FixtureAnswered, FixtureUnansweredXML, FixtureAnsweredXML}

var sdocRe = regexp.MustCompile(`^(\d+)-([A-Z]*\d*)-(\d+)-(\d+)-(\d+)$`)

// FixtureQuestions reads the saved documents in dir (see FixturesDir) into
// questions served verbatim (Body); what their list items tell (name,
// titles, author, status, minister, main descriptor) is read from them.
func FixtureQuestions(dir string) ([]Question, error) {
	var out []Question
	for _, f := range fixtureDocs {
		body, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			return nil, fmt.Errorf("fixture: %w", err)
		}
		docs, err := SavedFields(body)
		if err != nil || len(docs) != 1 {
			return nil, fmt.Errorf("fixture %s: %d documents, %v", f, len(docs), err)
		}
		fields := docs[0]
		m := sdocRe.FindStringSubmatch(fields.Name())
		if m == nil {
			return nil, fmt.Errorf("fixture %s: document name %q", f, fields.Name())
		}
		q := Question{Bulletin: m[2], DocName: m[5], Body: body, XML: strings.HasSuffix(f, ".xml"),
			TitleF: fields["TITF"], TitleN: fields["TITN"], Status: fields["STATUSQ"], Lang: fields["LANG"],
			DeptF: fields["DEPTF"], DeptN: fields["DEPTN"], Main: [3]string{fields["MAIN_THESAF"], fields["MAIN_THESAN"]}}
		q.Legislature, _ = strconv.Atoi(m[1])
		q.Precedence, _ = strconv.Atoi(m[3])
		q.Number, _ = strconv.Atoi(m[4])
		q.ID, _ = strconv.Atoi(fields["ID"])
		aut := strings.Join(strings.Fields(fields["AUT"]), " ")
		if i := strings.LastIndex(aut, ","); i >= 0 {
			q.Author, q.Party = aut[:i], strings.TrimSpace(aut[i+1:])
		}
		out = append(out, q)
	}
	return out, nil
}

// Fields are a saved document's fields as text, read without the parser:
// strings as given, numbers in decimal, {"br": […]} segments and arrays
// joined by "\n", XML elements' text; "link" is the document's link.
type Fields map[string]string

// Name is the document's SDOCNAME: its field, or its link's last segment.
func (f Fields) Name() string {
	if f["SDOCNAME"] != "" {
		return f["SDOCNAME"]
	}
	return f["link"][strings.LastIndex(f["link"], "/")+1:]
}

// SavedFields reads the documents of a saved response, JSON or XML, list or
// detail: what tests compare the parser's records with.
func SavedFields(body []byte) ([]Fields, error) {
	if strings.HasPrefix(strings.TrimSpace(string(body)), "<") {
		var r struct {
			Docs []struct {
				Link struct {
					Href string `xml:"href,attr"`
				} `xml:"link"`
				Fields []struct {
					XMLName xml.Name
					Text    string `xml:",chardata"`
				} `xml:",any"`
			} `xml:"items>QRVADOC"`
		}
		if err := xml.Unmarshal(body, &r); err != nil {
			return nil, err
		}
		var out []Fields
		for _, d := range r.Docs {
			f := Fields{"link": d.Link.Href}
			for _, e := range d.Fields {
				f[e.XMLName.Local] = e.Text
			}
			out = append(out, f)
		}
		return out, nil
	}
	var r struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, err
	}
	var out []Fields
	for _, it := range r.Items {
		f := Fields{}
		for k, v := range it {
			if l, ok := v.(map[string]any); ok && k == "link" {
				f[k], _ = l["href"].(string)
				continue
			}
			if s := savedText(v); s != "" {
				f[k] = s
			}
		}
		out = append(out, f)
	}
	return out, nil
}

// savedText is a JSON field's text.
func savedText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case []any:
		var ss []string
		for _, e := range v {
			ss = append(ss, savedText(e))
		}
		return strings.Join(ss, "\n")
	case map[string]any:
		return savedText(v["br"])
	}
	return ""
}
