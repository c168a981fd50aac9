package bechamber

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/parlq/parlq"
)

// Discover reads a list page, /v0/qrva?leg=<L>&start=<offset> ({"disclaimer",
// "start", "total", "items": […]}; the same in XML is accepted), into one ref
// per document and the next page.
//
// A ref's URL is the document, /v0/qrva/<SDOCNAME>, on the list's own host
// (the item's link must name that SDOCNAME); its id is the stable form of
// the SDOCNAME (see the package documentation). The list gives no dates:
// Received and Updated stay empty. Its Listing tells the author, the
// number, the titles and minister in both languages, the main descriptor
// and, for answered and cancelled questions, the status, so that the
// crawler fetches a question again as soon as the list shows it answered.
//
// The next page starts after this one's items (start + len(items)) while
// that is below total. A page that does not start where it was asked to, an
// item of another legislature than the one asked for, or an item the source
// cannot read (an unknown STATUSQ) fails the whole page: no partial refs.
// "items": [] without start and total is the service's error answer:
// parlq.ErrSoftError.
func (s *Source) Discover(pageURL string, body []byte) (*parlq.Discovery, error) {
	u, err := url.Parse(pageURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("bechamber: list url %q is not an absolute URL", pageURL)
	}
	p, err := decodePage(pageURL, body)
	if err != nil {
		return nil, err
	}
	var missing []string
	if p.start < 0 || p.total < 0 {
		if p.hasItems && len(p.items) == 0 {
			return nil, fmt.Errorf("bechamber: %s: %w: an empty answer without start and total", pageURL, parlq.ErrSoftError)
		}
		for _, k := range []struct {
			name string
			v    int
		}{{"start", p.start}, {"total", p.total}} {
			if k.v < 0 {
				missing = append(missing, k.name+" (this is not a list page)")
			}
		}
	}
	if !p.hasItems {
		missing = append(missing, "items")
	}
	q := u.Query()
	asked := 0
	if v := q.Get("start"); v != "" {
		if asked, err = strconv.Atoi(v); err != nil || asked < 0 {
			return nil, fmt.Errorf("bechamber: list url %q has a start that is not a count", pageURL)
		}
	}
	if p.start >= 0 && p.start != asked {
		missing = append(missing, fmt.Sprintf("start %d as asked (got %d)", asked, p.start))
	}
	leg := -1
	if v := q.Get("leg"); v != "" {
		if leg, err = strconv.Atoi(v); err != nil {
			return nil, fmt.Errorf("bechamber: list url %q has a legislature that is not a number", pageURL)
		}
	}
	if len(missing) > 0 {
		return nil, &parlq.LayoutError{URL: pageURL, Missing: missing}
	}
	detailBase := u.Scheme + "://" + u.Host + detailPath(u.Path) + "/"
	d := &parlq.Discovery{Refs: make([]parlq.Ref, 0, len(p.items)), Total: p.total}
	for i := range p.items {
		r := &reader{d: &p.items[i], where: fmt.Sprintf("items[%d].", i)}
		sd, ok := r.sdoc()
		_, st := r.status()
		if ok && leg >= 0 && sd.leg != leg {
			r.miss("SDOCNAME of legislature %d (got %s)", leg, sd.raw)
		}
		l := listing(r, sd, listStatus(st))
		if len(r.missing) > 0 {
			missing = append(missing, r.missing...)
			continue
		}
		d.Refs = append(d.Refs, parlq.Ref{
			ID:      sd.recordID(),
			URL:     detailBase + url.PathEscape(sd.raw),
			Type:    parlq.WrittenQuestion,
			Listing: l,
		})
	}
	if len(missing) > 0 {
		return nil, &parlq.LayoutError{URL: pageURL, Missing: missing}
	}
	if next := p.start + len(p.items); len(p.items) > 0 && next < p.total {
		d.Next = append(d.Next, withStart(u, next))
	}
	return d, nil
}

// detailPath is the path documents hang under: the list's own path when it
// is the list endpoint (possibly under a mirror's prefix), else the
// canonical one.
func detailPath(p string) string {
	p = strings.TrimRight(p, "/")
	if strings.HasSuffix(p, listPath) {
		return p
	}
	return listPath
}

// withStart returns u with its start parameter set (parameters in
// alphabetical order: "leg=56&start=10", as Seeds writes them).
func withStart(u *url.URL, start int) string {
	n := *u
	q := n.Query()
	q.Set("start", strconv.Itoa(start))
	n.RawQuery = q.Encode()
	n.Fragment = ""
	return n.String()
}
