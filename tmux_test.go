package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slstail/slstail/internal/demogen"
)

// TestTmuxDemo drives the built binary's demo in a real terminal, as a user
// would: lines stream tagged by shard, a query edit filters them, an invalid
// query shows a positioned error while the stream goes on, the lag view
// opens, and q quits cleanly.
func TestTmuxDemo(t *testing.T) {
	needTmux(t)
	dir := t.TempDir()
	tm := startTmux(t, dir, slstailBin(t, dir), 160, 40, "demo", "--theme", "mono", "--seed", "7", "--backfill", "5s", "--rate", "300")

	// 1. Shard-tagged lines stream.
	logLine := regexp.MustCompile(`^[ ▌]\d\d:\d\d:\d\d\.\d{3} s(\d+) `)
	shards := map[string]bool{} // over time: one pull fills the screen with one shard's run
	tm.waitFor("connected, with lines from several shards", func(s screen) bool {
		for _, l := range s.logLines() {
			if m := logLine.FindStringSubmatch(l); m != nil {
				shards[m[1]] = true
			}
		}
		return strings.Contains(s.header(), "● connected") && len(shards) >= 2
	})

	// 2. Edit the query to a filter; after the marker, only matching lines.
	const filter = `* | where host = 'api.example-shop.com' | project host, status, uri`
	tm.send("e")
	tm.keys("C-u")
	tm.send(filter)
	tm.waitFor("the editor to accept the query", func(s screen) bool { return strings.Contains(s.text, "✓ valid") })
	tm.keys("Enter")
	tm.waitFor("the start-position prompt", func(s screen) bool { return strings.Contains(s.text, "start from:") })
	tm.keys("Enter") // continue
	matching := regexp.MustCompile(`^[ ▌]\d\d:\d\d:\d\d\.\d{3} s\d+ host=api\.example-shop\.com status=\d{3} uri=\S+\s*$`)
	var after []string
	tm.waitFor("ten lines of the new query", func(s screen) bool {
		var found bool
		after, found = s.linesAfterMarker()
		if !found {
			// The marker may scroll past between two captures; once no line
			// of the old query (which has every field) is left, all are new.
			for _, l := range after {
				if strings.Contains(l, "client_ip=") {
					return false
				}
			}
		}
		return len(after) >= 10
	})
	for _, l := range after {
		if !matching.MatchString(l) {
			t.Errorf("line after the query change does not match the filter:\n%s\nscreen:\n%s", l, tm.last.text)
		}
	}

	// 3. An invalid query: a positioned error, and the stream keeps running.
	tm.send("e")
	tm.keys("C-u")
	tm.send("* | where cast(status as bigin) > 1")
	errScreen := tm.waitFor("the positioned error", func(s screen) bool {
		return strings.Contains(s.text, "1:26: unknown type 'bigin' in cast")
	})
	tm.keys("Enter") // must not apply
	before := errScreen.bufferedLines()
	tm.waitFor("more lines buffered while the error is shown", func(s screen) bool {
		return strings.Contains(s.text, "1:26:") && s.bufferedLines() > before
	})
	if strings.Contains(tm.last.text, "start from:") {
		t.Errorf("enter on an invalid query asked where to start:\n%s", tm.last.text)
	}
	tm.keys("Escape")
	time.Sleep(300 * time.Millisecond) // an escape followed at once by a key reads as alt+key
	if s := tm.capture(); !strings.Contains(s.splBar(), filter) {
		t.Errorf("after esc the SPL bar should show the running query %q, got %q", filter, s.splBar())
	}

	// 4. The lag view, one row per shard.
	tm.send("L")
	lagRow := regexp.MustCompile(`^[ ▌]\s+\d+ \S+\s+(pulling|idle|starting)\s`)
	tm.waitFor("the lag view with 4 shard rows", func(s screen) bool {
		if !strings.Contains(s.text, "SHARD HELD BY") {
			return false
		}
		n := 0
		for _, l := range s.lines {
			if lagRow.MatchString(l) {
				n++
			}
		}
		return n == 4
	})

	// 5. Quit: checkpoints flushed, group deleted, exit status 0.
	tm.send("q")
	if code := tm.waitExit(); code != 0 {
		t.Fatalf("slstail demo exited %d; last screen:\n%s", code, tm.last.text)
	}
}

