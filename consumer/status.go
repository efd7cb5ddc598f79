package consumer

import (
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"
)

// tracker gathers what the observer, the processor and the lag poller learn
// into one state that Status snapshots. Every method is cheap and never
// blocks on I/O: the SDK goroutines call it on their hot path.
type tracker struct {
	mu      sync.Mutex
	now     func() time.Time
	started time.Time
	events  *eventSink

	base     Status // identity fields and Query/Generation
	conn     ConnState
	attempts int
	group    string // the current run's group; heartbeats of others are ignored
	shards   map[int]*shardTrack
	total    int64

	// failed is set when the session cannot go on by itself: the state
	// stays ConnFailed whatever answers arrive afterwards.
	failed bool
	// stallAfter is how long requests may wait with nothing answered before
	// the connection (or a shard, for its pull) shows as stalled.
	stallAfter time.Duration
	flights    map[*flight]struct{}
	lastAnswer time.Time // when any request last got an answer or body bytes
}

// flight is one request on the wire: from when it was sent to when its
// body was read or it failed.
type flight struct {
	shard int // for the consumer's PullLogs; -1 otherwise
	start time.Time
	last  time.Time // its last answer or body bytes
}

type shardTrack struct {
	s        ShardStatus
	win      rateWindow
	position string // cursor after the last delivered batch
	// queried says whether the last pull carried the query metadata headers;
	// without them the line counts come from the processor.
	queried bool
	pulled  int64 // log groups pulled (before the query), for tests of backpressure
}

func newTracker(events *eventSink, now func() time.Time, stallAfter time.Duration) *tracker {
	return &tracker{now: now, started: now(), events: events, shards: make(map[int]*shardTrack),
		stallAfter: stallAfter, flights: make(map[*flight]struct{})}
}

// begin records a request going out; shard is -1 unless it is one of the
// consumer's pulls.
func (t *tracker) begin(shard int) *flight {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	f := &flight{shard: shard, start: now, last: now}
	t.flights[f] = struct{}{}
	return f
}

// progress records an answer (headers, or more of a body) to f.
func (t *tracker) progress(f *flight) {
	t.mu.Lock()
	now := t.now()
	f.last, t.lastAnswer = now, now
	t.mu.Unlock()
}

// end records that f is over.
func (t *tracker) end(f *flight) {
	t.mu.Lock()
	delete(t.flights, f)
	t.mu.Unlock()
}

// fail puts the session in the failed state for good.
func (t *tracker) fail() {
	t.mu.Lock()
	t.failed, t.conn = true, ConnFailed
	t.mu.Unlock()
}

func (t *tracker) shard(id int) *shardTrack {
	s := t.shards[id]
	if s == nil {
		s = &shardTrack{s: ShardStatus{Shard: id, State: ShardReleased}}
		t.shards[id] = s
	}
	return s
}

// setShards makes sure every shard of the logstore is listed, held or not.
func (t *tracker) setShards(ids []int, readOnly map[int]bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, id := range ids {
		t.shard(id).s.ReadOnly = readOnly[id]
	}
}

// newRun resets per-run state when a run (first or after Restart) begins.
func (t *tracker) newRun(group, query string, generation int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.group = group
	t.base.Group, t.base.Query, t.base.Generation = group, query, generation
	for _, s := range t.shards {
		s.s.LastError = ""
		if s.s.Held {
			s.s.State = ShardStarting
		}
	}
}

func (t *tracker) setConn(c ConnState) {
	t.mu.Lock()
	if !t.failed || c == ConnStopped {
		t.conn = c
	}
	t.mu.Unlock()
}

// ok records that the endpoint answered; success says it answered 200,
// which also ends a failed state (refreshed credentials, say).
func (t *tracker) ok(success bool) {
	t.mu.Lock()
	prev, n := t.conn, t.attempts
	if t.conn == ConnConnecting || t.conn == ConnReconnecting || (success && t.conn == ConnFailed && !t.failed) {
		t.conn = ConnConnected
	}
	t.attempts = 0
	t.mu.Unlock()
	if prev == ConnReconnecting {
		t.events.emit(EventInfo, fmt.Sprintf("reconnected to SLS after %d failed attempts", n), nil)
	}
}

