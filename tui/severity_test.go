package tui

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/slstail/slstail/consumer"
	"github.com/slstail/slstail/internal/demogen"
	hl "github.com/slstail/slstail/internal/highlight"
	"github.com/slstail/slstail/themes"
)

func TestSeverityClassify(t *testing.T) {
	s, err := newSeverity([]hl.Rule{
		{Field: "upstream_addr", Match: "prefix:10.0.3.", Style: "#ff8800"},
		{Field: "status", Match: "404", Style: "none"},
	}, themes.Dark())
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		fields    []string
		wantField int
		want      string // the style's level, or its colour
	}{
		{[]string{"method", "GET", "status", "503"}, 1, "error"},
		{[]string{"status", "404"}, -1, ""}, // silenced by the user's rule
		{[]string{"status", "403"}, 0, "warn"},
		{[]string{"status", "200", "upstream_addr", "10.0.3.7:80"}, 1, "#ff8800"},
		{[]string{"level", "FATAL", "status", "200"}, 0, "fatal"},
		{[]string{"status", "200"}, -1, ""},
	} {
		e := fieldsEntry(tt.fields...)
		field, style, ok := s.classify(ptr(e.rec()))
		got := ""
		if ok {
			st := s.rules.Styles()[style]
			got = st.Level.String()
			if st.Level == hl.LevelColor {
				got = st.Color
			}
		}
		if field != tt.wantField || got != tt.want {
			t.Errorf("%v: field %d style %q, want %d %q", tt.fields, field, got, tt.wantField, tt.want)
		}
	}
}

// The styles' codes come from the theme: under a colour profile an error
// is coloured, and in mono it is marked by attributes only.
func TestSeverityCodes(t *testing.T) {
	lipgloss.SetColorProfile(termenv.ANSI256)
	defer lipgloss.SetColorProfile(termenv.Ascii)
	e := fieldsEntry("status", "503")
	for _, th := range []themes.Theme{themes.Dark(), themes.Mono()} {
		s, err := newSeverity(nil, th)
		if err != nil {
			t.Fatal(err)
		}
		_, style, ok := s.classify(ptr(e.rec()))
		if !ok {
			t.Fatal("503 not classified")
		}
		c := s.codes(style, false)
		if c.pre == "" || c.pre == s.codes(style, true).pre {
			t.Errorf("%s: codes %q (selected %q): want a style that differs on the cursor line", th.Name, c.pre, s.codes(style, true).pre)
		}
		if colour := containsColour(c.pre); colour != (th.Name != "mono") {
			t.Errorf("%s error codes %q: colour %v", th.Name, c.pre, colour)
		}
	}
}

// containsColour reports whether an SGR sequence sets a foreground or
// background colour (30-38, 40-48, 90-97, 100-107).
func containsColour(seq string) bool {
	for _, part := range strings.Split(seq, "\x1b[") {
		params, _, ok := strings.Cut(part, "m")
		if !ok {
			continue
		}
		for _, p := range strings.Split(params, ";") {
			n, err := strconv.Atoi(p)
			if err == nil && (30 <= n && n <= 38 || 40 <= n && n <= 48 || 90 <= n && n <= 97 || 100 <= n && n <= 107) {
				return true
			}
		}
	}
	return false
}

// BenchmarkSeverity is the formatter's cost a line: the default rules over
// compacted demo access logs (the Session compacts what the UI keeps).
//
//	go test -run '^$' -bench Severity -benchmem ./tui
func BenchmarkSeverity(b *testing.B) {
	s, err := newSeverity(nil, themes.Dark())
	if err != nil {
		b.Fatal(err)
	}
	g := demogen.New(1, demogen.Options{})
	recs := make([]consumer.Record, 1024)
	for i := range recs {
		l := g.Next(t0.Add(time.Duration(i) * time.Millisecond))
		fs := make([]consumer.Field, len(l.Fields))
		for j, f := range l.Fields {
			fs[j] = consumer.Field{Key: f.Key, Value: f.Value}
		}
		recs[i] = consumer.NewRecord(0, l.Time, nil, fs...)
	}
	bt := consumer.Batch{Records: recs}
	bt.Compact()
	b.ReportAllocs()
	b.ResetTimer()
	hits := 0
	for i := range b.N {
		if _, _, ok := s.classify(&recs[i%len(recs)]); ok {
			hits++
		}
	}
	b.ReportMetric(float64(hits)/float64(b.N), "hits/line")
}
