package tui

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/slstail/slstail/consumer"
	"github.com/slstail/slstail/internal/textsafe"
	"github.com/slstail/slstail/keymap"
	"github.com/slstail/slstail/themes"
)

// viewKind is the log area's layout, switched with the toggle-view key.
type viewKind int

const (
	viewTail viewKind = iota
	viewPanes
)

// logs is the log area: the merged tail or the per-shard panes, the detail
// of one line opened from them, and the prompts (search, filter, columns,
// save) that act on what they show. The root feeds it the buffer and hands
// it the keys no text field, overlay or global binding took.
//
// It owns how lines are shown (the formatter, the renderer and its frame
// cache, the search) while the root owns the buffer they come from; the
// filter lives with the buffer's indexes, and the log area sets it.
type logs struct {
	keys   *keymap.KeyMap
	theme  *themes.Theme
	store  *store
	fmtr   *formatter
	rend   *renderer
	search *matcher

	view     viewKind
	tail     *logView
	panes    *panes
	detail   *detail
	inDetail bool
	prompts  map[promptKind]*prompt
	prompt   *prompt // the open one, or nil

	// What s saves, taken when its prompt opens, so that the prompt can
	// say what the file will hold and the file holds just that.
	saving     []consumer.Record
	savingWhat string

	clearing bool // c asked to clear; the next key says yes or no

	// waiting is why the session holds no shard, as of the last status
	// (Status.Waiting): said where the log area would wait for logs.
	waiting string

	// filtering is the local filter being indexed by filterJob: the views
	// show the filter before it until it is installed; everything that
	// matches lines itself (the counter, facets, the timeline) uses it.
	filtering *matcher
	filterJob jobRunner
	// held are the keys that came while a filter was being applied, for
	// the view it makes: "f", a pattern, enter and j j in one burst move
	// in the filtered lines, as they would if filtering took no time.
	held []tea.KeyMsg

	// count is the search's match counter; counted is what it counts (the
	// search, the view's shard and the filter), to recount when it changes.
	count   matchCount
	counted lineFilter
	countOf *matcher

	// handoff is the command line that reopens this view from a time, for
	// the hand-off key: the root knows the connection and the query.
	handoff func(from time.Time) string
	clip    io.Writer

	saveDir string
	now     func() time.Time
	width   int
	height  int
}

func newLogs(km *keymap.KeyMap, th *themes.Theme, st *store, opts Options, lag lagFormat, clip io.Writer, sev *severity) *logs {
	f := newFormatter(opts.Location)
	f.sev = sev
	ls := newLineStyles(*th)
	ls.sev = sev
	r := newRenderer(st, f, ls)
	l := &logs{
		keys: km, theme: th, store: st, fmtr: f, rend: r, clip: clip,
		tail:    newLogView(&km.View, r, st, -1),
		panes:   newPanes(&km.View, th, r, st, lag),
		detail:  newDetail(km, th, opts.Location, clip),
		saveDir: opts.SaveDir,
		now:     opts.Now,
	}
	fields := func(value string) []string { return fieldSuggestions(value, st.fields) }
	columns := func(value string) []string { return columnSuggestions(value, st.fields) }
	l.prompts = map[promptKind]*prompt{
		promptSearch:  newPrompt(&km.Editor, th, promptSearch, fields),
		promptFilter:  newPrompt(&km.Editor, th, promptFilter, fields),
		promptSave:    newPrompt(&km.Editor, th, promptSave, nil),
		promptColumns: newPrompt(&km.Editor, th, promptColumns, columns),
	}
	return l
}

// openPrompt opens the prompt of kind on value.
func (l *logs) openPrompt(kind promptKind, value string) tea.Cmd {
	l.prompt = l.prompts[kind]
	return l.prompt.openWith(value)
}

// Focused implements focuser: an open prompt, or the question whether to
// clear, takes every key.
func (l *logs) Focused() bool { return l.prompt != nil || l.clearing }

