package tui

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/slstail/slstail/consumer"
	"github.com/slstail/slstail/internal/textsafe"
	"github.com/slstail/slstail/keymap"
	"github.com/slstail/slstail/themes"
)

// sparkSamples is how many status polls a sparkline covers (30 s at the
// default 500 ms interval... times the bars' width).
const sparkSamples = 40

// lagTable is the checkpoint and lag view: one row a shard, refreshed on
// every status poll. It is drawn by hand rather than with bubbles/table,
// whose cells are truncated with runewidth and so cannot carry the colour
// that marks a lagging shard. It scrolls with the log views' keys.
type lagTable struct {
	keys    *keymap.View
	theme   *themes.Theme
	loc     *time.Location
	lag     lagFormat
	status  consumer.Status
	history map[int][]float64 // logs in per second, oldest first
	cursor  int
	offset  int
	width   int
	height  int
}

// lagFormat says how a lag reads: amber past the warning threshold, red
// past the alarm.
type lagFormat struct {
	theme       *themes.Theme
	warn, alarm time.Duration
}

func newLagTable(km *keymap.View, th *themes.Theme, loc *time.Location, lag lagFormat) *lagTable {
	return &lagTable{keys: km, theme: th, loc: loc, lag: lag, history: map[int][]float64{}}
}

// SetSize implements component.
func (t *lagTable) SetSize(w, h int) {
	t.width, t.height = w, h
	t.scroll()
}

// ShortHelp implements help.KeyMap.
func (t *lagTable) ShortHelp() []key.Binding {
	return []key.Binding{t.keys.Up, t.keys.Down}
}

// FullHelp implements help.KeyMap.
func (t *lagTable) FullHelp() [][]key.Binding {
	k := t.keys
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}}
}

// observe takes a status snapshot and extends the sparklines.
func (t *lagTable) observe(st consumer.Status) {
	t.status = st
	for _, s := range st.Shards {
		h := append(t.history[s.Shard], s.LogsInPerSec)
		if len(h) > sparkSamples {
			h = h[len(h)-sparkSamples:]
		}
		t.history[s.Shard] = h
	}
	t.scroll()
}

// Update moves the cursor, and takes status snapshots.
func (t *lagTable) Update(msg tea.Msg) tea.Cmd {
	n := len(t.status.Shards)
	switch msg := msg.(type) {
	case consumer.Status:
		t.observe(msg)
	case tea.MouseMsg:
		t.cursor += wheel(msg)
	case tea.KeyMsg:
		page := max(t.height-3, 1)
		switch {
		case key.Matches(msg, t.keys.Up):
			t.cursor--
		case key.Matches(msg, t.keys.Down):
			t.cursor++
		case key.Matches(msg, t.keys.PageUp):
			t.cursor -= page
		case key.Matches(msg, t.keys.PageDown):
			t.cursor += page
		case key.Matches(msg, t.keys.Top):
			t.cursor = 0
		case key.Matches(msg, t.keys.Bottom):
			t.cursor = n - 1
		}
	}
	t.scroll()
	return nil
}

// scroll keeps the cursor on a shard and its row on screen.
func (t *lagTable) scroll() {
	t.cursor = clamp(t.cursor, 0, len(t.status.Shards)-1)
	rows := t.height - 2
	if t.cursor < t.offset {
		t.offset = t.cursor
	}
	if t.cursor >= t.offset+rows {
		t.offset = t.cursor - rows + 1
	}
	t.offset = max(t.offset, 0)
}

type lagColumn struct {
	title    string
	width    int // 0: the sparkline, which takes what is left
	right    bool
	priority int // narrow terminals drop the highest numbers first
}

// lagHeldBy is the index of the HELD BY column.
const lagHeldBy = 1

var lagColumns = []lagColumn{
	{"SHARD", 5, true, 0},
	{"HELD BY", 22, false, 6},
	{"STATE", 9, false, 1},
	{"CHECKPOINT", 12, false, 3},
	{"END", 12, false, 4},
	{"LAG", 9, true, 0},
	{"IN/S", 8, true, 2},
	{"OUT/S", 8, true, 5},
	{"DELIVERED", 10, true, 7},
	{"IN/S TREND", 0, false, 8},
}

