package tui

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/slstail/slstail/consumer"
	"github.com/slstail/slstail/keymap"
)

func newTestModel(t *testing.T, f *fakeSource, w, h int, mods ...func(*Options)) *Model {
	t.Helper()
	opts := testOptions()
	opts.SaveDir = t.TempDir()
	// Lines go into the buffer as they are delivered, merged only within
	// one delivery: the tests of the time-ordered merge set a hold and the
	// merge's clock themselves.
	opts.MergeHold = -1
	for _, mod := range mods {
		mod(&opts)
	}
	m := New(f, opts)
	// Update takes in all it is sent, whatever the machine's speed: the
	// tests of the ingest's budget set a clock of their own.
	m.budget = 0
	// No quick status polls after a query change: their timer would be in
	// the commands that the tests run by hand (TestQuickPollAfterRestart).
	m.quickFor = 0
	t.Cleanup(m.closeDone)
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	m.Update(statusTickMsg(t0))
	return m
}

// send feeds messages to Update and returns the last command.
func send(m *Model, msgs ...tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	for _, msg := range msgs {
		_, cmd = m.Update(msg)
	}
	return cmd
}

func typeText(m *Model, s string) {
	for _, r := range s {
		send(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

// idle says no text field, overlay or detail view is open: keys go to the
// log views.
func idle(m *Model) bool {
	return m.focused() == nil && m.overlay == nil && !m.logs.inDetail
}

// do runs a (non-blocking) command and feeds its message back.
func do(t *testing.T, m *Model, cmd tea.Cmd) tea.Cmd {
	t.Helper()
	if cmd == nil {
		t.Fatal("expected a command, got nil")
	}
	return send(m, cmd())
}

func batchOf(shard, gen int, idx ...int) batchMsg {
	b := consumer.Batch{Shard: shard, Generation: gen}
	for _, i := range idx {
		b.Records = append(b.Records, rec(shard, i))
	}
	return batchMsg{batches: []consumer.Batch{b}, records: len(b.Records)}
}

func seq(from, to int) []int {
	var out []int
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}

// logLines is the log area of the view (between header and SPL bar).
func logLines(m *Model) []string {
	lines := strings.Split(m.View(), "\n")
	return lines[1 : 1+m.bodyHeight()]
}

// A filter indexed over a snapshot and installed after lines arrived and
// were evicted holds what filtering the buffer then would: the evicted
// lines dropped, the new ones (and a note) matched on install.
func TestFilterInstalledAfterTheBufferMoved(t *testing.T) {
	st := newStore(100)
	for i := 0; i < 100; i++ {
		st.add(rec(i%3, i), false)
	}
	m := newMatcher("status=500")
	snap := st.snapshot()
	idx, ok := indexFilter(context.Background(), snap, m)
	snap.release()
	if !ok {
		t.Fatal("indexFilter did not finish")
	}
	for i := 100; i < 130; i++ { // 30 evicted
		st.add(rec(i%3, i), false)
	}
	st.addNote("query: * (continuing)")
	st.install(m, idx)

	want := newStore(100)
	for seq := st.ring.first; seq < st.ring.next; seq++ {
		want.push(*st.ring.at(seq))
	}
	want.setFilter(m)
	seqs := func(l lineSet, base uint64) []uint64 {
		var out []uint64
		for i := 0; i < l.Len(); i++ {
			out = append(out, l.At(i)-base)
		}
		return out
	}
	if got, w := seqs(&st.fAll, st.ring.first), seqs(&want.fAll, want.ring.first); !slices.Equal(got, w) || len(got) == 0 {
		t.Fatalf("installed filter keeps %v, filtering now keeps %v", got, w)
	}
	for sh := range 3 {
		if got, w := seqs(st.fshard(sh), st.ring.first), seqs(want.fshard(sh), want.ring.first); !slices.Equal(got, w) {
			t.Errorf("shard %d: installed %v, filtering now %v", sh, got, w)
		}
	}
}

func TestRingEvictsAndIndexesFollow(t *testing.T) {
	st := newStore(5)
	st.setFilter(newMatcher("status=500"))
	for i := 0; i < 12; i++ {
		st.add(rec(i%3, i), false)
	}
	if st.ring.len() != 5 || st.ring.evicted != 7 || st.received != 12 {
		t.Fatalf("len %d evicted %d received %d, want 5 7 12", st.ring.len(), st.ring.evicted, st.received)
	}
	total := 0
	for _, id := range st.ids {
		l := st.shards[id]
		total += l.Len()
		for i := 0; i < l.Len(); i++ {
			if l.At(i) < st.ring.first {
				t.Errorf("shard %d index holds evicted seq %d", id, l.At(i))
			}
			if st.ring.at(l.At(i)).rec().Shard != id {
				t.Errorf("shard %d index points at another shard", id)
			}
		}
	}
	if total != 5 {
		t.Errorf("shard indexes hold %d lines, buffer %d", total, 5)
	}
	for i := 0; i < st.fAll.Len(); i++ {
		e := st.ring.at(st.fAll.At(i))
		if e == nil || !strings.Contains(fmt.Sprint(e.rec().AppendFields(nil)), "500") {
			t.Errorf("filtered index holds %v", e)
		}
	}
	// Indexes stay bounded over a long run (the dead prefix is compacted).
	for i := 0; i < 50_000; i++ {
		st.add(rec(0, i), false)
	}
	if l := st.shards[0]; len(l.blocks) > 2 {
		t.Errorf("shard index holds %d blocks after 50k lines in a 5-line buffer", len(l.blocks))
	}
}

func TestReceiveCoalescesQueuedBatches(t *testing.T) {
	ch := make(chan consumer.Batch, 20)
	done := make(chan struct{})
	defer close(done)
	for i := 0; i < 10; i++ {
		ch <- consumer.Batch{Shard: i % 3, Records: make([]consumer.Record, 5)}
	}
	msg := receiveBatches(ch, done)().(batchMsg)
	if len(msg.batches) != 10 || msg.records != 50 {
		t.Fatalf("one message got %d batches / %d records, want 10 / 50", len(msg.batches), msg.records)
	}
	close(ch)
	if msg := receiveBatches(ch, done)().(batchMsg); !msg.closed {
		t.Error("closed channel not reported")
	}
}

func TestReceiveCapsOneMessage(t *testing.T) {
	ch := make(chan consumer.Batch, 200)
	done := make(chan struct{})
	defer close(done)
	for i := 0; i < 200; i++ {
		ch <- consumer.Batch{Records: make([]consumer.Record, 1000)}
	}
	msg := receiveBatches(ch, done)().(batchMsg)
	if msg.records < maxCoalesce || msg.records > maxCoalesce+1000 {
		t.Errorf("message holds %d records, cap is %d", msg.records, maxCoalesce)
	}
	if len(ch) == 0 {
		t.Error("the whole queue went into one message")
	}
}

func TestReceiveEndsWhenDone(t *testing.T) {
	ch := make(chan consumer.Batch)
	done := make(chan struct{})
	got := make(chan tea.Msg)
	go func() { got <- receiveBatches(ch, done)() }()
	close(done)
	if msg := <-got; msg != nil {
		t.Errorf("got %v after done, want nil", msg)
	}
	evDone := make(chan struct{})
	close(evDone)
	if msg := receiveEvents(make(chan consumer.Event), evDone)(); msg != nil {
		t.Errorf("events: got %v after done", msg)
	}
}

func TestBatchRearmsReceiver(t *testing.T) {
	m := newTestModel(t, newFake(), 100, 20)
	if cmd := send(m, batchOf(0, 0, 1, 2)); cmd == nil {
		t.Fatal("no receive command after a batch: the stream would stop")
	}
	if cmd := send(m, batchMsg{closed: true}); cmd != nil {
		t.Error("re-armed on a closed channel")
	}
	if !strings.Contains(m.View(), "● stopped") {
		t.Errorf("conn after close:\n%s", m.View())
	}
}

func TestPauseHoldsScreenAndCountsNewLines(t *testing.T) {
	m := newTestModel(t, newFake(), 100, 12)
	send(m, batchOf(0, 0, seq(0, 20)...))
	send(m, press("space")...)
	before := logLines(m)
	send(m, batchOf(1, 0, seq(100, 107)...))
	if after := logLines(m); !reflect.DeepEqual(before, after) {
		t.Errorf("paused screen moved:\n%s\n---\n%s", strings.Join(before, "\n"), strings.Join(after, "\n"))
	}
	if !strings.Contains(m.View(), "PAUSED +7 new") {
		t.Errorf("status does not count waiting lines:\n%s", m.View())
	}
	send(m, press("G")...)
	if !strings.Contains(m.View(), "items/9 ") || !strings.Contains(m.View(), "FOLLOW") {
		t.Errorf("G did not resume following:\n%s", m.View())
	}
}

func TestNavigation(t *testing.T) {
	m := newTestModel(t, newFake(), 100, 12)
	send(m, batchOf(0, 0, seq(0, 50)...))
	ls := m.store.lines(-1)
	cur := func() int { return ls.Pos(m.logs.tail.cursor) }
	send(m, press("k", "k")...)
	if cur() != 47 || m.logs.tail.follow {
		t.Fatalf("after k k cursor %d follow %v", cur(), m.logs.tail.follow)
	}
	send(m, press("g")...)
	if cur() != 0 || !strings.Contains(logLines(m)[0], "items/0 ") {
		t.Fatalf("g: cursor %d, top line %q", cur(), logLines(m)[0])
	}
	send(m, press("j")...)
	send(m, tea.KeyMsg{Type: tea.KeyPgDown})
	if cur() != 1+m.logs.tail.height-1 {
		t.Errorf("pgdown cursor %d", cur())
	}
	send(m, tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonWheelUp})
	if cur() != m.logs.tail.height-3 {
		t.Errorf("wheel up cursor %d", cur())
	}
	// The cursor line is always on screen.
	for _, k := range []string{"k", "k", "k", "k", "k", "k", "k", "k", "k", "k", "k", "k"} {
		send(m, press(k)...)
		found := false
		for _, l := range logLines(m) {
			if strings.HasPrefix(l, "▌") {
				found = true
			}
		}
		if !found {
			t.Fatalf("cursor off screen at %d", cur())
		}
	}
}

// esc while a filter is being applied gives it up: the filter before it
// stays, the keys held for it are dropped, and its late result is ignored.
func TestEscCancelsAFilterBeingApplied(t *testing.T) {
	m := newTestModel(t, newFake(), 110, 14)
	send(m, batchOf(0, 0, seq(0, 40)...))
	send(m, press("f")...)
	typeText(m, "status=500")
	filter := send(m, press("enter")...)
	send(m, press("k")...) // held for the filtered view
	run(t, m, send(m, press("esc")...))
	if m.logs.filtering != nil || len(m.logs.held) != 0 || m.store.filter != nil {
		t.Fatalf("after esc: filtering %v, %d keys held, filter %v", m.logs.filtering, len(m.logs.held), m.store.filter)
	}
	if !strings.Contains(m.notice, "cancelled") {
		t.Errorf("notice %q, want the filter cancelled", m.notice)
	}
	run(t, m, filter) // the result of the run given up
	if m.store.filter != nil {
		t.Errorf("a cancelled filter was installed: %v", m.store.filter)
	}
	if !m.logs.tail.follow {
		t.Error("the held k moved the cursor after the filter was cancelled")
	}
}

func TestLocalFilterDoesNotRestart(t *testing.T) {
	f := newFake()
	m := newTestModel(t, f, 110, 14)
	send(m, batchOf(0, 0, seq(0, 40)...), batchOf(1, 0, seq(40, 80)...))
	send(m, press("f")...)
	typeText(m, "status=500")
	run(t, m, send(m, press("enter")...)) // the filter is applied in a command
	lines := logLines(m)
	n := 0
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n++
		if !strings.Contains(l, "status=500") {
			t.Errorf("filtered view shows %q", l)
		}
	}
	if n == 0 {
		t.Fatal("filter shows nothing")
	}
	if len(f.restarts) != 0 {
		t.Error("a local filter restarted the source")
	}
	if !strings.Contains(m.View(), "filter status=500") {
		t.Error("status line does not show the filter")
	}
	// New lines are filtered as they arrive; zoomed panes are filtered too.
	send(m, batchOf(2, 0, 4, 5, 6))
	if !strings.Contains(logLines(m)[len(lines)-1], "s2") {
		t.Errorf("new matching line not shown last: %q", logLines(m)[len(lines)-1])
	}
	// Negation and clearing.
	send(m, press("f")...)
	send(m, tea.KeyMsg{Type: tea.KeyCtrlU})
	typeText(m, "!status=500")
	run(t, m, send(m, press("enter")...))
	for _, l := range logLines(m) {
		if strings.Contains(l, "status=500") {
			t.Errorf("negated filter shows %q", l)
		}
	}
	send(m, press("f")...)
	send(m, tea.KeyMsg{Type: tea.KeyCtrlU})
	send(m, press("enter")...)
	if m.store.filter != nil {
		t.Error("empty filter did not clear")
	}
}

func TestSearchJumpsToMatches(t *testing.T) {
	m := newTestModel(t, newFake(), 100, 12)
	send(m, batchOf(0, 0, seq(0, 200)...))
	send(m, press("/")...)
	typeText(m, "items/13 ")
	send(m, press("enter")...)
	at := func() string { v, _ := m.store.ring.at(m.logs.tail.cursor).rec().Get("uri"); return v }
	// rec(0,i) has uri items/(i%97): 13 at i=13 and 110; searching goes back.
	if at() != "/api/v1/items/13" || m.logs.tail.follow {
		t.Fatalf("search landed on %s", at())
	}
	first := m.store.lines(-1).Pos(m.logs.tail.cursor)
	send(m, press("n")...)
	if got := m.store.lines(-1).Pos(m.logs.tail.cursor); got >= first || at() != "/api/v1/items/13" {
		t.Errorf("n went to %d (%s), want an older match than %d", got, at(), first)
	}
	run(t, m, send(m, press("n")...))
	if !strings.Contains(m.View(), "no older match") {
		t.Error("no notice when there is no older match")
	}
	run(t, m, send(m, press("N")...))
	if got := m.store.lines(-1).Pos(m.logs.tail.cursor); got != first {
		t.Errorf("N went to %d, want %d", got, first)
	}
	// The match found takes back the "no match" (a warning, which would
	// otherwise stay, and take the counter's place at 80 columns).
	if m.notice != "" {
		t.Errorf("notice %q after a match was found", m.notice)
	}
	// A regexp is quoted as typed, and a new search that finds its match
	// takes back the last one's "no match" too.
	send(m, press("/", "ctrl+u")...) // the prompt opens on the last pattern
	typeText(m, `re:items/9\d{3}`)
	run(t, m, send(m, press("enter")...))
	if want := `no older match for "re:items/9\d{3}"`; m.notice != want {
		t.Errorf("notice %q, want %q", m.notice, want)
	}
	send(m, press("/", "ctrl+u")...)
	typeText(m, `re:status=5\d\d`)
	run(t, m, send(m, press("enter")...))
	if m.notice != "" {
		t.Errorf("notice %q after a search that found its match", m.notice)
	}
	send(m, press("esc")...)
	if m.logs.search != nil {
		t.Error("esc did not clear the search")
	}
}

func TestMatcher(t *testing.T) {
	e := ptr(logEntry(consumer.NewRecord(0, time.Time{}, nil, consumer.Field{Key: "Status", Value: "500"}, consumer.Field{Key: "uri", Value: "/Login"})))
	tests := []struct {
		pat  string
		want bool
	}{
		{"login", true}, {"Login", true}, {"LOGIN", false}, {"status=5", true}, {"uri=5", false},
		{"!login", false}, {"!nothing", true}, {"", true}, {"status", true}, {"=500", true},
	}
	for _, tt := range tests {
		if got := newMatcher(tt.pat).matchEntry(e); got != tt.want {
			t.Errorf("%q: got %v, want %v", tt.pat, got, tt.want)
		}
	}
	if got := newMatcher("ab").find("xABxab", 10); !reflect.DeepEqual(got, [][2]int{{1, 3}, {4, 6}}) {
		t.Errorf("find = %v", got)
	}
}

// applyQuery drives the editor: e, replace the text, enter, pick a start,
// enter, and runs the restart.
func applyQuery(t *testing.T, m *Model, q string, choice ...string) {
	t.Helper()
	send(m, press("e")...)
	send(m, tea.KeyMsg{Type: tea.KeyCtrlU})
	typeText(m, q)
	if cmd := send(m, press("enter")...); cmd != nil {
		t.Fatalf("enter on the query should ask where to start, got a command")
	}
	send(m, press(choice...)...)
	cmd := send(m, press("enter")...)
	restart := do(t, m, cmd) // applyQueryMsg → Restart command
	do(t, m, restart)        // restartedMsg
}

func TestEditorAppliesQueryFromChosenStart(t *testing.T) {
	tests := []struct {
		keys []string
		want consumer.StartFrom
	}{
		{nil, consumer.StartFrom{Kind: consumer.PosContinue}},
		{[]string{"n"}, consumer.StartFrom{Kind: consumer.PosEnd}},
		{[]string{"right", "right", "backspace", "backspace", "4", "5"}, consumer.StartFrom{Kind: consumer.PosAgo, Ago: 45 * time.Minute}},
		{[]string{"b"}, consumer.StartFrom{Kind: consumer.PosBegin}},
	}
	for _, tt := range tests {
		f := newFake()
		m := newTestModel(t, f, 100, 14)
		q := "* | where cast(status as bigint) >= 500"
		applyQuery(t, m, q, tt.keys...)
		if len(f.restarts) != 1 || f.restarts[0] != q || f.froms[0] != tt.want {
			t.Errorf("keys %v: restarts %q from %+v, want %+v", tt.keys, f.restarts, f.froms, tt.want)
		}
		if !idle(m) || m.editor.running != q {
			t.Errorf("after apply: idle %v running %q", idle(m), m.editor.running)
		}
	}
}

func TestEditorRestartDropsOldGenerationAndMarksBuffer(t *testing.T) {
	f := newFake()
	m := newTestModel(t, f, 100, 14)
	send(m, batchOf(0, 0, 1, 2))
	applyQuery(t, m, "* | where status = '500'")
	send(m, batchOf(0, 0, 3))  // the replaced query's, late: its run is closed, not shown
	send(m, batchOf(0, 1, 11)) // the new query's, after the marker
	send(m, batchOf(0, 0, 4))  // a straggler after the marker: not shown
	lines := logLines(m)
	want := []string{"items/1 ", "items/2 ", "── query: * | where status = '500' (continuing) ──", "items/11 "}
	for i, w := range want {
		if !strings.Contains(lines[i], w) {
			t.Errorf("line %d = %q, want %q", i, lines[i], w)
		}
	}
	if v := m.View(); strings.Contains(v, "items/3 ") || strings.Contains(v, "items/4 ") {
		t.Error("a straggler of the replaced query was shown after the marker")
	}
}

// The new query's first batch may arrive before the restart's answer: it
// still lands below the marker, and the old query's lines above it
// (issue 13, item 9).
func TestQueryMarkerPlacedFromTheData(t *testing.T) {
	f := newFake()
	m := newTestModel(t, f, 100, 14)
	send(m, batchOf(0, 0, 1))
	send(m, press("e")...)
	send(m, tea.KeyMsg{Type: tea.KeyCtrlU})
	typeText(m, "* | where status = '500'")
	send(m, press("enter")...)
	restart := send(m, press("enter")...) // applyQueryMsg
	run := send(m, restart())             // the Restart command, not run yet
	send(m, batchOf(1, 0, 2))             // the old query's, before the restart answered
	send(m, batchOf(0, 1, 11))            // the new query's, before the restart answered
	send(m, run())                        // restartedMsg
	send(m, batchOf(1, 1, 12))
	lines := logLines(m)
	want := []string{"items/1 ", "items/2 ", "── query: * | where status = '500' (continuing) ──", "items/11 ", "items/12 "}
	for i, w := range want {
		if i >= len(lines) || !strings.Contains(lines[i], w) {
			t.Fatalf("lines %q, want %q in that order", lines, want)
		}
	}
}

func TestEditorRejectionKeepsOldQuery(t *testing.T) {
	f := newFake()
	f.restartErr = errRejected
	m := newTestModel(t, f, 120, 14)
	m.editor.running = "*"
	applyQuery(t, m, "* | where status = '500'")
	if m.editor.running != "*" {
		t.Errorf("running query became %q after a rejection", m.editor.running)
	}
	view := m.View()
	if !strings.Contains(view, `rejected: server rejected the query: 1:17: unknown function "lenght"`) ||
		!strings.Contains(view, "previous query keeps running") {
		t.Errorf("rejection not shown:\n%s", view)
	}
	if !m.editor.Focused() {
		t.Error("the editor closed on a rejection; the user would lose the text")
	}
	// The stream keeps flowing meanwhile.
	send(m, batchOf(0, 0, 42))
	if !strings.Contains(m.View(), "items/42 ") {
		t.Error("stream stopped after a rejection")
	}
}

func TestEditorRefusesInvalidQuery(t *testing.T) {
	f := newFake()
	m := newTestModel(t, f, 100, 14)
	send(m, press("e")...)
	typeText(m, " | where (")
	if cmd := send(m, press("enter")...); cmd != nil || m.editor.stage != stageEdit {
		t.Fatal("enter applied an invalid query")
	}
	if !strings.Contains(m.View(), "^ 1:") {
		t.Errorf("no positioned error:\n%s", m.View())
	}
	send(m, press("esc")...)
	if !idle(m) || m.editor.input.Value() != m.editor.running {
		t.Errorf("esc: idle %v, text %q", idle(m), m.editor.input.Value())
	}
}

func TestEditorTakesAllKeys(t *testing.T) {
	m := newTestModel(t, newFake(), 100, 14)
	send(m, press("e")...)
	send(m, tea.KeyMsg{Type: tea.KeyCtrlU})
	typeText(m, "qL? ")
	if m.quitting || !m.editor.Focused() || m.editor.input.Value() != "qL? " {
		t.Errorf("keys leaked out of the editor: quitting %v editing %v text %q", m.quitting, m.editor.Focused(), m.editor.input.Value())
	}
}

func TestHistoryPersistsAndWalks(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state", "history")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("* | where a = '1'\n* | where b = '2'\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f := newFake()
	m := newTestModel(t, f, 100, 14, func(o *Options) { o.HistoryFile = path })
	send(m, loadHistory(path)())
	send(m, press("e")...)
	send(m, press("up")...)
	if got := m.editor.input.Value(); got != "* | where b = '2'" {
		t.Fatalf("up: %q", got)
	}
	send(m, press("up", "up")...)
	if got := m.editor.input.Value(); got != "* | where a = '1'" {
		t.Fatalf("up up up: %q", got)
	}
	send(m, press("down", "down")...)
	if got := m.editor.input.Value(); got != "*" {
		t.Fatalf("down to the draft (the running query): %q", got)
	}
	send(m, press("esc")...)

	send(m, press("e")...)
	send(m, tea.KeyMsg{Type: tea.KeyCtrlU})
	typeText(m, "* | where a = '1'")
	send(m, press("enter")...)
	restart := do(t, m, send(m, press("enter")...))
	save := do(t, m, restart)
	do(t, m, save)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(data); got != "* | where b = '2'\n* | where a = '1'\n" {
		t.Errorf("history file:\n%s", got)
	}
}

func TestSaveWritesJSONLines(t *testing.T) {
	m := newTestModel(t, newFake(), 100, 14)
	send(m, batchOf(0, 0, 1, 2, 3), batchOf(1, 0, 4))
	m.store.addNote("a note is not a log")
	send(m, press("s")...)
	want := filepath.Join(m.opts.SaveDir, "slstail-20261124-182000.jsonl")
	if got := m.logs.prompt.input.Value(); got != want {
		t.Fatalf("default path %q, want %q", got, want)
	}
	run(t, m, send(m, press("enter")...))
	if m.notice != "saved 4 logs to "+want {
		t.Errorf("notice %q", m.notice)
	}
	data, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines saved", len(lines))
	}
	var obj map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &obj); err != nil {
		t.Fatal(err)
	}
	if obj["uri"] != "/api/v1/items/1" || obj["__shard__"] != 0.0 || obj["__tag__:hostname"] != "web-0" {
		t.Errorf("saved object %v", obj)
	}
	if !strings.HasPrefix(lines[0], fmt.Sprintf(`{"__time__":%d,"__shard__":0,"__topic__":"nginx"`, t0.Unix())) {
		t.Errorf("meta fields not first: %s", lines[0])
	}
	// Saving again to the same name must not overwrite.
	send(m, press("s")...)
	send(m, tea.KeyMsg{Type: tea.KeyCtrlU})
	typeText(m, want)
	run(t, m, send(m, press("enter")...))
	if !strings.Contains(m.notice, "file exists") || m.noticeLevel != noticeError {
		t.Errorf("overwrite not refused: %q", m.notice)
	}
}

