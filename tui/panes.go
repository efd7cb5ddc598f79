package tui

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/slstail/slstail/consumer"
	"github.com/slstail/slstail/internal/textsafe"
	"github.com/slstail/slstail/keymap"
	"github.com/slstail/slstail/themes"
)

// Smallest pane worth drawing: narrower or shorter panes are paged instead.
const (
	minPaneWidth  = 30
	minPaneHeight = 4
)

// panes is the per-shard grid: one logView per shard, a title line each,
// laid out to fit the terminal. Open zooms the focused pane to full size;
// back unzooms it.
//
// The shards follow the logstore's: a shard born of a split or merge gets
// its pane as soon as the status lists it, and a parent that is done
// (read-only and read to its end: nothing more will come) leaves the grid;
// its lines stay in the merged tail and the buffer. A pane the user has
// zoomed into stays until they leave the zoom: it never vanishes under
// the keys that scroll it.
type panes struct {
	keys   *keymap.View
	theme  *themes.Theme
	rend   *renderer
	store  *store
	lag    lagFormat
	views  map[int]*logView
	shards []int // shown, sorted
	focus  int   // index into shards
	zoomed bool
	status map[int]consumer.ShardStatus
	titles map[int][2]lipgloss.Style // per shard: unfocused, focused
	// waiting is why the session holds no shard (Status.Waiting), as of
	// the last status: what an empty pane says.
	waiting string
	width   int
	height  int
	follow  bool
}

func newPanes(km *keymap.View, th *themes.Theme, r *renderer, st *store, lag lagFormat) *panes {
	return &panes{keys: km, theme: th, rend: r, store: st, lag: lag,
		views: map[int]*logView{}, status: map[int]consumer.ShardStatus{}, titles: map[int][2]lipgloss.Style{}, follow: true}
}

// SetSize lays the panes out for the new size.
func (p *panes) SetSize(w, h int) {
	p.width, p.height = w, h
	p.layout()
}

// ShortHelp implements help.KeyMap.
func (p *panes) ShortHelp() []key.Binding {
	if p.zoomed {
		return p.view(p.focused()).ShortHelp()
	}
	return []key.Binding{p.keys.PaneLeft, p.keys.PaneRight, p.keys.Open}
}

// FullHelp implements help.KeyMap.
func (p *panes) FullHelp() [][]key.Binding {
	if p.zoomed {
		return p.view(p.focused()).FullHelp()
	}
	k := p.keys
	return [][]key.Binding{{k.PaneLeft, k.PaneRight, k.Up, k.Down, k.Open, k.Pause, k.Bottom}}
}

// sync learns shards from the buffer and the status (st nil: the status
// of the last call), and lays the grid out again if they changed.
func (p *panes) sync(st []consumer.ShardStatus) {
	for _, s := range st {
		p.status[s.Shard] = s
	}
	focused := p.focused()
	seen := map[int]bool{}
	var shards []int
	add := func(id int) {
		if seen[id] {
			return
		}
		seen[id] = true
		if s, ok := p.status[id]; ok && s.Done && !(p.zoomed && id == focused) {
			return // a parent read to its end: its lines stay in the tail
		}
		shards = append(shards, id)
	}
	for _, id := range p.store.ids {
		add(id)
	}
	for id := range p.status {
		add(id)
	}
	sort.Ints(shards)
	if slices.Equal(shards, p.shards) {
		return
	}
	for _, id := range shards {
		if _, ok := p.titles[id]; !ok {
			st := p.theme.Shard(id).Bold(true)
			p.titles[id] = [2]lipgloss.Style{st, st.Reverse(true)}
		}
	}
	p.shards = shards
	// The focus stays on its shard, or goes to the next one when its
	// shard left the grid.
	p.focus, _ = slices.BinarySearch(shards, focused)
	p.focus = clamp(p.focus, 0, len(shards)-1)
	p.layout()
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
		v = newLogView(p.keys, p.rend, p.store, id)
		v.follow = p.follow
		p.views[id] = v
	}
	return v
}

