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
// that marks a lagging shard.
type lagTable struct {
	keys    *keymap.KeyMap
	theme   *themes.Theme
	loc     *time.Location
	warn    time.Duration
	alarm   time.Duration
	status  consumer.Status
	history map[int][]float64 // logs in per second, oldest first
	cursor  int
	offset  int
	width   int
	height  int
}

func newLagTable(km *keymap.KeyMap, th *themes.Theme, loc *time.Location, warn, alarm time.Duration) *lagTable {
	return &lagTable{keys: km, theme: th, loc: loc, warn: warn, alarm: alarm, history: map[int][]float64{}}
}

func (t *lagTable) setSize(w, h int) { t.width, t.height = w, h }

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
	t.cursor = clamp(t.cursor, 0, len(st.Shards)-1)
}

func (t *lagTable) update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	n := len(t.status.Shards)
	page := max(t.height-3, 1)
	switch {
	case key.Matches(km, t.keys.Up):
		t.cursor--
	case key.Matches(km, t.keys.Down):
		t.cursor++
	case key.Matches(km, t.keys.PageUp):
		t.cursor -= page
	case key.Matches(km, t.keys.PageDown):
		t.cursor += page
	case key.Matches(km, t.keys.Top):
		t.cursor = 0
	case key.Matches(km, t.keys.Bottom):
		t.cursor = n - 1
	}
	t.cursor = clamp(t.cursor, 0, n-1)
	return nil
}

type lagColumn struct {
	title    string
	width    int // 0: the sparkline, which takes what is left
	right    bool
	priority int // narrow terminals drop the highest numbers first
}

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
// sparkline width.
func visibleColumns(w int) (show []bool, sparkW int) {
	show = make([]bool, len(lagColumns))
	used := 1 // the cursor gutter
	for p := 0; p <= 8; p++ {
		for i, c := range lagColumns {
			if c.priority != p || c.width == 0 {
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

func (t *lagTable) view() string {
	th := t.theme
	var b strings.Builder
	show, sparkW := visibleColumns(t.width)
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
	if t.cursor < t.offset {
		t.offset = t.cursor
	}
	if t.cursor >= t.offset+rows {
		t.offset = t.cursor - rows + 1
	}
	t.offset = max(t.offset, 0)
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
	state := s.State.String()
	stateStyle := lipgloss.NewStyle()
	switch s.State {
	case consumer.ShardError:
		stateStyle = th.Bad
	case consumer.ShardBackoff:
		stateStyle = th.Warn
	case consumer.ShardReleased:
		stateStyle = th.Dim
	}
	lag, lagStyle := t.lagCell(s)
	cells := []string{
		cell(strconv.Itoa(s.Shard), 5, true),
		cell(textsafe.Sanitize(owner), 22, false),
		stateStyle.Render(cell(state, 9, false)),
		cell(clock(s.CheckpointTime, t.loc), 12, false),
		cell(clock(s.EndTime, t.loc), 12, false),
		lagStyle.Render(cell(lag, 9, true)),
		cell(rate(s.LogsInPerSec), 8, true),
		cell(rate(s.LogsOutPerSec), 8, true),
		cell(strconv.FormatInt(s.Delivered, 10), 10, true),
		th.Spark.Render(sparkline(t.history[s.Shard], sparkW)),
	}
	mark := " "
	if sel {
		mark = th.Gutter.Render("▌")
	}
	line := mark + joinVisible(cells, show)
	if s.LastError != "" {
		if room := t.width - lipgloss.Width(line) - 1; room > 8 {
			line += " " + th.Bad.Render(truncateText(textsafe.Sanitize(s.LastError), room))
		}
	}
	return line
}

// lagCell is the lag text and style: amber past the warning threshold, red
// past the alarm; "!" marks carry the same news without colour.
func (t *lagTable) lagCell(s *consumer.ShardStatus) (string, lipgloss.Style) {
	if s.EndTime.IsZero() && s.Lag == 0 {
		return "—", t.theme.Dim
	}
	d := s.Lag
	switch {
	case d >= t.alarm:
		return "!!" + humanDuration(d), t.theme.Bad
	case d >= t.warn:
		return "!" + humanDuration(d), t.theme.Warn
	}
	return humanDuration(d), t.theme.Good
}

func (t *lagTable) footer() string {
	st := &t.status
	return t.theme.Dim.Render(truncateText(fmt.Sprintf(" %d shards · in %s/s · out %s/s · delivered %d · query generation %d · lag warn %s, alarm %s",
		len(st.Shards), rate(st.LogsInPerSec), rate(st.LogsOutPerSec), st.Delivered, st.Generation,
		humanDuration(t.warn), humanDuration(t.alarm)), t.width))
}

func cell(s string, w int, right bool) string {
	s = truncateText(s, w)
	pad := strings.Repeat(" ", max(w-textWidth(s), 0))
	if right {
		return pad + s
	}
	return s + pad
}

func clock(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(loc).Format("15:04:05.0")
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
