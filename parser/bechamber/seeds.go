package bechamber

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/parlq/parlq"
)

// Seeds returns the first list page of each legislature asked for:
// /v0/qrva?leg=<L>&start=0 on the canonical base.
// Legislature "" is the current one (56), "all" every legislature the
// service is known to serve (54, 55, 56), and a number that legislature.
// Dates are ignored: the list has none, a legislature is paged whole.
func (s *Source) Seeds(opts parlq.SeedOptions) ([]string, error) {
	base := baseURL
	legs, err := legislatures(opts.Legislature)
	if err != nil {
		return nil, err
	}
	seeds := make([]string, 0, len(legs))
	for _, l := range legs {
		seeds = append(seeds, base+listPath+"?leg="+strconv.Itoa(l)+"&start=0")
	}
	return seeds, nil
}

// legislatures reads SeedOptions.Legislature.
func legislatures(opt string) ([]int, error) {
	switch opt = strings.TrimSpace(opt); strings.ToLower(opt) {
	case "":
		return []int{CurrentLegislature}, nil
	case "all":
		return append([]int(nil), knownLegislatures...), nil
	}
	n, err := strconv.Atoi(opt)
	if err != nil || n <= 0 {
		return nil, fmt.Errorf("bechamber seeds: legislature %q is not a number (54, 55, 56…), \"all\" or empty", opt)
	}
	return []int{n}, nil
}
