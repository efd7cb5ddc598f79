package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/term"
	"github.com/slstail/slstail/consumer"
	"github.com/slstail/slstail/keymap"
	"github.com/slstail/slstail/themes"
	"github.com/slstail/slstail/tui/merge"
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

// Model is the root of the UI. It owns the source and the buffer, routes
// messages to the component they belong to, and lays the components out:
// the header, the log area (or an overlay over it), the SPL editor and the
// status line, one below the other.
type Model struct {
	src   Source
	opts  Options
	keys  *keymap.KeyMap
	theme *themes.Theme
	ctx   context.Context
	done  chan struct{}
	life  *lifecycle

	store  *store
	logs   *logs
	editor *editor
	lag    *lagTable
	help   *helpView
	header *header
	bar    *statusBar

	facets   *facetView
	timeline *timelineView
	preview  *previewView // under the editor while a query is typed

	// overlay is drawn over the log area and takes its keys before the
	// global ones: nil, lag, help, facets or timeline.
	overlay component

	status        consumer.Status
	started       bool
	fatal         error
	minGeneration int
	sourceClosed  bool
	quitting      bool

	// merge orders the shards' batches by log time for the merged tail:
	// batches go in as they arrive (acknowledged: a held record counts as
	// drawn into the buffer) and come out into the store under its
	// watermark, or once held for its hold. mergeArmed says a timer for
	// the next hold's end is on its way; wall is the merge's clock (the
	// hold is wall time, whatever clock the display uses).
	merge      *merge.Merger
	mergeOut   []merge.Out
	mergeArmed bool
	wall       func() time.Time

	// Taking logs in is done a slice at a time (see ingest): pending are
	// batches received and not yet handed to the merge; draining says an
	// ingestMsg is on its way to go on; receivePaused says the next
	// receive waits until nothing is left, which keeps the consumer's
	// backpressure. budget bounds one Update's share (0: none, for tests
	// that feed Update by hand); clock measures it.
	pending       []consumer.Batch
	draining      bool
	receivePaused bool
	budget        time.Duration
	clock         func() time.Time

	// A query change in flight: batches newer than applyGen wait in early
	// until restartedMsg says which generation is the new query's, so that
	// no line of it lands above its marker.
	restarting bool
	applyGen   int
	shownGen   int
	early      []consumer.Batch

	// After a query change the shards' states are polled quickly (see
	// quickPoll) until quickUntil, or until the new query's first line is
	// in the buffer (newShown) and the merge holds nothing.
	quickUntil time.Time
	quickArmed bool
	newShown   bool
	quickFor   time.Duration // quickPollFor; 0 in tests that run commands by hand

	notice      string
	noticeLevel noticeLevel
	noticeAt    time.Time
	// noticeNet says the notice is a network fault: it is shown with the
	// attempt count of the status, the figure the header shows.
	noticeNet   bool
	noticeTopic string // see noticeMsg
	// failure says why the session cannot go on (EventFailed), and what to
	// do: the status line shows it whenever no other notice does.
	failure string

	width, height int
}

