package tui

import "sort"

// lineSet is an ordered set of buffered lines (ascending seq) that a view
// walks: the whole buffer, one shard, or the lines a filter kept.
type lineSet interface {
	Len() int
	At(i int) uint64
	// Pos is the index of the first line with a seq >= seq (Len if none).
	Pos(seq uint64) int
}

// allLines is the whole ring.
type allLines struct{ r *chunkRing }

func (a allLines) Len() int        { return a.r.len() }
func (a allLines) At(i int) uint64 { return a.r.first + uint64(i) }
func (a allLines) Pos(seq uint64) int {
	switch {
	case seq < a.r.first:
		return 0
	case seq >= a.r.next:
		return a.r.len()
	}
	return int(seq - a.r.first)
}

// seqList is a growing list of seqs trimmed from the front as the ring
// evicts, for per-shard and filtered views.
type seqList struct {
	s    []uint64
	head int
}

func (l *seqList) Len() int        { return len(l.s) - l.head }
func (l *seqList) At(i int) uint64 { return l.s[l.head+i] }
func (l *seqList) Pos(seq uint64) int {
	live := l.s[l.head:]
	return sort.Search(len(live), func(i int) bool { return live[i] >= seq })
}

func (l *seqList) push(seq uint64) { l.s = append(l.s, seq) }

// trim drops seqs below first. The backing array is compacted once the dead
// prefix is large, so a long run costs O(live) memory.
func (l *seqList) trim(first uint64) {
	for l.head < len(l.s) && l.s[l.head] < first {
		l.head++
	}
	if l.head > 4096 && l.head > len(l.s)/2 {
		n := copy(l.s, l.s[l.head:])
		l.s = l.s[:n]
		l.head = 0
	}
}

func (l *seqList) reset() { l.s, l.head = nil, 0 }
