package tui

import (
	"reflect"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/slstail/slstail/consumer"
	"github.com/slstail/slstail/themes"
)

func TestHighlightSplitsSpans(t *testing.T) {
	spans := []span{{"status", pKey, 0}, {"=", pPunct, 0}, {"500", pValue, 0}, {" uri=/a500", pValue, 0}}
	got := highlight(spans, [][2]int{{4, 9}, {17, 20}})
	want := []span{
		{"stat", pKey, 0}, {"us", pMatch, 0}, {"=", pMatch, 0}, {"50", pMatch, 0}, {"0", pValue, 0},
		{" uri=/a", pValue, 0}, {"500", pMatch, 0},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	if plainText(got) != plainText(spans) {
		t.Error("highlighting changed the text")
	}
}

func TestCutTruncatesAndWraps(t *testing.T) {
	spans := []span{{"abc", pKey, 0}, {"=", pPunct, 0}, {"日本語テキスト", pValue, 0}}
	rows, widths := cut(spans, 8, false, 1)
	if len(rows) != 1 || plainText(rows[0]) != "abc=日…" || widths[0] != 7 {
		t.Errorf("truncate: %q %v", plainText(rows[0]), widths)
	}
	rows, widths = cut(spans, 8, true, 10)
	var got []string
	for _, r := range rows {
		got = append(got, plainText(r))
	}
	if !reflect.DeepEqual(got, []string{"abc=日本", "語テキス", "ト"}) || !reflect.DeepEqual(widths, []int{8, 8, 2}) {
		t.Errorf("wrap: %q %v", got, widths)
	}
	if rows, _ := cut(spans, 100, false, 1); len(rows) != 1 || len(rows[0]) != 3 {
		t.Error("a line that fits was changed")
	}
	// A rune wider than the row cannot loop forever.
	if rows, _ := cut([]span{{"日日", pValue, 0}}, 1, true, 10); len(rows) > 10 {
		t.Errorf("%d rows", len(rows))
	}
}

// In colour, every row still fits the screen (escape codes take no width),
// shards get their colours, and the cursor row carries the selection.
func TestColourRendering(t *testing.T) {
	lipgloss.SetColorProfile(termenv.ANSI256)
	defer lipgloss.SetColorProfile(termenv.Ascii)
	for _, th := range []themes.Theme{themes.Dark(), themes.Light(), themes.HighContrast(), themes.Mono()} {
		f := newFake()
		f.status.Shards = shardStatus(3)
		m := newTestModel(t, f, 90, 14, func(o *Options) { o.Theme = th })
		for s := 0; s < 3; s++ {
			send(m, batchOf(s, 0, seq(s*10, s*10+8)...))
		}
		send(m, press("/")...)
		typeText(m, "items/2")
		send(m, press("enter")...)
		for _, keys := range [][]string{nil, {"tab"}, {"L"}, {"?"}} {
			send(m, press(keys...)...)
			view := m.View()
			if th.Name != "mono" && !strings.Contains(view, "\x1b[") {
				t.Errorf("%s %v: no colour at all", th.Name, keys)
			}
			for i, l := range strings.Split(view, "\n") {
				if w := lipgloss.Width(l); w > 90 {
					t.Errorf("%s %v: line %d is %d wide", th.Name, keys, i, w)
				}
			}
			send(m, press("esc")...)
			if keys != nil && keys[0] == "tab" {
				send(m, press("tab")...)
			}
		}
		if th.Name == "dark" {
			// Shard 1's colour (palette entry 1, ANSI 208 on dark) tags its lines.
			m.logs.rend.invalidate()
			send(m, linesMsg{})
			if !strings.Contains(m.View(), "\x1b[38;5;208ms1") {
				t.Errorf("shard 1 not coloured:\n%q", m.View())
			}
		}
	}
}

func TestDetailOfNoteIsIgnored(t *testing.T) {
	m := newTestModel(t, newFake(), 80, 12)
	m.store.addNote("query: *")
	send(m, tea.KeyMsg{Type: tea.KeyEnter})
	if !idle(m) {
		t.Error("enter on a marker line opened a detail view")
	}
	_ = consumer.Record{}
}
