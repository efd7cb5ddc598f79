package gctune

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestTarget(t *testing.T) {
	const mb = 1 << 20
	for _, c := range []struct {
		live uint64
		want int
	}{
		{0, 1600}, // before the first collection: as if the 4 MB floor
		{1, 1600},
		{32 * mb, 200},  // 64 MB over 32: the headroom wins
		{256 * mb, 25},  // a quarter of 256 MB is 64 MB
		{1024 * mb, 25}, // large heaps at the percent
		{128 * mb, 50},  // in between
		{64 * mb / 200, 1600},
	} {
		if got := target(25, 64*mb, c.live); got != c.want {
			t.Errorf("live %d: %d%%, want %d%%", c.live, got, c.want)
		}
	}
}

// With a small live heap the tuner sets the percent the headroom needs,
// after each collection; stop puts the previous GOGC back.
func TestSetFollowsTheLiveHeap(t *testing.T) {
	prev := debug.SetGCPercent(100)
	defer debug.SetGCPercent(prev)
	stop := Set(25, 1<<40) // a headroom no test heap reaches: the maximum
	deadline := time.Now().Add(10 * time.Second)
	for gcPercent() != maxPercent {
		if time.Now().After(deadline) {
			t.Fatalf("GOGC %d after collections, want %d", gcPercent(), maxPercent)
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	if p := gcPercent(); p != 100 {
		t.Fatalf("GOGC %d after stop, want the previous 100", p)
	}
	runtime.GC()
	time.Sleep(50 * time.Millisecond)
	if p := gcPercent(); p != 100 {
		t.Fatalf("GOGC %d after a collection past stop, want 100", p)
	}
}

func gcPercent() int {
	p := debug.SetGCPercent(-1)
	debug.SetGCPercent(p)
	return p
}
