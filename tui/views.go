package tui

import (
	"fmt"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// The views the root opens over the log area (facets, timeline) and the
// preview under the editor. Opening one, closing it and acting on its
// choice happen in the Update of the key, never through a command's
// message: a message would arrive after keys already queued, which would
// then go to the wrong place. Only the counting over the buffer runs in
// commands.

// editorKey routes a key to the SPL editor, and keeps the preview on the
// text being typed.
func (m *Model) editorKey(msg tea.KeyMsg) tea.Cmd {
	if m.editor.stage == stageEdit && key.Matches(msg, m.keys.Editor.Preview) {
		cmd := m.preview.Update(msg)
		m.layout()
		return cmd
	}
	cmd := m.editor.Update(msg)
	cmd = tea.Batch(cmd, m.syncPreview())
	m.layout() // the editor's and the preview's heights may have changed
	return cmd
}

// openEditor focuses the SPL editor on the running query, or on text when
// it is not empty (not applied: the user reviews it first).
func (m *Model) openEditor(text string) tea.Cmd {
	var cmd tea.Cmd
	if text == "" {
		cmd = m.editor.open()
	} else {
		cmd = m.editor.openWith(text)
	}
	cmd = tea.Batch(cmd, m.syncPreview())
	m.layout()
	return cmd
}

// syncPreview hands the preview the editor's text while a query is typed,
// keeps its verdict while the start position is chosen (the last look
// before a restart), and stops it once the editor closes.
func (m *Model) syncPreview() tea.Cmd {
	switch m.editor.stage {
	case stageIdle:
		m.preview.stop()
		return nil
	case stageFrom:
		return nil
	}
	return m.preview.SetQuery(m.editor.input.Value())
}

// openFacets shows the facet view, asking for a field.
func (m *Model) openFacets() tea.Cmd {
	m.setOverlay(m.facets)
	return m.facets.open("")
}

// openTimeline shows the timeline of what the active view shows.
func (m *Model) openTimeline() tea.Cmd {
	m.setOverlay(m.timeline)
	return m.timeline.open()
}

// takeViewChoice acts on what the last key chose in the facet view or the
// timeline, at once.
func (m *Model) takeViewChoice() tea.Cmd {
	if a, ok := m.facets.take(); ok {
		return m.onFacetChoice(a)
	}
	if jump, closed := m.timeline.take(); jump != nil {
		m.setOverlay(nil)
		return m.logs.jumpTo(jump.seq, jump.at)
	} else if closed {
		m.setOverlay(nil)
	}
	return nil
}

func (m *Model) onFacetChoice(a facetAction) tea.Cmd {
	switch a.kind {
	case facetClose:
		m.setOverlay(nil)
	case facetFilter:
		// Narrow what is in view: the filter already set stays.
		m.setOverlay(nil)
		return m.logs.setFilter(and(m.logs.filter(), exactMatcher(a.field, a.value, false)))
	case facetExclude:
		// The view stays open on the values left: excluding the noise is
		// how one gets to the value that matters.
		cmd := m.logs.setFilter(and(m.logs.filter(), exactMatcher(a.field, a.value, true)))
		return tea.Batch(cmd, m.facets.count(a.field))
	case facetQuery:
		m.setOverlay(nil)
		return m.openEditor(a.query)
	}
	return nil
}

// facetFields are the names the facet view completes: the fields seen and
// the meta fields every log has.
func (m *Model) facetFields() []string {
	out := append([]string(nil), m.store.fields...)
	return append(out, "__topic__", "__source__")
}

// timelineSource is what the timeline charts: the active view's lines, and
// as matching the local filter and the search.
func (m *Model) timelineSource() timelineSource {
	vf := m.logs.viewFilter()
	src := timelineSource{snap: m.store.snapshot(), shard: vf.shard}
	f, s := vf.filter, m.logs.search
	switch {
	case f != nil && s != nil:
		src.match = func(e *entry) bool { return f.matchEntry(e) && s.matchEntry(e) }
		src.label = fmt.Sprintf("filter %s and search %s", quotePattern(f.pattern), quotePattern(s.pattern))
	case f != nil:
		src.match = f.matchEntry
		src.label = fmt.Sprintf("filter %s", quotePattern(f.pattern))
	case s != nil:
		src.match = s.matchEntry
		src.label = fmt.Sprintf("search %s", quotePattern(s.pattern))
	}
	return src
}

// handoffLine is the command line that reopens this view from a log time
// (zero: from now): the profile, or the connection, and the query that runs.
func (m *Model) handoffLine(from time.Time) string {
	h := handoff{Profile: m.opts.Profile, Query: m.editor.running, From: from}
	h.Endpoint, h.Project, h.Logstore = m.opts.Endpoint, m.opts.Project, m.opts.Logstore
	if st := m.status; st.Endpoint != "" {
		h.Endpoint, h.Project, h.Logstore = st.Endpoint, st.Project, st.Logstore
	}
	return h.command()
}
