package tui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/slstail/slstail/consumer"
)

// at is a record of shard logged at t0+ms, named by its uri.
func at(shard int, ms int, uri string) consumer.Record {
	t := t0.Add(time.Duration(ms) * time.Millisecond)
	g := &consumer.Group{Topic: "nginx", Receive: t.Add(time.Second)}
	return consumer.NewRecord(shard, t, g, consumer.Field{Key: "uri", Value: uri}, consumer.Field{Key: "status", Value: "200"})
}

func deliver(shard, gen int, recs ...consumer.Record) batchMsg {
	return batchMsg{batches: []consumer.Batch{{Shard: shard, Generation: gen, Records: recs}}, records: len(recs)}
}

// mergeModel is a model with the merge on (a one-second hold) and a clock
// of its own, with n shards pulling.
func mergeModel(t *testing.T, f *fakeSource, n int) (*Model, *time.Time) {
	t.Helper()
	f.status.Shards = shardStatus(n)
	m := newTestModel(t, f, 120, 20, func(o *Options) { o.MergeHold = time.Second })
	wall := t0
	m.wall = func() time.Time { return wall }
	send(m, statusTickMsg(t0))
	return m, &wall
}

// buffered is the buffer's lines as uri (notes as "--"), with "+late" on
// the lines the merge released out of order.
func buffered(m *Model) []string {
	var out []string
	for seq := m.store.ring.first; seq < m.store.ring.next; seq++ {
		e := m.store.ring.at(seq)
		if e.isNote() {
			out = append(out, "--")
			continue
		}
		u, _ := e.rec().Get("uri")
		if m.store.isLate(seq) {
			u += "+late"
		}
		out = append(out, u)
	}
	return out
}

func wantLines(t *testing.T, m *Model, want ...string) {
	t.Helper()
	if got := buffered(m); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("buffer %q\nwant   %q", got, want)
	}
}

// Shards delivered out of order come out in log-time order; a shard far
// behind (later than the hold) is still shown, tagged late; a shard at its
// end no longer holds the others.
func TestMergedTailInTimeOrderAndLate(t *testing.T) {
	f := newFake()
	m, wall := mergeModel(t, f, 2)
	cmd := send(m, deliver(0, 0, at(0, 1000, "a1"), at(0, 2000, "a2"), at(0, 3000, "a3")))
	wantLines(t, m) // shard 1 has not been read: it may hold older lines
	if cmd == nil {
		t.Fatal("records are held and no timer is armed for their hold")
	}
	send(m, deliver(1, 0, at(1, 500, "b0.5"), at(1, 2500, "b2.5")))
	// Both shards read past 2.5 s: everything up to there, in time order.
	wantLines(t, m, "b0.5", "a1", "a2", "b2.5")

	// Shard 1 falls silent: a3 goes out when its hold ends, not before.
	*wall = wall.Add(900 * time.Millisecond)
	send(m, mergeTickMsg(*wall))
	wantLines(t, m, "b0.5", "a1", "a2", "b2.5")
	*wall = wall.Add(200 * time.Millisecond)
	send(m, mergeTickMsg(*wall))
	wantLines(t, m, "b0.5", "a1", "a2", "b2.5", "a3")

	// Shard 1 comes back with a line older than a3: shown, marked late.
	send(m, deliver(1, 0, at(1, 2800, "b2.8"), at(1, 4000, "b4")))
	wantLines(t, m, "b0.5", "a1", "a2", "b2.5", "a3", "b2.8+late")
	if v := strings.Join(logLines(m), "\n"); !strings.Contains(v, "s1 late uri=b2.8") {
		t.Errorf("the late line is not tagged in the merged tail:\n%s", v)
	}

	// Shard 0 reaches its end: it no longer holds b4 back.
	f.status.Shards[0].State = consumer.ShardIdle
	send(m, statusTickMsg(*wall))
	wantLines(t, m, "b0.5", "a1", "a2", "b2.5", "a3", "b2.8+late", "b4")

	// The pane of shard 1 keeps the shard's own order, with no tags.
	send(m, press("tab")...)
	for _, l := range strings.Split(m.View(), "\n") {
		if strings.Contains(l, "late") {
			t.Errorf("a pane tags a line late: %q", l)
		}
	}
}

