package tui

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"
	"github.com/slstail/slstail/consumer"
	hl "github.com/slstail/slstail/internal/highlight"
	"github.com/slstail/slstail/themes"
)

// knownBatches are facetBuffer's 100 logs as two shards deliver them, in
// time order, 137 ms apart:
//
//	upstream_addr  10.0.0.1:80 ×50, 10.0.0.2:80 ×30, 10.0.0.3:80 ×15, absent ×5
//	status         503 ×10 (i%10 == 0), 404 ×10, 200 ×80
//	request_time   0.001 … 0.100, "-" on line 7
func knownBatches() batchMsg {
	var msg batchMsg
	byShard := [2][]consumer.Record{}
	for i := range 100 {
		fs := append(knownFields(i), consumer.Field{Key: "uri", Value: fmt.Sprintf("/k/%d", i)})
		byShard[i%2] = append(byShard[i%2], recWith(i%2, i, fs...))
	}
	for s, recs := range byShard {
		msg.batches = append(msg.batches, consumer.Batch{Shard: s, Records: recs})
		msg.records += len(recs)
	}
	return msg
}

func knownModel(t *testing.T, w, h int) *Model {
	t.Helper()
	f := newFake()
	f.status.Shards = shardStatus(2)
	m := newTestModel(t, f, w, h)
	send(m, knownBatches())
	return m
}

func goldenView(t *testing.T, m *Model) {
	t.Helper()
	view := m.View()
	lines := strings.Split(view, "\n")
	if len(lines) != m.height {
		t.Errorf("view has %d lines, screen has %d", len(lines), m.height)
	}
	for i, l := range lines {
		if w := textWidth(l); w > m.width {
			t.Errorf("line %d is %d columns wide, screen %d: %q", i, w, m.width, l)
		}
	}
	golden.RequireEqual(t, []byte(view))
}

// F on the log view: the field by tab completion, the values counted off
// the loop, and enter filters the buffer to the value in the Update of the
// key, so that the key after it already moves in the filtered tail.
func TestRootFacetsFilterToValue(t *testing.T) {
	m := knownModel(t, 100, 24)
	keys(t, m, "F")
	if m.overlay != m.facets || m.focused() != m.facets {
		t.Fatal("F did not open the facet view on its field input")
	}
	typeText(m, "ups")
	keys(t, m, "tab", "enter")
	v := m.View()
	for _, want := range []string{"Facets · upstream_addr", "10.0.0.1:80", "50", "52.6%", "10.0.0.2:80", "10.0.0.3:80"} {
		if !strings.Contains(v, want) {
			t.Fatalf("facet view lacks %q:\n%s", want, v)
		}
	}
	// j enter k, with no command run between them: enter closes at once
	// and starts the filter; k waits for it, and moves in the filtered tail
	// as it would had filtering taken no time.
	send(m, press("j")...)
	filter := send(m, press("enter")...)
	send(m, press("k")...)
	if m.overlay != nil {
		t.Fatal("enter did not close the facet view")
	}
	if !strings.Contains(m.View(), "upstream_addr==10.0.0.2:80 …") {
		t.Error("the status line does not say the filter is being applied")
	}
	run(t, m, filter)
	if f := m.store.filter; f == nil || f.pattern != "upstream_addr==10.0.0.2:80" {
		t.Fatalf("filter %+v, want upstream_addr==10.0.0.2:80", f)
	}
	if n := m.store.fAll.Len(); n != 30 {
		t.Fatalf("the filter keeps %d lines, want 30", n)
	}
	if l := cursorLine(m); !strings.Contains(l, "uri=/k/78") {
		t.Errorf("k after enter: cursor on %q, want the line above the newest match (/k/78)", l)
	}

	// Facets of the filtered view; x excludes a value and stays open on
	// what is left.
	keys(t, m, "F")
	typeText(m, "status")
	keys(t, m, "enter")
	if v := m.View(); !strings.Contains(v, "30 lines in view") {
		t.Fatalf("the second count is not over the filtered view:\n%s", v)
	}
	keys(t, m, "x") // 200, the commonest
	if m.overlay != m.facets {
		t.Fatal("x closed the facet view")
	}
	if f := m.store.filter; f.pattern != "upstream_addr==10.0.0.2:80 && !status==200" {
		t.Fatalf("filter %q after x", f.pattern)
	}
	if v := m.View(); !strings.Contains(v, "6 lines in view") || strings.Contains(v, " 200 ") {
		t.Fatalf("after x the view is not recounted without 200:\n%s", v)
	}
	keys(t, m, "esc")
	if m.overlay != nil || !idle(m) {
		t.Fatal("esc did not close the facet view")
	}
}

