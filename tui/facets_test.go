package tui

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/slstail/slstail/consumer"
	"github.com/slstail/slstail/internal/demogen"
	"github.com/slstail/slstail/keymap"
	"github.com/slstail/slstail/spl"
	"github.com/slstail/slstail/themes"
)

// facetBuffer is a known buffer of 100 logs on two shards:
//
//	upstream_addr  10.0.0.1:80 ×50, 10.0.0.2:80 ×30, 10.0.0.3:80 ×15, absent ×5
//	status         503 ×10, 404 ×10, 200 ×80
//	request_time   0.001 … 0.100 (i+1 ms), "-" on line 7
//
// with a query-change note in the middle, which facets ignore.
func facetBuffer() *chunkRing {
	buf := newChunkRing(1000)
	for i := range 100 {
		if i == 40 {
			buf.push(noteEntry("query: * (continuing)"))
		}
		buf.push(logEntry(recWith(i%2, i, knownFields(i)...)))
	}
	return buf
}

// knownFields are the fields of log i of the known buffer.
func knownFields(i int) []consumer.Field {
	var fs []consumer.Field
	switch {
	case i < 50:
		fs = append(fs, consumer.Field{Key: "upstream_addr", Value: "10.0.0.1:80"})
	case i < 80:
		fs = append(fs, consumer.Field{Key: "upstream_addr", Value: "10.0.0.2:80"})
	case i < 95:
		fs = append(fs, consumer.Field{Key: "upstream_addr", Value: "10.0.0.3:80"})
	}
	status := "200"
	switch i % 10 {
	case 0:
		status = "503"
	case 1:
		status = "404"
	}
	rt := fmt.Sprintf("%.3f", float64(i+1)/1000)
	if i == 7 {
		rt = "-"
	}
	fs = append(fs, consumer.Field{Key: "status", Value: status}, consumer.Field{Key: "request_time", Value: rt})
	return fs
}

func TestFacetCounts(t *testing.T) {
	snap := facetBuffer().snapshot()
	all := lineFilter{shard: -1}
	res, ok := countFacet(context.Background(), snap, all, "upstream_addr", 10)
	if !ok {
		t.Fatal("not ok")
	}
	want := []facetValue{{"10.0.0.1:80", 50}, {"10.0.0.2:80", 30}, {"10.0.0.3:80", 15}}
	if !slices.Equal(res.values, want) || res.lines != 100 || res.present != 95 || res.distinct != 3 || res.numeric {
		t.Fatalf("upstream_addr: %+v", res)
	}
	// Ties go by value; top cuts the list.
	res, _ = countFacet(context.Background(), snap, all, "status", 2)
	if want := []facetValue{{"200", 80}, {"404", 10}}; !slices.Equal(res.values, want) || res.distinct != 3 {
		t.Fatalf("status: %+v", res)
	}
	if !res.numeric {
		t.Fatal("status reads as numbers: numeric")
	}
	// The view: shard 1, after the local filter.
	res, _ = countFacet(context.Background(), snap, lineFilter{shard: 1, filter: newMatcher("status=404")}, "upstream_addr", 10)
	if want := []facetValue{{"10.0.0.1:80", 5}, {"10.0.0.2:80", 3}, {"10.0.0.3:80", 2}}; !slices.Equal(res.values, want) || res.lines != 10 {
		t.Fatalf("shard 1, status=404: %+v", res)
	}
	// Meta fields.
	res, _ = countFacet(context.Background(), snap, all, "__tag__:hostname", 10)
	if want := []facetValue{{"web-0", 50}, {"web-1", 50}}; !slices.Equal(res.values, want) {
		t.Fatalf("__tag__:hostname: %+v", res.values)
	}
	res, _ = countFacet(context.Background(), snap, all, "__topic__", 10)
	if want := []facetValue{{"nginx", 100}}; !slices.Equal(res.values, want) {
		t.Fatalf("__topic__: %+v", res.values)
	}
}

