package tui

import (
	"context"
	"sort"

	"github.com/slstail/slstail/consumer"
)

// maxSeenFields bounds the field names remembered for the column picker, so
// that logs with unbounded key sets (ids as keys) cannot grow memory.
const maxSeenFields = 512

// store is the buffer with its indexes: per shard, and per shard and overall
// for the local filter. Indexes are kept up to date on append, so that a view
// never scans the buffer to render.
type store struct {
	ring   *chunkRing
	shards map[int]*seqList
	ids    []int // shard ids seen, sorted

	filter   *matcher // nil: no local filter
	fAll     seqList
	fShards  map[int]*seqList
	received uint64 // logs appended since start, including evicted
	cleared  bool   // the user cleared the buffer (c) at least once

	// late lists the lines the merge released out of time order: the
	// merged tail tags them, so that nobody reads the order as the truth.
	late seqList
	// marks are the lines bookmarked with m.
	marks bookmarks

	fields     []string
	fieldIndex map[string]struct{}
	lastKeys   []string // the previous record's keys: most logs repeat them
}

func newStore(capacity int) *store {
	return &store{
		ring:       newChunkRing(capacity),
		shards:     map[int]*seqList{},
		fShards:    map[int]*seqList{},
		fieldIndex: map[string]struct{}{},
	}
}

// add appends one record; late says the merge released it after a record
// of a later time.
func (s *store) add(rec consumer.Record, late bool) {
	s.received++
	if late {
		s.late.push(s.ring.next)
	}
	s.push(logEntry(rec))
	same, i := true, 0
	for k := range rec.Fields() {
		if same && i < len(s.lastKeys) && s.lastKeys[i] == k {
			i++
			continue // a string compare instead of a map look-up
		}
		same = false
		s.seeField(k)
	}
	if !same || i != len(s.lastKeys) {
		s.lastKeys = s.lastKeys[:0]
		for k := range rec.Fields() {
			s.lastKeys = append(s.lastKeys, k)
		}
	}
}

// addNote appends a marker line, which shows in the merged tail only.
func (s *store) addNote(note string) { s.push(noteEntry(note)) }

func (s *store) push(e entry) {
	seq := s.ring.next
	old, evicted := s.ring.push(e)
	if evicted {
		s.trim(&old)
	}
	if s.filter != nil {
		s.indexFiltered(seq, &e)
	}
	if e.isNote() {
		return
	}
	sh := e.p.Shard()
	l, ok := s.shards[sh]
	if !ok {
		l = &seqList{}
		s.shards[sh] = l
		s.ids = append(s.ids, sh)
		sort.Ints(s.ids)
	}
	l.push(seq)
}

// trim removes the evicted entry's seq from the index heads it can lead.
func (s *store) trim(old *entry) {
	first := s.ring.first
	if s.late.Len() > 0 {
		s.late.trim(first)
	}
	if s.marks.len() > 0 {
		s.marks.trim(first)
	}
	if !old.isNote() {
		if l := s.shards[old.p.Shard()]; l != nil {
			l.trim(first)
		}
		if l := s.fShards[old.p.Shard()]; l != nil {
			l.trim(first)
		}
	}
	if s.filter != nil {
		s.fAll.trim(first)
	}
}

func (s *store) fshard(sh int) *seqList {
	l, ok := s.fShards[sh]
	if !ok {
		l = &seqList{}
		s.fShards[sh] = l
	}
	return l
}

func (s *store) seeField(k string) {
	if len(s.fields) >= maxSeenFields {
		return
	}
	if _, ok := s.fieldIndex[k]; ok {
		return
	}
	s.fieldIndex[k] = struct{}{}
	s.fields = append(s.fields, k)
}

// isLate reports whether line seq came out of time order.
func (s *store) isLate(seq uint64) bool { return s.late.Len() > 0 && inSet(&s.late, seq) }

// snapshot is the buffer as it is now, for the views that read it off the
// Update loop.
func (s *store) snapshot() *bufSnap { return s.ring.snapshot() }

// lines is the set a view shows: shard < 0 means all shards.
func (s *store) lines(shard int) lineSet {
	if s.filter != nil {
		if shard < 0 {
			return &s.fAll
		}
		return s.fshard(shard)
	}
	if shard < 0 {
		return allLines{s.ring}
	}
	l, ok := s.shards[shard]
	if !ok {
		return &seqList{}
	}
	return l
}

// filterIndex is a filter's indexes over a snapshot of the buffer, built
// off the Update loop (matching a million lines against a regexp takes
// seconds): the lines it keeps, notes included as the merged tail shows
// them, the same per shard, and the first line the snapshot did not hold.
type filterIndex struct {
	all    []uint64
	shards map[int][]uint64
	upto   uint64
}

// indexFilter builds m's indexes over snap; ok is false when ctx ended
// first.
func indexFilter(ctx context.Context, snap *bufSnap, m *matcher) (idx filterIndex, ok bool) {
	idx = filterIndex{shards: map[int][]uint64{}, upto: snap.next}
	ok = true
	snap.runs(func(first uint64, es []entry) bool {
		if ctx.Err() != nil {
			ok = false
			return false
		}
		for i := range es {
			e, seq := &es[i], first+uint64(i)
			if e.isNote() {
				idx.all = append(idx.all, seq)
				continue
			}
			if m.matchEntry(e) {
				idx.all = append(idx.all, seq)
				sh := e.p.Shard()
				idx.shards[sh] = append(idx.shards[sh], seq)
			}
		}
		return true
	})
	return idx, ok
}

// install makes m the local filter (nil clears it), with idx, its indexes
// over an earlier snapshot of the buffer, brought up to date: the lines
// evicted since are dropped, and those appended since are matched here (a
// few frames' worth).
func (s *store) install(m *matcher, idx filterIndex) {
	s.filter = m
	s.fAll.reset()
	s.fShards = map[int]*seqList{}
	if m == nil {
		return
	}
	first := s.ring.first
	s.fAll = seqListOf(idx.all)
	s.fAll.trim(first)
	for sh, seqs := range idx.shards {
		l := seqListOf(seqs)
		l.trim(first)
		s.fShards[sh] = &l
	}
	for seq := max(idx.upto, first); seq < s.ring.next; seq++ {
		s.indexFiltered(seq, s.ring.at(seq))
	}
}

// indexFiltered adds line seq to the filtered indexes if the filter keeps
// it; a note is always kept.
func (s *store) indexFiltered(seq uint64, e *entry) {
	if e.isNote() {
		s.fAll.push(seq)
		return
	}
	if s.filter.matchEntry(e) {
		s.fAll.push(seq)
		s.fshard(e.p.Shard()).push(seq)
	}
}

// setFilter is indexFilter and install in one, on the caller's goroutine.
func (s *store) setFilter(m *matcher) {
	if m == nil {
		s.install(nil, filterIndex{})
		return
	}
	snap := s.snapshot()
	defer snap.release()
	idx, _ := indexFilter(context.Background(), snap, m)
	s.install(m, idx)
}

// clear empties the buffer; the filter stays.
func (s *store) clear() {
	s.ring.clear()
	s.shards = map[int]*seqList{}
	s.fShards = map[int]*seqList{}
	s.fAll.reset()
	s.late.reset()
	s.marks = bookmarks{}
	s.ids = s.ids[:0]
	s.cleared = true
}