// SetSize implements component. The prompt is drawn in the status line's
// row, so it takes the full width.
func (l *logs) SetSize(w, h int) {
	l.width, l.height = w, h
	l.tail.SetSize(w, h)
	l.panes.SetSize(w, h)
	l.detail.SetSize(w, h)
	for _, p := range l.prompts {
		p.SetSize(w, 1)
	}
	l.settle()
}

// ShortHelp implements help.KeyMap: the keys of what is shown.
func (l *logs) ShortHelp() []key.Binding {
	switch {
	case l.prompt != nil:
		return l.prompt.ShortHelp()
	case l.inDetail:
		return append(l.detail.ShortHelp(), l.keys.Global.Back)
	}
	return l.keys.View.ShortHelp()
}

// FullHelp implements help.KeyMap.
func (l *logs) FullHelp() [][]key.Binding {
	switch {
	case l.prompt != nil:
		return l.prompt.FullHelp()
	case l.inDetail:
		return l.detail.FullHelp()
	}
	return l.keys.View.FullHelp()
}

// active is the log view the keys move in: the merged tail or the zoomed
// pane. In the pane grid it is nil.
func (l *logs) active() *logView {
	if l.view == viewTail {
		return l.tail
	}
	return l.panes.active()
}

// Update handles the keys of the area and the root's news; it settles the
// views it shows afterwards, so View only draws.
func (l *logs) Update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if l.filtering != nil && l.prompt == nil && len(l.held) < maxHeldKeys {
			l.held = append(l.held, msg)
			return nil
		}
		cmd = l.onKey(msg)
	case tea.MouseMsg:
		switch {
		case l.inDetail:
			cmd = l.detail.Update(msg)
		case l.active() != nil:
			cmd = l.active().Update(msg)
		}
	case backMsg:
		switch {
		case l.filtering != nil:
			// A filter that takes long (a regexp over a million lines)
			// can be given up; the keys held for it go with it.
			cmd = notify(noticeInfo, fmt.Sprintf("filter %s cancelled", quotePattern(l.filtering.pattern)))
			l.filterJob.stop()
			l.filtering, l.held = nil, nil
		case l.inDetail:
			l.inDetail = false
		case l.view == viewPanes && l.panes.back():
		case l.search != nil:
			l.setSearch(nil)
		}
	case toggleViewMsg:
		l.inDetail = false
		if l.view == viewTail {
			l.view = viewPanes
			l.panes.sync(nil)
		} else {
			l.view = viewTail
		}
	case consumer.Status:
		// Said where the log area would wait for logs, counted down at
		// each status poll.
		l.waiting = textsafe.Sanitize(msg.Waiting.Message(l.now()))
		l.panes.waiting = l.waiting
		l.panes.sync(msg.Shards)
	case linesMsg:
		l.count.catchUp(l.store.ring)
	case matchCountMsg:
		l.count.onResult(msg, l.store.ring)
	case filterResultMsg:
		if l.filterJob.take(msg.id) {
			l.filtering = nil
			l.store.install(msg.m, msg.idx)
			l.rend.invalidate()
			cmd = tea.Batch(notify(noticeInfo, fmt.Sprintf("filter %s: %s of %s lines", quotePattern(msg.m.pattern),
				formatCount(l.countLogs(&l.store.fAll)), formatCount(l.store.ring.len()))), l.replayHeld())
		}
	default:
		if l.prompt != nil {
			cmd = l.prompt.Update(msg)
		}
	}
	l.settle()
	return tea.Batch(cmd, l.recount())
}

// viewFilter is what the active view shows: its shard (the pane grid and
// the merged tail: all) and the local filter.
func (l *logs) viewFilter() lineFilter {
	f := lineFilter{shard: -1, filter: l.filter()}
	if v := l.active(); v != nil {
		f.shard = v.shard
	}
	return f
}

// recount restarts the match counter when the search, the filter or the
// view it counts in changed.
func (l *logs) recount() tea.Cmd {
	vf := l.viewFilter()
	if l.search == l.countOf && vf == l.counted {
		return nil
	}
	l.countOf, l.counted = l.search, vf
	if l.search == nil {
		return l.count.reset(nil, vf, &bufSnap{})
	}
	return l.count.reset(l.search, vf, l.store.snapshot())
}

