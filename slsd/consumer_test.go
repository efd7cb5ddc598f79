package slsd

import (
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
	consumer "github.com/aliyun/aliyun-log-go-sdk/consumer"
	"github.com/go-kit/kit/log"
)

// partitionable is a transport that can be cut off, to make a consumer
// stop heartbeating without stopping it (a crash or a network partition).
type partitionable struct {
	base http.RoundTripper
	cut  atomic.Bool
}

func (p *partitionable) RoundTrip(r *http.Request) (*http.Response, error) {
	if p.cut.Load() {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, errors.New("partitioned")
	}
	return p.base.RoundTrip(r)
}

// consumption records what each consumer processed.
type consumption struct {
	mu     sync.Mutex
	seenBy map[int][]string // seq -> consumers that processed it
	shard  map[int]int      // seq -> shard it was read from
}

func newConsumption() *consumption {
	return &consumption{seenBy: make(map[int][]string), shard: make(map[int]int)}
}

func (c *consumption) processor(name string) func(int, *sls.LogGroupList, consumer.CheckPointTracker) (string, error) {
	return func(shard int, gl *sls.LogGroupList, tr consumer.CheckPointTracker) (string, error) {
		c.mu.Lock()
		for _, g := range gl.LogGroups {
			for _, l := range g.Logs {
				for _, kv := range l.Contents {
					if kv.GetKey() == "seq" {
						var n int
						fmt.Sscan(kv.GetValue(), &n)
						c.seenBy[n] = append(c.seenBy[n], name)
						c.shard[n] = shard
					}
				}
			}
		}
		c.mu.Unlock()
		tr.SaveCheckPoint(false) // flushed by auto-commit
		return "", nil
	}
}

// missing returns how many of the seqs in [0, n) nobody processed yet.
func (c *consumption) missing(n int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := 0
	for i := range n {
		if len(c.seenBy[i]) == 0 {
			m++
		}
	}
	return m
}

// shardsOf returns which consumer processed each shard's seqs in [from, to).
func (c *consumption) shardsOf(from, to int) map[string][]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	set := map[string]map[int]bool{}
	for i := from; i < to; i++ {
		for _, who := range c.seenBy[i] {
			if set[who] == nil {
				set[who] = map[int]bool{}
			}
			set[who][c.shard[i]] = true
		}
	}
	out := map[string][]int{}
	for who, shards := range set {
		for sh := range shards {
			out[who] = append(out[who], sh)
		}
		sort.Ints(out[who])
	}
	return out
}

// writer puts numbered logs into each shard through the SDK.
type writer struct {
	t    *testing.T
	c    sls.ClientInterface
	next int
}

// round writes n logs to every shard (4) and returns the seq range.
func (w *writer) round(n int) (from, to int) {
	from = w.next
	for sh := range 4 {
		key := fmt.Sprintf("%x", sh*4) // "0", "4", "8", "c": one per shard's range
		if err := w.c.PostLogStoreLogs(testProject, testLogstore, numberedGroup(w.next, n), &key); err != nil {
			w.t.Fatal(err)
		}
		w.next += n
	}
	return from, w.next
}

