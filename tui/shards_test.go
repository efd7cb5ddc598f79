package tui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/slstail/slstail/consumer"
)

// held is the status of a shard this session holds, in state st.
func held(shard int, st consumer.ShardState, delivered int64) consumer.ShardStatus {
	return consumer.ShardStatus{Shard: shard, Held: true, Owner: "me@host-1", State: st,
		LogsInPerSec: 50, LogsOutPerSec: 50, Delivered: delivered, CheckpointTime: t0, EndTime: t0}
}

// readOnly marks s split or merged; done, also read to its end (the
// session then reports its state as done).
func readOnly(s consumer.ShardStatus, done bool) consumer.ShardStatus {
	s.ReadOnly = true
	if done {
		s.Done, s.State = true, consumer.ShardDone
	}
	return s
}

// observeShards sends a status poll with these shards.
func observeShards(m *Model, f *fakeSource, shards ...consumer.ShardStatus) {
	f.mu.Lock()
	f.status.Shards = shards
	f.mu.Unlock()
	send(m, statusTickMsg(t0))
}

var paneOf = regexp.MustCompile(` \(\d+/\d+\)`)

// paneTitles are the first words of the pane titles on screen: "s1 · read-only".
func paneTitles(m *Model) []string {
	var out []string
	for _, l := range logLines(m) {
		for _, part := range strings.Split(l, "│") {
			part = strings.TrimLeft(part, " ▌")
			part = paneOf.ReplaceAllString(part, "")
			if strings.HasPrefix(part, "s") && strings.Contains(part, " · ") {
				fs := strings.SplitN(part, " · ", 3)
				out = append(out, fs[0]+" · "+fs[1])
			}
		}
	}
	return out
}

// The tail across a split of shard 1 into 2 and 3, then a merge of 2 and
// 3 into 4, driven by the session's status snapshots and batches as the
// consumer delivers them: the children's panes and lag rows appear as the
// status lists them, the parent is marked read-only while it is read to
// its end and then done, and its pane leaves the grid; its lines stay in
// the merged tail and the buffer.
func TestSplitAndMergeOnScreen(t *testing.T) {
	f := newFake()
	m := newTestModel(t, f, 120, 24)
	observeShards(m, f, held(0, consumer.ShardPulling, 0), held(1, consumer.ShardPulling, 0))
	send(m, batchOf(0, 0, 0, 2), batchOf(1, 0, 1, 3))
	send(m, press("tab")...)
	if got := strings.Join(paneTitles(m), ", "); got != "s0 · pulling, s1 · pulling" {
		t.Fatalf("panes before the split: %s", got)
	}

	// The split: 1 turns read-only, 2 and 3 are born.
	observeShards(m, f, held(0, consumer.ShardPulling, 2), readOnly(held(1, consumer.ShardPulling, 2), false),
		held(2, consumer.ShardStarting, 0), held(3, consumer.ShardStarting, 0))
	send(m, batchOf(1, 0, 5), batchOf(2, 0, 6), batchOf(3, 0, 7))
	if got := strings.Join(paneTitles(m), ", "); got != "s0 · pulling, s1 · read-only, s2 · starting, s3 · starting" {
		t.Fatalf("panes after the split: %s", got)
	}
	t.Run("split", func(t *testing.T) { goldenSizes(t, m) })

	// The parent is read to its end: its pane goes, its lines stay.
	observeShards(m, f, held(0, consumer.ShardPulling, 2), readOnly(held(1, consumer.ShardIdle, 3), true),
		held(2, consumer.ShardPulling, 1), held(3, consumer.ShardPulling, 1))
	if got := strings.Join(paneTitles(m), ", "); got != "s0 · pulling, s2 · pulling, s3 · pulling" {
		t.Fatalf("panes once the parent is done: %s", got)
	}
	if n := m.store.lines(1).Len(); n != 3 {
		t.Fatalf("shard 1 has %d lines in the buffer, want its 3", n)
	}
	send(m, press("tab")...)
	if v := strings.Join(logLines(m), "\n"); !strings.Contains(v, "s1 ") {
		t.Fatalf("the merged tail lost the parent's lines:\n%s", v)
	}
	send(m, press("tab")...)

	// The merge: 2 and 3 turn read-only, 4 is born; then they are done.
	observeShards(m, f, held(0, consumer.ShardPulling, 2), readOnly(held(1, consumer.ShardIdle, 3), true),
		readOnly(held(2, consumer.ShardIdle, 1), false), readOnly(held(3, consumer.ShardPulling, 1), false),
		held(4, consumer.ShardPulling, 0))
	send(m, batchOf(4, 0, 8))
	if got := strings.Join(paneTitles(m), ", "); got != "s0 · pulling, s2 · read-only, s3 · read-only, s4 · pulling" {
		t.Fatalf("panes after the merge: %s", got)
	}
	observeShards(m, f, held(0, consumer.ShardPulling, 2), readOnly(held(1, consumer.ShardIdle, 3), true),
		readOnly(held(2, consumer.ShardIdle, 1), true), readOnly(held(3, consumer.ShardIdle, 1), true),
		held(4, consumer.ShardPulling, 1))
	if got := strings.Join(paneTitles(m), ", "); got != "s0 · pulling, s4 · pulling" {
		t.Fatalf("panes once the merged parents are done: %s", got)
	}
	t.Run("merged", func(t *testing.T) { goldenSizes(t, m) })
	if n := m.store.ring.len(); n != 8 {
		t.Fatalf("%d lines in the buffer, want all 8 delivered", n)
	}
}

