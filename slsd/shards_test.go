package slsd

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
)

func shardIDs(shards []*sls.Shard) []int {
	var ids []int
	for _, sh := range shards {
		ids = append(ids, sh.ShardID)
	}
	return ids
}

func wantShard(t *testing.T, sh *sls.Shard, id int, status, begin, end string) {
	t.Helper()
	if sh.ShardID != id || sh.Status != status || sh.InclusiveBeginKey != begin || sh.ExclusiveBeginKey != end || sh.CreateTime == 0 {
		t.Fatalf("shard %+v, want %d %s [%s, %s)", *sh, id, status, begin, end)
	}
}

// pullAll reads a shard from begin to its end cursor.
func pullAll(t *testing.T, c sls.ClientInterface, shard int) []int {
	t.Helper()
	cur, err := c.GetCursor(testProject, testLogstore, shard, "begin")
	if err != nil {
		t.Fatal(err)
	}
	gl, _, err := c.PullLogs(testProject, testLogstore, shard, cur, "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	return seqs(t, gl)
}

// TestSplitAndMergeShards drives SplitShard, SplitNumShard and MergeShards
// through the unmodified SDK: the answers' shapes and order, ListShards,
// where writes go, and the parents' fixed end cursors.
func TestSplitAndMergeShards(t *testing.T) {
	s := startServer(t, Config{})
	c := newClient(t, s, testKey)
	put := func(first, n int, key string) {
		t.Helper()
		if err := c.PostLogStoreLogs(testProject, testLogstore, numberedGroup(first, n), &key); err != nil {
			t.Fatal(err)
		}
	}
	put(0, 5, "c0") // shard 3: [c0…, ff…)
	endBefore, _ := c.GetCursor(testProject, testLogstore, 3, "end")

	got, err := c.SplitShard(testProject, testLogstore, 3, "e0000000000000000000000000000000")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("split answered %d shards, want the parent and two children", len(got))
	}
	wantShard(t, got[0], 3, "readonly", "c0000000000000000000000000000000", maxKey)
	wantShard(t, got[1], 4, "readwrite", "c0000000000000000000000000000000", "e0000000000000000000000000000000")
	wantShard(t, got[2], 5, "readwrite", "e0000000000000000000000000000000", maxKey)

	// Writes by key go to the children; the parent's end is fixed.
	put(5, 5, "d0")
	put(10, 5, "f0")
	put(15, 5, "ffffffffffffffffffffffffffffffff")
	if end, _ := c.GetCursor(testProject, testLogstore, 3, "end"); end != endBefore {
		t.Fatalf("readonly parent's end moved: %s, was %s", end, endBefore)
	}
	for shard, want := range map[int][]int{3: {0, 1, 2, 3, 4}, 4: {5, 6, 7, 8, 9}, 5: {10, 11, 12, 13, 14, 15, 16, 17, 18, 19}} {
		if got := pullAll(t, c, shard); !slices.Equal(got, want) {
			t.Errorf("shard %d holds %v, want %v", shard, got, want)
		}
	}
	// Load-balanced writes skip the readonly shard.
	for i := range 10 {
		if err := c.PutLogs(testProject, testLogstore, numberedGroup(100+i, 1)); err != nil {
			t.Fatal(err)
		}
	}
	if got := pullAll(t, c, 3); len(got) != 5 {
		t.Fatalf("load-balanced writes reached the readonly shard: %v", got)
	}

	// Split in three without a key: even ranges, the next IDs.
	got, err = c.SplitNumShard(testProject, testLogstore, 0, 3)
	if err != nil {
		t.Fatal(err)
	}
	if ids := shardIDs(got); !slices.Equal(ids, []int{0, 6, 7, 8}) {
		t.Fatalf("split in 3 answered %v", ids)
	}
	wantShard(t, got[1], 6, "readwrite", minKey, "15555555555555555555555555555555")
	wantShard(t, got[2], 7, "readwrite", "15555555555555555555555555555555", "2aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
	wantShard(t, got[3], 8, "readwrite", "2aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "40000000000000000000000000000000")

	// Merge 7 with its right neighbour 8: the new shard first.
	got, err = c.MergeShards(testProject, testLogstore, 7)
	if err != nil {
		t.Fatal(err)
	}
	if ids := shardIDs(got); !slices.Equal(ids, []int{9, 7, 8}) {
		t.Fatalf("merge answered %v", ids)
	}
	wantShard(t, got[0], 9, "readwrite", "15555555555555555555555555555555", "40000000000000000000000000000000")
	wantShard(t, got[1], 7, "readonly", "15555555555555555555555555555555", "2aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")

	all, err := c.ListShards(testProject, testLogstore)
	if err != nil {
		t.Fatal(err)
	}
	if ids := shardIDs(all); !slices.Equal(ids, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Fatalf("ListShards: %v", ids)
	}
	var readonly []int
	for _, sh := range all {
		if sh.Status == "readonly" {
			readonly = append(readonly, sh.ShardID)
		}
	}
	if !slices.Equal(readonly, []int{0, 3, 7, 8}) {
		t.Fatalf("readonly shards %v, want [0 3 7 8]", readonly)
	}
	if ls, err := c.GetLogStore(testProject, testLogstore); err != nil || ls.ShardCount != 6 {
		t.Fatalf("GetLogStore shardCount %v %v, want the 6 readwrite shards", ls, err)
	}
	exported, err := s.Shards(testProject, testLogstore)
	if err != nil || len(exported) != 10 || exported[9].ID != 9 || exported[7].Status != "readonly" {
		t.Fatalf("Server.Shards: %+v %v", exported, err)
	}

	// Refusals, in SLS's envelope.
	_, err = c.SplitShard(testProject, testLogstore, 3, "")
	wantError(t, err, 400, "ParameterInvalid") // readonly
	_, err = c.SplitShard(testProject, testLogstore, 1, "10000000000000000000000000000000")
	wantError(t, err, 400, "ParameterInvalid") // key outside [40…, 80…)
	_, err = c.SplitShard(testProject, testLogstore, 1, "not-hex")
	wantError(t, err, 400, "ParameterInvalid")
	_, err = c.SplitShard(testProject, testLogstore, 99, "")
	wantError(t, err, 400, "ParameterInvalid") // "invalid shard id", as SLS documents
	_, err = c.MergeShards(testProject, testLogstore, 5)
	wantError(t, err, 400, "ParameterInvalid") // ends the key space
	_, err = c.MergeShards(testProject, testLogstore, 8)
	wantError(t, err, 400, "ParameterInvalid") // readonly
	_, err = c.MergeShards("no-such-project", testLogstore, 1)
	wantError(t, err, 404, "ProjectNotExist")
	_, err = c.SplitShard(testProject, "no-such-logstore", 1, "")
	wantError(t, err, 404, "LogStoreNotExist")
	if _, err := s.SplitShard(testProject, testLogstore, 3, ""); err == nil {
		t.Fatal("Server.SplitShard split a readonly shard")
	}
	if got, err := s.SplitShard(testProject, testLogstore, 1, ""); err != nil || got[1].EndKey != "60000000000000000000000000000000" {
		t.Fatalf("Server.SplitShard in the middle: %+v %v", got, err)
	}
	if got, err := s.MergeShards(testProject, testLogstore, 10); err != nil || got[0].ID != 12 || got[0].BeginKey != "40000000000000000000000000000000" {
		t.Fatalf("Server.MergeShards: %+v %v", got, err)
	}
}

// TestReadonlyShardEnd checks PullLogs at the fixed end of a readonly
// shard: nothing, the cursor echoed, and x-log-end-of-cursor 1, which a
// readwrite shard's end does not say.
func TestReadonlyShardEnd(t *testing.T) {
	s := startServer(t, Config{})
	c := newClient(t, s, testKey)
	key := "00"
	if err := c.PostLogStoreLogs(testProject, testLogstore, numberedGroup(0, 3), &key); err != nil {
		t.Fatal(err)
	}
	endOfCursor := func(shard int) string {
		t.Helper()
		end, err := c.GetCursor(testProject, testLogstore, shard, "end")
		if err != nil {
			t.Fatal(err)
		}
		req := signedRequest(t, s, testKey, "GET", fmt.Sprintf("/logstores/%s/shards/%d?count=10&cursor=%s&type=logs", testLogstore, shard, end), time.Now())
		hc := NewHTTPClient(s.Endpoint())
		defer hc.CloseIdleConnections()
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("x-log-cursor") != end || resp.Header.Get("x-log-count") != "0" {
			t.Fatalf("pull at the end: %d, cursor %s (sent %s), count %s", resp.StatusCode,
				resp.Header.Get("x-log-cursor"), end, resp.Header.Get("x-log-count"))
		}
		return resp.Header.Get("x-log-end-of-cursor")
	}
	if got := endOfCursor(0); got != "0" {
		t.Fatalf("readwrite shard's end: x-log-end-of-cursor %q, want 0", got)
	}
	if _, err := c.SplitShard(testProject, testLogstore, 0, ""); err != nil {
		t.Fatal(err)
	}
	if got := endOfCursor(0); got != "1" {
		t.Fatalf("readonly shard's end: x-log-end-of-cursor %q, want 1", got)
	}
}

// TestSplitAssignment walks consumer-group assignment across a split and a
// merge with the SDK's HeartBeat: in an ordered group children wait for
// their parents to be consumed to the end; without order they are assigned
// at once; either way a readonly shard whose checkpoint reaches its end is
// over and leaves the assignment.
func TestSplitAssignment(t *testing.T) {
	for _, ordered := range []bool{true, false} {
		t.Run(fmt.Sprintf("order=%v", ordered), func(t *testing.T) {
			s := startServer(t, Config{})
			c := newClient(t, s, testKey)
			if err := c.CreateConsumerGroup(testProject, testLogstore, sls.ConsumerGroup{ConsumerGroupName: "g", Timeout: 60, InOrder: ordered}); err != nil {
				t.Fatal(err)
			}
			held := []int{}
			hb := func(want ...int) {
				t.Helper()
				got, err := c.HeartBeat(testProject, testLogstore, "g", "c1", held)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
					t.Fatalf("heartbeat got %v, want %v", got, want)
				}
				held = got
			}
			commitEnd := func(shard int) {
				t.Helper()
				end, err := c.GetCursor(testProject, testLogstore, shard, "end")
				if err != nil {
					t.Fatal(err)
				}
				if err := c.UpdateCheckpoint(testProject, testLogstore, "g", "c1", shard, end, true); err != nil {
					t.Fatal(err)
				}
			}
			key := "c0"
			if err := c.PostLogStoreLogs(testProject, testLogstore, numberedGroup(0, 3), &key); err != nil {
				t.Fatal(err)
			}
			hb(0, 1, 2, 3)
			if _, err := c.SplitShard(testProject, testLogstore, 3, ""); err != nil {
				t.Fatal(err)
			}
			if ordered {
				hb(0, 1, 2, 3) // 4 and 5 wait for 3
			} else {
				hb(0, 1, 2, 3, 4, 5)
			}
			// A checkpoint short of the end keeps the parent going.
			begin, _ := c.GetCursor(testProject, testLogstore, 3, "begin")
			if err := c.UpdateCheckpoint(testProject, testLogstore, "g", "c1", 3, begin, true); err != nil {
				t.Fatal(err)
			}
			if ordered {
				hb(0, 1, 2, 3)
			} else {
				hb(0, 1, 2, 3, 4, 5)
			}
			commitEnd(3)
			hb(0, 1, 2, 4, 5) // 3 is over

			// Merge two empty shards: an empty readonly shard is over only
			// once a checkpoint at its end is committed.
			if _, err := c.MergeShards(testProject, testLogstore, 0); err != nil {
				t.Fatal(err)
			}
			if ordered {
				hb(0, 1, 2, 4, 5)
			} else {
				hb(0, 1, 2, 4, 5, 6)
			}
			commitEnd(0)
			if ordered {
				hb(1, 2, 4, 5) // 6 still waits for 1
			} else {
				hb(1, 2, 4, 5, 6)
			}
			commitEnd(1)
			hb(2, 4, 5, 6)

			cps, err := c.GetCheckpoint(testProject, testLogstore, "g")
			if err != nil {
				t.Fatal(err)
			}
			var ids []int
			for _, cp := range cps {
				ids = append(ids, cp.ShardID)
			}
			if !slices.Equal(ids, []int{0, 1, 2, 3, 4, 5, 6}) {
				t.Fatalf("GetCheckpoint lists shards %v", ids)
			}
			// A second consumer shares what is left, 2 and 2.
			got, err := c.HeartBeat(testProject, testLogstore, "g", "c2", []int{})
			if err != nil || len(got) != 0 {
				t.Fatalf("c2 first heartbeat %v %v", got, err)
			}
			hb(2, 4) // 5 and 6 move to c2 once c1 lets go...
			hb(2, 4) // ...which its heartbeat says
			got, err = c.HeartBeat(testProject, testLogstore, "g", "c2", []int{})
			if err != nil || !slices.Equal(got, []int{5, 6}) {
				t.Fatalf("c2 got %v %v, want [5 6]", got, err)
			}
		})
	}
}

// TestReadonlyShardExpires checks that a readonly shard goes once
// retention has dropped all of its data, from ListShards, the data calls
// and the consumer groups' checkpoints alike.
func TestReadonlyShardExpires(t *testing.T) {
	var clock fakeClock
	clock.set(time.Now())
	s := startServer(t, Config{Now: clock.now, Retention: Retention{MaxAge: time.Minute}})
	c := newClient(t, s, testKey)
	if err := c.CreateConsumerGroup(testProject, testLogstore, sls.ConsumerGroup{ConsumerGroupName: "g", Timeout: 60}); err != nil {
		t.Fatal(err)
	}
	key := "00"
	if err := c.PostLogStoreLogs(testProject, testLogstore, numberedGroup(0, 3), &key); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SplitShard(testProject, testLogstore, 0, ""); err != nil {
		t.Fatal(err)
	}
	// Shard 1 is split empty: it goes once it has been readonly for the age
	// bound. Shard 0's data is younger than that so far.
	clock.add(30 * time.Second)
	if _, err := c.SplitShard(testProject, testLogstore, 1, ""); err != nil {
		t.Fatal(err)
	}
	clock.add(45 * time.Second)
	s.store.expire()
	all, err := c.ListShards(testProject, testLogstore)
	if err != nil {
		t.Fatal(err)
	}
	if ids := shardIDs(all); !slices.Equal(ids, []int{1, 2, 3, 4, 5, 6, 7}) {
		t.Fatalf("after shard 0's data expired: shards %v", ids)
	}
	_, err = c.GetCursor(testProject, testLogstore, 0, "begin")
	wantError(t, err, 400, "ShardNotExist")
	clock.add(time.Minute)
	s.store.expire()
	all, _ = c.ListShards(testProject, testLogstore)
	if ids := shardIDs(all); !slices.Equal(ids, []int{2, 3, 4, 5, 6, 7}) {
		t.Fatalf("after empty shard 1 aged: shards %v", ids)
	}
	cps, err := c.GetCheckpoint(testProject, testLogstore, "g")
	if err != nil || len(cps) != 6 || cps[0].ShardID != 2 {
		t.Fatalf("checkpoints after the deletions: %v %v", cps, err)
	}
	wantError(t, c.UpdateCheckpoint(testProject, testLogstore, "g", "c1", 0, "MTIz", true), 400, "ShardNotExist")
}

// TestPutsDuringSplits writes from several goroutines while shards are
// split and merged under them: every log lands exactly once, and no write
// lands in a shard after a split or merge fixed its end.
func TestPutsDuringSplits(t *testing.T) {
	s := startServer(t, Config{})
	const writers, puts = 4, 150
	var wg sync.WaitGroup
	var done atomic.Int64
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := newClient(t, s, testKey)
			for i := range puts {
				seq := (w*puts + i) * 2
				key := fmt.Sprintf("%02x", (seq*37)%256)
				var err error
				if i%2 == 0 {
					err = c.PostLogStoreLogs(testProject, testLogstore, numberedGroup(seq, 2), &key)
				} else {
					err = c.PutLogs(testProject, testLogstore, numberedGroup(seq, 2)) // load-balanced
				}
				if err != nil {
					errs <- err
					return
				}
				done.Add(1)
			}
		}()
	}
	// Split and merge while they write; note each parent's end cursor as the
	// operation leaves it.
	c := newClient(t, s, testKey)
	fixed := map[int]string{}
	seal := func(shards []ShardInfo) {
		for _, sh := range shards {
			if sh.Status == "readonly" {
				end, err := c.GetCursor(testProject, testLogstore, sh.ID, "end")
				if err != nil {
					t.Error(err)
				}
				fixed[sh.ID] = end
			}
		}
	}
	for round := range 6 {
		// Spread the rounds over the writes.
		waitFor(t, "writes", 30*time.Second, func() bool { return done.Load() >= int64(round*writers*puts/7) })
		var rw []int
		all, err := s.Shards(testProject, testLogstore)
		if err != nil {
			t.Fatal(err)
		}
		for _, sh := range all {
			if sh.Status == "readwrite" {
				rw = append(rw, sh.ID)
			}
		}
		got, err := s.SplitShard(testProject, testLogstore, rw[round%len(rw)], "")
		if err != nil {
			t.Fatal(err)
		}
		seal(got)
		if got, err = s.MergeShards(testProject, testLogstore, got[1].ID); err != nil {
			t.Fatal(err)
		}
		seal(got)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	all, err := s.Shards(testProject, testLogstore)
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, sh := range all {
		if end, ok := fixed[sh.ID]; ok {
			if now, _ := c.GetCursor(testProject, testLogstore, sh.ID, "end"); now != end {
				t.Errorf("shard %d took writes after it became readonly", sh.ID)
			}
		}
		got = append(got, pullAll(t, c, sh.ID)...)
	}
	slices.Sort(got)
	if len(got) != writers*puts*2 {
		t.Fatalf("%d logs stored, want each of %d once", len(got), writers*puts*2)
	}
	for i, seq := range got {
		if seq != i {
			t.Fatalf("log %d missing or duplicated", i)
		}
	}
	if len(fixed) != 18 {
		t.Fatalf("%d shards became readonly, want 18", len(fixed))
	}
}

