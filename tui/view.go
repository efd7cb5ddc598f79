package tui

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"
	"github.com/slstail/slstail/consumer"
	"github.com/slstail/slstail/internal/textsafe"
)

// The smallest terminal the UI draws in; smaller gets a message instead.
const (
	minWidth  = 40
	minHeight = 8
)

// View draws the screen: header, log area, SPL bar, status line.
func (m *Model) View() string {
	if m.width == 0 || m.height == 0 {
		return "" // no size yet
	}
	if m.width < minWidth || m.height < minHeight {
		return truncateText(fmt.Sprintf("too small: %d×%d (need %d×%d)", m.width, m.height, minWidth, minHeight), m.width)
	}
	if m.quitting {
		return m.theme.Info.Render("Stopping: flushing checkpoints and leaving the consumer group… (ctrl+c again to abandon)")
	}
	var b strings.Builder
	b.WriteString(m.header())
	b.WriteByte('\n')
	b.WriteString(m.body())
	b.WriteByte('\n')
	b.WriteString(m.editor.view())
	b.WriteByte('\n')
	if m.mode == modePrompt {
		b.WriteString(m.prompt.view(m.width))
	} else {
		b.WriteString(m.statusLine())
	}
	return b.String()
}

func (m *Model) body() string {
	h := m.bodyHeight()
	switch m.mode {
	case modeHelp:
		lines := strings.Split(strings.TrimRight(m.helpView(), "\n"), "\n")
		m.helpOffset = clamp(m.helpOffset, 0, len(lines)-h)
		return fillLines(strings.Join(lines[m.helpOffset:], "\n"), h)
	case modeDetail:
		return fillLines(m.detail.view(), h)
	case modeLag:
		return m.lag.view()
	}
	out := m.logArea()
	if m.fmtr.grown {
		// A column got wider while drawing: draw again so columns align.
		m.fmtr.grown = false
		m.rend.invalidate()
		out = m.logArea()
		m.fmtr.grown = false
	}
	m.rend.endFrame()
	return out
}

func (m *Model) logArea() string {
	if m.view == viewPanes {
		return m.panes.render(m.rend, m.store, m.paneLag)
	}
	empty := "waiting for logs…"
	if m.store.filter != nil && m.store.ring.len() > 0 {
		empty = fmt.Sprintf("no line of %s matches the filter %q (f to change)", formatCount(m.store.ring.len()), m.store.filter.pattern)
	}
	return strings.Join(m.tail.render(m.rend, m.store.lines(-1), false, m.rend.columnHeader(m.tail), empty), "\n")
}

func (m *Model) paneLag(s consumer.ShardStatus) string {
	if s.EndTime.IsZero() && s.Lag == 0 {
		return ""
	}
	l, _ := m.lag.lagCell(&s)
	return l
}

func (m *Model) header() string {
	th := m.theme
	st := m.status
	pick := func(a, b string) string {
		if a != "" {
			return a
		}
		return b
	}
	endpoint := pick(st.Endpoint, m.opts.Endpoint)
	store := pick(st.Project, m.opts.Project) + "/" + pick(st.Logstore, m.opts.Logstore)
	group := pick(st.Group, m.opts.Group)
	conn, connStyle := m.connState()
	sep := th.HeaderKey.Render(" │ ")
	parts := []string{th.HeaderTitle.Render(" slstail ")}
	if endpoint != "" {
		parts = append(parts, th.HeaderValue.Render(textsafe.Sanitize(endpoint)))
	}
	if store != "/" {
		parts = append(parts, th.HeaderValue.Render(textsafe.Sanitize(store)))
	}
	if group != "" {
		parts = append(parts, th.HeaderKey.Render("group ")+th.HeaderValue.Render(textsafe.Sanitize(group)))
	}
	parts = append(parts, connStyle.Render("● "+conn))
	// Truncate, never wrap: the header is one row whatever the width.
	line := ansi.Truncate(strings.Join(parts, sep), m.width, "…")
	return th.Header.Width(m.width).Render(line)
}

func (m *Model) connState() (string, lipgloss.Style) {
	th := m.theme
	if m.fatal != nil {
		return "failed", th.Bad.Inherit(th.Header)
	}
	if !m.started {
		return "connecting", th.Warn.Inherit(th.Header)
	}
	if m.sourceClosed {
		return "stopped", th.Bad.Inherit(th.Header)
	}
	st := m.status
	switch st.Conn {
	case consumer.ConnConnected:
		return "connected", th.Good.Inherit(th.Header)
	case consumer.ConnReconnecting:
		return fmt.Sprintf("reconnecting (attempt %d)", st.Attempts), th.Warn.Inherit(th.Header)
	case consumer.ConnConnecting:
		return "connecting", th.Warn.Inherit(th.Header)
	}
	return st.Conn.String(), th.Bad.Inherit(th.Header)
}

