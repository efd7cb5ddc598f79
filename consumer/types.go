// Package consumer runs SLS consumer-group sessions for slstail: it wraps the
// SDK's consumerLibrary, delivers logs in batches with backpressure, and
// reports per-shard checkpoint, rate and lag status.
//
// Delivery is acknowledged: a checkpoint only ever covers logs the receiver
// has written out and acknowledged with Batch.Ack. The SDK's processor blocks
// until the receiver takes a batch (backpressure); the receiver writes the
// batch out and acknowledges it; the session commits the acknowledged
// positions itself, through its own client, every Config.CommitInterval and
// when it stops (the SDK's own checkpoint flushing is never used). A per-run
// gate makes the acknowledged positions final the moment a run is closed,
// even if the SDK's workers are still winding down: an acknowledgement that
// comes later is refused, and the receiver drops that batch.
//
// Where a run starts: the SDK honours CursorPosition only for shards that
// have no checkpoint, so the session writes the start cursor of each shard
// as its checkpoint before the SDK worker starts. An ephemeral session
// (Config.Group empty) uses a new group for every run, deleted when the run
// stops: Restart with PosContinue seeds it with the positions the receiver
// acknowledged (no gap, no duplicate), other positions with GetCursor's answer.
// In a named group the checkpoints are the group's resume point: Start pins
// From for shards that have none and leaves the others alone; Restart keeps
// the consumer name (so the group keeps its shards) and moves only the
// shards this session held.
//
// This file is the contract between consumer and its users (tui, main): the
// types a Session produces. The Session itself lives in session.go.
package consumer

import (
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
)

// Field is one key/value pair of a log, in the order the log carries them.
type Field struct {
	Key   string
	Value string
}

// Record is one delivered log, a small immutable value: copy it freely.
// What the logs of a log group share is stored once, in their Group.
//
// A Session delivers records that read their fields from the SDK's decoded
// log (no copy: a receiver that only counts, filters or writes them out pays
// for no conversion). A receiver that keeps many records wants them
// compacted (Config.Compact, or Batch.Compact): the fields then live in
// storage shared with the other records of the batch and holding no
// pointers, so that a million kept records take a fifth of the memory and
// cost the garbage collector a few objects per batch instead of the SDK's
// two per field. Build records with NewRecord.
type Record struct {
	Shard int
	Time  time.Time // the log's own __time__ (and nanoseconds when present)
	group *Group
	log   *sls.Log // the SDK's log, until compacted
	// data is the compacted fields, encoded by appendField: values only
	// when the log has its group's keys (shared), keys and values otherwise.
	data   string
	shared bool
}

// Group is what the logs of one log group share.
type Group struct {
	Topic   string
	Source  string
	Tags    []Field   // __tag__:k values of the log group, without the prefix
	Receive time.Time // when SLS received the group (its __receive_time__ tag); zero if SLS did not add it
	// keys is, in a compacted group, the key sequence of its first log;
	// most logs of a group repeat it, and theirs are then not stored again.
	keys []string
	// dict holds the values its compacted records refer to (nil: none).
	dict *valueDict
}

// Batch is the logs of one pull of one shard, after the query. Batches of one
// shard arrive in shard order; batches of different shards interleave.
//
// The receiver acknowledges each batch with Ack once it has written it out
// (plain output: flushed to the file descriptor; a UI: appended to its
// buffer). Checkpoints, and the positions Restart resumes from with
// PosContinue, cover a batch only once it and every earlier batch of its
// shard have been acknowledged: a batch never acknowledged (a partly written
// last batch under --max, say) holds its shard's position before it, so the
// next run delivers it again rather than skipping it.
type Batch struct {
	Shard   int
	Records []Record
	// Generation identifies the query run that produced the batch; it changes
	// with every Restart (and when a lost consumer group is recreated), so
	// that a receiver can tell old batches from new.
	Generation int
	// dict is the Session's value dictionary, for Compact.
	dict *valueDict

	ack *batchAck // nil for batches built without a session
}

// Ack tells the session the batch has been written out. It returns false
// when the batch's run was closed first (by Restart, Stop, or the recreation
// of a lost group), which froze the acknowledged positions before this
// batch: the receiver must then drop the batch, which the next run delivers
// again when it continues. Acknowledging twice is harmless; batches built
// without a session (tests, other sources) always acknowledge.
func (b *Batch) Ack() bool {
	if b.ack == nil {
		return true
	}
	return b.ack.run.ack(b.Shard, b.ack.seq, len(b.Records))
}

// ShardState is what a shard's worker is doing.
type ShardState int

