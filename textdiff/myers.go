package textdiff

// directLimit is the largest number of tokens (old and new together) that
// Myers' algorithm compares directly; longer stretches are cut at patience
// anchors first.
const directLimit = 800

// maxD bounds the edit distance Myers' algorithm looks for within one
// stretch; past it the stretch is given as replaced whole. It bounds the
// memory of one comparison to (maxD+1)² path ends and its time to
// O((n+m)·maxD).
const maxD = directLimit

// diffTokens reports the diff of a and b to emit, in order, as runs of
// tokens; consecutive runs of one kind are merged before emit sees them.
func diffTokens(a, b []string, emit func(Kind, []string)) {
	var pending Kind
	var run []string
	out := func(k Kind, toks []string) {
		if len(toks) == 0 {
			return
		}
		if k != pending && len(run) > 0 {
			emit(pending, run)
			run = nil
		}
		pending = k
		run = append(run, toks...)
	}
	diffRange(a, b, out)
	if len(run) > 0 {
		emit(pending, run)
	}
}

// diffRange diffs a against b: the common prefix and suffix, then the
// middle directly or cut at anchors.
func diffRange(a, b []string, out func(Kind, []string)) {
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	out(Equal, a[:p])
	a, b = a[p:], b[p:]
	s := 0
	for s < len(a) && s < len(b) && a[len(a)-1-s] == b[len(b)-1-s] {
		s++
	}
	suffix := a[len(a)-s:]
	a, b = a[:len(a)-s], b[:len(b)-s]
	switch {
	case len(a) == 0:
		out(Insert, b)
	case len(b) == 0:
		out(Delete, a)
	case len(a)+len(b) <= directLimit:
		myers(a, b, out)
	default:
		anchored(a, b, out)
	}
	out(Equal, suffix)
}

// anchored cuts a long stretch at the tokens that occur exactly once in a
// and once in b, in the longest order-preserving sequence of them (patience
// diff), and diffs the pieces between anchors. Without anchors it is
// compared directly, up to maxD edits.
func anchored(a, b []string, out func(Kind, []string)) {
	type count struct{ a, b, ai, bi int }
	seen := make(map[string]*count)
	for i, t := range a {
		if isSpace(t) {
			continue
		}
		c := seen[t]
		if c == nil {
			c = &count{}
			seen[t] = c
		}
		c.a++
		c.ai = i
	}
	for j, t := range b {
		if c := seen[t]; c != nil {
			c.b++
			c.bi = j
		}
	}
	// Anchors in a's order, with their positions in b.
	var pairs [][2]int
	for i, t := range a {
		if c := seen[t]; c != nil && c.a == 1 && c.b == 1 && c.ai == i {
			pairs = append(pairs, [2]int{i, c.bi})
		}
	}
	pairs = longestIncreasing(pairs)
	if len(pairs) == 0 {
		myers(a, b, out) // bounded: a long stretch with no anchor
		return
	}
	ai, bi := 0, 0
	for _, p := range pairs {
		diffRange(a[ai:p[0]], b[bi:p[1]], out)
		out(Equal, a[p[0]:p[0]+1])
		ai, bi = p[0]+1, p[1]+1
	}
	diffRange(a[ai:], b[bi:], out)
}

// longestIncreasing returns the longest subsequence of pairs (sorted by
// their first element) whose second elements increase (patience sorting).
func longestIncreasing(pairs [][2]int) [][2]int {
	if len(pairs) == 0 {
		return nil
	}
	// tails[k] is the index in pairs of the smallest tail of an increasing
	// subsequence of length k+1; prev links each pair to its predecessor.
	tails := []int{}
	prev := make([]int, len(pairs))
	for i, p := range pairs {
		lo, hi := 0, len(tails)
		for lo < hi {
			mid := (lo + hi) / 2
			if pairs[tails[mid]][1] < p[1] {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		prev[i] = -1
		if lo > 0 {
			prev[i] = tails[lo-1]
		}
		if lo == len(tails) {
			tails = append(tails, i)
		} else {
			tails[lo] = i
		}
	}
	out := make([][2]int, len(tails))
	for k, i := len(tails)-1, tails[len(tails)-1]; k >= 0; k, i = k-1, prev[i] {
		out[k] = pairs[i]
	}
	return out
}

// myers reports a shortest edit script from a to b (Myers 1986, the greedy
// forward algorithm with a trace of the furthest-reaching paths). Past maxD
// edits the stretch is given as replaced whole.
func myers(a, b []string, out func(Kind, []string)) {
	n, m := len(a), len(b)
	limit := min(n+m, maxD)
	off := limit + 1
	v := make([]int32, 2*limit+3)
	// trace[d] is v (for diagonals -d..d) before step d.
	var trace [][]int32
	found := -1
	for d := 0; d <= limit && found < 0; d++ {
		trace = append(trace, append([]int32(nil), v[off-d:off+d+1]...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = int(v[off+k+1]) // down: an insertion
			} else {
				x = int(v[off+k-1]) + 1 // right: a deletion
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = int32(x)
			if x >= n && y >= m {
				found = d
				break
			}
		}
	}
	if found < 0 {
		out(Delete, a)
		out(Insert, b)
		return
	}
	// Walk back from (n, m) to (0, 0), collecting the script in reverse.
	type step struct {
		kind   Kind
		lo, hi int // token range in a (Equal, Delete) or b (Insert)
	}
	var rev []step
	x, y := n, m
	for d := found; d > 0; d-- {
		vd := trace[d] // v before step d: diagonals -(d-1)..(d-1) hold step d-1's ends
		at := func(k int) int { return int(vd[k+d]) }
		k := x - y
		var pk int
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := at(pk)
		py := px - pk
		// The snake from the end of the edit to (x, y).
		var sx int
		if pk == k+1 {
			sx = px // after an insertion x is unchanged
		} else {
			sx = px + 1
		}
		if x > sx {
			rev = append(rev, step{Equal, sx, x})
		}
		if pk == k+1 {
			rev = append(rev, step{Insert, py, py + 1})
		} else {
			rev = append(rev, step{Delete, px, px + 1})
		}
		x, y = px, py
	}
	if x > 0 {
		rev = append(rev, step{Equal, 0, x})
	}
	for i := len(rev) - 1; i >= 0; i-- {
		s := rev[i]
		if s.kind == Insert {
			out(Insert, b[s.lo:s.hi])
		} else {
			out(s.kind, a[s.lo:s.hi])
		}
	}
}