// Whole numbers with a few dozen values are codes (status) and open on
// their values; numbers with fractions, or many values, open on their
// statistics.
func TestFacetShowNumbersTellsCodesFromMeasures(t *testing.T) {
	snap := facetBuffer().snapshot()
	all := lineFilter{shard: -1}
	status, _ := countFacet(context.Background(), snap, all, "status", 10)
	rt, _ := countFacet(context.Background(), snap, all, "request_time", 10)
	if status.fractional || !rt.fractional {
		t.Fatalf("fractional: status %v, request_time %v", status.fractional, rt.fractional)
	}
	if status.showNumbers() || !rt.showNumbers() {
		t.Fatalf("showNumbers: status %v, request_time %v", status.showNumbers(), rt.showNumbers())
	}
	for _, tc := range []struct {
		res  facetResult
		want bool
	}{
		{facetResult{numeric: true, distinct: 20}, false},                   // 20 status codes
		{facetResult{numeric: true, distinct: codeMaxDistinct}, true},       // body_bytes_sent
		{facetResult{numeric: true, fractional: true, distinct: 20}, true},  // request_time
		{facetResult{numeric: true, fractional: true, distinct: 3}, false},  // too few for percentiles
		{facetResult{numeric: false, distinct: codeMaxDistinct * 2}, false}, // not numbers
	} {
		if got := tc.res.showNumbers(); got != tc.want {
			t.Errorf("%+v: showNumbers %v, want %v", tc.res, got, tc.want)
		}
	}
}

func TestFacetNumeric(t *testing.T) {
	res, _ := countFacet(context.Background(), facetBuffer().snapshot(), lineFilter{shard: -1}, "request_time", 10)
	if !res.numeric || res.numbers != 99 || res.present != 100 {
		t.Fatalf("request_time: numeric %v, %d numbers of %d present", res.numeric, res.numbers, res.present)
	}
	// Nearest rank over 0.001..0.100 without 0.008: the 50th, 90th and
	// 99th smallest are 0.051, 0.091 and 0.100.
	want := numStats{min: 0.001, p50: 0.051, p90: 0.091, p99: 0.1, max: 0.1}
	if res.stats != want {
		t.Fatalf("stats %+v, want %+v", res.stats, want)
	}
	total := 0
	for _, b := range res.hist {
		total += b.count
	}
	if len(res.hist) != 10 || total != 99 || res.hist[0].count != 9 || res.hist[9].count != 10 {
		t.Fatalf("histogram %+v", res.hist)
	}
}

// Percentiles from distinct values' counts equal those of the sorted lines.
func TestFacetPercentilesMatchSort(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 20 {
		buf := newChunkRing(5000)
		var xs []float64
		for i := range 1 + r.IntN(3000) {
			x := math.Round(r.ExpFloat64()*100) / 10 // repeats, like request_time
			xs = append(xs, x)
			buf.push(logEntry(recWith(0, i, consumer.Field{Key: "t", Value: formatNumber(x)})))
		}
		res, _ := countFacet(context.Background(), buf.snapshot(), lineFilter{shard: -1}, "t", 5)
		slices.Sort(xs)
		nr := func(p float64) float64 { return xs[max(int(math.Ceil(p/100*float64(len(xs)))), 1)-1] }
		want := numStats{min: xs[0], p50: nr(50), p90: nr(90), p99: nr(99), max: xs[len(xs)-1]}
		if res.stats != want {
			t.Fatalf("%d numbers: stats %+v, want %+v", len(xs), res.stats, want)
		}
	}
}

// An id field: past maxFacetValues distinct values, later ones are counted
// together, and said so.
func TestFacetTruncated(t *testing.T) {
	buf := newChunkRing(maxFacetValues + 100)
	for i := range maxFacetValues + 10 {
		buf.push(logEntry(recWith(0, i, consumer.Field{Key: "id", Value: fmt.Sprintf("req-%d", i)})))
	}
	res, _ := countFacet(context.Background(), buf.snapshot(), lineFilter{shard: -1}, "id", 3)
	if !res.truncated || res.other != 10 || res.distinct != maxFacetValues || res.present != maxFacetValues+10 {
		t.Fatalf("truncated %v other %d distinct %d present %d", res.truncated, res.other, res.distinct, res.present)
	}
}

func TestFacetCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, ok := countFacet(ctx, facetBuffer().snapshot(), lineFilter{shard: -1}, "status", 3); ok {
		t.Fatal("a cancelled count reports ok")
	}
}

