package tui

import (
	"context"
	"sync/atomic"
)

// chunkRing is the line buffer of ring, stored so that a snapshot of it is
// cheap and stays valid while Update goes on appending and evicting: the
// entries live in fixed chunks that are written once, slot by slot, and
// never reused. Eviction moves first forward and drops a chunk only when
// all of its lines are gone; it never writes to a slot. A snapshot is the
// list of chunk pointers with first and next: about two kilobytes for a
// million lines, where copying the entries would be 88 MB and tens of
// milliseconds on the UI goroutine.
//
// It has ring's API and semantics (same seqs, same capacity, same evicted
// count), so that the store can switch to it by changing its constructor;
// the views that read the buffer off the Update loop (preview, facets,
// timeline) take snapshots of it.
type chunkRing struct {
	chunks []*chunk // chunks[i] holds seqs from (cbase+i)*chunkLen
	cbase  uint64
	cap    int
	first  uint64
	next   uint64

	evicted uint64 // lines dropped because the buffer was full

	// spare is a dropped chunk kept for the next one: allocating and
	// collecting a chunk (then 360 KB) every 4,096 lines cost the ingest path
	// more than the time-order merge. A chunk is kept only when no
	// snapshot is live (live counts those not released), since a snapshot
	// taken before the drop may still be reading it.
	spare *chunk
	live  *atomic.Int64
}

// chunkLen is the lines of a chunk: 4,096 entries are 128 KB, small next
// to a buffer of 100,000 lines, and a snapshot of a million lines is 245
// pointers.
const (
	chunkBits = 12
	chunkLen  = 1 << chunkBits
)

type chunk [chunkLen]entry

func newChunkRing(capacity int) *chunkRing {
	return &chunkRing{cap: capacity, live: new(atomic.Int64)}
}

func (r *chunkRing) len() int { return int(r.next - r.first) }

func (r *chunkRing) slot(seq uint64) *entry {
	return &r.chunks[seq>>chunkBits-r.cbase][seq&(chunkLen-1)]
}

// push appends e and returns the entry it evicted, if any.
func (r *chunkRing) push(e entry) (old entry, evicted bool) {
	if r.len() == r.cap {
		old = *r.slot(r.first)
		r.first++
		r.evicted++
		evicted = true
		if r.first&(chunkLen-1) == 0 {
			r.dropFront()
		}
	}
	if int(r.next>>chunkBits-r.cbase) == len(r.chunks) {
		if len(r.chunks) == 0 {
			r.cbase = r.next >> chunkBits
		}
		c := r.spare
		if c == nil {
			c = new(chunk)
		}
		r.spare = nil
		r.chunks = append(r.chunks, c) // stale slots of a spare are written before they are read
	}
	*r.slot(r.next) = e
	r.next++
	return old, evicted
}

// dropFront forgets the first chunk, whose lines are all evicted. The slot
// is cleared in the pointer slice, never in the chunk: a snapshot may still
// be reading it.
func (r *chunkRing) dropFront() {
	if r.live.Load() == 0 {
		// No snapshot can see it: snapshots are taken on this goroutine,
		// and those to come will not include it.
		r.spare = r.chunks[0]
	}
	r.chunks[0] = nil
	r.chunks = r.chunks[1:]
	r.cbase++
	if cap(r.chunks) > 2*len(r.chunks)+16 {
		// Re-slicing from the front leaks capacity; copy now and then.
		r.chunks = append([]*chunk(nil), r.chunks...)
	}
}

// at returns the entry with sequence number seq, or nil when it is gone.
func (r *chunkRing) at(seq uint64) *entry {
	if seq < r.first || seq >= r.next {
		return nil
	}
	return r.slot(seq)
}

// clear drops every line and releases the memory (once no snapshot holds it).
func (r *chunkRing) clear() {
	r.chunks = nil
	r.first = r.next
	r.cbase = r.next >> chunkBits
}

// snapshot returns an immutable view of the lines buffered now. Its
// reader calls release when done, from any goroutine, so that the ring may
// reuse the chunks it drops; a snapshot never released only costs that.
func (r *chunkRing) snapshot() *bufSnap {
	r.live.Add(1)
	return &bufSnap{chunks: append([]*chunk(nil), r.chunks...), cbase: r.cbase, first: r.first, next: r.next, live: r.live}
}

// bufSnap is the buffer as it was when the snapshot was taken. It is safe
// to read from any goroutine: the ring writes only slots at or after next
// and never writes to a chunk it has dropped.
type bufSnap struct {
	chunks      []*chunk
	cbase       uint64
	first, next uint64
	live        *atomic.Int64 // the ring's count of live snapshots
	released    atomic.Bool
}

// release says the snapshot will not be read again. Calls after the first
// do nothing.
func (s *bufSnap) release() {
	if s.live != nil && s.released.CompareAndSwap(false, true) {
		s.live.Add(-1)
	}
}

func (s *bufSnap) len() int { return int(s.next - s.first) }

func (s *bufSnap) at(seq uint64) *entry {
	if seq < s.first || seq >= s.next {
		return nil
	}
	return &s.chunks[seq>>chunkBits-s.cbase][seq&(chunkLen-1)]
}

// runs yields the lines in order as runs of consecutive entries (one per
// chunk), with the seq of each run's first entry: loops over a million
// lines index slices rather than call a function per line.
func (s *bufSnap) runs(yield func(first uint64, es []entry) bool) {
	for seq := s.first; seq < s.next; {
		c := s.chunks[seq>>chunkBits-s.cbase]
		i := int(seq & (chunkLen - 1))
		end := min(chunkLen, i+int(s.next-seq))
		if !yield(seq, c[i:end]) {
			return
		}
		seq += uint64(end - i)
	}
}

// logs calls yield with each log of the snapshot that view keeps (notes are
// skipped), oldest first, with its seq. It looks at ctx once a chunk and
// reports false when ctx ended before the last one: the background views'
// one loop over a buffer.
func (s *bufSnap) logs(ctx context.Context, view lineFilter, yield func(seq uint64, e *entry)) (ok bool) {
	ok = true
	s.runs(func(first uint64, es []entry) bool {
		if ctx.Err() != nil {
			ok = false
			return false
		}
		for i := range es {
			if e := &es[i]; !e.isNote() && view.keep(e) {
				yield(first+uint64(i), e)
			}
		}
		return true
	})
	return ok
}
