package bechamber

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/parlq/parlq"
)

var (
	_ parlq.Numbered = (*Source)(nil)
	_ parlq.Caveated = (*Source)(nil)
)

// nativeRe reads a record id's native part, "<L>-<P>-<NNNN>-<DOCNAME>"
// (sdocname.native).
var nativeRe = regexp.MustCompile(`^(\d{1,3})-(\d{1,4})-(\d{1,6})-\d{6,20}$`)

// NumberSeries says the Chamber numbers each minister's questions of a
// legislature consecutively (QUESTNUM): the series is the legislature and
// the minister's order of precedence, the two the document name pairs the
// number with ("54-B117-2-1389-…": legislature 54, minister 2, question
// 1389). Both are read from the record id, which a list's item and the
// document give alike. A reshuffle that gives a precedence to another
// minister puts two ministers' numbers in one series: a gap can then be
// hidden by the other's numbers, never made up.
func (*Source) NumberSeries(q *parlq.Question) (string, int, bool) {
	if q == nil {
		return "", 0, false
	}
	native, ok := strings.CutPrefix(q.ID, name+"/"+assembly+"/")
	if !ok {
		return "", 0, false
	}
	m := nativeRe.FindStringSubmatch(native)
	if m == nil {
		return "", 0, false
	}
	leg, _ := strconv.Atoi(m[1])
	pres, _ := strconv.Atoi(m[2])
	n, _ := strconv.Atoi(m[3])
	if leg == 0 || n == 0 {
		return "", 0, false
	}
	return fmt.Sprintf("legislature %d, minister %d in order of precedence", leg, pres), n, true
}

// Caveat is the service's own warning, which every response carries.
func (*Source) Caveat() string {
	return "The Chamber's open data service calls its data test data, not necessarily up to date or complete: " +
		"these are the counts it announced and delivered, as they are."
}