func (l *logs) onKey(msg tea.KeyMsg) tea.Cmd {
	if l.clearing {
		l.clearing = false
		if key.Matches(msg, l.keys.View.Clear) {
			return l.clear()
		}
		return notify(noticeInfo, "kept the buffer")
	}
	if l.prompt != nil {
		cmd := l.prompt.Update(msg)
		if res, ok := l.prompt.take(); ok {
			l.prompt = nil
			return l.onPrompt(res)
		}
		return cmd
	}
	if l.inDetail {
		switch {
		case key.Matches(msg, l.keys.Detail.Close):
			l.inDetail = false
			return nil
		case key.Matches(msg, l.keys.View.Handoff):
			return l.copyHandoff() // from the line shown, the cursor line
		}
		return l.detail.Update(msg)
	}
	k := &l.keys.View
	v := l.active()
	switch {
	case v != nil && key.Matches(msg, k.Open):
		if e := v.cursorEntry(); e != nil && !e.isNote() {
			l.detail.show(e.rec())
			l.inDetail = true
		}
	case key.Matches(msg, k.Search):
		pat := ""
		if l.search != nil {
			pat = l.search.pattern
		}
		return l.openPrompt(promptSearch, pat)
	case key.Matches(msg, k.NextMatch):
		return l.findMatch(-1, false)
	case key.Matches(msg, k.PrevMatch):
		return l.findMatch(+1, false)
	case key.Matches(msg, k.Filter):
		pat := ""
		if f := l.filter(); f != nil {
			pat = f.pattern
		}
		return l.openPrompt(promptFilter, pat)
	case key.Matches(msg, k.ViewMode):
		l.fmtr.mode = (l.fmtr.mode + 1) % numViewModes
		if l.fmtr.mode == vmColumns && len(l.fmtr.columns) == 0 {
			l.fmtr.setColumns(defaultColumns(l.store.fields))
		}
		l.rend.invalidate()
		return notify(noticeInfo, "line format: "+l.fmtr.mode.String())
	case key.Matches(msg, k.Columns):
		return l.openPrompt(promptColumns, strings.Join(l.fmtr.columns, ","))
	case key.Matches(msg, k.Wrap):
		l.rend.wrap = !l.rend.wrap
		l.rend.invalidate()
	case key.Matches(msg, k.Save):
		l.saving, l.savingWhat = l.snapshot()
		l.prompts[promptSave].label(fmt.Sprintf("save %s logs%s to: ", formatCount(len(l.saving)), spaced(l.savingWhat)))
		return l.openPrompt(promptSave, l.defaultSavePath())
	case key.Matches(msg, k.Clear):
		if l.store.ring.len() > 0 {
			l.clearing = true // asked in the status line: promptView
		}
	case key.Matches(msg, k.Mark):
		return l.toggleMark()
	case key.Matches(msg, k.NextMark):
		return l.toMark(+1)
	case key.Matches(msg, k.PrevMark):
		return l.toMark(-1)
	case key.Matches(msg, k.Handoff):
		return l.copyHandoff()
	case l.view == viewTail:
		return l.tail.Update(msg)
	default:
		return l.panes.Update(msg)
	}
	return nil
}

// toggleMark bookmarks the cursor line, or drops its mark.
func (l *logs) toggleMark() tea.Cmd {
	v := l.active()
	if v == nil {
		return notify(noticeInfo, hint(l.keys.View.Open, "zooms a pane")+" to mark its lines")
	}
	e := v.cursorEntry()
	if e == nil {
		return nil
	}
	marked := l.store.marks.toggle(v.cursor)
	l.rend.invalidate()
	if marked {
		return notify(noticeInfo, fmt.Sprintf("marked the line (%s; %s)", plural(l.store.marks.len(), "mark"),
			pair(l.keys.View.NextMark, l.keys.View.PrevMark, "go to next/previous")))
	}
	return notify(noticeInfo, fmt.Sprintf("unmarked the line (%s left)", plural(l.store.marks.len(), "mark")))
}

