package tui

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/slstail/slstail/consumer"
	"github.com/slstail/slstail/internal/textsafe"
)

// matcher is the local filter and search predicate. A pattern matches a log
// when a key or value contains it; "key=text" matches when a key contains
// "key" and its value contains "text"; a leading "!" negates. Matching is
// case-insensitive unless the pattern has an upper-case letter (smart case,
// as in less and vim).
//
// "re:EXPR" is a regular expression (Go's RE2 syntax) that matches a log
// when it matches a key or a value, or, when EXPR has an "=", a field as
// the line shows it ("key=value": re:status=5\d\d reads as it looks);
// "key=re:EXPR" matches the values of the
// keys that contain "key". Smart case applies to the expression's literal
// letters (an escape such as \S or \D is not an upper-case letter).
// "key==text" is exact: the field named key (exactly) has the value text
// (exactly, whatever the case), as the facet view filters to a value.
// "a && b" matches what both a and b match.
//
// A matcher never changes once built, so commands may use it off the
// Update loop.
type matcher struct {
	pattern   string // as typed
	key, text string // the parts matched (lower-cased when fold)
	re        *regexp.Regexp
	lowRe     *regexp.Regexp // re without (?i), for ASCII text lower-cased (see lowerable)
	pairs     bool           // re is also tried on "key=value"
	// bufs are the buffers lowRe and pairs build text in: a matcher runs
	// over a million lines, on several goroutines at once.
	bufs   *sync.Pool
	keyed  bool
	exact  bool                                 // key==text
	get    func(consumer.Record) (string, bool) // the exact key's value (meta fields too)
	negate bool
	fold   bool
	all    []*matcher // "a && b": every one must match
}

// quotePattern quotes a pattern for a message as it was typed: %q would
// double every backslash of a regexp (re:5\\d\\d for re:5\d\d). Its
// control characters are neutralised, as %q did.
func quotePattern(p string) string { return `"` + textsafe.Sanitize(p) + `"` }

// andSep joins patterns that must all match.
const andSep = " && "

// exactMatcher matches the logs whose field is exactly value (or, with
// negate, the others), however the two are spelled: the facet view's
// filter is built from the value itself, never parsed back from text.
func exactMatcher(field, value string, negate bool) *matcher {
	p := field + "==" + value
	if negate {
		p = "!" + p
	}
	return &matcher{pattern: p, key: field, text: value, keyed: true, exact: true, negate: negate, get: facetGetter(field)}
}

// and is a matcher of what both a (nil: everything) and b match.
func and(a, b *matcher) *matcher {
	if a == nil {
		return b
	}
	var parts []*matcher
	for _, m := range []*matcher{a, b} {
		if m.all != nil {
			parts = append(parts, m.all...)
		} else {
			parts = append(parts, m)
		}
	}
	return &matcher{pattern: a.pattern + andSep + b.pattern, all: parts}
}

// regexPrefix marks a pattern, or the text part of "key=text", as a
// regular expression.
const regexPrefix = "re:"

// newMatcher builds the matcher of pattern. A "re:" pattern that does not
// compile matches its text literally; compileMatcher reports the error.
func newMatcher(pattern string) *matcher {
	m, err := compileMatcher(pattern)
	if err != nil {
		return literalMatcher(pattern)
	}
	return m
}

// compileMatcher is newMatcher that reports a bad regular expression.
func compileMatcher(pattern string) (*matcher, error) {
	if strings.Contains(pattern, andSep) {
		var all *matcher
		for _, p := range strings.Split(pattern, andSep) {
			if p = strings.TrimSpace(p); p == "" {
				continue
			}
			m, err := compileMatcher(p)
			if err != nil {
				return nil, err
			}
			all = and(all, m)
		}
		if all != nil {
			all.pattern = pattern
			return all, nil
		}
	}
	m := &matcher{pattern: pattern}
	p := pattern
	if strings.HasPrefix(p, "!") {
		m.negate = true
		p = p[1:]
	}
	if k, v, ok := strings.Cut(p, "=="); ok && k != "" && !strings.HasPrefix(p, regexPrefix) {
		m.key, m.text, m.keyed, m.exact = k, v, true, true
		m.get = facetGetter(k)
		return m, nil
	}
	expr, isRe := strings.CutPrefix(p, regexPrefix)
	if !isRe {
		if k, v, ok := strings.Cut(p, "="); ok {
			if expr, isRe = strings.CutPrefix(v, regexPrefix); isRe {
				m.key, m.keyed = k, true
				m.fold = !hasUpper(k) && !hasUpperLiteral(expr)
				if m.fold {
					m.key = strings.ToLower(k)
				}
			}
		}
	} else {
		m.fold = !hasUpperLiteral(expr)
		m.pairs = strings.Contains(expr, "=")
	}
	if isRe {
		src := expr
		if m.fold {
			src = "(?i)" + expr
		}
		re, err := regexp.Compile(src)
		if err != nil {
			if _, raw := regexp.Compile(expr); raw != nil {
				err = raw // name the text as typed, not with the (?i) added
			}
			return nil, fmt.Errorf("regular expression %q: %w", expr, unwrapSyntax(err))
		}
		m.re = re
		if m.fold && lowerable(expr) {
			m.lowRe = worthLowering(expr)
		}
		if m.lowRe != nil || m.pairs {
			m.bufs = &sync.Pool{New: func() any { return new([]byte) }}
		}
		return m, nil
	}
	literal(m, p)
	return m, nil
}

