package tui

// Tests of what a new user hit on real terminals. They drive the model
// only through New, Update and View, so that each can be run against the
// code before its fix too.

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/slstail/slstail/consumer"
)

// run runs cmd and whatever its messages lead to, depth first, as the
// program would. It is for the commands of key presses, which never wait on
// the source.
func run(t *testing.T, m *Model, cmd tea.Cmd) {
	t.Helper()
	if cmd == nil {
		return
	}
	msg := cmd()
	switch msg := msg.(type) {
	case nil, tea.QuitMsg, cursor.BlinkMsg:
		return // a blinking cursor would blink for ever
	case tea.BatchMsg:
		for _, c := range msg {
			run(t, m, c)
		}
		return
	}
	// tea.Sequence's message is an unexported []tea.Cmd.
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf(tea.Cmd(nil)) {
		for i := 0; i < v.Len(); i++ {
			run(t, m, v.Index(i).Interface().(tea.Cmd))
		}
		return
	}
	_, next := m.Update(msg)
	run(t, m, next)
}

// keys presses each key and runs what it leads to.
func keys(t *testing.T, m *Model, ks ...string) {
	t.Helper()
	for _, k := range press(ks...) {
		_, cmd := m.Update(k)
		run(t, m, cmd)
	}
}

// burst is runes that arrived in one read, as Bubble Tea delivers them.
func burst(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

// cursorLine is the log line under the cursor.
func cursorLine(m *Model) string {
	for _, l := range logLines(m) {
		if strings.HasPrefix(l, "▌") {
			return l
		}
	}
	return ""
}

// Key repeat over SSH, or a fast "nnn", arrives as one multi-rune key.
func TestBurstOfKeysIsThatManyPresses(t *testing.T) {
	m := newTestModel(t, newFake(), 100, 14)
	send(m, batchOf(0, 0, seq(0, 50)...))
	run(t, m, send(m, burst("kkkkk")))
	if l := cursorLine(m); !strings.Contains(l, "items/44 ") {
		t.Errorf("after kkkkk the cursor is on %q, want the fifth line up (items/44)", l)
	}
	run(t, m, send(m, burst("jj")))
	if l := cursorLine(m); !strings.Contains(l, "items/46 ") {
		t.Errorf("after jj the cursor is on %q, want items/46", l)
	}
	// A key that opens a text field makes the rest of the burst its text.
	run(t, m, send(m, burst("fstatus=500")))
	run(t, m, send(m, press("enter")...))
	if v := m.View(); !strings.Contains(v, "filter status=500") {
		t.Errorf("f and its text in one read did not filter:\n%s", v)
	}
	// A paste is text, never keys.
	before := cursorLine(m)
	run(t, m, send(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("kkk"), Paste: true}))
	if l := cursorLine(m); l != before {
		t.Errorf("a pasted kkk moved the cursor from %q to %q", before, l)
	}
}

// A completion offered by one prompt (C's field names) must not show in, nor
// be taken by, another: tab then saved to "….jsonluest_time,uri", and
// f tab enter filtered on the column list.
func TestPromptsKeepTheirOwnCompletions(t *testing.T) {
	m := newTestModel(t, newFake(), 120, 14)
	send(m, batchOf(0, 0, seq(0, 10)...))
	keys(t, m, "C", "ctrl+u")
	typeText(m, "status,u") // completes to status,uri (or status,ua)
	keys(t, m, "esc")

	keys(t, m, "s")
	want := filepath.Join(m.opts.SaveDir, "slstail-20261124-182000.jsonl")
	if v := m.View(); strings.Contains(v, "jsonlri") || strings.Contains(v, "jsonla") {
		t.Errorf("the save prompt shows the columns' completion:\n%s", v)
	}
	keys(t, m, "tab", "enter")
	if _, err := os.Stat(want); err != nil {
		entries, _ := os.ReadDir(m.opts.SaveDir)
		t.Errorf("tab enter did not save to the default path %s (%v); the directory holds %v", want, err, entries)
	}

	keys(t, m, "f", "tab", "enter")
	if v := m.View(); strings.Contains(v, "filter status") || strings.Contains(v, "filter st") {
		t.Errorf("f tab enter filtered on the column list:\n%s", v)
	}
}

