// Package themes holds slstail's colour themes: each Theme is a set of ready
// lipgloss styles, built once when the theme is chosen and never in a render
// loop.
//
// Colours follow the terminal's background ("auto", the default) through
// lipgloss.AdaptiveColor, or are fixed ("dark", "light", "high-contrast").
// Lip Gloss drops colours by itself when the output is not a colour
// terminal. "mono" avoids colour in the design, so that selection and
// emphasis stay visible through bold, underline and reverse video; Default
// picks it when NO_COLOR is set. (Lip Gloss would drop those attributes too
// under NO_COLOR: the UI renders through a renderer of its own then, see
// WithRenderer.)
package themes

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// Theme is a complete set of styles for the UI.
type Theme struct {
	Name string

	// Chrome.
	Header      lipgloss.Style // the top bar
	HeaderTitle lipgloss.Style // "slstail"
	HeaderKey   lipgloss.Style // "project"
	HeaderValue lipgloss.Style // "web/nginx"
	StatusBar   lipgloss.Style // the bottom line
	StatusKey   lipgloss.Style
	StatusValue lipgloss.Style
	Dim         lipgloss.Style // secondary text
	Title       lipgloss.Style // view and pane titles
	Border      lipgloss.Style // pane borders (foreground only)
	BorderFocus lipgloss.Style

	// States.
	Good  lipgloss.Style // connected, following, lag below the warning threshold
	Warn  lipgloss.Style // reconnecting, paused, lag past the warning threshold
	Bad   lipgloss.Style // failed, errors, lag past the alarm threshold
	Info  lipgloss.Style // transient notices
	Badge lipgloss.Style // PAUSED / FOLLOW marker

	// Log lines.
	Time     lipgloss.Style
	Key      lipgloss.Style
	Value    lipgloss.Style
	Punct    lipgloss.Style // = , { } in formatted lines
	Marker   lipgloss.Style // in-buffer notes: "query changed", "cleared"
	Selected lipgloss.Style // the cursor line
	Match    lipgloss.Style // search matches
	Gutter   lipgloss.Style // the cursor mark in the left gutter

	// SPL editor.
	Prompt    lipgloss.Style
	Cursor    lipgloss.Style // the text cursor in the SPL bar
	Syntax    Syntax
	ErrorMark lipgloss.Style // the caret under an error position
	ErrorText lipgloss.Style

	// Help.
	HelpKey  lipgloss.Style
	HelpDesc lipgloss.Style
	HelpSep  lipgloss.Style

	// Sparkline bars in the lag view.
	Spark lipgloss.Style

	// Severity of a log line, from the highlight rules (severity.go).
	Severity Severity

	// Shards is the shard palette; use Shard(i).
	Shards []lipgloss.Style
}

// WithRenderer returns t with every style rendering through r, whose colour
// profile then decides what reaches the terminal. The styles of t are left
// as they were.
func (t Theme) WithRenderer(r *lipgloss.Renderer) Theme {
	for _, st := range t.styles() {
		*st = st.Renderer(r)
	}
	shards := make([]lipgloss.Style, len(t.Shards))
	for i, st := range t.Shards {
		shards[i] = st.Renderer(r)
	}
	t.Shards = shards
	return t
}

// styles points at every style of t but the shard palette.
func (t *Theme) styles() []*lipgloss.Style {
	s := &t.Syntax
	return []*lipgloss.Style{
		&t.Header, &t.HeaderTitle, &t.HeaderKey, &t.HeaderValue, &t.StatusBar, &t.StatusKey, &t.StatusValue,
		&t.Dim, &t.Title, &t.Border, &t.BorderFocus,
		&t.Good, &t.Warn, &t.Bad, &t.Info, &t.Badge,
		&t.Time, &t.Key, &t.Value, &t.Punct, &t.Marker, &t.Selected, &t.Match, &t.Gutter,
		&t.Prompt, &t.Cursor, &t.ErrorMark, &t.ErrorText,
		&t.HelpKey, &t.HelpDesc, &t.HelpSep, &t.Spark,
		&s.Keyword, &s.Instruction, &s.Option, &s.Ident, &s.String, &s.Regexp, &s.Number,
		&s.Operator, &s.Pipe, &s.Punct, &s.Function, &s.Type, &s.Source, &s.Comment, &s.Invalid,
	}
}

