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
	th := keepAttributes(themes.Mono(), out, "xterm-256color")
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
	if got := keepAttributes(themes.Mono(), plain, "xterm-256color").StatusBar.Render("x"); got != themes.Mono().StatusBar.Render("x") {
		t.Errorf("without NO_COLOR the theme changed: %q", got)
	}
}

// termenv rates TERM=screen (tmux and GNU screen without a config) and
// vt100 as colourless, and Lip Gloss then drops reverse video too, so the
// status bar vanished in CI's tmux. Those terminals keep their attributes;
// "dumb" and a pipe do not.
func TestColourlessTermKeepsAttributes(t *testing.T) {
	for _, tc := range []struct {
		term  string
		attrs bool
	}{{"screen", true}, {"vt100", true}, {"dumb", false}, {"", false}} {
		env := environ{"TERM": tc.term}
		out := termenv.NewOutput(&bytes.Buffer{}, termenv.WithTTY(true), termenv.WithEnvironment(env))
		if out.EnvColorProfile() != termenv.Ascii {
			t.Fatalf("the premise: termenv rates TERM=%q as colourless", tc.term)
		}
		th := keepAttributes(themes.Default(), out, tc.term)
		got := th.StatusBar.Render("x")
		if has := strings.Contains(got, "\x1b["); has != tc.attrs {
			t.Errorf("TERM=%q: the status bar renders %q, attributes wanted: %v", tc.term, got, tc.attrs)
		}
		if strings.Contains(got, "38;5") || strings.Contains(got, "38;2") {
			t.Errorf("TERM=%q: more than 16 colours: %q", tc.term, got)
		}
	}
}
