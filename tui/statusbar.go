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
	help  []helpPart // state.help rendered, when it changes

	bar                        lipgloss.Style
	paused                     lipgloss.Style
	notices                    [3]lipgloss.Style // by noticeLevel
	helpKey                    lipgloss.Style
	sep, arrow, helpSep, blank string
}

func newStatusBar(th *themes.Theme) *statusBar {
	return &statusBar{
		theme:   th,
		bar:     th.StatusBar,
		paused:  th.Warn.Inherit(th.Badge),
		notices: [3]lipgloss.Style{th.Info.Inherit(th.StatusBar), th.Warn.Inherit(th.StatusBar), th.Bad.Inherit(th.StatusBar)},
		helpKey: th.HelpKey.Inherit(th.StatusBar),
		sep:     th.StatusKey.Render(" · "),
		arrow:   th.StatusKey.Render(" → "),
		helpSep: th.StatusKey.Render(" · "),
	}
}

// helpPart is one binding of the short help, rendered.
type helpPart struct {
	text  string
	width int
}

func (s *statusBar) set(st barState) {
	if !sameHelp(st.help, s.state.help) || s.help == nil {
		s.help = s.help[:0]
		for _, k := range st.help {
			if !k.Enabled() {
				continue
			}
			h := k.Help()
			s.help = append(s.help, helpPart{s.helpKey.Render(h.Key) + s.theme.StatusKey.Render(" "+h.Desc), textWidth(h.Key) + 1 + textWidth(h.Desc)})
		}
	}
	s.state = st
}

func sameHelp(a, b []key.Binding) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Help() != b[i].Help() || a[i].Enabled() != b[i].Enabled() {
			return false
		}
	}
	return true
}

// SetSize implements component: one row, the full width.
func (s *statusBar) SetSize(w, _ int) {
	s.width = w
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

// segment is a part of the status line and how much it matters: 0 is the
// last to go when the line is short of room.
type segment struct {
	text  string
	prio  int
	width int
}

// View implements component. It lays out by priority: the follow state,
// then a notice, whole if it can be (it answers what the user just did),
// then the buffer, the filter and the search (which say what the screen
// leaves out), the rates and the line format; the short help takes what
// is left, a whole binding at a time.
func (s *statusBar) View() string {
	th := s.theme
	st := &s.state
	var segs []segment
	add := func(text string, prio int) {
		segs = append(segs, segment{text, prio, textWidth(text)})
	}
	if st.view.follow {
		add(th.Badge.Render(" FOLLOW "), 0)
	} else {
		p := " PAUSED "
		if st.view.waiting > 0 {
			p = fmt.Sprintf(" PAUSED +%s new ", formatCount(st.view.waiting))
		}
		add(s.paused.Render(p), 0)
	}
	add(s.kv("in", rate(st.in)+"/s")+s.arrow+s.kv("out", rate(st.out)+"/s"), 5)
	buf := formatCount(st.lines) + "/" + formatCount(st.cap)
	if st.evicted > 0 {
		buf += " (" + formatCount(st.evicted) + " evicted)"
	}
	add(s.kv("lines", buf), 2)
	if st.view.filter != "" {
		add(s.kv("filter", textsafe.Sanitize(st.view.filter)), 3)
	}
	if st.view.search != "" {
		text := textsafe.Sanitize(st.view.search)
		if st.view.matches != "" {
			text += " " + st.view.matches
		}
		add(s.kv("search", text), 4)
	}
	if st.view.format != "" {
		add(s.kv("view", st.view.format), 6)
	}

	const gap = 2 // between the left part and the notice or help
	sepW := textWidth(s.sep)
	notice := textsafe.Sanitize(st.notice)
	reserve := 0
	if notice != "" {
		// The notice is owed its whole width, short of the badge.
		reserve = gap + min(textWidth(notice), max(s.width-segs[0].width-gap, 0))
	}
	keep := make([]bool, len(segs))
	keep[0] = true
	used := segs[0].width
	for prio := 1; prio <= 6; prio++ {
		for i, sg := range segs {
			if sg.prio == prio && used+sepW+sg.width+reserve <= s.width {
				keep[i] = true
				used += sepW + sg.width
			}
		}
	}
	var left []string
	for i, sg := range segs {
		if keep[i] {
			left = append(left, sg.text)
		}
	}
	l := strings.Join(left, s.sep)
	room := max(s.width-used-gap, 0)
	var right string
	if notice != "" {
		right = s.notices[st.level].Render(truncateText(notice, room))
	} else {
		right = s.shortHelp(room)
	}
	pad := max(s.width-used-textWidth(right), 0)
	// Every part is styled and the parts add up to the width: no wrapping
	// Render (the costliest call of a frame) is needed around them.
	return truncateText(l+s.bar.Render(spaces(pad))+right, s.width)
}

// shortHelp is as many of the short help's bindings as fit in room, whole.
func (s *statusBar) shortHelp(room int) string {
	var b strings.Builder
	used, sepW := 0, textWidth(s.helpSep)
	for _, p := range s.help {
		w := p.width
		if used > 0 {
			w += sepW
		}
		if used+w > room {
			break
		}
		if used > 0 {
			b.WriteString(s.helpSep)
		}
		b.WriteString(p.text)
		used += w
	}
	return b.String()
}
