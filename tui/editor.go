package tui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/slstail/slstail/consumer"
	"github.com/slstail/slstail/internal/textsafe"
	"github.com/slstail/slstail/keymap"
	"github.com/slstail/slstail/spl"
	"github.com/slstail/slstail/themes"
)

// The editor's stages: typing the query, then choosing where it starts.
type editStage int

const (
	stageIdle editStage = iota // not focused: the bar shows the running query
	stageEdit
	stageFrom
)

// startChoice is an answer to "where does the new query start?".
type startChoice int

const (
	fromContinue startChoice = iota
	fromNow
	fromAgo
	fromBegin
	numChoices
)

// applyQueryMsg asks the root to restart the source with a new query.
type applyQueryMsg struct {
	query string
	from  consumer.StartFrom
	label string
}

// editor is the SPL bar: a text input (bubbles textinput does the editing)
// drawn with syntax highlighting from spl.Check and the error under the
// position it points at. While Focused it takes every key.
type editor struct {
	keys  *keymap.KeyMap
	theme *themes.Theme
	input textinput.Model
	hist  *history

	stage   editStage
	running string // the query the source runs
	check   spl.CheckResult
	histPos int    // index into hist.entries while walking; len = the draft
	draft   string // what was typed before walking the history

	choice  startChoice
	minutes string // for fromAgo
	typed   bool   // digits were typed since fromAgo was picked: more append
	edited  bool   // the text changed since the editor opened: errors show

	pending   bool   // a Restart is in flight
	rejection string // the last server or local rejection
	stopped   bool   // the rejection came after the old query had stopped
	width     int
}

func newEditor(km *keymap.KeyMap, th *themes.Theme, query string, hist *history) *editor {
	in := textinput.New()
	in.Prompt = ""
	in.CharLimit = 8192
	// The bar draws its own cursor: the input's would only blink unseen.
	in.Cursor.SetMode(cursor.CursorStatic)
	in.KeyMap.AcceptSuggestion.SetEnabled(false)
	in.KeyMap.NextSuggestion.SetEnabled(false)
	in.KeyMap.PrevSuggestion.SetEnabled(false)
	e := &editor{keys: km, theme: th, input: in, hist: hist, running: query, minutes: "15"}
	e.input.SetValue(query)
	e.check = spl.Check(query)
	return e
}

// Focused implements focuser.
func (e *editor) Focused() bool { return e.stage != stageIdle }

// SetSize implements component; the editor's height is its own (Height).
func (e *editor) SetSize(w, _ int) { e.width = w }

// ShortHelp implements help.KeyMap.
func (e *editor) ShortHelp() []key.Binding {
	if e.stage == stageFrom {
		return e.keys.StartFrom.ShortHelp()
	}
	return e.keys.Editor.ShortHelp()
}

// FullHelp implements help.KeyMap.
func (e *editor) FullHelp() [][]key.Binding {
	return append(e.keys.Editor.FullHelp(), e.keys.StartFrom.FullHelp()...)
}

// open focuses the bar with the running query; no query is "*", the query
// it means. Until the text is edited it shows no error: the query runs.
func (e *editor) open() tea.Cmd {
	q := e.running
	if strings.TrimSpace(q) == "" {
		q = "*"
	}
	e.stage = stageEdit
	e.edited = false
	e.input.SetValue(q)
	e.input.CursorEnd()
	e.histPos = len(e.hist.entries)
	e.draft = q
	e.recheck()
	return e.input.Focus()
}

// openWith focuses the bar on text, edited and not applied: a query a
// view wrote (the facet view's "add to query") for the user to review.
func (e *editor) openWith(text string) tea.Cmd {
	cmd := e.open()
	e.input.SetValue(text)
	e.input.CursorEnd()
	e.draft = text
	e.edited = true
	e.recheck()
	return cmd
}

func (e *editor) close() {
	e.stage = stageIdle
	e.input.Blur()
	e.input.SetValue(e.running)
	e.recheck()
}

func (e *editor) recheck() { e.check = spl.Check(e.input.Value()) }

