// Package merge orders the batches of many shards into one stream by log
// time, for the merged tail.
//
// A consumer delivers each shard in its own order, one pull at a time, and
// the pulls of different shards interleave as the network pleases: shown in
// arrival order, a replay of history is cut into per-shard blocks and a live
// tail jumps back in time between batches. A Merger holds records in one
// queue per shard and releases them in (log time, receive time, shard,
// position) order — a k-way merge over the queues' heads, so that each
// shard's own order is kept — under a watermark: a record is released once
// every shard that still has data ahead has been read past its time.
//
// Nothing is held for long and nothing is dropped:
//   - a shard at its end (idle), released to another consumer, or failing
//     does not hold the watermark (the root says which, from the session's
//     status; see Sync), nor does one seen at its end since it last
//     delivered: with a selective query most pulls of a live shard come
//     back empty, so that it flickers between idle and pulling, and what
//     it delivers next is newer than what it was seen idle at;
//   - a record is never held longer than Hold after it arrived (a slow shard
//     delays the tail by at most Hold, never freezes it), nor when more than
//     MaxHeld records are held;
//   - a record older than one already released comes out at once, marked
//     Late, so that the reader knows it is out of time order.
//
// A Merger is not safe for concurrent use: the root model owns it and calls
// it from Update. Its clock is the now passed to Add and Release, so tests
// are deterministic.
package merge

import (
	"math"
	"time"

	"github.com/slstail/slstail/consumer"
)

// Defaults for Options.
const (
	DefaultHold    = time.Second
	DefaultMaxHeld = 1 << 18
)

// Options tune a Merger; the zero value is the defaults.
type Options struct {
	// Hold bounds how long a record waits for the other shards (0: the
	// default, 1s; negative: not at all, so that each Release lets out
	// everything added, merged in time order).
	Hold time.Duration
	// MaxHeld bounds how many records are held at once (default 262,144): a
	// replay faster than the hold drains must not grow memory without end.
	MaxHeld int
}

// Out is one released record.
type Out struct {
	Rec consumer.Record
	Gen int // the batch's generation (query run)
	// Late means a record with a later log time was released before this
	// one: it is shown out of time order (its shard was behind by more than
	// the hold, or the record's own time is behind its shard's).
	Late bool
}

// key orders records: log time, receive time, shard, position in the shard.
type key struct {
	t, recv int64 // Unix nanoseconds; recv 0 when unknown
	shard   int
	pos     uint64
}

func (a *key) less(b *key) bool {
	switch {
	case a.t != b.t:
		return a.t < b.t
	case a.recv != b.recv:
		return a.recv < b.recv
	case a.shard != b.shard:
		return a.shard < b.shard
	}
	return a.pos < b.pos
}

type item struct {
	rec   consumer.Record
	k     key
	batch uint64 // arrival batch, for the hold
}

// queue is one shard's held records, in shard order.
type queue struct {
	shard int
	items []item
	head  int
	hi    int // index in the heap; -1 when empty (not in the heap)
	pos   uint64

	holds bool  // the shard still has data ahead: it holds the watermark
	read  bool  // a record of the shard was read in this order
	mark  int64 // log time of the last record read from the shard
	// caughtUp says the shard was seen at its end (idle) since it last
	// delivered, in this order: it does not hold until it delivers again.
	caughtUp bool
}

func (q *queue) len() int { return len(q.items) - q.head }

// arrival is one added batch: when it came and how many of its records are
// still held. The hold is checked on the oldest one only, since batches
// arrive in time order.
type arrival struct {
	at   int64
	left int
}

// Merger is the time-order merge. Build it with New.
type Merger struct {
	hold    time.Duration
	maxHeld int

	gen     int
	started bool // a batch was added: gen is meaningful
	queues  []*queue
	byShard map[int]*queue
	heap    []*queue // queues with records, a min-heap by head key
	held    int

	arrivals []arrival // oldest first, from arrivals[aHead]
	aHead    int
	aBase    uint64 // batch number of arrivals[0]

	last     int64 // log time of the latest record released in this order
	released bool

	ready []Out // released ahead of the merge: a flushed generation, stragglers
}

// New returns an empty Merger.
func New(o Options) *Merger {
	switch {
	case o.Hold == 0:
		o.Hold = DefaultHold
	case o.Hold < 0:
		o.Hold = 0
	}
	if o.MaxHeld <= 0 {
		o.MaxHeld = DefaultMaxHeld
	}
	return &Merger{hold: o.Hold, maxHeld: o.MaxHeld, byShard: map[int]*queue{}}
}

// Held is how many records wait in the merge.
func (m *Merger) Held() int { return m.held + len(m.ready) }

