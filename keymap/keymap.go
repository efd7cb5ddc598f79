// Package keymap defines every key binding of slstail's terminal UI once,
// with its help text, and lets the config file rebind them by action name.
package keymap

import (
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
)

// KeyMap holds the UI's bindings. Fields are grouped by where they apply;
// the UI matches them with key.Matches and renders them with the help bubble.
type KeyMap struct {
	// Anywhere outside a text field.
	Quit       key.Binding
	Help       key.Binding
	ToggleView key.Binding // merged tail <-> per-shard panes
	Lag        key.Binding
	Edit       key.Binding
	Back       key.Binding

	// Log views.
	Pause     key.Binding
	Up        key.Binding
	Down      key.Binding
	PageUp    key.Binding
	PageDown  key.Binding
	Top       key.Binding
	Bottom    key.Binding
	Open      key.Binding // detail of the cursor line; in panes, zoom
	Search    key.Binding
	NextMatch key.Binding
	PrevMatch key.Binding
	Filter    key.Binding
	ViewMode  key.Binding
	Columns   key.Binding
	Wrap      key.Binding
	Save      key.Binding
	Clear     key.Binding
	PaneLeft  key.Binding
	PaneRight key.Binding

	// Detail view.
	Copy key.Binding

	// SPL editor.
	Apply       key.Binding
	HistoryPrev key.Binding
	HistoryNext key.Binding
}

// Default returns the built-in bindings.
func Default() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Quit:       b("q", "quit", "q", "ctrl+c"),
		Help:       b("?", "help", "?"),
		ToggleView: b("tab", "tail/panes", "tab"),
		Lag:        b("L", "lag view", "L"),
		Edit:       b("e", "edit query", "e"),
		Back:       b("esc", "back", "esc"),

		Pause:     b("space", "pause/follow", " ", "space"),
		Up:        b("↑/k", "up", "up", "k"),
		Down:      b("↓/j", "down", "down", "j"),
		PageUp:    b("pgup", "page up", "pgup", "ctrl+b", "ctrl+u"),
		PageDown:  b("pgdn", "page down", "pgdown", "ctrl+f", "ctrl+d"),
		Top:       b("g", "oldest", "g", "home"),
		Bottom:    b("G", "newest+follow", "G", "end"),
		Open:      b("enter", "details/zoom", "enter"),
		Search:    b("/", "search", "/"),
		NextMatch: b("n", "older match", "n"),
		PrevMatch: b("N", "newer match", "N"),
		Filter:    b("f", "filter buffer", "f"),
		ViewMode:  b("v", "line format", "v"),
		Columns:   b("C", "pick columns", "C"),
		Wrap:      b("w", "wrap", "w"),
		Save:      b("s", "save buffer", "s"),
		Clear:     b("c", "clear", "c"),
		PaneLeft:  b("←/h", "prev pane", "left", "h"),
		PaneRight: b("→/l", "next pane", "right", "l"),

		Copy: b("y", "copy (OSC 52)", "y"),

		Apply:       b("enter", "apply", "enter"),
		HistoryPrev: b("↑", "older query", "up", "ctrl+p"),
		HistoryNext: b("↓", "newer query", "down", "ctrl+n"),
	}
}

// ShortHelp is the one-line help of the log views.
func (km KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{km.Help, km.Edit, km.ToggleView, km.Pause, km.Search, km.Filter, km.Lag, km.Quit}
}

// FullHelp is every binding, in columns: moving, looking, querying, the rest.
func (km KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{km.Up, km.Down, km.PageUp, km.PageDown, km.Top, km.Bottom, km.Pause, km.PaneLeft, km.PaneRight},
		{km.ToggleView, km.Open, km.Back, km.ViewMode, km.Columns, km.Wrap, km.Lag, km.Copy},
		{km.Edit, km.Apply, km.HistoryPrev, km.HistoryNext, km.Search, km.NextMatch, km.PrevMatch, km.Filter},
		{km.Save, km.Clear, km.Help, km.Quit},
	}
}

// action ties a config-file name to a binding and the context it lives in.
type action struct {
	name    string
	context string // bindings of one context must not share a key
	get     func(*KeyMap) *key.Binding
}