// Update edits the query while focused, and follows the session: the query
// it runs, the history as loaded, the end of a restart.
func (e *editor) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if !e.Focused() {
			return nil
		}
		if e.stage == stageFrom {
			return e.updateFrom(msg)
		}
		return e.updateEdit(msg)
	case consumer.Status:
		// The source's query, for a UI started without one.
		if e.running == "" && msg.Query != "" && !e.Focused() {
			e.running = msg.Query
			e.close()
		}
		return nil
	case historyLoadedMsg:
		// Queries applied before the file was read stay newest.
		e.hist.entries = append(msg.entries, e.hist.entries...)
		e.histPos = len(e.hist.entries)
		return nil
	case restartedMsg:
		return e.applied(msg.query, msg.err, msg.stopped)
	}
	var cmd tea.Cmd
	e.input, cmd = e.input.Update(msg)
	return cmd
}

func (e *editor) updateEdit(km tea.KeyMsg) tea.Cmd {
	k := &e.keys.Editor
	switch {
	case key.Matches(km, k.Cancel):
		e.close()
		return nil
	case key.Matches(km, k.Apply):
		if e.pending {
			return nil
		}
		if e.check.Err != nil {
			e.edited = true // show the error; apply does nothing until it is fixed
			return nil
		}
		e.stage = stageFrom
		return nil
	case key.Matches(km, k.HistoryPrev):
		e.walk(-1)
		return nil
	case key.Matches(km, k.HistoryNext):
		e.walk(+1)
		return nil
	}
	before := e.input.Value()
	var cmd tea.Cmd
	e.input, cmd = e.input.Update(km)
	if e.input.Value() != before {
		e.edited = true
		e.recheck()
		e.rejection = ""
		e.histPos = len(e.hist.entries)
		e.draft = e.input.Value()
	}
	return cmd
}

// walk moves through the history; past the newest entry is the draft.
// Entries that read as the text shown are passed over: the newest entry is
// usually the running query, which the editor opened with.
func (e *editor) walk(dir int) {
	n := len(e.hist.entries)
	cur := e.input.Value()
	pos := e.histPos
	for {
		pos += dir
		if pos < 0 || pos > n {
			return
		}
		if pos == n || e.hist.entries[pos] != cur {
			break
		}
	}
	e.histPos = pos
	if pos == n {
		e.input.SetValue(e.draft)
	} else {
		e.input.SetValue(e.hist.entries[pos])
	}
	e.edited = true
	e.input.CursorEnd()
	e.recheck()
}

func (e *editor) updateFrom(km tea.KeyMsg) tea.Cmd {
	k := &e.keys.StartFrom
	switch {
	case key.Matches(km, k.Back):
		e.stage = stageEdit
	case key.Matches(km, k.Prev):
		e.choose((e.choice + numChoices - 1) % numChoices)
	case key.Matches(km, k.Next):
		e.choose((e.choice + 1) % numChoices)
	case key.Matches(km, k.Continue):
		e.choose(fromContinue)
	case key.Matches(km, k.Now):
		e.choose(fromNow)
	case key.Matches(km, k.Ago):
		e.choose(fromAgo)
	case key.Matches(km, k.Beginning):
		e.choose(fromBegin)
	case key.Matches(km, k.Apply):
		from, label, err := e.startFrom()
		if err != nil {
			e.rejection = err.Error()
			return nil
		}
		q := e.input.Value()
		e.pending = true
		e.rejection = ""
		return func() tea.Msg { return applyQueryMsg{query: q, from: from, label: label} }
	case km.Type == tea.KeyBackspace:
		if e.choice == fromAgo && e.minutes != "" {
			e.minutes = e.minutes[:len(e.minutes)-1]
			e.typed = true
		}
	case e.choice == fromAgo && km.Type == tea.KeyRunes:
		e.typeMinutes(km.Runes)
	}
	return nil
}

func (e *editor) choose(c startChoice) {
	e.choice = c
	e.typed = false
}

// typeMinutes takes digits typed on "N min ago": the first replaces the
// number shown (the default 15, or the last one), the next append to it.
func (e *editor) typeMinutes(rs []rune) {
	for _, r := range rs {
		if r < '0' || r > '9' {
			continue
		}
		if !e.typed {
			e.minutes, e.typed = "", true
		}
		if len(e.minutes) < 6 {
			e.minutes += string(r)
		}
	}
}