const (
	ShardStarting ShardState = iota
	ShardPulling
	ShardIdle // caught up with the end of the shard
	ShardBackoff
	ShardError
	ShardReleased // not held by this session (another consumer has it, or we let it go)
	ShardStalled  // its pull has had no answer for StallAfter
	ShardDone     // read-only (split or merged) and read to its end: nothing more will come
)

func (s ShardState) String() string {
	switch s {
	case ShardStarting:
		return "starting"
	case ShardPulling:
		return "pulling"
	case ShardIdle:
		return "idle"
	case ShardBackoff:
		return "backoff"
	case ShardError:
		return "error"
	case ShardReleased:
		return "released"
	case ShardStalled:
		return "stalled"
	case ShardDone:
		return "done"
	}
	return "unknown"
}

// ShardStatus is a snapshot of one shard.
type ShardStatus struct {
	Shard int
	Held  bool   // held by this session
	Owner string // consumer holding the shard, if known
	State ShardState

	// Rates over the last few seconds, before and after the query.
	LogsInPerSec   float64
	LogsOutPerSec  float64
	BytesInPerSec  float64
	BytesOutPerSec float64

	Delivered int64 // logs the receiver acknowledged since Start

	// ReadOnly says the shard was split or merged: it takes no more logs,
	// and its children (or the merged shard) carry on from it. Done says
	// such a shard has been read to its end: it has nothing more to give.
	ReadOnly bool
	Done     bool

	// Position is the cursor after the last batch the receiver acknowledged
	// (or where the current run started the shard): what "continue"
	// resumes from, what the next checkpoint commits, and what the lag of
	// a held shard is measured from.
	Position string

	Checkpoint     string        // last committed checkpoint cursor
	CheckpointTime time.Time     // receive time of the log at the checkpoint
	EndTime        time.Time     // receive time of the newest data in the shard
	Lag            time.Duration // from what the receiver was handed (held shards) or Checkpoint, to EndTime
	LastError      string
	UpdatedAt      time.Time
}

// ConnState is the session's connection state.
type ConnState int

const (
	ConnConnecting ConnState = iota
	ConnConnected
	ConnReconnecting
	ConnFailed
	ConnStopped
	// ConnStalled: requests are waiting and the endpoint has answered
	// nothing for StallAfter (a server or a network path that accepts but
	// never answers).
	ConnStalled
)

func (c ConnState) String() string {
	switch c {
	case ConnConnecting:
		return "connecting"
	case ConnConnected:
		return "connected"
	case ConnReconnecting:
		return "reconnecting"
	case ConnFailed:
		return "failed"
	case ConnStopped:
		return "stopped"
	case ConnStalled:
		return "stalled"
	}
	return "unknown"
}

// Status is a snapshot of the whole session.
type Status struct {
	Endpoint string
	Project  string
	Logstore string
	Group    string
	Consumer string
	Query    string

	Conn     ConnState
	Attempts int // reconnect attempts since the last success
	Shards   []ShardStatus
	Held     int // shards held by this session

	LogsInPerSec  float64
	LogsOutPerSec float64
	Delivered     int64
	Generation    int

	// HeartbeatTimeout is the group's: how long SLS keeps the shards of a
	// consumer that stopped heartbeating. Known once the session runs.
	HeartbeatTimeout time.Duration
	// Waiting says why a session in a named group holds no shard, and till
	// when (see ShardWait); its Since is zero while the session holds any.
	Waiting ShardWait
}

// EventKind classifies an Event.
type EventKind int

const (
	EventInfo     EventKind = iota
	EventAuth               // bad credentials: Err says which key and the SLS code
	EventNotFound           // project, logstore or consumer group missing
	EventQuery              // the query was rejected (locally or by the server); the old stream keeps running
	EventNetwork            // network fault; the session keeps retrying
	EventThrottled
	EventRestarted // a Restart took effect
	EventStopped
	EventNotice // worth a line even in plain output: waiting for shards, dead groups deleted
	// EventFailed: the session cannot go on by itself (its consumer group
	// is gone and could not be recreated). Status.Conn is ConnFailed; a
	// plain tail exits 1.
	EventFailed
)

// Event is something the user should be told about.
type Event struct {
	Kind EventKind
	Time time.Time
	Msg  string // human text, never containing secrets
	Err  error
}

// StartFrom says where a query run begins reading.
type StartFrom struct {
	Kind PositionKind
	Time time.Time     // for PosTime
	Ago  time.Duration // for PosAgo, positive: "-15m" is Ago = 15m
}

// PositionKind is the kind of StartFrom.
type PositionKind int

const (
	PosEnd        PositionKind = iota // only new logs (live tail)
	PosBegin                          // the oldest retained log
	PosTime                           // an absolute time
	PosAgo                            // a time relative to now
	PosCheckpoint                     // the group's checkpoints (resume)
	PosContinue                       // on Restart: exactly where the previous query stopped
)