// New builds the UI over src. It does no I/O: Init starts the source (unless
// opts.Started), the receivers and the status poll.
func New(src Source, opts Options) *Model {
	opts = opts.withDefaults()
	th := opts.Theme
	m := &Model{
		src:      src,
		opts:     opts,
		keys:     opts.Keys,
		theme:    &th,
		ctx:      context.Background(),
		done:     make(chan struct{}),
		life:     &lifecycle{},
		store:    newStore(opts.BufferCap),
		merge:    merge.New(merge.Options{Hold: opts.MergeHold}),
		wall:     time.Now,
		budget:   ingestBudget,
		clock:    time.Now,
		quickFor: quickPollFor,
	}
	lag := lagFormat{theme: m.theme, warn: opts.LagWarn, alarm: opts.LagAlarm}
	sev, sevErr := newSeverity(opts.Highlight, th)
	if sevErr != nil {
		// The CLI checks the rules when it reads the config file; a bad
		// rule from elsewhere costs its colours, not the session.
		sev, _ = newSeverity(nil, th)
	}
	m.logs = newLogs(m.keys, m.theme, m.store, opts, lag, clipboard(opts.Clipboard), sev)
	m.logs.handoff = m.handoffLine
	m.editor = newEditor(m.keys, m.theme, opts.Query, &history{path: opts.HistoryFile})
	m.lag = newLagTable(&m.keys.View, m.theme, opts.Location, lag)
	m.help = newHelpView(m.keys, m.theme)
	m.header = newHeader(m.theme, opts)
	m.bar = newStatusBar(m.theme)
	m.facets = newFacetView(m.keys, m.theme, facetDeps{
		snapshot: func() (*bufSnap, lineFilter) { return m.store.snapshot(), m.logs.viewFilter() },
		fields:   m.facetFields,
		query:    func() string { return m.editor.running },
		now:      opts.Now,
		loc:      opts.Location,
	})
	m.timeline = newTimelineView(&m.keys.Timeline, m.theme, timelineDeps{source: m.timelineSource, now: opts.Now, loc: opts.Location})
	m.preview = newPreviewView(&m.keys.Editor, m.theme, previewDeps{snapshot: m.store.snapshot, loc: opts.Location})
	m.started = opts.Started
	if sevErr != nil {
		m.setNotice(noticeWarn, "highlight rules: "+sevErr.Error())
	}
	m.refresh()
	return m
}

// clipboard is where OSC 52 goes: the configured writer, else the terminal
// on stderr (stdout belongs to the renderer), else the controlling terminal
// when stderr is redirected (slstail 2>debug.log).
func clipboard(w io.Writer) io.Writer {
	if w != nil {
		return w
	}
	if term.IsTerminal(os.Stderr.Fd()) {
		return os.Stderr
	}
	return ttyWriter{}
}

// ttyWriter writes to the controlling terminal, opened for each write: a
// copy is rare, and an open file would outlive the program's terminal.
type ttyWriter struct{}

func (ttyWriter) Write(p []byte) (int, error) {
	f, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0)
	if err != nil {
		return 0, fmt.Errorf("no terminal to write to: %w", err)
	}
	n, err := f.Write(p)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
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
		loadHistory(m.opts.HistoryFile),
	}
	if !m.started {
		cmds = append(cmds, startCmd(m.ctx, m.life, m.src))
	}
	return tea.Batch(cmds...)
}

// ShortHelp implements help.KeyMap: the keys of the context the user is in,
// the most useful first, for the status line (which shows what fits).
func (m *Model) ShortHelp() []key.Binding {
	g := &m.keys.Global
	switch {
	case m.editor.Focused():
		return nil // the SPL bar's second row names its keys
	case m.logs.Focused():
		return m.logs.ShortHelp()
	}
	if m.overlay == m.facets || m.overlay == m.timeline {
		return append(m.overlay.ShortHelp(), g.Help, g.Quit) // their own close is back
	}
	if m.overlay != nil {
		return append(m.overlay.ShortHelp(), g.Back, g.Help, g.Quit)
	}
	keys := append([]key.Binding{g.Help}, m.logs.ShortHelp()...)
	return append(keys, g.Facets, g.Timeline, g.Edit, g.ToggleView, g.Lag, g.Quit)
}

// FullHelp implements help.KeyMap: every key of every context, as the help
// overlay lists them.
func (m *Model) FullHelp() [][]key.Binding {
	var out [][]key.Binding
	for _, s := range helpSections(m.keys) {
		out = append(out, s.keys)
	}
	return out
}

