package consumer

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The ledger moves a shard's position only past batches that are
// acknowledged together with everything before them; empty pulls need no
// acknowledgement of their own; a closed run refuses acknowledgements.
func TestLedgerCoversOnlyAcknowledgedPrefix(t *testing.T) {
	tr := newTracker(newEventSink(8, time.Minute), time.Now, time.Second)
	r := newRun(1, "g", "*", nil, tr, newBudget(1), map[int]string{0: "c0"})
	pos := func() string { return r.positions()[0] }

	s1 := r.expect(0, "c1")
	s2 := r.expect(0, "c2")
	r.pass(0, "c3") // an empty pull after two unacknowledged batches
	r.pass(0, "c4")
	if pos() != "c0" {
		t.Fatalf("position %q before any ack, want c0", pos())
	}
	if !r.ack(0, s2, 5) || pos() != "c0" {
		t.Fatalf("acking the second batch first moved the position to %q", pos())
	}
	if !r.ack(0, s1, 5) || pos() != "c4" {
		t.Fatalf("after both acks position %q, want c4 (past the empty pulls)", pos())
	}
	if !r.ack(0, s1, 5) {
		t.Fatal("a second ack of the same batch was refused")
	}
	r.pass(0, "c5") // nothing pending: moves at once
	if pos() != "c5" {
		t.Fatalf("empty pull with nothing pending: %q", pos())
	}
	s3 := r.expect(0, "c6")
	final := r.close()
	if final[0] != "c5" {
		t.Fatalf("close returned %q, want c5", final[0])
	}
	if r.ack(0, s3, 1) {
		t.Fatal("ack after close accepted")
	}
	if pos() != "c5" {
		t.Fatalf("position moved after close: %q", pos())
	}
	if st := tr.snapshot(); st.Delivered != 10 {
		t.Errorf("tracker counted %d acknowledged logs, want 10", st.Delivered)
	}
}

func TestBatchWithoutSessionAcks(t *testing.T) {
	b := Batch{Shard: 1, Records: []Record{NewRecord(1, time.Now(), nil)}}
	if !b.Ack() {
		t.Fatal("a batch built without a session must acknowledge")
	}
}

// take receives a batch or fails the test after a while.
func take(t *testing.T, s *Session) Batch {
	t.Helper()
	select {
	case b := <-s.Batches():
		return b
	case <-time.After(45 * time.Second):
		t.Fatal("no batch for 45 s")
	}
	return Batch{}
}

// A receiver that takes batches but acknowledges none leaves the named
// group's checkpoints where they were: a later run from the checkpoint
// delivers those logs again (at least once), never skips them.
func TestSessionCommitsOnlyAcknowledged(t *testing.T) {
	e := newEnv(t)
	e.write(8, 10) // seq 0..79, two groups a shard
	cfg := e.config()
	cfg.Group, cfg.Consumer = "acks", "solo"
	cfg.From = StartFrom{Kind: PosBegin}
	s := e.start(cfg)
	got := 0
	for got < 80 { // taken, never acknowledged
		got += len(take(t, s).Records)
	}
	time.Sleep(3 * cfg.CommitInterval) // commits would happen now
	if err := s.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	cfg.From = StartFrom{Kind: PosCheckpoint}
	s2 := e.start(cfg)
	c := collect(s2, false)
	c.waitTotal(t, 80)
	time.Sleep(300 * time.Millisecond)
	c.check(t, 0, 80)
}

// Acknowledged batches are committed, and only they: acknowledging the
// first 40 logs of each shard and stopping, the next run from the
// checkpoint starts right after them.
func TestSessionResumesAfterAcknowledged(t *testing.T) {
	e := newEnv(t)
	e.write(2*testShards, 10) // two groups of 10 a shard: two pulls of one group each
	total, first := int64(20*testShards), 10*testShards
	cfg := e.config()
	cfg.Group, cfg.Consumer = "acks", "solo"
	cfg.From = StartFrom{Kind: PosBegin}
	cfg.FetchGroups = 1 // one log group (10 logs) a pull
	s := e.start(cfg)
	acked := map[int64]bool{}
	perShard := map[int]int{}
	for len(acked) < first {
		b := take(t, s)
		if perShard[b.Shard] >= 1 {
			continue // the second pull of a shard: taken, not acknowledged
		}
		perShard[b.Shard]++
		if !b.Ack() {
			t.Fatal("ack refused while running")
		}
		for _, r := range b.Records {
			v, _ := r.Get("seq")
			n, _ := strconv.ParseInt(v, 10, 64)
			acked[n] = true
		}
	}
	if err := s.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	cfg.From = StartFrom{Kind: PosCheckpoint}
	s2 := e.start(cfg)
	c := collect(s2, false)
	c.waitTotal(t, total-int64(first))
	time.Sleep(300 * time.Millisecond)
	c.mu.Lock()
	defer c.mu.Unlock()
	for n := int64(0); n < total; n++ {
		want := 1
		if acked[n] {
			want = 0
		}
		if c.seen[n] != want {
			t.Fatalf("seq %d delivered %d times after resuming, want %d (acknowledged before: %v)", n, c.seen[n], want, acked[n])
		}
	}
}

