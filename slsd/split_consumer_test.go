package slsd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
	consumer "github.com/aliyun/aliyun-log-go-sdk/consumer"
)

// heartbeatTap records the last heartbeat answer each consumer received.
type heartbeatTap struct {
	base  http.RoundTripper
	mu    sync.Mutex
	last  map[string][]int // consumer -> shards
	count int
}

func (h *heartbeatTap) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := h.base.RoundTrip(r)
	if err != nil || r.URL.Query().Get("type") != "heartbeat" || resp.StatusCode != 200 {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	var shards []int
	if json.Unmarshal(body, &shards) == nil {
		slices.Sort(shards)
		h.mu.Lock()
		h.last[r.URL.Query().Get("consumer")] = shards
		h.count++
		h.mu.Unlock()
	}
	return resp, nil
}

func (h *heartbeatTap) answered() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.count
}

func (h *heartbeatTap) answers() map[string][]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make(map[string][]int, len(h.last))
	for k, v := range h.last {
		out[k] = slices.Clone(v)
	}
	return out
}

// seqLog records every log the consumers processed: by whom, from which
// shard, and in what order (the index of its first processing).
type seqLog struct {
	mu     sync.Mutex
	seenBy map[int][]string
	shard  map[int]int
	first  map[int]int
	n      int
	shards map[int]bool          // shards any log was read from
	gate   map[int]chan struct{} // processing of a shard waits while its gate is shut
}

func newSeqLog() *seqLog {
	return &seqLog{seenBy: map[int][]string{}, shard: map[int]int{}, first: map[int]int{}, shards: map[int]bool{},
		gate: map[int]chan struct{}{}}
}

// hold stops the processing of shard until the returned func is called.
func (l *seqLog) hold(shard int) (release func()) {
	ch := make(chan struct{})
	l.mu.Lock()
	l.gate[shard] = ch
	l.mu.Unlock()
	return func() {
		l.mu.Lock()
		delete(l.gate, shard)
		l.mu.Unlock()
		close(ch)
	}
}

func (l *seqLog) processor(name string) func(int, *sls.LogGroupList, consumer.CheckPointTracker) (string, error) {
	return func(shard int, gl *sls.LogGroupList, tr consumer.CheckPointTracker) (string, error) {
		l.mu.Lock()
		gate := l.gate[shard]
		l.mu.Unlock()
		if gate != nil {
			<-gate
		}
		l.mu.Lock()
		for _, g := range gl.LogGroups {
			for _, lg := range g.Logs {
				for _, kv := range lg.Contents {
					if kv.GetKey() != "seq" {
						continue
					}
					n, _ := strconv.Atoi(kv.GetValue())
					if len(l.seenBy[n]) == 0 {
						l.first[n] = l.n
						l.n++
					}
					l.seenBy[n] = append(l.seenBy[n], name)
					l.shard[n] = shard
					l.shards[shard] = true
				}
			}
		}
		l.mu.Unlock()
		tr.SaveCheckPoint(false) // flushed by auto-commit, as slstail does
		return "", nil
	}
}

func (l *seqLog) missing(n int) []int {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []int
	for i := range n {
		if len(l.seenBy[i]) == 0 {
			out = append(out, i)
		}
	}
	return out
}

func (l *seqLog) readFrom(shard int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.shards[shard]
}

// steadyWriter puts a group of 5 numbered logs every 10 ms, cycling
// through 32 hash keys spread over the key space, until stopped.
type steadyWriter struct {
	c    sls.ClientInterface
	stop chan struct{}
	done chan struct{}
	mu   sync.Mutex
	next int
	key  map[int]string // seq -> hash key
	err  error
}

func startSteadyWriter(c sls.ClientInterface) *steadyWriter {
	w := &steadyWriter{c: c, stop: make(chan struct{}), done: make(chan struct{}), key: map[int]string{}}
	go func() {
		defer close(w.done)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-w.stop:
				return
			case <-tick.C:
			}
			key := fmt.Sprintf("%02x", (i%32)*8)
			w.mu.Lock()
			first := w.next
			w.mu.Unlock()
			if err := w.c.PostLogStoreLogs(testProject, testLogstore, numberedGroup(first, 5), &key); err != nil {
				w.mu.Lock()
				w.err = err
				w.mu.Unlock()
				return
			}
			w.mu.Lock()
			for k := range 5 {
				w.key[first+k] = key
			}
			w.next += 5
			w.mu.Unlock()
		}
	}()
	return w
}

// written returns how many logs were written so far.
func (w *steadyWriter) written() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.next
}

func (w *steadyWriter) halt(t *testing.T) int {
	t.Helper()
	close(w.stop)
	<-w.done
	if w.err != nil {
		t.Fatalf("writer: %v", w.err)
	}
	return w.next
}

// TestConsumerAcrossSplitAndMerge runs two unmodified consumerLibrary
// workers while a writer puts numbered logs at a steady rate, and splits a
// shard, merges two, and splits a child again under them. Every log written
// must be consumed (at least once), every shard, readonly ones included,
// must end with its checkpoint at its end cursor, and the heartbeats must
// end up assigning exactly the readwrite shards. In an ordered group no log
// of a hash key may be processed before an older log of the same key (a
// parent is consumed before its children).
func TestConsumerAcrossSplitAndMerge(t *testing.T) {
	if raceEnabled {
		t.Skip("the SDK's consumerLibrary has a data race of its own (see race_test.go)")
	}
	for _, ordered := range []bool{true, false} {
		t.Run(fmt.Sprintf("order=%v", ordered), func(t *testing.T) {
			testConsumerAcrossSplitAndMerge(t, ordered)
		})
	}
	waitConsumerLibraryExit(t)
}