// Syntax colours SPL tokens.
type Syntax struct {
	Keyword, Instruction, Option, Ident, String, Regexp, Number,
	Operator, Pipe, Punct, Function, Type, Source, Comment, Invalid lipgloss.Style
}

// Shard returns the style for shard i. The colour palettes hold 18 hues
// (high-contrast 14); past that, the cycle repeats in bold (or underlined) and
// then in italic underline, so that three times as many shards stay tellable
// apart by colour and weight. The shard number is always shown too.
func (t Theme) Shard(i int) lipgloss.Style {
	if len(t.Shards) == 0 {
		return lipgloss.NewStyle()
	}
	if i < 0 {
		i = -i
	}
	n := len(t.Shards)
	s := t.Shards[i%n]
	switch (i / n) % 3 {
	case 1:
		if s.GetBold() {
			s = s.Underline(true)
		} else {
			s = s.Bold(true)
		}
	case 2:
		s = s.Italic(true).Underline(true)
	}
	return s
}

// Names lists the theme names ByName accepts.
func Names() []string {
	names := make([]string, 0, len(builders))
	for n := range builders {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

var builders = map[string]func() Theme{
	"auto":          Default, // the config's default is "auto": NO_COLOR must still mean mono
	"dark":          Dark,
	"light":         Light,
	"high-contrast": HighContrast,
	"mono":          Mono,
}

// ByName returns the named theme; "" means Default.
func ByName(name string) (Theme, error) {
	if name == "" {
		return Default(), nil
	}
	b, ok := builders[strings.ToLower(name)]
	if !ok {
		return Theme{}, fmt.Errorf("unknown theme %q: want one of %s", name, strings.Join(Names(), ", "))
	}
	return b(), nil
}

// Default is Mono when NO_COLOR is set (https://no-color.org), else Auto.
func Default() Theme {
	if os.Getenv("NO_COLOR") != "" {
		return Mono()
	}
	return Auto()
}

// Auto adapts every colour to the terminal's background. Under tmux the
// background is never probed and lipgloss assumes dark; users on light tmux
// sessions pick "light".
func Auto() Theme { return build("auto", adaptive) }

// Dark is for dark backgrounds.
func Dark() Theme { return build("dark", darkOnly) }

// Light is for light backgrounds.
func Light() Theme { return build("light", lightOnly) }

// colorMode says how a (light, dark) pair becomes a colour.
type colorMode int

const (
	adaptive colorMode = iota
	darkOnly
	lightOnly
)

// palette pairs a colour for light backgrounds with one for dark.
type pair struct{ light, dark string }

func (m colorMode) color(p pair) lipgloss.TerminalColor {
	switch m {
	case darkOnly:
		return lipgloss.Color(p.dark)
	case lightOnly:
		return lipgloss.Color(p.light)
	}
	return lipgloss.AdaptiveColor{Light: p.light, Dark: p.dark}
}

// shardPairs are 18 hues, spread around the colour wheel and alternating warm
// and cool so that neighbouring shard numbers differ most. ANSI 256 indices:
// every terminal that has 256 colours shows them alike.
var shardPairs = []pair{
	{"25", "75"},   // blue
	{"166", "208"}, // orange
	{"28", "113"},  // green
	{"163", "206"}, // magenta
	{"136", "220"}, // yellow
	{"30", "80"},   // cyan
	{"91", "177"},  // violet
	{"160", "203"}, // red
	{"64", "148"},  // lime
	{"61", "111"},  // periwinkle
	{"130", "216"}, // peach
	{"29", "42"},   // sea green
	{"94", "178"},  // gold
	{"97", "140"},  // lavender
	{"24", "68"},   // steel blue
	{"125", "168"}, // rose
	{"36", "115"},  // mint
	{"88", "173"},  // rust
}

func build(name string, m colorMode) Theme {
	c := func(light, dark string) lipgloss.TerminalColor { return m.color(pair{light, dark}) }
	fg := func(light, dark string) lipgloss.Style { return lipgloss.NewStyle().Foreground(c(light, dark)) }

	barBg := c("254", "236")
	t := Theme{
		Name:        name,
		Header:      lipgloss.NewStyle().Background(barBg).Foreground(c("235", "252")),
		HeaderTitle: lipgloss.NewStyle().Background(barBg).Foreground(c("25", "75")).Bold(true),
		HeaderKey:   lipgloss.NewStyle().Background(barBg).Foreground(c("244", "245")),
		HeaderValue: lipgloss.NewStyle().Background(barBg).Foreground(c("235", "252")),
		StatusBar:   lipgloss.NewStyle().Background(barBg).Foreground(c("238", "250")),
		StatusKey:   lipgloss.NewStyle().Background(barBg).Foreground(c("244", "243")),
		StatusValue: lipgloss.NewStyle().Background(barBg).Foreground(c("235", "255")),
		Dim:         fg("245", "243"),
		Title:       fg("235", "255").Bold(true),
		Border:      fg("250", "239"),
		BorderFocus: fg("25", "75"),

		Good:  fg("28", "78"),
		Warn:  fg("130", "214"),
		Bad:   fg("160", "203").Bold(true),
		Info:  fg("25", "117"),
		Badge: lipgloss.NewStyle().Bold(true).Reverse(true),

		Time:     fg("244", "244"),
		Key:      fg("31", "110"),
		Value:    fg("235", "252"),
		Punct:    fg("246", "241"),
		Marker:   fg("97", "141").Italic(true),
		Selected: lipgloss.NewStyle().Background(c("253", "237")),
		Match:    lipgloss.NewStyle().Background(c("220", "178")).Foreground(c("16", "16")),
		Gutter:   fg("25", "75").Bold(true),

		Prompt: fg("25", "75").Bold(true),
		Cursor: lipgloss.NewStyle().Reverse(true),
		Syntax: Syntax{
			Keyword:     fg("91", "176").Bold(true),
			Instruction: fg("25", "75").Bold(true),
			Option:      fg("30", "80"),
			Ident:       fg("235", "252"),
			String:      fg("28", "114"),
			Regexp:      fg("130", "180"),
			Number:      fg("166", "209"),
			Operator:    fg("88", "174"),
			Pipe:        fg("163", "206").Bold(true),
			Punct:       fg("244", "245"),
			Function:    fg("30", "116"),
			Type:        fg("136", "222"),
			Source:      fg("163", "206"),
			Comment:     fg("245", "242").Italic(true),
			Invalid:     fg("160", "203").Underline(true),
		},
		ErrorMark: fg("160", "203").Bold(true),
		ErrorText: fg("160", "203"),

		HelpKey:  fg("25", "75").Bold(true),
		HelpDesc: fg("241", "248"),
		HelpSep:  fg("250", "238"),

		Spark: fg("30", "80"),

		Severity: severityColors(m),
	}
	for _, p := range shardPairs {
		t.Shards = append(t.Shards, lipgloss.NewStyle().Foreground(m.color(p)))
	}
	return t
}

// HighContrast uses the terminal's 16 base colours (which the user's
// terminal scheme already tunes for legibility), bold text and reverse video.
func HighContrast() Theme {
	b := lipgloss.NewStyle().Bold(true)
	fg := func(c string) lipgloss.Style { return b.Foreground(lipgloss.Color(c)) }
	t := Theme{
		Name:        "high-contrast",
		Header:      lipgloss.NewStyle().Reverse(true),
		HeaderTitle: b.Reverse(true),
		HeaderKey:   lipgloss.NewStyle().Reverse(true),
		HeaderValue: b.Reverse(true),
		StatusBar:   lipgloss.NewStyle().Reverse(true),
		StatusKey:   lipgloss.NewStyle().Reverse(true),
		StatusValue: b.Reverse(true),
		Dim:         lipgloss.NewStyle(),
		Title:       b.Underline(true),
		Border:      lipgloss.NewStyle(),
		BorderFocus: fg("11"),
		Good:        fg("10"),
		Warn:        fg("11"),
		Bad:         fg("9").Underline(true),
		Info:        fg("14"),
		Badge:       b.Reverse(true),
		Time:        lipgloss.NewStyle(),
		Key:         fg("14"),
		Value:       lipgloss.NewStyle(),
		Punct:       lipgloss.NewStyle(),
		Marker:      fg("13"),
		Selected:    lipgloss.NewStyle().Reverse(true),
		Match:       b.Background(lipgloss.Color("11")).Foreground(lipgloss.Color("0")),
		Gutter:      fg("11"),
		Prompt:      fg("11"),
		Cursor:      lipgloss.NewStyle().Reverse(true),
		Syntax: Syntax{
			Keyword: fg("13"), Instruction: fg("11"), Option: fg("14"), Ident: lipgloss.NewStyle(),
			String: fg("10"), Regexp: fg("10"), Number: fg("14"), Operator: fg("15"), Pipe: fg("11"),
			Punct: lipgloss.NewStyle(), Function: fg("14"), Type: fg("13"), Source: fg("11"),
			Comment: lipgloss.NewStyle().Italic(true), Invalid: fg("9").Underline(true).Reverse(true),
		},
		ErrorMark: fg("9"),
		ErrorText: fg("9"),
		HelpKey:   fg("11"),
		HelpDesc:  lipgloss.NewStyle(),
		HelpSep:   lipgloss.NewStyle(),
		Spark:     fg("14"),
		Severity:  severityHighContrast(),
	}
	for _, c := range []string{"9", "10", "11", "12", "13", "14", "15", "1", "2", "3", "4", "5", "6", "7"} {
		t.Shards = append(t.Shards, fg(c))
	}
	return t
}

// Mono uses no colour at all: emphasis by bold, underline and reverse video.
// Default picks it when NO_COLOR is set.
func Mono() Theme {
	p := lipgloss.NewStyle()
	b := p.Bold(true)
	t := Theme{
		Name:   "mono",
		Header: p.Reverse(true), HeaderTitle: b.Reverse(true), HeaderKey: p.Reverse(true), HeaderValue: b.Reverse(true),
		StatusBar: p.Reverse(true), StatusKey: p.Reverse(true), StatusValue: b.Reverse(true),
		Dim: p.Faint(true), Title: b, Border: p, BorderFocus: b,
		Good: p, Warn: b, Bad: b.Underline(true), Info: p, Badge: b.Reverse(true),
		Time: p.Faint(true), Key: p, Value: p, Punct: p.Faint(true), Marker: p.Italic(true),
		Selected: p.Reverse(true), Match: b.Underline(true), Gutter: b,
		Prompt: b, Cursor: p.Reverse(true),
		Syntax: Syntax{
			Keyword: b, Instruction: b, Option: p, Ident: p, String: p.Italic(true), Regexp: p.Italic(true),
			Number: p, Operator: p, Pipe: b, Punct: p, Function: p.Underline(true), Type: p, Source: b,
			Comment: p.Faint(true), Invalid: p.Reverse(true),
		},
		ErrorMark: b, ErrorText: b,
		HelpKey: b, HelpDesc: p, HelpSep: p.Faint(true),
		Spark:    p,
		Severity: severityMono(),
	}
	t.Shards = []lipgloss.Style{p}
	return t
}
