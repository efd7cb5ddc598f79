package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/slstail/slstail/internal/textsafe"
	"github.com/slstail/slstail/keymap"
	"github.com/slstail/slstail/themes"
)

// timelineJump is the timeline's choice of a line to go to, which the
// root takes (take) in the Update of the key: seq is the first buffered
// line of the second (or column of seconds) chosen.
type timelineJump struct {
	seq uint64
	at  time.Time
}

type timelineResultMsg struct {
	id   uint64
	data timelineData
}

// timelineDeps is what the timeline reads from the root when it counts.
type timelineDeps struct {
	source func() timelineSource
	now    func() time.Time
	loc    *time.Location
}

// timelineView is the rate-over-time overlay: a bar chart of lines per
// second in view (dim) and matching (bright), fitted to the width with a
// labelled time axis, and a cursor over its columns.
type timelineView struct {
	keys  *keymap.Timeline
	theme *themes.Theme
	deps  timelineDeps

	jobs     jobRunner
	data     *timelineData
	label    string
	perShard bool
	cursor   int // column; -1 means the newest (follows as data grows)
	jump     *timelineJump
	closed   bool

	width, height int
}

func newTimelineView(km *keymap.Timeline, th *themes.Theme, deps timelineDeps) *timelineView {
	return &timelineView{keys: km, theme: th, deps: deps, cursor: -1}
}

// take returns what the last key chose: a line to go to, or closing.
func (t *timelineView) take() (jump *timelineJump, closed bool) {
	jump, closed = t.jump, t.closed
	t.jump, t.closed = nil, false
	return jump, closed
}

// open (re)counts the buffer; the cursor starts on the newest column.
func (t *timelineView) open() tea.Cmd {
	t.cursor = -1
	return t.count()
}

func (t *timelineView) count() tea.Cmd {
	src := t.deps.source()
	per := t.perShard
	t.label = src.label
	return t.jobs.start(func(ctx context.Context, id uint64) tea.Msg {
		defer src.snap.release()
		d, ok := bucketize(ctx, src, per)
		if !ok {
			return nil
		}
		return timelineResultMsg{id: id, data: d}
	})
}

func (t *timelineView) SetSize(w, h int) { t.width, t.height = max(w, 0), max(h, 0) }

// The chart's frame: the y labels' width, and the rows around the bars.
const (
	yLabelW       = 7 // "12.3k ┤"
	timelineChrom = 6 // title, axis, time labels, cursor info, legend, hints
)

func (t *timelineView) chartWidth() int { return max(t.width-yLabelW-1, 1) }

// maxCellW bounds how wide one second's bar grows when the buffer spans
// fewer seconds than the chart has columns (the first minute of a tail):
// wide enough to read and to aim the cursor at, not so wide that a few
// seconds look like a trend.
const maxCellW = 6

// cellWidth is how many characters each of n columns takes: the chart
// fills the width with few seconds, one character a column with many.
func (t *timelineView) cellWidth(n int) int {
	if n <= 0 {
		return 1
	}
	return clamp(t.chartWidth()/n, 1, maxCellW)
}

func (t *timelineView) cols() ([]column, int) {
	if t.data == nil {
		return nil, 1
	}
	return t.data.columns(t.chartWidth())
}

// cur is the cursor's column, resolved against the columns' count.
func (t *timelineView) cur(n int) int {
	if t.cursor < 0 || t.cursor >= n {
		return n - 1
	}
	return t.cursor
}