// Digits typed on "N min ago" replace the default 15, then append.
func TestStartFromMinutesTypedReplaceTheDefault(t *testing.T) {
	f := newFake()
	m := newTestModel(t, f, 120, 14)
	keys(t, m, "e", "ctrl+u")
	typeText(m, "* | where status = '500'")
	keys(t, m, "enter", "m", "5")
	if v := m.View(); !strings.Contains(v, "[5 min ago]") {
		t.Errorf("after m 5 the row should offer 5 min ago:\n%s", v)
	}
	keys(t, m, "0", "enter")
	if len(f.froms) != 1 || f.froms[0] != (consumer.StartFrom{Kind: consumer.PosAgo, Ago: 50 * time.Minute}) {
		t.Errorf("m 5 0 enter restarted from %+v, want 50 minutes ago", f.froms)
	}
}

// The editor opens on the query that runs ("*" when there is none), with no
// error before an edit; the first step back in the history is a query other
// than the one shown.
func TestEditorOpensOnTheRunningQuery(t *testing.T) {
	f := newFake()
	f.status.Query = "" // the session runs every log
	m := newTestModel(t, f, 120, 14)
	keys(t, m, "e")
	v := m.View()
	if !strings.Contains(v, "SPL › *") || strings.Contains(v, "^") || strings.Contains(v, "empty query") {
		t.Errorf("the editor should open on * with no error:\n%s", v)
	}
	keys(t, m, "backspace")
	if v := m.View(); !strings.Contains(v, "empty query") {
		t.Errorf("an edit that empties the query should say so:\n%s", v)
	}
	keys(t, m, "esc")

	for _, q := range []string{"* | where status = '500'", "* | where status = '404'"} {
		keys(t, m, "e", "ctrl+u")
		typeText(m, q)
		keys(t, m, "enter", "enter")
	}
	keys(t, m, "e", "up")
	if v := m.View(); !strings.Contains(v, "SPL › * | where status = '500'") {
		t.Errorf("the first up should show the query before the running one:\n%s", v)
	}
}

// c asks before it drops the buffer; any other key keeps it.
func TestClearAsksFirst(t *testing.T) {
	m := newTestModel(t, newFake(), 120, 14)
	send(m, batchOf(0, 0, seq(0, 30)...))
	keys(t, m, "c")
	if v := m.View(); !strings.Contains(v, "items/29 ") || !strings.Contains(v, "clear 30 buffered lines?") {
		t.Errorf("c should ask before clearing 30 lines:\n%s", v)
	}
	keys(t, m, "j")
	if v := m.View(); !strings.Contains(v, "lines 30/") || !strings.Contains(v, "items/29 ") {
		t.Errorf("a key other than c should keep the buffer:\n%s", v)
	}
	keys(t, m, "c", "c")
	if v := m.View(); !strings.Contains(v, "lines 0/") || !strings.Contains(v, "cleared 30 lines") {
		t.Errorf("c c should clear:\n%s", v)
	}
}

// s says which lines it saves (the filter applies) and writes a file only
// the user can read.
func TestSaveSaysWhatItSaves(t *testing.T) {
	m := newTestModel(t, newFake(), 300, 14) // room for the temporary directory's path
	send(m, batchOf(0, 0, seq(0, 14)...))
	keys(t, m, "f")
	typeText(m, "status=500")
	keys(t, m, "enter", "s")
	// rec(0, i) has status 500 for i%7 == 4: i = 4 and 11.
	if v := m.View(); !strings.Contains(v, `save 2 logs matching "status=500" to:`) {
		t.Errorf("the save prompt should say it saves the 2 filtered lines:\n%s", v)
	}
	keys(t, m, "enter")
	want := filepath.Join(m.opts.SaveDir, "slstail-20261124-182000.jsonl")
	if v := m.View(); !strings.Contains(v, `saved 2 logs matching "status=500" to `+want) {
		t.Errorf("the notice should say what was saved:\n%s", v)
	}
	st, err := os.Stat(want)
	if err != nil {
		t.Fatal(err)
	}
	if perm := st.Mode().Perm(); perm != 0o600 {
		t.Errorf("saved file mode %v, want 0600: logs are not for every user of the machine", perm)
	}
}