// e on a value opens the SPL editor with the stage appended, not applied,
// in the Update of the key: the next keys are typed into it.
func TestRootFacetsAddToQuery(t *testing.T) {
	m := knownModel(t, 100, 24)
	m.editor.running = "* | where status >= 400"
	keys(t, m, "F")
	typeText(m, "upstream_addr")
	keys(t, m, "enter")
	send(m, press("e", " ")...)
	if !m.editor.Focused() || m.overlay != nil {
		t.Fatal("e did not open the editor in place of the facet view")
	}
	want := "* | where status >= 400 | where upstream_addr = '10.0.0.1:80' "
	if got := m.editor.input.Value(); got != want {
		t.Fatalf("editor text %q, want %q", got, want)
	}
	if len(m.src.(*fakeSource).restarts) != 0 {
		t.Fatal("the query was applied without enter")
	}
}

// The facet view in the root, at 80×24 and wide, values and numbers.
func TestGoldenRootFacets(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {160, 40}} {
		t.Run(fmt.Sprintf("values-%dx%d", sz[0], sz[1]), func(t *testing.T) {
			m := knownModel(t, sz[0], sz[1])
			keys(t, m, "F")
			typeText(m, "upstream_addr")
			keys(t, m, "enter", "j")
			goldenView(t, m)
		})
		t.Run(fmt.Sprintf("numbers-%dx%d", sz[0], sz[1]), func(t *testing.T) {
			m := knownModel(t, sz[0], sz[1])
			keys(t, m, "F")
			typeText(m, "request_time")
			keys(t, m, "enter")
			goldenView(t, m)
		})
	}
}

// T charts the view's lines per second against the search; enter on a
// second moves the tail's cursor to its first line, in the same Update.
func TestRootTimelineJump(t *testing.T) {
	m := knownModel(t, 100, 24)
	keys(t, m, "/")
	typeText(m, "status=503")
	keys(t, m, "enter")
	keys(t, m, "T")
	if m.overlay != m.timeline {
		t.Fatal("T did not open the timeline")
	}
	d := m.timeline.data
	if d == nil {
		t.Fatal("the timeline did not count")
	}
	// 100 lines 137 ms apart from t0: seconds 0..13, 7 or 8 a second.
	if d.start != t0.Unix() || len(d.all) != 14 || d.lines != 100 {
		t.Fatalf("timeline start %d, %d seconds, %d lines", d.start, len(d.all), d.lines)
	}
	total, matched := 0, 0
	for i := range d.all {
		total += d.all[i]
		matched += d.matched[i]
	}
	if total != 100 || matched != 10 {
		t.Fatalf("buckets hold %d lines, %d matching; want 100, 10", total, matched)
	}
	if v := m.View(); !strings.Contains(v, `matching search "status=503"`) || !strings.Contains(v, "18:20:00") {
		t.Fatalf("timeline title or axis:\n%s", v)
	}
	// g: the oldest second; enter then k, with nothing run between.
	send(m, press("g", "enter", "j")...)
	if m.overlay != nil {
		t.Fatal("enter did not close the timeline")
	}
	if l := cursorLine(m); !strings.Contains(l, "uri=/k/1 ") {
		t.Errorf("after the jump to 18:20:00 and j, the cursor is on %q, want /k/1", l)
	}
}

func TestGoldenRootTimeline(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {160, 40}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			m := knownModel(t, sz[0], sz[1])
			keys(t, m, "f")
			typeText(m, "status=503")
			keys(t, m, "enter", "T", "h", "h")
			goldenView(t, m)
		})
	}
	// Without colour the lines that do not match are shaded.
	t.Run("mono-80x24", func(t *testing.T) {
		f := newFake()
		m := newTestModel(t, f, 80, 24, func(o *Options) { o.Theme = themes.Mono() })
		send(m, knownBatches())
		keys(t, m, "f")
		typeText(m, "status=503")
		keys(t, m, "enter", "T")
		if v := m.View(); !strings.Contains(v, "░") {
			t.Fatalf("mono chart does not shade the lines that do not match:\n%s", v)
		}
		goldenView(t, m)
	})
}