// A batch taken before a Restart and acknowledged after it is refused: the
// restart froze the positions before it, and the new run delivers it again.
func TestSessionAckAfterRestartRefusedAndRedelivered(t *testing.T) {
	e := newEnv(t)
	s := e.start(e.config())
	e.write(4, 10)
	var held []Batch
	got := 0
	for got < 40 {
		b := take(t, s)
		held = append(held, b)
		got += len(b.Records)
	}
	done := make(chan error, 1)
	go func() { done <- s.Restart(context.Background(), "*", StartFrom{Kind: PosContinue}) }()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, b := range held {
		if b.Ack() {
			t.Fatal("ack of a batch of the closed run was accepted")
		}
	}
	c := collect(s, false)
	c.waitTotal(t, 40)
	time.Sleep(300 * time.Millisecond)
	c.check(t, 0, 40)
}

// With many shards and a receiver that reads nothing, the pulls waiting for
// it are bounded by the budget, not by the shard count.
func TestSessionBudgetBoundsPullsInFlight(t *testing.T) {
	e := newEnv(t)
	e.write(4*50, 2)
	cfg := e.config()
	cfg.From = StartFrom{Kind: PosBegin}
	cfg.PullBudget = 2
	cfg.FetchGroups = 10
	s := e.start(cfg) // nobody reads
	pulls := func() (n int) {
		s.track.mu.Lock()
		defer s.track.mu.Unlock()
		for _, sh := range s.track.shards {
			n += int(sh.pulled / 10)
		}
		return n
	}
	want := min(2, testShards) // a shard holds at most one permit
	waitFor(t, "the budget's pulls", func() bool { return pulls() >= want })
	time.Sleep(time.Second) // more pulls would happen now
	if got := pulls(); got != want {
		t.Fatalf("%d pulls of 10 groups while paused with a budget of 2 (%d shards), want %d", got, testShards, want)
	}
	c := collect(s, false)
	c.waitTotal(t, 400)
	c.check(t, 0, 400)
}

func TestFetchGroupsFollowLimit(t *testing.T) {
	s := &Session{cfg: Config{FetchGroups: 1000, Limit: 100}, shards: make([]int, 16)}
	if got := s.fetchGroups(); got != 1 {
		t.Errorf("--max 100 over 16 shards pulls %d groups, want 1", got)
	}
	s.cfg.Limit = 10000
	if got := s.fetchGroups(); got != 79 {
		t.Errorf("--max 10000 over 16 shards pulls %d groups, want 79", got)
	}
	s.cfg.Limit = 0
	if got := s.fetchGroups(); got != 1000 {
		t.Errorf("no limit: %d", got)
	}
	s.cfg.Limit = 1
	if got := s.fetchGroups(); got != 1 {
		t.Errorf("--max 1: %d", got)
	}
}

// Stop does not wait for the SDK's workers: it returns once its own calls
// are done, and Wait then waits for the workers.
func TestSessionStopReturnsBeforeWorkersAndWaitWaits(t *testing.T) {
	e := newEnv(t)
	s, err := NewSession(e.config())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	c := collect(s, false)
	e.write(4, 10)
	c.waitTotal(t, 40)
	if err := s.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.Wait(ctx); err != nil {
		t.Fatalf("Wait: %v", err)
	}
}

// With the server gone, Stop gives up within StopTimeout and says what it
// left undone: the named group's checkpoints, by shard.
func TestSessionStopServerGoneSaysWhatIsLeft(t *testing.T) {
	e := newEnv(t)
	cfg := e.config()
	cfg.Group, cfg.Consumer = "gone", "solo"
	cfg.StopTimeout = time.Second
	s := e.start(cfg)
	c := collect(s, false)
	e.write(4, 10)
	c.waitTotal(t, 40)
	e.close()
	err := s.Stop(context.Background())
	var se *StopError
	if !errors.As(err, &se) || !se.Named || len(se.Uncommitted) != testShards {
		t.Fatalf("Stop with the server gone = %v, want a StopError naming every shard", err)
	}
	if !strings.Contains(err.Error(), `"gone"`) || !strings.Contains(err.Error(), "not committed") {
		t.Errorf("error %q does not name the group and what was not done", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s.Wait(ctx)
}
