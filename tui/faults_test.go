package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/slstail/slstail/consumer"
)

// Issue 13: a stalled connection shows in the header, a stalled shard in
// its lag row and pane.
func TestStalledOnScreen(t *testing.T) {
	f := newFake()
	m := newTestModel(t, f, 120, 24)
	f.status.Conn = consumer.ConnStalled
	observeShards(m, f, held(0, consumer.ShardStalled, 0), held(1, consumer.ShardPulling, 0))
	if h := strings.Split(m.View(), "\n")[0]; !strings.Contains(h, "● stalled (SLS not answering)") {
		t.Fatalf("header %q does not say stalled", h)
	}
	send(m, press("L")...)
	var row string
	for _, l := range strings.Split(m.View(), "\n") {
		if strings.HasPrefix(strings.TrimLeft(l, " ▌"), "0 ") {
			row = l
		}
	}
	if !strings.Contains(row, "stalled") {
		t.Fatalf("shard 0's lag row %q does not say stalled", row)
	}
	send(m, press("L", "tab")...)
	if got := strings.Join(paneTitles(m), ", "); got != "s0 · stalled, s1 · pulling" {
		t.Fatalf("pane titles %s", got)
	}
}

// Issue 13: a session that cannot go on says so, and what to do, in the
// status line until something else is said, and after that whenever
// nothing else is.
func TestFailedSessionSaysWhatToDo(t *testing.T) {
	f := newFake()
	m := newTestModel(t, f, 200, 24)
	f.status.Conn = consumer.ConnFailed
	send(m, eventMsg{ev: consumer.Event{Kind: consumer.EventFailed, Msg: `consumer group "g" is gone and could not be recreated: connection refused`}})
	v := m.View()
	lines := strings.Split(v, "\n")
	if !strings.Contains(lines[0], "● failed") {
		t.Fatalf("header %q does not say failed", lines[0])
	}
	status := lines[len(lines)-1]
	for _, want := range []string{"could not be recreated", "the tail has stopped", "q quits"} {
		if !strings.Contains(status, want) {
			t.Fatalf("status line %q lacks %q", status, want)
		}
	}
	send(m, noticeMsg{level: noticeInfo, text: "copied 12 bytes"})
	m.notice = "" // the info notice expired
	send(m, statusTickMsg(t0))
	if s := lastLine(m); !strings.Contains(s, "the tail has stopped") {
		t.Fatalf("the failure is not said once the notice expired: %q", s)
	}
}

func lastLine(m *Model) string {
	lines := strings.Split(m.View(), "\n")
	return lines[len(lines)-1]
}

// Issue 13: a query change that failed after the old query stopped does
// not claim that the old one keeps running.
func TestRestartFailedAfterStop(t *testing.T) {
	f := newFake()
	m := newTestModel(t, f, 160, 24)
	send(m, batchOf(0, 0, 1))
	f.restartErr = fmt.Errorf(`restart: CreateConsumerGroup: connection refused (the old query has stopped; retry the restart with "continue" to resume where it stopped)`)
	f.status.Conn = consumer.ConnFailed
	send(m, press("e", "ctrl+u")...)
	typeText(m, "*")
	send(m, press("enter")...)
	restart := send(m, press("enter")...)
	do(t, m, do(t, m, restart))
	v := m.View()
	if strings.Contains(v, "keeps running") {
		t.Fatalf("the screen says the old query keeps running:\n%s", v)
	}
	for _, want := range []string{"✗ failed: restart:", "old query has stopped"} {
		if !strings.Contains(v, want) {
			t.Fatalf("the screen lacks %q:\n%s", want, v)
		}
	}
}

// Issue 13: in a named group holding no shard, the log area says why and
// for how long, counted down at each status poll; a shard another consumer
// holds names it in the lag view, even at 80 columns.
func TestWaitingForShardsOnScreen(t *testing.T) {
	f := newFake()
	now := t0
	m := newTestModel(t, f, 80, 24, func(o *Options) { o.Now = func() time.Time { return now } })
	f.status.Group = "oncall"
	f.status.Waiting = consumer.ShardWait{Group: "oncall", Since: t0, Owners: []string{"jane@laptop"}, FreeBy: t0.Add(12 * time.Second)}
	jane := consumer.ShardStatus{Shard: 0, Owner: "jane@laptop", State: consumer.ShardReleased}
	observeShards(m, f, jane, consumer.ShardStatus{Shard: 1, State: consumer.ShardReleased})
	want := `no shard of group "oncall" yet: held by jane@laptop until its heartbeat times out, ~12s`
	if v := strings.Join(logLines(m), "\n"); !strings.Contains(v, want[:60]) {
		t.Fatalf("the log area does not say why it waits:\n%s", v)
	}
	if m.logs.waiting != want {
		t.Fatalf("waiting %q, want %q", m.logs.waiting, want)
	}
	now = now.Add(3 * time.Second)
	send(m, statusTickMsg(now))
	if !strings.HasSuffix(m.logs.waiting, "~9s") {
		t.Fatalf("3 s later it says %q, want ~9s", m.logs.waiting)
	}
	send(m, press("L")...)
	if v := m.View(); !strings.Contains(v, "HELD BY") || !strings.Contains(v, "    0 jane@laptop ") {
		t.Fatalf("the lag view at 80 columns does not name the holder:\n%s", v)
	}
	send(m, press("L", "tab")...)
	if v := m.View(); !strings.Contains(v, "held by jane@laptop") {
		t.Fatalf("the pane of the shard jane holds does not say so:\n%s", v)
	}
}
