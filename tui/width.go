package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Every display width in tui is measured here, and the same way Bubble Tea's
// renderer measures the lines it writes (x/ansi: grapheme clusters, escape
// sequences count zero). A line tui lays out to fit is then a line the
// renderer does not cut, and widths added up from parts agree with the
// width of the whole.

// textWidth is the number of columns s takes; s may carry SGR sequences.
func textWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return ansi.StringWidth(s)
		}
	}
	return len(s) // printable ASCII: the common case costs a byte scan
}

// truncateText cuts s to at most w columns, ending in "…" when cut.
func truncateText(s string, w int) string {
	if textWidth(s) <= w {
		return s
	}
	if w <= 0 {
		return ""
	}
	return ansi.Truncate(s, w, "…")
}

// padRight pads s with spaces to w columns.
func padRight(s string, w int) string {
	if n := textWidth(s); n < w {
		return s + spaces(w-n)
	}
	return s
}

// nextCluster is the length in bytes and the width of the first grapheme
// cluster of plain text s, for cutting text into rows where a cluster (a
// letter and its accents, an emoji sequence) is never split.
func nextCluster(s string) (size, width int) {
	if s[0] < 0x80 && (len(s) == 1 || s[1] < 0x80) {
		return 1, 1
	}
	c, w := ansi.FirstGraphemeCluster(s, ansi.GraphemeWidth)
	return len(c), w
}

// wrapText wraps plain text to rows of at most w columns, at spaces and
// hyphens where it can and inside a word where it must.
func wrapText(s string, w int) string {
	if w <= 0 || textWidth(s) <= w {
		return s
	}
	return ansi.Wrap(s, w, "")
}

// spaces is n blanks; a negative n is none.
func spaces(n int) string {
	const blank = "                                                                                "
	if n <= 0 {
		return ""
	}
	if n <= len(blank) {
		return blank[:n]
	}
	out := make([]byte, n)
	for i := range out {
		out[i] = ' '
	}
	return string(out)
}

// blockWidth is the width of the widest line of s.
func blockWidth(s string) int {
	w := 0
	for line := range strings.SplitSeq(s, "\n") {
		w = max(w, textWidth(line))
	}
	return w
}