// Update routes msg. It never blocks: I/O runs in the commands it returns.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.update(msg)
	m.refresh()
	return m, cmd
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
		return nil
	case batchMsg:
		return m.onBatches(msg)
	case ingestMsg:
		m.draining = false
		return m.afterIngest(m.ingest())
	case mergeTickMsg:
		m.mergeArmed = false
		return m.afterIngest(m.ingest())
	case quickPollMsg:
		m.quickArmed = false
		m.merge.Sync(m.src.Status().Shards)
		return tea.Batch(m.afterIngest(m.ingest()), m.armQuick())
	case statusTickMsg:
		m.observe(m.src.Status())
		// A shard that went idle no longer holds the watermark.
		cmd := m.afterIngest(m.ingest())
		if m.notice != "" && m.noticeLevel == noticeInfo && m.opts.Now().Sub(m.noticeAt) > noticeTTL {
			m.notice = ""
		}
		if m.quitting {
			return nil
		}
		return tea.Batch(tick(m.opts.StatusInterval, m.done), cmd)
	case eventMsg:
		if msg.closed {
			return nil
		}
		m.onEvent(msg.ev)
		return receiveEvents(m.src.Events(), m.done)
	case startedMsg:
		if m.quitting || errors.Is(msg.err, errStoppedBeforeStart) {
			return nil // the user quit while it was starting: not a failure
		}
		if msg.err != nil {
			m.fatal = msg.err
			m.setNotice(noticeError, "start: "+msg.err.Error()+" · q quits")
			return nil
		}
		m.started = true
		m.observe(m.src.Status())
		return nil
	case restartedMsg:
		return m.onRestarted(msg)
	case stoppedMsg:
		// Run reports msg.err: it asks the same lifecycle.
		return tea.Quit
	case historyLoadedMsg:
		if msg.err != nil {
			m.setNotice(noticeWarn, msg.err.Error())
		}
		return m.editor.Update(msg)
	case historySavedMsg:
		if msg.err != nil {
			m.setNotice(noticeWarn, msg.err.Error())
		}
		return nil
	case applyQueryMsg:
		m.setNotice(noticeInfo, "checking the query…")
		m.restarting, m.applyGen = true, max(m.shownGen, m.status.Generation)
		return restartCmd(m.ctx, m.src, msg)
	case savedMsg:
		if msg.err != nil {
			m.setNotice(noticeError, msg.err.Error())
		} else {
			abs, err := filepath.Abs(msg.path)
			if err != nil {
				abs = msg.path
			}
			m.setNotice(noticeInfo, fmt.Sprintf("saved %d logs%s to %s", msg.n, spaced(msg.scope), abs))
		}
		return nil
	case copiedMsg:
		if msg.err != nil {
			m.setNotice(noticeError, msg.err.Error())
		} else {
			how := "OSC 52: the terminal must allow clipboard writes"
			if msg.tmux {
				how = "OSC 52: tmux needs set-clipboard on or allow-passthrough on"
			}
			if msg.show != "" {
				m.setNotice(noticeInfo, fmt.Sprintf("copied: %s (%s)", msg.show, how))
			} else {
				m.setNotice(noticeInfo, fmt.Sprintf("copied %d bytes of JSON (%s)", msg.n, how))
			}
		}
		return nil
	case noticeMsg:
		if msg.text == "" {
			if msg.topic != "" && m.noticeTopic == msg.topic {
				m.notice, m.noticeTopic = "", ""
			}
			return nil
		}
		m.setNotice(msg.level, msg.text)
		m.noticeTopic = msg.topic
		return nil
	case facetResultMsg:
		return m.facets.Update(msg)
	case timelineResultMsg:
		return m.timeline.Update(msg)
	case matchCountMsg, filterResultMsg:
		return m.logs.Update(msg)
	case previewResultMsg:
		cmd := m.preview.Update(msg)
		m.layout() // the preview's height follows its result
		return cmd
	case debounceMsg:
		if msg.kind == "preview" && m.editor.stage != stageIdle {
			return m.preview.Update(msg)
		}
		return nil
	case closeMsg:
		m.setOverlay(nil)
		return nil
	case tea.KeyMsg:
		return m.onKey(msg)
	case tea.MouseMsg:
		if m.overlay != nil {
			return m.overlay.Update(msg)
		}
		return m.logs.Update(msg)
	}
	// Cursor blinks and the like belong to whichever text field is open.
	if f := m.focused(); f != nil {
		return f.Update(msg)
	}
	return nil
}

