package keymap

import (
	"errors"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

func press(s string) tea.KeyMsg {
	switch s {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "space":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

func TestDefaultMatches(t *testing.T) {
	km := Default()
	tests := []struct {
		b    key.Binding
		keys []string
	}{
		{km.Quit, []string{"q", "ctrl+c"}},
		{km.Pause, []string{"space"}},
		{km.Open, []string{"enter"}},
		{km.Lag, []string{"L"}},
		{km.Bottom, []string{"G"}},
	}
	for _, tt := range tests {
		for _, k := range tt.keys {
			if !key.Matches(press(k), tt.b) {
				t.Errorf("%s does not match %q", tt.b.Help().Desc, k)
			}
		}
	}
	if err := checkConflicts(&km, nil); err != nil {
		t.Fatalf("default keymap has a conflict: %v", err)
	}
}

func TestEveryBindingHasHelpAndAnAction(t *testing.T) {
	km := Default()
	inHelp := map[string]bool{}
	for _, col := range km.FullHelp() {
		for _, b := range col {
			inHelp[b.Help().Desc] = true
		}
	}
	for _, a := range actions {
		b := a.get(&km)
		if b.Help().Key == "" || b.Help().Desc == "" {
			t.Errorf("action %q has no help", a.name)
		}
		if !inHelp[b.Help().Desc] {
			t.Errorf("action %q is missing from FullHelp", a.name)
		}
	}
}

func TestOverride(t *testing.T) {
	km, err := Override(Default(), map[string][]string{"pause": {"p"}, "save": {"ctrl+s", "S"}, "clear": {}})
	if err != nil {
		t.Fatal(err)
	}
	if !key.Matches(press("p"), km.Pause) || key.Matches(press("space"), km.Pause) {
		t.Error("pause was not rebound to p")
	}
	if got := km.Save.Help(); got.Key != "ctrl+s/S" || got.Desc != "save buffer" {
		t.Errorf("save help = %+v", got)
	}
	if km.Clear.Enabled() {
		t.Error("an empty key list should disable clear")
	}
	if !key.Matches(press("space"), Default().Pause) {
		t.Error("Override changed its input")
	}
}

func TestOverrideErrors(t *testing.T) {
	tests := []struct {
		name string
		in   map[string][]string
		want string
	}{
		{"unknown action", map[string][]string{"paws": {"p"}}, `unknown action "paws"`},
		{"empty key", map[string][]string{"pause": {" "}, "quit": {""}}, `action "quit": empty key name`},
		{"clash in view", map[string][]string{"pause": {"j"}}, `"j" is bound to both`},
		{"clash with global", map[string][]string{"copy": {"q"}}, `"q" is bound to both "quit" and "copy"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Override(Default(), tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %s", err, tt.want)
			}
			var ke *Error
			if !errors.As(err, &ke) || tt.in[ke.Action] == nil {
				t.Errorf("err %v does not name an overridden action (%v)", err, tt.in)
			}
		})
	}
	// Editor keys may reuse view keys: the contexts are never live together.
	if _, err := Override(Default(), map[string][]string{"apply": {"ctrl+j"}, "history-prev": {"k"}}); err != nil {
		t.Errorf("editor rebinding: %v", err)
	}
}

// The space bar arrives as " ": a config file that says "space" must still
// bind it, alone or after alt, and the help must still say "space".
func TestOverrideWithSpace(t *testing.T) {
	km, err := Override(Default(), map[string][]string{"pause": {"space", "p"}, "wrap": {"alt+space"}})
	if err != nil {
		t.Fatal(err)
	}
	if !key.Matches(press("space"), km.Pause) || !key.Matches(press("p"), km.Pause) {
		t.Errorf("pause = %v, want it to match the space bar and p", km.Pause.Keys())
	}
	if !key.Matches(tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}, Alt: true}, km.Wrap) {
		t.Errorf("follow = %q, want it to match alt+space", km.Wrap.Keys())
	}
	if got := km.Pause.Help().Key; got != "space/p" {
		t.Errorf("help key %q, want space/p", got)
	}
}
