package tui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/slstail/slstail/consumer"
	"github.com/slstail/slstail/keymap"
	"github.com/slstail/slstail/themes"
)

// mode decides who gets a key first: a text field takes every key; an
// overlay takes its own and leaves the global ones; the log views come last.
type mode int

const (
	modeNormal mode = iota
	modeEditor
	modePrompt
	modeDetail
	modeLag
	modeHelp
)

// viewKind is the log area's layout, switched with tab.
type viewKind int

const (
	viewTail viewKind = iota
	viewPanes
)

type noticeLevel int

const (
	noticeInfo noticeLevel = iota
	noticeWarn
	noticeError
)

// noticeTTL is how long an info notice stays in the status line; warnings
// and errors stay until replaced.
const noticeTTL = 6 * time.Second

// Model is the root of the UI. It owns the buffer and routes messages to
// the component they belong to.
type Model struct {
	src   Source
	opts  Options
	keys  *keymap.KeyMap
	theme *themes.Theme
	ctx   context.Context
	done  chan struct{}
	life  *lifecycle

	store  *store
	fmtr   *formatter
	rend   *renderer
	tail   *logView
	panes  *panes
	editor *editor
	prompt *prompt
	detail *detail
	lag    *lagTable
	help   help.Model
	hist   *history

	mode       mode
	view       viewKind
	helpOffset int // first help row shown, when the help is taller than the screen
	search     *matcher

	status        consumer.Status
	started       bool
	fatal         error
	minGeneration int
	sourceClosed  bool
	quitting      bool

	// A query change in flight: batches newer than applyGen wait in early
	// until restartedMsg says which generation is the new query's, so that
	// no line of it lands above its marker.
	restarting bool
	applyGen   int
	shownGen   int
	early      []consumer.Batch

	notice      string
	noticeLevel noticeLevel
	noticeAt    time.Time

	width, height int
}

// New builds the UI over src. It does no I/O: Init starts the source (unless
// opts.Started), the receivers and the status poll.
func New(src Source, opts Options) *Model {
	opts = opts.withDefaults()
	th := opts.Theme
	m := &Model{
		src:   src,
		opts:  opts,
		keys:  opts.Keys,
		theme: &th,
		ctx:   context.Background(),
		done:  make(chan struct{}),
		life:  &lifecycle{},
		store: newStore(opts.BufferCap),
		fmtr:  newFormatter(opts.Location),
		tail:  newLogView(-1),
		hist:  &history{path: opts.HistoryFile},
	}
	m.rend = newRenderer(m.store, m.fmtr, newLineStyles(th))
	m.panes = newPanes(m.keys, m.theme)
	m.editor = newEditor(m.keys, m.theme, opts.Query, m.hist)
	m.prompt = newPrompt(m.theme)
	m.detail = newDetail(m.keys, m.theme, opts.Location)
	m.lag = newLagTable(m.keys, m.theme, opts.Location, opts.LagWarn, opts.LagAlarm)
	m.help = help.New()
	m.help.ShowAll = true
	m.help.Styles.FullKey = th.HelpKey
	m.help.Styles.FullDesc = th.HelpDesc
	m.help.Styles.FullSeparator = th.HelpSep
	m.help.Styles.ShortKey = th.HelpKey
	m.help.Styles.ShortDesc = th.HelpDesc
	m.help.Styles.ShortSeparator = th.HelpSep
	m.started = opts.Started
	return m
}

// Err is the error that ended the session, if any (the source failed to
// start, or stopping failed).
func (m *Model) Err() error { return m.fatal }

// Init starts everything that runs in the background.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{
		receiveBatches(m.src.Batches(), m.done),
		receiveEvents(m.src.Events(), m.done),
		tick(m.opts.StatusInterval, m.done),
		loadHistory(m.hist.path),
	}
	if !m.started {
		cmds = append(cmds, startCmd(m.ctx, m.life, m.src))
	}
	return tea.Batch(cmds...)
}