func TestDetailCopiesWithOSC52(t *testing.T) {
	clip := &bytes.Buffer{}
	m := newTestModel(t, newFake(), 100, 30, func(o *Options) { o.Clipboard = clip })
	r := recWith(0, 7, append(recFields(7), consumer.Field{Key: "body", Value: `{"user":{"id":7,"roles":["a","b"]}}`})...)
	send(m, batchMsg{batches: []consumer.Batch{{Records: []consumer.Record{r}}}})
	send(m, press("enter")...)
	if !m.logs.inDetail {
		t.Fatal("enter did not open the detail view")
	}
	view := m.View()
	if !strings.Contains(view, `"roles": [`) {
		t.Errorf("JSON value not pretty-printed:\n%s", view)
	}
	t.Setenv("TMUX", "")
	t.Setenv("TERM", "xterm")
	do(t, m, send(m, press("y")...))
	want := "\x1b]52;c;" + base64.StdEncoding.EncodeToString(r.AppendJSON(nil)) + "\a"
	if clip.String() != want {
		t.Errorf("clipboard got %q, want %q", clip.String(), want)
	}
	if !strings.Contains(m.View(), "copied") {
		t.Error("no copy notice")
	}
	send(m, press("esc")...)
	if !idle(m) {
		t.Error("esc did not close the detail view")
	}
}