// TestTmuxSmallTerminal runs the demo at 80×24 with NO_COLOR set, as a
// new user met it: the header keeps the connection state, the status line
// keeps its reverse video (NO_COLOR removes colour, not attributes, and
// TERM=screen, what tmux without a config says, has attributes too), a
// burst of keys in one read moves as far as it says, and y copies into
// tmux with set-clipboard on.
func TestTmuxSmallTerminal(t *testing.T) {
	needTmux(t)
	dir := t.TempDir()
	tm := startTmuxEnv(t, dir, slstailBin(t, dir), 80, 24, []string{"TERM=screen"}, "demo", "--seed", "7", "--backfill", "5s", "--rate", "50")
	tm.tmux("set-option", "-g", "set-clipboard", "on")

	// 1. The header keeps the state at 80 columns, beside the demo's long
	// group name.
	logLine := regexp.MustCompile(`^[ ▌]\d\d:\d\d:\d\d\.\d{3} s\d+ `)
	tm.waitFor("connected, with a screen of lines", func(s screen) bool {
		n := 0
		for _, l := range s.logLines() {
			if logLine.MatchString(l) {
				n++
			}
		}
		return strings.Contains(s.header(), "● connected") && n >= 15
	})

	// 2. NO_COLOR: no colour, but the status line is still reverse video.
	status := tm.tmux("capture-pane", "-p", "-e", "-t", "main")
	rows := strings.Split(strings.TrimRight(status, "\n"), "\n")
	last := rows[len(rows)-1]
	if !regexp.MustCompile(`\x1b\[[0-9;]*\b7m`).MatchString(last) {
		t.Errorf("under NO_COLOR the status line lost its reverse video: %q", last)
	}
	if regexp.MustCompile(`\x1b\[[0-9;]*\b(3[0-7]|38|4[0-7]|48|9[0-7])(;|m)`).MatchString(status) {
		t.Errorf("under NO_COLOR the screen has colour:\n%q", status)
	}

	// 3. A burst of keys in one read: pause, then kkkkk moves five lines up.
	tm.send(" ")
	paused := tm.waitFor("paused", func(s screen) bool { return strings.Contains(s.lines[len(s.lines)-1], "PAUSED") })
	before := paused.cursorRow()
	tm.send("kkkkk")
	after := tm.waitFor("the cursor to move", func(s screen) bool { return s.cursorRow() != before })
	if got := before - after.cursorRow(); got != 5 {
		t.Errorf("kkkkk sent at once moved the cursor %d lines, want 5:\n%s", got, after.text)
	}

	// 4. y in the detail view copies into tmux's paste buffer.
	tm.keys("Enter")
	tm.waitFor("the detail view", func(s screen) bool { return strings.Contains(s.text, "fields (") })
	tm.send("y")
	tm.waitFor("the copy notice", func(s screen) bool { return strings.Contains(s.text, "copied") })
	deadline := time.Now().Add(10 * time.Second)
	for {
		out, err := exec.Command("tmux", "-L", tm.socket, "show-buffer").CombinedOutput()
		if err == nil && strings.Contains(string(out), `"__time__":`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("y did not reach tmux's paste buffer (set-clipboard on): %v %q", err, out)
		}
		time.Sleep(200 * time.Millisecond)
	}

	tm.keys("Escape")
	time.Sleep(300 * time.Millisecond) // an escape followed at once by a key reads as alt+key
	tm.send("q")
	if code := tm.waitExit(); code != 0 {
		t.Fatalf("slstail demo exited %d; last screen:\n%s", code, tm.last.text)
	}
}

