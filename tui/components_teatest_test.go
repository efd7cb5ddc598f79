package tui

import (
	"bytes"
	"slices"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
)

// host runs one component under the real Bubble Tea runtime, as the root
// does: its commands run on the runtime's goroutines, their messages come
// back through Update, and the choices meant for the root are taken right
// after the Update of the key that made them, and recorded.
type host struct {
	c    component
	init tea.Cmd
	got  []any // facetAction, timelineJump, "close"
	take func() (choice any, closed bool)
	on   func(h *host, msg tea.Msg) tea.Cmd
}

func (h *host) Init() tea.Cmd { return h.init }

func (h *host) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		h.c.SetSize(msg.Width, msg.Height)
		return h, nil
	}
	if h.on != nil {
		if cmd := h.on(h, msg); cmd != nil {
			return h, cmd
		}
	}
	cmd := h.c.Update(msg)
	if h.take != nil {
		if choice, closed := h.take(); closed {
			h.got = append(h.got, "close")
			return h, tea.Quit
		} else if choice != nil {
			h.got = append(h.got, choice)
		}
	}
	return h, cmd
}

func takeFacet(f *facetView) func() (any, bool) {
	return func() (any, bool) {
		a, ok := f.take()
		switch {
		case !ok:
			return nil, false
		case a.kind == facetClose:
			return nil, true
		}
		return a, false
	}
}

func (h *host) View() string { return h.c.View() }

func waitFor(t *testing.T, tm *teatest.TestModel, text string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(text)) },
		teatest.WithDuration(10*time.Second))
}

// The facet view in the runtime: the count runs on its own goroutine and
// comes back; keys pick a value, and the choices are there for the root in
// the order of the keys.
func TestTeaFacets(t *testing.T) {
	f := facetModel(80, 24)
	h := &host{c: f, init: f.open("upstream_addr"), take: takeFacet(f)}
	tm := teatest.NewTestModel(t, h, teatest.WithInitialTermSize(80, 24))
	waitFor(t, tm, "10.0.0.3:80")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("j")})
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("e")})
	tm.Send(tea.KeyMsg{Type: tea.KeyEsc})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*host)
	want := []any{
		facetAction{kind: facetFilter, field: "upstream_addr", value: "10.0.0.2:80"},
		facetAction{kind: facetQuery, field: "upstream_addr", value: "10.0.0.2:80", query: "* | where status >= 400 | where upstream_addr = '10.0.0.2:80'"},
		"close",
	}
	if !slices.Equal(fm.got, want) {
		t.Fatalf("root got %#v, want %#v", fm.got, want)
	}
}

// The preview in the runtime: keystrokes arrive faster than the debounce,
// so only the last text runs, after the real timer.
func TestTeaPreview(t *testing.T) {
	p := previewModel(80, 6)
	h := &host{c: p, on: func(h *host, msg tea.Msg) tea.Cmd {
		// The editor's part, played by the test: text arrives as SetQuery.
		if s, ok := msg.(setQuery); ok {
			return p.SetQuery(string(s))
		}
		if k, ok := msg.(tea.KeyMsg); ok && k.Type == tea.KeyEsc {
			return tea.Quit
		}
		return nil
	}}
	tm := teatest.NewTestModel(t, h, teatest.WithInitialTermSize(80, 6))
	for _, q := range []string{"* | where status = '4", "* | where status = '40", "* | where status = '404'"} {
		tm.Send(setQuery(q))
	}
	waitFor(t, tm, "would keep 10 of 100")
	tm.Send(tea.KeyMsg{Type: tea.KeyEsc})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*host)
	if r := fm.c.(*previewView).res; r == nil || r.query != "* | where status = '404'" {
		t.Fatalf("result %+v", r)
	}
}

type setQuery string

// The timeline in the runtime: counted off the loop, enter chooses a jump.
func TestTeaTimeline(t *testing.T) {
	tv := timelineModel(80, 24)
	h := &host{c: tv, init: tv.open(), take: func() (any, bool) {
		j, closed := tv.take()
		if j != nil {
			return *j, false
		}
		return nil, closed
	}}
	tm := teatest.NewTestModel(t, h, teatest.WithInitialTermSize(80, 24))
	waitFor(t, tm, "18:20:00")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	tm.Send(tea.KeyMsg{Type: tea.KeyEsc})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*host)
	if len(fm.got) != 2 || fm.got[1] != "close" {
		t.Fatalf("root got %#v, want a jump then close", fm.got)
	}
	if j, ok := fm.got[0].(timelineJump); !ok || j.seq != 9 {
		t.Fatalf("root got %#v, want a jump to seq 9", fm.got)
	}
}
