package tui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/slstail/slstail/internal/textsafe"
	"github.com/slstail/slstail/themes"
)

// facetKeys are the facet view's bindings.
type facetKeys struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Filter, Exclude, AddToQuery             key.Binding
	Field, Refresh, Mode, Close             key.Binding
	Complete, Accept, Cancel                key.Binding // in the field input
}

func defaultFacetKeys() facetKeys {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return facetKeys{
		Up:         b("↑/k", "up", "up", "k"),
		Down:       b("↓/j", "down", "down", "j"),
		PageUp:     b("pgup", "page up", "pgup", "ctrl+b", "ctrl+u"),
		PageDown:   b("pgdn", "page down", "pgdown", "ctrl+f", "ctrl+d"),
		Top:        b("g", "first", "g", "home"),
		Bottom:     b("G", "last", "G", "end"),
		Filter:     b("enter", "filter to value", "enter"),
		Exclude:    b("x/!", "exclude value", "x", "!"),
		AddToQuery: b("e", "add to query", "e"),
		Field:      b("tab", "other field", "tab"),
		Refresh:    b("r", "recount", "r"),
		Mode:       b("v", "values/numbers", "v"),
		Close:      b("esc", "close", "esc"),
		Complete:   b("tab", "complete", "tab"),
		Accept:     b("enter", "count", "enter"),
		Cancel:     b("esc", "cancel", "esc"),
	}
}

// facetFilterMsg asks the root to set the local filter to field=value (or
// to exclude it): the buffer shows only (or no longer) those lines.
type facetFilterMsg struct {
	field, value string
	exclude      bool
}

// openEditorMsg asks the root to open the SPL editor with query in it,
// not applied: the user reviews it and presses enter.
type openEditorMsg struct{ query string }

// closeViewMsg tells the root an overlay closed itself.
type closeViewMsg struct{ view string }

// facetResultMsg is a finished count.
type facetResultMsg struct {
	id  uint64
	res facetResult
}

// facetDeps is what the view reads from the root, at the moment it needs
// it: what is in view (a snapshot, taken in Update, and the view's filter),
// the field names seen (for tab completion), the running query (for "add
// to query"), and the clock.
type facetDeps struct {
	snapshot func() (*bufSnap, lineFilter)
	fields   func() []string
	query    func() string
	now      func() time.Time
	loc      *time.Location // of the times shown
}

// facetTop is how many values a count keeps for the list.
const facetTop = 500

// numericMinDistinct: a numeric field with fewer distinct values than this
// (status: 200, 404, 503) is a category, and shows its values first.
const numericMinDistinct = 16

// facetView is the facet overlay: a field input with tab completion, then
// the field's top values (value, count, share, bar) with a cursor, or for a
// numeric field its order statistics and a histogram.
type facetView struct {
	keys  facetKeys
	theme *themes.Theme
	deps  facetDeps
	input textinput.Model

	editing bool // the field input has the keys
	jobs    jobRunner
	res     *facetResult
	asOf    time.Time
	numbers bool // show the numeric summary rather than the values
	cursor  int
	offset  int
	notice  string

	width, height int
}

func newFacetView(th *themes.Theme, deps facetDeps) *facetView {
	in := textinput.New()
	in.Prompt = "field: "
	in.PromptStyle = th.Prompt
	in.CharLimit = 256
	in.ShowSuggestions = true
	return &facetView{keys: defaultFacetKeys(), theme: th, deps: deps, input: in}
}

// open shows the view: counting field at once, or asking for one.
func (f *facetView) open(field string) tea.Cmd {
	f.notice = ""
	if field == "" {
		return f.editField()
	}
	f.input.SetValue(field)
	return f.count(field)
}

func (f *facetView) editField() tea.Cmd {
	f.editing = true
	f.input.SetSuggestions(f.deps.fields())
	f.input.CursorEnd()
	return f.input.Focus()
}

// count starts counting field over what is in view now.
func (f *facetView) count(field string) tea.Cmd {
	f.editing = false
	f.input.Blur()
	snap, view := f.deps.snapshot()
	return f.jobs.start(func(ctx context.Context, id uint64) tea.Msg {
		res, ok := countFacet(ctx, snap, view, field, facetTop)
		if !ok {
			return nil
		}
		return facetResultMsg{id: id, res: res}
	})
}