// Holds says whether a shard in state s may still deliver data that sorts
// before what the others delivered, and so holds the watermark: a shard
// that is starting, pulling or backing off. An idle shard (at its end),
// one in error or released to another consumer does not.
func Holds(s consumer.ShardState) bool {
	switch s {
	case consumer.ShardStarting, consumer.ShardPulling, consumer.ShardBackoff:
		return true
	}
	return false
}

// Sync takes the shards' states from the session's status: a shard holds
// the watermark when this session holds it and Holds(its state), unless it
// was seen idle since it last delivered (in this order). A shard seen
// starting (a new run, or given to this session anew) has data ahead again.
func (m *Merger) Sync(shards []consumer.ShardStatus) {
	for i := range shards {
		s := &shards[i]
		q := m.queue(s.Shard)
		switch {
		case s.Held && s.State == consumer.ShardIdle:
			q.caughtUp = true
		case s.State == consumer.ShardStarting:
			q.caughtUp = false
		}
		q.holds = s.Held && Holds(s.State)
	}
}

// SetHolds says whether shard holds the watermark. A shard the Merger has
// not heard of holds it from its first batch until told otherwise.
func (m *Merger) SetHolds(shard int, holds bool) { m.queue(shard).holds = holds }

func (m *Merger) queue(shard int) *queue {
	q, ok := m.byShard[shard]
	if !ok {
		q = &queue{shard: shard, hi: -1, holds: true}
		m.byShard[shard] = q
		m.queues = append(m.queues, q)
	}
	return q
}

// Add queues one delivered batch that arrived at now. A batch of a newer
// generation (a query change) first releases everything held, in merged
// order, and starts a new order: a replay that begins earlier than what was
// shown is not late. A batch of an older generation (a straggler of the
// replaced query) is passed through as it is: the root decides its fate.
func (m *Merger) Add(b consumer.Batch, now time.Time) {
	if len(b.Records) == 0 {
		return
	}
	switch {
	case !m.started:
		m.started, m.gen = true, b.Generation
	case b.Generation > m.gen:
		m.ready = m.flushHeld(m.ready)
		m.gen = b.Generation
	case b.Generation < m.gen:
		for _, r := range b.Records {
			m.ready = append(m.ready, Out{Rec: r, Gen: b.Generation})
		}
		return
	}
	q := m.queue(b.Shard)
	wasEmpty := q.len() == 0
	batch := m.aBase + uint64(len(m.arrivals))
	m.arrivals = append(m.arrivals, arrival{at: now.UnixNano(), left: len(b.Records)})
	for i := range b.Records {
		r := &b.Records[i]
		t := r.Time.UnixNano()
		var recv int64
		if rt := r.Receive(); !rt.IsZero() {
			recv = rt.UnixNano()
		}
		q.items = append(q.items, item{rec: *r, k: key{t: t, recv: recv, shard: b.Shard, pos: q.pos}, batch: batch})
		q.pos++
		q.mark = t
	}
	q.read, q.caughtUp = true, false
	m.held += len(b.Records)
	if wasEmpty {
		m.push(q)
	}
}

// watermark is the log time every holding shard has been read past:
// math.MinInt64 while one of them has not delivered yet.
func (m *Merger) watermark() int64 {
	w := int64(math.MaxInt64)
	for _, q := range m.queues {
		if !q.holds || q.caughtUp {
			continue
		}
		if !q.read {
			return math.MinInt64
		}
		w = min(w, q.mark)
	}
	return w
}

// Release appends to dst the records that may be shown at now, in order.
func (m *Merger) Release(now time.Time, dst []Out) []Out {
	dst, _ = m.ReleaseN(now, dst, math.MaxInt)
	return dst
}

// ReleaseN is Release of at most n records: a caller that must not spend
// long at once (the UI, between two key presses) takes what may be shown
// a slice at a time. more says n stopped it: calling again may release
// more at the same now.
func (m *Merger) ReleaseN(now time.Time, dst []Out, n int) (_ []Out, more bool) {
	if len(m.ready) > 0 {
		k := min(n, len(m.ready))
		dst = append(dst, m.ready[:k]...)
		rest := copy(m.ready, m.ready[k:])
		clear(m.ready[rest:])
		m.ready = m.ready[:rest]
		n -= k
		if len(m.ready) > 0 {
			return dst, true
		}
	}
	if len(m.heap) == 0 {
		return dst, false
	}
	limit := m.watermark()
	if m.released && m.last > limit {
		// Anything at or before the last released time is late whatever
		// happens: holding it would only delay it.
		limit = m.last
	}
	deadline := now.Add(-m.hold).UnixNano()
	for len(m.heap) > 0 {
		q := m.heap[0]
		it := &q.items[q.head]
		if it.k.t > limit && m.held <= m.maxHeld && !m.overdue(deadline) {
			break
		}
		if n == 0 {
			return dst, true
		}
		dst = m.pop(dst)
		n--
	}
	return dst, false
}

