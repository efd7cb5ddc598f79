package tui

import "strings"

// logView is a scrollable window over a lineSet: the merged tail, or one
// shard's pane or zoom. Positions are seqs, so appends and evictions never
// shift what the user is looking at.
type logView struct {
	shard     int // -1: all shards
	showShard bool
	noCursor  bool // pane grid: no selection bar, the pane just tails
	follow    bool
	cursor    uint64 // the selected line
	bottom    uint64 // the last line on screen while not following
	width     int
	height    int
}

func newLogView(shard int) *logView {
	return &logView{shard: shard, showShard: shard < 0, follow: true}
}

func (v *logView) setSize(w, h int) { v.width, v.height = max(w, 0), max(h, 0) }

// sync pins cursor and bottom to the newest line while following, and
// clamps them to live lines otherwise.
func (v *logView) sync(ls lineSet) (ci, bi int, ok bool) {
	n := ls.Len()
	if n == 0 {
		return 0, 0, false
	}
	if v.follow {
		v.cursor = ls.At(n - 1)
		v.bottom = v.cursor
		return n - 1, n - 1, true
	}
	ci = min(ls.Pos(v.cursor), n-1)
	bi = min(ls.Pos(v.bottom), n-1)
	v.cursor, v.bottom = ls.At(ci), ls.At(bi)
	return ci, bi, true
}

// render returns exactly v.height rows. The cost is the visible lines only:
// it walks up from the bottom line until the screen is full.
func (v *logView) render(r *renderer, ls lineSet, pad bool, header []string, empty string) []string {
	out := make([]string, 0, v.height)
	out = append(out, header...)
	h := v.height - len(header)
	ci, bi, ok := v.sync(ls)
	if !ok || h <= 0 {
		if h > 0 && empty != "" {
			out = append(out, " "+truncateText(empty, v.width-1))
		}
		return fill(out, v.height, v.width, pad)
	}
	if bi < ci {
		bi = ci
		v.bottom = v.cursor
	}
	// Walk up from the bottom line.
	var rev [][]string
	rows, lowest := 0, bi+1
	for i := bi; i >= 0 && rows < h; i-- {
		seq := ls.At(i)
		lr := r.rows(seq, v.width, seq == v.cursor && !v.noCursor, v.showShard, pad, h)
		rev = append(rev, lr)
		rows += len(lr)
		lowest = i
	}
	if ci < lowest || (ci == lowest && rows > h) {
		// The cursor moved above the window: scroll so it is the top line.
		rev = rev[:0]
		rows = 0
		var fwd [][]string
		for i := ci; i < ls.Len() && rows < h; i++ {
			seq := ls.At(i)
			lr := r.rows(seq, v.width, seq == v.cursor && !v.noCursor, v.showShard, pad, h)
			fwd = append(fwd, lr)
			rows += len(lr)
			v.bottom = seq
		}
		for _, lr := range fwd {
			out = append(out, lr...)
		}
		return fill(out[:min(len(out), v.height)], v.height, v.width, pad)
	}
	// Emit top to bottom, dropping the overflow of a wrapped top line.
	skip := rows - h
	for i := len(rev) - 1; i >= 0; i-- {
		lr := rev[i]
		if skip > 0 {
			d := min(skip, len(lr))
			lr = lr[d:]
			skip -= d
		}
		out = append(out, lr...)
	}
	return fill(out, v.height, v.width, pad)
}

func fill(rows []string, h, w int, pad bool) []string {
	blank := ""
	if pad {
		blank = strings.Repeat(" ", w)
	}
	for len(rows) < h {
		rows = append(rows, blank)
	}
	return rows
}

// waiting is how many lines arrived below the screen while paused.
func (v *logView) waiting(ls lineSet) int {
	if v.follow || ls.Len() == 0 {
		return 0
	}
	return ls.Len() - 1 - min(ls.Pos(v.bottom), ls.Len()-1)
}

// move moves the cursor by n lines (negative: up) and stops following.
func (v *logView) move(ls lineSet, n int) {
	ci, bi, ok := v.sync(ls)
	if !ok {
		return
	}
	v.follow = false
	ci = clamp(ci+n, 0, ls.Len()-1)
	v.cursor = ls.At(ci)
	if ci > bi {
		v.bottom = v.cursor
	}
}

// page scrolls a screen up or down, cursor and window together.
func (v *logView) page(ls lineSet, dir int) {
	ci, bi, ok := v.sync(ls)
	if !ok {
		return
	}
	v.follow = false
	n := max(v.height-1, 1) * dir
	last := ls.Len() - 1
	ci = clamp(ci+n, 0, last)
	bi = clamp(bi+n, min(max(v.height-1, 0), last), last)
	v.cursor, v.bottom = ls.At(ci), ls.At(bi)
}

func (v *logView) top(ls lineSet) {
	if ls.Len() == 0 {
		return
	}
	v.follow = false
	v.cursor = ls.At(0)
	v.bottom = ls.At(min(max(v.height-1, 0), ls.Len()-1))
}

func (v *logView) jump(ls lineSet, seq uint64) {
	v.follow = false
	v.cursor = seq
	if seq > v.bottom {
		v.bottom = seq
	}
	v.sync(ls)
}

// togglePause switches between following and holding the screen still.
func (v *logView) setFollow(ls lineSet, follow bool) {
	if !follow && v.follow {
		v.sync(ls) // freeze where we are
	}
	v.follow = follow
}

// find returns the next line from the cursor (dir +1 or -1) that m matches.
func (v *logView) find(r *renderer, ls lineSet, m *matcher, dir int) (uint64, bool) {
	ci, _, ok := v.sync(ls)
	if !ok {
		return 0, false
	}
	for i := ci + dir; i >= 0 && i < ls.Len(); i += dir {
		seq := ls.At(i)
		if e := r.store.ring.at(seq); e != nil && m.matchEntry(e) {
			return seq, true
		}
	}
	return 0, false
}

func clamp(v, lo, hi int) int {
	if hi < lo {
		return lo
	}
	return min(max(v, lo), hi)
}