// toMark moves the cursor to the next mark (dir +1, newer) or previous one
// among the lines in view, wrapping at the ends.
func (l *logs) toMark(dir int) tea.Cmd {
	v := l.active()
	if v == nil {
		return nil
	}
	ls := v.lines()
	v.sync(ls)
	seq, wrapped, ok := l.store.marks.next(ls, v.cursor, dir)
	if !ok {
		if l.store.marks.len() == 0 {
			return notify(noticeWarn, "no marks: "+hint(l.keys.View.Mark, "marks the cursor line"))
		}
		return notify(noticeWarn, "no other mark among the lines in view")
	}
	v.jump(ls, seq)
	if wrapped {
		if dir > 0 {
			return notify(noticeInfo, "wrapped to the oldest mark")
		}
		return notify(noticeInfo, "wrapped to the newest mark")
	}
	return nil
}

// copyHandoff copies the command line that reopens this view from the
// cursor line's time, and shows it.
func (l *logs) copyHandoff() tea.Cmd {
	if l.handoff == nil {
		return nil
	}
	var from time.Time
	if v := l.active(); v != nil {
		if e := v.cursorEntry(); e != nil && !e.isNote() {
			from = e.rec().Time
		}
	}
	line := l.handoff(from)
	return copyCmdShowing(l.clip, line, line)
}

// jumpTo moves the active view (the merged tail from the pane grid or the
// detail view) to line seq, or to the nearest line it shows after it.
func (l *logs) jumpTo(seq uint64, at time.Time) tea.Cmd {
	l.inDetail = false
	if l.active() == nil {
		l.view = viewTail
	}
	v := l.active()
	ls := v.lines()
	if ls.Len() == 0 {
		return nil
	}
	i := min(ls.Pos(seq), ls.Len()-1)
	v.jump(ls, ls.At(i))
	l.settle()
	return notify(noticeInfo, "at "+at.In(l.fmtr.loc).Format("15:04:05")+" · "+hint(l.keys.View.Bottom, "follows again"))
}

// clear empties the buffer, as c asked and c again confirmed.
func (l *logs) clear() tea.Cmd {
	n := l.store.ring.len()
	l.store.clear()
	l.rend.invalidate()
	l.tail.setFollow(l.tail.lines(), true)
	l.panes.setFollow(true)
	return notify(noticeInfo, "cleared "+formatCount(n)+" lines")
}

// fieldSuggestions completes a field name typed as the key of key=text
// (after a "!", in a filter).
func fieldSuggestions(value string, fields []string) []string {
	if strings.ContainsAny(value, "= ") {
		return nil
	}
	prefix := ""
	if strings.HasPrefix(value, "!") {
		prefix = "!"
	}
	out := make([]string, 0, len(fields))
	for _, f := range fields {
		out = append(out, prefix+f+"=")
	}
	return out
}

// columnSuggestions completes the last name of a comma-separated list.
func columnSuggestions(value string, fields []string) []string {
	prefix := ""
	if i := strings.LastIndexByte(value, ','); i >= 0 {
		prefix = value[:i+1]
	}
	out := make([]string, 0, len(fields))
	for _, f := range fields {
		out = append(out, prefix+f)
	}
	return out
}

