// Package highlight decides which logs to show in a severity style: a 5xx
// status as an error, a level of "warn" as a warning, and whatever rules
// the config file's [[highlight]] tables add.
//
// A rule names a field, a match and a style:
//
//	[[highlight]]
//	field = "status"
//	match = "500-599"     # numeric range, inclusive
//	style = "error"
//
// Matches, tried on the field's value:
//
//	500-599, >=500, >500, <=99, <100   a number in the range (the value must read as a number)
//	re:EXPR                            a Go regular expression (case-sensitive; (?i) for not)
//	prefix:TEXT                        the value starts with TEXT, ignoring case
//	error|err                          the value is one of the words, ignoring case
//
// Styles: the severities fatal, error, warn, info, debug (each theme has
// them, in colour or as attributes in mono), "none" (no style: a rule that
// stops later ones, such as the defaults), or a colour: "#ff8800" or an
// ANSI number "196" (shown bold in the mono theme, which has no colour).
//
// Rules are tried in order, the file's before the defaults; the first rule
// that matches a field of a log decides its style. The check costs a few
// string comparisons a field and never allocates.
package highlight

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Style is a rule's style: one of the severities, none, or a colour.
type Style struct {
	Level Level
	Color string // for LevelColor: "#ff8800" or "196"
}

// Level is a severity, in increasing order of alarm.
type Level uint8

const (
	LevelNone Level = iota
	LevelDebug
	LevelInfo
	LevelWarn
	LevelError
	LevelFatal
	LevelColor // a colour of the user's, not a severity
)

var levelNames = map[string]Level{
	"none": LevelNone, "debug": LevelDebug, "info": LevelInfo,
	"warn": LevelWarn, "error": LevelError, "fatal": LevelFatal,
}

// String is the level's name in the config file.
func (l Level) String() string {
	for n, v := range levelNames {
		if v == l {
			return n
		}
	}
	return "color"
}

// Rule is one highlighting rule as written.
type Rule struct {
	Field string
	Match string
	Style string
}

// Defaults are the built-in rules, after the file's.
func Defaults() []Rule {
	var rs []Rule
	rs = append(rs,
		Rule{Field: "status", Match: "500-599", Style: "error"},
		Rule{Field: "status", Match: "400-499", Style: "warn"},
	)
	for _, f := range []string{"level", "severity"} {
		rs = append(rs,
			Rule{Field: f, Match: "fatal|critical|crit|panic|emerg|emergency|alert", Style: "fatal"},
			Rule{Field: f, Match: "error|err", Style: "error"},
			Rule{Field: f, Match: "warn|warning", Style: "warn"},
		)
	}
	return rs
}

// ParseStyle reads a style name or colour.
func ParseStyle(s string) (Style, error) {
	name := strings.ToLower(strings.TrimSpace(s))
	if l, ok := levelNames[name]; ok {
		return Style{Level: l}, nil
	}
	if isHexColor(name) {
		return Style{Level: LevelColor, Color: name}, nil
	}
	if n, err := strconv.Atoi(name); err == nil && n >= 0 && n <= 255 && name == strconv.Itoa(n) {
		return Style{Level: LevelColor, Color: name}, nil
	}
	return Style{}, fmt.Errorf("style %q: want fatal, error, warn, info, debug, none, a colour like \"#ff8800\" or an ANSI colour number 0-255", s)
}

