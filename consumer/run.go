package consumer

import (
	"context"
	"errors"
	"sync"

	sls "github.com/aliyun/aliyun-log-go-sdk"
	consumerLibrary "github.com/aliyun/aliyun-log-go-sdk/consumer"
)

// errRunStopped is what the processor returns once its run is stopping: the
// SDK then keeps the batch undelivered and its checkpoint unmoved.
var errRunStopped = errors.New("run stopped")

// run is one query run: one SDK ConsumerWorker with one query, from Start
// or a Restart to the next Restart or Stop. It is the SDK's Processor.
type run struct {
	gen    int
	group  string
	query  string
	worker *consumerLibrary.ConsumerWorker

	out     chan<- Batch
	track   *tracker
	compact bool        // Config.Compact
	dicts   *dictHolder // the Session's value dictionaries

	ctx    context.Context // cancelled when the run stops: unblocks sends
	cancel context.CancelFunc

	// gate makes "delivered" exact: a processor holds it shared while it
	// sends a batch and records the position after it; stop takes it
	// exclusively (after cancelling ctx, so that no send can block it) and
	// closes the run. After that no batch of this run can reach the
	// receiver, even from SDK goroutines we had to abandon, and pos holds
	// exactly what was delivered.
	gate   sync.RWMutex
	closed bool
	posMu  sync.Mutex
	pos    map[int]string // shard -> cursor after the last delivered batch
}

func newRun(gen int, group, query string, out chan<- Batch, t *tracker, start map[int]string) *run {
	ctx, cancel := context.WithCancel(context.Background())
	pos := make(map[int]string, len(start))
	for id, c := range start {
		pos[id] = c
	}
	return &run{gen: gen, group: group, query: query, out: out, track: t, ctx: ctx, cancel: cancel, pos: pos}
}

// Process delivers one pull to the receiver and only then marks the cursor
// after it as the checkpoint to commit: a batch the receiver never took is
// never committed (backpressure: the SDK waits here, so a slow receiver
// slows consumption, and nothing is dropped).
func (r *run) Process(shard int, gl *sls.LogGroupList, ct consumerLibrary.CheckPointTracker) (string, error) {
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
	if len(recs) > 0 {
		select {
		case r.out <- Batch{Shard: shard, Records: recs, Generation: r.gen, dict: dict}:
		case <-r.ctx.Done():
			return "", errRunStopped
		}
	}
	// Only marks the pending checkpoint; the SDK commits it every
	// AutoCommitIntervalInMS and when the shard worker shuts down.
	_ = ct.SaveCheckPoint(false)
	r.posMu.Lock()
	r.pos[shard] = next
	r.posMu.Unlock()
	r.track.delivered(shard, len(recs), next)
	return "", nil
}

// Shutdown is called by the SDK before its final checkpoint flush, which
// commits what Process marked.
func (r *run) Shutdown(consumerLibrary.CheckPointTracker) error { return nil }

// close stops deliveries for good and returns the delivered positions.
func (r *run) close() map[int]string {
	r.cancel()
	r.gate.Lock()
	r.closed = true
	r.gate.Unlock()
	return r.positions()
}

func (r *run) positions() map[int]string {
	r.posMu.Lock()
	defer r.posMu.Unlock()
	out := make(map[int]string, len(r.pos))
	for id, c := range r.pos {
		out[id] = c
	}
	return out
}