func testConsumerAcrossSplitAndMerge(t *testing.T, ordered bool) {
	s := startServer(t, Config{})
	c := newClient(t, s, testKey)
	tap := &heartbeatTap{base: NewHTTPClient(s.Endpoint()).Transport, last: map[string][]int{}}
	defer tap.base.(*http.Transport).CloseIdleConnections()
	rec := newSeqLog()
	var workers []*consumer.ConsumerWorker
	for _, name := range []string{"a", "b"} {
		cfg := consumerConfig(s, name, &http.Client{Transport: tap})
		cfg.InOrder = ordered
		w := consumer.InitConsumerWorkerWithCheckpointTracker(cfg, rec.processor(name))
		w.Start()
		workers = append(workers, w)
	}
	stopped := false
	stopAll := func() {
		if !stopped {
			stopped = true
			for i, w := range workers {
				stopWorker(t, string(rune('a'+i)), w)
			}
		}
	}
	defer stopAll()

	wr := startSteadyWriter(c)
	defer func() {
		select {
		case <-wr.done:
		default:
			wr.halt(t)
		}
	}()
	caughtUp := func(what string) {
		t.Helper()
		n := wr.written()
		waitFor(t, what, 30*time.Second, func() bool { return len(rec.missing(n)) == 0 })
	}
	consumedFrom := func(shards ...int) {
		t.Helper()
		waitFor(t, fmt.Sprintf("logs consumed from shards %v", shards), 30*time.Second, func() bool {
			for _, sh := range shards {
				if !rec.readFrom(sh) {
					return false
				}
			}
			return true
		})
	}
	caughtUp("the consumers to start")

	// Hold shard 3's consumer while its backlog grows, and split it: an
	// ordered group must not hand out the children before the parent is
	// consumed to its end, an unordered one hands them out at once.
	release := rec.hold(3)
	held := wr.written()
	waitFor(t, "a backlog on shard 3", 30*time.Second, func() bool {
		return wr.written() >= held+32*5 // a round of every key: 8 groups on shard 3
	})
	if _, err := s.SplitShard(testProject, testLogstore, 3, ""); err != nil { // 3 -> 4, 5
		release()
		t.Fatal(err)
	}
	beats := tap.answered()
	waitFor(t, "the children to be consumed, or 3 heartbeats each", 30*time.Second, func() bool {
		return rec.readFrom(4) || rec.readFrom(5) || tap.answered() >= beats+6
	})
	early := rec.readFrom(4) || rec.readFrom(5)
	release()
	if ordered && early {
		t.Fatal("ordered group: a child of shard 3 was consumed while shard 3 had a backlog")
	}
	if !ordered && !early {
		t.Fatal("unordered group: the children of shard 3 were not consumed while it was held")
	}
	consumedFrom(4, 5)
	if _, err := s.MergeShards(testProject, testLogstore, 0); err != nil { // 0 + 1 -> 6
		t.Fatal(err)
	}
	consumedFrom(6)
	if _, err := s.SplitShard(testProject, testLogstore, 5, ""); err != nil { // 5 -> 7, 8
		t.Fatal(err)
	}
	consumedFrom(7, 8)
	total := wr.halt(t)
	waitFor(t, "every log to be consumed", 30*time.Second, func() bool { return len(rec.missing(total)) == 0 })

	// No shard left unconsumed: each one's checkpoint reaches its end.
	shards, err := s.Shards(testProject, testLogstore)
	if err != nil {
		t.Fatal(err)
	}
	var readwrite []int
	for _, sh := range shards {
		if sh.Status == "readwrite" {
			readwrite = append(readwrite, sh.ID)
		}
	}
	if !slices.Equal(readwrite, []int{2, 4, 6, 7, 8}) || len(shards) != 9 {
		t.Fatalf("shards at the end: %+v", shards)
	}
	waitFor(t, "every shard's checkpoint at its end cursor", 30*time.Second, func() bool {
		cps, err := c.GetCheckpoint(testProject, testLogstore, "tail")
		if err != nil || len(cps) != len(shards) {
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
	// The finished readonly shards leave the assignment: the two consumers
	// hold the readwrite shards between them, 3 and 2.
	var last map[string][]int
	waitFor(t, "heartbeats to assign exactly the readwrite shards", 30*time.Second, func() bool {
		last = tap.answers()
		both := append(slices.Clone(last["a"]), last["b"]...)
		slices.Sort(both)
		return slices.Equal(both, readwrite) && max(len(last["a"]), len(last["b"])) == 3
	})

	rec.mu.Lock()
	dups, lastByKey, outOfOrder := 0, map[string]int{}, 0
	for seq := range total {
		if len(rec.seenBy[seq]) > 1 {
			dups++
		}
	}
	byFirst := make([]int, rec.n)
	for seq, i := range rec.first {
		byFirst[i] = seq
	}
	for _, seq := range byFirst {
		key := wr.key[seq]
		if prev, ok := lastByKey[key]; ok && seq < prev {
			outOfOrder++
		}
		lastByKey[key] = max(lastByKey[key], seq)
	}
	rec.mu.Unlock()
	t.Logf("%d logs written at a steady rate, 0 lost, %d consumed more than once, %d shards (%d readonly) all consumed to their end; "+
		"final assignment %v; %d logs processed after a newer log of their key", total, dups, len(shards), len(shards)-len(readwrite), last, outOfOrder)
	if ordered && outOfOrder > 0 {
		t.Errorf("ordered group: %d logs processed after a newer log of the same hash key", outOfOrder)
	}
	if !ordered && outOfOrder == 0 {
		// The children were read while the parent's backlog of the same
		// keys was held: this check must see that, or it checks nothing.
		t.Errorf("unordered group: no log processed after a newer one of its key")
	}
	stopAll()
}
