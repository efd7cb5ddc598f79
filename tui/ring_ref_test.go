package tui

// ring is the line buffer the store used before chunkRing, kept as the
// reference chunkRing is tested against (same seqs, capacity and
// evictions). Lines are addressed by a sequence number that grows forever,
// so that views can hold a position across appends and evictions: seq is
// valid while first <= seq < next.
type ring struct {
	buf   []entry
	cap   int
	base  uint64 // seq stored at buf[0] before the buffer first wrapped
	first uint64
	next  uint64

	evicted uint64 // lines dropped because the buffer was full
}

func newRing(capacity int) *ring { return &ring{cap: capacity} }

func (r *ring) len() int { return int(r.next - r.first) }

func (r *ring) slot(seq uint64) int { return int((seq - r.base) % uint64(r.cap)) }

// push appends e and returns the entry it evicted, if any. The buffer grows
// lazily so that a small stream never costs the full capacity.
func (r *ring) push(e entry) (old entry, evicted bool) {
	if r.len() == r.cap {
		i := r.slot(r.first)
		old = r.buf[i]
		r.buf[i] = e
		r.first++
		r.next++
		r.evicted++
		return old, true
	}
	if len(r.buf) < r.cap {
		if len(r.buf) == cap(r.buf) {
			// Grow by doubling, but never past the capacity: append's
			// growth would overshoot it by up to a half.
			nb := make([]entry, len(r.buf), min(max(2*cap(r.buf), 1024), r.cap))
			copy(nb, r.buf)
			r.buf = nb
		}
		r.buf = append(r.buf, e)
	} else {
		r.buf[r.slot(r.next)] = e
	}
	r.next++
	return entry{}, false
}

// at returns the entry with sequence number seq, or nil when it is gone.
func (r *ring) at(seq uint64) *entry {
	if seq < r.first || seq >= r.next {
		return nil
	}
	return &r.buf[r.slot(seq)]
}

// clear drops every line and releases the memory.
func (r *ring) clear() {
	r.buf = nil
	r.base = r.next
	r.first = r.next
}
