package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// component is the contract every child of the root Model keeps, after
// soft-serve's common.Component: it updates itself from the messages the
// root routes to it (the keys of its context included) and answers with a
// command, draws itself at the size layout last gave it (View never changes
// state), and names its live key bindings so that the short and full help
// are built from them and follow any rebinding.
//
// The root only routes: a focused text field gets every key, then an open
// overlay the keys it binds, then the global keys, then the log area. Sizes
// are handed out in layout, on WindowSizeMsg and whenever the chrome around
// the body changes height.
type component interface {
	Update(msg tea.Msg) tea.Cmd
	View() string
	SetSize(width, height int)
	help.KeyMap
}

// focuser is a component that can hold a text field (the SPL editor, the
// log area's prompts, an overlay with an input): while Focused it takes
// every key, and the root asks right after each Update, so the very next
// key already goes where the user expects.
type focuser interface {
	Focused() bool
}

// owns reports whether msg is one of c's keys: an overlay takes those and
// leaves every other key to the global bindings.
func owns(c help.KeyMap, msg tea.KeyMsg) bool {
	for _, col := range c.FullHelp() {
		if key.Matches(msg, col...) {
			return true
		}
	}
	return false
}

// Messages the root sends a child through its Update, synchronously.
type (
	// backMsg is the back key with nothing above the child to close: the
	// log area closes its detail, unzooms a pane, or clears the search.
	backMsg struct{}
	// toggleViewMsg switches the log area between the merged tail and the
	// per-shard panes.
	toggleViewMsg struct{}
	// linesMsg says lines were added to the buffer.
	linesMsg struct{}
)

// Messages children send the root, as the messages of the commands they
// return: nothing in them must change where the next key goes, which a
// command cannot promise (its message arrives after keys already queued).
type (
	// noticeMsg asks for a line of feedback in the status line. A notice
	// with a topic is one of a series (the search's "no match"): an empty
	// text of the same topic takes it back once it no longer holds.
	noticeMsg struct {
		level noticeLevel
		text  string
		topic string
	}
	// closeMsg asks the root to close the overlay that sent it.
	closeMsg struct{}
)

func notify(level noticeLevel, text string) tea.Cmd { return notifyAbout("", level, text) }

// notifyAbout is notify for a notice of topic.
func notifyAbout(topic string, level noticeLevel, text string) tea.Cmd {
	return func() tea.Msg { return noticeMsg{level: level, text: text, topic: topic} }
}

// clearNotice takes back the notice of topic, if it is still shown.
func clearNotice(topic string) tea.Cmd {
	return func() tea.Msg { return noticeMsg{topic: topic} }
}

// topicSearch is the topic of the search's notices: a match found, or a
// new pattern, makes the last "no match" or bad expression stale.
const topicSearch = "search"

// Hints name keys by their bindings, so that a rebinding shows in them; a
// disabled binding is left out.

// hint is "key words", or "" when b is disabled.
func hint(b key.Binding, words string) string {
	if !b.Enabled() {
		return ""
	}
	return b.Help().Key + " " + words
}

// primary is the first name of a binding's keys ("↑" of "↑/k"), for hints
// that pair two bindings: "↑/↓ scroll".
func primary(b key.Binding) string {
	k := b.Help().Key
	if i := strings.IndexByte(k, '/'); i > 0 && i < len(k)-1 {
		return k[:i]
	}
	return k
}

// pair is "a/b words" for two bindings that go together.
func pair(a, b key.Binding, words string) string {
	switch {
	case a.Enabled() && b.Enabled():
		return primary(a) + "/" + primary(b) + " " + words
	case a.Enabled():
		return primary(a) + " " + words
	case b.Enabled():
		return primary(b) + " " + words
	}
	return ""
}

// hints joins the non-empty hints with " · ".
func hints(hs ...string) string {
	var b strings.Builder
	for _, h := range hs {
		if h == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(" · ")
		}
		b.WriteString(h)
	}
	return b.String()
}

// Every child keeps the contract.
var (
	_ component = (*logs)(nil)
	_ component = (*logView)(nil)
	_ component = (*panes)(nil)
	_ component = (*detail)(nil)
	_ component = (*prompt)(nil)
	_ component = (*editor)(nil)
	_ component = (*lagTable)(nil)
	_ component = (*helpView)(nil)
	_ component = (*header)(nil)
	_ component = (*statusBar)(nil)
	_ component = (*facetView)(nil)
	_ component = (*timelineView)(nil)
	_ component = (*previewView)(nil)

	_ focuser = (*editor)(nil)
	_ focuser = (*logs)(nil)
	_ focuser = (*prompt)(nil)
	_ focuser = (*facetView)(nil)
)
