// Package gctune sets the garbage collector's target for a process whose
// live heap is mostly one long-lived buffer: the TUI's.
//
// A low GOGC keeps a large buffer from costing its size again in memory
// that holds nothing (the heap may grow to live × (1 + GOGC/100) before a
// collection). But while the buffer is small, a low GOGC makes every few
// megabytes of garbage a collection: during a backfill the consumer
// decodes hundreds of megabytes a second, the collector then runs much of
// the time, and the UI goroutine, which allocates to draw, is made to help
// it mark: during a backfill over 256 shards the slowest key press took
// 117-119 ms at GOGC 25 and 86-100 ms with 64 MB of headroom
// (docs/BENCHMARKS-tui.md). So the target is the given percent of
// the live heap, but never less than a fixed headroom: small heaps collect
// as rarely as Go's default would let them, large ones at the percent.
package gctune

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// maxPercent bounds the percent set for a tiny heap.
const maxPercent = 10_000

// minLive is the runtime's minimum heap goal at GOGC 100 (4 MB).
const minLive = 4 << 20

// Set makes the collector's target percent% of the live heap, or
// minHeadroom bytes over it when that is more, from now until stop is
// called (stop puts the previous GOGC back). It re-reads the live heap
// after every collection.
func Set(percent int, minHeadroom uint64) (stop func()) {
	t := &tuner{percent: percent, min: minHeadroom, last: -1}
	t.sample = []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	t.mu.Lock()
	t.prev = debug.SetGCPercent(percent)
	t.last = percent
	t.adjustLocked()
	t.mu.Unlock()
	t.arm()
	return func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		if !t.stopped {
			t.stopped = true
			debug.SetGCPercent(t.prev)
		}
	}
}

type tuner struct {
	mu      sync.Mutex
	percent int
	min     uint64
	prev    int
	last    int
	stopped bool
	sample  []metrics.Sample
}

// target is the percent for a live heap of live bytes.
func target(percent int, minHeadroom, live uint64) int {
	// Before the first collection the live heap reads 0, and a percent
	// sized for it let the heap grow a hundredfold: 430 MB of RSS before
	// the first collection of a busy start. Below the runtime's own 4 MB
	// floor, size the headroom as if the heap were that floor.
	live = max(live, minLive)
	need := minHeadroom * 100 / live
	if need > maxPercent {
		return maxPercent
	}
	return max(percent, int(need))
}

func (t *tuner) adjustLocked() {
	metrics.Read(t.sample)
	if t.sample[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	if p := target(t.percent, t.min, t.sample[0].Value.Uint64()); p != t.last {
		debug.SetGCPercent(p)
		t.last = p
	}
}

// sentinel is garbage the collector finds once a cycle: its finalizer
// runs after each collection and arms the next. It is large enough not
// to share a tiny-allocator block, whose finalizers may never run.
type sentinel struct {
	t *tuner
	_ [32]byte
}

func (t *tuner) arm() {
	runtime.SetFinalizer(&sentinel{t: t}, func(s *sentinel) {
		s.t.mu.Lock()
		defer s.t.mu.Unlock()
		if s.t.stopped {
			return
		}
		s.t.adjustLocked()
		s.t.arm()
	})
}