func TestLogValuesCannotDriveTheTerminal(t *testing.T) {
	m := newTestModel(t, newFake(), 160, 12)
	r := recWith(0, 1,
		consumer.Field{Key: "msg", Value: "\x1b[2J\x1b]0;pwned\x07red\x1b[31m"},
		consumer.Field{Key: "file\u202e", Value: "gpj.exe"},
		consumer.Field{Key: "multi", Value: "a\nb\rc"},
	)
	send(m, batchMsg{batches: []consumer.Batch{{Records: []consumer.Record{r}}}})
	for _, v := range []viewMode{vmDefault, vmRaw, vmJSON} {
		m.logs.fmtr.mode = v
		m.logs.rend.invalidate()
		send(m, linesMsg{})
		view := m.View()
		if strings.ContainsAny(view, "\x1b\x07\r\u202e") {
			t.Errorf("%v: control characters reached the screen: %q", v, view)
		}
		if !strings.Contains(view, `\x1b[2J`) && !strings.Contains(view, `\u001b[2J`) {
			t.Errorf("%v: escape not shown visibly:\n%s", v, view)
		}
	}
	send(m, press("enter")...)
	if view := m.View(); strings.ContainsAny(view, "\x1b\x07\r\u202e") {
		t.Errorf("detail view: control characters reached the screen: %q", view)
	}
}

