package tui

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/slstail/slstail/keymap"
	"github.com/slstail/slstail/spl"
	"github.com/slstail/slstail/themes"
)

func TestQueryReads(t *testing.T) {
	for _, tt := range []struct {
		query string
		want  []string
	}{
		{"*", nil},
		{"* | where status = '500'", []string{"status"}},
		{"* | where status = '500' and (upstream_addr like '10.%' or cast(request_time as double) > 1)",
			[]string{"status", "upstream_addr", "request_time"}},
		{"* | extend x = cast(a as bigint) + 1 | where x > 2 and b = 'y'", []string{"a", "b"}},
		{"* | where __topic__ = 'nginx' and \"__tag__:hostname\" = 'web-1'", nil},
		{"* | parse-regexp uri, '/api/(\\w+)' as api | where api = 'v1' and host = 'h'", []string{"uri", "host"}},
		{"* | parse-json body | where anything = 'x'", []string{"body"}},
		{"* | project-rename s = status | where s = '500'", nil},
		{"* | where coalesce(a, b) = 'x' | where a = 'y'", []string{"a", "b"}},
	} {
		prog, err := spl.Compile(tt.query)
		if err != nil {
			t.Fatalf("%s: %v", tt.query, err)
		}
		if got := queryReads(prog.AST()); !slices.Equal(got, tt.want) {
			t.Errorf("%s: reads %q, want %q", tt.query, got, tt.want)
		}
	}
}

func preview(t *testing.T, query string) previewResult {
	t.Helper()
	prog, err := spl.Compile(query)
	if err != nil {
		t.Fatal(err)
	}
	res, ok := runPreview(context.Background(), prog, facetBuffer().snapshot(), time.UTC)
	if !ok {
		t.Fatal("not ok")
	}
	return res
}

// The known buffer of facetBuffer: 100 logs, status 503 on every tenth.
func TestPreviewCounts(t *testing.T) {
	res := preview(t, "* | where status = '503'")
	if res.lines != 100 || res.kept != 10 || res.rows != 10 || res.failed != 0 || len(res.missing) != 0 {
		t.Fatalf("%+v", res)
	}
	if len(res.sample) != 10 {
		t.Fatalf("%d sample lines, want the 10 kept", len(res.sample))
	}
	// The newest kept line last, formatted as the tail formats it.
	want := "18:20:12.330 s0 upstream_addr=10.0.0.3:80 status=503 request_time=0.091"
	if got := res.sample[9]; got != want {
		t.Fatalf("newest sample %q, want %q", got, want)
	}
	// A query that transforms: the sample shows its output.
	res = preview(t, "* | where status = '404' | project status, rt = request_time")
	if res.kept != 10 || res.sample[0] != "18:20:00.137 s1 status=404 rt=0.002" {
		t.Fatalf("kept %d, first %q", res.kept, res.sample[0])
	}
	// Runtime failures are counted ("-" does not cast).
	res = preview(t, "* | where cast(request_time as double) > 0.05")
	if res.kept != 50 || res.failed != 1 || !strings.Contains(res.firstErr, "where") {
		t.Fatalf("kept %d failed %d (%s)", res.kept, res.failed, res.firstErr)
	}
	if len(res.sample) != previewSample {
		t.Fatalf("%d sample lines, want %d", len(res.sample), previewSample)
	}
}

func TestPreviewNothingAndMissing(t *testing.T) {
	if res := preview(t, "* | where status = '999'"); res.kept != 0 || res.lines != 100 || len(res.missing) != 0 {
		t.Fatalf("%+v", res)
	}
	res := preview(t, "* | where level = 'error' and status = '500'")
	if !slices.Equal(res.missing, []string{"level"}) {
		t.Fatalf("missing %q, want level", res.missing)
	}
	if res := preview(t, "*"); !res.passThrough || res.kept != 100 {
		t.Fatalf("%+v", res)
	}
}

func previewModel(w, h int) *previewView {
	buf := facetBuffer()
	th := themes.Dark()
	km := keymap.Default()
	p := newPreviewView(&km.Editor, &th, previewDeps{snapshot: buf.snapshot, loc: time.UTC})
	p.SetSize(w, h)
	return p
}

// type delivers the text as the editor would, debounce and all, and
// returns the view once the run finished.
func typeQuery(p *previewView, q string) {
	if cmd := p.SetQuery(q); cmd == nil {
		panic("no debounce")
	}
	runComponent(p, p.Update(debounceMsg{kind: "preview", id: p.waiting}))
}

func TestPreviewDebounce(t *testing.T) {
	p := previewModel(80, 6)
	p.SetQuery("* | where status = '5")
	stale := p.waiting
	p.SetQuery("* | where status = '503'")
	if cmd := p.Update(debounceMsg{kind: "preview", id: stale}); cmd != nil {
		t.Fatal("a superseded keystroke's debounce started a run")
	}
	// A run in flight is cancelled by the next keystroke: its result is
	// dropped.
	first := p.Update(debounceMsg{kind: "preview", id: p.waiting})
	p.SetQuery("* | where status = '404'")
	if msg := first(); msg != nil {
		p.Update(msg)
	}
	if p.res != nil {
		t.Fatal("the result of a cancelled run was shown")
	}
	runComponent(p, p.Update(debounceMsg{kind: "preview", id: p.waiting}))
	if p.res == nil || p.res.kept != 10 || p.res.query != "* | where status = '404'" {
		t.Fatalf("result %+v", p.res)
	}
	// An invalid query says so without running.
	p.SetQuery("* | where (")
	if cmd := p.Update(debounceMsg{kind: "preview", id: p.waiting}); cmd != nil || !strings.Contains(p.View(), "waiting for a valid query") {
		t.Fatalf("invalid query: %q", p.View())
	}
}

func TestGoldenPreview(t *testing.T) {
	p := previewModel(80, 6)
	typeQuery(p, "* | where status = '503'")
	checkFrame(t, p.View(), 80, 6)
	var b strings.Builder
	b.WriteString(p.View() + "\n---\n")
	typeQuery(p, "* | where status = '999'")
	b.WriteString(p.View() + "\n---\n")
	typeQuery(p, "* | where level = 'error'")
	b.WriteString(p.View() + "\n---\n")
	p.Update(tea.KeyMsg{Type: tea.KeyCtrlO})
	b.WriteString(p.View())
	golden.RequireEqual(t, []byte(b.String()))
}

var _ component = (*previewView)(nil)