// netError records a transport failure; shard is -1 when the request was
// not about one shard.
func (t *tracker) netError(op string, shard int, err error) {
	t.mu.Lock()
	if t.conn == ConnStopped || t.conn == ConnFailed {
		t.mu.Unlock()
		return
	}
	if t.conn != ConnConnecting {
		t.conn = ConnReconnecting
	}
	t.attempts++
	n := t.attempts
	e := &Error{Op: op, Kind: EventNetwork, Err: err}
	if shard >= 0 {
		s := t.shard(shard)
		s.s.State, s.s.LastError, s.s.UpdatedAt = ShardBackoff, e.Error(), t.now()
	}
	t.mu.Unlock()
	// The SDK retries every few hundred milliseconds per shard: tell the
	// user at the first failure and then every tenth.
	if n == 1 || n%10 == 0 {
		t.events.emit(EventNetwork, fmt.Sprintf("%s (reconnecting, attempt %d)", e.Error(), n), e)
	}
}

// apiError records an error response.
func (t *tracker) apiError(shard int, e *Error) {
	t.mu.Lock()
	if shard >= 0 {
		s := t.shard(shard)
		s.s.LastError, s.s.UpdatedAt = e.Error(), t.now()
		switch e.Kind {
		case EventThrottled:
			s.s.State = ShardBackoff
		default:
			s.s.State = ShardError
		}
	}
	if e.Kind == EventAuth {
		t.conn = ConnFailed
	}
	t.mu.Unlock()
	t.events.emitErr(e)
}

// fullPullBytes is the raw size from which a pull may have stopped short
// of the shard's end: the SDK's own test of a full pull (shard_worker.go,
// sleepUtilNextFetch: 4 MiB, or as many log groups as asked for).
const fullPullBytes = 4 << 20

// pulled records one successful PullLogs of the current consumer, which
// asked for count log groups.
//
// A shard is idle when it is caught up with its end and has nothing to
// deliver: its pull came back empty, or read to its end (fewer groups than
// asked for and under fullPullBytes) while its query kept nothing of it.
// The second matters under a selective query: the SDK pulls a shard that
// is caught up every 500 ms, so that on a live shard nearly every pull has
// new data, which the query filters away; counted as pulling, such a shard
// would never look caught up, and the TUI's time-order merge would wait
// for it as for one with a backlog.
func (t *tracker) pulled(shard int, cursor, next string, count int, m pullMeta) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	s := t.shard(shard)
	s.s.UpdatedAt = now
	s.s.LastError = ""
	readToEnd := count > 0 && m.groupsIn < count && m.bytesIn < fullPullBytes
	if next == cursor || (m.queried && m.linesOut == 0 && readToEnd) {
		s.s.State = ShardIdle
	} else {
		s.s.State = ShardPulling
	}
	s.queried = m.queried
	s.pulled += int64(m.groupsIn)
	s.win.add(now, rateBytesIn, float64(m.bytesIn))
	s.win.add(now, rateBytesOut, float64(m.bytesOut))
	if m.queried {
		s.win.add(now, rateLogsIn, float64(m.linesIn))
		s.win.add(now, rateLogsOut, float64(m.linesOut))
	}
}

// acked records n logs acknowledged by the receiver (0 when the query
// filtered a whole pull away) and the shard's position after them.
func (t *tracker) acked(shard, n int, next string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	s := t.shard(shard)
	s.s.Delivered += int64(n)
	t.total += int64(n)
	s.position = next
	if !s.queried {
		s.win.add(now, rateLogsIn, float64(n))
		s.win.add(now, rateLogsOut, float64(n))
	}
}

// setPosition sets the position a run starts a shard at.
func (t *tracker) setPosition(shard int, cursor string) {
	t.mu.Lock()
	t.shard(shard).position = cursor
	t.mu.Unlock()
}