func (t *timelineView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case timelineResultMsg:
		if t.jobs.take(msg.id) {
			t.data = &msg.data
		}
		return nil
	case tea.KeyMsg:
		k := t.keys
		cols, _ := t.cols()
		n := len(cols)
		c := t.cur(n)
		switch {
		case key.Matches(msg, k.Close):
			t.jobs.stop()
			t.closed = true
		case key.Matches(msg, k.Earlier):
			t.cursor = max(c-1, 0)
		case key.Matches(msg, k.Later):
			if c+1 >= n-1 {
				t.cursor = -1 // the newest column: keep to it as time goes on
			} else {
				t.cursor = c + 1
			}
		case key.Matches(msg, k.First):
			t.cursor = 0
		case key.Matches(msg, k.Last):
			t.cursor = -1
		case key.Matches(msg, k.PerShard):
			t.perShard = !t.perShard
			return t.count()
		case key.Matches(msg, k.Recount):
			return t.count()
		case key.Matches(msg, k.Jump):
			if n == 0 || !cols[c].has {
				return nil
			}
			t.jump = &timelineJump{seq: cols[c].first, at: time.Unix(t.data.start+int64(cols[c].from), 0)}
		}
	}
	return nil
}

func (t *timelineView) ShortHelp() []key.Binding { return t.keys.ShortHelp() }

// FullHelp implements help.KeyMap: the keys the view takes before the
// global ones.
func (t *timelineView) FullHelp() [][]key.Binding { return t.keys.FullHelp() }

// vbarEighths are the bottom-aligned partial blocks, one to eight eighths.
var vbarEighths = []string{" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"}

// View draws the chart in exactly height rows of at most width columns.
func (t *timelineView) View() string {
	th := t.theme
	w := t.width
	rows := make([]string, 0, t.height)
	title := "Timeline · lines per second in view"
	if t.label != "" {
		title += " vs matching " + textsafe.Sanitize(t.label)
	}
	rows = append(rows, th.Title.Render(truncateText(" "+title, w)))
	cols, k := t.cols()
	switch {
	case t.data == nil && t.jobs.running():
		rows = append(rows, th.Dim.Render(" counting…"))
	case t.data == nil || len(cols) == 0:
		rows = append(rows, th.Dim.Render(truncateText(" no lines to chart", w)))
	default:
		rows = append(rows, t.chart(cols, k)...)
	}
	var parts []string
	for _, b := range t.ShortHelp() {
		parts = append(parts, hint(b, b.Help().Desc))
	}
	hintRow := " " + hints(parts...)
	for len(rows) < t.height-1 {
		rows = append(rows, "")
	}
	rows = rows[:max(t.height-1, 0)]
	if t.height > 0 {
		rows = append(rows, th.Dim.Render(truncateText(hintRow, w)))
	}
	return strings.Join(rows, "\n")
}