func (l *logs) onPrompt(msg promptResult) tea.Cmd {
	if !msg.ok {
		l.saving = nil
		return nil
	}
	v := strings.TrimSpace(msg.value)
	switch msg.kind {
	case promptSearch:
		if v == "" {
			l.setSearch(nil)
			return clearNotice(topicSearch)
		}
		m, err := compileMatcher(v)
		if err != nil {
			return notifyAbout(topicSearch, noticeError, "search: "+err.Error())
		}
		l.setSearch(m)
		return l.findMatch(-1, true)
	case promptFilter:
		if v == "" {
			return l.setFilter(nil)
		}
		m, err := compileMatcher(v)
		if err != nil {
			return notify(noticeError, "filter: "+err.Error())
		}
		return l.setFilter(m)
	case promptSave:
		recs, what := l.saving, l.savingWhat
		l.saving = nil
		if v == "" {
			return nil
		}
		return tea.Sequence(notify(noticeInfo, fmt.Sprintf("saving %d logs…", len(recs))), saveCmd(v, recs, what))
	case promptColumns:
		var cols []string
		for _, c := range strings.Split(v, ",") {
			if c = strings.TrimSpace(c); c != "" {
				cols = append(cols, c)
			}
		}
		l.fmtr.setColumns(cols)
		if len(cols) > 0 {
			l.fmtr.mode = vmColumns
		}
		l.rend.invalidate()
	}
	return nil
}

// snapshot copies the records the active view shows (the pane grid: the
// merged tail's), the filter applied, for saving, and says which they are.
// Record values are immutable once delivered, so a shallow copy is a
// consistent snapshot.
func (l *logs) snapshot() ([]consumer.Record, string) {
	ls, v := l.store.lines(-1), l.active()
	var what []string
	if v != nil {
		ls = v.lines()
		if v.shard >= 0 {
			what = append(what, fmt.Sprintf("of shard %d", v.shard))
		}
	}
	if f := l.store.filter; f != nil {
		what = append(what, fmt.Sprintf("matching %s", quotePattern(f.pattern)))
	}
	out := make([]consumer.Record, 0, ls.Len())
	for i := 0; i < ls.Len(); i++ {
		if e := l.store.ring.at(ls.At(i)); e != nil && !e.isNote() {
			out = append(out, e.rec())
		}
	}
	return out, strings.Join(what, " ")
}

// filterResultMsg is a filter's indexes, built by setFilter's command.
type filterResultMsg struct {
	id  uint64
	m   *matcher
	idx filterIndex
}

// setFilter sets the local filter (nil clears it at once). The filter's
// indexes are built in a command over a snapshot, so that keys and frames
// go on meanwhile; the result says what it keeps.
func (l *logs) setFilter(m *matcher) tea.Cmd {
	if m == nil {
		l.filterJob.stop()
		l.filtering = nil
		l.store.install(nil, filterIndex{})
		l.rend.invalidate()
		return tea.Batch(notify(noticeInfo, "filter cleared"), l.replayHeld())
	}
	l.filtering = m
	snap := l.store.snapshot()
	return l.filterJob.start(func(ctx context.Context, id uint64) tea.Msg {
		defer snap.release()
		idx, ok := indexFilter(ctx, snap, m)
		if !ok {
			return nil
		}
		return filterResultMsg{id: id, m: m, idx: idx}
	})
}

// maxHeldKeys bounds the keys held while a filter is applied; past it keys
// act at once, on the view as it is.
const maxHeldKeys = 64

// replayHeld acts on the keys held while filtering, in order, until one
// of them sets a filter again (the rest wait for that one).
func (l *logs) replayHeld() tea.Cmd {
	var cmds []tea.Cmd
	for len(l.held) > 0 && l.filtering == nil {
		k := l.held[0]
		l.held = l.held[1:]
		cmds = append(cmds, l.onKey(k))
	}
	if len(l.held) == 0 {
		l.held = nil
	}
	return tea.Batch(cmds...)
}

// filter is the local filter asked for: the one being indexed, else the
// one installed.
func (l *logs) filter() *matcher {
	if l.filtering != nil {
		return l.filtering
	}
	return l.store.filter
}

// countLogs is the logs of ls, less the notes.
func (l *logs) countLogs(ls lineSet) int {
	n := ls.Len()
	for i := 0; i < ls.Len(); i++ {
		if e := l.store.ring.at(ls.At(i)); e != nil && e.isNote() {
			n--
		}
	}
	return n
}

func (l *logs) setSearch(s *matcher) {
	l.search = s
	l.rend.search = s
	l.rend.invalidate()
}

