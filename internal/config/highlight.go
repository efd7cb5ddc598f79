package config

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/slstail/slstail/internal/highlight"
)

// HighlightRule is one [[highlight]] table of the file: which logs to show
// in a severity style (see package highlight for the match and style
// syntax). Rules apply under every profile, before the built-in ones.
//
//	[[highlight]]
//	field = "upstream_status"
//	match = "500-599"
//	style = "error"
type HighlightRule struct {
	Field, Match, Style string
	Line                int // where the table starts in the file, for messages
}

// Rule is the rule as package highlight compiles it.
func (r HighlightRule) Rule() highlight.Rule {
	return highlight.Rule{Field: r.Field, Match: r.Match, Style: r.Style}
}

var highlightKeys = []string{"field", "match", "style"}

// highlight decodes the top-level [[highlight]] array of tables, checking
// every rule with the parser the UI uses, so that a bad rule is reported
// with its line when the file is loaded, not as a surprise in the UI.
func (l *loader) highlight(key toml.Key, v any) {
	tables, ok := v.([]map[string]any)
	if inline, isArray := v.([]any); isArray {
		// highlight = [{...}, ...] decodes as a plain array.
		ok = true
		for _, e := range inline {
			t, isTable := e.(map[string]any)
			if !isTable {
				ok = false
				break
			}
			tables = append(tables, t)
		}
	}
	if !ok {
		l.errorf(key, `%s must be tables of rules, written [[highlight]] with field, match and style; got %s`, key, describe(v))
		return
	}
	for i, t := range tables {
		r := HighlightRule{Line: l.f.highlightLine(i, "")}
		at := func(k string) int { return l.f.highlightLine(i, k) }
		fail := func(line int, format string, args ...any) {
			l.errs = append(l.errs, &Error{Path: l.f.Path, Line: line, Msg: fmt.Sprintf(format, args...)})
		}
		for k, val := range t {
			s, isStr := val.(string)
			switch {
			case !slices.Contains(highlightKeys, k):
				fail(at(k), "highlight rule %d: unknown key %q%s", i+1, k, didYouMean(k, highlightKeys))
				continue
			case !isStr:
				fail(at(k), "highlight rule %d: %s must be a string; got %s", i+1, k, describe(val))
				continue
			}
			switch k {
			case "field":
				r.Field = s
			case "match":
				r.Match = s
				if err := highlight.ParseMatch(s); err != nil {
					fail(at(k), "highlight rule %d: %v", i+1, err)
				}
			case "style":
				r.Style = s
				if _, err := highlight.ParseStyle(s); err != nil {
					fail(at(k), "highlight rule %d: %v", i+1, err)
				}
			}
		}
		for _, k := range highlightKeys {
			if _, ok := t[k]; !ok {
				fail(r.Line, `highlight rule %d: no %s (a rule needs field, match and style, like field = "status", match = "500-599", style = "error")`, i+1, k)
			}
		}
		if s, ok := t["field"].(string); ok && s == "" {
			fail(at("field"), "highlight rule %d: field is empty", i+1)
		}
		l.f.Highlight = append(l.f.Highlight, r)
	}
}

var (
	arrayHeader = regexp.MustCompile(`^\s*\[\[\s*("highlight"|highlight)\s*\]\]`)
	anyHeader   = regexp.MustCompile(`^\s*\[`)
)

// highlightLine finds where rule i (from 0) is written: its key k, or its
// [[highlight]] header when k is "" or not found. The toml package keeps
// positions to itself and cannot address an element of an array of tables
// (see line), so this reads the source: a header per rule, the key as the
// first "k =" line under it. A rule written inline (highlight = [{...}])
// is reported at the highlight key.
func (f *File) highlightLine(i int, k string) int {
	lines := strings.Split(f.src, "\n")
	n := -1
	keyRe := regexp.MustCompile(`^\s*("` + regexp.QuoteMeta(k) + `"|` + regexp.QuoteMeta(k) + `)\s*=`)
	for j, line := range lines {
		if arrayHeader.MatchString(line) {
			n++
			if n == i && k == "" {
				return j + 1
			}
			continue
		}
		if n != i || k == "" {
			continue
		}
		if anyHeader.MatchString(line) {
			break // the rule's table ended without the key
		}
		if keyRe.MatchString(line) {
			return j + 1
		}
	}
	if k != "" {
		if line := f.highlightLine(i, ""); line > 0 {
			return line
		}
	}
	return f.line(toml.Key{"highlight"})
}
