// Package keymap defines every key binding of slstail's terminal UI once,
// with its help text, and lets the config file rebind them by action name.
//
// The bindings are grouped by the context they are live in, one struct a
// context, each a help.KeyMap: the UI matches keys with key.Matches against
// the context it is in, and builds every hint and help screen from the same
// bindings, so a rebinding shows wherever the key is named.
package keymap

import (
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
)

// KeyMap holds the UI's bindings, one field a context.
type KeyMap struct {
	Global    Global    // anywhere outside a text field
	View      View      // the log views (merged tail, pane grid, zoomed pane); lag and help scroll with its keys
	Detail    Detail    // the detail view of one log
	Editor    Editor    // the SPL editor and the one-line prompts (text fields)
	StartFrom StartFrom // the editor's "start from" row
	Facets    Facets    // the facet view (top values of a field)
	Timeline  Timeline  // the timeline (rate over time)
}

// Global keys apply in every context but a text field.
type Global struct {
	Quit       key.Binding
	Help       key.Binding
	ToggleView key.Binding // merged tail <-> per-shard panes
	Lag        key.Binding
	Edit       key.Binding
	Back       key.Binding
	Facets     key.Binding // top values of a field over the lines in view
	Timeline   key.Binding // lines per second over the buffer
}

// ShortHelp lists the global keys the status line names.
func (g Global) ShortHelp() []key.Binding {
	return []key.Binding{g.Help, g.Edit, g.Facets, g.Timeline, g.ToggleView, g.Lag, g.Quit}
}

// FullHelp lists every global key.
func (g Global) FullHelp() [][]key.Binding {
	return [][]key.Binding{{g.ToggleView, g.Lag, g.Facets, g.Timeline, g.Edit, g.Back, g.Help, g.Quit}}
}

// View keys move through and act on the buffered lines.
type View struct {
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
	Mark      key.Binding // bookmark the cursor line
	NextMark  key.Binding
	PrevMark  key.Binding
	Handoff   key.Binding // copy a command line that reopens this view
}

// ShortHelp lists the view keys the status line names.
func (v View) ShortHelp() []key.Binding {
	return []key.Binding{v.Pause, v.Search, v.Filter}
}

// FullHelp lists every view key: moving, looking, the buffer.
func (v View) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{v.Up, v.Down, v.PageUp, v.PageDown, v.Top, v.Bottom, v.Pause, v.PaneLeft, v.PaneRight},
		{v.Open, v.Search, v.NextMatch, v.PrevMatch, v.Filter},
		{v.ViewMode, v.Columns, v.Wrap, v.Save, v.Clear},
		{v.Mark, v.NextMark, v.PrevMark, v.Handoff},
	}
}

// Detail keys scroll and act on the one log shown.
type Detail struct {
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding
	Wrap     key.Binding
	Copy     key.Binding
	Close    key.Binding // the key that opened it closes it
}

// ShortHelp lists the detail keys the status line names.
func (d Detail) ShortHelp() []key.Binding {
	return []key.Binding{d.Copy, d.Wrap, d.Close}
}

// FullHelp lists every detail key.
func (d Detail) FullHelp() [][]key.Binding {
	return [][]key.Binding{{d.Up, d.Down, d.PageUp, d.PageDown, d.Top, d.Bottom, d.Wrap, d.Copy, d.Close}}
}

// Editor keys are the few a text field does not take as text: the SPL
// editor's, which the one-line prompts (search, filter, save, columns)
// share.
type Editor struct {
	Apply       key.Binding
	Cancel      key.Binding
	HistoryPrev key.Binding
	HistoryNext key.Binding
	Complete    key.Binding // prompts: take the completion shown
	Preview     key.Binding // SPL editor: show or hide the preview over the buffer
}

// ShortHelp lists the editor keys its hint names.
func (e Editor) ShortHelp() []key.Binding {
	return []key.Binding{e.Apply, e.Cancel, e.HistoryPrev, e.HistoryNext}
}

