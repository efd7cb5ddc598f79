package tui

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/slstail/slstail/consumer"
)

// Facets: the top values of one field over the lines in view, the answer to
// "what is it, and where" (which upstream, which host, which status).
//
// A count walks the whole view (up to the buffer, a million lines), so it
// runs in a command over a buffer snapshot, cancelled by the next request.
// It costs one field look-up and one map increment a line: the map is keyed
// by the value strings themselves, which share the records' storage, so
// counting allocates only for each new distinct value.

// maxFacetValues bounds the distinct values counted exactly: an id field
// has as many values as lines, and its top values say nothing anyway.
// Values first seen after the bound are counted together as "other".
const maxFacetValues = 100_000

type facetValue struct {
	value string
	count int
}

// facetResult is what a count found.
type facetResult struct {
	field   string
	lines   int // lines in view (logs; notes are not counted)
	present int // lines that have the field
	values  []facetValue
	// distinct values counted; other is the lines whose value came after
	// maxFacetValues distinct ones (then truncated is set).
	distinct  int
	other     int
	truncated bool

	// numeric: every value present parses as a number ("-" and "" count as
	// missing, as nginx writes them); stats are then set, over numbers.
	numeric bool
	// fractional: some distinct value has a fraction (request_time); a
	// field of whole numbers may be a code (status) rather than a measure.
	fractional bool
	numbers    int
	stats      numStats
	hist       []histBucket
}

// numStats are the order statistics of a numeric field.
type numStats struct {
	min, p50, p90, p99, max float64
}

// histBucket is a range of a coarse histogram: [lo, hi) (the last closed).
type histBucket struct {
	lo, hi float64
	count  int
}

// facetGetter returns how to read field from a record: the log's own
// fields, or the meta fields SPL names __topic__, __source__, __tag__:k.
func facetGetter(field string) func(r consumer.Record) (string, bool) {
	switch {
	case field == "__topic__":
		return func(r consumer.Record) (string, bool) { return r.Topic(), r.Group() != nil }
	case field == "__source__":
		return func(r consumer.Record) (string, bool) { return r.Source(), r.Group() != nil }
	case strings.HasPrefix(field, "__tag__:"):
		tag := field[len("__tag__:"):]
		return func(r consumer.Record) (string, bool) {
			for _, t := range r.Tags() {
				if t.Key == tag {
					return t.Value, true
				}
			}
			return "", false
		}
	}
	return func(r consumer.Record) (string, bool) { return r.Get(field) }
}

// countFacet counts field's values over the lines of view in snap; top is
// how many of the commonest values to keep. ok is false when ctx was
// cancelled first.
func countFacet(ctx context.Context, snap *bufSnap, view lineFilter, field string, top int) (res facetResult, ok bool) {
	res = facetResult{field: field, numeric: true}
	get := facetGetter(field)
	counts := make(map[string]int, 64)
	// isNum caches per distinct value whether it reads as a number.
	notNum := 0
	var extra []float64 // numbers among the values past the distinct bound
	ok = snap.logs(ctx, view, func(_ uint64, e *entry) {
		res.lines++
		v, has := get(e.rec())
		if !has {
			return
		}
		res.present++
		if n, seen := counts[v]; seen {
			counts[v] = n + 1
			return
		}
		if len(counts) >= maxFacetValues {
			res.other++
			res.truncated = true
			if res.numeric && !missingNumber(v) {
				if f, err := strconv.ParseFloat(v, 64); err == nil && !math.IsNaN(f) {
					extra = append(extra, f)
				} else {
					notNum++
				}
			}
			return
		}
		counts[v] = 1
		if !missingNumber(v) {
			switch f, err := strconv.ParseFloat(v, 64); {
			case err != nil || math.IsNaN(f):
				notNum++
			case f != math.Trunc(f):
				res.fractional = true
			}
		}
	})
	if !ok {
		return res, false
	}
	res.distinct = len(counts)
	res.values = topValues(counts, top)
	res.numeric = notNum == 0 && res.present > 0
	if res.numeric {
		res.stats, res.numbers, res.hist = numericStats(counts, extra)
		res.numeric = res.numbers > 0
	}
	return res, true
}

// showNumbers reports whether the field reads better as order statistics
// than as its top values: a measure does, a code does not. Whole numbers
// with few distinct values are taken for codes (HTTP status: 200, 304, 404,
// 499, 503, … rarely more than a few dozen), numbers with fractions for
// measures once they have enough values for percentiles to mean something.
func (r *facetResult) showNumbers() bool {
	if !r.numeric {
		return false
	}
	if r.fractional {
		return r.distinct >= numericMinDistinct
	}
	return r.distinct >= codeMaxDistinct
}

// missingNumber is how logs write "no number": nginx's "-", or nothing.
func missingNumber(v string) bool { return v == "-" || v == "" }

// topValues returns the n commonest values, by count then value.
func topValues(counts map[string]int, n int) []facetValue {
	all := make([]facetValue, 0, len(counts))
	for v, c := range counts {
		all = append(all, facetValue{v, c})
	}
	slices.SortFunc(all, func(a, b facetValue) int {
		if c := cmp.Compare(b.count, a.count); c != 0 {
			return c
		}
		return strings.Compare(a.value, b.value)
	})
	if len(all) > n {
		all = slices.Clip(all[:n])
	}
	return all
}

type weighted struct {
	x float64
	n int
}

// numericStats computes exact order statistics from the distinct values'
// counts (sorting distinct values, not lines) plus the numbers seen past
// the distinct bound, and a ten-bucket histogram from min to max.
func numericStats(counts map[string]int, extra []float64) (st numStats, total int, hist []histBucket) {
	ws := make([]weighted, 0, len(counts)+len(extra))
	for v, c := range counts {
		if missingNumber(v) {
			continue
		}
		f, _ := strconv.ParseFloat(v, 64)
		ws = append(ws, weighted{f, c})
	}
	for _, f := range extra {
		ws = append(ws, weighted{f, 1})
	}
	if len(ws) == 0 {
		return st, 0, nil
	}
	slices.SortFunc(ws, func(a, b weighted) int { return cmp.Compare(a.x, b.x) })
	for _, w := range ws {
		total += w.n
	}
	// The nearest-rank percentile: the smallest value with at least p% of
	// the numbers at or below it.
	rank := func(p float64) float64 {
		want := int(math.Ceil(p / 100 * float64(total)))
		want = max(want, 1)
		seen := 0
		for _, w := range ws {
			seen += w.n
			if seen >= want {
				return w.x
			}
		}
		return ws[len(ws)-1].x
	}
	st = numStats{min: ws[0].x, p50: rank(50), p90: rank(90), p99: rank(99), max: ws[len(ws)-1].x}
	const buckets = 10
	if st.max == st.min || math.IsInf(st.max-st.min, 0) {
		return st, total, []histBucket{{lo: st.min, hi: st.max, count: total}}
	}
	width := (st.max - st.min) / buckets
	hist = make([]histBucket, buckets)
	for i := range hist {
		hist[i].lo = st.min + float64(i)*width
		hist[i].hi = st.min + float64(i+1)*width
	}
	hist[buckets-1].hi = st.max
	for _, w := range ws {
		i := min(int((w.x-st.min)/width), buckets-1)
		hist[i].count += w.n
	}
	return st, total, hist
}

// formatNumber writes a statistic compactly: integers as such, others with
// up to four significant decimals.
func formatNumber(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatFloat(f, 'f', 0, 64)
	}
	return strconv.FormatFloat(f, 'g', 4, 64)
}