func (f *facetView) SetSize(w, h int) {
	f.width, f.height = max(w, 0), max(h, 0)
	f.input.Width = max(w-len(f.input.Prompt)-2, 1)
	f.offset = scrollTo(f.cursor, f.offset, f.listHeight(), f.rowCount())
}

func (f *facetView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case facetResultMsg:
		if f.jobs.take(msg.id) {
			f.res = &msg.res
			f.asOf = f.deps.now()
			f.numbers = msg.res.numeric && msg.res.distinct >= numericMinDistinct
			f.cursor, f.offset = 0, 0
		}
		return nil
	case tea.KeyMsg:
		if f.editing {
			return f.updateInput(msg)
		}
		return f.updateList(msg)
	}
	if f.editing {
		var cmd tea.Cmd
		f.input, cmd = f.input.Update(msg)
		return cmd
	}
	return nil
}

func (f *facetView) updateInput(msg tea.KeyMsg) tea.Cmd {
	k := f.keys
	switch {
	case key.Matches(msg, k.Accept):
		field := strings.TrimSpace(f.input.Value())
		if field == "" {
			return nil
		}
		return f.count(field)
	case key.Matches(msg, k.Cancel):
		if f.res == nil && !f.jobs.running() {
			return closeCmd("facets")
		}
		f.editing = false
		f.input.Blur()
		return nil
	}
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(msg)
	return cmd
}

func closeCmd(view string) tea.Cmd {
	return func() tea.Msg { return closeViewMsg{view: view} }
}

func (f *facetView) updateList(msg tea.KeyMsg) tea.Cmd {
	cmd := f.listKey(msg)
	f.offset = scrollTo(f.cursor, f.offset, f.listHeight(), f.rowCount())
	return cmd
}

func (f *facetView) listKey(msg tea.KeyMsg) tea.Cmd {
	k := f.keys
	f.notice = ""
	n := f.rowCount()
	page := max(f.listHeight()-1, 1)
	switch {
	case key.Matches(msg, k.Close):
		f.jobs.stop()
		return closeCmd("facets")
	case key.Matches(msg, k.Field):
		return f.editField()
	case key.Matches(msg, k.Refresh):
		if f.res != nil {
			return f.count(f.res.field)
		}
	case key.Matches(msg, k.Mode):
		if f.res != nil && f.res.numeric {
			f.numbers = !f.numbers
			f.cursor, f.offset = 0, 0
		}
	case key.Matches(msg, k.Up):
		f.cursor = clamp(f.cursor-1, 0, n-1)
	case key.Matches(msg, k.Down):
		f.cursor = clamp(f.cursor+1, 0, n-1)
	case key.Matches(msg, k.PageUp):
		f.cursor = clamp(f.cursor-page, 0, n-1)
	case key.Matches(msg, k.PageDown):
		f.cursor = clamp(f.cursor+page, 0, n-1)
	case key.Matches(msg, k.Top):
		f.cursor = 0
	case key.Matches(msg, k.Bottom):
		f.cursor = max(n-1, 0)
	case key.Matches(msg, k.Filter), key.Matches(msg, k.Exclude), key.Matches(msg, k.AddToQuery):
		v, ok := f.selected()
		if !ok {
			if f.numbers {
				f.notice = "v lists the values to pick one"
			}
			return nil
		}
		field := f.res.field
		if key.Matches(msg, k.AddToQuery) {
			stage, err := whereEquals(field, v, false)
			if err != nil {
				f.notice = err.Error()
				return nil
			}
			q := appendStage(f.deps.query(), stage)
			return func() tea.Msg { return openEditorMsg{query: q} }
		}
		exclude := key.Matches(msg, k.Exclude)
		return func() tea.Msg { return facetFilterMsg{field: field, value: v, exclude: exclude} }
	}
	return nil
}

// selected is the value under the cursor in the values list.
func (f *facetView) selected() (string, bool) {
	if f.res == nil || f.numbers || f.cursor >= len(f.res.values) {
		return "", false
	}
	return f.res.values[f.cursor].value, true
}