func TestViewModesAndWrap(t *testing.T) {
	m := newTestModel(t, newFake(), 80, 12)
	send(m, batchOf(3, 0, 5))
	last := func() string {
		ls := logLines(m)
		for i := len(ls) - 1; i >= 0; i-- {
			if strings.TrimSpace(ls[i]) != "" {
				return ls[i]
			}
		}
		return ""
	}
	if l := last(); !strings.HasPrefix(l, "▌18:20:00.685 s3 method=POST") {
		t.Errorf("default: %q", l)
	}
	send(m, press("v")...)
	if l := last(); !strings.HasPrefix(l, "▌method=POST uri=") {
		t.Errorf("raw: %q", l)
	}
	send(m, press("v")...)
	if l := last(); !strings.HasPrefix(l, `▌{"method":"POST","uri":"/api/v1/items/5"`) {
		t.Errorf("json: %q", l)
	}
	send(m, press("v")...)
	ls := logLines(m)
	// The fields people look at, short ones first: cdn_in and ua are not.
	if !strings.Contains(ls[0], "status  method  latency_ms  uri") || strings.Contains(ls[0], "cdn_in") {
		t.Errorf("columns header: %q", ls[0])
	}
	send(m, press("C")...)
	send(m, tea.KeyMsg{Type: tea.KeyCtrlU})
	typeText(m, "status,lat")
	send(m, tea.KeyMsg{Type: tea.KeyTab}) // completes latency_ms
	send(m, press("enter")...)
	if got := m.logs.fmtr.columns; !reflect.DeepEqual(got, []string{"status", "latency_ms"}) {
		t.Errorf("columns %q", got)
	}
	if l := last(); !strings.Contains(l, "s3 200") || !strings.Contains(l, "65") {
		t.Errorf("columns row: %q", l)
	}
	send(m, press("v")...) // back to default
	send(m, press("w")...)
	rows := 0
	for _, l := range logLines(m) {
		if lipgloss.Width(l) > 80 {
			t.Errorf("wrapped row too wide: %q", l)
		}
		if strings.TrimSpace(l) != "" {
			rows++
		}
	}
	if rows != 2 {
		t.Errorf("one 100-column line at width 80 wrapped into %d rows", rows)
	}
}

