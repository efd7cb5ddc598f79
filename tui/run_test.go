package tui

import (
	"bytes"
	"strings"
	"testing"

	"github.com/muesli/termenv"
	"github.com/slstail/slstail/themes"
)

type environ map[string]string

func (e environ) Getenv(k string) string { return e[k] }
func (e environ) Environ() []string {
	var out []string
	for k, v := range e {
		out = append(out, k+"="+v)
	}
	return out
}

// NO_COLOR removes colour, not bold, underline and reverse video: the mono
// theme it selects must still mark the status bar, matches and selection.
func TestNoColorKeepsAttributes(t *testing.T) {
	env := environ{"NO_COLOR": "1", "TERM": "xterm-256color"}
	out := termenv.NewOutput(&bytes.Buffer{}, termenv.WithTTY(true), termenv.WithEnvironment(env))
	if out.EnvColorProfile() != termenv.Ascii {
		t.Fatal("the premise: Lip Gloss's own profile under NO_COLOR has no attributes")
	}
	th := keepAttributes(themes.Mono(), out)
	for name, got := range map[string]string{
		"status bar": th.StatusBar.Render("x"),
		"match":      th.Match.Render("x"),
		"selection":  th.Selected.Render("x"),
	} {
		if !strings.Contains(got, "\x1b[") {
			t.Errorf("%s renders %q under NO_COLOR: no attribute left", name, got)
		}
	}
	if got := th.Badge.Render("x"); strings.Contains(got, "38;") || strings.Contains(got, "48;") {
		t.Errorf("mono's badge has a colour: %q", got)
	}

	// Without NO_COLOR the theme is left to Lip Gloss's own renderer.
	plain := termenv.NewOutput(&bytes.Buffer{}, termenv.WithTTY(true), termenv.WithEnvironment(environ{"TERM": "xterm-256color"}))
	if got := keepAttributes(themes.Mono(), plain).StatusBar.Render("x"); got != themes.Mono().StatusBar.Render("x") {
		t.Errorf("without NO_COLOR the theme changed: %q", got)
	}
}