// TestTmuxFacetFindsFailingBackend is an on-call engineer's question on
// the demo's 5xx burst, answered from the keyboard: which upstream fails?
// The query that selects 5xx is typed into the editor; from there, at most
// 15 keys (apply, clear what the old query left, facets of upstream_addr)
// must show the backend demogen says is failing, on top.
func TestTmuxFacetFindsFailingBackend(t *testing.T) {
	needTmux(t)
	dir := t.TempDir()
	bin := slstailBin(t, dir)
	// The live stream of "demo --seed S" is generated with S+1; its bursts
	// follow the wall clock, at a phase the seed picks. Take a seed whose
	// next burst starts once the demo is up and the query typed, so that
	// the test need not wait a minute for one.
	seed, failing, burst := burstSeed(time.Now().Add(10*time.Second), 10*time.Second)
	if failing == "" {
		t.Skip("no seed of the first 500 has an error burst in the next seconds")
	}
	t.Logf("seed %d: %s fails from %s", seed, failing, burst.Format("15:04:05.0"))
	tm := startTmux(t, dir, bin, 120, 30, "demo", "--seed", strconv.FormatUint(seed, 10), "--backfill", "0s", "--rate", "300", "--from", "end")
	tm.waitFor("connected, with lines", func(s screen) bool {
		return strings.Contains(s.header(), "● connected") && s.bufferedLines() > 50
	})

	const query = `* | where cast(status as bigint) >= 500`
	tm.send("e")
	tm.keys("C-u")
	tm.send(query)
	tm.waitFor("the editor to accept the query", func(s screen) bool { return strings.Contains(s.text, "✓ valid") })

	// From here every key counts.
	pressed := 0
	key := func(k string) { pressed++; tm.keys(k) }
	typed := func(r string) { pressed += len([]rune(r)); tm.send(r) }
	key("Enter") // check the query
	tm.waitFor("the start-position prompt", func(s screen) bool { return strings.Contains(s.text, "start from:") })
	key("Enter") // continue
	tm.waitFor("the query to run", func(s screen) bool {
		return strings.Contains(s.text, "query applied") || strings.Contains(s.text, "── query:")
	})
	// The engineer looks once the burst is on.
	if d := time.Until(burst.Add(time.Second)); d > 0 {
		time.Sleep(d)
	}
	typed("cc") // clear the old query's lines, which are not the burst's
	tm.waitFor("the buffer cleared", func(s screen) bool { return strings.Contains(s.text, "cleared") })
	tm.waitFor("5xx lines of the new query", func(s screen) bool { return s.bufferedLines() >= 10 })
	typed("F")
	typed("ups")
	key("Tab")
	key("Enter")
	facet := tm.waitFor("the facet view of upstream_addr", func(s screen) bool {
		return strings.Contains(s.text, "Facets · upstream_addr") && strings.Contains(s.text, "COUNT")
	})
	if pressed > 15 {
		t.Errorf("%d keys after the query was typed, want at most 15", pressed)
	}
	top := ""
	for _, l := range facet.lines {
		if strings.HasPrefix(l, "▌") {
			top = strings.Fields(strings.TrimPrefix(l, "▌"))[0]
			break
		}
	}
	if top != failing {
		t.Fatalf("the facet view's top upstream is %q, demogen says %q fails; screen:\n%s", top, failing, facet.text)
	}

	tm.keys("Escape")
	time.Sleep(300 * time.Millisecond) // an escape followed at once by a key reads as alt+key
	tm.send("q")
	if code := tm.waitExit(); code != 0 {
		t.Fatalf("slstail demo exited %d; last screen:\n%s", code, tm.last.text)
	}
}

// burstSeed finds a demo seed whose live stream (seed+1) starts an error
// burst within 10 s after from, lasting at least span, and names the
// failing backend and when the burst starts.
func burstSeed(from time.Time, span time.Duration) (uint64, string, time.Time) {
	const step = 250 * time.Millisecond
	for seed := uint64(1); seed <= 500; seed++ {
		g := demogen.New(seed+1, demogen.Options{})
		for start := from; start.Before(from.Add(10 * time.Second)); start = start.Add(step) {
			failing := g.FailingBackend(start)
			if failing == "" || g.FailingBackend(start.Add(-step)) != "" {
				continue
			}
			steady := true
			for d := time.Duration(0); d <= span; d += step {
				if g.FailingBackend(start.Add(d)) != failing {
					steady = false
					break
				}
			}
			if steady {
				return seed, failing, start
			}
		}
	}
	return 0, "", time.Time{}
}

func needTmux(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary in tmux")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux not installed")
	}
}