// While reconnecting, the header and the notice name the same attempt.
func TestReconnectAttemptIsOneFigure(t *testing.T) {
	f := newFake()
	m := newTestModel(t, f, 200, 12)
	f.mu.Lock()
	f.status.Conn, f.status.Attempts = consumer.ConnReconnecting, 10
	f.mu.Unlock()
	cause := &consumer.Error{Op: "PullLogs shard 2", Kind: consumer.EventNetwork, Err: errors.New("connection refused")}
	send(m, eventMsg{ev: consumer.Event{Kind: consumer.EventNetwork, Msg: cause.Error() + " (reconnecting, attempt 10)", Err: cause}})
	f.mu.Lock()
	f.status.Attempts = 14 // the workers went on failing before the next poll
	f.mu.Unlock()
	send(m, statusTickMsg(t0))
	v := m.View()
	attempts := regexp.MustCompile(`attempt (\d+)`).FindAllStringSubmatch(v, -1)
	if len(attempts) != 2 || attempts[0][1] != "14" || attempts[1][1] != "14" {
		t.Errorf("the header and the notice should both say attempt 14, got %v:\n%s", attempts, v)
	}
}

// Inside tmux, y writes the bare sequence (which tmux takes with
// set-clipboard on) and the wrapped one (which it passes with
// allow-passthrough on): tmux drops whichever its settings do not allow.
func TestCopyInsideTmuxWritesBothForms(t *testing.T) {
	clip := &bytes.Buffer{}
	m := newTestModel(t, newFake(), 100, 20, func(o *Options) { o.Clipboard = clip })
	r := rec(0, 7)
	send(m, batchMsg{batches: []consumer.Batch{{Records: []consumer.Record{r}}}})
	t.Setenv("TMUX", "/tmp/tmux-1000/default,1234,0")
	t.Setenv("TERM", "tmux-256color")
	keys(t, m, "enter", "y")
	b64 := base64.StdEncoding.EncodeToString(r.AppendJSON(nil))
	bare := "\x1b]52;c;" + b64 + "\a"
	wrapped := "\x1bPtmux;\x1b\x1b]52;c;" + b64 + "\a\x1b\\"
	// The wrapped form holds the bare one: count them.
	if got := clip.String(); strings.Count(got, bare) != 2 || strings.Count(got, wrapped) != 1 {
		t.Errorf("clipboard got %q, want %q and %q", got, bare, wrapped)
	}
}

// The detail view wraps a long value so all of it can be read, and w cuts
// it with "…" instead.
func TestDetailWrapsLongValues(t *testing.T) {
	m := newTestModel(t, newFake(), 80, 30)
	long := "/api/v1/search?q=" + strings.Repeat("usb-c+cable+", 20) + "END"
	r := recWith(0, 1, consumer.Field{Key: "uri", Value: long}, consumer.Field{Key: "status", Value: "200"})
	send(m, batchMsg{batches: []consumer.Batch{{Records: []consumer.Record{r}}}})
	keys(t, m, "enter")
	var joined strings.Builder
	for _, l := range logLines(m) {
		joined.WriteString(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "uri")))
	}
	if !strings.Contains(joined.String(), long) {
		t.Errorf("the whole value should be readable, wrapped:\n%s", m.View())
	}
	keys(t, m, "w")
	view := m.View()
	if strings.Contains(view, "END") || !strings.Contains(view, "…") {
		t.Errorf("w should cut the value with …:\n%s", view)
	}
}

