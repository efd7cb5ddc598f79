package themes

import "github.com/charmbracelet/lipgloss"

// Severity styles a log line's severity (from the highlight rules: a 5xx
// status, level=error, ...): the value that matched, and the line's time,
// so that trouble stands out in a scrolling tail. Every theme has all five;
// mono marks them with attributes only.
type Severity struct {
	Fatal, Error, Warn, Info, Debug lipgloss.Style
}

// Custom is the style of a user's highlight colour ("#ff8800" or an ANSI
// number): the colour, bold; in mono, which shows no colour, bold alone.
func (t Theme) Custom(color string) lipgloss.Style {
	st := lipgloss.NewStyle().Bold(true)
	if t.Name == "mono" {
		return st
	}
	return st.Foreground(lipgloss.Color(color))
}

// severityColors is the palette of auto, dark and light: the states'
// colours, with fatal as white on red so that it reads even among errors.
func severityColors(m colorMode) Severity {
	c := func(light, dark string) lipgloss.TerminalColor { return m.color(pair{light, dark}) }
	fg := func(light, dark string) lipgloss.Style { return lipgloss.NewStyle().Foreground(c(light, dark)) }
	return Severity{
		Fatal: lipgloss.NewStyle().Foreground(c("231", "231")).Background(c("160", "160")).Bold(true),
		Error: fg("160", "203").Bold(true),
		Warn:  fg("130", "214"),
		Info:  fg("25", "117"),
		Debug: fg("245", "243"),
	}
}

// severityHighContrast uses the 16 base colours, bold.
func severityHighContrast() Severity {
	b := lipgloss.NewStyle().Bold(true)
	return Severity{
		Fatal: b.Foreground(lipgloss.Color("15")).Background(lipgloss.Color("1")),
		Error: b.Foreground(lipgloss.Color("9")),
		Warn:  b.Foreground(lipgloss.Color("11")),
		Info:  lipgloss.NewStyle().Foreground(lipgloss.Color("14")),
		Debug: lipgloss.NewStyle().Italic(true), // faint would cost legibility
	}
}

// severityMono tells the levels apart by weight: fatal bold italic
// underlined, error bold underlined, warn bold, debug faint. Reverse video
// is left to the cursor line.
func severityMono() Severity {
	p := lipgloss.NewStyle()
	return Severity{
		Fatal: p.Bold(true).Italic(true).Underline(true),
		Error: p.Bold(true).Underline(true),
		Warn:  p.Bold(true),
		Info:  p,
		Debug: p.Faint(true),
	}
}
