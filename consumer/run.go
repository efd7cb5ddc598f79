package consumer

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
	consumerLibrary "github.com/aliyun/aliyun-log-go-sdk/consumer"
)

// errRunStopped is what the processor and the run's transport return once
// the run is closed: the SDK then keeps the batch unprocessed, and the
// closed run's workers wind down without touching the network again.
var errRunStopped = errors.New("query run stopped")

// run is one query run: one SDK ConsumerWorker with one query, from Start
// or a Restart to the next Restart or Stop. It is the SDK's Processor, and
// its HTTP client's observer knows it, so that each request can be charged
// to the run that made it.
type run struct {
	gen    int
	group  string
	query  string
	worker *consumerLibrary.ConsumerWorker
	http   *http.Client // the SDK's client for this run

	out     chan<- Batch
	track   *tracker
	compact bool        // Config.Compact
	dicts   *dictHolder // the Session's value dictionaries
	budget  *budget

	// onGone is called (once, on its own goroutine) when the server says
	// the run's consumer group does not exist; onRelease when the SDK
	// gives up a shard that another consumer takes, so that its
	// acknowledged position is committed before the hand-over.
	onGone    func(*run)
	goneOnce  sync.Once
	onRelease func(r *run, shard int)

	ctx    context.Context // cancelled when the run closes: unblocks sends and permit waits
	cancel context.CancelFunc

	// gate makes closing exact: a processor holds it shared while it sends
	// a batch; close takes it exclusively (after cancelling ctx, so that no
	// send can block it). After that no batch of this run reaches the
	// receiver, even from SDK goroutines still winding down, and Batches
	// can be closed safely.
	gate     sync.RWMutex
	closed   bool
	isClosed atomic.Bool // closed, readable without the gate

	mu        sync.Mutex // guards everything below
	final     bool       // acknowledgements are refused from now on
	shards    map[int]*ledger
	permits   map[int]bool   // shards holding a budget permit
	committed map[int]string // last checkpoint written per shard, by the session
}

// ledger is one shard's delivered-but-unacknowledged batches, in order, and
// the position they leave once acknowledged.
type ledger struct {
	acked   string // cursor after the last batch covered by acknowledgements
	read    string // cursor after the last batch handed over (or empty pull)
	pending []pending
	seq     uint64
}

// pending is a batch handed to the receiver (or an empty pull after one):
// the position covers it once it and everything before it are done.
type pending struct {
	seq  uint64
	next string
	done bool
}

// batchAck is what a delivered Batch carries to acknowledge itself.
type batchAck struct {
	run *run
	seq uint64
}

func newRun(gen int, group, query string, out chan<- Batch, t *tracker, b *budget, start map[int]string) *run {
	ctx, cancel := context.WithCancel(context.Background())
	r := &run{gen: gen, group: group, query: query, out: out, track: t, budget: b, ctx: ctx, cancel: cancel,
		shards: make(map[int]*ledger), permits: make(map[int]bool), committed: make(map[int]string)}
	for id, c := range start {
		r.shards[id] = &ledger{acked: c}
	}
	return r
}

// Process hands one pull to the receiver. Nothing is marked in the SDK's
// checkpoint tracker: the position moves when the receiver acknowledges the
// batch, and the session commits it. A receiver that does not read blocks
// the SDK here (backpressure), so nothing is dropped.
func (r *run) Process(shard int, gl *sls.LogGroupList, ct consumerLibrary.CheckPointTracker) (string, error) {
	defer r.release(shard)
	if r.isClosed.Load() {
		return "", errRunStopped
	}
	recs := toRecords(shard, gl)
	var dict *valueDict
	if len(recs) > 0 {
		dict = r.dicts.get()
	}
	if r.compact {
		compact(recs, dict)
	}
	next := ct.GetNextCursor()
	r.gate.RLock()
	defer r.gate.RUnlock()
	if r.closed {
		return "", errRunStopped
	}
	if len(recs) == 0 {
		// The query filtered the whole pull away (or the shard is at its
		// end): the position moves past it once what came before is done.
		r.pass(shard, next)
		return "", nil
	}
	seq := r.expect(shard, next)
	select {
	case r.out <- Batch{Shard: shard, Records: recs, Generation: r.gen, dict: dict, ack: &batchAck{run: r, seq: seq}}:
	case <-r.ctx.Done():
		return "", errRunStopped
	}
	return "", nil
}

// Shutdown is called by the SDK when a shard worker ends. In a run that is
// still open that means the server moved the shard to another consumer:
// its acknowledged position is committed now, before the SDK's next
// heartbeat lets the shard go, so the next owner resumes exactly there.
func (r *run) Shutdown(ct consumerLibrary.CheckPointTracker) error {
	if r.isClosed.Load() || r.onRelease == nil {
		return nil
	}
	r.onRelease(r, ct.GetShardId())
	return nil
}

// expect records a batch about to be handed over and returns its sequence.
func (r *run) expect(shard int, next string) uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	l := r.ledger(shard)
	l.seq++
	l.read = next
	l.pending = append(l.pending, pending{seq: l.seq, next: next})
	return l.seq
}

