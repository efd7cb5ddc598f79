package tui

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/slstail/slstail/consumer"
)

func fieldsEntry(kv ...string) *entry {
	var fs []consumer.Field
	for i := 0; i+1 < len(kv); i += 2 {
		fs = append(fs, consumer.Field{Key: kv[i], Value: kv[i+1]})
	}
	return ptr(logEntry(recWith(0, 0, fs...)))
}

func TestMatcherRegexp(t *testing.T) {
	e := fieldsEntry("status", "503", "uri", "/api/v1/Orders/17", "upstream_addr", "10.0.3.7:8080")
	tests := []struct {
		pat  string
		want bool
	}{
		{`re:^5\d\d$`, true},          // a value
		{`re:^4\d\d$`, false},         //
		{`re:orders/\d+`, true},       // smart case: no upper-case letter, so any case
		{`re:Orders/\d+`, true},       // an upper-case letter: exact case
		{`re:ORDERS`, false},          //
		{`re:\S+_addr`, true},         // \S is an escape, not an upper-case letter: still folds
		{`re:UPSTREAM`, false},        // keys match too, with case
		{`re:upstream`, true},         //
		{`status=re:^5`, true},        // one field's value
		{`uri=re:^5`, false},          //
		{`STATUS=re:^5`, false},       // the key part counts for smart case
		{`!re:^5\d\d$`, false},        // negated
		{`!status=re:^2`, true},       //
		{`re:10\.0\.3\.\d+:80`, true}, // dots escaped
		{`re:a=b`, false},             // "=" inside a regexp is not a key separator
		{`re:status=5\d\d`, true},     // ... but it is tried on key=value, as the line shows a field
		{`re:^status=50[34]$`, true},  //
		{`re:status=4\d\d`, false},    //
		{`re:=/api/v1`, true},         // a value's start
		{`!re:status=5\d\d`, false},   //
	}
	for _, tt := range tests {
		m, err := compileMatcher(tt.pat)
		if err != nil {
			t.Fatalf("%q: %v", tt.pat, err)
		}
		if got := m.matchEntry(e); got != tt.want {
			t.Errorf("%q on %v = %v, want %v", tt.pat, e.rec().AppendFields(nil), got, tt.want)
		}
	}
	if m := newMatcher("re:x"); m.matchEntry(ptr(noteEntry("query: re:x"))) != true {
		t.Error("a regexp does not match a note")
	}
}

func TestMatcherRegexpErrors(t *testing.T) {
	_, err := compileMatcher(`re:(5\d\d`)
	if err == nil || !strings.Contains(err.Error(), "missing closing )") {
		t.Fatalf("error = %v, want the regexp's complaint", err)
	}
	// newMatcher (today's callers) falls back to literal text.
	m := newMatcher(`re:(5`)
	if !m.matchEntry(fieldsEntry("note", "see re:(5 here")) || m.matchEntry(fieldsEntry("status", "503")) {
		t.Error("an invalid regexp is not matched literally")
	}
}

func TestMatcherRegexpFind(t *testing.T) {
	m := newMatcher(`re:5\d\d|x*`)
	got := m.find("status=503 code=504", 10)
	if want := [][2]int{{7, 10}, {16, 19}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("find = %v, want %v (empty matches dropped)", got, want)
	}
}