// ingestBudget is the most wall time one Update spends taking logs in:
// what is left waits for the next message, and a key pressed meanwhile is
// handled in between. During a backfill the UI shares the machine's cores
// with the consumer's decoding, so that a message of 50,000 records took
// 40-240 ms of wall time for 25 ms of CPU time (docs/BENCHMARKS-tui.md).
const ingestBudget = 8 * time.Millisecond

// releaseSlice is how many records go into the buffer between two looks at
// the clock.
const releaseSlice = 1024

// ingestMsg goes on with the logs an Update left for lack of time.
type ingestMsg struct{}

func (m *Model) onBatches(msg batchMsg) tea.Cmd {
	m.pending = append(m.pending, msg.batches...)
	switch {
	case msg.closed:
		m.sourceClosed = true
	case !m.quitting:
		m.receivePaused = true
	}
	return m.afterIngest(m.ingest())
}

// ingest takes in what waits, within the budget: the batches received (a
// new query's wait in early until its marker is placed), then what the
// merge lets out. It reports whether some is left. Each step makes
// progress before the clock is read, so that it ends however slow the
// machine.
func (m *Model) ingest() (more bool) {
	start, now := m.clock(), m.wall()
	for len(m.pending) > 0 {
		b := m.pending[0]
		m.pending[0] = consumer.Batch{}
		m.pending = m.pending[1:]
		if m.restarting && b.Generation > m.applyGen {
			m.early = append(m.early, b) // shown once the marker is known
		} else {
			m.admit(b, now)
		}
		if m.spent(start) {
			return true
		}
	}
	m.pending = nil
	for {
		var left bool
		m.mergeOut, left = m.merge.ReleaseN(now, m.mergeOut[:0], releaseSlice)
		m.append(m.mergeOut)
		if !left {
			return false
		}
		if m.spent(start) {
			return true
		}
	}
}

func (m *Model) spent(start time.Time) bool {
	return m.budget > 0 && m.clock().Sub(start) >= m.budget
}

// afterIngest tells the log area about the new lines and says what comes
// next: the rest of the ingest, else the next receive (if one waits) and
// the merge's timer.
func (m *Model) afterIngest(more bool) tea.Cmd {
	m.logs.Update(linesMsg{})
	if more {
		if m.draining {
			return nil
		}
		m.draining = true
		return func() tea.Msg { return ingestMsg{} }
	}
	var recv tea.Cmd
	if m.receivePaused && !m.quitting {
		m.receivePaused = false
		recv = receiveBatches(m.src.Batches(), m.done)
	}
	return tea.Batch(recv, m.armMerge())
}

// admit acknowledges a batch and hands it to the merge, which counts as
// drawing it into the buffer. A batch of a replaced query that arrives
// after the marker, or whose run closed before it could be acknowledged,
// is dropped: with "continue" the new run delivers those logs again.
func (m *Model) admit(b consumer.Batch, now time.Time) {
	if b.Generation < m.minGeneration || !b.Ack() {
		return
	}
	m.shownGen = max(m.shownGen, b.Generation)
	m.merge.Add(b, now)
}

// append adds to the buffer what the merge let out. A line of a replaced
// query still held when its marker was placed went in above the marker
// (onRestarted flushes first); one that comes out after it is dropped like
// a late batch.
func (m *Model) append(outs []merge.Out) {
	for i := range outs {
		if o := &outs[i]; o.Gen >= m.minGeneration {
			m.store.add(o.Rec, o.Late)
			m.newShown = true
		}
	}
	clear(outs) // the records live on in the store, not here
}

// flushMerge appends everything the merge holds, in time order.
func (m *Model) flushMerge() {
	m.mergeOut = m.merge.Flush(m.mergeOut[:0])
	m.append(m.mergeOut)
}

// armMerge starts the timer for the end of the oldest held record's hold,
// unless one is on its way: the timer's message releases it, so a shard
// that falls silent delays the tail by the hold and no more.
func (m *Model) armMerge() tea.Cmd {
	if m.mergeArmed || m.quitting || m.merge.Held() == 0 {
		return nil
	}
	at, ok := m.merge.Next()
	if !ok {
		return nil
	}
	m.mergeArmed = true
	return mergeTick(max(at.Sub(m.wall()), 0), m.done)
}