// The preview under the editor: the count and the newest kept lines of a
// known buffer, updated as the query is typed, and what it cannot judge.
func TestRootPreview(t *testing.T) {
	m := knownModel(t, 120, 30)
	keys(t, m, "e", "ctrl+u")
	typeText(m, "* | where status = '503'")
	previewNow(t, m)
	v := m.preview.View()
	if !strings.Contains(v, "would keep 10 of 100 buffered lines") || !strings.Contains(m.View(), v) {
		t.Fatalf("preview count:\n%s", m.View())
	}
	for _, uri := range []string{"/k/90", "/k/80", "/k/50"} {
		if !strings.Contains(v, "uri="+uri) {
			t.Errorf("preview lacks the kept line %s:\n%s", uri, v)
		}
	}
	if strings.Contains(v, "uri=/k/91") {
		t.Errorf("preview shows a line the query drops:\n%s", v)
	}
	keys(t, m, "ctrl+u")
	typeText(m, "* | where level = 'error'")
	previewNow(t, m)
	if v := m.View(); !strings.Contains(v, `no buffered line has the field "level"`) {
		t.Fatalf("preview guesses on a missing field:\n%s", v)
	}
	keys(t, m, "ctrl+u")
	typeText(m, "* | where status = '999'")
	previewNow(t, m)
	if v := m.View(); !strings.Contains(v, "keeps nothing of 100 buffered lines") {
		t.Fatalf("preview of a query that keeps nothing:\n%s", v)
	}
	keys(t, m, "enter")
	if v := m.View(); !strings.Contains(v, "start from:") || !strings.Contains(v, "keeps nothing of 100 buffered lines") {
		t.Fatalf("the verdict is gone while the start is chosen:\n%s", v)
	}
	keys(t, m, "esc")
	keys(t, m, "ctrl+o")
	if v := m.View(); !strings.Contains(v, "preview off") {
		t.Fatalf("ctrl+o did not hide the preview:\n%s", v)
	}
	keys(t, m, "esc")
	if m.previewRows() != 0 || m.bodyHeight() != 30-3 {
		t.Fatalf("the preview keeps %d rows after the editor closed", m.previewRows())
	}
}

// previewNow fires the debounce of the text typed last, as its timer
// would, and runs the preview.
func previewNow(t *testing.T, m *Model) {
	t.Helper()
	run(t, m, send(m, debounceMsg{kind: "preview", id: m.preview.waiting}))
}

func TestGoldenRootPreview(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {160, 40}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			m := knownModel(t, sz[0], sz[1])
			keys(t, m, "e", "ctrl+u")
			typeText(m, "* | where status = '503'")
			previewNow(t, m)
			goldenView(t, m)
		})
	}
}

// Search by regular expression, with a counter of the matches in view; a
// bad expression is reported, not searched for as text.
func TestRootRegexSearchAndCounter(t *testing.T) {
	m := knownModel(t, 120, 20)
	keys(t, m, "/")
	typeText(m, "status=re:^50[0-9]$")
	keys(t, m, "enter")
	v := m.View()
	if !strings.Contains(v, "search status=re:^50[0-9]$ 10/10") {
		t.Fatalf("status line lacks the counter 10/10 at the newest match:\n%s", v)
	}
	keys(t, m, "n", "n")
	if v := m.View(); !strings.Contains(v, "search status=re:^50[0-9]$ 8/10") {
		t.Fatalf("after n n the counter is not 8/10:\n%s", v)
	}
	keys(t, m, "/", "ctrl+u")
	typeText(m, "status=re:(5")
	keys(t, m, "enter")
	if v := m.View(); !strings.Contains(v, "missing closing )") {
		t.Fatalf("a bad expression is not reported:\n%s", v)
	}
	if m.logs.search.pattern != "status=re:^50[0-9]$" {
		t.Fatalf("a bad expression replaced the search: %q", m.logs.search.pattern)
	}
	// Lines that arrive are counted as they come.
	send(m, deliver(0, 0, recWith(0, 200, consumer.Field{Key: "status", Value: "502"})))
	if c := m.logs.state().matches; c != "8/11" {
		t.Fatalf("counter %q after a new match, want 8/11", c)
	}
}

