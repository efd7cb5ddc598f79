package tui

import (
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/slstail/slstail/consumer"
	"github.com/slstail/slstail/keymap"
	"github.com/slstail/slstail/themes"
)

// Smallest pane worth drawing: narrower or shorter panes are paged instead.
const (
	minPaneWidth  = 30
	minPaneHeight = 4
)

// panes is the per-shard grid: one logView per shard, a title line each,
// laid out to fit the terminal. enter zooms the focused pane to full size.
type panes struct {
	keys   *keymap.KeyMap
	theme  *themes.Theme
	views  map[int]*logView
	shards []int // shown, sorted
	focus  int   // index into shards
	zoomed bool
	status map[int]consumer.ShardStatus
	width  int
	height int
	follow bool
}

func newPanes(km *keymap.KeyMap, th *themes.Theme) *panes {
	return &panes{keys: km, theme: th, views: map[int]*logView{}, status: map[int]consumer.ShardStatus{}, follow: true}
}

func (p *panes) setSize(w, h int) { p.width, p.height = w, h }

// sync learns shards from the buffer and the status.
func (p *panes) sync(ids []int, st []consumer.ShardStatus) {
	seen := map[int]bool{}
	for _, id := range p.shards {
		seen[id] = true
	}
	changed := false
	add := func(id int) {
		if !seen[id] {
			seen[id] = true
			p.shards = append(p.shards, id)
			changed = true
		}
	}
	for _, id := range ids {
		add(id)
	}
	for _, s := range st {
		add(s.Shard)
		p.status[s.Shard] = s
	}
	if changed {
		focused := p.focused()
		sort.Ints(p.shards)
		for i, id := range p.shards {
			if id == focused {
				p.focus = i
			}
		}
	}
}

func (p *panes) focused() int {
	if len(p.shards) == 0 {
		return -1
	}
	return p.shards[clamp(p.focus, 0, len(p.shards)-1)]
}

func (p *panes) view(id int) *logView {
	v, ok := p.views[id]
	if !ok {
		v = newLogView(id)
		v.follow = p.follow
		p.views[id] = v
	}
	return v
}

// setFollow pauses or resumes every pane together.
func (p *panes) setFollow(st *store, follow bool) {
	p.follow = follow
	for id, v := range p.views {
		v.setFollow(st.lines(id), follow)
	}
}

// grid picks columns and rows for n panes: the layout with the largest pane,
// weighing a column of width as a third of a row of height (log lines are
// long). When no layout fits, it shows as many panes as fit and pages.
func grid(n, w, h int) (cols, rows, perPage int) {
	if n == 0 {
		return 1, 1, 0
	}
	best, bestScore := 0, -1
	for c := 1; c <= n; c++ {
		r := (n + c - 1) / c
		pw, ph := (w-(c-1))/c, h/r
		if pw < minPaneWidth || ph < minPaneHeight {
			continue
		}
		if score := min(pw, 3*ph); score > bestScore {
			best, bestScore = c, score
		}
	}
	if best > 0 {
		return best, (n + best - 1) / best, n
	}
	cols = max(1, (w+1)/(minPaneWidth+1))
	rows = max(1, h/minPaneHeight)
	return cols, rows, cols * rows
}

// update handles pane focus and zoom keys; it reports whether it used msg.
func (p *panes) update(msg tea.KeyMsg) bool {
	if p.zoomed {
		return false
	}
	n := len(p.shards)
	switch {
	case key.Matches(msg, p.keys.PaneLeft):
		p.focus = (p.focus + n - 1) % max(n, 1)
	case key.Matches(msg, p.keys.PaneRight):
		p.focus = (p.focus + 1) % max(n, 1)
	case key.Matches(msg, p.keys.Up):
		cols, _, _ := grid(n, p.width, p.height)
		p.focus = clamp(p.focus-cols, 0, n-1)
	case key.Matches(msg, p.keys.Down):
		cols, _, _ := grid(n, p.width, p.height)
		p.focus = clamp(p.focus+cols, 0, n-1)
	case key.Matches(msg, p.keys.Open):
		if n > 0 {
			p.zoomed = true
		}
	default:
		return false
	}
	return true
}

func (p *panes) render(r *renderer, st *store, lagWarn func(consumer.ShardStatus) string) string {
	th := p.theme
	if len(p.shards) == 0 {
		return fillLines(th.Dim.Render(" no shards yet"), p.height)
	}
	if p.zoomed {
		id := p.focused()
		v := p.view(id)
		v.noCursor = false
		v.setSize(p.width, p.height-1)
		title := p.title(id, p.width, true, lagWarn) + "\n"
		return title + strings.Join(v.render(r, st.lines(id), false, r.columnHeader(v), "no lines from this shard yet"), "\n")
	}
	n := len(p.shards)
	cols, rows, perPage := grid(n, p.width, p.height)
	page := 0
	if perPage > 0 {
		page = p.focus / perPage
	}
	first := page * perPage
	shown := p.shards[first:min(first+perPage, n)]
	if perPage < n {
		rows = max(1, min(rows, (len(shown)+cols-1)/cols))
	} else {
		rows = (len(shown) + cols - 1) / cols
	}
	sep := th.Border.Render("│")
	var b strings.Builder
	for gr := 0; gr < rows; gr++ {
		ph := p.height / rows
		if gr < p.height%rows {
			ph++
		}
		blocks := make([][]string, cols)
		widths := make([]int, cols)
		for gc := 0; gc < cols; gc++ {
			pw := (p.width - (cols - 1)) / cols
			if gc < (p.width-(cols-1))%cols {
				pw++
			}
			widths[gc] = pw
			i := gr*cols + gc
			if i >= len(shown) {
				blocks[gc] = fill(nil, ph, pw, true)
				continue
			}
			id := shown[i]
			v := p.view(id)
			v.noCursor = true
			v.setSize(pw, ph-1)
			lines := []string{p.title(id, pw, first+i == p.focus, lagWarn)}
			lines = append(lines, v.render(r, st.lines(id), true, r.columnHeader(v), "waiting for logs…")...)
			for j, l := range lines {
				if w := ansi.StringWidth(l); w < pw {
					lines[j] = l + strings.Repeat(" ", pw-w)
				}
			}
			blocks[gc] = lines
		}
		for line := 0; line < ph; line++ {
			if gr > 0 || line > 0 {
				b.WriteByte('\n')
			}
			for gc := 0; gc < cols; gc++ {
				if gc > 0 {
					b.WriteString(sep)
				}
				if line < len(blocks[gc]) {
					b.WriteString(blocks[gc][line])
				}
			}
		}
	}
	return b.String()
}

// title is a pane's first line: shard, state, rate and lag.
func (p *panes) title(id, w int, focused bool, lag func(consumer.ShardStatus) string) string {
	th := p.theme
	s, ok := p.status[id]
	text := fmt.Sprintf("s%d", id)
	if n := len(p.shards); focused && n > 1 {
		text += fmt.Sprintf(" (%d/%d)", p.focus+1, n)
	}
	if ok {
		text += fmt.Sprintf(" · %s · %s/s", s.State, rate(s.LogsOutPerSec))
		if l := lag(s); l != "" {
			text += " · lag " + l
		}
	}
	text = truncateText(text, max(w-2, 1))
	mark := " "
	st := th.Shard(id).Bold(true)
	if focused {
		mark = "▌"
		st = st.Reverse(true)
	}
	return th.Gutter.Render(mark) + st.Render(text)
}
