package tui

import (
	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/slstail/slstail/keymap"
	"github.com/slstail/slstail/themes"
)

// promptKind is what a one-line prompt asks for.
type promptKind int

const (
	promptSearch promptKind = iota
	promptFilter
	promptSave
	promptColumns
)

// promptResult is the answer (ok false: cancelled).
type promptResult struct {
	kind  promptKind
	value string
	ok    bool
}

// prompt is a one-line input for search, filter, save path or columns,
// drawn in place of the status line. Each kind is a prompt of its own, with
// its own text and its own completions: a completion offered in one never
// shows, nor is taken, in another. The log area owns them and applies the
// answer as soon as a prompt closes, so the next key already goes to the
// view.
type prompt struct {
	keys    *keymap.Editor
	theme   *themes.Theme
	kind    promptKind
	input   textinput.Model
	hint    string
	suggest func(value string) []string // nil: no completion
	open    bool
	result  *promptResult
	width   int
}

func newPrompt(km *keymap.Editor, th *themes.Theme, kind promptKind, suggest func(string) []string) *prompt {
	in := textinput.New()
	in.CharLimit = 4096
	in.PromptStyle = th.Prompt
	in.Cursor.Style = th.Cursor
	in.CompletionStyle = th.Dim
	// A steady cursor: no blink timer redrawing the screen twice a second.
	in.Cursor.SetMode(cursor.CursorStatic)
	in.KeyMap.AcceptSuggestion = km.Complete
	in.ShowSuggestions = suggest != nil
	in.Prompt = map[promptKind]string{
		promptSearch:  "/",
		promptFilter:  "filter: ",
		promptSave:    "save to: ",
		promptColumns: "columns: ",
	}[kind]
	p := &prompt{keys: km, theme: th, kind: kind, input: in, suggest: suggest}
	p.hint = map[promptKind]string{
		promptSearch:  hints("text or key=text, smart case", hint(km.Complete, "completes a key"), hint(km.Apply, "search"), hint(km.Cancel, "cancel")),
		promptFilter:  hints("text, key=text or !text", "empty clears", hint(km.Apply, "apply"), hint(km.Cancel, "cancel")),
		promptSave:    hints("JSON lines", hint(km.Apply, "save"), hint(km.Cancel, "cancel")),
		promptColumns: hints("comma-separated field names", hint(km.Complete, "completes"), hint(km.Apply, "apply")),
	}[kind]
	return p
}

// Focused implements focuser: an open prompt takes every key.
func (p *prompt) Focused() bool { return p.open }

// SetSize implements component; the height is always one row.
func (p *prompt) SetSize(w, _ int) {
	p.width = w
	p.input.Width = max(w-textWidth(p.input.Prompt)-1, 1)
}

// ShortHelp implements help.KeyMap.
func (p *prompt) ShortHelp() []key.Binding {
	return []key.Binding{p.keys.Apply, p.keys.Cancel}
}

// FullHelp implements help.KeyMap.
func (p *prompt) FullHelp() [][]key.Binding {
	return [][]key.Binding{{p.keys.Apply, p.keys.Cancel, p.keys.Complete}}
}

// label sets the words before the input ("save 12 logs to: ").
func (p *prompt) label(s string) {
	p.input.Prompt = s
	p.SetSize(p.width, 1)
}

// openWith opens the prompt on value.
func (p *prompt) openWith(value string) tea.Cmd {
	p.open, p.result = true, nil
	p.input.SetValue(value)
	p.input.CursorEnd()
	p.complete()
	return p.input.Focus()
}

// complete offers the completions of what is typed.
func (p *prompt) complete() {
	if p.suggest != nil {
		p.input.SetSuggestions(p.suggest(p.input.Value()))
	}
}

// Update edits the answer; Apply or Cancel closes the prompt with a result
// for take.
func (p *prompt) Update(msg tea.Msg) tea.Cmd {
	if km, ok := msg.(tea.KeyMsg); ok {
		switch {
		case key.Matches(km, p.keys.Cancel):
			p.close(promptResult{kind: p.kind})
			return nil
		case key.Matches(km, p.keys.Apply):
			p.close(promptResult{kind: p.kind, value: p.input.Value(), ok: true})
			return nil
		}
	}
	before := p.input.Value()
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	if p.input.Value() != before {
		p.complete()
	}
	return cmd
}

func (p *prompt) close(r promptResult) {
	p.input.Blur()
	p.open = false
	p.result = &r
}

// take returns the answer of a prompt that just closed, once.
func (p *prompt) take() (promptResult, bool) {
	if p.result == nil {
		return promptResult{}, false
	}
	r := *p.result
	p.result = nil
	return r, true
}

// View implements component.
func (p *prompt) View() string {
	v := p.input.View()
	if rest := p.width - textWidth(p.input.Prompt) - textWidth(p.input.Value()) - 4; rest > 20 {
		v += "  " + p.theme.Dim.Render(truncateText(p.hint, rest))
	}
	return v
}