// The column view picks the fields people look at from the data (status
// among them), and its last column takes the free width.
func TestColumnViewDefaults(t *testing.T) {
	m := newTestModel(t, newFake(), 160, 12)
	uri := "/api/v1/products?category=electronics&page=3&sort=price_desc&limit=48"
	r := recWith(0, 1,
		consumer.Field{Key: "client_ip", Value: "36.64.189.196"},
		consumer.Field{Key: "method", Value: "GET"},
		consumer.Field{Key: "host", Value: "api.example-shop.com"},
		consumer.Field{Key: "uri", Value: uri},
		consumer.Field{Key: "protocol", Value: "HTTP/2.0"},
		consumer.Field{Key: "status", Value: "503"},
		consumer.Field{Key: "request_time", Value: "0.412"},
	)
	send(m, batchMsg{batches: []consumer.Batch{{Records: []consumer.Record{r}}}})
	keys(t, m, "v", "v", "v")
	lines := logLines(m)
	if !strings.Contains(lines[0], "status") {
		t.Errorf("the column view's default columns leave out status: %q", lines[0])
	}
	if l := cursorLine(m); !strings.Contains(l, "503") || !strings.Contains(l, uri) {
		t.Errorf("the row should show the status and all of the last column, which has the room: %q", l)
	}
}

// The caret of a long error stays under the error, whatever the width.
func TestErrorCaretStaysUnderTheError(t *testing.T) {
	for _, w := range []int{80, 100, 160} {
		m := newTestModel(t, newFake(), w, 14)
		keys(t, m, "e", "ctrl+u")
		typeText(m, "* | where cast(status as bigin) > 1") // 1:26: unknown type 'bigin' in cast, expected one of … (155 characters)
		lines := strings.Split(m.View(), "\n")
		row := ""
		for i, l := range lines {
			if strings.HasPrefix(l, "SPL › ") && i+1 < len(lines) {
				row = lines[i+1]
			}
		}
		// "SPL › " is 6 columns; the error is at byte 25 of the query.
		if got := strings.Index(row, "^"); got != 6+25 {
			t.Errorf("width %d: caret at column %d, want 31: %q", w, got, row)
		}
		if !strings.Contains(row, "1:26: unknown type 'bigin'") {
			t.Errorf("width %d: message missing: %q", w, row)
		}
	}
}

// At 80 and 60 columns the header keeps the connection state and the
// logstore, the status line keeps a notice whole, and the help reflows
// without cutting a key or a sentence.
func TestNarrowTerminalsKeepWhatMatters(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {60, 15}} {
		w, h := sz[0], sz[1]
		f := newFake()
		f.status.Endpoint, f.status.Group = "127.0.0.1:45363", "slstail-root-vm-54e9d170"
		m := newTestModel(t, f, w, h)
		send(m, batchOf(0, 0, seq(0, 30)...))
		if head := strings.Split(m.View(), "\n")[0]; !strings.Contains(head, "● connected") || !strings.Contains(head, "demo/access") {
			t.Errorf("%dx%d: the header lost the connection state or the logstore: %q", w, h, head)
		}
		keys(t, m, "/")
		typeText(m, "zzz")
		keys(t, m, "enter")
		lines := strings.Split(m.View(), "\n")
		if status := lines[len(lines)-1]; !strings.Contains(status, `no older match for "zzz"`) {
			t.Errorf("%dx%d: the notice is cut: %q", w, h, status)
		}

		keys(t, m, "?")
		seen := map[string]bool{}
		var text strings.Builder
		for i := 0; i < 20; i++ {
			for _, l := range logLines(m) {
				if !seen[l] {
					seen[l] = true
					text.WriteString(strings.TrimSpace(l) + " ")
				}
				if strings.HasSuffix(strings.TrimRight(l, " "), "…") {
					t.Errorf("%dx%d: a help line is cut: %q", w, h, l)
				}
			}
			send(m, tea.KeyMsg{Type: tea.KeyPgDown})
		}
		all := strings.Join(strings.Fields(text.String()), " ")
		for _, want := range []string{"tail/panes", "pick columns", "newer query", "copy (OSC 52)", "older match, N to the newer.", "? or esc closes this help."} {
			if !strings.Contains(all, want) {
				t.Errorf("%dx%d: the help lacks %q", w, h, want)
			}
		}
	}
}
