package tui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/aymanbagabas/go-osc52/v2"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/slstail/slstail/consumer"
	"github.com/slstail/slstail/internal/textsafe"
	"github.com/slstail/slstail/keymap"
	"github.com/slstail/slstail/themes"
)

// detail shows every field of one log, JSON values pretty-printed, in a
// viewport (the content is one log, so the viewport's full re-layout on
// SetContent is cheap here, unlike for the tail). Its Close key is the log
// area's to act on: the log area opened it.
type detail struct {
	keys   *keymap.KeyMap
	theme  *themes.Theme
	loc    *time.Location
	clip   io.Writer
	vp     viewport.Model
	rec    consumer.Record
	cut    bool // long values cut with "…" rather than wrapped
	width  int
	height int
}

// copiedMsg reports an OSC 52 copy.
type copiedMsg struct {
	n    int
	tmux bool   // written for tmux, which needs a setting to pass it
	show string // what the notice says was copied ("": n bytes of JSON)
	err  error
}

func newDetail(km *keymap.KeyMap, th *themes.Theme, loc *time.Location, clip io.Writer) *detail {
	vp := viewport.New(0, 0)
	vp.KeyMap.Up = km.Detail.Up
	vp.KeyMap.Down = km.Detail.Down
	vp.KeyMap.PageUp = km.Detail.PageUp
	vp.KeyMap.PageDown = km.Detail.PageDown
	vp.KeyMap.HalfPageUp.SetEnabled(false)
	vp.KeyMap.HalfPageDown.SetEnabled(false)
	vp.KeyMap.Left.SetEnabled(false)
	vp.KeyMap.Right.SetEnabled(false)
	return &detail{keys: km, theme: th, loc: loc, clip: clip, vp: vp}
}

// SetSize implements component.
func (d *detail) SetSize(w, h int) {
	d.width, d.height = w, max(h, 0)
	d.vp.Width, d.vp.Height = w, d.height
	d.vp.SetContent(d.content())
}

// View implements component.
func (d *detail) View() string { return fillLines(d.vp.View(), d.height) }

// ShortHelp implements help.KeyMap.
func (d *detail) ShortHelp() []key.Binding { return d.keys.Detail.ShortHelp() }

// FullHelp implements help.KeyMap.
func (d *detail) FullHelp() [][]key.Binding { return d.keys.Detail.FullHelp() }

func (d *detail) show(rec consumer.Record) {
	d.rec = rec
	d.vp.SetContent(d.content())
	d.vp.GotoTop()
}

func (d *detail) content() string {
	th := d.theme
	r := &d.rec
	var b strings.Builder
	head := fmt.Sprintf("shard %d · %s", r.Shard, r.Time.In(d.loc).Format("2006-01-02 15:04:05.000 MST"))
	if recv := r.Receive(); !recv.IsZero() {
		head += " · received " + recv.In(d.loc).Format("15:04:05")
	}
	b.WriteString(th.Title.Render(truncateText(head, d.width)))
	b.WriteByte('\n')
	meta := []consumer.Field{{Key: "__topic__", Value: r.Topic()}, {Key: "__source__", Value: r.Source()}}
	for _, t := range r.Tags() {
		meta = append(meta, consumer.Field{Key: "__tag__:" + t.Key, Value: t.Value})
	}
	keyW := 0
	fields := r.AppendFields(nil)
	for _, f := range append(meta, fields...) {
		keyW = max(keyW, min(textWidth(textsafe.Sanitize(f.Key)), 32))
	}
	// Values wrap in the column right of the keys, or are cut there with
	// "…" (w switches): the viewport would cut them at the edge unseen.
	indent := keyW + 4
	valueW := max(d.width-indent, 10)
	section := func(title string, fs []consumer.Field) {
		b.WriteString("\n" + th.Dim.Render(title) + "\n")
		for _, f := range fs {
			k := truncateText(textsafe.Sanitize(f.Key), 32)
			var rows []string
			for _, l := range strings.Split(prettyValue(f.Value), "\n") {
				if d.cut {
					rows = append(rows, truncateText(l, valueW))
				} else {
					rows = append(rows, strings.Split(wrapText(l, valueW), "\n")...)
				}
			}
			b.WriteString("  " + th.Key.Render(padRight(k, keyW)) + "  " + th.Value.Render(rows[0]) + "\n")
			for _, l := range rows[1:] {
				b.WriteString(spaces(indent) + th.Value.Render(l) + "\n")
			}
		}
	}
	section("meta", meta)
	section(fmt.Sprintf("fields (%d)", len(fields)), fields)
	k := d.keys
	wrap := "cut long values"
	if d.cut {
		wrap = "wrap long values"
	}
	foot := hints(hint(k.Detail.Copy, "copy as JSON"), hint(k.Detail.Wrap, wrap), hint(k.Global.Back, "back"), pair(k.Detail.Up, k.Detail.Down, "scroll"))
	b.WriteString("\n" + th.Dim.Render(truncateText(foot, d.width)))
	return b.String()
}