func TestEvictionIsShown(t *testing.T) {
	m := newTestModel(t, newFake(), 120, 10, func(o *Options) { o.BufferCap = 10 })
	send(m, batchOf(0, 0, seq(0, 25)...))
	if !strings.Contains(m.View(), "lines 10/10 (15 evicted)") {
		t.Errorf("eviction not shown:\n%s", m.View())
	}
	send(m, press("c", "c")...)
	if !strings.Contains(m.View(), "lines 0/10") || !strings.Contains(m.View(), "waiting for logs") {
		t.Errorf("clear:\n%s", m.View())
	}
}

func TestPanesManyShardsPageAndZoom(t *testing.T) {
	f := newFake()
	f.status.Shards = shardStatus(20)
	m := newTestModel(t, f, 100, 20)
	for s := 0; s < 20; s++ {
		send(m, batchOf(s, 0, s, s+20))
	}
	send(m, press("tab")...)
	if !strings.Contains(m.View(), "1/20") {
		t.Fatalf("no page position:\n%s", m.View())
	}
	for i := 0; i < 19; i++ {
		send(m, press("l")...)
	}
	view := m.View()
	if !strings.Contains(view, "s19 ") || !strings.Contains(view, "20/20") {
		t.Errorf("focus did not page to the last shard:\n%s", view)
	}
	send(m, press("enter")...)
	if !m.logs.panes.zoomed || !strings.Contains(m.View(), "items/39 ") {
		t.Errorf("zoom on s19:\n%s", m.View())
	}
	send(m, press("esc")...)
	if m.logs.panes.zoomed {
		t.Error("esc did not unzoom")
	}
}

