package consumer

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/slstail/slstail/internal/leaktest"
)

func TestSessionNamedGroupSplitsShardsAndFailsOver(t *testing.T) {
	if raceEnabled {
		t.Skip("needs several shards; see race_test.go")
	}
	e := newEnv(t)
	cfgA := e.config()
	cfgA.Group, cfgA.Consumer = "oncall", "a"
	cfgB := cfgA
	cfgB.Consumer = "b"
	a := e.start(cfgA)
	ca := collect(a, false)
	b := e.start(cfgB)
	cb := collect(b, false)
	waitFor(t, "a and b holding 2 shards each", func() bool {
		return a.Status().Held == 2 && b.Status().Held == 2
	})
	for _, sh := range a.Status().Shards {
		if sh.Held && b.Status().Shards[sh.Shard].Held {
			t.Fatalf("shard %d held by both", sh.Shard)
		}
	}
	// Let both commit the start positions of their shards, so that a shard
	// taken over later resumes at a checkpoint, not at "end".
	time.Sleep(400 * time.Millisecond)

	e.write(8, 25)
	waitFor(t, "200 logs split between a and b", func() bool { return ca.total.Load()+cb.total.Load() >= 200 })
	if ca.total.Load() == 0 || cb.total.Load() == 0 {
		t.Fatalf("a got %d, b got %d: not split", ca.total.Load(), cb.total.Load())
	}

	if err := a.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	<-ca.done
	e.write(8, 25) // half of these land on a's former shards
	// b takes a's shards once the server expires a (no leave protocol:
	// three heartbeat intervals).
	waitFor(t, "b holding all 4 shards", func() bool { return b.Status().Held == 4 })
	waitFor(t, "all 400 logs", func() bool { return ca.total.Load()+cb.total.Load() >= 400 })
	time.Sleep(300 * time.Millisecond)

	// Together a and b saw every log exactly once: a committed what it
	// delivered when it stopped, and b resumed from there.
	both := &collector{seen: map[int64]int{}}
	for _, c := range []*collector{ca, cb} {
		c.mu.Lock()
		for n, k := range c.seen {
			both.seen[n] += k
		}
		c.mu.Unlock()
	}
	t.Logf("a got %d, b got %d", ca.total.Load(), cb.total.Load())
	both.check(t, 0, 400)
	for _, c := range []*collector{ca, cb} {
		if len(c.order) > 0 {
			t.Errorf("per-shard order violated: %v", c.order)
		}
	}
}

func TestSessionTwentyRestartsLeakNothing(t *testing.T) {
	before := goleak.IgnoreCurrent()
	e := newEnv(t)
	s, err := NewSession(e.config())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	c := collect(s, false)
	queries := []string{"* | where cast(cdn_in as bigint) >= 0", "*"}
	for i := 0; i < 20; i++ {
		e.write(4, 5)
		if err := s.Restart(ctx, queries[i%2], StartFrom{Kind: PosContinue}); err != nil {
			t.Fatalf("restart %d: %v", i, err)
		}
	}
	e.write(4, 5)
	c.waitTotal(t, 21*20)
	if err := s.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	<-c.done
	c.check(t, 0, 21*20)
	e.close()
	if err := leaktest.Settled(5*time.Second, before); err != nil {
		t.Fatal(err)
	}
}

func TestDescribeGroup(t *testing.T) {
	e := newEnv(t)
	cfg := e.config()
	cfg.Group, cfg.Consumer = "billing-etl", "etl-1"
	s := e.start(cfg)
	c := collect(s, false)
	e.write(8, 10)
	c.waitTotal(t, 80)
	ctx := context.Background()
	var shards []ShardStatus
	waitFor(t, "all checkpoints committed and caught up", func() bool {
		var err error
		if shards, err = DescribeGroup(ctx, cfg); err != nil {
			t.Fatal(err)
		}
		for _, sh := range shards {
			if sh.Checkpoint == "" || sh.Lag != 0 || sh.Owner != "etl-1" || sh.LastError != "" {
				return false
			}
		}
		return len(shards) == testShards
	})
	for _, sh := range shards {
		if sh.EndTime.IsZero() || sh.CheckpointTime.IsZero() || sh.UpdatedAt.IsZero() || sh.Held {
			t.Errorf("shard %+v", sh)
		}
	}
	cfg.Group = "no-such-group"
	if _, err := DescribeGroup(ctx, cfg); err == nil || !strings.Contains(err.Error(), "ConsumerGroupNotExist") {
		t.Errorf("missing group: %v", err)
	}
}

func TestSessionNamedGroupRestartContinues(t *testing.T) {
	e := newEnv(t)
	cfg := e.config()
	cfg.Group, cfg.Consumer = "oncall", "solo"
	s := e.start(cfg)
	c := collect(s, false)
	e.write(4, 10) // no sleep: Start pinned "end" to the moment it returned
	c.waitTotal(t, 40)
	for i, q := range []string{"* | where cast(cdn_in as bigint) >= 0", "*"} {
		e.write(4, 10)
		if err := s.Restart(context.Background(), q, StartFrom{Kind: PosContinue}); err != nil {
			t.Fatalf("restart %d: %v", i, err)
		}
		e.write(4, 10)
	}
	c.waitTotal(t, 200)
	time.Sleep(300 * time.Millisecond)
	c.check(t, 0, 200)
	if st := s.Status(); st.Group != "oncall" || st.Held != testShards {
		t.Errorf("after restarts: group %q held %d", st.Group, st.Held)
	}
}
