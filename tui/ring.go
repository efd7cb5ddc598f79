package tui

import (
	"math"
	"time"

	"github.com/slstail/slstail/consumer"
)

// entry is one buffered line: a log, or a note the UI inserted ("query
// changed") that has no record. A log is kept packed (32 bytes, not a
// Record's 72); a note is packed too, as a record of a shard no log has,
// so that a full buffer of a million lines pays nothing for the handful of
// notes (a pointer beside each line was 8 MB of a million lines' 200).
type entry struct {
	p consumer.Packed
}

// noteShard is the shard of a note's record: shard ids are never negative.
const (
	noteShard = math.MinInt32
	noteKey   = "note"
)

// logEntry is the entry of a log; a record still reading the SDK's log is
// compacted first (the Session and the batch receiver compact them, so only
// records from elsewhere pay for it here).
func logEntry(rec consumer.Record) entry {
	p, ok := consumer.Pack(rec)
	if !ok {
		b := consumer.Batch{Records: []consumer.Record{rec}}
		b.Compact()
		p, _ = consumer.Pack(b.Records[0])
	}
	return entry{p: p}
}

// noteEntry is the entry of a note.
func noteEntry(text string) entry {
	p, _ := consumer.Pack(consumer.NewRecord(noteShard, time.Unix(0, 0), nil, consumer.Field{Key: noteKey, Value: text}))
	return entry{p: p}
}

func (e *entry) isNote() bool { return e.p.Shard() == noteShard }

// rec is the entry's log; the zero Record for a note.
func (e *entry) rec() consumer.Record {
	if e.isNote() {
		return consumer.Record{}
	}
	return e.p.Record()
}

// noteText is the entry's note; "" for a log.
func (e *entry) noteText() string {
	if !e.isNote() {
		return ""
	}
	text, _ := e.p.Record().Get(noteKey)
	return text
}

// ptr returns a pointer to a copy of v, for the functions that take a
// *consumer.Record of an entry's unpacked log.
func ptr[T any](v T) *T { return &v }