func TestEveryViewFitsEverySize(t *testing.T) {
	f := newFake()
	f.status.Shards = shardStatus(17)
	m := newTestModel(t, f, 100, 30)
	for s := 0; s < 17; s++ {
		send(m, batchOf(s, 0, seq(0, 12)...))
	}
	setups := map[string][]string{
		"tail": nil, "panes": {"tab"}, "zoom": {"tab", "enter"}, "lag": {"L"}, "detail": {"enter"},
		"help": {"?"}, "editor": {"e", "(", "(", "'"}, "wrap": {"w"}, "columns": {"v", "v", "v"},
	}
	for name, keys := range setups {
		m := newTestModel(t, f, 100, 30)
		for s := 0; s < 17; s++ {
			send(m, batchOf(s, 0, seq(0, 12)...))
		}
		send(m, press(keys...)...)
		for w := 0; w <= 140; w += 7 {
			for h := 0; h <= 45; h += 3 {
				send(m, tea.WindowSizeMsg{Width: w, Height: h})
				view := m.View()
				if w < minWidth || h < minHeight {
					if w > 0 && h > 0 && !strings.Contains(view, "too small") && w >= 20 {
						t.Errorf("%s %dx%d: no size message: %q", name, w, h, view)
					}
					continue
				}
				lines := strings.Split(view, "\n")
				if len(lines) != h {
					t.Errorf("%s %dx%d: %d lines", name, w, h, len(lines))
				}
				for i, l := range lines {
					if lw := lipgloss.Width(l); lw > w {
						t.Errorf("%s %dx%d: line %d is %d wide: %q", name, w, h, i, lw, l)
						break
					}
				}
			}
		}
	}
}

