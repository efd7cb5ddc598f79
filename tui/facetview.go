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
	"github.com/slstail/slstail/keymap"
	"github.com/slstail/slstail/themes"
)

// facetAction is a choice made in the facet view, which the root takes
// (take) in the Update of the key that made it: filtering the buffer or
// opening the editor must be done before the next key is routed.
type facetAction struct {
	kind         facetActionKind
	field, value string
	query        string // facetQuery: the editor's new text
}

type facetActionKind int

const (
	facetClose   facetActionKind = iota + 1
	facetFilter                  // filter the buffer to field = value
	facetExclude                 // filter field = value out
	facetQuery                   // open the SPL editor on query, not applied
)

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

// A numeric field shows its values first, as a category, below these many
// distinct values: numericMinDistinct for numbers with fractions,
// codeMaxDistinct for whole numbers (see facetResult.showNumbers).
const (
	numericMinDistinct = 16
	codeMaxDistinct    = 64
)

// facetView is the facet overlay: a field input with tab completion, then
// the field's top values (value, count, share, bar) with a cursor, or for a
// numeric field its order statistics and a histogram.
type facetView struct {
	keys  *keymap.KeyMap // Facets in the list, Editor in the field input
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
	action  *facetAction // the choice made by the last key, until taken

	width, height int
}

func newFacetView(km *keymap.KeyMap, th *themes.Theme, deps facetDeps) *facetView {
	in := textinput.New()
	in.Prompt = "field: "
	in.PromptStyle = th.Prompt
	in.CharLimit = 256
	in.ShowSuggestions = true
	in.KeyMap.AcceptSuggestion = km.Editor.Complete
	return &facetView{keys: km, theme: th, deps: deps, input: in}
}

// Focused implements focuser: the field input takes every key.
func (f *facetView) Focused() bool { return f.editing }

// close stops a count in flight and leaves the field input: the view was
// closed from outside (another view, the editor).
func (f *facetView) close() {
	f.jobs.stop()
	f.editing = false
	f.input.Blur()
	f.action = nil
}

// take returns the choice the last key made, once.
func (f *facetView) take() (facetAction, bool) {
	if f.action == nil {
		return facetAction{}, false
	}
	a := *f.action
	f.action = nil
	return a, true
}

// open shows the view: counting field at once, or asking for one.
func (f *facetView) open(field string) tea.Cmd {
	f.notice = ""
	f.res = nil
	f.input.SetValue(field) // a new question: not the last one's field
	if field == "" {
		return f.editField()
	}
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
		defer snap.release()
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
			f.numbers = msg.res.showNumbers()
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
	k := &f.keys.Editor
	switch {
	case key.Matches(msg, k.Apply):
		field := strings.TrimSpace(f.input.Value())
		if field == "" {
			return nil
		}
		if cur := f.input.CurrentSuggestion(); cur != "" && cur != field && strings.HasPrefix(cur, field) {
			// enter on a completion shown takes it, as tab would: the
			// user sees the name whole and means it.
			field = cur
			f.input.SetValue(cur)
		}
		return f.count(field)
	case key.Matches(msg, k.Cancel):
		if f.res == nil && !f.jobs.running() {
			f.jobs.stop()
			f.action = &facetAction{kind: facetClose}
			return nil
		}
		f.editing = false
		f.input.Blur()
		return nil
	}
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(msg)
	return cmd
}

func (f *facetView) updateList(msg tea.KeyMsg) tea.Cmd {
	cmd := f.listKey(msg)
	f.offset = scrollTo(f.cursor, f.offset, f.listHeight(), f.rowCount())
	return cmd
}

func (f *facetView) listKey(msg tea.KeyMsg) tea.Cmd {
	k := &f.keys.Facets
	f.notice = ""
	n := f.rowCount()
	page := max(f.listHeight()-1, 1)
	switch {
	case key.Matches(msg, k.Close):
		f.jobs.stop()
		f.action = &facetAction{kind: facetClose}
	case key.Matches(msg, k.Field):
		return f.editField()
	case key.Matches(msg, k.Recount):
		if f.res != nil {
			return f.count(f.res.field)
		}
	case key.Matches(msg, k.Numbers):
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
	case key.Matches(msg, k.Filter), key.Matches(msg, k.Exclude), key.Matches(msg, k.Query):
		v, ok := f.selected()
		if !ok {
			if f.numbers {
				f.notice = hint(k.Numbers, "lists the values to pick one")
			}
			return nil
		}
		field := f.res.field
		switch {
		case key.Matches(msg, k.Query):
			stage, err := whereEquals(field, v, false)
			if err != nil {
				f.notice = err.Error()
				return nil
			}
			f.action = &facetAction{kind: facetQuery, field: field, value: v, query: appendStage(f.deps.query(), stage)}
		case key.Matches(msg, k.Exclude):
			f.action = &facetAction{kind: facetExclude, field: field, value: v}
		default:
			f.action = &facetAction{kind: facetFilter, field: field, value: v}
		}
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
	k := &f.keys.Facets
	switch {
	case f.editing:
		e := &f.keys.Editor
		return []key.Binding{e.Complete, e.Apply, e.Cancel}
	case f.numbers:
		return []key.Binding{k.Numbers, k.Field, k.Recount, k.Close}
	}
	return k.ShortHelp()
}

// FullHelp implements help.KeyMap: the keys the view takes before the
// global ones.
func (f *facetView) FullHelp() [][]key.Binding { return f.keys.Facets.FullHelp() }

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
	hintRow := f.notice
	if hintRow == "" {
		var parts []string
		for _, b := range f.ShortHelp() {
			parts = append(parts, hint(b, b.Help().Desc))
		}
		if f.res != nil && f.res.numeric && !f.editing && !f.numbers {
			parts = append(parts, hint(f.keys.Facets.Numbers, "numbers"))
		}
		hintRow = hints(parts...)
	}
	for len(rows) < f.height-1 {
		rows = append(rows, "")
	}
	rows = rows[:max(f.height-1, 0)]
	if f.height > 0 {
		rows = append(rows, th.Dim.Render(truncateText(" "+hintRow, w)))
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