// Contexts: "global" keys apply in every non-text context, so they are
// checked against the log-view, detail and editor keys too.
var actions = []action{
	{"quit", "global", func(k *KeyMap) *key.Binding { return &k.Quit }},
	{"help", "global", func(k *KeyMap) *key.Binding { return &k.Help }},
	{"toggle-view", "global", func(k *KeyMap) *key.Binding { return &k.ToggleView }},
	{"lag", "global", func(k *KeyMap) *key.Binding { return &k.Lag }},
	{"edit", "global", func(k *KeyMap) *key.Binding { return &k.Edit }},
	{"back", "global", func(k *KeyMap) *key.Binding { return &k.Back }},
	{"pause", "view", func(k *KeyMap) *key.Binding { return &k.Pause }},
	{"up", "view", func(k *KeyMap) *key.Binding { return &k.Up }},
	{"down", "view", func(k *KeyMap) *key.Binding { return &k.Down }},
	{"page-up", "view", func(k *KeyMap) *key.Binding { return &k.PageUp }},
	{"page-down", "view", func(k *KeyMap) *key.Binding { return &k.PageDown }},
	{"top", "view", func(k *KeyMap) *key.Binding { return &k.Top }},
	{"bottom", "view", func(k *KeyMap) *key.Binding { return &k.Bottom }},
	{"open", "view", func(k *KeyMap) *key.Binding { return &k.Open }},
	{"search", "view", func(k *KeyMap) *key.Binding { return &k.Search }},
	{"next-match", "view", func(k *KeyMap) *key.Binding { return &k.NextMatch }},
	{"prev-match", "view", func(k *KeyMap) *key.Binding { return &k.PrevMatch }},
	{"filter", "view", func(k *KeyMap) *key.Binding { return &k.Filter }},
	{"view-mode", "view", func(k *KeyMap) *key.Binding { return &k.ViewMode }},
	{"columns", "view", func(k *KeyMap) *key.Binding { return &k.Columns }},
	{"wrap", "view", func(k *KeyMap) *key.Binding { return &k.Wrap }},
	{"save", "view", func(k *KeyMap) *key.Binding { return &k.Save }},
	{"clear", "view", func(k *KeyMap) *key.Binding { return &k.Clear }},
	{"pane-left", "view", func(k *KeyMap) *key.Binding { return &k.PaneLeft }},
	{"pane-right", "view", func(k *KeyMap) *key.Binding { return &k.PaneRight }},
	{"copy", "detail", func(k *KeyMap) *key.Binding { return &k.Copy }},
	{"apply", "editor", func(k *KeyMap) *key.Binding { return &k.Apply }},
	{"history-prev", "editor", func(k *KeyMap) *key.Binding { return &k.HistoryPrev }},
	{"history-next", "editor", func(k *KeyMap) *key.Binding { return &k.HistoryNext }},
}

// Actions lists the action names Override accepts, sorted.
func Actions() []string {
	names := make([]string, len(actions))
	for i, a := range actions {
		names[i] = a.name
	}
	sort.Strings(names)
	return names
}

// Override returns km with the bindings named in overrides (action name →
// keys, as in the config file's [keys] table) replaced. The help text keeps
// its description and shows the new keys. An empty key list disables the
// action. Unknown action names, empty key names and keys that would make two
// actions of one context collide are errors; km is never partially changed.
//
// Errors are *Error, naming the overridden action at fault, so that a caller
// can point at the line of the config file that set it.
func Override(km KeyMap, overrides map[string][]string) (KeyMap, error) {
	byName := make(map[string]action, len(actions))
	for _, a := range actions {
		byName[a.name] = a
	}
	names := make([]string, 0, len(overrides))
	for n := range overrides {
		names = append(names, n)
	}
	sort.Strings(names)
	out := km
	for _, name := range names {
		a, ok := byName[name]
		if !ok {
			return km, &Error{Action: name, Msg: fmt.Sprintf("unknown action %q (known: %s)", name, strings.Join(Actions(), ", "))}
		}
		keys := overrides[name]
		b := a.get(&out)
		if len(keys) == 0 {
			b.SetEnabled(false)
			continue
		}
		typed := make([]string, len(keys))
		for i, k := range keys {
			if k == "" {
				return km, &Error{Action: name, Msg: fmt.Sprintf("action %q: empty key name", name)}
			}
			typed[i] = keyName(k)
		}
		*b = key.NewBinding(key.WithKeys(typed...), key.WithHelp(helpKeys(typed), b.Help().Desc))
	}
	if err := checkConflicts(&out, overrides); err != nil {
		return km, err
	}
	return out, nil
}

// Error is a key override that cannot be applied.
type Error struct {
	Action string // the overridden action at fault, as named in [keys]
	Msg    string
}

func (e *Error) Error() string { return e.Msg }

// keyName turns a key as a user writes it into the name Bubble Tea gives
// the key press: the space bar arrives as " " (also after "alt+"), so
// "space" in a config file would otherwise never match.
func keyName(k string) string {
	switch {
	case k == "space":
		return " "
	case k == "alt+space":
		return "alt+ "
	}
	return k
}

// helpKeys renders keys for the help line: "space" for " ", joined by "/".
func helpKeys(keys []string) string {
	shown := make([]string, len(keys))
	for i, k := range keys {
		switch k {
		case " ":
			k = "space"
		case "alt+ ":
			k = "alt+space"
		}
		shown[i] = k
	}
	return strings.Join(shown, "/")
}

// checkConflicts reports a key bound to two enabled actions that can be live
// at once: two of the same context, or a global one and any non-editor one.
// The error names the action of the pair that overrides set.
func checkConflicts(km *KeyMap, overrides map[string][]string) error {
	type owner struct{ name, context string }
	seen := map[string]owner{}
	for _, a := range actions {
		b := a.get(km)
		if !b.Enabled() {
			continue
		}
		for _, k := range b.Keys() {
			if k == "space" {
				k = " "
			}
			prev, ok := seen[k]
			if ok && clash(prev.context, a.context) && prev.name != a.name {
				at := a.name
				if _, ok := overrides[at]; !ok {
					at = prev.name
				}
				return &Error{Action: at, Msg: fmt.Sprintf("%q is bound to both %q and %q", helpKeys([]string{k}), prev.name, a.name)}
			}
			if !ok || a.context == "global" {
				seen[k] = owner{a.name, a.context}
			}
		}
	}
	return nil
}

func clash(a, b string) bool {
	if a == b {
		return true
	}
	// The editor is a text field: only its own keys and ctrl chords are live.
	if a == "editor" || b == "editor" {
		return false
	}
	return a == "global" || b == "global"
}