// overdue reports whether the oldest held batch arrived at or before
// deadline.
func (m *Merger) overdue(deadline int64) bool {
	return m.aHead < len(m.arrivals) && m.arrivals[m.aHead].at <= deadline
}

// Next is when Release will next release a record for its hold, if any is
// held: the root arms a timer for it.
func (m *Merger) Next() (time.Time, bool) {
	if m.aHead >= len(m.arrivals) {
		return time.Time{}, false
	}
	return time.Unix(0, m.arrivals[m.aHead].at).Add(m.hold), true
}

// Flush appends everything held to dst, in merged order, and starts a new
// order: what comes next is not late relative to what came before. The
// root calls it (through Add, or directly) when the stream restarts.
func (m *Merger) Flush(dst []Out) []Out {
	if len(m.ready) > 0 {
		dst = append(dst, m.ready...)
		clear(m.ready)
		m.ready = m.ready[:0]
	}
	return m.flushHeld(dst)
}

// flushHeld releases the merge's records and starts a new order.
func (m *Merger) flushHeld(dst []Out) []Out {
	for len(m.heap) > 0 {
		dst = m.pop(dst)
	}
	m.released, m.last = false, 0
	for _, q := range m.queues {
		q.read, q.mark, q.caughtUp = false, 0, false
	}
	return dst
}

// pop releases the head of the heap's first queue.
func (m *Merger) pop(dst []Out) []Out {
	q := m.heap[0]
	it := &q.items[q.head]
	late := m.released && it.k.t < m.last
	if !m.released || it.k.t > m.last {
		m.last = it.k.t
	}
	m.released = true
	dst = append(dst, Out{Rec: it.rec, Gen: m.gen, Late: late})
	m.done(it.batch)
	*it = item{} // let the record's storage go once released
	q.head++
	m.held--
	if q.len() == 0 {
		q.items, q.head = q.items[:0], 0
		m.remove()
	} else {
		if q.head >= 1024 && q.head*2 >= len(q.items) {
			n := copy(q.items, q.items[q.head:])
			clear(q.items[n:])
			q.items, q.head = q.items[:n], 0
		}
		m.down(0)
	}
	return dst
}

// done counts one record of batch as released and drops the batches that
// are fully released from the front of the arrivals.
func (m *Merger) done(batch uint64) {
	i := int(batch - m.aBase)
	if i < 0 || i >= len(m.arrivals) {
		return // a batch from before a Flush
	}
	m.arrivals[i].left--
	for m.aHead < len(m.arrivals) && m.arrivals[m.aHead].left <= 0 {
		m.aHead++
	}
	if m.aHead == len(m.arrivals) {
		m.aBase += uint64(len(m.arrivals))
		m.arrivals, m.aHead = m.arrivals[:0], 0
	} else if m.aHead >= 256 && m.aHead*2 >= len(m.arrivals) {
		n := copy(m.arrivals, m.arrivals[m.aHead:])
		m.aBase += uint64(m.aHead)
		m.arrivals, m.aHead = m.arrivals[:n], 0
	}
}

// The heap of queues, by head key. Hand-written rather than container/heap
// so that the comparisons inline: at 256 shards they are most of the cost.

func (m *Merger) headLess(i, j int) bool {
	a, b := m.heap[i], m.heap[j]
	return a.items[a.head].k.less(&b.items[b.head].k)
}

func (m *Merger) swap(i, j int) {
	m.heap[i], m.heap[j] = m.heap[j], m.heap[i]
	m.heap[i].hi, m.heap[j].hi = i, j
}

func (m *Merger) push(q *queue) {
	q.hi = len(m.heap)
	m.heap = append(m.heap, q)
	m.up(q.hi)
}

// remove takes the heap's first queue out (it is empty).
func (m *Merger) remove() {
	n := len(m.heap) - 1
	m.heap[0].hi = -1
	if n > 0 {
		m.heap[0] = m.heap[n]
		m.heap[0].hi = 0
	}
	m.heap[n] = nil
	m.heap = m.heap[:n]
	if n > 0 {
		m.down(0)
	}
}

func (m *Merger) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !m.headLess(i, p) {
			return
		}
		m.swap(i, p)
		i = p
	}
}

func (m *Merger) down(i int) {
	n := len(m.heap)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		c := l
		if r := l + 1; r < n && m.headLess(r, l) {
			c = r
		}
		if !m.headLess(c, i) {
			return
		}
		m.swap(i, c)
		i = c
	}
}