// A replay of history delivered shard by shard (all of s2, then s1 from
// two minutes earlier) is shown in one time order.
func TestHistoryReplayInOneOrder(t *testing.T) {
	f := newFake()
	m, _ := mergeModel(t, f, 2)
	var s1, s0 []consumer.Record
	for i := range 5 {
		s1 = append(s1, at(1, 1000*i+500, "s1-"+string(rune('a'+i))))
		s0 = append(s0, at(0, 1000*i, "s0-"+string(rune('a'+i))))
	}
	send(m, batchMsg{batches: []consumer.Batch{{Shard: 1, Records: s1}, {Shard: 0, Records: s0}}, records: 10})
	f.status.Shards[0].State, f.status.Shards[1].State = consumer.ShardIdle, consumer.ShardIdle
	send(m, statusTickMsg(t0))
	wantLines(t, m, "s0-a", "s1-a", "s0-b", "s1-b", "s0-c", "s1-c", "s0-d", "s1-d", "s0-e", "s1-e")
}

// A query change with lines still held by the merge: they are the old
// query's and go above the marker; the new query's below it, in their
// own time order even though they start earlier; an old line after the
// marker is dropped.
func TestQueryMarkerWithLinesHeld(t *testing.T) {
	f := newFake()
	m, wall := mergeModel(t, f, 2)
	send(m, deliver(0, 0, at(0, 1000, "old1")))
	send(m, deliver(1, 0, at(1, 2000, "old2")))
	wantLines(t, m, "old1") // old2 waits for shard 0
	send(m, press("e", "ctrl+u")...)
	typeText(m, "* | where status = '500'")
	send(m, press("enter")...)
	restart := send(m, press("enter")...)
	runRestart := send(m, restart())
	send(m, deliver(0, 1, at(0, 500, "new0.5"))) // the new query's, before the answer
	send(m, runRestart())
	wantLines(t, m, "old1", "old2", "--")
	send(m, deliver(1, 0, at(1, 2500, "old-straggler")))
	send(m, deliver(1, 1, at(1, 200, "new0.2")))
	wantLines(t, m, "old1", "old2", "--", "new0.2")
	*wall = wall.Add(2 * time.Second)
	send(m, mergeTickMsg(*wall))
	wantLines(t, m, "old1", "old2", "--", "new0.2", "new0.5")
}

// The timer the merge arms fires at the end of the oldest hold and ends
// with the program.
func TestMergeTimerEndsWithDone(t *testing.T) {
	done := make(chan struct{})
	cmd := mergeTick(time.Hour, done)
	got := make(chan tea.Msg)
	go func() { got <- cmd() }()
	close(done)
	if msg := <-got; msg != nil {
		t.Fatalf("got %v after done", msg)
	}
	if msg := mergeTick(0, make(chan struct{}))(); msg == nil {
		t.Fatal("a zero wait did not fire")
	}
}

// Right after a query change the shards' states are polled quickly: a
// shard that delivers nothing of a selective query holds the new query's
// first line only until it is seen at its end, not until the next status
// poll (500 ms) or the merge's hold (1 s). Once the line is shown and the
// merge holds nothing, the quick polls stop.
func TestQuickPollAfterRestart(t *testing.T) {
	f := newFake()
	m, _ := mergeModel(t, f, 2)
	m.quickFor = quickPollFor
	send(m, deliver(0, 0, at(0, 1000, "old1")), deliver(1, 0, at(1, 1000, "old2")))
	send(m, press("e", "ctrl+u")...)
	typeText(m, "* | where status = '500'")
	send(m, press("enter")...)
	restart := send(m, press("enter")...)
	runRestart := send(m, restart())
	send(m, runRestart())
	if !m.quickArmed {
		t.Fatal("no quick poll after the query change")
	}
	send(m, deliver(0, 1, at(0, 1500, "new1")))
	wantLines(t, m, "old1", "old2", "--") // shard 1 may still deliver older lines
	f.mu.Lock()
	f.status.Shards[1].State = consumer.ShardIdle // its first pull came back empty at its end
	f.mu.Unlock()
	send(m, quickPollMsg{})
	wantLines(t, m, "old1", "old2", "--", "new1")
	if m.quickArmed {
		t.Error("quick polls go on with the line shown and nothing held")
	}
}