// quickPoll is how often the shards' states are read for the merge right
// after a query change, for at most quickPollFor. The new query's run
// starts every shard afresh, and a shard that delivers nothing of it (a
// selective query) holds the merge's watermark until it is seen at its
// end: at the status poll's 500 ms, the first line of a query that most
// shards filter away waited up to the merge's hold (1 s). The session
// knows a shard is at its end from its first empty pull, a few
// milliseconds after the restart.
const (
	quickPoll    = 20 * time.Millisecond
	quickPollFor = 2 * time.Second
)

type quickPollMsg struct{}

// armQuick starts the next quick poll, unless one is on its way or none is
// needed any more.
func (m *Model) armQuick() tea.Cmd {
	if m.quickArmed || m.quitting || !m.wall().Before(m.quickUntil) || (m.newShown && m.merge.Held() == 0) {
		return nil
	}
	m.quickArmed = true
	return timerCmd(quickPoll, m.done, func(time.Time) tea.Msg { return quickPollMsg{} })
}

// showEarly queues the batches held while a query change was in flight,
// ahead of those received since, and ends the wait. Pending batches of the
// new query go to early first, to keep their order; those of the old one
// are admitted now, above the marker (their run has closed, so most are
// refused and delivered again by a "continue").
func (m *Model) showEarly() {
	now := m.wall()
	for _, b := range m.pending {
		if m.restarting && b.Generation > m.applyGen {
			m.early = append(m.early, b)
		} else {
			m.admit(b, now)
		}
	}
	m.pending = m.early
	m.early, m.restarting = nil, false
}

// observe takes a status snapshot to every component that shows it.
func (m *Model) observe(st consumer.Status) {
	m.status = st
	m.merge.Sync(st.Shards)
	m.editor.Update(st)
	m.lag.Update(st)
	m.logs.Update(st)
}

func (m *Model) onEvent(ev consumer.Event) {
	text := ev.Msg
	if text == "" && ev.Err != nil {
		text = ev.Err.Error()
	}
	switch ev.Kind {
	case consumer.EventFailed:
		m.failure = text + " · the tail has stopped: q quits; run slstail again (with --group it resumes from the group's checkpoints)"
		m.setNotice(noticeError, m.failure)
		m.observe(m.src.Status()) // the header says failed now, not at the next poll
	case consumer.EventAuth, consumer.EventNotFound, consumer.EventQuery:
		m.setNotice(noticeError, text)
	case consumer.EventNetwork:
		// The event's text counts attempts as of its sending, and only every
		// tenth is sent; the header counts them as of the last poll. Both
		// show the status's figure instead, fresh from now on.
		if ev.Err != nil {
			text = ev.Err.Error()
		}
		m.observe(m.src.Status())
		m.setNotice(noticeWarn, text)
		m.noticeNet = true
	case consumer.EventThrottled:
		m.setNotice(noticeWarn, text)
	default:
		if text != "" {
			m.setNotice(noticeInfo, text)
		}
	}
}

// noticeText is the notice as shown: a network fault with the attempt it
// is at.
func (m *Model) noticeText() string {
	if m.notice == "" && m.failure != "" {
		return m.failure
	}
	if !m.noticeNet || m.status.Attempts == 0 {
		return m.notice
	}
	switch m.status.Conn {
	case consumer.ConnReconnecting:
		return fmt.Sprintf("%s (reconnecting, attempt %d)", m.notice, m.status.Attempts)
	case consumer.ConnConnecting:
		return fmt.Sprintf("%s (connecting, attempt %d)", m.notice, m.status.Attempts)
	}
	return m.notice
}

