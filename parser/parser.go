// Package parser holds the contract every parliament source fulfils and the
// explicit list of sources parlq knows.
//
// A source knows one parliament's site and never does I/O: the crawler hands
// it the bytes it fetched. Adding a parliament means one new package under
// parser/, its own saved pages in testdata/, and one line in All.
package parser

import (
	"fmt"
	"sort"
	"strings"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/parser/brussels"
	"github.com/parlq/parlq/parser/ukparl"
)

// Source reads one parliament's site. Every method is a pure function of its
// arguments.
type Source interface {
	// Name is the stable short name ("brussels"), the first part of every id.
	Name() string
	// Parliament is the full name of the parliament.
	Parliament() string
	// BaseURL is the canonical scheme://host the source's URLs start with.
	BaseURL() string
	// Version changes whenever Parse would produce different records from
	// the same bytes; it is stored with every version.
	Version() string
	// Seeds returns the index/list URLs a harvest starts from.
	Seeds(opts parlq.SeedOptions) ([]string, error)
	// Discover reads an index/list page into question references and next pages.
	Discover(url string, body []byte) (*parlq.Discovery, error)
	// Parse reads one detail page into a record. An unknown layout is a
	// *parlq.LayoutError; an error page is parlq.ErrSoftError.
	Parse(url string, body []byte) (*parlq.Question, error)
	// Normalize returns the part of a detail page whose change means the
	// question changed (never per-request tokens or site chrome).
	Normalize(url string, body []byte) ([]byte, error)
	// Recheck says when stored questions are due to be fetched again.
	Recheck() parlq.RecheckPolicy
}

// All returns every source parlq knows, in a stable order.
func All() []Source {
	return []Source{
		brussels.New(),
		ukparl.New(),
	}
}

// Lookup returns the source with the given name.
func Lookup(name string) (Source, error) {
	for _, s := range All() {
		if s.Name() == name {
			return s, nil
		}
	}
	return nil, fmt.Errorf("unknown source %q (known: %s)", name, strings.Join(Names(), ", "))
}

// Names lists the known source names, sorted.
func Names() []string {
	var names []string
	for _, s := range All() {
		names = append(names, s.Name())
	}
	sort.Strings(names)
	return names
}
