package crawler

import (
	"net/url"
	"strings"

	"github.com/parlq/parlq"
)

// A source's URLs are on its canonical host, or on several for a
// parlq.Hosted source. Config.BaseURL (a mirror, a test stand-in) serves all
// of them: fetchURL rewrites a canonical URL to it, canonicalize maps a URL
// found on it back, and canonical maps an archived URL back.

// bases returns the canonical scheme://host of every host of src.
func bases(src parlq.Source) []string {
	if h, ok := src.(parlq.Hosted); ok {
		out := make([]string, 0, len(h.Hosts()))
		for _, b := range h.Hosts() {
			out = append(out, strings.TrimRight(b, "/"))
		}
		return out
	}
	return []string{strings.TrimRight(src.BaseURL(), "/")}
}

// onBase says whether u starts with base and goes on with a path, a query
// or nothing (not with more host name).
func onBase(u, base string) bool {
	if !strings.HasPrefix(u, base) {
		return false
	}
	rest := u[len(base):]
	return rest == "" || strings.ContainsRune("/?#", rune(rest[0]))
}

// fetchURL rewrites a canonical URL, on any of the source's hosts, to the
// configured base URL.
func (c *Crawler) fetchURL(canonical string) string {
	if c.cfg.BaseURL == "" {
		return canonical
	}
	for _, b := range bases(c.src) {
		if onBase(canonical, b) {
			return c.cfg.BaseURL + canonical[len(b):]
		}
	}
	return canonical
}

// canonicalize rewrites a URL on the configured base URL back to the
// source's canonical host it belongs to.
func (c *Crawler) canonicalize(u string) string {
	if c.cfg.BaseURL == "" || !onBase(u, c.cfg.BaseURL) {
		return u
	}
	rest := u[len(c.cfg.BaseURL):]
	if h, ok := c.src.(parlq.Hosted); ok {
		// Canonical maps by path: hand it the path without the mirror's
		// own prefix, on the mirror's host.
		if m, err := url.Parse(c.cfg.BaseURL); err == nil {
			return h.Canonical(m.Scheme + "://" + m.Host + rest)
		}
	}
	return strings.TrimRight(c.src.BaseURL(), "/") + rest
}

// canonical rewrites an archived URL, fetched from the canonical site or a
// stand-in for it, to the source's canonical host.
func canonical(src parlq.Source, fetched string) string {
	if h, ok := src.(parlq.Hosted); ok {
		return h.Canonical(fetched)
	}
	u, err := url.Parse(fetched)
	if err != nil {
		return fetched
	}
	return strings.TrimRight(src.BaseURL(), "/") + u.RequestURI()
}

// ofSource says whether an archived URL was fetched from one of the
// source's hosts, or from loopback (a test stand-in).
func ofSource(src parlq.Source, fetched string) bool {
	u, err := url.Parse(fetched)
	if err != nil {
		return false
	}
	if isLoopback(u.Hostname()) {
		return true
	}
	for _, b := range bases(src) {
		if bu, err := url.Parse(b); err == nil && strings.EqualFold(bu.Host, u.Host) {
			return true
		}
	}
	return false
}