// visibleColumns picks the columns that fit in w, by priority, and the
// sparkline width. owners says other consumers hold shards: HELD BY then
// comes right after the state, since it says why those shards show nothing.
func visibleColumns(w int, owners bool) (show []bool, sparkW int) {
	show = make([]bool, len(lagColumns))
	used := 1 // the cursor gutter
	for p := 0; p <= 8; p++ {
		for i, c := range lagColumns {
			prio := c.priority
			if owners && i == lagHeldBy {
				prio = 1
			}
			if prio != p || c.width == 0 {
				continue
			}
			if used+c.width+1 <= w {
				show[i] = true
				used += c.width + 1
			}
		}
	}
	if rest := w - used; rest >= 8 {
		show[len(lagColumns)-1] = true
		sparkW = min(rest, sparkSamples)
	}
	return show, sparkW
}

func joinVisible(cells []string, show []bool) string {
	parts := make([]string, 0, len(cells))
	for i, c := range cells {
		if show[i] {
			parts = append(parts, c)
		}
	}
	return strings.Join(parts, " ")
}

// View implements component.
func (t *lagTable) View() string {
	th := t.theme
	var b strings.Builder
	show, sparkW := visibleColumns(t.width, t.othersHold())
	hdr := make([]string, len(lagColumns))
	for i, c := range lagColumns {
		hdr[i] = c.title
		if c.width > 0 {
			hdr[i] = cell(c.title, c.width, c.right)
		}
	}
	b.WriteString(th.Title.Render(truncateText(" "+joinVisible(hdr, show), t.width)))
	b.WriteByte('\n')
	rows := t.height - 2
	shards := t.status.Shards
	if len(shards) == 0 {
		b.WriteString(th.Dim.Render(truncateText(" no shard status yet (waiting for the consumer)", t.width)))
		return fillLines(b.String(), t.height)
	}
	for i := t.offset; i < len(shards) && i < t.offset+rows; i++ {
		b.WriteString(t.row(&shards[i], i == t.cursor, show, sparkW))
		b.WriteByte('\n')
	}
	b.WriteString(t.footer())
	return fillLines(b.String(), t.height)
}

func (t *lagTable) row(s *consumer.ShardStatus, sel bool, show []bool, sparkW int) string {
	th := t.theme
	owner := s.Owner
	if owner == "" && s.Held {
		owner = t.status.Consumer
	}
	if owner == "" {
		owner = "—"
	}
	state := shardState(s)
	stateCell := cell(state, 9, false)
	switch s.State {
	case consumer.ShardError:
		stateCell = th.Bad.Render(stateCell)
	case consumer.ShardBackoff, consumer.ShardStalled:
		stateCell = th.Warn.Render(stateCell)
	case consumer.ShardReleased, consumer.ShardDone:
		stateCell = th.Dim.Render(stateCell)
	}
	lag, lagStyle := t.lag.cell(s)
	cells := []string{
		cell(strconv.Itoa(s.Shard), 5, true),
		cell(textsafe.Sanitize(owner), 22, false),
		stateCell,
		cell(clock(s.CheckpointTime, t.loc), 12, false),
		cell(clock(s.EndTime, t.loc), 12, false),
		lagStyle.Render(cell(lag, 9, true)),
		cell(rate(s.LogsInPerSec), 8, true),
		cell(rate(s.LogsOutPerSec), 8, true),
		cell(formatCount(int(s.Delivered)), 10, true),
		th.Spark.Render(sparkline(t.history[s.Shard], sparkW)),
	}
	mark := " "
	if sel {
		mark = th.Gutter.Render("▌")
	}
	line := mark + joinVisible(cells, show)
	if s.LastError != "" {
		if room := t.width - textWidth(line) - 1; room > 8 {
			line += " " + th.Bad.Render(truncateText(textsafe.Sanitize(s.LastError), room))
		}
	}
	return line
}

