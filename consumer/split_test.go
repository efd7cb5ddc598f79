package consumer

import (
	"context"
	"sync"
	"testing"
	"time"
)

// A tail survives the logstore resharding under it: a split and then a
// merge while logs are written at a steady rate lose no log, the new
// shards are consumed and show in Status, and the parents show as
// read-only and then done. A restart with "continue" after the split
// covers the children too, and a shard born after it (the merged one) is
// read from its beginning.
func TestSessionAcrossSplitAndMerge(t *testing.T) {
	if testing.Short() {
		t.Skip("resharding under a steady writer takes a few seconds")
	}
	if raceEnabled {
		t.Skip("a split makes several shards, and the SDK races on its own client with several; see race_test.go")
	}
	e := newEnv(t)
	cfg := e.config()
	cfg.From = StartFrom{Kind: PosBegin}
	s := e.start(cfg)
	c := collect(s, false)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				e.write(4, 5)
			}
		}
	}()
	waitFor(t, "logs before the split", func() bool { return c.total.Load() > 200 })
	split, err := e.srv.SplitShard(testProject, testLogstore, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("split: %+v", split)
	waitFor(t, "logs from the children", func() bool { return shardDelivered(s, split[1].ID) > 0 && shardDelivered(s, split[2].ID) > 0 })

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.Restart(ctx, "*", StartFrom{Kind: PosContinue}); err != nil {
		t.Fatal(err)
	}
	merged, err := e.srv.MergeShards(testProject, testLogstore, split[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("merge: %+v", merged)
	waitFor(t, "logs from the merged shard", func() bool { return shardDelivered(s, merged[0].ID) > 0 })
	close(stop)
	wg.Wait()
	written := e.seq.Load()
	waitFor(t, "every log written", func() bool { return c.total.Load() >= written })

	c.mu.Lock()
	missing, dup := 0, 0
	for n := int64(0); n < written; n++ {
		switch c.seen[n] {
		case 0:
			missing++
		case 1:
		default:
			dup++
		}
	}
	c.mu.Unlock()
	t.Logf("written %d, missing %d, duplicated %d", written, missing, dup)
	if missing > 0 {
		t.Errorf("%d of %d logs lost across the split and merge", missing, written)
	}
	// The lag poller lists the shards every LagInterval.
	parents := []int{0, split[1].ID, split[2].ID}
	waitFor(t, "the parents read-only and the merged shard listed", func() bool {
		readOnly := map[int]bool{}
		for _, sh := range s.Status().Shards {
			readOnly[sh.Shard] = sh.ReadOnly
		}
		for _, id := range parents {
			if !readOnly[id] {
				return false
			}
		}
		ro, ok := readOnly[merged[0].ID]
		return ok && !ro
	})
	// Once read to their ends, the parents say they are done.
	waitFor(t, "the parents done", func() bool {
		done := 0
		for _, sh := range s.Status().Shards {
			if sh.Done && sh.State == ShardDone {
				done++
			}
		}
		return done == 3
	})
}

func shardDelivered(s *Session, id int) int64 {
	for _, sh := range s.Status().Shards {
		if sh.Shard == id {
			return sh.Delivered
		}
	}
	return 0
}
