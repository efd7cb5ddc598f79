package tui

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/slstail/slstail/themes"
)

// codes is a style reduced to the escape sequences around its text. The line
// renderer concatenates codes instead of calling lipgloss per span: the
// styles are resolved once per theme, and a frame of 60 lines costs string
// appends only.
type codes struct{ pre, post string }

func codesOf(st lipgloss.Style) codes {
	const mark = "\x00"
	out := st.Render(mark)
	i := strings.Index(out, mark)
	if i < 0 {
		return codes{}
	}
	return codes{pre: out[:i], post: out[i+len(mark):]}
}

// paint selects a style for a span.
type paint uint8

const (
	pPlain paint = iota
	pTime
	pKey
	pValue
	pPunct
	pMarker
	pDim
	pMatch
	pShard // colour of the span's shard
	numPaints
)

// lineStyles are the codes for log lines, in two sets: normal and on the
// cursor line (the same foregrounds over the selection background).
type lineStyles struct {
	normal, selected [numPaints]codes
	shards, shardSel []codes
	gutter           codes
	selectedFill     codes // padding of the cursor line
	sev              *severity
}

func newLineStyles(t themes.Theme) *lineStyles {
	ls := &lineStyles{gutter: codesOf(t.Gutter), selectedFill: codesOf(t.Selected)}
	base := [numPaints]lipgloss.Style{
		pPlain:  lipgloss.NewStyle(),
		pTime:   t.Time,
		pKey:    t.Key,
		pValue:  t.Value,
		pPunct:  t.Punct,
		pMarker: t.Marker,
		pDim:    t.Dim,
		pMatch:  t.Match,
	}
	for i, st := range base {
		if paint(i) == pShard {
			continue
		}
		ls.normal[i] = codesOf(st)
		ls.selected[i] = codesOf(onSelection(st, t.Selected))
	}
	n := len(t.Shards)
	if n == 0 {
		n = 1
	}
	// Three cycles of the palette: Theme.Shard varies weight per cycle.
	for i := 0; i < 3*n; i++ {
		st := t.Shard(i)
		ls.shards = append(ls.shards, codesOf(st))
		ls.shardSel = append(ls.shardSel, codesOf(onSelection(st, t.Selected)))
	}
	return ls
}

// onSelection draws st over the selection style's background (or its
// reverse video, for themes without colour).
func onSelection(st, sel lipgloss.Style) lipgloss.Style {
	if _, none := sel.GetBackground().(lipgloss.NoColor); none {
		return st.Reverse(sel.GetReverse() != st.GetReverse())
	}
	if _, hasBg := st.GetBackground().(lipgloss.NoColor); hasBg {
		return st.Background(sel.GetBackground())
	}
	return st
}

func (ls *lineStyles) get(p paint, shard int, sel bool) codes {
	if p == pShard {
		if shard < 0 {
			shard = -shard
		}
		if sel {
			return ls.shardSel[shard%len(ls.shardSel)]
		}
		return ls.shards[shard%len(ls.shards)]
	}
	if sel {
		return ls.selected[p]
	}
	return ls.normal[p]
}
