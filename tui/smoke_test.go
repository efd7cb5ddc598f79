package tui

import (
	"fmt"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/slstail/slstail/consumer"
	"github.com/slstail/slstail/themes"
)

func TestSmokePrint(t *testing.T) {
	lipgloss.SetColorProfile(termenv.Ascii)
	f := newFake()
	f.status.Shards = shardStatus(4)
	m := New(f, Options{Theme: themes.Dark(), Started: true, Now: func() time.Time { return t0 }, Location: time.UTC})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 24})
	var bs []consumer.Batch
	for s := 0; s < 4; s++ {
		var recs []consumer.Record
		for i := 0; i < 10; i++ {
			recs = append(recs, rec(s, i*4+s))
		}
		bs = append(bs, consumer.Batch{Shard: s, Records: recs})
	}
	m.Update(batchMsg{batches: bs})
	m.Update(statusTickMsg(t0))
	fmt.Println(m.View())
	m.Update(tea.KeyMsg{Type: tea.KeyTab})
	fmt.Println(m.View())
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("L")})
	fmt.Println(m.View())
}
