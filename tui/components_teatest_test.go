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
// will: its commands run on the runtime's goroutines, their messages come
// back through Update, and the messages meant for the root are recorded.
type host struct {
	c    component
	init tea.Cmd
	got  []tea.Msg // facetFilterMsg, openEditorMsg, closeViewMsg, timelineJumpMsg
	on   func(h *host, msg tea.Msg) tea.Cmd
	// want is how many root messages end the run (0: the first close):
	// commands run concurrently, so a close may overtake the others.
	want int
}

func (h *host) Init() tea.Cmd { return h.init }

func (h *host) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		h.c.SetSize(msg.Width, msg.Height)
		return h, nil
	case facetFilterMsg, openEditorMsg, timelineJumpMsg, closeViewMsg:
		h.got = append(h.got, msg)
		if _, isClose := msg.(closeViewMsg); (h.want == 0 && isClose) || (h.want > 0 && len(h.got) == h.want) {
			return h, tea.Quit
		}
		return h, nil
	}
	if h.on != nil {
		if cmd := h.on(h, msg); cmd != nil {
			return h, cmd
		}
	}
	return h, h.c.Update(msg)
}

func (h *host) View() string { return h.c.View() }

func waitFor(t *testing.T, tm *teatest.TestModel, text string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(text)) },
		teatest.WithDuration(10*time.Second))
}

// The facet view in the runtime: the count runs on its own goroutine and
// comes back; keys pick a value and ask the root to filter and to edit.
func TestTeaFacets(t *testing.T) {
	f := facetModel(80, 24)
	h := &host{c: f, init: f.open("upstream_addr"), want: 3}
	tm := teatest.NewTestModel(t, h, teatest.WithInitialTermSize(80, 24))
	waitFor(t, tm, "10.0.0.3:80")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("j")})
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("e")})
	tm.Send(tea.KeyMsg{Type: tea.KeyEsc})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*host)
	want := []tea.Msg{
		facetFilterMsg{field: "upstream_addr", value: "10.0.0.2:80"},
		openEditorMsg{query: "* | where status >= 400 | where upstream_addr = '10.0.0.2:80'"},
		closeViewMsg{view: "facets"},
	}
	// Each key answers with a command, and the runtime runs commands
	// concurrently: the messages may come back in any order.
	if len(fm.got) != len(want) {
		t.Fatalf("root got %#v, want %#v", fm.got, want)
	}
	for _, w := range want {
		if !slices.Contains(fm.got, w) {
			t.Errorf("root got %#v, missing %#v", fm.got, w)
		}
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

// The timeline in the runtime: counted off the loop, enter asks for a jump.
func TestTeaTimeline(t *testing.T) {
	tv := timelineModel(80, 24)
	h := &host{c: tv, init: tv.open(), want: 2}
	tm := teatest.NewTestModel(t, h, teatest.WithInitialTermSize(80, 24))
	waitFor(t, tm, "18:20:00")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	tm.Send(tea.KeyMsg{Type: tea.KeyEsc})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*host)
	if len(fm.got) != 2 {
		t.Fatalf("root got %#v", fm.got)
	}
	// enter and esc answer with commands, which the runtime runs
	// concurrently: the jump may come after the close.
	var jump *timelineJumpMsg
	for _, m := range fm.got {
		if j, ok := m.(timelineJumpMsg); ok {
			jump = &j
		}
	}
	if jump == nil || jump.seq != 9 {
		t.Fatalf("root got %#v, want a jump to seq 9", fm.got)
	}
}
