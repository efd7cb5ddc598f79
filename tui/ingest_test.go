package tui

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/slstail/slstail/consumer"
)

// slowClock is a clock that moves on by step each time it is read: every
// step of the ingest looks slower than its budget.
func slowClock(step time.Duration) func() time.Time {
	now := t0
	return func() time.Time {
		now = now.Add(step)
		return now
	}
}

// A message of many logs is taken in a slice at a time, within the budget:
// one Update admits what its budget allows and leaves the rest to an
// ingestMsg, so that a key pressed meanwhile waits for no more than a
// slice; the next receive waits until nothing is left (the consumer's
// backpressure), and nothing is lost or reordered on the way.
func TestIngestKeepsToItsBudget(t *testing.T) {
	f := newFake()
	m := newTestModel(t, f, 100, 20)
	m.budget, m.clock = 8*time.Millisecond, slowClock(10*time.Millisecond)
	var msg batchMsg
	for s := range 3 {
		b := consumer.Batch{Shard: s}
		for i := range 1500 {
			b.Records = append(b.Records, rec(s, i*3+s))
		}
		msg.batches = append(msg.batches, b)
		msg.records += len(b.Records)
	}
	cmd := send(m, msg)
	if n := m.store.ring.len(); n != 0 || len(m.pending) != 2 {
		t.Fatalf("first Update: %d lines in the buffer, %d batches pending; want 0 and 2 (one batch admitted, then the budget was spent)", n, len(m.pending))
	}
	if !m.receivePaused || !m.draining {
		t.Fatal("the receive was armed with logs still pending")
	}
	steps := 0
	for m.draining {
		if cmd == nil {
			t.Fatal("logs are left and no command goes on with them")
		}
		got := cmd()
		if _, ok := got.(ingestMsg); !ok {
			t.Fatalf("got %T, want the ingest's continuation", got)
		}
		send(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("k")}) // a key in between is handled at once
		cmd = send(m, got)
		if steps++; steps > 100 {
			t.Fatal("the ingest never ends")
		}
	}
	if steps < 4 {
		t.Errorf("taken in %d continuations; want the release sliced too (%d records, slices of %d)", steps, msg.records, releaseSlice)
	}
	if m.receivePaused {
		t.Error("the receive was not armed again once everything was in")
	}
	if n := m.store.ring.len(); n != msg.records {
		t.Fatalf("%d lines in the buffer, want %d", n, msg.records)
	}
	for seq := m.store.ring.first + 1; seq < m.store.ring.next; seq++ {
		if m.store.ring.at(seq).rec().Time.Before(m.store.ring.at(seq - 1).rec().Time) {
			t.Fatalf("line %d is older than the line before it", seq)
		}
	}
}
