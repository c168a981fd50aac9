package ukparl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/parlq/parlq"
)

// item is one result of the list endpoint.
type item struct {
	Value json.RawMessage `json:"value"`
}

// Discover reads a list page, the envelope {"totalResults": N, "results":
// [{"value": {…}, "links": […]}]} (a bare array of result items is accepted
// too, with an unknown total), into one ref per question and the next page.
//
// A ref's URL is the detail endpoint built from value.id on the list's own
// host; its Updated is the latest of the tabled, holding-answer, answer and
// correction dates; its Listing is the record the list tells, its question
// and answer texts cut as the list cuts them. The next page is the
// same URL with skip advanced by take while skip+take < totalResults. Any
// item the source cannot read fails the whole page: no partial refs.
func (s *Source) Discover(pageURL string, body []byte) (*parlq.Discovery, error) {
	u, err := url.Parse(pageURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("ukparl: list url %q is not an absolute URL", pageURL)
	}
	items, total, err := decodeList(pageURL, body)
	if err != nil {
		return nil, err
	}
	detailBase := u.Scheme + "://" + u.Host + detailPath(u.Path) + "/"
	d := &parlq.Discovery{Refs: make([]parlq.Ref, 0, len(items)), Total: total}
	for i, it := range items {
		where := fmt.Sprintf("results[%d].value", i)
		if len(it.Value) == 0 || isNull(it.Value) {
			return nil, &parlq.LayoutError{URL: pageURL, Missing: []string{where}}
		}
		var v value
		if _, err := unmarshalValue(pageURL, where, it.Value, &v); err != nil {
			return nil, err
		}
		if missing := v.missing(where + "."); len(missing) > 0 {
			return nil, &parlq.LayoutError{URL: pageURL, Missing: missing}
		}
		// The list cuts texts at about 255 characters: the listing keeps
		// them as the list shows them, for the crawler to check a first
		// reading against (a question read without the text its list
		// shows is held back); they never reach a record (MergeListing
		// takes no texts).
		listing := record(&v, pageURL, true)
		d.Refs = append(d.Refs, parlq.Ref{
			ID:       v.recordID(),
			URL:      detailBase + v.nativeID() + "?expandMember=true",
			Type:     parlq.WrittenQuestion,
			Received: listing.Received,
			Updated:  v.updated(),
			Listing:  listing,
		})
	}
	if total >= 0 && len(items) > 0 {
		q := u.Query()
		skip, _ := strconv.Atoi(q.Get("skip"))
		take, err := strconv.Atoi(q.Get("take"))
		if err != nil || take <= 0 {
			take = len(items)
		}
		if skip < 0 {
			skip = 0
		}
		if next := skip + take; next < total {
			d.Next = append(d.Next, withSkip(u, next))
		}
	}
	return d, nil
}

// decodeList returns the items of a list body and its total (-1 when the body
// is a bare array).
func decodeList(pageURL string, body []byte) ([]item, int, error) {
	if b := bytes.TrimLeft(body, " \t\r\n"); len(b) > 0 && b[0] == '[' {
		var items []item
		if err := json.Unmarshal(body, &items); err != nil {
			if !json.Valid(body) {
				return nil, 0, fmt.Errorf("ukparl: %s: %w: %v", pageURL, ErrMalformed, err)
			}
			return nil, 0, &parlq.LayoutError{URL: pageURL, Missing: []string{"an array of {\"value\": …} items"}}
		}
		return items, -1, nil
	}
	obj, err := decodeObject(pageURL, body)
	if err != nil {
		return nil, 0, err
	}
	if err := softError(pageURL, body, obj); err != nil {
		return nil, 0, err
	}
	var missing []string
	var total int
	if raw, ok := obj["totalResults"]; !ok || json.Unmarshal(raw, &total) != nil || total < 0 {
		missing = append(missing, "totalResults")
	}
	var items []item
	if raw, ok := obj["results"]; !ok || isNull(raw) || json.Unmarshal(raw, &items) != nil {
		missing = append(missing, "results")
	}
	if len(missing) > 0 {
		return nil, 0, &parlq.LayoutError{URL: pageURL, Missing: missing}
	}
	return items, total, nil
}

// detailPath is the path details hang under: the list's own path when it is
// the list endpoint (possibly under a mirror's prefix), else the canonical one.
func detailPath(p string) string {
	p = strings.TrimRight(p, "/")
	if strings.HasSuffix(strings.ToLower(p), listPath) {
		return p
	}
	return listPath
}

// withSkip returns u with its skip parameter set to skip, the other
// parameters left in their order.
func withSkip(u *url.URL, skip int) string {
	n := *u
	var parts []string
	found := false
	for _, p := range strings.Split(u.RawQuery, "&") {
		if p == "" {
			continue
		}
		k, _, _ := strings.Cut(p, "=")
		if k == "skip" {
			if found {
				continue
			}
			found = true
			p = "skip=" + strconv.Itoa(skip)
		}
		parts = append(parts, p)
	}
	if !found {
		parts = append(parts, "skip="+strconv.Itoa(skip))
	}
	n.RawQuery = strings.Join(parts, "&")
	n.Fragment = ""
	return n.String()
}