// m marks lines; ' and " walk the marks of the lines in view, wrapping,
// and the marks survive a query change.
func TestRootBookmarks(t *testing.T) {
	m := knownModel(t, 120, 20)
	keys(t, m, "k", "k", "m") // /k/97
	for range 10 {
		keys(t, m, "k")
	}
	keys(t, m, "m") // /k/87
	keys(t, m, "G")
	keys(t, m, `"`)
	if u := cursorURI(m); u != "/k/97" {
		t.Fatalf(`" from the newest: cursor on %q, want /k/97`, u)
	}
	marked := 0
	for _, l := range logLines(m) {
		if strings.HasPrefix(l, "◆") {
			marked++
		}
	}
	if marked != 2 {
		t.Errorf("%d lines show a mark in the gutter, want 2:\n%s", marked, m.View())
	}
	keys(t, m, `"`)
	if u := cursorURI(m); u != "/k/87" {
		t.Fatalf(`" again: cursor on %q, want /k/87`, u)
	}
	keys(t, m, `"`)
	if u := cursorURI(m); u != "/k/97" || !strings.Contains(m.View(), "wrapped to the newest mark") {
		t.Fatalf(`" past the oldest mark does not wrap: cursor on %q`, u)
	}
	applyQuery(t, m, "* | where status = '500'")
	keys(t, m, "'")
	if u := cursorURI(m); u != "/k/87" {
		t.Fatalf("marks lost in a query change: cursor on %q", u)
	}
	keys(t, m, "m")
	if m.store.marks.len() != 1 {
		t.Fatalf("m on a marked line leaves %d marks, want 1", m.store.marks.len())
	}
}

// cursorURI is the uri of the active view's cursor line.
func cursorURI(m *Model) string {
	e := m.logs.active().cursorEntry()
	if e == nil || e.isNote() {
		return ""
	}
	u, _ := e.rec().Get("uri")
	return u
}

// Y copies a command line that reopens the view from the cursor line,
// quoted for the shell, and shows it.
func TestRootHandoff(t *testing.T) {
	clip := &bytes.Buffer{}
	f := newFake()
	m := newTestModel(t, f, 200, 20, func(o *Options) { o.Profile = "prod"; o.Clipboard = clip })
	send(m, knownBatches())
	m.editor.running = "* | where status = '503' and uri like '%/k/%'"
	keys(t, m, "g", "Y")
	want := `slstail --profile prod -q '* | where status = '\''503'\'' and uri like '\''%/k/%'\''' --from 2026-11-24T18:20:00Z`
	if !strings.Contains(clip.String(), base64.StdEncoding.EncodeToString([]byte(want))) {
		t.Fatalf("clipboard %q lacks the command %q", clip.String(), want)
	}
	if v := m.View(); !strings.Contains(v, "copied: slstail --profile prod") {
		t.Fatalf("the command is not shown:\n%s", v)
	}
	// From the detail view too, from the line it shows.
	clip.Reset()
	keys(t, m, "j", "enter", "Y")
	if !m.logs.inDetail || !strings.Contains(m.bar.state.notice, "--from 2026-11-24T18:20:00Z") {
		t.Fatalf("Y in the detail view: detail %v, notice %q", m.logs.inDetail, m.bar.state.notice)
	}
	keys(t, m, "esc")
	// Without a profile: the connection flags.
	m.opts.Profile = ""
	clip.Reset()
	keys(t, m, "Y")
	want = "slstail --endpoint 127.0.0.1:7001 --project demo --logstore access -q"
	if !strings.Contains(m.bar.state.notice, want) {
		t.Fatalf("notice %q, want %q", m.bar.state.notice, want)
	}
}

// The tail at 80×24 and wide with what stands out: a late line, marks and
// the search counter.
func TestGoldenRootTail(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {160, 30}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			m := knownModel(t, sz[0], sz[1])
			send(m, deliver(1, 0, recWith(1, 50, consumer.Field{Key: "uri", Value: "/late"}, consumer.Field{Key: "status", Value: "502"})))
			keys(t, m, "k", "m", "k", "k", "m", "/")
			typeText(m, "status=50")
			keys(t, m, "enter")
			goldenView(t, m)
		})
	}
}