// TestSplitEvery checks the resharding that `slstail serve --split-every`
// runs: split the widest readwrite shard in the middle, merge the halves
// back, repeat.
func TestSplitEvery(t *testing.T) {
	s := startServer(t, Config{})
	halves := s.reshardStep(nil)
	if len(halves) != 2 || halves[0].ID != 4 || halves[1].BeginKey != "20000000000000000000000000000000" {
		t.Fatalf("first step split into %+v, want shard 0's halves 4 and 5", halves)
	}
	if got := s.reshardStep(halves); got != nil {
		t.Fatalf("second step: %+v, want a merge", got)
	}
	shards, _ := s.Shards(testProject, testLogstore)
	if last := shards[len(shards)-1]; len(shards) != 7 || last.ID != 6 || last.BeginKey != minKey || last.EndKey != "40000000000000000000000000000000" {
		t.Fatalf("after a split and a merge: %+v", shards)
	}
	// Halves someone else already merged: the step splits instead.
	halves = s.reshardStep(nil) // widest is 1 now: 1 -> 7, 8
	if _, err := s.MergeShards(testProject, testLogstore, halves[0].ID); err != nil {
		t.Fatal(err)
	}
	if got := s.reshardStep(halves); len(got) != 2 {
		t.Fatalf("step after an outside merge: %+v, want a split", got)
	}

	// The loop runs the steps in the background and stops with the server.
	looped := startServer(t, Config{SplitEvery: 10 * time.Millisecond})
	waitFor(t, "a split and a merge", 30*time.Second, func() bool {
		shards, _ := looped.Shards(testProject, testLogstore)
		return len(shards) >= 7
	})
	if _, err := New(Config{SplitEvery: time.Second}); err == nil {
		t.Fatal("SplitEvery without a logstore was accepted")
	}
}
