package tui

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// matcher is the local filter and search predicate. A pattern matches a log
// when a key or value contains it; "key=text" matches when a key contains
// "key" and its value contains "text"; a leading "!" negates. Matching is
// case-insensitive unless the pattern has an upper-case letter (smart case,
// as in less and vim).
type matcher struct {
	pattern   string // as typed
	key, text string // the parts matched (lower-cased when fold)
	keyed     bool
	negate    bool
	fold      bool
}

func newMatcher(pattern string) *matcher {
	m := &matcher{pattern: pattern}
	p := pattern
	if strings.HasPrefix(p, "!") {
		m.negate = true
		p = p[1:]
	}
	m.fold = !hasUpper(p)
	if m.fold {
		p = strings.ToLower(p)
	}
	if k, v, ok := strings.Cut(p, "="); ok {
		m.key, m.text, m.keyed = k, v, true
	} else {
		m.text = p
	}
	return m
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
	if e.isNote() {
		return !m.negate && m.contains(e.note, m.text)
	}
	hit := false
	for k, v := range e.rec.Fields() {
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