// active is the zoomed pane's view, or nil in the grid.
func (p *panes) active() *logView {
	if !p.zoomed || len(p.shards) == 0 {
		return nil
	}
	return p.view(p.focused())
}

// setFollow pauses or resumes every pane together.
func (p *panes) setFollow(follow bool) {
	p.follow = follow
	for _, v := range p.views {
		v.setFollow(v.lines(), follow)
	}
}

// following says whether the grid's panes follow their streams.
func (p *panes) following() bool { return p.follow }

// back unzooms; it reports whether there was a zoom to leave.
func (p *panes) back() bool {
	if !p.zoomed {
		return false
	}
	p.zoomed = false
	p.layout()
	p.sync(nil) // a pane kept for the zoom may leave now
	return true
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

// page is the grid's layout for the focused pane's page: the shards shown,
// the index of the first, and the grid.
type page struct {
	shown       []int
	first       int
	cols, rows  int
	heights     []int // per grid row, title included
	widths      []int // per grid column
	sep         int   // columns between panes
	totalShards int
}

func (p *panes) page() page {
	n := len(p.shards)
	cols, rows, perPage := grid(n, p.width, p.height)
	pg := 0
	if perPage > 0 {
		pg = p.focus / perPage
	}
	first := pg * perPage
	shown := p.shards[first:min(first+perPage, n)]
	if perPage < n {
		rows = max(1, min(rows, (len(shown)+cols-1)/cols))
	} else {
		rows = (len(shown) + cols - 1) / cols
	}
	out := page{shown: shown, first: first, cols: cols, rows: rows, sep: 1, totalShards: n}
	for gr := 0; gr < rows; gr++ {
		ph := p.height / rows
		if gr < p.height%rows {
			ph++
		}
		out.heights = append(out.heights, ph)
	}
	for gc := 0; gc < cols; gc++ {
		pw := (p.width - (cols - 1)) / cols
		if gc < (p.width-(cols-1))%cols {
			pw++
		}
		out.widths = append(out.widths, pw)
	}
	return out
}

// layout hands each shown pane its size: called whenever the size, the
// shards, the focus's page or the zoom change.
func (p *panes) layout() {
	if len(p.shards) == 0 {
		return
	}
	if p.zoomed {
		v := p.view(p.focused())
		v.noCursor, v.pad = false, false
		v.SetSize(p.width, p.height-1)
		return
	}
	pg := p.page()
	for i, id := range pg.shown {
		v := p.view(id)
		v.noCursor, v.pad = true, true
		v.SetSize(pg.widths[i%pg.cols], pg.heights[i/pg.cols]-1)
	}
}

// Update handles the grid's keys: focus, zoom, and pause or follow for all
// panes together; a zoomed pane takes the keys of a log view.
func (p *panes) Update(msg tea.Msg) tea.Cmd {
	if v := p.active(); v != nil {
		return v.Update(msg)
	}
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	n := len(p.shards)
	before := p.focus
	switch {
	case key.Matches(km, p.keys.PaneLeft):
		p.focus = (p.focus + n - 1) % max(n, 1)
	case key.Matches(km, p.keys.PaneRight):
		p.focus = (p.focus + 1) % max(n, 1)
	case key.Matches(km, p.keys.Up):
		cols, _, _ := grid(n, p.width, p.height)
		p.focus = clamp(p.focus-cols, 0, n-1)
	case key.Matches(km, p.keys.Down):
		cols, _, _ := grid(n, p.width, p.height)
		p.focus = clamp(p.focus+cols, 0, n-1)
	case key.Matches(km, p.keys.Open):
		if n > 0 {
			p.zoomed = true
			p.layout()
		}
	case key.Matches(km, p.keys.Pause):
		p.setFollow(!p.follow)
	case key.Matches(km, p.keys.Bottom):
		p.setFollow(true)
	}
	if p.focus != before {
		p.layout() // the focus may have moved to another page
	}
	return nil
}

// settle lays out the rows of the panes shown.
func (p *panes) settle() {
	if len(p.shards) == 0 {
		return
	}
	if p.zoomed {
		id := p.focused()
		p.view(id).settle(p.emptyText(id))
		return
	}
	for _, id := range p.page().shown {
		p.view(id).settle(p.emptyText(id))
	}
}

// emptyText is what a pane with no line to show says: why it has none.
func (p *panes) emptyText(id int) string {
	s, known := p.status[id]
	_, had := p.store.shards[id]
	switch {
	case p.store.filter != nil && had && p.store.shards[id].Len() > 0:
		return "no line of this shard matches the filter"
	case known && s.Delivered > 0 && (had || p.store.cleared):
		// Its lines were evicted (or cleared): it is not waiting.
		return formatCount(int(s.Delivered)) + " delivered, none in buffer"
	case known && !s.Held && s.Owner != "":
		return "held by " + textsafe.Sanitize(s.Owner)
	case p.waiting != "":
		return p.waiting
	}
	return "waiting for logs…"
}

// View draws the grid, or the zoomed pane under its title.
func (p *panes) View() string {
	th := p.theme
	if len(p.shards) == 0 {
		return fillLines(th.Dim.Render(" no shards yet"), p.height)
	}
	if p.zoomed {
		id := p.focused()
		return p.title(id, p.width, true) + "\n" + strings.Join(p.rows(id), "\n")
	}
	pg := p.page()
	sep := th.Border.Render("│")
	var b strings.Builder
	for gr := 0; gr < pg.rows; gr++ {
		ph := pg.heights[gr]
		blocks := make([][]string, pg.cols)
		for gc := 0; gc < pg.cols; gc++ {
			pw := pg.widths[gc]
			i := gr*pg.cols + gc
			if i >= len(pg.shown) {
				blocks[gc] = fill(nil, ph, pw, true)
				continue
			}
			id := pg.shown[i]
			lines := append([]string{p.title(id, pw, pg.first+i == p.focus)}, p.rows(id)...)
			for j, l := range lines {
				lines[j] = padRight(l, pw)
			}
			blocks[gc] = lines
		}
		for line := 0; line < ph; line++ {
			if gr > 0 || line > 0 {
				b.WriteByte('\n')
			}
			for gc := 0; gc < pg.cols; gc++ {
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

// rows is what the pane's view laid out; a pane is laid out before it is
// shown, so none is missing but in a bug.
func (p *panes) rows(id int) []string {
	if v, ok := p.views[id]; ok {
		return v.rows
	}
	return nil
}

// title is a pane's first line: shard, state, rate and lag.
func (p *panes) title(id, w int, focused bool) string {
	th := p.theme
	s, ok := p.status[id]
	text := fmt.Sprintf("s%d", id)
	if n := len(p.shards); focused && n > 1 {
		text += fmt.Sprintf(" (%d/%d)", p.focus+1, n)
	}
	if ok {
		text += fmt.Sprintf(" · %s · %s/s", shardState(&s), rate(s.LogsOutPerSec))
		if !(s.EndTime.IsZero() && s.Lag == 0) {
			l, _ := p.lag.cell(&s)
			text += " · lag " + l
		}
	}
	text = truncateText(text, max(w-2, 1))
	mark, st := " ", p.titles[id][0]
	if focused {
		mark, st = "▌", p.titles[id][1]
	}
	return th.Gutter.Render(mark) + st.Render(text)
}

// shardState is a shard's state as its pane title and its lag row say it:
// a read-only shard (split or merged, still being read to its end) says
// so while nothing is wrong with it; once read to its end it is "done".
func shardState(s *consumer.ShardStatus) string {
	if s.ReadOnly && !s.Done {
		switch s.State {
		case consumer.ShardStarting, consumer.ShardPulling, consumer.ShardIdle:
			return "read-only"
		}
	}
	return s.State.String()
}