func (e *editor) startFrom() (consumer.StartFrom, string, error) {
	switch e.choice {
	case fromNow:
		return consumer.StartFrom{Kind: consumer.PosEnd}, "from now", nil
	case fromAgo:
		n, err := strconv.Atoi(e.minutes)
		if err != nil || n <= 0 {
			return consumer.StartFrom{}, "", fmt.Errorf("minutes ago: want a positive whole number, got %q", e.minutes)
		}
		return consumer.StartFrom{Kind: consumer.PosAgo, Ago: time.Duration(n) * time.Minute},
			fmt.Sprintf("from %d min ago", n), nil
	case fromBegin:
		return consumer.StartFrom{Kind: consumer.PosBegin}, "from the beginning", nil
	}
	return consumer.StartFrom{Kind: consumer.PosContinue}, "continuing", nil
}

// applied is the end of a restart: err is the rejection, which leaves the
// editor open on the text.
func (e *editor) applied(query string, err error, stopped bool) tea.Cmd {
	e.pending = false
	if err != nil {
		e.rejection, e.stopped = err.Error(), stopped
		e.stage = stageEdit
		return nil
	}
	e.running = query
	e.rejection = ""
	e.close()
	return e.hist.add(query)
}

// Height is how many rows the bar takes: the query, and a message row while
// editing or when there is something to say.
func (e *editor) Height() int {
	if e.Focused() || e.rejection != "" || e.pending {
		return 2
	}
	return 1
}

const editorPrompt = "SPL › "

// View implements component.
func (e *editor) View() string {
	th := e.theme
	w := e.width
	promptW := textWidth(editorPrompt)
	var b strings.Builder
	b.WriteString(th.Prompt.Render(editorPrompt))
	text := e.input.Value()
	cursor := -1
	if e.stage == stageEdit {
		cursor = e.input.Position()
	}
	if text == "" && !e.Focused() {
		// No query means every log: say so rather than show an empty bar.
		b.WriteString(th.Dim.Render(truncateText("*  ("+hints("every log", hint(e.keys.Global.Edit, "to edit"))+")", w-promptW)))
	} else {
		b.WriteString(highlightQuery(th, text, e.check, cursor, w-promptW))
	}
	if e.Height() == 1 {
		return b.String()
	}
	b.WriteByte('\n')
	b.WriteString(e.messageRow(promptW))
	return b.String()
}

func (e *editor) messageRow(promptW int) string {
	th := e.theme
	w := e.width
	switch {
	case e.pending:
		return th.Info.Render(truncateText("  checking and restarting the workers… (the current stream keeps running)", w))
	case e.stage == stageFrom:
		return e.fromRow()
	case e.rejection != "":
		if e.stopped {
			// The error says what stopped and how to resume.
			return th.ErrorText.Render(truncateText("  ✗ failed: "+textsafe.Sanitize(e.rejection), w))
		}
		return th.ErrorText.Render(truncateText("  ✗ rejected: "+textsafe.Sanitize(e.rejection)+" (the previous query keeps running)", w))
	case e.check.Err != nil && e.edited:
		return errorRow(th, e.input.Value(), e.check.Err, promptW, e.scrollOffset(), w)
	}
	valid := "✓ valid"
	if e.check.Err != nil {
		valid = "" // not edited yet: the running query, which the server took
	}
	k := &e.keys.Editor
	return th.Dim.Render(truncateText("  "+hints(valid, hint(k.Apply, "apply"), hint(k.Cancel, "cancel"), pair(k.HistoryPrev, k.HistoryNext, "history")), w))
}

func (e *editor) fromRow() string {
	th := e.theme
	labels := [numChoices]string{"continue", "now", e.minutes + " min ago", "beginning"}
	var b strings.Builder
	b.WriteString(th.Dim.Render("  start from: "))
	for i, l := range labels {
		if startChoice(i) == e.choice {
			b.WriteString(th.Badge.Render("[" + l + "]"))
		} else {
			b.WriteString(" " + l + " ")
		}
		b.WriteByte(' ')
	}
	k := &e.keys.StartFrom
	b.WriteString(th.Dim.Render(" " + hints(pair(k.Prev, k.Next, "choose"), hint(k.Apply, "apply"), hint(k.Back, "back"))))
	return b.String()
}

