package slsd

import (
	"slices"
	"testing"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
)

// TestHeartbeatAssignment walks the shard state machine with the SDK's
// HeartBeat call: even spread, hand-over only after the owner lets go,
// expiry of a silent consumer.
func TestHeartbeatAssignment(t *testing.T) {
	var clock fakeClock
	clock.set(time.Now())
	s := startServer(t, Config{Now: clock.now})
	c := newClient(t, s, testKey)
	if err := c.CreateConsumerGroup(testProject, testLogstore, sls.ConsumerGroup{ConsumerGroupName: "g", Timeout: 3}); err != nil {
		t.Fatal(err)
	}
	wantError(t, c.CreateConsumerGroup(testProject, testLogstore, sls.ConsumerGroup{ConsumerGroupName: "g", Timeout: 3}),
		400, "ConsumerGroupAlreadyExist")
	hb := func(consumer string, held ...int) []int {
		t.Helper()
		if held == nil {
			held = []int{}
		}
		got, err := c.HeartBeat(testProject, testLogstore, "g", consumer, held)
		if err != nil {
			t.Fatalf("heartbeat %s %v: %v", consumer, held, err)
		}
		return got
	}
	want := func(consumer string, got, want []int) {
		t.Helper()
		if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Fatalf("%s got %v, want %v", consumer, got, want)
		}
	}
	want("c1", hb("c1"), []int{0, 1, 2, 3})
	want("c2", hb("c2"), nil)                     // c1 still holds everything
	want("c1", hb("c1", 0, 1, 2, 3), []int{0, 1}) // 2 and 3 are to move
	want("c2", hb("c2"), nil)                     // ...but c1 has not let go yet
	want("c1", hb("c1", 0, 1), []int{0, 1})       // c1 let go (checkpoint saved)
	want("c2", hb("c2"), []int{2, 3})
	want("c2", hb("c2", 2, 3), []int{2, 3})

	// A consumer the server does not know may not claim shards.
	_, err := c.HeartBeat(testProject, testLogstore, "g", "stranger", []int{1})
	wantError(t, err, 400, "NotExistConsumerWithBody")

	// Checkpoints: forced updates always land; unforced ones need the owner.
	cur, _ := c.GetCursor(testProject, testLogstore, 2, "end")
	if err := c.UpdateCheckpoint(testProject, testLogstore, "g", "c2", 2, cur, false); err != nil {
		t.Fatalf("owner's checkpoint: %v", err)
	}
	wantError(t, c.UpdateCheckpoint(testProject, testLogstore, "g", "c1", 2, cur, false), 400, "ConsumerNotMatch")
	wantError(t, c.UpdateCheckpoint(testProject, testLogstore, "g", "ghost", 2, cur, false), 400, "ConsumerNotExist")
	wantError(t, c.UpdateCheckpoint(testProject, testLogstore, "g", "c2", 9, cur, true), 400, "ShardNotExist")
	if err := c.UpdateCheckpoint(testProject, testLogstore, "g", "c1", 3, cur, true); err != nil {
		t.Fatalf("forced checkpoint: %v", err)
	}
	cps, err := c.GetCheckpoint(testProject, testLogstore, "g")
	if err != nil || len(cps) != 4 {
		t.Fatalf("checkpoints %v %v", cps, err)
	}
	if cps[0].CheckPoint != "" || cps[2].CheckPoint != cur || cps[2].Consumer != "c2" || cps[3].Consumer != "c1" || cps[2].UpdateTime == 0 {
		t.Fatalf("checkpoints: %+v %+v %+v", *cps[0], *cps[2], *cps[3])
	}

	// c1 goes silent past the group's 3 s timeout: its shards are free.
	clock.add(2 * time.Second)
	want("c2", hb("c2", 2, 3), []int{2, 3})
	clock.add(2 * time.Second)
	want("c2", hb("c2", 2, 3), []int{0, 1, 2, 3})
	// An expired consumer still reporting shards is a stranger now.
	_, err = c.HeartBeat(testProject, testLogstore, "g", "c1", []int{0, 1})
	wantError(t, err, 400, "NotExistConsumerWithBody")
	want("c1", hb("c1"), nil) // re-registers; shards come later
	want("c2", hb("c2", 0, 1, 2, 3), []int{0, 1})
	want("c2", hb("c2", 0, 1), []int{0, 1})
	want("c1", hb("c1"), []int{2, 3})

	// Group CRUD.
	if err := c.UpdateConsumerGroup(testProject, testLogstore, sls.ConsumerGroup{ConsumerGroupName: "g", Timeout: 10, InOrder: true}); err != nil {
		t.Fatal(err)
	}
	groups, err := c.ListConsumerGroup(testProject, testLogstore)
	if err != nil || len(groups) != 1 || *groups[0] != (sls.ConsumerGroup{ConsumerGroupName: "g", Timeout: 10, InOrder: true}) {
		t.Fatalf("list groups: %v %v", groups, err)
	}
	if err := c.DeleteConsumerGroup(testProject, testLogstore, "g"); err != nil {
		t.Fatal(err)
	}
	_, err = c.HeartBeat(testProject, testLogstore, "g", "c1", []int{})
	wantError(t, err, 404, "ConsumerGroupNotExist")
	wantError(t, c.DeleteConsumerGroup(testProject, testLogstore, "g"), 404, "ConsumerGroupNotExist")
}

// TestRebalanceKeepsLoadsEven checks the spread for other shapes than 2×2.
func TestRebalanceKeepsLoadsEven(t *testing.T) {
	for _, tc := range []struct{ shards, consumers int }{{4, 3}, {7, 2}, {3, 5}, {16, 4}} {
		g := &consumerGroup{consumers: map[string]*consumerState{}, shards: map[int]*groupShard{}}
		ids := make([]int, tc.shards)
		for i := range ids {
			ids[i] = i
		}
		for i := range tc.consumers {
			g.consumers[string(rune('a'+i))] = &consumerState{}
			g.rebalance(ids)
		}
		load := map[string]int{}
		for _, gs := range g.shards {
			who := gs.owner
			if gs.next != "" {
				who = gs.next
			}
			load[who]++
		}
		lo, hi := tc.shards, 0
		for name := range g.consumers {
			lo, hi = min(lo, load[name]), max(hi, load[name])
		}
		if hi-lo > 1 {
			t.Errorf("%d shards over %d consumers: loads %v", tc.shards, tc.consumers, load)
		}
	}
}
