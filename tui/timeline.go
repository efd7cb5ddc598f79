package tui

import (
	"context"
	"math"
	"slices"
)

// The timeline's engine: per-second counts of the buffer, every line in
// view against the lines that match (the local filter or the search), to
// answer "since when". Like facets it walks the buffer in a command over a
// snapshot.

// maxTimelineSpan bounds the seconds a timeline covers, back from the
// newest line: a log with a bogus time (1970) must not make a chart of
// fifty years. Older lines are counted apart, as "before".
const maxTimelineSpan = 6 * 3600

// timelineData is the per-second counts.
type timelineData struct {
	start    int64    // Unix second of bucket 0
	all      []int    // lines in view per second
	matched  []int    // of those, the lines the predicate kept
	firstSeq []uint64 // the first line (in buffer order) of each second; 0 when none
	has      []bool   // the second has a line (firstSeq is valid)
	shards   []int    // shard ids, sorted, when per shard was asked
	perShard map[int][]int
	before   int // lines older than the span
	lines    int
}

// timelineSource is what the root hands the timeline: a snapshot, which
// shard the view shows (-1 all), and the predicate of "matched" (nil: no
// filter or search, nothing is counted as matched). The predicate must not
// change after it is handed over.
type timelineSource struct {
	snap  *bufSnap
	shard int
	match func(*entry) bool
	label string // what matched means, for the title: `filter "status=5"`
}

// bucketize counts src's lines per second. ok is false when ctx was
// cancelled first.
func bucketize(ctx context.Context, src timelineSource, perShard bool) (d timelineData, ok bool) {
	// First pass: the newest time, to place the span. Buffer order is
	// arrival order, not time order, so it takes a pass.
	newest := int64(math.MinInt64)
	oldest := int64(math.MaxInt64)
	view := lineFilter{shard: src.shard}
	ok = src.snap.logs(ctx, view, func(_ uint64, e *entry) {
		s := e.rec().Time.Unix()
		newest = max(newest, s)
		oldest = min(oldest, s)
	})
	if !ok || newest == math.MinInt64 {
		return d, ok
	}
	if newest-oldest >= maxTimelineSpan {
		// Some line is older than the span (a bogus time, or a buffer of
		// days): start at the oldest line inside it, not at its edge.
		lo := newest - maxTimelineSpan + 1
		oldest = newest
		if !src.snap.logs(ctx, view, func(_ uint64, e *entry) {
			if s := e.rec().Time.Unix(); s >= lo {
				oldest = min(oldest, s)
			}
		}) {
			return d, false
		}
	}
	d.start = oldest
	n := int(newest - d.start + 1)
	d.all = make([]int, n)
	d.matched = make([]int, n)
	d.firstSeq = make([]uint64, n)
	d.has = make([]bool, n)
	if perShard {
		d.perShard = map[int][]int{}
	}
	ok = src.snap.logs(ctx, view, func(seq uint64, e *entry) {
		d.lines++
		b := int(e.rec().Time.Unix() - d.start)
		if b < 0 {
			d.before++
			return
		}
		d.all[b]++
		if !d.has[b] {
			d.has[b], d.firstSeq[b] = true, seq
		}
		if src.match != nil && src.match(e) {
			d.matched[b]++
		}
		if perShard {
			c := d.perShard[e.p.Shard()]
			if c == nil {
				c = make([]int, n)
				d.perShard[e.p.Shard()] = c
				d.shards = append(d.shards, e.p.Shard())
			}
			c[b]++
		}
	})
	slices.Sort(d.shards)
	return d, ok
}

// column is the counts of one chart column: k seconds from second from.
type column struct {
	from, k      int // bucket index and width in seconds
	all, matched float64
	first        uint64 // first line of the column, in buffer order
	has          bool
}

// columns folds the seconds into at most w columns of k seconds each (the
// smallest k that fits), averaging to lines per second. The newest second
// is always the last column's last.
func (d *timelineData) columns(w int) (cols []column, k int) {
	n := len(d.all)
	if n == 0 || w <= 0 {
		return nil, 1
	}
	k = (n + w - 1) / w
	// Columns end at the newest second: the first one may be partial.
	ncols := (n + k - 1) / k
	cols = make([]column, ncols)
	for c := range cols {
		hi := n - (ncols-1-c)*k // exclusive
		lo := max(hi-k, 0)
		col := column{from: lo, k: hi - lo}
		sa, sm := 0, 0
		for b := lo; b < hi; b++ {
			sa += d.all[b]
			sm += d.matched[b]
			if d.has[b] && (!col.has || d.firstSeq[b] < col.first) {
				col.first, col.has = d.firstSeq[b], true
			}
		}
		// Average over the column's own seconds: the oldest column may be
		// narrower than k.
		col.all = float64(sa) / float64(col.k)
		col.matched = float64(sm) / float64(col.k)
		cols[c] = col
	}
	return cols, k
}

// shardColumns is columns for one shard's counts.
func (d *timelineData) shardColumns(shard, w int) []float64 {
	counts := d.perShard[shard]
	n := len(counts)
	if n == 0 || w <= 0 {
		return nil
	}
	k := (n + w - 1) / w
	ncols := (n + k - 1) / k
	out := make([]float64, ncols)
	for c := range out {
		hi := n - (ncols-1-c)*k
		lo := max(hi-k, 0)
		s := 0
		for b := lo; b < hi; b++ {
			s += counts[b]
		}
		out[c] = float64(s) / float64(hi-lo)
	}
	return out
}
