package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/slstail/slstail/consumer"
	"github.com/slstail/slstail/internal/textsafe"
	"github.com/slstail/slstail/themes"
)

// connState is what the header says about the connection, and its style.
type connState struct {
	text  string
	level noticeLevel // info: good, warn: on the way, error: down
}

// header is the top row: where the logs come from and the connection state.
// The root tells it both in Update (set); it has no keys.
type header struct {
	theme *themes.Theme
	// Fallbacks, shown until the source's Status reports its own.
	endpoint, project, logstore, group string

	status consumer.Status
	conn   connState
	width  int
	line   string // laid out when what it shows changes, not every frame

	bar                  lipgloss.Style
	sep                  string
	conns                [3]lipgloss.Style // by connState.level
	title, key, valueSty lipgloss.Style
}

func newHeader(th *themes.Theme, opts Options) *header {
	return &header{
		theme: th, endpoint: opts.Endpoint, project: opts.Project, logstore: opts.Logstore, group: opts.Group,
		bar:   th.Header,
		sep:   th.HeaderKey.Render(" │ "),
		conns: [3]lipgloss.Style{th.Good.Inherit(th.Header), th.Warn.Inherit(th.Header), th.Bad.Inherit(th.Header)},
		title: th.HeaderTitle, key: th.HeaderKey, valueSty: th.HeaderValue,
	}
}

func (h *header) set(st consumer.Status, conn connState) {
	same := conn == h.conn && st.Endpoint == h.status.Endpoint && st.Project == h.status.Project &&
		st.Logstore == h.status.Logstore && st.Group == h.status.Group
	h.status, h.conn = st, conn
	if !same || h.line == "" {
		h.line = h.layout()
	}
}

// SetSize implements component: one row, the full width.
func (h *header) SetSize(w, _ int) {
	h.width = w
	h.bar = h.theme.Header.Width(w)
	h.line = h.layout()
}

// Update implements component: the header changes only through set.
func (h *header) Update(tea.Msg) tea.Cmd { return nil }

// ShortHelp implements help.KeyMap: the header has no keys.
func (h *header) ShortHelp() []key.Binding { return nil }

// FullHelp implements help.KeyMap.
func (h *header) FullHelp() [][]key.Binding { return nil }

// View implements component.
func (h *header) View() string { return h.line }

// layout lays the header out by priority: the
// connection state always, then the logstore, the endpoint (the region),
// the group, and the title last; a part that does not fit is left out
// whole rather than cut, and only the logstore is ever shortened.
func (h *header) layout() string {
	st := h.status
	pick := func(a, b string) string {
		if a != "" {
			return a
		}
		return b
	}
	type part struct {
		text string
		prio int // 0 is kept longest
	}
	var parts []part
	parts = append(parts, part{h.title.Render(" slstail "), 4})
	if endpoint := pick(st.Endpoint, h.endpoint); endpoint != "" {
		parts = append(parts, part{h.valueSty.Render(textsafe.Sanitize(endpoint)), 2})
	}
	store := pick(st.Project, h.project) + "/" + pick(st.Logstore, h.logstore)
	storeAt := -1
	if store != "/" {
		storeAt = len(parts)
		parts = append(parts, part{h.valueSty.Render(textsafe.Sanitize(store)), 1})
	}
	if group := pick(st.Group, h.group); group != "" {
		parts = append(parts, part{h.key.Render("group ") + h.valueSty.Render(textsafe.Sanitize(group)), 3})
	}
	conn := h.conns[h.conn.level].Render("● " + h.conn.text)
	join := func(keep []bool) string {
		var out []string
		for i, p := range parts {
			if keep[i] {
				out = append(out, p.text)
			}
		}
		line := strings.Join(append(out, conn), h.sep)
		if !keep[0] {
			line = " " + line // the title's margin
		}
		return line
	}
	keep := make([]bool, len(parts))
	for i := range keep {
		keep[i] = true
	}
	line := join(keep)
	for prio := 4; prio >= 2 && textWidth(line) > h.width; prio-- {
		for i, p := range parts {
			if p.prio == prio {
				keep[i] = false
			}
		}
		line = join(keep)
	}
	if over := textWidth(line) - h.width; over > 0 && storeAt >= 0 {
		// Only the logstore and the state are left: shorten the logstore.
		room := textWidth(parts[storeAt].text) - over
		if room >= 4 {
			parts[storeAt].text = h.valueSty.Render(truncateText(textsafe.Sanitize(store), room))
		} else {
			keep[storeAt] = false
		}
		line = join(keep)
	}
	// Never wrap: the header is one row whatever the width.
	return h.bar.Render(truncateText(line, h.width))
}

// connectionState says how the session is connected.
func connectionState(started, closed bool, fatal error, st consumer.Status) connState {
	switch {
	case fatal != nil:
		return connState{"failed", noticeError}
	case !started:
		return connState{"connecting", noticeWarn}
	case closed:
		return connState{"stopped", noticeError}
	}
	switch st.Conn {
	case consumer.ConnConnected:
		return connState{"connected", noticeInfo}
	case consumer.ConnReconnecting:
		return connState{fmt.Sprintf("reconnecting (attempt %d)", st.Attempts), noticeWarn}
	case consumer.ConnConnecting:
		if st.Attempts > 0 {
			return connState{fmt.Sprintf("connecting (attempt %d)", st.Attempts), noticeWarn}
		}
		return connState{"connecting", noticeWarn}
	case consumer.ConnStalled:
		// Requests wait and nothing has answered for StallAfter: no error
		// will ever say so, and the session cuts and retries them itself.
		return connState{"stalled (SLS not answering)", noticeWarn}
	}
	return connState{st.Conn.String(), noticeError}
}