// cell is the lag text and style; "!" marks carry the same news as the
// colour, for terminals without it.
func (f lagFormat) cell(s *consumer.ShardStatus) (string, lipgloss.Style) {
	if s.EndTime.IsZero() && s.Lag == 0 {
		return "—", f.theme.Dim
	}
	d := s.Lag
	switch {
	case d >= f.alarm:
		return "!!" + humanDuration(d), f.theme.Bad
	case d >= f.warn:
		return "!" + humanDuration(d), f.theme.Warn
	}
	return humanDuration(d), f.theme.Good
}

// othersHold says another consumer holds one of the shards.
func (t *lagTable) othersHold() bool {
	for i := range t.status.Shards {
		if s := &t.status.Shards[i]; !s.Held && s.Owner != "" && s.Owner != t.status.Consumer {
			return true
		}
	}
	return false
}

func (t *lagTable) footer() string {
	st := &t.status
	shards := fmt.Sprintf("%d shards", len(st.Shards))
	readOnly, done := 0, 0
	for i := range st.Shards {
		switch {
		case st.Shards[i].Done:
			done++
		case st.Shards[i].ReadOnly:
			readOnly++
		}
	}
	if readOnly > 0 || done > 0 {
		shards += fmt.Sprintf(" (%d read-only, %d done)", readOnly, done)
	}
	return t.theme.Dim.Render(truncateText(fmt.Sprintf(" %s · in %s/s · out %s/s · delivered %s · query generation %d · lag warn %s, alarm %s",
		shards, rate(st.LogsInPerSec), rate(st.LogsOutPerSec), formatCount(int(st.Delivered)), st.Generation,
		humanDuration(t.lag.warn), humanDuration(t.lag.alarm)), t.width))
}

func cell(s string, w int, right bool) string {
	s = truncateText(s, w)
	pad := strings.Repeat(" ", max(w-textWidth(s), 0))
	if right {
		return pad + s
	}
	return s + pad
}

// clock is a checkpoint's or a shard end's receive time. SLS gives those
// in whole seconds (GetCursorTime), so a fraction would claim a precision
// nobody measured.
func clock(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(loc).Format("15:04:05")
}

// rate formats a per-second rate compactly: 950, 12.3k, 1.2M.
func rate(v float64) string {
	switch {
	case v >= 1e6:
		return strconv.FormatFloat(v/1e6, 'f', 1, 64) + "M"
	case v >= 1e4:
		return strconv.FormatFloat(v/1e3, 'f', 0, 64) + "k"
	case v >= 1e3:
		return strconv.FormatFloat(v/1e3, 'f', 1, 64) + "k"
	case v >= 10 || v == 0:
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

// humanDuration is a short lag: 850ms, 4.2s, 3m04s, 2h05m, 3d04h.
func humanDuration(d time.Duration) string {
	switch {
	case d < 0:
		return "0s"
	case d < time.Second:
		return strconv.Itoa(int(d/time.Millisecond)) + "ms"
	case d < time.Minute:
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d/time.Minute), int(d%time.Minute/time.Second))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return fmt.Sprintf("%dd%02dh", int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour))
}

var sparkBars = []rune("▁▂▃▄▅▆▇█")

// sparkline draws the last w samples scaled to their maximum.
func sparkline(samples []float64, w int) string {
	if w <= 0 || len(samples) == 0 {
		return ""
	}
	if len(samples) > w {
		samples = samples[len(samples)-w:]
	}
	peak := 0.0
	for _, v := range samples {
		peak = math.Max(peak, v)
	}
	out := make([]rune, len(samples))
	for i, v := range samples {
		idx := 0
		if peak > 0 {
			idx = int(math.Round(v / peak * float64(len(sparkBars)-1)))
		}
		out[i] = sparkBars[clamp(idx, 0, len(sparkBars)-1)]
	}
	return string(out)
}

func fillLines(s string, h int) string {
	n := strings.Count(s, "\n") + 1
	if n > h && h > 0 {
		lines := strings.Split(s, "\n")
		return strings.Join(lines[:h], "\n")
	}
	return s + strings.Repeat("\n", max(h-n, 0))
}