func TestEventsAreShown(t *testing.T) {
	m := newTestModel(t, newFake(), 140, 10)
	cmd := send(m, eventMsg{ev: consumer.Event{Kind: consumer.EventNetwork, Msg: "pull shard 2: connection refused, retrying"}})
	if cmd == nil {
		t.Error("event receiver not re-armed")
	}
	if !strings.Contains(m.View(), "pull shard 2: connection refused, retrying") {
		t.Errorf("event not shown:\n%s", m.View())
	}
}

func TestKeymapOverrideApplies(t *testing.T) {
	km, err := keymap.Override(keymap.Default(), map[string][]string{"pause": {"p"}})
	if err != nil {
		t.Fatal(err)
	}
	m := newTestModel(t, newFake(), 100, 12, func(o *Options) { o.Keys = &km })
	send(m, batchOf(0, 0, 1, 2))
	send(m, press("space")...)
	if !m.logs.tail.follow {
		t.Error("space still pauses after rebinding pause to p")
	}
	send(m, press("p")...)
	if m.logs.tail.follow {
		t.Error("p does not pause")
	}
}

func TestQuitStopsTheSource(t *testing.T) {
	f := newFake()
	m := newTestModel(t, f, 100, 12)
	cmd := send(m, press("q")...)
	if !strings.Contains(m.View(), "flushing checkpoints") {
		t.Errorf("no stopping message:\n%s", m.View())
	}
	next := do(t, m, cmd)
	if _, ok := next().(tea.QuitMsg); !ok {
		t.Error("stopped source did not quit the program")
	}
	if f.stops != 1 {
		t.Errorf("Stop called %d times", f.stops)
	}
	// A second ctrl+c while stopping quits at once.
	if _, ok := send(m, tea.KeyMsg{Type: tea.KeyCtrlC})().(tea.QuitMsg); !ok {
		t.Error("second ctrl+c did not quit")
	}
}

