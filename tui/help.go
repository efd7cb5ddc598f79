package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/slstail/slstail/keymap"
	"github.com/slstail/slstail/themes"
)

// helpView is the ? overlay: every key, from the live bindings, and a few
// notes. Its lines are laid out in SetSize; it scrolls with the log views'
// keys when it is taller than the screen.
type helpView struct {
	keys   *keymap.KeyMap
	theme  *themes.Theme
	groups help.KeyMap // whose FullHelp is listed: the root's, every context
	model  help.Model
	lines  []string
	offset int
	width  int
	height int
}

func newHelpView(km *keymap.KeyMap, th *themes.Theme, groups help.KeyMap) *helpView {
	hm := help.New()
	hm.ShowAll = true
	hm.Styles.FullKey = th.HelpKey
	hm.Styles.FullDesc = th.HelpDesc
	hm.Styles.FullSeparator = th.HelpSep
	hm.Styles.ShortKey = th.HelpKey
	hm.Styles.ShortDesc = th.HelpDesc
	hm.Styles.ShortSeparator = th.HelpSep
	return &helpView{keys: km, theme: th, groups: groups, model: hm}
}

// SetSize lays the help out for the new size.
func (h *helpView) SetSize(w, ht int) {
	h.width, h.height = w, ht
	h.model.Width = w
	h.lines = strings.Split(strings.TrimRight(h.content(), "\n"), "\n")
	h.scroll(0)
}

// open shows the help from its top.
func (h *helpView) open() {
	h.offset = 0
	h.SetSize(h.width, h.height)
}

// ShortHelp implements help.KeyMap.
func (h *helpView) ShortHelp() []key.Binding {
	return []key.Binding{h.keys.View.Up, h.keys.View.Down}
}

// FullHelp implements help.KeyMap.
func (h *helpView) FullHelp() [][]key.Binding {
	k := &h.keys.View
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown}}
}

// Update scrolls.
func (h *helpView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		k := &h.keys.View
		switch {
		case key.Matches(msg, k.Up):
			h.scroll(-1)
		case key.Matches(msg, k.Down):
			h.scroll(+1)
		case key.Matches(msg, k.PageUp):
			h.scroll(-h.height)
		case key.Matches(msg, k.PageDown):
			h.scroll(+h.height)
		}
	case tea.MouseMsg:
		h.scroll(wheel(msg))
	}
	return nil
}

func (h *helpView) scroll(n int) {
	h.offset = clamp(h.offset+n, 0, len(h.lines)-h.height)
}

// View implements component.
func (h *helpView) View() string {
	return fillLines(strings.Join(h.lines[min(h.offset, len(h.lines)):], "\n"), h.height)
}

func (h *helpView) content() string {
	th := h.theme
	var b strings.Builder
	b.WriteString(th.Title.Render(" Keys") + "\n\n")
	groups := h.groups.FullHelp()
	keys := h.model.FullHelpView(groups)
	if blockWidth(keys) > h.width {
		// Too narrow for the columns side by side: stack them.
		var stacked []string
		for _, g := range groups {
			stacked = append(stacked, h.model.FullHelpView([][]key.Binding{g}))
		}
		keys = strings.Join(stacked, "\n")
	}
	for _, l := range strings.Split(keys, "\n") {
		b.WriteString(truncateText(l, h.width) + "\n")
	}
	b.WriteString("\n")
	k := h.keys
	notes := []string{
		"Search (" + primary(k.View.Search) + ") and filter (" + primary(k.View.Filter) + "): text matches any key or value; key=text matches one field; !text",
		"negates (filter). Lower-case patterns ignore case. " + primary(k.View.NextMatch) + " goes to the older match, " + primary(k.View.PrevMatch) + " to the newer.",
		"The filter is local: it hides buffered lines without restarting the consumer; " + primary(k.Global.Edit) + " edits the",
		"server-side SPL query, which restarts the workers from where you choose.",
		"Line formats (" + primary(k.View.ViewMode) + "): default · raw k=v · JSON · columns (" + primary(k.View.Columns) + " picks them). " + primary(k.Global.Help) + " or " + primary(k.Global.Back) + " closes this help.",
	}
	for _, n := range notes {
		b.WriteString(th.Dim.Render(" "+truncateText(n, max(h.width-1, 0))) + "\n")
	}
	return b.String()
}