// facetModel is a facet view over facetBuffer, sized w×h.
func facetModel(w, h int) *facetView {
	buf := facetBuffer()
	th := themes.Dark()
	km := keymap.Default()
	f := newFacetView(&km, &th, facetDeps{
		snapshot: func() (*bufSnap, lineFilter) { return buf.snapshot(), lineFilter{shard: -1} },
		fields:   func() []string { return []string{"upstream_addr", "status", "request_time"} },
		query:    func() string { return "* | where status >= 400" },
		now:      func() time.Time { return t0 },
		loc:      time.UTC,
	})
	f.SetSize(w, h)
	return f
}

// runComponent executes cmd and feeds its message back, as the runtime would, and
// returns the message.
func runComponent(c component, cmd tea.Cmd) tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if msg != nil {
		c.Update(msg)
	}
	return msg
}

func checkFrame(t *testing.T, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		t.Errorf("view has %d rows, want %d", len(lines), h)
	}
	for i, l := range lines {
		if tw := textWidth(l); tw > w {
			t.Errorf("row %d is %d columns wide, screen %d: %q", i, tw, w, l)
		}
	}
}

func TestGoldenFacetValues(t *testing.T) {
	f := facetModel(80, 24)
	runComponent(f, f.open("upstream_addr"))
	f.Update(tea.KeyMsg{Type: tea.KeyDown})
	checkFrame(t, f.View(), 80, 24)
	golden.RequireEqual(t, []byte(f.View()))
}

func TestGoldenFacetValuesWide(t *testing.T) {
	f := facetModel(160, 12)
	runComponent(f, f.open("status"))
	checkFrame(t, f.View(), 160, 12)
	golden.RequireEqual(t, []byte(f.View()))
}

func TestGoldenFacetNumeric(t *testing.T) {
	f := facetModel(80, 24)
	runComponent(f, f.open("request_time"))
	if !f.numbers {
		t.Fatal("request_time (100 distinct numbers) does not open on its statistics")
	}
	checkFrame(t, f.View(), 80, 24)
	golden.RequireEqual(t, []byte(f.View()))
}

func TestFacetKeys(t *testing.T) {
	f := facetModel(80, 24)
	// No field yet: the input, with completion from the fields seen.
	f.open("")
	if !f.editing {
		t.Fatal("open without a field does not ask for one")
	}
	for _, r := range "ups" {
		f.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	f.Update(tea.KeyMsg{Type: tea.KeyTab})
	if got := f.input.Value(); got != "upstream_addr" {
		t.Fatalf("tab completed to %q", got)
	}
	runComponent(f, f.Update(tea.KeyMsg{Type: tea.KeyEnter}))
	if f.res == nil || f.res.field != "upstream_addr" {
		t.Fatal("enter did not count the field")
	}
	f.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("j")})
	choose := func(k tea.KeyMsg) facetAction {
		t.Helper()
		if cmd := f.Update(k); cmd != nil {
			t.Fatalf("%s answered with a command: the choice must be taken in its Update", k)
		}
		a, ok := f.take()
		if !ok {
			t.Fatalf("%s made no choice", k)
		}
		if _, again := f.take(); again {
			t.Fatalf("%s: a choice is taken once", k)
		}
		return a
	}
	pick := facetAction{field: "upstream_addr", value: "10.0.0.2:80"}
	want := pick
	want.kind = facetFilter
	if a := choose(tea.KeyMsg{Type: tea.KeyEnter}); a != want {
		t.Fatalf("enter: %#v", a)
	}
	want.kind = facetExclude
	if a := choose(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("x")}); a != want {
		t.Fatalf("x: %#v", a)
	}
	if a := choose(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("!")}); a != want {
		t.Fatalf("!: %#v", a)
	}
	want.kind, want.query = facetQuery, "* | where status >= 400 | where upstream_addr = '10.0.0.2:80'"
	if a := choose(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("e")}); a != want {
		t.Fatalf("e: %#v, want %#v", a, want)
	}
	// The cursor stays in the list.
	for range 10 {
		f.Update(tea.KeyMsg{Type: tea.KeyDown})
	}
	if f.cursor != 2 {
		t.Fatalf("cursor %d after moving past the end, want 2", f.cursor)
	}
	// tab goes back to the field; esc there returns to the list; esc closes.
	f.Update(tea.KeyMsg{Type: tea.KeyTab})
	if !f.editing {
		t.Fatal("tab does not edit the field")
	}
	f.Update(tea.KeyMsg{Type: tea.KeyEsc})
	if f.editing {
		t.Fatal("esc does not leave the field input")
	}
	if a := choose(tea.KeyMsg{Type: tea.KeyEsc}); a.kind != facetClose {
		t.Fatalf("esc: %#v", a)
	}
}