// slstailBin is SLSTAIL_BIN (CI passes the goreleaser snapshot), or a
// binary built into dir.
func slstailBin(t *testing.T, dir string) string {
	t.Helper()
	if bin := os.Getenv("SLSTAIL_BIN"); bin != "" {
		return bin
	}
	bin := filepath.Join(dir, "slstail")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// tmuxRun is one program in a detached tmux session on a private socket.
type tmuxRun struct {
	t        *testing.T
	socket   string
	exitFile string
	last     screen
}

func startTmux(t *testing.T, dir, bin string, width, height int, args ...string) *tmuxRun {
	t.Helper()
	return startTmuxEnv(t, dir, bin, width, height, nil, args...)
}

// startTmuxEnv is startTmux with extra VAR=value settings for slstail.
func startTmuxEnv(t *testing.T, dir, bin string, width, height int, env []string, args ...string) *tmuxRun {
	t.Helper()
	tm := &tmuxRun{t: t, socket: "slstail-test-" + strconv.Itoa(os.Getpid()) + "-" + t.Name(), exitFile: filepath.Join(dir, "exit")}
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = "'" + a + "'"
	}
	script := fmt.Sprintf("XDG_STATE_HOME=%s XDG_CONFIG_HOME=%s NO_COLOR=1 %s %s %s 2>%s; echo $? > %s",
		filepath.Join(dir, "state"), filepath.Join(dir, "config"), strings.Join(env, " "), bin, strings.Join(quoted, " "),
		filepath.Join(dir, "stderr"), tm.exitFile)
	tm.tmux("new-session", "-d", "-s", "main", "-x", strconv.Itoa(width), "-y", strconv.Itoa(height), "sh", "-c", script)
	t.Cleanup(func() {
		exec.Command("tmux", "-L", tm.socket, "kill-server").Run()
	})
	return tm
}

