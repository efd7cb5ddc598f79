package consumer

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
)

// A run that stopped (or died: the SDK never says goodbye, so it is the
// same to SLS) keeps its shards until its heartbeat times out; here the
// group's timeout is an hour. A restart under the default consumer name is
// the same consumer to SLS and gets them back at once; a session under
// another name holds nothing and says who holds the shards and till when.
func TestNamedGroupRestartGetsItsShardsBackAndOthersSayWhyTheyWait(t *testing.T) {
	e := newEnv(t)
	const hour = 3600
	if err := e.writer.CreateConsumerGroup(testProject, testLogstore, sls.ConsumerGroup{ConsumerGroupName: "oncall", Timeout: hour}); err != nil {
		t.Fatal(err)
	}
	cfg := e.config()
	cfg.Group = "oncall" // Consumer "": the default, user@host

	first, err := NewSession(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the first run holding every shard", func() bool { return first.Status().Held == testShards })
	if err := first.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}

	again := e.start(cfg)
	waitFor(t, "the restart holding every shard, an hour before the first run's consumer expires", func() bool {
		return again.Status().Held == testShards
	})
	if st := again.Status(); st.Consumer != DefaultConsumer() || st.Waiting.Waiting() {
		t.Errorf("consumer %q, waiting %+v", st.Consumer, st.Waiting)
	}
	if err := again.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}

	other := cfg
	other.Consumer = "jane-other-terminal"
	s := e.start(other)
	msg := waitEvent(t, s, EventNotice, "no shard of group")
	want := `no shard of group "oncall" yet: held by ` + DefaultConsumer() + ` until its heartbeat times out, ~`
	if !strings.HasPrefix(msg, want) {
		t.Errorf("notice %q, want it to start %q", msg, want)
	}
	st := s.Status()
	w := st.Waiting
	if st.Held != 0 || !w.Waiting() || w.Group != "oncall" || !slices.Equal(w.Owners, []string{DefaultConsumer()}) {
		t.Fatalf("status: held %d, waiting %+v", st.Held, w)
	}
	if st.HeartbeatTimeout != hour*time.Second || w.FreeBy.Sub(w.Since) != hour*time.Second+time.Second {
		t.Errorf("timeout %v, wait from %v to %v: want the group's hour plus a heartbeat", st.HeartbeatTimeout, w.Since, w.FreeBy)
	}
	for _, sh := range st.Shards {
		if sh.Held || sh.Owner != DefaultConsumer() {
			t.Errorf("shard %d: held %v owner %q", sh.Shard, sh.Held, sh.Owner)
		}
	}

	// A consumer name is anyone's to choose, and it reaches a terminal.
	cursor, err := e.writer.GetCursor(testProject, testLogstore, 0, "end")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.writer.UpdateCheckpoint(testProject, testLogstore, "oncall", "evil\x1b]0;pwned\x07", 0, cursor, true); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the new owner in the wait", func() bool {
		return slices.ContainsFunc(s.Status().Waiting.Owners, func(o string) bool { return strings.HasPrefix(o, "evil") })
	})
	for _, o := range s.Status().Waiting.Owners {
		if strings.ContainsAny(o, "\x1b\x07") {
			t.Errorf("owner %q reaches the terminal raw", o)
		}
	}
}

func TestShardWaitMessage(t *testing.T) {
	since := time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
	w := ShardWait{Group: "oncall", Since: since, FreeBy: since.Add(20 * time.Second)}
	at := func(d time.Duration) time.Time { return since.Add(d) }
	for _, tc := range []struct {
		owners []string
		now    time.Time
		want   string
	}{
		{[]string{"jane@laptop"}, at(7500 * time.Millisecond), `no shard of group "oncall" yet: held by jane@laptop until its heartbeat times out, ~13s`},
		{[]string{"a", "b"}, at(19 * time.Second), `held by a, b until their heartbeats time out, ~1s`},
		{[]string{"a", "b", "c", "d", "e"}, at(time.Second), `held by a, b, c and 2 more until`},
		{[]string{"jane@laptop"}, at(21 * time.Second), `no shard of group "oncall": held by jane@laptop, still heartbeating;`},
		{nil, at(5 * time.Second), `no shard of group "oncall" yet: waiting for SLS to assign shards, ~15s`},
		{nil, at(time.Minute), `SLS assigns this consumer none`},
	} {
		w.Owners = tc.owners
		if got := w.Message(tc.now); !strings.Contains(got, tc.want) {
			t.Errorf("%v at %v: %q, want %q in it", tc.owners, tc.now.Sub(since), got, tc.want)
		}
	}
	if (ShardWait{}).Message(since) != "" {
		t.Error("a session that holds shards has a wait message")
	}
}

// waitEvent reads the session's events until one of kind whose text
// contains substr, and returns its text.
func waitEvent(t *testing.T, s *Session, kind EventKind, substr string) string {
	t.Helper()
	deadline := time.After(45 * time.Second)
	for {
		select {
		case ev, ok := <-s.Events():
			if !ok {
				t.Fatalf("events closed before a %v event with %q", kind, substr)
			}
			if ev.Kind == kind && strings.Contains(ev.Msg, substr) {
				return ev.Msg
			}
		case <-deadline:
			t.Fatalf("timed out waiting for an event with %q", substr)
		}
	}
}