// prettyValue indents JSON objects and arrays; other values are shown as
// they are. Both are sanitized, newlines kept.
func prettyValue(v string) string {
	t := strings.TrimSpace(v)
	if len(t) > 1 && (t[0] == '{' || t[0] == '[') && json.Valid([]byte(t)) {
		var out bytes.Buffer
		if json.Indent(&out, []byte(t), "", "  ") == nil {
			return textsafe.SanitizeMultiline(out.String())
		}
	}
	return textsafe.SanitizeMultiline(v)
}

// Update scrolls and copies.
func (d *detail) Update(msg tea.Msg) tea.Cmd {
	if km, ok := msg.(tea.KeyMsg); ok {
		switch {
		case key.Matches(km, d.keys.Detail.Copy):
			return copyCmd(d.clip, string(d.rec.AppendJSON(nil)))
		case key.Matches(km, d.keys.Detail.Top):
			d.vp.GotoTop()
			return nil
		case key.Matches(km, d.keys.Detail.Bottom):
			d.vp.GotoBottom()
			return nil
		case key.Matches(km, d.keys.Detail.Wrap):
			d.cut = !d.cut
			d.vp.SetContent(d.content())
			return nil
		}
	}
	var cmd tea.Cmd
	d.vp, cmd = d.vp.Update(msg)
	return cmd
}

// copyCmd writes an OSC 52 clipboard sequence to the terminal directly
// (stderr by default) rather than through the renderer, which would not
// pass it.
//
// tmux drops a bare OSC 52 unless set-clipboard is on (then it keeps the
// text in a paste buffer and hands it on to the outer terminal), and passes
// a wrapped one (DCS passthrough) only with allow-passthrough on: inside
// tmux both are written, so that either setting works. screen passes only
// the wrapped one.
func copyCmd(w io.Writer, s string) tea.Cmd { return copyCmdShowing(w, s, "") }

// copyCmdShowing is copyCmd whose notice shows what was copied (show,
// sanitized when drawn) rather than its size.
func copyCmdShowing(w io.Writer, s, show string) tea.Cmd {
	return func() tea.Msg {
		seq := osc52.New(s)
		var err error
		inTmux := os.Getenv("TMUX") != ""
		switch {
		case inTmux:
			if _, err = seq.WriteTo(w); err == nil {
				_, err = seq.Tmux().WriteTo(w)
			}
		case strings.HasPrefix(os.Getenv("TERM"), "screen"):
			_, err = seq.Screen().WriteTo(w)
		default:
			_, err = seq.WriteTo(w)
		}
		if err != nil {
			err = fmt.Errorf("copy to clipboard: %w", err)
		}
		return copiedMsg{n: len(s), tmux: inTmux, show: show, err: err}
	}
}