// scrollOffset is the first rune shown when the query is wider than the bar.
func (e *editor) scrollOffset() int {
	return queryScroll(e.input.Value(), e.input.Position(), e.width-textWidth(editorPrompt))
}

// queryScroll keeps the cursor on screen: the text scrolls by whole screens
// of runes so it does not jitter while typing.
func queryScroll(text string, cursor, avail int) int {
	if avail <= 1 || cursor < 0 {
		return 0
	}
	step := max(avail-1, 1)
	n := len([]rune(text))
	if n < avail {
		return 0
	}
	return (cursor / step) * step
}

// highlightQuery renders the query coloured by token kind, from the scroll
// offset, with the cursor drawn in reverse video when cursor >= 0. Runs of
// one token kind are rendered together: one lipgloss call per token, not
// per rune.
func highlightQuery(th *themes.Theme, text string, chk spl.CheckResult, cursor, avail int) string {
	kinds := make([]int, len(text)) // token kind + 1 per byte; 0 = between tokens
	for _, t := range chk.Tokens {
		for i := max(t.Start, 0); i < min(t.End, len(text)); i++ {
			kinds[i] = int(t.Kind) + 1
		}
	}
	start := queryScroll(text, cursor, avail)
	var b strings.Builder
	var run strings.Builder
	runKind := -1
	flush := func() {
		if run.Len() == 0 {
			return
		}
		st := th.Syntax.Ident
		if runKind > 0 {
			st = tokenStyle(th, spl.TokenKind(runKind-1))
		}
		b.WriteString(st.Render(run.String()))
		run.Reset()
	}
	used, ri := 0, 0
	for off, r := range text {
		i := ri
		ri++
		if i < start {
			continue
		}
		s := textsafe.Sanitize(string(r))
		rw := textWidth(s)
		if avail > 0 && used+rw > avail-1 {
			break
		}
		used += rw
		if i == cursor {
			flush()
			b.WriteString(th.Cursor.Render(s))
			runKind = -1
			continue
		}
		if kinds[off] != runKind {
			flush()
			runKind = kinds[off]
		}
		run.WriteString(s)
	}
	flush()
	if cursor >= ri {
		b.WriteString(th.Cursor.Render(" "))
	}
	return b.String()
}

func tokenStyle(th *themes.Theme, k spl.TokenKind) lipgloss.Style {
	s := &th.Syntax
	switch k {
	case spl.TokKeyword:
		return s.Keyword
	case spl.TokInstruction:
		return s.Instruction
	case spl.TokOption:
		return s.Option
	case spl.TokIdent:
		return s.Ident
	case spl.TokString:
		return s.String
	case spl.TokRegexp:
		return s.Regexp
	case spl.TokNumber:
		return s.Number
	case spl.TokOperator:
		return s.Operator
	case spl.TokPipe:
		return s.Pipe
	case spl.TokPunct:
		return s.Punct
	case spl.TokFunction:
		return s.Function
	case spl.TokType:
		return s.Type
	case spl.TokSource:
		return s.Source
	case spl.TokComment:
		return s.Comment
	}
	return s.Invalid
}

// errorRow puts a caret under the error's position and the message beside
// it: after the caret when it fits, else before it, else cut with "…" on
// the side with more room. The caret never leaves its column.
func errorRow(th *themes.Theme, text string, err *spl.Error, promptW, scroll, w int) string {
	off := clamp(err.Offset, 0, len(text))
	before := []rune(text[:off])
	col := promptW + textWidth(textsafe.Sanitize(string(before[min(scroll, len(before)):])))
	col = clamp(col, 0, max(w-1, 0))
	msg := textsafe.Sanitize(err.Error())
	mw := textWidth(msg)
	caret := th.ErrorMark.Render("^")
	after, ahead := w-col-2, col-1 // room for the message after and before the caret
	switch {
	case mw <= after:
		return spaces(col) + caret + " " + th.ErrorText.Render(msg)
	case mw <= ahead:
		return spaces(col-mw-1) + th.ErrorText.Render(msg) + " " + caret
	case after >= ahead && after > 0:
		return spaces(col) + caret + " " + th.ErrorText.Render(truncateText(msg, after))
	case ahead > 0:
		return th.ErrorText.Render(padRight(truncateText(msg, ahead), ahead)) + " " + caret
	}
	return spaces(col) + caret
}
