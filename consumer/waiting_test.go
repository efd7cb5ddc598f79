package consumer

import (
	"strings"
	"testing"
	"time"
)

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