// chart is the bars, the axes, the cursor's line and the per-shard rows.
func (t *timelineView) chart(cols []column, k int) []string {
	th := t.theme
	d := t.data
	c := t.cur(len(cols))
	shardRows := 0
	if t.perShard {
		shardRows = min(len(d.shards), max(t.height-timelineChrom-3, 0))
	}
	barRows := max(t.height-timelineChrom-shardRows, 1)
	top := 0.0
	for _, col := range cols {
		top = max(top, col.all)
	}
	top = niceCeil(top)
	cw := t.cellWidth(len(cols))
	// Bars three or more characters wide keep a gap, so that seconds read
	// as bars rather than as one area.
	barW := cw
	if cw >= 3 {
		barW = cw - 1
	}
	gap := strings.Repeat(" ", cw-barW)
	mono := th.Name == "mono" && t.label != ""
	var out []string
	for r := barRows - 1; r >= 0; r-- {
		var b strings.Builder
		switch r {
		case barRows - 1:
			b.WriteString(fmt.Sprintf("%*s ┤", yLabelW-2, rate(top)))
		case 0:
			b.WriteString(fmt.Sprintf("%*s ┤", yLabelW-2, "0"))
		default:
			b.WriteString(strings.Repeat(" ", yLabelW-1) + "│")
		}
		for i, col := range cols {
			hAll := eighths(col.all, top, barRows)
			hMatch := eighths(col.matched, top, barRows)
			fa := clamp(hAll-8*r, 0, 8)
			fm := clamp(hMatch-8*r, 0, 8)
			if fm > 0 && fm < 8 && fa > fm {
				// A cell shows one colour: where the matching part ends
				// below the top of the bar, the cell goes to the nearer.
				fm = 8 * ((fm + 4) / 8)
			}
			cell := strings.Repeat(" ", barW)
			switch {
			case fm > 0:
				cell = th.Spark.Render(strings.Repeat(vbarEighths[fm], barW))
			case fa == 8 && mono:
				// Without colour, the lines that do not match are shaded,
				// so that the matching part stands apart.
				cell = th.Dim.Render(strings.Repeat("░", barW))
			case fa > 0:
				cell = th.Dim.Render(strings.Repeat(vbarEighths[fa], barW))
			}
			if i == c && fa == 0 && fm == 0 {
				cell = th.Dim.Render("┊") + strings.Repeat(" ", barW-1)
			}
			b.WriteString(cell)
			b.WriteString(gap)
		}
		out = append(out, b.String())
	}
	// The axis, with the cursor, and the time labels under their ticks.
	axis := []rune(strings.Repeat("─", len(cols)*cw))
	labels := []rune(strings.Repeat(" ", len(cols)*cw+8))
	for i := 0; i < len(cols); i += (tickEvery + cw - 1) / cw {
		axis[i*cw] = '┬'
		at := time.Unix(d.start+int64(cols[i].from), 0).In(t.deps.loc).Format("15:04:05")
		copy(labels[i*cw:], []rune(at))
	}
	axis[c*cw] = '▲'
	out = append(out, strings.Repeat(" ", yLabelW-1)+"└"+string(axis))
	lab := string(labels)
	out = append(out, strings.Repeat(" ", yLabelW)+truncateText(strings.TrimRight(lab, " "), max(t.width-yLabelW, 0)))
	// The cursor's column, in words.
	col := cols[c]
	from := time.Unix(d.start+int64(col.from), 0).In(t.deps.loc)
	span := from.Format("15:04:05")
	if col.k > 1 {
		span += "–" + from.Add(time.Duration(col.k-1)*time.Second).Format("15:04:05")
	}
	info := fmt.Sprintf(" ▲ %s · %s/s in view", span, rate(col.all))
	if t.label != "" {
		info += fmt.Sprintf(" · %s/s matching", rate(col.matched))
	}
	if k > 1 {
		info += fmt.Sprintf(" · %d s a column", k)
	}
	if d.before > 0 {
		info += fmt.Sprintf(" · %s older than %d h not shown", plural(d.before, "line"), maxTimelineSpan/3600)
	}
	out = append(out, th.Title.Render(truncateText(info, t.width)))
	legend := " " + th.Dim.Render("█") + " in view"
	if mono {
		legend = " " + th.Dim.Render("░") + " in view"
	}
	if t.label != "" {
		legend += "  " + th.Spark.Render("█") + " matching"
	}
	out = append(out, legend)
	for _, s := range d.shards[:shardRows] {
		vals := d.shardColumns(s, t.chartWidth())
		smax := 0.0
		for _, v := range vals {
			smax = max(smax, v)
		}
		var b strings.Builder
		b.WriteString(fmt.Sprintf("%*s ", yLabelW-1, "s"+fmt.Sprint(s)))
		for _, v := range vals {
			b.WriteString(strings.Repeat(vbarEighths[clamp(eighths(v, smax, 1), 0, 8)], barW))
			b.WriteString(gap)
		}
		out = append(out, th.Shard(s).Render(b.String()))
	}
	return out
}

// eighths is v as a bar height in eighths of a row, over rows rows with
// top at the full height. A non-zero value shows at least one eighth.
func eighths(v, top float64, rows int) int {
	if v <= 0 || top <= 0 {
		return 0
	}
	h := int(v/top*float64(rows*8) + 0.5)
	return max(h, 1)
}

// plural is "1 line", "2 lines".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return formatCount(n) + " " + word + "s"
}

// tickEvery spaces the time labels, in characters: "15:04:05" and a gap
// fit between two.
const tickEvery = 10

// niceCeil rounds a chart's top up to 1, 2 or 5 times a power of ten, so
// that the y label reads plainly.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := 1.0
	for p*10 <= v {
		p *= 10
	}
	for p > v*10 {
		p /= 10
	}
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}