// FullHelp lists every editor key.
func (e Editor) FullHelp() [][]key.Binding {
	return [][]key.Binding{{e.Apply, e.Cancel, e.HistoryPrev, e.HistoryNext, e.Complete, e.Preview}}
}

// StartFrom keys answer "where does the new query start?" after the editor's
// apply. Digits are typed into the minutes, so none of these may be a digit.
type StartFrom struct {
	Prev      key.Binding
	Next      key.Binding
	Continue  key.Binding
	Now       key.Binding
	Ago       key.Binding
	Beginning key.Binding
	Apply     key.Binding
	Back      key.Binding
}

// ShortHelp lists the start-from keys its row names.
func (s StartFrom) ShortHelp() []key.Binding {
	return []key.Binding{s.Prev, s.Next, s.Apply, s.Back}
}

// FullHelp lists every start-from key.
func (s StartFrom) FullHelp() [][]key.Binding {
	return [][]key.Binding{{s.Prev, s.Next, s.Continue, s.Now, s.Ago, s.Beginning, s.Apply, s.Back}}
}

// Facets keys move over a field's top values and act on the one under the
// cursor. The view is drawn over the log area and takes these keys before
// the global ones.
type Facets struct {
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding
	Filter   key.Binding // filter the buffer to the value
	Exclude  key.Binding // filter the value out
	Query    key.Binding // open the SPL editor with "| where field = 'value'"
	Field    key.Binding // count another field
	Recount  key.Binding
	Numbers  key.Binding // numeric summary or values
	Close    key.Binding
}

// ShortHelp lists the facet keys its hint row names.
func (f Facets) ShortHelp() []key.Binding {
	return []key.Binding{f.Filter, f.Exclude, f.Query, f.Field, f.Close}
}

// FullHelp lists every facet key.
func (f Facets) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{f.Up, f.Down, f.PageUp, f.PageDown, f.Top, f.Bottom},
		{f.Filter, f.Exclude, f.Query, f.Field, f.Recount, f.Numbers, f.Close},
	}
}

// Timeline keys move a cursor over the rate chart's columns.
type Timeline struct {
	Earlier  key.Binding
	Later    key.Binding
	First    key.Binding
	Last     key.Binding
	Jump     key.Binding // the log view goes to the cursor's second
	PerShard key.Binding
	Recount  key.Binding
	Close    key.Binding
}

// ShortHelp lists the timeline keys its hint row names.
func (t Timeline) ShortHelp() []key.Binding {
	return []key.Binding{t.Earlier, t.Later, t.Jump, t.PerShard, t.Close}
}

// FullHelp lists every timeline key.
func (t Timeline) FullHelp() [][]key.Binding {
	return [][]key.Binding{{t.Earlier, t.Later, t.First, t.Last, t.Jump, t.PerShard, t.Recount, t.Close}}
}

