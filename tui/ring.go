package tui

import "github.com/slstail/slstail/consumer"

// entry is one buffered line: a log, or a note the UI inserted ("query
// changed") that has no record. A log is kept packed (40 bytes, not a
// Record's 72) and a note behind a pointer: a full buffer is a million of
// them, and notes are a handful.
type entry struct {
	p    consumer.Packed
	note *string
}

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
func noteEntry(text string) entry { return entry{note: &text} }

func (e *entry) isNote() bool { return e.note != nil }

// rec is the entry's log; the zero Record for a note.
func (e *entry) rec() consumer.Record { return e.p.Record() }

// noteText is the entry's note; "" for a log.
func (e *entry) noteText() string {
	if e.note == nil {
		return ""
	}
	return *e.note
}

// ptr returns a pointer to a copy of v, for the functions that take a
// *consumer.Record of an entry's unpacked log.
func ptr[T any](v T) *T { return &v }
