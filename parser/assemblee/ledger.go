package assemblee

import (
	"strconv"
	"strings"

	"github.com/parlq/parlq"
)

var _ parlq.Numbered = (*Source)(nil)

// kindNames name the Assemblée's question kinds in a series.
var kindNames = map[string]string{"QE": "written questions", "QG": "questions to the government", "QOSD": "oral questions without debate"}

// NumberSeries says the Assemblée numbers each kind of question
// consecutively within a legislature (QANR5L17QE1, QE2, …): the series is
// the legislature and the kind, both read from the uid in the record id.
func (*Source) NumberSeries(q *parlq.Question) (string, int, bool) {
	if q == nil {
		return "", 0, false
	}
	uid, ok := strings.CutPrefix(q.ID, SourceName+"/"+strings.ToLower(Assembly)+"/")
	if !ok {
		return "", 0, false
	}
	m := uidRe.FindStringSubmatch(uid)
	if m == nil {
		return "", 0, false
	}
	n, err := strconv.Atoi(m[3])
	if err != nil || n == 0 {
		return "", 0, false
	}
	return "legislature " + m[1] + ", " + kindNames[m[2]], n, true
}
