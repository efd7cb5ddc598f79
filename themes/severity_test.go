package themes

import (
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Every theme tells fatal, error, warn, info and debug apart, and from
// plain text (info may be plain in mono: it is the absence of trouble).
func TestSeverityStylesDistinct(t *testing.T) {
	r := lipgloss.NewRenderer(nil)
	r.SetColorProfile(termenv.ANSI256)
	r.SetHasDarkBackground(true)
	for _, name := range Names() {
		th, _ := ByName(name)
		s := th.Severity
		levels := map[string]lipgloss.Style{"fatal": s.Fatal, "error": s.Error, "warn": s.Warn, "debug": s.Debug}
		if name != "mono" && name != "high-contrast" {
			levels["info"] = s.Info
		}
		seen := map[string]string{lipgloss.NewStyle().Renderer(r).Render("x"): "plain"}
		for lvl, st := range levels {
			out := st.Renderer(r).Render("x")
			if other, dup := seen[out]; dup {
				t.Errorf("%s: %s renders like %s (%q)", name, lvl, other, out)
			}
			seen[out] = lvl
		}
	}
}

// Mono (and so NO_COLOR) marks severity with attributes only.
func TestSeverityMonoHasNoColour(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	th := Default()
	s := th.Severity
	for _, st := range []lipgloss.Style{s.Fatal, s.Error, s.Warn, s.Info, s.Debug, th.Custom("#ff8800")} {
		if _, ok := st.GetForeground().(lipgloss.NoColor); !ok {
			t.Errorf("a mono severity style has a foreground colour")
		}
		if _, ok := st.GetBackground().(lipgloss.NoColor); !ok {
			t.Errorf("a mono severity style has a background colour")
		}
	}
	if !th.Custom("196").GetBold() {
		t.Error("a custom colour in mono is not bold")
	}
	if _, ok := Dark().Custom("196").GetForeground().(lipgloss.Color); !ok {
		t.Error("a custom colour in dark has no colour")
	}
}