// literalMatcher matches pattern as plain text, whatever it looks like.
func literalMatcher(pattern string) *matcher {
	m := &matcher{pattern: pattern}
	p := pattern
	if strings.HasPrefix(p, "!") {
		m.negate = true
		p = p[1:]
	}
	literal(m, p)
	return m
}

func literal(m *matcher, p string) {
	m.fold = !hasUpper(p)
	if m.fold {
		p = strings.ToLower(p)
	}
	if k, v, ok := strings.Cut(p, "="); ok {
		m.key, m.text, m.keyed = k, v, true
	} else {
		m.text = p
	}
}

// unwrapSyntax drops regexp's "error parsing regexp: " prefix, which the
// caller's message already says.
func unwrapSyntax(err error) error {
	var se *syntax.Error
	if errors.As(err, &se) {
		return fmt.Errorf("%s: `%s`", se.Code, se.Expr)
	}
	return err
}

// hasUpperLiteral is hasUpper for a regular expression: the letter after a
// backslash is an escape (\S, \D, \W), not a letter to match.
func hasUpperLiteral(expr string) bool {
	esc := false
	for _, r := range expr {
		switch {
		case esc:
			esc = false
		case r == '\\':
			esc = true
		case unicode.IsUpper(r):
			return true
		}
	}
	return false
}

// lowerable reports whether a case-insensitive expr (one with no
// upper-case letter) can match ASCII text lower-cased instead of using
// (?i), which costs Go's regexp its literal-prefix scan: an unanchored
// (?i)status.50\d filters 100,000 lines in 820 ms, status.50\d on them
// lower-cased in 136 (BenchmarkFilter). It can when every escape is one
// that means the same on lower-cased text (classes, anchors, punctuation);
// \x41 or \101 name an upper-case letter that lower-cased text lacks.
func lowerable(expr string) bool {
	for i := 0; i < len(expr); i++ {
		if expr[i] != '\\' {
			continue
		}
		i++
		if i == len(expr) {
			return false
		}
		c := expr[i]
		if strings.IndexByte("dDsSwWbBAz", c) < 0 && (c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// worthLowering compiles expr for lower-cased text when that pays: when
// it has a literal prefix to scan for, which (?i) loses, and is not
// anchored at the start, which fails fast anyway (lower-casing the text
// costs more than it saves there).
func worthLowering(expr string) *regexp.Regexp {
	if strings.HasPrefix(expr, "^") || strings.HasPrefix(expr, `\A`) {
		return nil
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil
	}
	if prefix, _ := re.LiteralPrefix(); prefix == "" {
		return nil
	}
	return re
}

// reMatch matches s with m.re, through lowRe on a lower-cased copy in buf
// when s is ASCII.
func (m *matcher) reMatch(s string, buf *[]byte) bool {
	if m.lowRe == nil {
		return m.re.MatchString(s)
	}
	b, ok := appendLowerASCII(scratch(buf), s)
	*buf = b
	if !ok {
		return m.re.MatchString(s)
	}
	return m.lowRe.Match(b)
}

// scratch empties a buffer of m.bufs for the next field.
func scratch(buf *[]byte) []byte { return (*buf)[:0] }

// appendLowerASCII appends s lower-cased to dst; ok is false (and dst
// partial) when s is not ASCII.
func appendLowerASCII(dst []byte, s string) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return dst, false
		}
		dst = append(dst, lower(c))
	}
	return dst, true
}

func hasUpper(s string) bool {
	for _, r := range s {
		if unicode.IsUpper(r) {
			return true
		}
	}
	return false
}

func (m *matcher) contains(s, sub string) bool {
	if m.fold {
		return containsFold(s, sub)
	}
	return strings.Contains(s, sub)
}

