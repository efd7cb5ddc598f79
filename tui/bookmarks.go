package tui

import (
	"slices"
)

// bookmarks are the lines the user marked with m, by seq. Seqs are stable
// for as long as a line is buffered, through query changes, filters and
// view switches, so a mark survives all of them; marks of evicted lines
// are dropped (trim), and a cleared buffer drops them all.
type bookmarks struct {
	seqs []uint64 // sorted
}

// toggle marks seq, or unmarks it; it reports whether seq is now marked.
func (b *bookmarks) toggle(seq uint64) bool {
	i, found := slices.BinarySearch(b.seqs, seq)
	if found {
		b.seqs = slices.Delete(b.seqs, i, i+1)
		return false
	}
	b.seqs = slices.Insert(b.seqs, i, seq)
	return true
}

func (b *bookmarks) has(seq uint64) bool {
	_, found := slices.BinarySearch(b.seqs, seq)
	return found
}

func (b *bookmarks) len() int { return len(b.seqs) }

// trim drops the marks of lines below first (evicted or cleared).
func (b *bookmarks) trim(first uint64) {
	i, _ := slices.BinarySearch(b.seqs, first)
	if i > 0 {
		b.seqs = slices.Delete(b.seqs, 0, i)
	}
}

// next is the first mark after from (dir +1, newer) or before it (dir -1,
// older) among the lines ls shows, wrapping around at the ends as vim's
// search does; wrapped says it did. ok is false when no mark is in view.
func (b *bookmarks) next(ls lineSet, from uint64, dir int) (seq uint64, wrapped, ok bool) {
	n := len(b.seqs)
	if n == 0 {
		return 0, false, false
	}
	start, found := slices.BinarySearch(b.seqs, from)
	// i walks the marks in dir from the one after (or before) from.
	i := start
	if dir < 0 {
		i = start - 1
	} else if found {
		i = start + 1
	}
	for step := 0; step < n; step++ {
		j := i
		if j >= n || j < 0 {
			wrapped = true
			j = ((j % n) + n) % n
		}
		if s := b.seqs[j]; inSet(ls, s) && s != from {
			return s, wrapped, true
		}
		i += dir
	}
	return 0, false, false
}

// inSet reports whether ls shows line seq.
func inSet(ls lineSet, seq uint64) bool {
	p := ls.Pos(seq)
	return p < ls.Len() && ls.At(p) == seq
}
