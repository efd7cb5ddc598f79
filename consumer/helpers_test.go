package consumer

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
	"google.golang.org/protobuf/proto"

	"github.com/slstail/slstail/internal/leaktest"
	"github.com/slstail/slstail/slsd"
)

func TestMain(m *testing.M) {
	os.Exit(leaktest.Check(m.Run(), 5*time.Second))
}

const (
	testProject  = "demo"
	testLogstore = "access"
)

var (
	testKey = slsd.Key{ID: "LTAIconsumertest", Secret: "consumer-test-secret-0123456789"}
	stsKey  = slsd.Key{ID: "STS.consumertest", Secret: "sts-test-secret-9876543210", SecurityToken: "sts-test-token-abcdef"}
)

// clock is slsd's clock: real time shifted by an offset, so that tests can
// write data "minutes ago" (within SLS's 15-minute request skew).
type clock struct{ off atomic.Int64 }

func (c *clock) now() time.Time        { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *clock) shift(d time.Duration) { c.off.Store(int64(d)) }

type testEnv struct {
	t      testing.TB
	srv    *slsd.Server
	clock  *clock
	writer sls.ClientInterface
	seq    atomic.Int64
	close  func() // stops the server; also run when the test ends
}

// newEnv starts slsd with a testShards-shard logstore and an SDK client to write to
// it; everything stops when the test ends.
func newEnv(t testing.TB) *testEnv {
	t.Helper()
	c := &clock{}
	srv, err := slsd.New(slsd.Config{Keys: []slsd.Key{testKey, stsKey}, Project: testProject, Logstore: testLogstore, Shards: testShards, Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	hc := slsd.NewHTTPClient(srv.Endpoint())
	w := sls.CreateNormalInterface(srv.Endpoint(), testKey.ID, testKey.Secret, "")
	w.SetHTTPClient(hc)
	e := &testEnv{t: t, srv: srv, clock: c, writer: w}
	e.close = sync.OnceFunc(func() {
		hc.CloseIdleConnections()
		srv.Close()
	})
	t.Cleanup(e.close)
	return e
}

// config is a Session config for the env with fast heartbeats and commits.
func (e *testEnv) config() Config {
	return Config{
		Endpoint:          e.srv.Endpoint(),
		Project:           testProject,
		Logstore:          testLogstore,
		Credentials:       Credentials{AccessKeyID: testKey.ID, AccessKeySecret: testKey.Secret},
		HeartbeatInterval: time.Second,
		CommitInterval:    200 * time.Millisecond,
		LagInterval:       200 * time.Millisecond,
		FetchInterval:     100 * time.Millisecond,
	}
}

// write puts groups log groups of perGroup logs each; shards take turns.
// Every log carries a unique "seq".
func (e *testEnv) write(groups, perGroup int) {
	e.t.Helper()
	for g := 0; g < groups; g++ {
		lg := &sls.LogGroup{Topic: proto.String("t"), Source: proto.String("10.0.0.1"),
			LogTags: []*sls.LogTag{{Key: proto.String("host"), Value: proto.String("web-1")}}}
		for i := 0; i < perGroup; i++ {
			n := e.seq.Add(1) - 1
			lg.Logs = append(lg.Logs, &sls.Log{
				Time: proto.Uint32(uint32(time.Now().Unix())),
				Contents: []*sls.LogContent{
					{Key: proto.String("seq"), Value: proto.String(strconv.FormatInt(n, 10))},
					{Key: proto.String("cdn_in"), Value: proto.String(strconv.FormatInt(n%100, 10))},
				},
			})
		}
		if err := e.writer.PutLogs(testProject, testLogstore, lg); err != nil {
			e.t.Fatalf("PutLogs: %v", err)
		}
	}
}

// start starts a session and stops it when the test ends.
func (e *testEnv) start(cfg Config) *Session {
	e.t.Helper()
	s, err := NewSession(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.Start(ctx); err != nil {
		e.t.Fatalf("Start: %v", err)
	}
	e.t.Cleanup(func() {
		s.Stop(context.Background())
		// A call the stop abandoned (a lag poll, say) ends on its own:
		// wait for it while the server still answers it, or it retries a
		// closed server past the end of the tests.
		s.calls.Wait()
	})
	return s
}

// collector reads a session's batches and records what it saw.
type collector struct {
	mu      sync.Mutex
	seen    map[int64]int  // seq -> times delivered
	last    map[int]int64  // shard -> last seq
	order   []string       // ordering violations
	gens    map[int]int    // generation -> logs
	pause   chan chan bool // send a channel to pause; close it to resume
	total   atomic.Int64
	done    chan struct{}
	records []Record
	keep    bool
}

func collect(s *Session, keep bool) *collector {
	c := &collector{seen: make(map[int64]int), last: make(map[int]int64), gens: make(map[int]int),
		pause: make(chan chan bool), done: make(chan struct{}), keep: keep}
	go func() {
		defer close(c.done)
		for {
			select {
			case b, ok := <-s.Batches():
				if !ok {
					return
				}
				// As the TUI does: a batch counts once acknowledged, and a
				// refused one is dropped (the next run delivers it again).
				if b.Ack() {
					c.add(b)
				}
			case p := <-c.pause:
				<-p
			}
		}
	}()
	return c
}

func (c *collector) add(b Batch) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range b.Records {
		var seq int64 = -1
		if v, ok := r.Get("seq"); ok {
			seq, _ = strconv.ParseInt(v, 10, 64)
		}
		c.seen[seq]++
		if last, ok := c.last[b.Shard]; ok && seq <= last {
			c.order = append(c.order, fmt.Sprintf("shard %d: seq %d after %d", b.Shard, seq, last))
		}
		c.last[b.Shard] = seq
		c.gens[b.Generation]++
		if c.keep {
			c.records = append(c.records, r)
		}
	}
	c.total.Add(int64(len(b.Records)))
}

// waitTotal waits until at least n logs arrived.
func (c *collector) waitTotal(t testing.TB, n int64) {
	t.Helper()
	waitFor(t, fmt.Sprintf("%d logs", n), func() bool { return c.total.Load() >= n })
}

// check asserts that seqs [from, to) arrived exactly once each and that
// nothing else arrived, in per-shard order.
func (c *collector) check(t testing.TB, from, to int64) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	missing, dup := 0, 0
	for n := from; n < to; n++ {
		switch c.seen[n] {
		case 0:
			missing++
		case 1:
		default:
			dup++
		}
	}
	extra := 0
	for n := range c.seen {
		if n < from || n >= to {
			extra++
		}
	}
	if missing+dup+extra > 0 {
		t.Errorf("seq [%d,%d): %d missing, %d duplicated, %d unexpected", from, to, missing, dup, extra)
	}
	if len(c.order) > 0 {
		t.Errorf("per-shard order violated: %v", c.order[:min(5, len(c.order))])
	}
}

// waitFor polls cond until it holds or 45 s pass (a generous bound for a
// loaded machine; the tests never assert how long things take).
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// srvBytes is the raw size of everything in the test logstore, as PullLogs
// reports it (x-log-bodyrawsize) over a full read of every shard.
func (e *testEnv) srvBytes() int64 {
	var total int64
	for shard := 0; shard < 4; shard++ {
		cursor, err := e.writer.GetCursor(testProject, testLogstore, shard, "begin")
		if err != nil {
			e.t.Fatal(err)
		}
		for {
			_, meta, err := e.writer.PullLogsWithQuery(&sls.PullLogRequest{Project: testProject, Logstore: testLogstore,
				ShardID: shard, Cursor: cursor, LogGroupMaxCount: 1000})
			if err != nil {
				e.t.Fatal(err)
			}
			total += int64(meta.RawSize)
			if meta.NextCursor == cursor {
				break
			}
			cursor = meta.NextCursor
		}
	}
	return total
}
