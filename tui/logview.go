package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/slstail/slstail/keymap"
)

// logView is a scrollable window over a lineSet: the merged tail, or one
// shard's pane or zoom. Positions are seqs, so appends and evictions never
// shift what the user is looking at.
//
// Its rows are laid out by settle, in Update: the log area settles every
// view it shows once a frame (they share the renderer's frame cache), and
// View only joins the rows.
type logView struct {
	keys      *keymap.View
	rend      *renderer
	store     *store
	shard     int // -1: all shards
	showShard bool
	noCursor  bool // pane grid: no selection bar, the pane just tails
	pad       bool // rows filled to the full width, for panes side by side
	follow    bool
	cursor    uint64 // the selected line
	bottom    uint64 // the last line on screen while not following
	width     int
	height    int
	rows      []string
}

func newLogView(km *keymap.View, r *renderer, st *store, shard int) *logView {
	return &logView{keys: km, rend: r, store: st, shard: shard, showShard: shard < 0, follow: true}
}

// lines is the set the view walks: its shard's lines, or all, filtered when
// a filter is set.
func (v *logView) lines() lineSet { return v.store.lines(v.shard) }

// SetSize takes effect at the next settle.
func (v *logView) SetSize(w, h int) { v.width, v.height = max(w, 0), max(h, 0) }

// View is the rows the last settle laid out.
func (v *logView) View() string { return strings.Join(v.rows, "\n") }

// ShortHelp implements help.KeyMap.
func (v *logView) ShortHelp() []key.Binding { return []key.Binding{v.keys.Pause} }

// FullHelp implements help.KeyMap.
func (v *logView) FullHelp() [][]key.Binding {
	k := v.keys
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Pause}}
}

// Update moves through the lines. The caller settles afterwards.
func (v *logView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		k, ls := v.keys, v.lines()
		switch {
		case key.Matches(msg, k.Pause):
			v.setFollow(ls, !v.follow)
		case key.Matches(msg, k.Up):
			v.move(ls, -1)
		case key.Matches(msg, k.Down):
			v.move(ls, +1)
		case key.Matches(msg, k.PageUp):
			v.page(ls, -1)
		case key.Matches(msg, k.PageDown):
			v.page(ls, +1)
		case key.Matches(msg, k.Top):
			v.top(ls)
		case key.Matches(msg, k.Bottom):
			v.setFollow(ls, true)
		}
	case tea.MouseMsg:
		if dir := wheel(msg); dir != 0 {
			v.move(v.lines(), 3*dir)
		}
	}
	return nil
}

// wheel is -1 for the mouse wheel up, +1 down, else 0.
func wheel(msg tea.MouseMsg) int {
	if msg.Action != tea.MouseActionPress {
		return 0
	}
	switch msg.Button {
	case tea.MouseButtonWheelUp:
		return -1
	case tea.MouseButtonWheelDown:
		return +1
	}
	return 0
}

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

// settle lays out exactly v.height rows (the column header first, in the
// column view) and scrolls so that the cursor line is on them. The cost is
// the visible lines only: it walks up from the bottom line until the screen
// is full. empty is said when there is no line to show.
func (v *logView) settle(empty string) {
	r := v.rend
	header := r.columnHeader(v)
	out := make([]string, 0, v.height)
	out = append(out, header...)
	h := v.height - len(header)
	ls := v.lines()
	ci, bi, ok := v.sync(ls)
	if !ok || h <= 0 {
		if h > 0 && empty != "" {
			out = append(out, " "+truncateText(empty, v.width-1))
		}
		v.rows = fill(out, v.height, v.width, v.pad)
		return
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
		lr := r.rows(seq, v.width, seq == v.cursor && !v.noCursor, v.showShard, v.pad, h)
		rev = append(rev, lr)
		rows += len(lr)
		lowest = i
	}
	if ci < lowest || (ci == lowest && rows > h) {
		// The cursor moved above the window: scroll so it is the top line.
		rows = 0
		for i := ci; i < ls.Len() && rows < h; i++ {
			seq := ls.At(i)
			lr := r.rows(seq, v.width, seq == v.cursor && !v.noCursor, v.showShard, v.pad, h)
			out = append(out, lr...)
			rows += len(lr)
			v.bottom = seq
		}
		v.rows = fill(out[:min(len(out), v.height)], v.height, v.width, v.pad)
		return
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
	v.rows = fill(out, v.height, v.width, v.pad)
}

func fill(rows []string, h, w int, pad bool) []string {
	blank := ""
	if pad {
		blank = spaces(w)
	}
	for len(rows) < h {
		rows = append(rows, blank)
	}
	return rows
}

// waiting is how many lines arrived below the screen while paused.
func (v *logView) waiting() int {
	ls := v.lines()
	if v.follow || ls.Len() == 0 {
		return 0
	}
	return ls.Len() - 1 - min(ls.Pos(v.bottom), ls.Len()-1)
}

// cursorEntry is the line under the cursor, if any.
func (v *logView) cursorEntry() *entry {
	if _, _, ok := v.sync(v.lines()); !ok {
		return nil
	}
	return v.store.ring.at(v.cursor)
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

// setFollow switches between following and holding the screen still.
func (v *logView) setFollow(ls lineSet, follow bool) {
	if !follow && v.follow {
		v.sync(ls) // freeze where we are
	}
	v.follow = follow
}

// find returns the next line from the cursor (dir +1 or -1) that m matches.
func (v *logView) find(ls lineSet, m *matcher, dir int) (uint64, bool) {
	ci, _, ok := v.sync(ls)
	if !ok {
		return 0, false
	}
	for i := ci + dir; i >= 0 && i < ls.Len(); i += dir {
		seq := ls.At(i)
		if e := v.store.ring.at(seq); e != nil && m.matchEntry(e) {
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
