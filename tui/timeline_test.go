package tui

import (
	"context"
	"slices"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/slstail/slstail/consumer"
	"github.com/slstail/slstail/keymap"
	"github.com/slstail/slstail/themes"
)

// timelineBuffer holds lines at known seconds after t0 (status 5xx marks
// the matching ones), out of time order as a merged tail in arrival order
// is, with a note and a line from 1970 (older than the span).
func timelineBuffer() *chunkRing {
	buf := newChunkRing(1000)
	add := func(shard int, sec float64, status string) {
		at := t0.Add(time.Duration(sec * float64(time.Second)))
		buf.push(logEntry(consumer.NewRecord(shard, at, nil, consumer.Field{Key: "status", Value: status})))
	}
	add(0, 2.1, "200")                           // seq 0
	add(0, 0.0, "500")                           // seq 1
	add(1, 0.5, "200")                           // seq 2
	add(1, 0.9, "503")                           // seq 3
	buf.push(noteEntry("query: * (continuing)")) // seq 4
	add(0, 2.0, "200")                           // seq 5
	add(1, 2.2, "200")
	add(1, 2.9, "504")
	add(0, 2.5, "200")
	add(0, 3.0, "200")                                              // seq 9
	buf.push(logEntry(consumer.NewRecord(0, time.Unix(0, 0), nil))) // 1970
	return buf
}

func status5xx(e *entry) bool {
	v, _ := e.rec().Get("status")
	return len(v) == 3 && v[0] == '5'
}

func TestTimelineBuckets(t *testing.T) {
	src := timelineSource{snap: timelineBuffer().snapshot(), shard: -1, match: status5xx, label: "5xx"}
	d, ok := bucketize(context.Background(), src, true)
	if !ok {
		t.Fatal("not ok")
	}
	if d.start != t0.Unix() {
		t.Fatalf("start %d s after t0, want the oldest line inside the span", d.start-t0.Unix())
	}
	off := int(t0.Unix() - d.start) // bucket of t0
	got := func(xs []int) []int { return xs[off:] }
	if want := []int{3, 0, 5, 1}; !slices.Equal(got(d.all), want) {
		t.Errorf("all %v, want %v", got(d.all), want)
	}
	if want := []int{2, 0, 1, 0}; !slices.Equal(got(d.matched), want) {
		t.Errorf("matched %v, want %v", got(d.matched), want)
	}
	if want := []int{1, 0, 3, 1}; !slices.Equal(got(d.perShard[0]), want) {
		t.Errorf("shard 0 %v, want %v", got(d.perShard[0]), want)
	}
	if want := []int{2, 0, 2, 0}; !slices.Equal(got(d.perShard[1]), want) {
		t.Errorf("shard 1 %v, want %v", got(d.perShard[1]), want)
	}
	// The first line of a second is the first in buffer order.
	if d.firstSeq[off] != 1 || d.firstSeq[off+2] != 0 || d.firstSeq[off+3] != 9 || d.has[off+1] {
		t.Errorf("first lines %v, has %v", d.firstSeq[off:], d.has[off:])
	}
	if d.before != 1 || d.lines != 10 || !slices.Equal(d.shards, []int{0, 1}) {
		t.Errorf("before %d lines %d shards %v", d.before, d.lines, d.shards)
	}
	// One shard's view.
	d1, _ := bucketize(context.Background(), timelineSource{snap: src.snap, shard: 1, match: status5xx}, false)
	if want := []int{2, 0, 2}; !slices.Equal(d1.all[len(d1.all)-3:], want) || d1.perShard != nil {
		t.Errorf("shard 1 alone: %v", d1.all)
	}
}

// Seconds fold into columns that end at the newest second; the oldest
// column may be narrower, and averages over its own seconds.
func TestTimelineColumns(t *testing.T) {
	d := timelineData{start: 100}
	for i := range 25 {
		d.all = append(d.all, i)
		d.matched = append(d.matched, i%2)
		d.has = append(d.has, true)
		d.firstSeq = append(d.firstSeq, uint64(1000-i))
	}
	cols, k := d.columns(10)
	if k != 3 || len(cols) != 9 {
		t.Fatalf("k %d, %d columns; want 3 and 9", k, len(cols))
	}
	if c := cols[0]; c.from != 0 || c.k != 1 || c.all != 0 || c.first != 1000 {
		t.Errorf("oldest column %+v", c)
	}
	if c := cols[8]; c.from != 22 || c.k != 3 || c.all != 23 || c.matched != 1.0/3 || c.first != 1000-24 {
		t.Errorf("newest column %+v", c)
	}
	if cols, k := d.columns(100); k != 1 || len(cols) != 25 || cols[24].all != 24 {
		t.Errorf("wide: k %d, %d columns", k, len(cols))
	}
}

func timelineModel(w, h int) *timelineView {
	buf := timelineBuffer()
	th := themes.Dark()
	km := keymap.Default()
	tv := newTimelineView(&km.Timeline, &th, timelineDeps{
		source: func() timelineSource {
			return timelineSource{snap: buf.snapshot(), shard: -1, match: status5xx, label: `filter "status=re:^5"`}
		},
		now: func() time.Time { return t0 },
		loc: time.UTC,
	})
	tv.SetSize(w, h)
	return tv
}

func TestTimelineKeys(t *testing.T) {
	tv := timelineModel(80, 20)
	runComponent(tv, tv.open())
	// The cursor starts on the newest column (t0+3s): enter jumps to its
	// first line.
	jump := func() *timelineJump {
		t.Helper()
		if cmd := tv.Update(tea.KeyMsg{Type: tea.KeyEnter}); cmd != nil {
			t.Fatal("enter answered with a command: the jump must be taken in its Update")
		}
		j, _ := tv.take()
		return j
	}
	if j := jump(); j == nil || j.seq != 9 || !j.at.Equal(t0.Add(3*time.Second)) {
		t.Fatalf("enter: %#v", j)
	}
	tv.Update(tea.KeyMsg{Type: tea.KeyLeft})
	tv.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("h")})
	if j := jump(); j != nil {
		t.Fatalf("enter on an empty second: %#v", j)
	}
	tv.Update(tea.KeyMsg{Type: tea.KeyLeft})
	if j := jump(); j == nil || j.seq != 1 || !j.at.Equal(t0) {
		t.Fatalf("enter on t0: %#v", j)
	}
	tv.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("l")})
	tv.Update(tea.KeyMsg{Type: tea.KeyRight})
	tv.Update(tea.KeyMsg{Type: tea.KeyRight})
	if tv.cursor != -1 {
		t.Fatalf("cursor %d after moving to the newest, want -1 (follows)", tv.cursor)
	}
	tv.Update(tea.KeyMsg{Type: tea.KeyEsc})
	if j, closed := tv.take(); j != nil || !closed {
		t.Fatalf("esc: jump %#v closed %v", j, closed)
	}
}

func TestGoldenTimeline(t *testing.T) {
	tv := timelineModel(80, 24)
	runComponent(tv, tv.open())
	tv.Update(tea.KeyMsg{Type: tea.KeyLeft})
	checkFrame(t, tv.View(), 80, 24)
	golden.RequireEqual(t, []byte(tv.View()))
}

func TestGoldenTimelinePerShard(t *testing.T) {
	tv := timelineModel(160, 20)
	runComponent(tv, tv.open())
	runComponent(tv, tv.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("s")}))
	checkFrame(t, tv.View(), 160, 20)
	golden.RequireEqual(t, []byte(tv.View()))
}

var _ component = (*timelineView)(nil)
