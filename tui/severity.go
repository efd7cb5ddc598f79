package tui

import (
	"github.com/charmbracelet/lipgloss"
	"github.com/slstail/slstail/consumer"
	hl "github.com/slstail/slstail/internal/highlight"
	"github.com/slstail/slstail/themes"
)

// severity paints trouble: for each log, the highlight rules (the config
// file's, then the built-in ones) pick a style, which the formatter gives
// to the value that matched and to the line's time, so that errors form a
// coloured column down the tail. The codes of every style are resolved once
// per theme, as lineStyles does; classify runs on every line drawn and
// allocates nothing.
type severity struct {
	rules            *hl.Rules
	normal, selected []codes // by style index
	none             []bool  // style "none": a rule that only stops the others
}

// newSeverity compiles user's rules before the defaults, with th's styles.
func newSeverity(user []hl.Rule, th themes.Theme) (*severity, error) {
	rules, err := hl.Compile(append(append([]hl.Rule(nil), user...), hl.Defaults()...))
	if err != nil {
		return nil, err
	}
	s := &severity{rules: rules}
	for _, st := range rules.Styles() {
		var ls lipgloss.Style
		sv := th.Severity
		switch st.Level {
		case hl.LevelFatal:
			ls = sv.Fatal
		case hl.LevelError:
			ls = sv.Error
		case hl.LevelWarn:
			ls = sv.Warn
		case hl.LevelInfo:
			ls = sv.Info
		case hl.LevelDebug:
			ls = sv.Debug
		case hl.LevelColor:
			ls = th.Custom(st.Color)
		}
		s.normal = append(s.normal, codesOf(ls))
		s.selected = append(s.selected, codesOf(onSelection(ls, th.Selected)))
		s.none = append(s.none, st.Level == hl.LevelNone)
	}
	return s, nil
}

// classify returns which field of r to paint (its index in field order)
// and the style, or ok false when no rule calls for one.
func (s *severity) classify(r *consumer.Record) (field, style int, ok bool) {
	var best hl.Hit
	found := false
	i := 0
	for k, v := range r.Fields() {
		best, found = s.rules.Check(best, found, i, k, v)
		i++
	}
	if !found || s.none[best.Style] {
		return -1, -1, false
	}
	return best.Field, best.Style, true
}

// codes is the escape sequences of style, on the cursor line or not.
func (s *severity) codes(style int, sel bool) codes {
	if sel {
		return s.selected[style]
	}
	return s.normal[style]
}