func waitFor(t testing.TB, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func consumerConfig(s *Server, name string, hc *http.Client) consumer.LogHubConfig {
	return consumer.LogHubConfig{
		Endpoint:                  s.Endpoint(),
		AccessKeyID:               testKey.ID,
		AccessKeySecret:           testKey.Secret,
		Project:                   testProject,
		Logstore:                  testLogstore,
		ConsumerGroupName:         "tail",
		ConsumerName:              name,
		CursorPosition:            consumer.BEGIN_CURSOR,
		HeartbeatIntervalInSecond: 1,
		HeartbeatTimeoutInSecond:  5, // short for a fast failover, with room for a loaded machine
		DataFetchIntervalInMs:     50,
		AutoCommitIntervalInMS:    100,
		HTTPClient:                hc,
		Logger:                    log.NewNopLogger(),
	}
}

// stopWorker stops w, failing the test rather than hanging if the SDK's
// StopAndWait never returns (it spins while checkpoints cannot be saved).
func stopWorker(t *testing.T, name string, w *consumer.ConsumerWorker) {
	t.Helper()
	done := make(chan struct{})
	go func() { w.StopAndWait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("%s: StopAndWait did not return", name)
	}
}

// TestConsumerGroupSharingAndFailover runs two consumerLibrary workers in
// one group over 4 shards: they settle on 2 shards each; then one stops
// heartbeating (its network is cut), its shards move to the other, which
// resumes from the saved checkpoints, and every log written is consumed.
func TestConsumerGroupSharingAndFailover(t *testing.T) {
	if raceEnabled {
		t.Skip("the SDK's consumerLibrary has a data race of its own (see race_test.go)")
	}
	s := startServer(t, Config{})
	w := &writer{t: t, c: newClient(t, s, testKey)}
	w.round(25)

	rec := newConsumption()
	hcA := NewHTTPClient(s.Endpoint())
	defer hcA.CloseIdleConnections()
	cutB := &partitionable{base: NewHTTPClient(s.Endpoint()).Transport}
	defer cutB.base.(*http.Transport).CloseIdleConnections()
	a := consumer.InitConsumerWorkerWithCheckpointTracker(consumerConfig(s, "a", hcA), rec.processor("a"))
	b := consumer.InitConsumerWorkerWithCheckpointTracker(consumerConfig(s, "b", &http.Client{Transport: cutB}), rec.processor("b"))
	a.Start()
	b.Start()
	stopped := false
	defer func() {
		if !stopped {
			cutB.cut.Store(false)
			a.StopAndWait()
			b.StopAndWait()
		}
	}()

	// Shards move only after their owner let go, so the group settles
	// within a few heartbeats; probe each shard until a round is consumed
	// 2/2.
	var split map[string][]int
	waitFor(t, "the group to settle on 2 shards per consumer", 30*time.Second, func() bool {
		from, to := w.round(1)
		waitFor(t, "probe logs", 10*time.Second, func() bool { return rec.missing(to) == 0 })
		split = rec.shardsOf(from, to)
		return len(split["a"]) == 2 && len(split["b"]) == 2
	})
	t.Logf("settled: %v", split)
	if got := rec.missing(w.next); got != 0 {
		t.Fatalf("%d logs not consumed", got)
	}

	// Checkpoints: every shard's must reach its end cursor (auto-commit),
	// committed by the consumer that holds the shard.
	c := newClient(t, s, testKey)
	waitFor(t, "checkpoints at the end of every shard", 10*time.Second, func() bool {
		cps, err := c.GetCheckpoint(testProject, testLogstore, "tail")
		if err != nil || len(cps) != 4 {
			t.Fatalf("checkpoints: %v %v", cps, err)
		}
		for _, cp := range cps {
			end, err := c.GetCursor(testProject, testLogstore, cp.ShardID, "end")
			if err != nil {
				t.Fatal(err)
			}
			if cp.CheckPoint != end {
				return false
			}
		}
		return true
	})
	before := w.next

	// B stops heartbeating; what is written now on B's shards only A can read.
	cutB.cut.Store(true)
	from, to := w.round(25)
	waitFor(t, "A to take over B's shards and consume every log", 30*time.Second, func() bool {
		return rec.missing(to) == 0
	})
	after := rec.shardsOf(from, to)
	if len(after["a"]) != 4 || len(after["b"]) != 0 {
		t.Fatalf("after failover: %v, want A on all 4 shards", after)
	}
	// A resumed B's shards from B's checkpoints: nothing B had consumed and
	// committed was read again.
	rec.mu.Lock()
	for seq := range before {
		if n := len(rec.seenBy[seq]); n != 1 {
			t.Errorf("log %d consumed %d times (%v)", seq, n, rec.seenBy[seq])
		}
	}
	rec.mu.Unlock()

	cutB.cut.Store(false)
	stopped = true
	stopWorker(t, "a", a)
	stopWorker(t, "b", b)
	waitConsumerLibraryExit(t)
}

// waitConsumerLibraryExit waits for the consumerLibrary's own goroutines:
// its heartbeat loop outlives StopAndWait by up to one heartbeat interval
// (it sleeps without watching the shutdown flag). They are the SDK's, not
// slsd's; waiting here keeps the package's leak check strict for the rest.
func waitConsumerLibraryExit(t testing.TB) {
	t.Helper()
	waitFor(t, "the consumerLibrary's goroutines to exit", 10*time.Second, func() bool {
		buf := make([]byte, 1<<20)
		return !strings.Contains(string(buf[:runtime.Stack(buf, true)]), "aliyun-log-go-sdk/consumer.")
	})
}
