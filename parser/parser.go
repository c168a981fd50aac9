// Package parser is the explicit list of the sources parlq knows (the
// contract they fulfil, parlq.Source, is in the root package). Adding a
// parliament means one new package under parser/, its stand-in site beside
// it, its own saved pages in testdata/, and one line in All.
package parser

import (
	"fmt"
	"sort"
	"strings"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/parser/assemblee"
	"github.com/parlq/parlq/parser/bechamber"
	"github.com/parlq/parlq/parser/brussels"
	"github.com/parlq/parlq/parser/ukparl"
)

// All returns every source parlq knows, in a stable order.
func All() []parlq.Source {
	return []parlq.Source{
		brussels.New(),
		ukparl.New(),
		bechamber.New(),
		assemblee.New(),
	}
}

// Lookup returns the source with the given name.
func Lookup(name string) (parlq.Source, error) {
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