// A new count supersedes a running one: the older result is dropped.
func TestFacetSupersede(t *testing.T) {
	f := facetModel(80, 24)
	first := f.open("status")
	second := f.count("upstream_addr")
	if msg := first(); msg != nil {
		f.Update(msg)
	}
	if f.res != nil {
		t.Fatalf("a superseded count was shown: %s", f.res.field)
	}
	runComponent(f, second)
	if f.res == nil || f.res.field != "upstream_addr" {
		t.Fatal("the latest count was not shown")
	}
}

var _ component = (*facetView)(nil)

// BenchmarkFacet counts a field over a million buffered demo logs
// (compacted, as the TUI keeps them), the whole of the work a facet
// request does off the Update loop; and the preview of a query and the
// timeline's per-second counts of the same buffer.
//
//	go test -run '^$' -bench Facet -benchtime 5x ./tui
func BenchmarkFacet(b *testing.B) {
	buf := newChunkRing(1_000_000)
	g := demogen.New(1, demogen.Options{})
	recs := make([]consumer.Record, 0, 1000)
	for i := range 1_000_000 {
		l := g.Next(t0.Add(time.Duration(i) * time.Millisecond))
		fs := make([]consumer.Field, len(l.Fields))
		for j, f := range l.Fields {
			fs[j] = consumer.Field{Key: f.Key, Value: f.Value}
		}
		recs = append(recs, consumer.NewRecord(i%4, l.Time, nil, fs...))
		if len(recs) == cap(recs) {
			// Compacted, as the Session delivers what the TUI keeps.
			bt := consumer.Batch{Records: recs}
			bt.Compact()
			for _, r := range recs {
				buf.push(logEntry(r))
			}
			recs = recs[:0]
		}
	}
	snap := buf.snapshot()
	for _, field := range []string{"upstream_addr", "status", "request_time", "client_ip"} {
		b.Run(field, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				res, _ := countFacet(context.Background(), snap, lineFilter{shard: -1}, field, facetTop)
				if res.lines != 1_000_000 {
					b.Fatal(res.lines)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/1M-lines")
		})
	}
	// A preview of a query over the same buffer.
	prog, err := spl.Compile("* | where cast(status as bigint) >= 500")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("preview", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			res, _ := runPreview(context.Background(), prog, snap, time.UTC)
			if res.lines != 1_000_000 {
				b.Fatal(res.lines)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/1M-lines")
	})
	// The timeline over the same buffer, with a search as the predicate.
	search := newMatcher("status=re:^5")
	b.Run("timeline", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			d, _ := bucketize(context.Background(), timelineSource{snap: snap, shard: -1, match: search.matchEntry}, false)
			if d.lines != 1_000_000 {
				b.Fatal(d.lines)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/1M-lines")
	})
}

// The question on the demo's data: during a 5xx burst, the facet of
// upstream_addr over the 5xx lines puts the backend demogen made fail on
// top.
func TestFacetFindsFailingBackend(t *testing.T) {
	g := demogen.New(7, demogen.Options{})
	start := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	at := start
	for g.FailingBackend(at) == "" {
		at = at.Add(time.Second)
		if at.Sub(start) > 5*time.Minute {
			t.Fatal("no burst in five minutes")
		}
	}
	failing := g.FailingBackend(at)
	// A minute of traffic around the burst's start, 200 logs a second.
	buf := newChunkRing(100_000)
	from := at.Add(-30 * time.Second)
	for i := range 60 * 200 {
		l := g.Next(from.Add(time.Duration(i) * 5 * time.Millisecond))
		fs := make([]consumer.Field, len(l.Fields))
		for j, f := range l.Fields {
			fs[j] = consumer.Field{Key: f.Key, Value: f.Value}
		}
		buf.push(logEntry(consumer.NewRecord(i%4, l.Time, nil, fs...)))
	}
	res, _ := countFacet(context.Background(), buf.snapshot(), lineFilter{shard: -1, filter: newMatcher("status=re:^5")}, "upstream_addr", 5)
	if len(res.values) == 0 || res.values[0].value != failing {
		t.Fatalf("top upstream_addr of the 5xx lines: %+v, want %s first", res.values, failing)
	}
	t.Logf("%s: %d of %d 5xx lines", failing, res.values[0].count, res.present)
}
