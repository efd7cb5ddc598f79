package tui

import "strings"

// highlight splits spans at the given byte ranges of their concatenated
// text and paints the ranges pMatch.
func highlight(spans []span, ranges [][2]int) []span {
	if len(ranges) == 0 {
		return spans
	}
	out := make([]span, 0, len(spans)+2*len(ranges))
	off, ri := 0, 0
	for _, s := range spans {
		start, end := off, off+len(s.text)
		off = end
		pos := start
		for ri < len(ranges) && ranges[ri][0] < end {
			a, b := max(ranges[ri][0], pos), min(ranges[ri][1], end)
			if a > pos {
				out = append(out, span{s.text[pos-start : a-start], s.p, s.sev})
			}
			if b > a {
				out = append(out, span{text: s.text[a-start : b-start], p: pMatch})
				pos = b
			}
			if ranges[ri][1] <= end {
				ri++
			} else {
				break
			}
		}
		if pos < end {
			out = append(out, span{s.text[pos-start:], s.p, s.sev})
		}
	}
	return out
}

func plainText(spans []span) string {
	if len(spans) == 1 {
		return spans[0].text
	}
	n := 0
	for _, s := range spans {
		n += len(s.text)
	}
	var b strings.Builder
	b.Grow(n)
	for _, s := range spans {
		b.WriteString(s.text)
	}
	return b.String()
}

// cut lays spans out in rows of at most w columns: one row ending in "…"
// when the line is too long, or as many rows as needed when wrap is set
// (capped at maxRows). It returns the rows and their widths.
func cut(spans []span, w int, wrap bool, maxRows int) (rows [][]span, widths []int) {
	if w <= 0 {
		return [][]span{nil}, []int{0}
	}
	var row []span
	rw := 0
	limit := w
	if !wrap {
		limit = w - 1 // room for the ellipsis, used only when the line overflows
	}
	total := 0
	if !wrap {
		for _, s := range spans {
			total += textWidth(s.text)
		}
		if total <= w {
			return [][]span{spans}, []int{total}
		}
	}
	for _, s := range spans {
		text := s.text
		for text != "" {
			// Fast path: the whole span fits.
			sw := textWidth(text)
			if rw+sw <= limit {
				row = append(row, span{text, s.p, s.sev})
				rw += sw
				break
			}
			// Split after the last grapheme cluster that fits.
			n, i := rw, 0
			for i < len(text) {
				size, cw := nextCluster(text[i:])
				if n+cw > limit {
					break
				}
				n += cw
				i += size
			}
			if i > 0 {
				row = append(row, span{text[:i], s.p, s.sev})
			}
			rw = n
			if !wrap {
				row = append(row, span{text: "…", p: pDim})
				return [][]span{row}, []int{rw + 1}
			}
			rows = append(rows, row)
			widths = append(widths, rw)
			if len(rows) == maxRows {
				return rows, widths
			}
			row, rw = nil, 0
			text = text[i:]
			if i == 0 && rw == 0 {
				// A cluster wider than the row: drop it rather than loop.
				size, _ := nextCluster(text)
				text = text[size:]
			}
		}
	}
	if row != nil || len(rows) == 0 {
		rows = append(rows, row)
		widths = append(widths, rw)
	}
	return rows, widths
}

// encode renders one row of spans with the styles, padded to w columns when
// it is the cursor row (so the selection bar spans the screen).
func encode(b *strings.Builder, row []span, rowWidth, w, shard int, sel bool, ls *lineStyles) {
	for _, s := range row {
		c := ls.get(s.p, shard, sel)
		if s.sev > 0 && ls.sev != nil {
			c = ls.sev.codes(int(s.sev-1), sel)
		}
		b.WriteString(c.pre)
		b.WriteString(s.text)
		b.WriteString(c.post)
	}
	if sel && rowWidth < w {
		b.WriteString(ls.selectedFill.pre)
		b.WriteString(strings.Repeat(" ", w-rowWidth))
		b.WriteString(ls.selectedFill.post)
	}
}