// goldenSizes compares the panes and the lag view at 80×24 and wide.
func goldenSizes(t *testing.T, m *Model) {
	for _, sz := range [][2]int{{80, 24}, {160, 30}} {
		send(m, sizeMsg(sz[0], sz[1]))
		t.Run(fmt.Sprintf("panes-%dx%d", sz[0], sz[1]), func(t *testing.T) { goldenView(t, m) })
		send(m, press("L")...)
		t.Run(fmt.Sprintf("lag-%dx%d", sz[0], sz[1]), func(t *testing.T) { goldenView(t, m) })
		send(m, press("L")...)
	}
	send(m, sizeMsg(120, 24))
}

// A pane the user zoomed into stays while they look at it, even once its
// shard is done; leaving the zoom lets it go.
func TestZoomedDonePaneStays(t *testing.T) {
	f := newFake()
	m := newTestModel(t, f, 120, 24)
	observeShards(m, f, held(0, consumer.ShardPulling, 0), readOnly(held(1, consumer.ShardPulling, 0), false))
	send(m, batchOf(0, 0, 0, 2), batchOf(1, 0, 1, 3))
	send(m, press("tab", "l", "enter")...)
	observeShards(m, f, held(0, consumer.ShardPulling, 2), readOnly(held(1, consumer.ShardIdle, 2), true))
	if v := m.View(); !strings.Contains(v, "s1 (2/2) · done") || !strings.Contains(v, "items/3 ") {
		t.Fatalf("the zoomed pane of a done shard went away:\n%s", v)
	}
	send(m, press("esc")...)
	if got := strings.Join(paneTitles(m), ", "); got != "s0 · pulling" {
		t.Fatalf("after the zoom: panes %s, want only s0", got)
	}
}

// Issue 12: a pane whose lines were all evicted says how many its shard
// delivered, not that it waits for logs.
func TestPaneOfEvictedShard(t *testing.T) {
	f := newFake()
	m := newTestModel(t, f, 120, 24, func(o *Options) { o.BufferCap = 10 })
	observeShards(m, f, held(0, consumer.ShardPulling, 0), held(1, consumer.ShardPulling, 0), held(2, consumer.ShardStarting, 0))
	send(m, batchOf(0, 0, seq(0, 5)...))
	send(m, batchOf(1, 0, seq(0, 12)...))
	observeShards(m, f, held(0, consumer.ShardIdle, 5), held(1, consumer.ShardPulling, 12), held(2, consumer.ShardStarting, 0))
	send(m, press("tab")...)
	v := m.View()
	if !strings.Contains(v, "5 delivered, none in buffer") {
		t.Errorf("the evicted shard's pane does not say what it delivered:\n%s", v)
	}
	if !strings.Contains(v, "waiting for logs…") {
		t.Errorf("the shard that delivered nothing should still wait for logs:\n%s", v)
	}
}

func sizeMsg(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }
