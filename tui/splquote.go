package tui

import (
	"errors"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/slstail/slstail/spl"
)

// The SPL text the views write for the user (the facet view's "add to
// query"): field names and string literals quoted so that any value a log
// holds reads back as itself, and the result stays on one line, because the
// SPL bar is a one-line input that turns newlines and tabs into spaces and
// drops control characters.

// splKeywords are the words the spl lexer reserves (spl/lexer.go): a field
// with one of these names must be quoted.
var splKeywords = map[string]bool{
	"and": true, "or": true, "not": true, "case": true, "when": true, "then": true, "else": true,
	"end": true, "cast": true, "try_cast": true, "as": true, "is": true, "null": true, "true": true,
	"false": true, "like": true, "in": true, "between": true, "escape": true,
}

// splIdent is a field name as SPL reads it: bare when it is a plain
// identifier ([A-Za-z_][A-Za-z0-9_]*, not a keyword), else in double quotes
// with "" for a quote.
func splIdent(name string) string {
	if isPlainIdent(name) && !splKeywords[strings.ToLower(name)] {
		return name
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

func isPlainIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || (i > 0 && '0' <= c && c <= '9') {
			continue
		}
		return false
	}
	return true
}

var errNotUTF8 = errors.New("the value is not valid UTF-8, which an SPL string cannot hold")

// splString is value as an SPL string expression: in single quotes, a
// quote doubled (SPL has no backslash escapes), and control characters, which the
// one-line SPL bar cannot hold, as chr(N) joined with concat.
func splString(value string) (string, error) {
	if !utf8.ValidString(value) {
		return "", errNotUTF8
	}
	quote := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	if strings.IndexFunc(value, unicode.IsControl) < 0 {
		return quote(value), nil
	}
	var parts []string
	start := 0
	for i, r := range value {
		if !unicode.IsControl(r) {
			continue
		}
		if i > start {
			parts = append(parts, quote(value[start:i]))
		}
		parts = append(parts, "chr("+strconv.Itoa(int(r))+")")
		start = i + utf8.RuneLen(r)
	}
	if start < len(value) {
		parts = append(parts, quote(value[start:]))
	}
	if len(parts) == 1 {
		return parts[0], nil
	}
	return "concat(" + strings.Join(parts, ", ") + ")", nil
}

// whereEquals is "| where <field> = <value>" (or <>, with negate).
func whereEquals(field, value string, negate bool) (string, error) {
	lit, err := splString(value)
	if err != nil {
		return "", err
	}
	op := " = "
	if negate {
		op = " <> "
	}
	return "| where " + splIdent(field) + op + lit, nil
}

// appendStage adds a stage ("| where ...") to query. An empty query means
// every log ("*"); a final ";" is dropped; a trailing "--" comment, which
// would swallow what follows on its line, stays after the new stage.
func appendStage(query, stage string) string {
	q := strings.TrimSpace(query)
	if q == "" {
		return "* " + stage
	}
	comment := ""
	toks := spl.Check(q).Tokens
	if n := len(toks); n > 0 {
		last := toks[n-1]
		if last.Kind == spl.TokComment && strings.HasPrefix(q[last.Start:], "--") {
			comment = " " + q[last.Start:]
			q = strings.TrimSpace(q[:last.Start])
		}
	}
	q = strings.TrimSpace(strings.TrimSuffix(q, ";"))
	return q + " " + stage + comment
}