func isHexColor(s string) bool {
	if len(s) != 7 && len(s) != 4 || s[0] != '#' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// matchKind is how a match reads a value.
type matchKind uint8

const (
	matchWords matchKind = iota
	matchPrefix
	matchRegexp
	matchRange
)

// matcher is a parsed match.
type matcher struct {
	kind   matchKind
	words  []string // matchWords; matchPrefix: words[0]
	re     *regexp.Regexp
	lo, hi float64 // matchRange, inclusive; exclusivity folded in loInc/hiInc
	loInc  bool
	hiInc  bool
}

// ParseMatch checks a match as Compile would read it.
func ParseMatch(s string) error {
	_, err := parseMatch(s)
	return err
}

var errEmptyMatch = errors.New("empty match: want a range (500-599, >=500), re:EXPR, prefix:TEXT or words (error|err)")

func parseMatch(s string) (matcher, error) {
	if s == "" {
		return matcher{}, errEmptyMatch
	}
	if expr, ok := strings.CutPrefix(s, "re:"); ok {
		re, err := regexp.Compile(expr)
		if err != nil {
			return matcher{}, fmt.Errorf("match %q: %w", s, err)
		}
		return matcher{kind: matchRegexp, re: re}, nil
	}
	if p, ok := strings.CutPrefix(s, "prefix:"); ok {
		if p == "" {
			return matcher{}, fmt.Errorf("match %q: empty prefix", s)
		}
		return matcher{kind: matchPrefix, words: []string{p}}, nil
	}
	if m, ok, err := parseRange(s); ok || err != nil {
		if err != nil {
			return matcher{}, fmt.Errorf("match %q: %w", s, err)
		}
		return m, nil
	}
	words := strings.Split(s, "|")
	for _, w := range words {
		if w == "" {
			return matcher{}, fmt.Errorf("match %q: an empty word between '|'", s)
		}
	}
	return matcher{kind: matchWords, words: words}, nil
}

// parseRange reads "N-M", ">=N", ">N", "<=N", "<N"; ok is false when s is
// not written as a range at all (then it is words).
func parseRange(s string) (m matcher, ok bool, err error) {
	m = matcher{kind: matchRange, loInc: true, hiInc: true}
	num := func(t string) (float64, error) {
		f, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
		if err != nil {
			return 0, fmt.Errorf("%q is not a number", strings.TrimSpace(t))
		}
		return f, nil
	}
	inf := math.Inf(1)
	for _, op := range []string{">=", "<=", ">", "<"} {
		rest, found := strings.CutPrefix(s, op)
		if !found {
			continue
		}
		n, err := num(rest)
		if err != nil {
			return m, true, err
		}
		switch op {
		case ">=":
			m.lo, m.hi = n, inf
		case ">":
			m.lo, m.hi, m.loInc = n, inf, false
		case "<=":
			m.lo, m.hi = -inf, n
		case "<":
			m.lo, m.hi, m.hiInc = -inf, n, false
		}
		return m, true, nil
	}
	// N-M: both sides must look numeric, else it is a word ("x-ray").
	i := strings.IndexByte(s[1:], '-') + 1 // a leading '-' is a sign
	if i <= 0 || !looksNumeric(s[:i]) || !looksNumeric(s[i+1:]) {
		return m, false, nil
	}
	lo, err1 := num(s[:i])
	hi, err2 := num(s[i+1:])
	if err := errors.Join(err1, err2); err != nil {
		return m, true, err
	}
	if lo > hi {
		return m, true, fmt.Errorf("the range is empty: %s > %s", s[:i], s[i+1:])
	}
	m.lo, m.hi = lo, hi
	return m, true, nil
}

func looksNumeric(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return false
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

func (m *matcher) match(v string) bool {
	switch m.kind {
	case matchWords:
		for _, w := range m.words {
			if len(w) == len(v) && strings.EqualFold(w, v) {
				return true
			}
		}
		return false
	case matchPrefix:
		p := m.words[0]
		return len(v) >= len(p) && strings.EqualFold(v[:len(p)], p)
	case matchRegexp:
		return m.re.MatchString(v)
	}
	f, ok := parseNumber(v)
	if !ok {
		return false
	}
	return (f > m.lo || m.loInc && f == m.lo) && (f < m.hi || m.hiInc && f == m.hi)
}

// parseNumber reads a value as a number without allocating: integers (the
// usual case, a status) by hand, anything else through ParseFloat, which
// allocates only on error, and only for values that look numeric.
func parseNumber(v string) (float64, bool) {
	if v == "" || len(v) > 32 {
		return 0, false
	}
	n, neg, i := 0.0, false, 0
	if v[0] == '-' || v[0] == '+' {
		neg, i = v[0] == '-', 1
	}
	if i == len(v) {
		return 0, false
	}
	for ; i < len(v); i++ {
		c := v[i]
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + float64(c-'0')
	}
	if i == len(v) {
		if neg {
			n = -n
		}
		return n, true
	}
	for j := i; j < len(v); j++ {
		c := v[j]
		if !(c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+') {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(v, 64)
	return f, err == nil
}

// Rules are compiled rules, safe for concurrent use.
type Rules struct {
	fields  []string // distinct field names, in first-rule order
	byField [][]rule
	styles  []Style // the distinct styles, by index; Hit.Style indexes it
}

type rule struct {
	order int // position among all rules: the lowest matching wins
	m     matcher
	style int
}

// Hit is a rule's verdict on a log.
type Hit struct {
	Field int // index, in the log's field order, of the field that matched
	Style int // index into Styles()
	order int
}

// Compile compiles rules (the file's, then Defaults() if the caller wants
// them). The error names the rule by its position, from 1.
func Compile(rules []Rule) (*Rules, error) {
	rs := &Rules{}
	styleIndex := map[Style]int{}
	for i, r := range rules {
		m, err := parseMatch(r.Match)
		if err != nil {
			return nil, fmt.Errorf("highlight rule %d: %w", i+1, err)
		}
		st, err := ParseStyle(r.Style)
		if err != nil {
			return nil, fmt.Errorf("highlight rule %d: %w", i+1, err)
		}
		if r.Field == "" {
			return nil, fmt.Errorf("highlight rule %d: no field", i+1)
		}
		si, ok := styleIndex[st]
		if !ok {
			si = len(rs.styles)
			styleIndex[st] = si
			rs.styles = append(rs.styles, st)
		}
		fi := -1
		for j, f := range rs.fields {
			if f == r.Field {
				fi = j
			}
		}
		if fi < 0 {
			fi = len(rs.fields)
			rs.fields = append(rs.fields, r.Field)
			rs.byField = append(rs.byField, nil)
		}
		rs.byField[fi] = append(rs.byField[fi], rule{order: i, m: m, style: si})
	}
	return rs, nil
}

// Styles are the styles hits refer to, by index.
func (rs *Rules) Styles() []Style { return rs.styles }

// Check tries the rules on one field of a log: i is the field's index in
// the log. It keeps in best the hit of the earliest rule so far; start with
// a zero Hit and ok false. A caller loops over a log's fields:
//
//	var best highlight.Hit
//	found := false
//	for i, k, v := range fields { best, found = rs.Check(best, found, i, k, v) }
func (rs *Rules) Check(best Hit, found bool, i int, key, value string) (Hit, bool) {
	for fi, f := range rs.fields {
		if len(f) != len(key) || f != key {
			continue
		}
		for _, r := range rs.byField[fi] {
			if found && r.order >= best.order {
				break // rules are in order: none later can win
			}
			if r.m.match(value) {
				return Hit{Field: i, Style: r.style, order: r.order}, true
			}
		}
		break
	}
	return best, found
}