func (f *facetView) rowCount() int {
	switch {
	case f.res == nil:
		return 0
	case f.numbers:
		return len(f.res.hist)
	}
	return len(f.res.values)
}

// listHeight is the rows left for the list under the title, summary,
// column header and key hints.
func (f *facetView) listHeight() int {
	head := 3
	if f.numbers {
		head = 4
	}
	return max(f.height-head-1, 0)
}

func (f *facetView) ShortHelp() []key.Binding {
	k := f.keys
	switch {
	case f.editing:
		return []key.Binding{k.Complete, k.Accept, k.Cancel}
	case f.numbers:
		return []key.Binding{k.Mode, k.Field, k.Refresh, k.Close}
	}
	return []key.Binding{k.Filter, k.Exclude, k.AddToQuery, k.Field, k.Close}
}

func (f *facetView) FullHelp() [][]key.Binding {
	k := f.keys
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Filter, k.Exclude, k.AddToQuery},
		{k.Field, k.Refresh, k.Mode, k.Close},
	}
}

// View draws the overlay in exactly height rows of at most width columns.
// It changes nothing: the scroll offset follows the cursor in Update.
func (f *facetView) View() string {
	th := f.theme
	w := f.width
	rows := make([]string, 0, f.height)
	// Row 1: the field, as an input or a title.
	if f.editing {
		rows = append(rows, f.input.View())
	} else {
		title := "Facets"
		if f.res != nil {
			title += " · " + textsafe.Sanitize(f.res.field)
		}
		rows = append(rows, th.Title.Render(truncateText(" "+title, w)))
	}
	switch {
	case f.res == nil && f.jobs.running():
		rows = append(rows, th.Dim.Render(truncateText(" counting…", w)))
	case f.res == nil:
		rows = append(rows, th.Dim.Render(truncateText(" type a field name (tab completes) and press enter", w)))
	default:
		rows = append(rows, th.Dim.Render(truncateText(" "+f.summary(), w)))
		if f.numbers {
			rows = append(rows, f.numericRows()...)
		} else {
			rows = append(rows, f.valueRows()...)
		}
	}
	hint := f.notice
	if hint == "" {
		var parts []string
		for _, b := range f.ShortHelp() {
			parts = append(parts, b.Help().Key+" "+b.Help().Desc)
		}
		if f.res != nil && f.res.numeric && !f.editing && !f.numbers {
			parts = append(parts, "v numbers")
		}
		hint = strings.Join(parts, " · ")
	}
	for len(rows) < f.height-1 {
		rows = append(rows, "")
	}
	rows = rows[:max(f.height-1, 0)]
	if f.height > 0 {
		rows = append(rows, th.Dim.Render(truncateText(" "+hint, w)))
	}
	return strings.Join(rows, "\n")
}

func (f *facetView) summary() string {
	r := f.res
	s := fmt.Sprintf("%s lines in view · %s with the field · ", formatCount(r.lines), formatCount(r.present))
	switch {
	case r.truncated:
		s += fmt.Sprintf("over %s values (%s lines of later values not counted apart)", formatCount(maxFacetValues), formatCount(r.other))
	case r.distinct == 1:
		s += "1 value"
	default:
		s += formatCount(r.distinct) + " values"
	}
	if r.numeric {
		s += " · numeric"
	}
	if f.jobs.running() {
		s += " · recounting…"
	} else if !f.asOf.IsZero() {
		s += " · as of " + f.asOf.In(f.deps.loc).Format("15:04:05")
	}
	return s
}

// Column widths of the values list: count and share right-aligned, the bar
// takes what the value leaves, at least barMin.
const (
	countW = 9
	shareW = 7
	barMin = 8
	barMax = 60 // wider says nothing more and pulls the eye off the numbers
)