// positions returns the delivered position of every shard that has one.
func (t *tracker) positions() map[int]string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[int]string, len(t.shards))
	for id, s := range t.shards {
		if s.position != "" {
			out[id] = s.position
		}
	}
	return out
}

// heartbeat records the shards the server gave the current consumer.
func (t *tracker) heartbeat(group string, held []int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if group != t.group {
		return
	}
	for id, s := range t.shards {
		h := slices.Contains(held, id)
		if h && !s.s.Held {
			s.s.State = ShardStarting
		}
		if !h {
			s.s.State = ShardReleased
		}
		s.s.Held = h
	}
	for _, id := range held {
		s := t.shard(id)
		if !s.s.Held {
			s.s.Held, s.s.State = true, ShardStarting
		}
	}
}

// lag is what one poll of the lag poller learned about a shard.
type lag struct {
	checkpoint     string
	checkpointTime time.Time
	owner          string
	endTime        time.Time
	lag            time.Duration
	known          bool // endTime and lag are valid
	atEnd          bool // read (held) or checkpointed to the shard's end
}

func (t *tracker) setLag(shard int, l lag) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.shard(shard)
	s.s.Checkpoint, s.s.CheckpointTime, s.s.Owner = l.checkpoint, l.checkpointTime, l.owner
	if !l.endTime.IsZero() {
		s.s.EndTime = l.endTime
	}
	if l.known {
		s.s.Lag = l.lag
	}
	s.s.Done = s.s.ReadOnly && l.atEnd
}

// snapshot copies the state out; rates are computed here, not on the hot
// path.
func (t *tracker) snapshot() Status {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	st := t.base
	st.Conn, st.Attempts, st.Delivered = t.conn, t.attempts, t.total
	stalled := t.stalledShards(now)
	if (st.Conn == ConnConnected || st.Conn == ConnReconnecting) && t.connStalled(now) {
		st.Conn = ConnStalled
	}
	ids := make([]int, 0, len(t.shards))
	for id := range t.shards {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	st.Shards = make([]ShardStatus, 0, len(ids))
	for _, id := range ids {
		s := t.shards[id]
		ss := s.s
		r := s.win.rates(now, t.started)
		ss.LogsInPerSec, ss.LogsOutPerSec = r[rateLogsIn], r[rateLogsOut]
		ss.BytesInPerSec, ss.BytesOutPerSec = r[rateBytesIn], r[rateBytesOut]
		ss.Position = s.position
		if !ss.Held {
			ss.State = ShardReleased
		} else {
			st.Held++
			if stalled[id] {
				ss.State = ShardStalled
			}
		}
		if ss.Done {
			// Whoever holds it, a finished parent has nothing more to
			// give; SLS stops assigning it once its checkpoint is at the end.
			ss.State = ShardDone
		}
		st.LogsInPerSec += ss.LogsInPerSec
		st.LogsOutPerSec += ss.LogsOutPerSec
		st.Shards = append(st.Shards, ss)
	}
	if st.Held > 0 {
		st.Waiting = ShardWait{} // the poller clears it only at its next round
	}
	return st
}

// stalledShards are the shards whose pull has waited StallAfter since its
// last answer.
func (t *tracker) stalledShards(now time.Time) map[int]bool {
	var out map[int]bool
	for f := range t.flights {
		if f.shard >= 0 && now.Sub(f.last) >= t.stallAfter {
			if out == nil {
				out = make(map[int]bool)
			}
			out[f.shard] = true
		}
	}
	return out
}

// connStalled reports requests waiting while the endpoint has answered
// nothing for StallAfter: a server or path that accepts and never answers,
// which no error would ever reveal.
func (t *tracker) connStalled(now time.Time) bool {
	if len(t.flights) == 0 {
		return false
	}
	last := t.lastAnswer
	if last.IsZero() {
		last = t.started
	}
	if now.Sub(last) < t.stallAfter {
		return false
	}
	for f := range t.flights {
		if now.Sub(f.last) >= t.stallAfter {
			return true
		}
	}
	return false
}