func (m *matcher) matchEntry(e *entry) bool {
	if m.all != nil {
		for _, p := range m.all {
			if !p.matchEntry(e) {
				return false
			}
		}
		return true
	}
	if m.exact {
		if e.isNote() {
			return false
		}
		v, ok := m.get(e.rec())
		return (ok && v == m.text) != m.negate
	}
	if m.re != nil {
		return m.matchRegexp(e)
	}
	if e.isNote() {
		return !m.negate && m.contains(e.noteText(), m.text)
	}
	hit := false
	for k, v := range e.rec().Fields() {
		if m.keyed {
			if m.contains(k, m.key) && m.contains(v, m.text) {
				hit = true
				break
			}
			continue
		}
		if m.contains(k, m.text) || m.contains(v, m.text) {
			hit = true
			break
		}
	}
	return hit != m.negate
}

func (m *matcher) matchRegexp(e *entry) bool {
	var buf *[]byte // for lower-cased text and key=value
	if m.bufs != nil {
		buf = m.bufs.Get().(*[]byte)
		defer m.bufs.Put(buf)
	}
	if e.isNote() {
		return !m.negate && !m.keyed && m.reMatch(e.noteText(), buf)
	}
	hit := false
	for k, v := range e.rec().Fields() {
		if m.keyed {
			if m.contains(k, m.key) && m.reMatch(v, buf) {
				hit = true
				break
			}
			continue
		}
		if m.reMatch(k, buf) || m.reMatch(v, buf) {
			hit = true
			break
		}
		if m.pairs && m.matchPair(k, v, buf) {
			hit = true
			break
		}
	}
	return hit != m.negate
}

// matchPair matches "k=v", as the line shows the field.
func (m *matcher) matchPair(k, v string, buf *[]byte) bool {
	if m.lowRe != nil {
		b, ok := appendLowerASCII(scratch(buf), k)
		if ok {
			b = append(b, '=')
			b, ok = appendLowerASCII(b, v)
		}
		*buf = b
		if ok {
			return m.lowRe.Match(b)
		}
	}
	b := append(append(append(scratch(buf), k...), '='), v...)
	*buf = b
	return m.re.Match(b)
}

// containsFold reports whether s contains the lower-case sub, ignoring case.
// The ASCII path does not allocate: this runs over the whole buffer when a
// filter is set.
func containsFold(s, sub string) bool {
	if sub == "" {
		return true
	}
	if len(sub) > len(s) {
		return false
	}
	for i := 0; i < len(sub); i++ {
		if sub[i] >= utf8.RuneSelf {
			return strings.Contains(strings.ToLower(s), sub)
		}
	}
	c0 := sub[0]
	for i := 0; i+len(sub) <= len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return strings.Contains(strings.ToLower(s), sub)
		}
		if lower(c) != c0 {
			continue
		}
		j := 1
		for ; j < len(sub); j++ {
			if lower(s[i+j]) != sub[j] {
				break
			}
		}
		if j == len(sub) {
			return true
		}
	}
	return false
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// indexFold returns the byte ranges of the matches of m.text in s (for
// highlighting), at most max of them.
func (m *matcher) find(s string, max int) [][2]int {
	if m.all != nil {
		var out [][2]int
		for _, p := range m.all {
			out = append(out, p.find(s, max)...)
		}
		return mergeRanges(out, max)
	}
	if m.exact {
		if m.negate {
			return nil
		}
		return (&matcher{text: m.key + "=" + displayValue(m.text)}).find(s, max)
	}
	if m.re != nil {
		if m.negate {
			return nil
		}
		var out [][2]int
		// Empty matches count towards FindAll's limit but highlight
		// nothing: ask for all and keep max of the others.
		for _, loc := range m.re.FindAllStringIndex(s, -1) {
			if loc[1] > loc[0] {
				out = append(out, [2]int{loc[0], loc[1]})
				if len(out) == max {
					break
				}
			}
		}
		return out
	}
	needle := m.text
	if m.keyed {
		needle = m.key + "=" + m.text
	}
	if needle == "" || m.negate {
		return nil
	}
	hay := s
	if m.fold {
		hay = strings.ToLower(s)
		if len(hay) != len(s) {
			// Lower-casing changed byte lengths (rare scripts): offsets
			// would be wrong, so match case-sensitively instead.
			hay = s
		}
	}
	var out [][2]int
	for off := 0; len(out) < max; {
		i := strings.Index(hay[off:], needle)
		if i < 0 {
			break
		}
		out = append(out, [2]int{off + i, off + i + len(needle)})
		off += i + len(needle)
	}
	return out
}

// mergeRanges sorts byte ranges and joins those that overlap, keeping at
// most max: highlight wants them in order and disjoint.
func mergeRanges(rs [][2]int, max int) [][2]int {
	slices.SortFunc(rs, func(a, b [2]int) int { return a[0] - b[0] })
	var out [][2]int
	for _, r := range rs {
		if n := len(out); n > 0 && r[0] <= out[n-1][1] {
			out[n-1][1] = maxInt(out[n-1][1], r[1])
			continue
		}
		if len(out) == max {
			break
		}
		out = append(out, r)
	}
	return out
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}
