package keymap

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

func press(s string) tea.KeyMsg {
	switch s {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
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
		{km.Global.Quit, []string{"q", "ctrl+c"}},
		{km.View.Pause, []string{"space"}},
		{km.View.Open, []string{"enter"}},
		{km.Global.Lag, []string{"L"}},
		{km.View.Bottom, []string{"G"}},
		{km.Detail.Close, []string{"enter"}},
		{km.StartFrom.Ago, []string{"m"}},
		{km.Editor.Cancel, []string{"esc"}},
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

// contexts are the KeyMap's context structs, by field name.
func contexts(km *KeyMap) map[string]reflect.Value {
	out := map[string]reflect.Value{}
	v := reflect.ValueOf(km).Elem()
	for i := 0; i < v.NumField(); i++ {
		out[v.Type().Field(i).Name] = v.Field(i)
	}
	return out
}

// Every binding of every context has help text, shows in its context's
// FullHelp (so that ? lists it) and has an action (so that [keys] can rebind
// it): a field added to a context without those fails here.
func TestEveryBindingHasHelpAndAnAction(t *testing.T) {
	km := Default()
	owned := map[*key.Binding]string{}
	for _, a := range actions {
		owned[a.get(&km)] = a.name
	}
	for name, ctx := range contexts(&km) {
		inHelp := map[string]bool{}
		for _, col := range ctx.Interface().(help.KeyMap).FullHelp() {
			for _, b := range col {
				inHelp[b.Help().Desc] = true
			}
		}
		for i := 0; i < ctx.NumField(); i++ {
			field := ctx.Type().Field(i).Name
			b := ctx.Field(i).Addr().Interface().(*key.Binding)
			if b.Help().Key == "" || b.Help().Desc == "" {
				t.Errorf("%s.%s has no help", name, field)
			}
			if !inHelp[b.Help().Desc] {
				t.Errorf("%s.%s is missing from %s.FullHelp", name, field, name)
			}
			if _, ok := owned[b]; !ok {
				t.Errorf("%s.%s has no action: the config file cannot rebind it", name, field)
			}
		}
	}
}

func TestOverride(t *testing.T) {
	km, err := Override(Default(), map[string][]string{"pause": {"p"}, "save": {"ctrl+s", "S"}, "clear": {}, "up": {"i"}})
	if err != nil {
		t.Fatal(err)
	}
	if !key.Matches(press("p"), km.View.Pause) || key.Matches(press("space"), km.View.Pause) {
		t.Error("pause was not rebound to p")
	}
	if got := km.View.Save.Help(); got.Key != "ctrl+s/S" || got.Desc != "save buffer" {
		t.Errorf("save help = %+v", got)
	}
	if km.View.Clear.Enabled() {
		t.Error("an empty key list should disable clear")
	}
	// One action, every context it is live in, each keeping its words.
	if !key.Matches(press("i"), km.View.Up) || !key.Matches(press("i"), km.Detail.Up) || key.Matches(press("k"), km.Detail.Up) {
		t.Errorf("up = %v in the view, %v in the detail; want i in both", km.View.Up.Keys(), km.Detail.Up.Keys())
	}
	if km.Detail.Up.Help().Desc != "scroll up" {
		t.Errorf("detail up help = %+v", km.Detail.Up.Help())
	}
	if !key.Matches(press("space"), Default().View.Pause) {
		t.Error("Override changed its input")
	}
}

func TestOverrideReachesEveryHint(t *testing.T) {
	km, err := Override(Default(), map[string][]string{"apply": {"ctrl+j"}, "back": {"ctrl+g"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []key.Binding{km.Editor.Apply, km.StartFrom.Apply} {
		if b.Help().Key != "ctrl+j" || key.Matches(press("enter"), b) {
			t.Errorf("%s: %+v after rebinding apply", b.Help().Desc, b.Help())
		}
	}
	for _, b := range []key.Binding{km.Global.Back, km.Editor.Cancel, km.StartFrom.Back} {
		if b.Help().Key != "ctrl+g" || key.Matches(press("esc"), b) {
			t.Errorf("%s: %+v after rebinding back", b.Help().Desc, b.Help())
		}
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
		{"global against detail", map[string][]string{"lag": {"y"}}, `"y" is bound to both "lag" and "copy"`},
		{"clash in detail", map[string][]string{"copy": {"w"}}, `"w" is bound to both "wrap" and "copy"`},
		{"clash in start-from", map[string][]string{"start-now": {"b"}}, `"b" is bound to both`},
		{"digit in start-from", map[string][]string{"start-ago": {"5"}}, `digits type the minutes`},
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
	// Text fields take every key but their own: their keys may reuse view
	// and global ones.
	for _, ok := range []map[string][]string{
		{"apply": {"ctrl+j"}, "history-prev": {"k"}},
		{"start-now": {"q"}},
		{"complete": {"j"}},
	} {
		if _, err := Override(Default(), ok); err != nil {
			t.Errorf("%v: %v", ok, err)
		}
	}
}

// The space bar arrives as " ": a config file that says "space" must still
// bind it, alone or after alt, and the help must still say "space".
func TestOverrideWithSpace(t *testing.T) {
	km, err := Override(Default(), map[string][]string{"pause": {"space", "p"}, "wrap": {"alt+space"}})
	if err != nil {
		t.Fatal(err)
	}
	if !key.Matches(press("space"), km.View.Pause) || !key.Matches(press("p"), km.View.Pause) {
		t.Errorf("pause = %v, want it to match the space bar and p", km.View.Pause.Keys())
	}
	if !key.Matches(tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}, Alt: true}, km.View.Wrap) {
		t.Errorf("wrap = %q, want it to match alt+space", km.View.Wrap.Keys())
	}
	if got := km.View.Pause.Help().Key; got != "space/p" {
		t.Errorf("help key %q, want space/p", got)
	}
}

func TestActionsAreUnique(t *testing.T) {
	names := Actions()
	for i := 1; i < len(names); i++ {
		if names[i] == names[i-1] {
			t.Errorf("%q listed twice", names[i])
		}
	}
	for _, want := range []string{"up", "copy", "apply", "back", "start-ago", "complete"} {
		found := false
		for _, n := range names {
			found = found || n == want
		}
		if !found {
			t.Errorf("Actions() lacks %q", want)
		}
	}
}