// statusLine is the bottom row: follow state, rates, buffer, the active
// filter/search/format, and a notice or the short help.
func (m *Model) statusLine() string {
	th := m.theme
	bar := th.StatusBar
	v, ls := m.active()
	follow := m.panes.follow
	waiting := 0
	if v != nil {
		follow = v.follow
		waiting = v.waiting(ls)
	}
	var left []string
	if follow {
		left = append(left, th.Badge.Render(" FOLLOW "))
	} else {
		p := " PAUSED "
		if waiting > 0 {
			p = fmt.Sprintf(" PAUSED +%s new ", formatCount(waiting))
		}
		left = append(left, th.Warn.Inherit(th.Badge).Render(p))
	}
	kv := func(k, v string) string {
		return th.StatusKey.Render(k+" ") + th.StatusValue.Render(v)
	}
	left = append(left, kv("in", rate(m.status.LogsInPerSec)+"/s")+th.StatusKey.Render(" → ")+kv("out", rate(m.status.LogsOutPerSec)+"/s"))
	buf := formatCount(m.store.ring.len()) + "/" + formatCount(m.store.ring.cap)
	if ev := m.store.ring.evicted; ev > 0 {
		buf += " (" + formatCount(int(ev)) + " evicted)"
	}
	left = append(left, kv("lines", buf))
	if f := m.store.filter; f != nil {
		left = append(left, kv("filter", textsafe.Sanitize(f.pattern)))
	}
	if m.search != nil {
		left = append(left, kv("search", textsafe.Sanitize(m.search.pattern)))
	}
	if m.fmtr.mode != vmDefault || m.rend.wrap {
		f := m.fmtr.mode.String()
		if m.rend.wrap {
			f += "+wrap"
		}
		left = append(left, kv("view", f))
	}
	sep := th.StatusKey.Render(" · ")
	l := strings.Join(left, sep)
	var right string
	switch {
	case m.notice != "":
		st := th.Info
		switch m.noticeLevel {
		case noticeWarn:
			st = th.Warn
		case noticeError:
			st = th.Bad
		}
		right = st.Inherit(bar).Render(textsafe.Sanitize(m.notice))
	default:
		right = m.shortHelp()
	}
	lw := lipgloss.Width(l)
	rw := lipgloss.Width(right)
	if lw+2+rw > m.width {
		// The notice wins over the help; truncate it to what is left.
		right = bar.Render(truncateText(textsafe.Sanitize(m.noticeOrHelpPlain()), max(m.width-lw-2, 0)))
		rw = lipgloss.Width(right)
	}
	gap := max(m.width-lw-rw, 1)
	return bar.MaxWidth(m.width).Render(l + bar.Render(strings.Repeat(" ", gap)) + right)
}

func (m *Model) noticeOrHelpPlain() string {
	if m.notice != "" {
		return m.notice
	}
	var parts []string
	for _, b := range m.keys.ShortHelp() {
		parts = append(parts, b.Help().Key+" "+b.Help().Desc)
	}
	return strings.Join(parts, " · ")
}

func (m *Model) shortHelp() string {
	th := m.theme
	var parts []string
	for _, b := range m.keys.ShortHelp() {
		if !b.Enabled() {
			continue
		}
		parts = append(parts, th.HelpKey.Inherit(th.StatusBar).Render(b.Help().Key)+th.StatusKey.Render(" "+b.Help().Desc))
	}
	return strings.Join(parts, th.StatusKey.Render(" · "))
}

func (m *Model) helpView() string {
	th := m.theme
	var b strings.Builder
	b.WriteString(th.Title.Render(" Keys") + "\n\n")
	groups := m.keys.FullHelp()
	keys := m.help.FullHelpView(groups)
	if lipgloss.Width(keys) > m.width {
		// Too narrow for the columns side by side: stack them.
		var stacked []string
		for _, g := range groups {
			stacked = append(stacked, m.help.FullHelpView([][]key.Binding{g}))
		}
		keys = strings.Join(stacked, "\n")
	}
	for _, l := range strings.Split(keys, "\n") {
		b.WriteString(ansi.Truncate(l, m.width, "…") + "\n")
	}
	b.WriteString("\n")
	notes := []string{
		"Search (/) and filter (f): text matches any key or value; key=text matches one field; !text",
		"negates (filter). Lower-case patterns ignore case. n goes to the older match, N to the newer.",
		"The filter is local: it hides buffered lines without restarting the consumer; e edits the",
		"server-side SPL query, which restarts the workers from where you choose.",
		"Line formats (v): default · raw k=v · JSON · columns (C picks them). ? or esc closes this help.",
	}
	for _, n := range notes {
		b.WriteString(th.Dim.Render(" "+truncateText(n, max(m.width-1, 0))) + "\n")
	}
	return b.String()
}

// clipboard is where OSC 52 goes: the configured writer, else the terminal
// on stderr (stdout belongs to the renderer).
func (m *Model) clipboard() io.Writer {
	if m.opts.Clipboard != nil {
		return m.opts.Clipboard
	}
	if term.IsTerminal(os.Stderr.Fd()) {
		return os.Stderr
	}
	return io.Discard
}

// formatCount writes n with thousands separators: 100,000.
func formatCount(n int) string {
	s := strconv.Itoa(n)
	if n < 0 || len(s) <= 3 {
		return s
	}
	var b strings.Builder
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}
