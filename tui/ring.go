package tui

import "github.com/slstail/slstail/consumer"

// entry is one buffered line: a log, or a note the UI inserted ("query
// changed") that has no record.
type entry struct {
	rec  consumer.Record
	note string
}

func (e *entry) isNote() bool { return e.note != "" }
