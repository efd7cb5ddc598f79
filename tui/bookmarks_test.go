package tui

import (
	"slices"
	"testing"
)

func TestBookmarks(t *testing.T) {
	var b bookmarks
	for _, s := range []uint64{40, 10, 30, 20} {
		if !b.toggle(s) {
			t.Fatalf("toggle(%d) did not mark", s)
		}
	}
	if b.toggle(30) || b.has(30) || !b.has(20) || b.len() != 3 {
		t.Fatalf("toggle(30) did not unmark: %v", b.seqs)
	}
	all := ptr(seqListOf([]uint64{5, 10, 15, 20, 25, 40, 45}))
	for _, tt := range []struct {
		from    uint64
		dir     int
		want    uint64
		wrapped bool
	}{
		{15, +1, 20, false},
		{20, +1, 40, false},
		{40, +1, 10, true}, // past the newest: back to the oldest
		{45, -1, 40, false},
		{10, -1, 40, true},
		{5, -1, 40, true},
		{12, -1, 10, false},
	} {
		got, wrapped, ok := b.next(all, tt.from, tt.dir)
		if !ok || got != tt.want || wrapped != tt.wrapped {
			t.Errorf("next(%d, %+d) = %d, %v, %v; want %d, %v", tt.from, tt.dir, got, wrapped, ok, tt.want, tt.wrapped)
		}
	}
	// A filter that hides 20: the marks skip it.
	filtered := ptr(seqListOf([]uint64{10, 40}))
	if got, _, _ := b.next(filtered, 10, +1); got != 40 {
		t.Errorf("in a filtered view: next after 10 = %d, want 40", got)
	}
	if _, _, ok := b.next(ptr(seqListOf([]uint64{1, 2})), 1, +1); ok {
		t.Error("a mark found in a view that shows none")
	}
	// Only mark in view is the cursor's own line: nowhere to go.
	if _, _, ok := b.next(ptr(seqListOf([]uint64{40})), 40, +1); ok {
		t.Error("next from the only mark in view returned it")
	}
	// Eviction drops the marks below the first line; they survive a query
	// change, which only appends.
	b.trim(15)
	if !slices.Equal(b.seqs, []uint64{20, 40}) {
		t.Errorf("after trim(15): %v", b.seqs)
	}
	b.trim(1000) // a cleared buffer: first moved past everything
	if b.len() != 0 {
		t.Errorf("after clear: %v", b.seqs)
	}
}
