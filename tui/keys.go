package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// onKey routes a key press: a focused text field takes every key; an open
// overlay the keys it binds; then the global keys; then the log area.
func (m *Model) onKey(msg tea.KeyMsg) tea.Cmd {
	// ctrl+c always quits, whatever the key map says; a second press while
	// stopping gives up waiting for the session.
	if msg.Type == tea.KeyCtrlC {
		return m.quit()
	}
	if m.quitting {
		return nil
	}
	if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste && m.focused() == nil {
		return m.onBurst(msg)
	}
	if f := m.focused(); f != nil {
		if f == m.editor {
			return m.editorKey(msg)
		}
		cmd := f.Update(msg)
		return tea.Batch(cmd, m.takeViewChoice())
	}
	if m.overlay != nil && owns(m.overlay, msg) {
		cmd := m.overlay.Update(msg)
		return tea.Batch(cmd, m.takeViewChoice())
	}
	if cmd, ok := m.globalKey(msg); ok {
		return cmd
	}
	if m.overlay != nil {
		return nil // the log area is hidden: its keys would act unseen
	}
	return m.logs.Update(msg)
}

// onBurst takes runes that arrived in one read (key repeat over SSH, a fast
// "nnn") as that many key presses, the way they were typed. A key that
// opens a text field ("/", "f", "e") makes the rest of the burst its text.
// A paste is never keys: it is only ever text.
func (m *Model) onBurst(msg tea.KeyMsg) tea.Cmd {
	var cmds []tea.Cmd
	for i, r := range msg.Runes {
		if m.focused() != nil {
			cmds = append(cmds, m.onKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: msg.Runes[i:], Alt: msg.Alt}))
			break
		}
		cmds = append(cmds, m.onKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}))
	}
	return tea.Batch(cmds...)
}

func (m *Model) globalKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	k := &m.keys.Global
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit(), true
	case key.Matches(msg, k.Help):
		m.toggleOverlay(m.help)
	case key.Matches(msg, k.Lag):
		m.toggleOverlay(m.lag)
	case key.Matches(msg, k.ToggleView):
		m.setOverlay(nil)
		m.logs.Update(toggleViewMsg{})
	case key.Matches(msg, k.Edit):
		m.setOverlay(nil)
		return m.openEditor(""), true
	case key.Matches(msg, k.Facets):
		return m.openFacets(), true
	case key.Matches(msg, k.Timeline):
		return m.openTimeline(), true
	case key.Matches(msg, k.Back):
		if m.overlay != nil {
			m.setOverlay(nil)
		} else {
			return m.logs.Update(backMsg{}), true
		}
	default:
		return nil, false
	}
	return nil, true
}

func (m *Model) toggleOverlay(c component) {
	if m.overlay == c {
		m.setOverlay(nil)
	} else {
		m.setOverlay(c)
	}
}
