package tui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

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
// position it points at.
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

	pending   bool   // a Restart is in flight
	rejection string // the last server or local rejection
	width     int
}

func newEditor(km *keymap.KeyMap, th *themes.Theme, query string, hist *history) *editor {
	in := textinput.New()
	in.Prompt = ""
	in.CharLimit = 8192
	in.KeyMap.AcceptSuggestion.SetEnabled(false)
	in.KeyMap.NextSuggestion.SetEnabled(false)
	in.KeyMap.PrevSuggestion.SetEnabled(false)
	e := &editor{keys: km, theme: th, input: in, hist: hist, running: query, minutes: "15"}
	e.input.SetValue(query)
	e.check = spl.Check(query)
	return e
}

func (e *editor) focused() bool { return e.stage != stageIdle }

// open focuses the bar with the running query.
func (e *editor) open() tea.Cmd {
	e.stage = stageEdit
	e.input.SetValue(e.running)
	e.input.CursorEnd()
	e.histPos = len(e.hist.entries)
	e.draft = e.running
	e.recheck()
	return e.input.Focus()
}

func (e *editor) close() {
	e.stage = stageIdle
	e.input.Blur()
	e.input.SetValue(e.running)
	e.recheck()
}

func (e *editor) recheck() { e.check = spl.Check(e.input.Value()) }

func (e *editor) update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		var cmd tea.Cmd
		e.input, cmd = e.input.Update(msg)
		return cmd
	}
	if e.stage == stageFrom {
		return e.updateFrom(km)
	}
	switch {
	case key.Matches(km, e.keys.Back):
		e.close()
		return nil
	case key.Matches(km, e.keys.Apply):
		if e.pending {
			return nil
		}
		if e.check.Err != nil {
			return nil // the error is on screen; enter does nothing until it is fixed
		}
		e.stage = stageFrom
		return nil
	case key.Matches(km, e.keys.HistoryPrev):
		e.walk(-1)
		return nil
	case key.Matches(km, e.keys.HistoryNext):
		e.walk(+1)
		return nil
	}
	before := e.input.Value()
	var cmd tea.Cmd
	e.input, cmd = e.input.Update(msg)
	if e.input.Value() != before {
		e.recheck()
		e.rejection = ""
		e.histPos = len(e.hist.entries)
		e.draft = e.input.Value()
	}
	return cmd
}

// walk moves through the history; past the newest entry is the draft.
func (e *editor) walk(dir int) {
	n := len(e.hist.entries)
	pos := clamp(e.histPos+dir, 0, n)
	if pos == e.histPos {
		return
	}
	e.histPos = pos
	if pos == n {
		e.input.SetValue(e.draft)
	} else {
		e.input.SetValue(e.hist.entries[pos])
	}
	e.input.CursorEnd()
	e.recheck()
}

func (e *editor) updateFrom(km tea.KeyMsg) tea.Cmd {
	switch km.String() {
	case "esc":
		e.stage = stageEdit
		return nil
	case "left", "shift+tab", "h":
		e.choice = (e.choice + numChoices - 1) % numChoices
	case "right", "tab", "l":
		e.choice = (e.choice + 1) % numChoices
	case "c":
		e.choice = fromContinue
	case "n":
		e.choice = fromNow
	case "m":
		e.choice = fromAgo
	case "b":
		e.choice = fromBegin
	case "backspace":
		if e.choice == fromAgo && e.minutes != "" {
			e.minutes = e.minutes[:len(e.minutes)-1]
		}
	case "enter":
		from, label, err := e.startFrom()
		if err != nil {
			e.rejection = err.Error()
			return nil
		}
		q := e.input.Value()
		e.pending = true
		e.rejection = ""
		return func() tea.Msg { return applyQueryMsg{query: q, from: from, label: label} }
	default:
		if r := km.Runes; e.choice == fromAgo && len(r) == 1 && r[0] >= '0' && r[0] <= '9' && len(e.minutes) < 6 {
			e.minutes += string(r)
		}
	}
	return nil
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

// applied is called when the restart finished: err is the rejection.
func (e *editor) applied(query string, err error) tea.Cmd {
	e.pending = false
	if err != nil {
		e.rejection = err.Error()
		e.stage = stageEdit
		return nil
	}
	e.running = query
	e.rejection = ""
	e.close()
	return e.hist.add(query)
}

// height is how many rows the bar takes: the query, and a message row while
// editing or when there is something to say.
func (e *editor) height() int {
	if e.focused() || e.rejection != "" || e.pending {
		return 2
	}
	return 1
}

const editorPrompt = "SPL › "

func (e *editor) view() string {
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
	if text == "" && !e.focused() {
		// No query means every log: say so rather than show an empty bar.
		b.WriteString(th.Dim.Render(truncateText("*  (every log · e to edit)", w-promptW)))
	} else {
		b.WriteString(highlightQuery(th, text, e.check, cursor, w-promptW))
	}
	if e.height() == 1 {
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
		return th.ErrorText.Render(truncateText("  ✗ rejected: "+textsafe.Sanitize(e.rejection)+" (the previous query keeps running)", w))
	case e.check.Err != nil:
		return errorRow(th, e.input.Value(), e.check.Err, promptW, e.scrollOffset(), w)
	}
	return th.Dim.Render(truncateText("  ✓ valid · enter apply · esc cancel · ↑/↓ history", w))
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
	b.WriteString(th.Dim.Render(" ←/→ choose · enter apply · esc back"))
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
// it: after the caret when it fits, else before it.
func errorRow(th *themes.Theme, text string, err *spl.Error, promptW, scroll, w int) string {
	off := clamp(err.Offset, 0, len(text))
	col := promptW + textWidth(textsafe.Sanitize(string([]rune(text[:off])[min(scroll, len([]rune(text[:off]))):])))
	msg := textsafe.Sanitize(err.Error())
	if col+2+textWidth(msg) <= w {
		return strings.Repeat(" ", col) + th.ErrorMark.Render("^") + " " + th.ErrorText.Render(msg)
	}
	if textWidth(msg)+2 <= col {
		return strings.Repeat(" ", col-textWidth(msg)-1) + th.ErrorText.Render(msg) + " " + th.ErrorMark.Render("^")
	}
	return th.ErrorMark.Render("^ ") + th.ErrorText.Render(truncateText(msg, max(w-2, 0)))
}
