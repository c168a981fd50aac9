package crawler

import (
	"testing"

	"github.com/parlq/parlq/parser/assemblee"
)

// TestHostsOfAMirror: a mirror given as the base URL serves every host of a
// source on several hosts; URLs found on it map back to the host their path
// belongs to; a URL that merely starts like a host is not on it.
func TestHostsOfAMirror(t *testing.T) {
	src := assemblee.New()
	for _, mirror := range []string{"http://127.0.0.1:8080", "https://mirror.example/an"} {
		c := &Crawler{cfg: Config{BaseURL: mirror}, src: src}
		for canon, path := range map[string]string{
			"https://data.assemblee-nationale.fr/static/openData/repository/17/x.zip": "/static/openData/repository/17/x.zip",
			"https://www.assemblee-nationale.fr/dyn/opendata/QANR5L17QE1.json":        "/dyn/opendata/QANR5L17QE1.json",
		} {
			if got := c.fetchURL(canon); got != mirror+path {
				t.Errorf("fetchURL(%s) on %s = %s; want %s", canon, mirror, got, mirror+path)
			}
			if got := c.canonicalize(mirror + path); got != canon {
				t.Errorf("canonicalize(%s) = %s; want %s", mirror+path, got, canon)
			}
		}
		for _, other := range []string{"https://www.assemblee-nationale.fr.example/dyn/x", "https://example.org/dyn/x"} {
			if got := c.fetchURL(other); got != other {
				t.Errorf("fetchURL(%s) = %s; want it left alone", other, got)
			}
		}
	}
	if got := canonical(src, "http://127.0.0.1:9/dyn/opendata/QANR5L17QE1.json"); got != "https://www.assemblee-nationale.fr/dyn/opendata/QANR5L17QE1.json" {
		t.Errorf("canonical of an archived stand-in URL = %s", got)
	}
	if !ofSource(src, "https://www.assemblee-nationale.fr/dyn/opendata/x.json") || !ofSource(src, "https://data.assemblee-nationale.fr/x") ||
		!ofSource(src, "http://127.0.0.1:9/x") || ofSource(src, "https://example.org/x") {
		t.Error("ofSource does not know the source's hosts")
	}
}