// Default returns the built-in bindings.
func Default() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Global: Global{
			Quit:       b("q", "quit", "q", "ctrl+c"),
			Help:       b("?", "help", "?"),
			ToggleView: b("tab", "tail/panes", "tab"),
			Lag:        b("L", "lag view", "L"),
			Edit:       b("e", "edit query", "e"),
			Back:       b("esc", "back", "esc"),
			Facets:     b("F", "facets: top values", "F"),
			Timeline:   b("T", "timeline: rate", "T"),
		},
		View: View{
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
			Mark:      b("m", "mark/unmark line", "m"),
			NextMark:  b("'", "next mark", "'"),
			PrevMark:  b(`"`, "previous mark", `"`),
			Handoff:   b("Y", "copy command for teammate", "Y"),
		},
		Detail: Detail{
			Up:       b("↑/k", "scroll up", "up", "k"),
			Down:     b("↓/j", "scroll down", "down", "j"),
			PageUp:   b("pgup", "page up", "pgup", "ctrl+b", "ctrl+u"),
			PageDown: b("pgdn", "page down", "pgdown", "ctrl+f", "ctrl+d"),
			Top:      b("g", "first field", "g", "home"),
			Bottom:   b("G", "last field", "G", "end"),
			Wrap:     b("w", "wrap/cut values", "w"),
			Copy:     b("y", "copy (OSC 52)", "y"),
			Close:    b("enter", "close", "enter"),
		},
		Editor: Editor{
			Apply:       b("enter", "apply", "enter"),
			Cancel:      b("esc", "cancel", "esc"),
			HistoryPrev: b("↑", "older query", "up", "ctrl+p"),
			HistoryNext: b("↓", "newer query", "down", "ctrl+n"),
			Complete:    b("tab", "complete", "tab"),
			Preview:     b("ctrl+o", "preview on/off", "ctrl+o"),
		},
		StartFrom: StartFrom{
			Prev:      b("←", "previous", "left", "shift+tab", "h"),
			Next:      b("→", "next", "right", "tab", "l"),
			Continue:  b("c", "continue", "c"),
			Now:       b("n", "now", "n"),
			Ago:       b("m", "minutes ago", "m"),
			Beginning: b("b", "beginning", "b"),
			Apply:     b("enter", "apply", "enter"),
			Back:      b("esc", "back", "esc"),
		},
		Facets: Facets{
			Up:       b("↑/k", "previous value", "up", "k"),
			Down:     b("↓/j", "next value", "down", "j"),
			PageUp:   b("pgup", "page up", "pgup", "ctrl+b", "ctrl+u"),
			PageDown: b("pgdn", "page down", "pgdown", "ctrl+f", "ctrl+d"),
			Top:      b("g", "first value", "g", "home"),
			Bottom:   b("G", "last value", "G", "end"),
			Filter:   b("enter", "filter to value", "enter"),
			Exclude:  b("x/!", "exclude value", "x", "!"),
			Query:    b("e", "add to query", "e"),
			Field:    b("tab", "other field", "tab"),
			Recount:  b("r", "recount", "r"),
			Numbers:  b("v", "values/numbers", "v"),
			Close:    b("esc", "close", "esc"),
		},
		Timeline: Timeline{
			Earlier:  b("←/h", "earlier", "left", "h"),
			Later:    b("→/l", "later", "right", "l"),
			First:    b("g", "oldest", "g", "home"),
			Last:     b("G", "newest", "G", "end"),
			Jump:     b("enter", "go to that second", "enter"),
			PerShard: b("s", "per shard", "s"),
			Recount:  b("r", "recount", "r"),
			Close:    b("esc", "close", "esc"),
		},
	}
}

// context is where a binding is live. Bindings of one context must not
// share a key; global keys are live in every context but the text ones.
type context string

const (
	ctxGlobal    context = "global"
	ctxView      context = "view"
	ctxDetail    context = "detail"
	ctxEditor    context = "editor"     // a text field: only its own keys are live
	ctxStartFrom context = "start-from" // part of the editor: the same
	ctxFacets    context = "facets"     // an overlay: its keys come before the global ones
	ctxTimeline  context = "timeline"   // likewise
)

// own says only the context's own keys can collide with it: a text field
// takes every key, and an overlay takes its keys before the global ones.
func (c context) own() bool {
	return c == ctxEditor || c == ctxStartFrom || c == ctxFacets || c == ctxTimeline
}

// action ties a config-file name to a binding of one context. One name can
// bind several contexts (the view's "up" also scrolls the detail view), so
// that one override rebinds the action wherever it is live.
type action struct {
	name    string
	context context
	get     func(*KeyMap) *key.Binding
}