// The counter: counted once in a command over a snapshot, then kept up to
// date line by line, and trimmed as lines are evicted.
func TestMatchCount(t *testing.T) {
	buf := newChunkRing(10)
	add := func(status string) uint64 {
		seq := buf.next
		buf.push(*fieldsEntry("status", status))
		return seq
	}
	for _, s := range []string{"200", "500", "200", "503", "404"} {
		add(s)
	}
	var c matchCount
	if c.label(0) != "" {
		t.Fatal("a label without a search")
	}
	cmd := c.reset(newMatcher("re:^5"), lineFilter{shard: -1}, buf.snapshot())
	if got := c.label(0); got != "…" {
		t.Fatalf("label while counting = %q", got)
	}
	// Lines arrive while the count runs: the result must still see them.
	add("502")
	msg := cmd().(matchCountMsg)
	c.onResult(msg, buf)
	for _, tt := range []struct {
		cursor uint64
		want   string
	}{{0, "0/3"}, {1, "1/3"}, {2, "1/3"}, {3, "2/3"}, {5, "3/3"}} {
		if got := c.label(tt.cursor); got != tt.want {
			t.Errorf("label(%d) = %q, want %q", tt.cursor, got, tt.want)
		}
	}
	// Incrementally: the root adds each appended line and trims evictions.
	for range 6 {
		seq := add("599")
		c.add(seq, buf.at(seq))
	}
	c.trim(buf.first) // the buffer holds 10: seqs 2..11
	if got, want := c.label(buf.next-1), "8/8"; got != want {
		t.Errorf("after appends and evictions: %q, want %q", got, want)
	}
	// A stale result (from a superseded count) is ignored.
	cmd2 := c.reset(newMatcher("404"), lineFilter{shard: -1}, buf.snapshot())
	c.reset(newMatcher("599"), lineFilter{shard: -1}, buf.snapshot())
	if m := cmd2(); m != nil {
		c.onResult(m.(matchCountMsg), buf)
	}
	if c.ready {
		t.Fatal("a superseded count was taken")
	}
}

// The counter respects the view: a shard's pane and the local filter.
func TestMatchCountView(t *testing.T) {
	buf := newChunkRing(100)
	for i := range 20 {
		buf.push(logEntry(recWith(i%2, i, consumer.Field{Key: "status", Value: []string{"500", "200"}[i%4/2]})))
	}
	var c matchCount
	cmd := c.reset(newMatcher("500"), lineFilter{shard: 1}, buf.snapshot())
	c.onResult(cmd().(matchCountMsg), buf)
	if _, total := c.position(buf.next); total != 5 {
		t.Fatalf("shard 1 has %d matches, want 5", total)
	}
}

// Matching lower-cased text without (?i) must agree with (?i) on the text
// as it is, for every expression lowerable allows, and lowerable must turn
// away an escape naming an upper-case letter.
func TestRegexpLowerCasedAgreesWithFold(t *testing.T) {
	exprs := []string{`status=5\d\d`, `^get$`, `[a-z]+/\d+`, `[^a-z]`, `\bmozilla\b`, `\S+_addr`, `a.c`, `\x41`, `\101`, `\pL`}
	texts := []string{"status=503", "STATUS=504", "GET", "get", "Items/42", "AB", "1", "Mozilla/5.0", "upstream_addr", "aXc", "A", "É", "é/7", ""}
	for _, expr := range exprs {
		wantLowerable := !strings.Contains(expr, `\x`) && !strings.Contains(expr, `\1`) && !strings.Contains(expr, `\p`)
		if got := lowerable(expr); got != wantLowerable {
			t.Errorf("lowerable(%q) = %v, want %v", expr, got, wantLowerable)
		}
		if !wantLowerable {
			continue
		}
		m, err := compileMatcher("re:" + expr)
		if err != nil {
			t.Fatal(err)
		}
		m.lowRe = regexp.MustCompile(expr) // whether or not it is worth it
		for _, s := range texts {
			var buf []byte
			if got, want := m.reMatch(s, &buf), m.re.MatchString(s); got != want {
				t.Errorf("%q on %q: %v, (?i) says %v", expr, s, got, want)
			}
		}
	}
	// Used where it pays: a literal prefix to scan for, not anchored.
	for expr, want := range map[string]bool{`status=5\d\d`: true, `^status`: false, `[a-z]+/\d+`: false, `mozilla`: true} {
		if m, _ := compileMatcher("re:" + expr); (m.lowRe != nil) != want {
			t.Errorf("%q: lower-cased matching %v, want %v", expr, m.lowRe != nil, want)
		}
	}
	// key=value, lower-cased the same way.
	m, _ := compileMatcher(`re:status=5\d\d`)
	var buf []byte
	if !m.matchPair("Status", "503", &buf) || m.matchPair("status", "404", &buf) {
		t.Error("matchPair")
	}
}

func TestQuotePatternAsTyped(t *testing.T) {
	if got := quotePattern(`re:status=5\d\d`); got != `"re:status=5\d\d"` {
		t.Errorf("quotePattern = %s, want the backslashes as typed", got)
	}
	if got := quotePattern("a\x1b[31mb"); strings.ContainsRune(got, 0x1b) {
		t.Errorf("quotePattern kept an escape: %q", got)
	}
}
