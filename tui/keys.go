package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// onKey routes a key press by mode: text fields first, then overlays, then
// the global keys, then the log view.
func (m *Model) onKey(msg tea.KeyMsg) tea.Cmd {
	// ctrl+c always quits, whatever the key map says; a second press while
	// stopping gives up waiting for the session.
	if msg.Type == tea.KeyCtrlC {
		return m.quit()
	}
	if m.quitting {
		return nil
	}
	k := m.keys
	switch m.mode {
	case modeEditor:
		cmd := m.editor.update(msg)
		if !m.editor.focused() {
			m.mode = modeNormal
			m.layout()
		}
		return cmd
	case modePrompt:
		cmd, res := m.prompt.update(msg)
		if res != nil {
			m.mode = modeNormal
			return m.onPrompt(*res)
		}
		if m.prompt.kind == promptColumns {
			m.prompt.input.SetSuggestions(columnSuggestions(m.prompt.input.Value(), m.store.fields))
		}
		return cmd
	case modeHelp:
		switch {
		case key.Matches(msg, k.Quit):
			return m.quit()
		case key.Matches(msg, k.Help), key.Matches(msg, k.Back):
			m.mode = modeNormal
		case key.Matches(msg, k.Up):
			m.helpOffset--
		case key.Matches(msg, k.Down):
			m.helpOffset++
		case key.Matches(msg, k.PageUp):
			m.helpOffset -= m.bodyHeight()
		case key.Matches(msg, k.PageDown):
			m.helpOffset += m.bodyHeight()
		}
		return nil
	case modeDetail:
		switch {
		case key.Matches(msg, k.Quit):
			return m.quit()
		case key.Matches(msg, k.Back), key.Matches(msg, k.Open):
			m.mode = modeNormal
			return nil
		case key.Matches(msg, k.Help):
			m.mode = modeHelp
			return nil
		}
		return m.detail.update(msg, m.clipboard())
	case modeLag:
		switch {
		case key.Matches(msg, k.Quit):
			return m.quit()
		case key.Matches(msg, k.Back), key.Matches(msg, k.Lag):
			m.mode = modeNormal
			return nil
		case key.Matches(msg, k.Help):
			m.mode = modeHelp
			return nil
		case key.Matches(msg, k.Edit):
			return m.openEditor()
		}
		return m.lag.update(msg)
	}
	if cmd, ok := m.globalKey(msg); ok {
		return cmd
	}
	return m.viewKey(msg)
}

func (m *Model) globalKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit(), true
	case key.Matches(msg, k.Help):
		m.mode = modeHelp
		m.helpOffset = 0
	case key.Matches(msg, k.ToggleView):
		if m.view == viewTail {
			m.view = viewPanes
			m.panes.sync(m.store.ids, m.status.Shards)
		} else {
			m.view = viewTail
		}
	case key.Matches(msg, k.Lag):
		m.mode = modeLag
	case key.Matches(msg, k.Edit):
		return m.openEditor(), true
	case key.Matches(msg, k.Back):
		switch {
		case m.view == viewPanes && m.panes.zoomed:
			m.panes.zoomed = false
		case m.search != nil:
			m.setSearch(nil)
		}
	default:
		return nil, false
	}
	return nil, true
}

func (m *Model) openEditor() tea.Cmd {
	m.mode = modeEditor
	cmd := m.editor.open()
	m.layout()
	return cmd
}

func (m *Model) viewKey(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	v, ls := m.active()
	if v == nil {
		// The pane grid: arrows move the focus, enter zooms.
		if m.panes.update(msg) {
			return nil
		}
	}
	switch {
	case key.Matches(msg, k.Pause):
		if v != nil {
			v.setFollow(ls, !v.follow)
		} else {
			m.panes.setFollow(m.store, !m.panes.follow)
		}
	case v != nil && key.Matches(msg, k.Up):
		v.move(ls, -1)
	case v != nil && key.Matches(msg, k.Down):
		v.move(ls, +1)
	case v != nil && key.Matches(msg, k.PageUp):
		v.page(ls, -1)
	case v != nil && key.Matches(msg, k.PageDown):
		v.page(ls, +1)
	case v != nil && key.Matches(msg, k.Top):
		v.top(ls)
	case key.Matches(msg, k.Bottom):
		if v != nil {
			v.setFollow(ls, true)
		} else {
			m.panes.setFollow(m.store, true)
		}
	case v != nil && key.Matches(msg, k.Open):
		if _, _, ok := v.sync(ls); ok {
			if e := m.store.ring.at(v.cursor); e != nil && !e.isNote() {
				m.detail.show(e.rec)
				m.mode = modeDetail
			}
		}
	case key.Matches(msg, k.Search):
		m.mode = modePrompt
		pat := ""
		if m.search != nil {
			pat = m.search.pattern
		}
		return m.prompt.open(promptSearch, pat, nil)
	case key.Matches(msg, k.NextMatch):
		m.findMatch(-1, false)
	case key.Matches(msg, k.PrevMatch):
		m.findMatch(+1, false)
	case key.Matches(msg, k.Filter):
		m.mode = modePrompt
		pat := ""
		if m.store.filter != nil {
			pat = m.store.filter.pattern
		}
		return m.prompt.open(promptFilter, pat, nil)
	case key.Matches(msg, k.ViewMode):
		m.fmtr.mode = (m.fmtr.mode + 1) % numViewModes
		if m.fmtr.mode == vmColumns && len(m.fmtr.columns) == 0 {
			m.fmtr.setColumns(m.store.fields[:min(4, len(m.store.fields))])
		}
		m.rend.invalidate()
		m.setNotice(noticeInfo, "line format: "+m.fmtr.mode.String())
	case key.Matches(msg, k.Columns):
		m.mode = modePrompt
		cur := strings.Join(m.fmtr.columns, ",")
		return m.prompt.open(promptColumns, cur, columnSuggestions(cur, m.store.fields))
	case key.Matches(msg, k.Wrap):
		m.rend.wrap = !m.rend.wrap
		m.rend.invalidate()
	case key.Matches(msg, k.Save):
		m.mode = modePrompt
		return m.prompt.open(promptSave, m.defaultSavePath(), nil)
	case key.Matches(msg, k.Clear):
		n := m.store.ring.len()
		m.store.clear()
		m.rend.invalidate()
		m.tail.follow = true
		m.panes.setFollow(m.store, true)
		m.setNotice(noticeInfo, "cleared "+formatCount(n)+" lines")
	}
	return nil
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

func (m *Model) onMouse(msg tea.MouseMsg) tea.Cmd {
	if msg.Action != tea.MouseActionPress {
		return nil
	}
	dir := 0
	switch msg.Button {
	case tea.MouseButtonWheelUp:
		dir = -1
	case tea.MouseButtonWheelDown:
		dir = +1
	default:
		return nil
	}
	switch m.mode {
	case modeDetail:
		return m.detail.update(msg, m.clipboard())
	case modeLag:
		m.lag.cursor = clamp(m.lag.cursor+dir, 0, len(m.lag.status.Shards)-1)
	case modeNormal:
		if v, ls := m.active(); v != nil {
			v.move(ls, 3*dir)
		}
	}
	return nil
}
