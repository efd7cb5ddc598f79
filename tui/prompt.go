package tui

import (
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
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

// prompt is the one-line input for search, filter, save path and columns,
// drawn in place of the status line.
type prompt struct {
	kind  promptKind
	input textinput.Model
	theme *themes.Theme
	hint  string
}

func newPrompt(th *themes.Theme) *prompt {
	in := textinput.New()
	in.CharLimit = 4096
	return &prompt{input: in, theme: th}
}

func (p *prompt) open(kind promptKind, value string, suggestions []string) tea.Cmd {
	p.kind = kind
	labels := map[promptKind]string{
		promptSearch:  "/",
		promptFilter:  "filter: ",
		promptSave:    "save to: ",
		promptColumns: "columns: ",
	}
	hints := map[promptKind]string{
		promptSearch:  "text or key=text, smart case · enter search · esc cancel",
		promptFilter:  "text, key=text or !text · empty clears · enter apply · esc cancel",
		promptSave:    "JSON lines · enter save · esc cancel",
		promptColumns: "comma-separated field names · tab completes · enter apply",
	}
	p.hint = hints[kind]
	p.input.Prompt = labels[kind]
	p.input.PromptStyle = p.theme.Prompt
	p.input.SetValue(value)
	p.input.CursorEnd()
	p.input.ShowSuggestions = len(suggestions) > 0
	p.input.SetSuggestions(suggestions)
	return p.input.Focus()
}

// update edits the answer; on enter or esc it returns the result, which
// the root applies at once (so the next key already goes to the view).
func (p *prompt) update(msg tea.Msg) (tea.Cmd, *promptResult) {
	if km, ok := msg.(tea.KeyMsg); ok {
		switch km.Type {
		case tea.KeyEsc:
			p.input.Blur()
			return nil, &promptResult{kind: p.kind}
		case tea.KeyEnter:
			p.input.Blur()
			return nil, &promptResult{kind: p.kind, value: p.input.Value(), ok: true}
		}
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	return cmd, nil
}

func (p *prompt) view(w int) string {
	p.input.Width = max(w-textWidth(p.input.Prompt)-1, 1)
	v := p.input.View()
	if rest := w - textWidth(p.input.Prompt) - textWidth(p.input.Value()) - 4; rest > 20 {
		v += "  " + p.theme.Dim.Render(truncateText(p.hint, rest))
	}
	return v
}
