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

// seqList is an ascending list of seqs, appended at the back and trimmed
// from the front as the ring evicts, for per-shard and filtered views. It
// is held in blocks of seqBlockLen, so that it costs 8 bytes a live seq:
// one slice trimmed from the front and compacted now and then held up to
// four times that (twice the live seqs, and append's spare capacity),
// 16-24 bytes a buffered line with the garbage of its regrowth.
type seqList struct {
	blocks [][]uint64 // every block but the last holds seqBlockLen seqs
	head   int        // seqs already trimmed from blocks[0]
	n      int        // live seqs
}

const seqBlockLen = 1024

// seqListOf lists seqs, which must ascend; it keeps the slice.
func seqListOf(seqs []uint64) seqList {
	l := seqList{n: len(seqs)}
	for len(seqs) > seqBlockLen {
		l.blocks = append(l.blocks, seqs[:seqBlockLen:seqBlockLen])
		seqs = seqs[seqBlockLen:]
	}
	if len(seqs) > 0 {
		l.blocks = append(l.blocks, seqs[:len(seqs):len(seqs)])
	}
	return l
}

func (l *seqList) Len() int { return l.n }

func (l *seqList) At(i int) uint64 {
	j := l.head + i
	return l.blocks[j/seqBlockLen][j%seqBlockLen]
}

func (l *seqList) Pos(seq uint64) int {
	return sort.Search(l.n, func(i int) bool { return l.At(i) >= seq })
}

func (l *seqList) push(seq uint64) {
	k := len(l.blocks)
	if k == 0 || len(l.blocks[k-1]) == seqBlockLen {
		l.blocks = append(l.blocks, make([]uint64, 0, seqBlockLen))
		k++
	}
	l.blocks[k-1] = append(l.blocks[k-1], seq)
	l.n++
}

// trim drops seqs below first; a block is let go as soon as its last seq is.
func (l *seqList) trim(first uint64) {
	for l.n > 0 && l.At(0) < first {
		l.head++
		l.n--
		if l.head == seqBlockLen {
			l.blocks[0] = nil
			l.blocks = l.blocks[1:]
			l.head = 0
		}
	}
}

func (l *seqList) reset() { *l = seqList{} }