var actions = []action{
	{"quit", ctxGlobal, func(k *KeyMap) *key.Binding { return &k.Global.Quit }},
	{"help", ctxGlobal, func(k *KeyMap) *key.Binding { return &k.Global.Help }},
	{"toggle-view", ctxGlobal, func(k *KeyMap) *key.Binding { return &k.Global.ToggleView }},
	{"lag", ctxGlobal, func(k *KeyMap) *key.Binding { return &k.Global.Lag }},
	{"edit", ctxGlobal, func(k *KeyMap) *key.Binding { return &k.Global.Edit }},
	{"back", ctxGlobal, func(k *KeyMap) *key.Binding { return &k.Global.Back }},
	{"back", ctxEditor, func(k *KeyMap) *key.Binding { return &k.Editor.Cancel }},
	{"back", ctxStartFrom, func(k *KeyMap) *key.Binding { return &k.StartFrom.Back }},
	{"back", ctxFacets, func(k *KeyMap) *key.Binding { return &k.Facets.Close }},
	{"back", ctxTimeline, func(k *KeyMap) *key.Binding { return &k.Timeline.Close }},
	{"facets", ctxGlobal, func(k *KeyMap) *key.Binding { return &k.Global.Facets }},
	{"timeline", ctxGlobal, func(k *KeyMap) *key.Binding { return &k.Global.Timeline }},

	{"pause", ctxView, func(k *KeyMap) *key.Binding { return &k.View.Pause }},
	{"up", ctxView, func(k *KeyMap) *key.Binding { return &k.View.Up }},
	{"up", ctxDetail, func(k *KeyMap) *key.Binding { return &k.Detail.Up }},
	{"up", ctxFacets, func(k *KeyMap) *key.Binding { return &k.Facets.Up }},
	{"down", ctxView, func(k *KeyMap) *key.Binding { return &k.View.Down }},
	{"down", ctxDetail, func(k *KeyMap) *key.Binding { return &k.Detail.Down }},
	{"down", ctxFacets, func(k *KeyMap) *key.Binding { return &k.Facets.Down }},
	{"page-up", ctxView, func(k *KeyMap) *key.Binding { return &k.View.PageUp }},
	{"page-up", ctxDetail, func(k *KeyMap) *key.Binding { return &k.Detail.PageUp }},
	{"page-up", ctxFacets, func(k *KeyMap) *key.Binding { return &k.Facets.PageUp }},
	{"page-down", ctxView, func(k *KeyMap) *key.Binding { return &k.View.PageDown }},
	{"page-down", ctxDetail, func(k *KeyMap) *key.Binding { return &k.Detail.PageDown }},
	{"page-down", ctxFacets, func(k *KeyMap) *key.Binding { return &k.Facets.PageDown }},
	{"top", ctxView, func(k *KeyMap) *key.Binding { return &k.View.Top }},
	{"top", ctxDetail, func(k *KeyMap) *key.Binding { return &k.Detail.Top }},
	{"top", ctxFacets, func(k *KeyMap) *key.Binding { return &k.Facets.Top }},
	{"top", ctxTimeline, func(k *KeyMap) *key.Binding { return &k.Timeline.First }},
	{"bottom", ctxView, func(k *KeyMap) *key.Binding { return &k.View.Bottom }},
	{"bottom", ctxDetail, func(k *KeyMap) *key.Binding { return &k.Detail.Bottom }},
	{"bottom", ctxFacets, func(k *KeyMap) *key.Binding { return &k.Facets.Bottom }},
	{"bottom", ctxTimeline, func(k *KeyMap) *key.Binding { return &k.Timeline.Last }},
	{"open", ctxView, func(k *KeyMap) *key.Binding { return &k.View.Open }},
	{"open", ctxDetail, func(k *KeyMap) *key.Binding { return &k.Detail.Close }},
	{"search", ctxView, func(k *KeyMap) *key.Binding { return &k.View.Search }},
	{"next-match", ctxView, func(k *KeyMap) *key.Binding { return &k.View.NextMatch }},
	{"prev-match", ctxView, func(k *KeyMap) *key.Binding { return &k.View.PrevMatch }},
	{"filter", ctxView, func(k *KeyMap) *key.Binding { return &k.View.Filter }},
	{"view-mode", ctxView, func(k *KeyMap) *key.Binding { return &k.View.ViewMode }},
	{"columns", ctxView, func(k *KeyMap) *key.Binding { return &k.View.Columns }},
	{"wrap", ctxView, func(k *KeyMap) *key.Binding { return &k.View.Wrap }},
	{"wrap", ctxDetail, func(k *KeyMap) *key.Binding { return &k.Detail.Wrap }},
	{"save", ctxView, func(k *KeyMap) *key.Binding { return &k.View.Save }},
	{"clear", ctxView, func(k *KeyMap) *key.Binding { return &k.View.Clear }},
	{"pane-left", ctxView, func(k *KeyMap) *key.Binding { return &k.View.PaneLeft }},
	{"pane-right", ctxView, func(k *KeyMap) *key.Binding { return &k.View.PaneRight }},
	{"mark", ctxView, func(k *KeyMap) *key.Binding { return &k.View.Mark }},
	{"next-mark", ctxView, func(k *KeyMap) *key.Binding { return &k.View.NextMark }},
	{"prev-mark", ctxView, func(k *KeyMap) *key.Binding { return &k.View.PrevMark }},
	{"handoff", ctxView, func(k *KeyMap) *key.Binding { return &k.View.Handoff }},

	{"facet-filter", ctxFacets, func(k *KeyMap) *key.Binding { return &k.Facets.Filter }},
	{"facet-exclude", ctxFacets, func(k *KeyMap) *key.Binding { return &k.Facets.Exclude }},
	{"facet-query", ctxFacets, func(k *KeyMap) *key.Binding { return &k.Facets.Query }},
	{"facet-field", ctxFacets, func(k *KeyMap) *key.Binding { return &k.Facets.Field }},
	{"facet-numbers", ctxFacets, func(k *KeyMap) *key.Binding { return &k.Facets.Numbers }},
	{"recount", ctxFacets, func(k *KeyMap) *key.Binding { return &k.Facets.Recount }},
	{"recount", ctxTimeline, func(k *KeyMap) *key.Binding { return &k.Timeline.Recount }},
	{"earlier", ctxTimeline, func(k *KeyMap) *key.Binding { return &k.Timeline.Earlier }},
	{"later", ctxTimeline, func(k *KeyMap) *key.Binding { return &k.Timeline.Later }},
	{"timeline-jump", ctxTimeline, func(k *KeyMap) *key.Binding { return &k.Timeline.Jump }},
	{"timeline-shards", ctxTimeline, func(k *KeyMap) *key.Binding { return &k.Timeline.PerShard }},

	{"copy", ctxDetail, func(k *KeyMap) *key.Binding { return &k.Detail.Copy }},

	{"apply", ctxEditor, func(k *KeyMap) *key.Binding { return &k.Editor.Apply }},
	{"apply", ctxStartFrom, func(k *KeyMap) *key.Binding { return &k.StartFrom.Apply }},
	{"history-prev", ctxEditor, func(k *KeyMap) *key.Binding { return &k.Editor.HistoryPrev }},
	{"history-next", ctxEditor, func(k *KeyMap) *key.Binding { return &k.Editor.HistoryNext }},
	{"complete", ctxEditor, func(k *KeyMap) *key.Binding { return &k.Editor.Complete }},
	{"preview", ctxEditor, func(k *KeyMap) *key.Binding { return &k.Editor.Preview }},

	{"start-prev", ctxStartFrom, func(k *KeyMap) *key.Binding { return &k.StartFrom.Prev }},
	{"start-next", ctxStartFrom, func(k *KeyMap) *key.Binding { return &k.StartFrom.Next }},
	{"start-continue", ctxStartFrom, func(k *KeyMap) *key.Binding { return &k.StartFrom.Continue }},
	{"start-now", ctxStartFrom, func(k *KeyMap) *key.Binding { return &k.StartFrom.Now }},
	{"start-ago", ctxStartFrom, func(k *KeyMap) *key.Binding { return &k.StartFrom.Ago }},
	{"start-beginning", ctxStartFrom, func(k *KeyMap) *key.Binding { return &k.StartFrom.Beginning }},
}

