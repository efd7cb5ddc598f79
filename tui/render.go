package tui

import (
	"strings"
)

// renderer turns buffered lines into screen rows for every log view. It owns
// the per-frame cache: a line's rows are computed once and reused while they
// stay on screen, so a frame of unchanged lines costs map look-ups; entries
// not shown in a frame are dropped, which bounds the cache by the screen.
type renderer struct {
	store  *store
	fmt    *formatter
	styles *lineStyles
	search *matcher
	wrap   bool

	cache, next map[rowKey][]string
	spans       []span
}

type rowKey struct {
	seq       uint64
	width     int
	sel, pad  bool
	showShard bool
}

func newRenderer(st *store, f *formatter, ls *lineStyles) *renderer {
	return &renderer{store: st, fmt: f, styles: ls,
		cache: map[rowKey][]string{}, next: map[rowKey][]string{}}
}

// invalidate forgets every cached row: the format, styles or search changed.
func (r *renderer) invalidate() { clear(r.cache) }

// endFrame keeps only the rows used in the frame just drawn.
func (r *renderer) endFrame() {
	clear(r.cache)
	r.cache, r.next = r.next, r.cache
}

// rows renders line seq in width columns (a one-column gutter included):
// one row, or several when wrapping (at most maxRows). pad fills rows to the
// full width, for panes that sit side by side.
func (r *renderer) rows(seq uint64, w int, sel, showShard, pad bool, maxRows int) []string {
	k := rowKey{seq, w, sel, pad, showShard}
	if rows, ok := r.cache[k]; ok {
		r.next[k] = rows
		return rows
	}
	if rows, ok := r.next[k]; ok {
		return rows
	}
	e := r.store.ring.at(seq)
	if e == nil {
		return nil
	}
	spans := r.fmt.spans(r.spans[:0], e, showShard, showShard && r.store.isLate(seq))
	r.spans = spans[:0]
	if r.search != nil {
		spans = highlight(spans, r.search.find(plainText(spans), 64))
	}
	content := w - 1 // the gutter
	rowsSpans, widths := cut(spans, content, r.wrap, max(maxRows, 1))
	out := make([]string, len(rowsSpans))
	shard := e.p.Shard()
	var b strings.Builder
	for i, row := range rowsSpans {
		b.Reset()
		switch {
		case i == 0 && r.store.marks.has(seq):
			// A bookmark shows on the cursor line too: it is how one
			// sees that m marked it.
			g := r.styles.gutter
			b.WriteString(g.pre + "◆" + g.post)
		case sel && i == 0:
			g := r.styles.gutter
			b.WriteString(g.pre + "▌" + g.post)
		default:
			b.WriteByte(' ')
		}
		encode(&b, row, widths[i], content, shard, sel, r.styles)
		if pad && !sel && widths[i] < content {
			b.WriteString(strings.Repeat(" ", content-widths[i]))
		}
		out[i] = b.String()
	}
	r.next[k] = out
	return out
}

// columnHeader is the header row of the column view for v, or nothing in
// the other views.
func (r *renderer) columnHeader(v *logView) []string {
	if r.fmt.mode != vmColumns || len(r.fmt.columns) == 0 {
		return nil
	}
	spans := r.fmt.columnHeader(v.showShard)
	rows, widths := cut(spans, v.width-1, false, 1)
	var b strings.Builder
	b.WriteByte(' ')
	encode(&b, rows[0], widths[0], v.width-1, 0, false, r.styles)
	return []string{b.String()}
}
