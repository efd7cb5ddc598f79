package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/slstail/slstail/keymap"
	"github.com/slstail/slstail/themes"
)

// helpSection is a titled column of the help: the keys of one context.
type helpSection struct {
	title string
	keys  []key.Binding
}

// helpSections is every key of every context, from the live bindings.
func helpSections(km *keymap.KeyMap) []helpSection {
	v := km.View.FullHelp()
	return []helpSection{
		{"anywhere", km.Global.FullHelp()[0]},
		{"log views: moving", v[0]},
		{"looking", v[1]},
		{"the buffer", v[2]},
		{"marks, hand-off", v[3]},
		{"detail view", km.Detail.FullHelp()[0]},
		{"SPL editor, prompts", km.Editor.FullHelp()[0]},
		{"start position", km.StartFrom.FullHelp()[0]},
		{"facets (" + km.Global.Facets.Help().Key + ")", append(km.Facets.FullHelp()[1], km.Facets.FullHelp()[0]...)},
		{"timeline (" + km.Global.Timeline.Help().Key + ")", km.Timeline.FullHelp()[0]},
	}
}

// helpView is the ? overlay: every key, from the live bindings, in as many
// columns as the width holds, and a few notes wrapped to it. Its lines are
// laid out in SetSize; it scrolls with the log views' keys when it is
// taller than the screen.
type helpView struct {
	keys   *keymap.KeyMap
	theme  *themes.Theme
	lines  []string
	offset int
	width  int
	height int
}

func newHelpView(km *keymap.KeyMap, th *themes.Theme) *helpView {
	return &helpView{keys: km, theme: th}
}

// SetSize lays the help out for the new size.
func (h *helpView) SetSize(w, ht int) {
	h.width, h.height = w, ht
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
	return []key.Binding{h.keys.View.Down, h.keys.View.Up}
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

// content lays the sections out in bands of columns, as many side by side
// as fit, and wraps the notes: at no width is a key or a sentence cut.
func (h *helpView) content() string {
	th := h.theme
	const margin, gap = 1, 3
	var blocks [][]string // rendered lines of each section
	var widths []int
	for _, s := range helpSections(h.keys) {
		keyW, descW := 0, 0
		for _, b := range s.keys {
			if b.Enabled() {
				keyW = max(keyW, textWidth(b.Help().Key))
				descW = max(descW, textWidth(b.Help().Desc))
			}
		}
		bw := max(keyW+1+descW, textWidth(s.title))
		lines := []string{th.Title.Render(padRight(s.title, bw))}
		for _, b := range s.keys {
			if !b.Enabled() {
				continue
			}
			d := padRight(b.Help().Desc, descW)
			lines = append(lines, th.HelpKey.Render(padRight(b.Help().Key, keyW))+" "+th.HelpDesc.Render(d))
		}
		blocks, widths = append(blocks, lines), append(widths, bw)
	}

	var b strings.Builder
	b.WriteString(th.Title.Render(" Keys") + "\n\n")
	for first := 0; first < len(blocks); {
		// A band: the sections that fit side by side, at least one.
		end, used := first+1, margin+widths[first]
		for end < len(blocks) && used+gap+widths[end] <= h.width {
			used += gap + widths[end]
			end++
		}
		rows := 0
		for _, bl := range blocks[first:end] {
			rows = max(rows, len(bl))
		}
		for r := 0; r < rows; r++ {
			line := spaces(margin)
			for i := first; i < end; i++ {
				cell := spaces(widths[i])
				if r < len(blocks[i]) {
					cell = blocks[i][r]
				}
				if i > first {
					line += spaces(gap)
				}
				line += cell
			}
			b.WriteString(truncateText(strings.TrimRight(line, " "), h.width) + "\n")
		}
		b.WriteString("\n")
		first = end
	}

	k := h.keys
	notes := []string{
		"Search (" + primary(k.View.Search) + ") and filter (" + primary(k.View.Filter) + "): text matches any key or value; key=text matches one field; " +
			"key==text is exact; re:EXPR and key=re:EXPR are regular expressions; a && b needs both; " +
			"!text negates (filter). Lower-case patterns ignore case. " +
			primary(k.View.NextMatch) + " goes to the older match, " + primary(k.View.PrevMatch) + " to the newer.",
		"The merged tail is in log-time order: a line shows once every shard still delivering has been read past its time, " +
			"or after the merge hold; a line that comes later than that is tagged late.",
		"The filter is local: it hides buffered lines without restarting the consumer; " + primary(k.Global.Edit) +
			" edits the server-side SPL query, which restarts the workers from where you choose.",
		"Line formats (" + primary(k.View.ViewMode) + "): default · raw k=v · JSON · columns (" + primary(k.View.Columns) + " picks them). " +
			primary(k.Global.Help) + " or " + primary(k.Global.Back) + " closes this help.",
	}
	for _, n := range notes {
		for _, l := range strings.Split(wrapText(n, max(h.width-margin, 1)), "\n") {
			b.WriteString(spaces(margin) + th.Dim.Render(l) + "\n")
		}
	}
	return b.String()
}