// findMatch moves the active view to the next match: dir -1 is older.
func (l *logs) findMatch(dir int, fromCursor bool) tea.Cmd {
	if l.search == nil {
		return nil
	}
	v := l.active()
	if v == nil {
		return nil
	}
	ls := v.lines()
	if fromCursor {
		// "/" starts at the cursor line itself.
		if e := v.cursorEntry(); e != nil && l.search.matchEntry(e) {
			v.jump(ls, v.cursor)
			return clearNotice(topicSearch)
		}
	}
	seq, ok := v.find(ls, l.search, dir)
	if !ok {
		where := "older"
		if dir > 0 {
			where = "newer"
		}
		return notifyAbout(topicSearch, noticeWarn, fmt.Sprintf("no %s match for %s", where, quotePattern(l.search.pattern)))
	}
	v.jump(ls, seq)
	return clearNotice(topicSearch)
}

func (l *logs) defaultSavePath() string {
	name := "slstail-" + l.now().Format("20060102-150405") + ".jsonl"
	return filepath.Join(l.saveDir, name)
}

// settle lays out the views shown for the next View: once a frame, so
// that they share the renderer's frame cache. A column that widened while
// formatting gets the lines laid out again, so that columns align.
func (l *logs) settle() {
	if l.inDetail || l.width == 0 {
		return
	}
	for pass := 0; pass < 2; pass++ {
		l.fmtr.grown = false
		if l.view == viewTail {
			l.tail.settle(l.emptyText())
		} else {
			l.panes.settle()
		}
		if !l.fmtr.grown {
			break
		}
		l.rend.invalidate()
	}
	l.fmtr.grown = false
	l.rend.endFrame()
}

func (l *logs) emptyText() string {
	if l.store.filter != nil && l.store.ring.len() > 0 {
		return fmt.Sprintf("no line of %s matches the filter %s (%s)", formatCount(l.store.ring.len()), quotePattern(l.store.filter.pattern), hint(l.keys.View.Filter, "to change"))
	}
	if l.waiting != "" {
		return l.waiting
	}
	return "waiting for logs…"
}

// View implements component.
func (l *logs) View() string {
	switch {
	case l.inDetail:
		return l.detail.View()
	case l.view == viewPanes:
		return l.panes.View()
	}
	return l.tail.View()
}

// promptView is the open prompt, or the question whether to clear, drawn
// in the status line's row.
func (l *logs) promptView() string {
	switch {
	case l.clearing:
		q := fmt.Sprintf("clear %s buffered lines? ", formatCount(l.store.ring.len()))
		return l.theme.Warn.Render(q) + l.theme.Dim.Render(truncateText(hints(hint(l.keys.View.Clear, "again clears"), "any other key keeps them"), max(l.width-textWidth(q), 0)))
	case l.prompt != nil:
		return l.prompt.View()
	}
	return ""
}

// viewState is what the status line says about the log area.
type viewState struct {
	follow  bool
	waiting int
	filter  string
	search  string
	matches string // the search's counter: "3/25"
	format  string // "" for the default format without wrapping
}

func (l *logs) state() viewState {
	s := viewState{follow: l.panes.following()}
	if v := l.active(); v != nil {
		s.follow, s.waiting = v.follow, v.waiting()
	}
	if f := l.filter(); f != nil {
		s.filter = f.pattern
		if l.filtering != nil {
			s.filter += " …" // being applied
		}
	}
	if l.search != nil {
		s.search = l.search.pattern
		cur := uint64(0)
		if v := l.active(); v != nil {
			cur = v.cursor
		} else if ls := l.store.lines(-1); ls.Len() > 0 {
			cur = ls.At(ls.Len() - 1)
		}
		s.matches = l.count.label(cur)
	}
	if l.fmtr.mode != vmDefault || l.rend.wrap {
		s.format = l.fmtr.mode.String()
		if l.rend.wrap {
			s.format += "+wrap"
		}
	}
	return s
}