// Update routes msg. It never blocks: I/O runs in the commands it returns.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
		return m, nil
	case batchMsg:
		return m, m.onBatches(msg)
	case statusTickMsg:
		m.observe(m.src.Status())
		if m.notice != "" && m.noticeLevel == noticeInfo && m.opts.Now().Sub(m.noticeAt) > noticeTTL {
			m.notice = ""
		}
		if m.quitting {
			return m, nil
		}
		return m, tick(m.opts.StatusInterval, m.done)
	case eventMsg:
		if msg.closed {
			return m, nil
		}
		m.onEvent(msg.ev)
		return m, receiveEvents(m.src.Events(), m.done)
	case startedMsg:
		if m.quitting || errors.Is(msg.err, errStoppedBeforeStart) {
			return m, nil // the user quit while it was starting: not a failure
		}
		if msg.err != nil {
			m.fatal = msg.err
			m.setNotice(noticeError, "start: "+msg.err.Error()+" · q quits")
			return m, nil
		}
		m.started = true
		m.observe(m.src.Status())
		return m, nil
	case restartedMsg:
		return m, m.onRestarted(msg)
	case stoppedMsg:
		// Run reports msg.err: it asks the same lifecycle.
		return m, tea.Quit
	case historyLoadedMsg:
		if msg.err != nil {
			m.setNotice(noticeWarn, msg.err.Error())
		}
		// Queries applied before the file was read stay newest.
		m.hist.entries = append(msg.entries, m.hist.entries...)
		m.editor.histPos = len(m.hist.entries)
		return m, nil
	case historySavedMsg:
		if msg.err != nil {
			m.setNotice(noticeWarn, msg.err.Error())
		}
		return m, nil
	case applyQueryMsg:
		m.setNotice(noticeInfo, "checking the query…")
		m.restarting, m.applyGen = true, max(m.shownGen, m.status.Generation)
		return m, restartCmd(m.ctx, m.src, msg)
	case savedMsg:
		if msg.err != nil {
			m.setNotice(noticeError, msg.err.Error())
		} else {
			abs, err := filepath.Abs(msg.path)
			if err != nil {
				abs = msg.path
			}
			m.setNotice(noticeInfo, fmt.Sprintf("saved %d logs to %s", msg.n, abs))
		}
		return m, nil
	case copiedMsg:
		if msg.err != nil {
			m.setNotice(noticeError, msg.err.Error())
		} else {
			m.setNotice(noticeInfo, fmt.Sprintf("copied %d bytes of JSON (OSC 52: the terminal must allow clipboard writes)", msg.n))
		}
		return m, nil
	case tea.KeyMsg:
		return m, m.onKey(msg)
	case tea.MouseMsg:
		return m, m.onMouse(msg)
	}
	// Cursor blinks and the like belong to whichever text field is open.
	switch m.mode {
	case modeEditor:
		return m, m.editor.update(msg)
	case modePrompt:
		cmd, _ := m.prompt.update(msg)
		return m, cmd
	}
	return m, nil
}

func (m *Model) onBatches(msg batchMsg) tea.Cmd {
	for _, b := range msg.batches {
		if m.restarting && b.Generation > m.applyGen {
			m.early = append(m.early, b) // shown once the marker is known
			continue
		}
		m.show(b)
	}
	if msg.closed {
		m.sourceClosed = true
		return nil
	}
	if m.quitting {
		return nil
	}
	return receiveBatches(m.src.Batches(), m.done)
}

// show acknowledges a batch and appends it. A batch of a replaced query
// that arrives after the marker, or whose run closed before it could be
// acknowledged, is dropped: with "continue" the new run delivers those logs
// again.
func (m *Model) show(b consumer.Batch) {
	if b.Generation < m.minGeneration || !b.Ack() {
		return
	}
	m.shownGen = max(m.shownGen, b.Generation)
	for i := range b.Records {
		m.store.add(b.Records[i])
	}
}

// showEarly appends the batches held while a query change was in flight.
func (m *Model) showEarly() {
	early := m.early
	m.early, m.restarting = nil, false
	for _, b := range early {
		m.show(b)
	}
}

func (m *Model) observe(st consumer.Status) {
	m.status = st
	if m.editor.running == "" && st.Query != "" && !m.editor.focused() {
		m.editor.running = st.Query
		m.editor.close()
	}
	m.lag.observe(st)
	m.panes.sync(m.store.ids, st.Shards)
}

func (m *Model) onEvent(ev consumer.Event) {
	text := ev.Msg
	if text == "" && ev.Err != nil {
		text = ev.Err.Error()
	}
	switch ev.Kind {
	case consumer.EventAuth, consumer.EventNotFound, consumer.EventQuery, consumer.EventFailed:
		m.setNotice(noticeError, text)
	case consumer.EventNetwork, consumer.EventThrottled:
		m.setNotice(noticeWarn, text)
	default:
		if text != "" {
			m.setNotice(noticeInfo, text)
		}
	}
}

func (m *Model) onRestarted(msg restartedMsg) tea.Cmd {
	cmd := m.editor.applied(msg.query, msg.err)
	if msg.err != nil {
		m.showEarly()
		m.setNotice(noticeError, "query rejected; the previous query keeps running")
		m.mode = modeEditor
		m.layout()
		return m.editor.input.Focus()
	}
	// From the data, not the clock: every line shown so far is the old
	// query's (the new one's waited in early), and an old line arriving
	// from now on is dropped, so the marker goes here.
	m.minGeneration = msg.generation
	m.store.addNote("query: " + msg.query + " (" + msg.label + ")")
	m.showEarly()
	m.setNotice(noticeInfo, "query applied, "+msg.label)
	if m.mode == modeEditor {
		m.mode = modeNormal
	}
	m.layout()
	return cmd
}