func (m *Model) onRestarted(msg restartedMsg) tea.Cmd {
	cmd := m.editor.Update(msg)
	defer m.layout() // the editor's height changed
	defer m.logs.Update(linesMsg{})
	if msg.err != nil {
		m.showEarly()
		if msg.stopped {
			// The editor stays open on the query: apply, then continue.
			m.setNotice(noticeError, "query change failed and the old query has stopped: nothing is tailed · "+
				hint(m.keys.Editor.Apply, "twice (continue) retries"))
			return tea.Batch(cmd, m.afterIngest(m.ingest()))
		}
		m.setNotice(noticeError, "query rejected; the previous query keeps running")
		return tea.Batch(cmd, m.afterIngest(m.ingest()))
	}
	// From the data, not the clock: every line shown so far is the old
	// query's (the new one's waited in early), and an old line arriving
	// from now on is dropped, so the marker goes here.
	// What the merge holds is the old query's: it goes above the marker,
	// and so do the old query's batches still pending.
	m.showEarly()
	m.flushMerge()
	m.minGeneration = msg.generation
	m.store.addNote("query: " + msg.query + " (" + msg.label + ")")
	m.setNotice(noticeInfo, "query applied, "+msg.label)
	m.newShown, m.quickUntil = false, m.wall().Add(m.quickFor)
	return tea.Batch(cmd, m.afterIngest(m.ingest()), m.armQuick())
}

// noticeLevelShown is the level of noticeText.
func (m *Model) noticeLevelShown() noticeLevel {
	if m.notice == "" && m.failure != "" {
		return noticeError
	}
	return m.noticeLevel
}

// spaced is s after a space, or nothing.
func spaced(s string) string {
	if s == "" {
		return ""
	}
	return " " + s
}

func (m *Model) setNotice(level noticeLevel, text string) {
	m.notice, m.noticeLevel, m.noticeAt = text, level, m.opts.Now()
	m.noticeNet, m.noticeTopic = false, ""
}

// focused is the component whose text field has the keys, if one is open:
// the editor, the log area's prompts, or an overlay that has one.
func (m *Model) focused() component {
	for _, c := range []component{m.editor, m.logs, m.overlay} {
		if f, ok := c.(focuser); ok && f.Focused() {
			return c
		}
	}
	return nil
}

// setOverlay shows c over the log area (nil: none). A view closed stops
// its computation: nobody will read its result.
func (m *Model) setOverlay(c component) {
	if m.overlay == m.facets && c != m.facets {
		m.facets.close()
	}
	if m.overlay == m.timeline && c != m.timeline {
		m.timeline.jobs.stop()
	}
	m.overlay = c
	if c == m.help {
		m.help.open()
	}
}

// layout hands each component its size: header and status line one row
// each, the SPL bar one or two, the log area (or the overlay over it) the
// rest.
func (m *Model) layout() {
	// The preview may take up to a third of what the editor leaves, and
	// never more than its sample: the lines it previews stay in sight.
	m.preview.SetSize(m.width, min(1+previewSample, max((m.height-2-m.editor.Height())/3, 1)))
	h := m.bodyHeight()
	m.header.SetSize(m.width, 1)
	m.editor.SetSize(m.width, m.editor.Height())
	m.bar.SetSize(m.width, 1)
	m.logs.SetSize(m.width, h)
	m.lag.SetSize(m.width, h)
	m.help.SetSize(m.width, h)
	m.facets.SetSize(m.width, h)
	m.timeline.SetSize(m.width, h)
}

// previewRows is the rows the preview takes under the editor: some while
// a query is typed and its start chosen, none otherwise.
func (m *Model) previewRows() int {
	if m.editor.stage == stageIdle {
		return 0
	}
	return m.preview.Height()
}

func (m *Model) bodyHeight() int { return max(m.height-2-m.editor.Height()-m.previewRows(), 0) }

// refresh tells the header and the status line what they show.
func (m *Model) refresh() {
	m.header.set(m.status, connectionState(m.started, m.sourceClosed, m.fatal, m.status))
	m.bar.set(barState{
		view:    m.logs.state(),
		in:      m.status.LogsInPerSec,
		out:     m.status.LogsOutPerSec,
		lines:   m.store.ring.len(),
		cap:     m.store.ring.cap,
		evicted: int(m.store.ring.evicted),
		notice:  m.noticeText(),
		level:   m.noticeLevelShown(),
		help:    m.ShortHelp(),
	})
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
