package tui

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"
	"github.com/slstail/slstail/consumer"
	"github.com/slstail/slstail/internal/leaktest"
	"github.com/slstail/slstail/themes"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	if spec := os.Getenv(benchServerEnv); spec != "" {
		if err := serveBackfill(spec); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	// Golden views are compared without colour, so they do not depend on
	// the terminal running the tests.
	lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetHasDarkBackground(true)
	// teatest leaves one goroutine per test model waiting for SIGINT.
	os.Exit(leaktest.Check(m.Run(), 5*time.Second,
		goleak.IgnoreTopFunction("github.com/charmbracelet/x/exp/teatest.NewTestModel.func2")))
}

// testOptions fix everything that could vary between runs: clock, zone,
// theme, and a status poll that never fires on its own (tests send ticks).
func testOptions() Options {
	return Options{
		Theme:          themes.Dark(),
		Started:        true,
		Now:            func() time.Time { return t0 },
		Location:       time.UTC,
		StatusInterval: time.Hour,
		Clipboard:      &bytes.Buffer{},
		SaveDir:        os.TempDir(),
	}
}

// feed sends n records per shard through the fake's channel, interleaved
// by shard in batches of 5, the way a session delivers them.
func feed(f *fakeSource, shards, n int) {
	for i := 0; i < n; i += 5 {
		for s := 0; s < shards; s++ {
			var recs []consumer.Record
			for j := i; j < i+5 && j < n; j++ {
				recs = append(recs, rec(s, j*shards+s))
			}
			f.batches <- consumer.Batch{Shard: s, Records: recs}
		}
	}
}

func press(keys ...string) []tea.Msg {
	var out []tea.Msg
	for _, k := range keys {
		switch k {
		case "enter":
			out = append(out, tea.KeyMsg{Type: tea.KeyEnter})
		case "esc":
			out = append(out, tea.KeyMsg{Type: tea.KeyEsc})
		case "tab":
			out = append(out, tea.KeyMsg{Type: tea.KeyTab})
		case "space":
			out = append(out, tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}})
		case "up":
			out = append(out, tea.KeyMsg{Type: tea.KeyUp})
		case "down":
			out = append(out, tea.KeyMsg{Type: tea.KeyDown})
		case "backspace":
			out = append(out, tea.KeyMsg{Type: tea.KeyBackspace})
		case "ctrl+u":
			out = append(out, tea.KeyMsg{Type: tea.KeyCtrlU})
		default:
			out = append(out, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)})
		}
	}
	return out
}

// goldenRun drives the whole program with teatest: it feeds records
// through the source's channel, waits until the last one is on screen,
// presses keys, and compares the final View (not the raw stream, whose
// chunking depends on timing) with testdata/<test>.golden.
func goldenRun(t *testing.T, w, h, shards, perShard int, keys []tea.Msg, waitText string) {
	t.Helper()
	goldenRunOn(t, newFake(), w, h, shards, perShard, keys, waitText)
}

// goldenRunOn is goldenRun over a source the test set up.
func goldenRunOn(t *testing.T, f *fakeSource, w, h, shards, perShard int, keys []tea.Msg, waitText string) {
	t.Helper()
	f.status.Shards = shardStatus(shards)
	m := New(f, testOptions())
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))
	tm.Send(statusTickMsg(t0))
	feed(f, shards, perShard)
	// The last record of the last shard carries this uri.
	last := rec(shards-1, (perShard-1)*shards+shards-1)
	uri, _ := last.Get("uri")
	lastURI := uri + " "
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(lastURI)) },
		teatest.WithDuration(10*time.Second))
	for _, k := range keys {
		tm.Send(k)
	}
	if waitText != "" {
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(waitText)) },
			teatest.WithDuration(10*time.Second))
	}
	tm.Send(statusTickMsg(t0))
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
	fm.closeDone()
	view := fm.View()
	for i, line := range strings.Split(view, "\n") {
		if lw := lipgloss.Width(line); lw > w {
			t.Errorf("line %d is %d columns wide, screen is %d: %q", i, lw, w, line)
		}
	}
	if n := strings.Count(view, "\n") + 1; n != h {
		t.Errorf("view has %d lines, screen has %d", n, h)
	}
	golden.RequireEqual(t, []byte(view))
}

func TestGoldenMergedTail(t *testing.T) {
	goldenRun(t, 110, 20, 4, 20, nil, "")
}

func TestGoldenPanes(t *testing.T) {
	goldenRun(t, 120, 24, 4, 20, press("tab"), "s3 · pulling")
}

func TestGoldenZoom(t *testing.T) {
	goldenRun(t, 100, 16, 4, 20, press("tab", "l", "enter", "k", "k"), "s1 (2/4) · pulling")
}

func TestGoldenEditorError(t *testing.T) {
	keys := press("e")
	for _, r := range " | where cast(status as bigint) >= 500 and" {
		keys = append(keys, press(string(r))...)
	}
	goldenRun(t, 100, 14, 2, 10, keys, "^")
}

func TestGoldenLag(t *testing.T) {
	goldenRun(t, 120, 14, 6, 5, press("L", "j"), "SHARD")
}

func TestGoldenDetail(t *testing.T) {
	goldenRun(t, 90, 24, 2, 10, press("k", "enter"), "fields (6)")
}

func TestGoldenHelp(t *testing.T) {
	goldenRun(t, 130, 30, 2, 5, press("?"), "Keys")
}

// demoFake is a source whose header reads like the demo's: a long group
// name and an endpoint with a port.
func demoFake() *fakeSource {
	f := newFake()
	f.status.Endpoint, f.status.Group = "127.0.0.1:45363", "slstail-root-vm-54e9d170"
	return f
}

// The screens at the sizes people have: 80×24, a narrow 60×15 (a split
// pane) and a wide 200×60; the tail after a search that missed (a notice),
// and the help.
func TestGoldenSizes(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {60, 15}, {200, 60}} {
		w, h := sz[0], sz[1]
		t.Run(fmt.Sprintf("tail-%dx%d", w, h), func(t *testing.T) {
			goldenRunOn(t, demoFake(), w, h, 4, 20, press("/", "z", "z", "z", "enter"), "no older match")
		})
		t.Run(fmt.Sprintf("help-%dx%d", w, h), func(t *testing.T) {
			goldenRunOn(t, demoFake(), w, h, 2, 5, press("?"), "Keys")
		})
	}
}

func TestGoldenPausedWithNewLines(t *testing.T) {
	f := newFake()
	f.status.Shards = shardStatus(2)
	m := New(f, testOptions())
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 12))
	tm.Send(statusTickMsg(t0))
	feed(f, 2, 10)
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("items/19 ")) },
		teatest.WithDuration(10*time.Second))
	tm.Send(press("space")[0])
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("PAUSED")) },
		teatest.WithDuration(10*time.Second))
	f.batches <- consumer.Batch{Shard: 0, Records: []consumer.Record{rec(0, 500), rec(0, 502), rec(0, 504)}}
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("+3 new")) },
		teatest.WithDuration(10*time.Second))
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
	fm.closeDone()
	golden.RequireEqual(t, []byte(fm.View()))
}