// pass records an empty pull: it needs no acknowledgement of its own.
func (r *run) pass(shard int, next string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	l := r.ledger(shard)
	l.read = next
	if len(l.pending) == 0 {
		l.acked = next
		r.track.acked(shard, 0, next)
		return
	}
	if last := &l.pending[len(l.pending)-1]; last.done {
		last.next = next // consecutive empty pulls: only the last matters
		return
	}
	l.pending = append(l.pending, pending{next: next, done: true})
}

// ack marks a batch written out and moves the shard's position past every
// batch that is now done in order. It refuses once the run is closed.
func (r *run) ack(shard int, seq uint64, n int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.final {
		return false
	}
	l := r.shards[shard]
	if l == nil {
		return true
	}
	found := false
	for i := range l.pending {
		if l.pending[i].seq == seq && !l.pending[i].done {
			l.pending[i].done, found = true, true
			break
		}
	}
	if !found {
		return true // acknowledged before
	}
	moved := 0
	for moved < len(l.pending) && l.pending[moved].done {
		l.acked = l.pending[moved].next
		moved++
	}
	l.pending = append(l.pending[:0], l.pending[moved:]...)
	r.track.acked(shard, n, l.acked)
	return true
}

func (r *run) ledger(shard int) *ledger {
	l := r.shards[shard]
	if l == nil {
		l = &ledger{}
		r.shards[shard] = l
	}
	return l
}

// settled reports whether every batch of the shard handed over so far has
// been acknowledged.
func (r *run) settled(shard int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	l := r.shards[shard]
	return l == nil || len(l.pending) == 0 || r.final
}

// waitSettled waits, at most d, until the receiver has acknowledged what it
// was handed of the shard.
func (r *run) waitSettled(shard int, d time.Duration) {
	deadline := time.Now().Add(d)
	for !r.settled(shard) && time.Now().Before(deadline) {
		select {
		case <-r.ctx.Done():
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// acquire takes the shard's budget permit before its pull goes out: a shard
// holds at most one, and waits while the budget is spent. It fails once
// the run closes or ctx ends.
func (r *run) acquire(ctx context.Context, shard int) error {
	r.mu.Lock()
	held := r.permits[shard]
	r.mu.Unlock()
	if held {
		return nil
	}
	if err := r.budget.take(ctx, r.ctx); err != nil {
		if r.ctx.Err() != nil {
			return errRunStopped
		}
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.final {
		r.budget.give()
		return errRunStopped
	}
	if r.permits[shard] {
		r.budget.give() // raced with ourselves: keep one
		return nil
	}
	r.permits[shard] = true
	return nil
}

// release gives the shard's permit back, if it holds one.
func (r *run) release(shard int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.permits[shard] {
		delete(r.permits, shard)
		r.budget.give()
	}
}

// close stops deliveries and acknowledgements for good and returns the
// acknowledged positions, which are final from this moment. It releases
// the run's permits; the SDK's workers may go on winding down, but can no
// longer reach the receiver or the network.
func (r *run) close() map[int]string {
	r.cancel()
	r.gate.Lock()
	r.closed = true
	r.isClosed.Store(true)
	r.gate.Unlock()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.final = true
	for shard := range r.permits {
		r.budget.give()
		delete(r.permits, shard)
	}
	return r.positionsLocked()
}

// positions returns the acknowledged position of every shard that has one.
func (r *run) positions() map[int]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.positionsLocked()
}

func (r *run) positionsLocked() map[int]string {
	out := make(map[int]string, len(r.shards))
	for id, l := range r.shards {
		if l.acked != "" {
			out[id] = l.acked
		}
	}
	return out
}

// readPositions returns how far each shard has been read: the cursor after
// the last batch handed to the receiver, acknowledged or not.
func (r *run) readPositions() map[int]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[int]string, len(r.shards))
	for id, l := range r.shards {
		switch {
		case l.read != "":
			out[id] = l.read
		case l.acked != "":
			out[id] = l.acked
		}
	}
	return out
}

// uncommitted returns the acknowledged positions not yet written as
// checkpoints.
func (r *run) uncommitted() map[int]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[int]string)
	for id, l := range r.shards {
		if l.acked != "" && l.acked != r.committed[id] {
			out[id] = l.acked
		}
	}
	return out
}

func (r *run) setCommitted(shard int, cursor string) {
	r.mu.Lock()
	r.committed[shard] = cursor
	r.mu.Unlock()
}

// gone reports the run's consumer group missing, once.
func (r *run) gone() {
	if r.isClosed.Load() || r.onGone == nil {
		return
	}
	r.goneOnce.Do(func() { go r.onGone(r) })
}

// budget bounds the pulls that are in flight or waiting for the receiver,
// across every shard and run: memory in flight grows with the budget, not
// with the shard count.
type budget struct{ sem chan struct{} }

func newBudget(n int) *budget { return &budget{sem: make(chan struct{}, n)} }

// take waits for a permit until either context ends.
func (b *budget) take(ctx, runCtx context.Context) error {
	select {
	case b.sem <- struct{}{}:
		return nil
	default:
	}
	select {
	case b.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-runCtx.Done():
		return runCtx.Err()
	}
}

func (b *budget) give() { <-b.sem }