func (m *Model) setNotice(level noticeLevel, text string) {
	m.notice, m.noticeLevel, m.noticeAt = text, level, m.opts.Now()
}

// layout hands each component its size: header and status line one row
// each, the SPL bar one or two, the log area the rest.
func (m *Model) layout() {
	m.editor.width = m.width
	h := m.bodyHeight()
	m.tail.setSize(m.width, h)
	m.panes.setSize(m.width, h)
	m.detail.setSize(m.width, h)
	m.lag.setSize(m.width, h)
	m.help.Width = m.width
}

func (m *Model) bodyHeight() int { return max(m.height-2-m.editor.height(), 0) }

// active is the log view keys move in: the merged tail or the zoomed pane.
// In the pane grid it is nil.
func (m *Model) active() (*logView, lineSet) {
	if m.view == viewTail {
		return m.tail, m.store.lines(-1)
	}
	if m.panes.zoomed {
		id := m.panes.focused()
		return m.panes.view(id), m.store.lines(id)
	}
	return nil, nil
}

func (m *Model) quit() tea.Cmd {
	if m.quitting {
		m.life.abandon() // the second press: stop waiting for the session
		return tea.Quit
	}
	m.quitting = true
	m.closeDone()
	if !m.started {
		return tea.Quit
	}
	return stopCmd(m.ctx, m.life, m.src, m.opts.StopTimeout)
}

func (m *Model) closeDone() {
	select {
	case <-m.done:
	default:
		close(m.done)
	}
}

func (m *Model) onPrompt(msg promptResult) tea.Cmd {
	if !msg.ok {
		return nil
	}
	v := strings.TrimSpace(msg.value)
	switch msg.kind {
	case promptSearch:
		if v == "" {
			m.setSearch(nil)
			return nil
		}
		m.setSearch(newMatcher(v))
		m.findMatch(-1, true)
	case promptFilter:
		if v == "" {
			m.store.setFilter(nil)
			m.setNotice(noticeInfo, "filter cleared")
		} else {
			m.store.setFilter(newMatcher(v))
			m.setNotice(noticeInfo, fmt.Sprintf("filter %q: %d of %d lines", v, m.store.fAll.Len(), m.store.ring.len()))
		}
		m.rend.invalidate()
	case promptSave:
		if v == "" {
			return nil
		}
		recs := m.snapshot()
		m.setNotice(noticeInfo, fmt.Sprintf("saving %d logs…", len(recs)))
		return saveCmd(v, recs)
	case promptColumns:
		var cols []string
		for _, c := range strings.Split(v, ",") {
			if c = strings.TrimSpace(c); c != "" {
				cols = append(cols, c)
			}
		}
		m.fmtr.setColumns(cols)
		if len(cols) > 0 {
			m.fmtr.mode = vmColumns
		}
		m.rend.invalidate()
	}
	return nil
}

// snapshot copies the records of the active view (filter applied) for
// saving. Record values are immutable once delivered, so a shallow copy is
// a consistent snapshot.
func (m *Model) snapshot() []consumer.Record {
	_, ls := m.active()
	if ls == nil {
		ls = m.store.lines(-1)
	}
	out := make([]consumer.Record, 0, ls.Len())
	for i := 0; i < ls.Len(); i++ {
		if e := m.store.ring.at(ls.At(i)); e != nil && !e.isNote() {
			out = append(out, e.rec)
		}
	}
	return out
}

func (m *Model) setSearch(s *matcher) {
	m.search = s
	m.rend.search = s
	m.rend.invalidate()
}

// findMatch moves the active view to the next match: dir -1 is older.
func (m *Model) findMatch(dir int, fromCursor bool) {
	if m.search == nil {
		return
	}
	v, ls := m.active()
	if v == nil {
		return
	}
	if fromCursor {
		// "/" starts at the cursor line itself.
		if ci, _, ok := v.sync(ls); ok {
			if e := m.store.ring.at(ls.At(ci)); e != nil && m.search.matchEntry(e) {
				v.jump(ls, ls.At(ci))
				return
			}
		}
	}
	seq, ok := v.find(m.rend, ls, m.search, dir)
	if !ok {
		where := "older"
		if dir > 0 {
			where = "newer"
		}
		m.setNotice(noticeWarn, fmt.Sprintf("no %s match for %q", where, m.search.pattern))
		return
	}
	v.jump(ls, seq)
}

func (m *Model) defaultSavePath() string {
	name := "slstail-" + m.opts.Now().Format("20060102-150405") + ".jsonl"
	return filepath.Join(m.opts.SaveDir, name)
}