// Severity in the tail: the time and the value that matched take the
// rule's style (the built-in 5xx and 4xx ones, and the config file's,
// which come first), in colour themes and in mono as attributes.
func TestRootSeverityPaintsTimeAndValue(t *testing.T) {
	lipgloss.SetColorProfile(termenv.ANSI256)
	defer lipgloss.SetColorProfile(termenv.Ascii)
	for _, th := range []themes.Theme{themes.Dark(), themes.Mono()} {
		t.Run(th.Name, func(t *testing.T) {
			f := newFake()
			m := newTestModel(t, f, 200, 12, func(o *Options) {
				o.Theme = th
				o.Highlight = []hl.Rule{{Field: "upstream_addr", Match: "prefix:10.0.0.3", Style: "#ff8800"}}
			})
			send(m, deliver(0, 0,
				recWith(0, 1, consumer.Field{Key: "status", Value: "503"}),
				recWith(0, 2, consumer.Field{Key: "status", Value: "200"}),
				recWith(0, 3, consumer.Field{Key: "upstream_addr", Value: "10.0.0.3:80"}, consumer.Field{Key: "status", Value: "200"}),
				recWith(0, 4, consumer.Field{Key: "status", Value: "204"}), // the cursor line
			))
			sev := m.logs.fmtr.sev
			errCodes := sev.codes(styleOf(t, sev, "error"), false).pre
			userCodes := sev.codes(styleOf(t, sev, "#ff8800"), false).pre
			if errCodes == "" || userCodes == "" || errCodes == userCodes {
				t.Fatalf("codes error %q, user %q: want two different styles", errCodes, userCodes)
			}
			lines := logLines(m)
			if !strings.Contains(lines[0], errCodes+"18:20:00.137") || !strings.Contains(lines[0], errCodes+"503") {
				t.Errorf("the 503 line's time and status are not painted as an error: %q", lines[0])
			}
			if strings.Contains(lines[1], errCodes) || strings.Contains(lines[1], userCodes) {
				t.Errorf("the 200 line is painted: %q", lines[1])
			}
			if !strings.Contains(lines[2], userCodes+"10.0.0.3:80") {
				t.Errorf("the config file's rule is not applied: %q", lines[2])
			}
			if colour := containsColour(errCodes); colour != (th.Name != "mono") {
				t.Errorf("error codes %q: colour %v in %s", errCodes, colour, th.Name)
			}
		})
	}
}

// styleOf is the index of the severity style named by a level or colour.
func styleOf(t *testing.T, s *severity, name string) int {
	t.Helper()
	for i, st := range s.rules.Styles() {
		if st.Level.String() == name || (st.Level == hl.LevelColor && st.Color == name) {
			return i
		}
	}
	t.Fatalf("no style %q", name)
	return -1
}

// The facet flow under the Bubble Tea runtime, keys sent without waiting
// for the count's command between the ones that only move: F, a field by
// completion, enter; then j enter filter to the second value at once.
func TestTeaRootFacets(t *testing.T) {
	f := newFake()
	f.status.Shards = shardStatus(2)
	m := New(f, testOptions())
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	tm.Send(statusTickMsg(t0))
	feed(f, 2, 20)
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("items/39 ")) },
		teatest.WithDuration(10*time.Second))
	for _, k := range press("F", "s", "t", "tab", "enter") {
		tm.Send(k)
	}
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("COUNT")) },
		teatest.WithDuration(10*time.Second))
	for _, k := range press("j", "enter", "k") {
		tm.Send(k)
	}
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("status==")) },
		teatest.WithDuration(10*time.Second))
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
	fm.closeDone()
	if fm.overlay != nil {
		t.Fatal("the facet view is still open")
	}
	goldenView(t, fm)
}

// key==value is exact, on the field's name and value (meta fields too),
// where key=value is a substring on both; a && b needs both.
func TestMatcherExactAndBoth(t *testing.T) {
	g := &consumer.Group{Topic: "nginx", Source: "10.0.0.9"}
	e := ptr(logEntry(consumer.NewRecord(0, t0, g,
		consumer.Field{Key: "status", Value: "503"}, consumer.Field{Key: "upstream_status", Value: "502"})))
	for _, tt := range []struct {
		pat  string
		want bool
	}{
		{"status==503", true}, {"status==50", false}, {"status==502", false}, // not upstream_status
		{"status=502", true}, // substring: upstream_status
		{"Status==503", false}, {"!status==503", false}, {"!status==200", true},
		{"__source__==10.0.0.9", true}, {"__topic__==nginx", true}, {"__topic__==ngin", false},
		{"status==503 && upstream_status==502", true}, {"status==503 && upstream_status==503", false},
		{"status=re:^5 && !status==500", true},
	} {
		m, err := compileMatcher(tt.pat)
		if err != nil {
			t.Fatalf("%q: %v", tt.pat, err)
		}
		if got := m.matchEntry(e); got != tt.want {
			t.Errorf("%q: got %v, want %v", tt.pat, got, tt.want)
		}
	}
	// The facet view's filters are built from the value, whatever it holds.
	odd := ptr(logEntry(consumer.NewRecord(0, t0, nil, consumer.Field{Key: "msg", Value: "a && b==c"})))
	if !exactMatcher("msg", "a && b==c", false).matchEntry(odd) || exactMatcher("msg", "a && b==c", true).matchEntry(odd) {
		t.Error("an exact matcher built from a value with && and == does not match it")
	}
	if m := and(exactMatcher("a", "1", false), exactMatcher("b", "2", true)); m.pattern != "a==1 && !b==2" || len(m.all) != 2 {
		t.Errorf("and: pattern %q, %d parts", m.pattern, len(m.all))
	}
}