// Actions lists the action names Override accepts, sorted.
func Actions() []string {
	seen := map[string]bool{}
	var names []string
	for _, a := range actions {
		if !seen[a.name] {
			seen[a.name] = true
			names = append(names, a.name)
		}
	}
	sort.Strings(names)
	return names
}

// Override returns km with the bindings named in overrides (action name →
// keys, as in the config file's [keys] table) replaced in every context the
// action has. The help text keeps its description and shows the new keys.
// An empty key list disables the action. Unknown action names, empty key
// names and keys that would make two actions live at once collide are
// errors; km is never partially changed.
//
// Errors are *Error, naming the overridden action at fault, so that a caller
// can point at the line of the config file that set it.
func Override(km KeyMap, overrides map[string][]string) (KeyMap, error) {
	byName := map[string][]action{}
	for _, a := range actions {
		byName[a.name] = append(byName[a.name], a)
	}
	names := make([]string, 0, len(overrides))
	for n := range overrides {
		names = append(names, n)
	}
	sort.Strings(names)
	out := km
	for _, name := range names {
		as, ok := byName[name]
		if !ok {
			return km, &Error{Action: name, Msg: fmt.Sprintf("unknown action %q (known: %s)", name, strings.Join(Actions(), ", "))}
		}
		keys := overrides[name]
		typed := make([]string, len(keys))
		for i, k := range keys {
			if k == "" {
				return km, &Error{Action: name, Msg: fmt.Sprintf("action %q: empty key name", name)}
			}
			typed[i] = keyName(k)
		}
		for _, a := range as {
			b := a.get(&out)
			if len(keys) == 0 {
				b.SetEnabled(false)
				continue
			}
			*b = key.NewBinding(key.WithKeys(typed...), key.WithHelp(helpKeys(typed), b.Help().Desc))
		}
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
// at once: two of the same context, or a global one and one of a context
// that is not a text field. It also refuses a digit in the start-from row,
// where digits are the minutes typed. The error names the action of the pair
// that overrides set.
func checkConflicts(km *KeyMap, overrides map[string][]string) error {
	seen := map[context]map[string]string{} // context → key → action
	blame := func(a, b string) string {
		if _, ok := overrides[a]; ok {
			return a
		}
		return b
	}
	for _, a := range actions {
		b := a.get(km)
		if !b.Enabled() {
			continue
		}
		for _, k := range b.Keys() {
			if k == "space" {
				k = " "
			}
			if a.context == ctxStartFrom && len(k) == 1 && k[0] >= '0' && k[0] <= '9' {
				return &Error{Action: a.name, Msg: fmt.Sprintf("%q cannot be bound to %q: digits type the minutes of the start position", k, a.name)}
			}
			var against []context
			switch {
			case a.context == ctxGlobal:
				against = []context{ctxGlobal, ctxView, ctxDetail}
			case a.context.own():
				against = []context{a.context}
			default:
				against = []context{a.context, ctxGlobal}
			}
			for _, c := range against {
				if prev, ok := seen[c][k]; ok && prev != a.name {
					return &Error{Action: blame(a.name, prev), Msg: fmt.Sprintf("%q is bound to both %q and %q", helpKeys([]string{k}), prev, a.name)}
				}
			}
			if seen[a.context] == nil {
				seen[a.context] = map[string]string{}
			}
			seen[a.context][k] = a.name
		}
	}
	return nil
}
