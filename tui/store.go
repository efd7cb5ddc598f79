package tui

import (
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
	if e.isNote() {
		if s.filter != nil {
			s.fAll.push(seq)
		}
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
	if s.filter != nil && s.filter.matchEntry(&e) {
		s.fAll.push(seq)
		s.fshard(sh).push(seq)
	}
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

// setFilter replaces the local filter (nil clears it) and rebuilds the
// filtered indexes from the buffer. This is the only O(buffer) operation; it
// runs on the user's key press, not per frame.
func (s *store) setFilter(m *matcher) {
	s.filter = m
	s.fAll.reset()
	s.fShards = map[int]*seqList{}
	if m == nil {
		return
	}
	for seq := s.ring.first; seq < s.ring.next; seq++ {
		e := s.ring.at(seq)
		if e.isNote() {
			s.fAll.push(seq)
			continue
		}
		if m.matchEntry(e) {
			s.fAll.push(seq)
			s.fshard(e.p.Shard()).push(seq)
		}
	}
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