func (f *facetView) valueRows() []string {
	th := f.theme
	r := f.res
	w := f.width
	if len(r.values) == 0 {
		return []string{th.Dim.Render(truncateText(" no line in view has this field", w))}
	}
	// The value column is as wide as the widest value on screen, at least
	// the header's and at most what leaves the bar barMin columns.
	h := f.listHeight()
	off := scrollTo(f.cursor, f.offset, h, len(r.values))
	valueW := len("VALUE")
	for i := off; i < min(len(r.values), off+h); i++ {
		valueW = max(valueW, textWidth(displayValue(r.values[i].value)))
	}
	valueW = max(min(valueW, w-1-countW-shareW-3-barMin), 1)
	barW := min(max(w-1-valueW-countW-shareW-3, 0), barMax)
	out := []string{th.Dim.Render(" " + padRight("VALUE", valueW) + fmt.Sprintf("%*s %*s", countW, "COUNT", shareW, "SHARE"))}
	top := r.values[0].count
	for i := off; i < min(len(r.values), off+h); i++ {
		v := r.values[i]
		text := displayValue(v.value)
		text = padRight(truncateText(text, valueW), valueW)
		share := 100 * float64(v.count) / float64(max(r.present, 1))
		line := text + fmt.Sprintf("%*s %*s", countW, formatCount(v.count), shareW, strconv.FormatFloat(share, 'f', 1, 64)+"%")
		bar := hbar(float64(v.count)/float64(top), barW)
		if i == f.cursor {
			out = append(out, th.Gutter.Render("▌")+th.Selected.Render(line+"  "+bar))
		} else {
			out = append(out, " "+line+"  "+th.Spark.Render(bar))
		}
	}
	return out
}

func (f *facetView) numericRows() []string {
	th := f.theme
	r := f.res
	w := f.width
	st := r.stats
	stats := fmt.Sprintf(" min %s   p50 %s   p90 %s   p99 %s   max %s   (%s numbers)",
		formatNumber(st.min), formatNumber(st.p50), formatNumber(st.p90), formatNumber(st.p99), formatNumber(st.max), formatCount(r.numbers))
	out := []string{th.Title.Render(truncateText(stats, w))}
	rangeW := 25
	barW := min(max(w-1-rangeW-countW-shareW-3, 0), barMax)
	out = append(out, th.Dim.Render(" "+padRight("RANGE", rangeW)+fmt.Sprintf("%*s %*s", countW, "COUNT", shareW, "SHARE")))
	top := 1
	for _, b := range r.hist {
		top = max(top, b.count)
	}
	h := f.listHeight()
	off := scrollTo(f.cursor, f.offset, h, len(r.hist))
	for i := off; i < min(len(r.hist), off+h); i++ {
		b := r.hist[i]
		closing := ")"
		if i == len(r.hist)-1 {
			closing = "]"
		}
		label := padRight(truncateText("["+formatNumber(b.lo)+", "+formatNumber(b.hi)+closing, rangeW), rangeW)
		share := 100 * float64(b.count) / float64(max(r.numbers, 1))
		line := label + fmt.Sprintf("%*s %*s", countW, formatCount(b.count), shareW, strconv.FormatFloat(share, 'f', 1, 64)+"%")
		bar := hbar(float64(b.count)/float64(top), barW)
		if i == f.cursor {
			out = append(out, th.Gutter.Render("▌")+th.Selected.Render(line+"  "+bar))
		} else {
			out = append(out, " "+line+"  "+th.Spark.Render(bar))
		}
	}
	return out
}

// scrollTo keeps the cursor inside a window of h rows over n.
func scrollTo(cursor, offset, h, n int) int {
	if h <= 0 {
		return 0
	}
	if cursor < offset {
		offset = cursor
	}
	if cursor >= offset+h {
		offset = cursor - h + 1
	}
	return clamp(offset, 0, max(n-h, 0))
}

// hbarEighths are the left-aligned partial blocks, one to seven eighths.
var hbarEighths = []string{"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"}

// hbar is a horizontal bar of frac (0..1) of w columns, in eighths.
func hbar(frac float64, w int) string {
	if w <= 0 || frac <= 0 {
		return ""
	}
	eighths := int(frac*float64(w*8) + 0.5)
	eighths = max(min(eighths, w*8), 1) // a value that exists shows
	return strings.Repeat("█", eighths/8) + hbarEighths[eighths%8]
}