func (tm *tmuxRun) tmux(args ...string) string {
	tm.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", tm.socket}, args...)...).CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// send types text literally; keys sends tmux key names (Enter, Escape, C-u).
func (tm *tmuxRun) send(text string) { tm.tmux("send-keys", "-t", "main", "-l", text) }
func (tm *tmuxRun) keys(k ...string) { tm.tmux(append([]string{"send-keys", "-t", "main"}, k...)...) }

func (tm *tmuxRun) capture() screen {
	tm.t.Helper()
	tm.last = newScreen(tm.tmux("capture-pane", "-p", "-t", "main"))
	return tm.last
}

// tryCapture is capture for when slstail may be exiting: the tmux server
// ends with its only pane, so a failed capture is not an error by itself.
func (tm *tmuxRun) tryCapture() {
	if out, err := exec.Command("tmux", "-L", tm.socket, "capture-pane", "-p", "-t", "main").Output(); err == nil {
		tm.last = newScreen(string(out))
	}
}

// waitFor polls the screen until cond holds. The deadline is generous: it
// bounds a broken run, it does not measure speed.
func (tm *tmuxRun) waitFor(what string, cond func(screen) bool) screen {
	tm.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if _, err := os.Stat(tm.exitFile); err == nil {
			b, _ := os.ReadFile(filepath.Join(filepath.Dir(tm.exitFile), "stderr"))
			tm.t.Fatalf("waiting for %s: slstail exited; stderr:\n%s", what, b)
		}
		s := tm.capture()
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("timed out waiting for %s; screen:\n%s", what, s.text)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (tm *tmuxRun) waitExit() int {
	tm.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(tm.exitFile); err == nil && len(b) > 0 {
			code, err := strconv.Atoi(strings.TrimSpace(string(b)))
			if err != nil {
				tm.t.Fatalf("exit file: %q", b)
			}
			return code
		}
		// The shell creates the exit file before it writes the code and
		// ends the session right after: the capture may find no server.
		tm.tryCapture()
		time.Sleep(200 * time.Millisecond)
	}
	tm.t.Fatalf("slstail did not exit; screen:\n%s", tm.last.text)
	return -1
}

// screen is one capture of the pane, read with the layout tui/doc.go fixes:
// header, log area, SPL bar (one or two rows), status line.
type screen struct {
	text  string
	lines []string
}

func newScreen(text string) screen {
	return screen{text: text, lines: strings.Split(strings.TrimRight(text, "\n"), "\n")}
}

func (s screen) header() string { return s.lines[0] }

// splRow is the SPL bar's row, or 0 while the UI has not drawn yet.
func (s screen) splRow() int {
	for i := len(s.lines) - 1; i > 0; i-- {
		if strings.HasPrefix(s.lines[i], "SPL ›") {
			return i
		}
	}
	return 0
}

func (s screen) splBar() string { return s.lines[s.splRow()] }

func (s screen) logLines() []string {
	if r := s.splRow(); r > 0 {
		return s.lines[1:r]
	}
	return nil
}

// linesAfterMarker returns the log lines below the last query-change marker
// and whether the marker is on screen; without it, every log line (which
// are all the new query's once the marker has scrolled off).
func (s screen) linesAfterMarker() ([]string, bool) {
	logs := s.logLines()
	for i := len(logs) - 1; i >= 0; i-- {
		if strings.Contains(logs[i], "── query:") {
			return logs[i+1:], true
		}
	}
	return logs, false
}

// cursorRow is the screen row of the cursor line ("▌"), or -1.
func (s screen) cursorRow() int {
	for i, l := range s.lines {
		if i > 0 && strings.HasPrefix(l, "▌") {
			return i
		}
	}
	return -1
}

var bufferedRe = regexp.MustCompile(`lines ([\d,]+)/`)

// bufferedLines reads "lines N/CAP" from the status line.
func (s screen) bufferedLines() int {
	m := bufferedRe.FindStringSubmatch(s.lines[len(s.lines)-1])
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(strings.ReplaceAll(m[1], ",", ""))
	return n
}

// TestTmuxSplitAndMerge tails `slstail serve --split-every 2s`, which
// splits a shard and merges it back every two seconds while it writes
// logs: the lag view lists the new shards as they are born and the
// parents as read-only, then done; the pane grid shows the new shards and
// no longer the done ones; the stream goes on.
func TestTmuxSplitAndMerge(t *testing.T) {
	needTmux(t)
	dir := t.TempDir()
	bin := slstailBin(t, dir)
	const id, secret = "LTAItmuxsplit", "tmux-split-secret-0123456789"
	serve := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--access-key-id", id, "--access-key-secret", secret,
		"--shards", "2", "--generate", "200", "--split-every", "2s")
	out, err := serve.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	serveLog, err := os.Create(filepath.Join(dir, "serve.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer serveLog.Close()
	serve.Stderr = serveLog // its splits and merges, for a failure's post-mortem
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		serve.Process.Signal(os.Interrupt)
		serve.Wait()
	})
	banner := make([]byte, 256)
	n, _ := out.Read(banner)
	m := regexp.MustCompile(`listening on (\S+)`).FindSubmatch(banner[:n])
	if m == nil {
		t.Fatalf("serve banner: %q", banner[:n])
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()

	tm := startTmux(t, dir, bin, 160, 40, "--endpoint", string(m[1]), "--project", "demo", "--logstore", "access",
		"--access-key-id", id, "--access-key-secret", secret, "--from", "begin", "--theme", "mono")
	tm.send("L")
	lagRow := regexp.MustCompile(`^[ ▌]\s+(\d+) \S+\s+(\S+)\s`)
	rows := func(s screen) map[int]string {
		out := map[int]string{}
		for _, l := range s.lines {
			if m := lagRow.FindStringSubmatch(l); m != nil {
				id, _ := strconv.Atoi(m[1])
				out[id] = m[2]
			}
		}
		return out
	}
	tm.waitFor("a split's children and a done parent in the lag view", func(s screen) bool {
		r := rows(s)
		done := 0
		for _, st := range r {
			if st == "done" {
				done++
			}
		}
		_, child := r[2]
		return child && done >= 1 && strings.Contains(s.text, " done)")
	})
	tm.send("L")
	tm.keys("Tab")
	title := regexp.MustCompile(`s(\d+)(?: \(\d+/\d+\))? · (\S+)`)
	tm.waitFor("the panes of live shards only, a born one among them", func(s screen) bool {
		var ids []int
		for _, l := range s.lines {
			for _, m := range title.FindAllStringSubmatch(l, -1) {
				if m[2] == "done" {
					return false
				}
				id, _ := strconv.Atoi(m[1])
				ids = append(ids, id)
			}
		}
		for _, id := range ids {
			if id >= 2 {
				return true
			}
		}
		return false
	})
	tm.send("q")
	if code := tm.waitExit(); code != 0 {
		t.Fatalf("slstail exited %d; last screen:\n%s", code, tm.last.text)
	}
}