// The quit key can arrive before the start command has run: whichever
// order the scheduler picks, the source is stopped once and never started
// after it was stopped.
func TestRunStopsSourceOnQuitKey(t *testing.T) {
	for i := 0; i < 50; i++ {
		f := newFake()
		opts := testOptions()
		opts.Started = false
		err := Run(context.Background(), f, opts, tea.WithInput(strings.NewReader("q")), tea.WithOutput(io.Discard))
		if err != nil {
			t.Fatal(err)
		}
		f.mu.Lock()
		calls := strings.Join(f.calls, ",")
		f.mu.Unlock()
		if calls != "stop" && calls != "start,stop" {
			t.Fatalf("run %d: calls %q, want stop once and no start after it", i, calls)
		}
	}
}

// Quitting while the connection is still being made cancels the start
// instead of waiting for it.
func TestQuitDuringSlowStartCancelsIt(t *testing.T) {
	f := newFake()
	f.startGate = make(chan struct{}) // never opened: Start returns only when cancelled
	opts := testOptions()
	opts.Started = false
	pr, pw := io.Pipe()
	errc := make(chan error, 1)
	go func() { errc <- Run(context.Background(), f, opts, tea.WithInput(pr), tea.WithOutput(io.Discard)) }()
	time.Sleep(50 * time.Millisecond) // let the start command begin waiting
	if _, err := pw.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	pw.Close()
	f.mu.Lock()
	defer f.mu.Unlock()
	if got := strings.Join(f.calls, ","); got != "stop" {
		t.Errorf("calls %q, want only stop (the start was cancelled)", got)
	}
}

func TestRunStopsSourceWhenCancelled(t *testing.T) {
	f := newFake()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	defer pw.Close()
	errc := make(chan error, 1)
	go func() { errc <- Run(ctx, f, testOptions(), tea.WithInput(pr), tea.WithOutput(io.Discard)) }()
	f.batches <- consumer.Batch{Records: []consumer.Record{rec(0, 1)}}
	cancel()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if f.stops != 1 {
		t.Errorf("Stop called %d times", f.stops)
	}
}

func TestTooSmall(t *testing.T) {
	m := newTestModel(t, newFake(), 30, 5)
	if got := m.View(); got != "too small: 30×5 (need 40×8)" {
		t.Errorf("got %q", got)
	}
}

func TestHelpScrollsWhenTallerThanTheScreen(t *testing.T) {
	m := newTestModel(t, newFake(), 60, 12)
	send(m, press("?")...)
	first := logLines(m)[0]
	send(m, press("j", "j")...)
	if logLines(m)[0] == first {
		t.Error("help did not scroll")
	}
	for i := 0; i < 100; i++ {
		send(m, press("j")...)
	}
	if last := logLines(m); !strings.Contains(strings.Join(last, "\n"), "Line formats (v)") {
		t.Errorf("the end of the help is unreachable:\n%s", strings.Join(last, "\n"))
	}
	send(m, press("esc")...)
	if !idle(m) {
		t.Error("esc did not close the help")
	}
}
