package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/slstail/slstail/internal/textsafe"
	"github.com/slstail/slstail/themes"
)

// barState is everything the status line says, set by the root in Update.
type barState struct {
	view                viewState
	in, out             float64 // logs per second
	lines, cap, evicted int
	notice              string
	level               noticeLevel
	help                []key.Binding // the short help, shown when there is no notice
}

// statusBar is the bottom row: follow state, rates, buffer, the active
// filter/search/format, and a notice or the short help.
type statusBar struct {
	theme *themes.Theme
	state barState
	width int

	bar, max                   lipgloss.Style
	paused, info, warn, bad    lipgloss.Style
	helpKey                    lipgloss.Style
	sep, arrow, helpSep, blank string
}

func newStatusBar(th *themes.Theme) *statusBar {
	return &statusBar{
		theme:   th,
		bar:     th.StatusBar,
		max:     th.StatusBar,
		paused:  th.Warn.Inherit(th.Badge),
		info:    th.Info.Inherit(th.StatusBar),
		warn:    th.Warn.Inherit(th.StatusBar),
		bad:     th.Bad.Inherit(th.StatusBar),
		helpKey: th.HelpKey.Inherit(th.StatusBar),
		sep:     th.StatusKey.Render(" · "),
		arrow:   th.StatusKey.Render(" → "),
		helpSep: th.StatusKey.Render(" · "),
	}
}

func (s *statusBar) set(st barState) { s.state = st }

// SetSize implements component: one row, the full width.
func (s *statusBar) SetSize(w, _ int) {
	s.width = w
	s.max = s.bar.MaxWidth(w)
}

// Update implements component: the bar changes only through set.
func (s *statusBar) Update(tea.Msg) tea.Cmd { return nil }

// ShortHelp implements help.KeyMap: the bar has no keys of its own.
func (s *statusBar) ShortHelp() []key.Binding { return nil }

// FullHelp implements help.KeyMap.
func (s *statusBar) FullHelp() [][]key.Binding { return nil }

func (s *statusBar) kv(k, v string) string {
	th := s.theme
	return th.StatusKey.Render(k+" ") + th.StatusValue.Render(v)
}

// View implements component.
func (s *statusBar) View() string {
	th := s.theme
	st := &s.state
	var left []string
	if st.view.follow {
		left = append(left, th.Badge.Render(" FOLLOW "))
	} else {
		p := " PAUSED "
		if st.view.waiting > 0 {
			p = fmt.Sprintf(" PAUSED +%s new ", formatCount(st.view.waiting))
		}
		left = append(left, s.paused.Render(p))
	}
	left = append(left, s.kv("in", rate(st.in)+"/s")+s.arrow+s.kv("out", rate(st.out)+"/s"))
	buf := formatCount(st.lines) + "/" + formatCount(st.cap)
	if st.evicted > 0 {
		buf += " (" + formatCount(st.evicted) + " evicted)"
	}
	left = append(left, s.kv("lines", buf))
	if st.view.filter != "" {
		left = append(left, s.kv("filter", textsafe.Sanitize(st.view.filter)))
	}
	if st.view.search != "" {
		left = append(left, s.kv("search", textsafe.Sanitize(st.view.search)))
	}
	if st.view.format != "" {
		left = append(left, s.kv("view", st.view.format))
	}
	l := strings.Join(left, s.sep)
	var right string
	if st.notice != "" {
		right = s.noticeStyle().Render(textsafe.Sanitize(st.notice))
	} else {
		right = s.shortHelp()
	}
	lw := textWidth(l)
	rw := textWidth(right)
	if lw+2+rw > s.width {
		// The notice wins over the help; truncate it to what is left.
		right = s.bar.Render(truncateText(textsafe.Sanitize(s.noticeOrHelpPlain()), max(s.width-lw-2, 0)))
		rw = textWidth(right)
	}
	gap := max(s.width-lw-rw, 1)
	return s.max.Render(l + s.bar.Render(spaces(gap)) + right)
}

func (s *statusBar) noticeStyle() lipgloss.Style {
	switch s.state.level {
	case noticeWarn:
		return s.warn
	case noticeError:
		return s.bad
	}
	return s.info
}

func (s *statusBar) noticeOrHelpPlain() string {
	if s.state.notice != "" {
		return s.state.notice
	}
	var parts []string
	for _, b := range s.state.help {
		parts = append(parts, b.Help().Key+" "+b.Help().Desc)
	}
	return strings.Join(parts, " · ")
}

func (s *statusBar) shortHelp() string {
	th := s.theme
	var parts []string
	for _, b := range s.state.help {
		if !b.Enabled() {
			continue
		}
		parts = append(parts, s.helpKey.Render(b.Help().Key)+th.StatusKey.Render(" "+b.Help().Desc))
	}
	return strings.Join(parts, s.helpSep)
}
