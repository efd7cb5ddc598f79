package tui

import (
	"fmt"
	"strconv"
	"strings"
)

// The smallest terminal the UI draws in; smaller gets a message instead.
const (
	minWidth  = 40
	minHeight = 8
)

// View draws the screen: header, log area (or the overlay over it), SPL
// bar, status line (or the open prompt). It only draws: every part was laid
// out in Update.
func (m *Model) View() string {
	if m.width == 0 || m.height == 0 {
		return "" // no size yet
	}
	if m.width < minWidth || m.height < minHeight {
		return truncateText(fmt.Sprintf("too small: %d×%d (need %d×%d)", m.width, m.height, minWidth, minHeight), m.width)
	}
	if m.quitting {
		return m.theme.Info.Render("Stopping: flushing checkpoints and leaving the consumer group… (ctrl+c again to abandon)")
	}
	var b strings.Builder
	b.WriteString(m.header.View())
	b.WriteByte('\n')
	if m.overlay != nil {
		b.WriteString(m.overlay.View())
	} else {
		b.WriteString(m.logs.View())
	}
	b.WriteByte('\n')
	b.WriteString(m.editor.View())
	b.WriteByte('\n')
	if m.previewRows() > 0 {
		b.WriteString(m.preview.View())
		b.WriteByte('\n')
	}
	if m.logs.Focused() {
		b.WriteString(m.logs.promptView())
	} else {
		b.WriteString(m.bar.View())
	}
	return b.String()
}

// formatCount writes n with thousands separators: 100,000.
func formatCount(n int) string {
	s := strconv.Itoa(n)
	if n < 0 || len(s) <= 3 {
		return s
	}
	var b strings.Builder
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}
