package tui

import (
	"context"
	"io"
	"time"

	"github.com/slstail/slstail/consumer"
	hl "github.com/slstail/slstail/internal/highlight"
	"github.com/slstail/slstail/keymap"
	"github.com/slstail/slstail/themes"
)

// Source is what the UI consumes: *consumer.Session satisfies it.
type Source interface {
	Start(ctx context.Context) error
	Restart(ctx context.Context, query string, from consumer.StartFrom) error
	Stop(ctx context.Context) error
	Batches() <-chan consumer.Batch
	Events() <-chan consumer.Event
	Status() consumer.Status
}

// PullBudget is the consumer's Config.PullBudget a session for the UI
// should have: pulls in flight or waiting for the UI. The UI takes in at
// most a few hundred thousand logs a second, which four pulls keep fed;
// each pull more is one more SDK goroutine decoding at once, and during a
// backfill those goroutines and the garbage they make took the CPU the UI
// needed to answer a key: at 256 shards a key press waited 96-101 ms at
// the 99th percentile with 8, 64-79 ms with 4 (BenchmarkKeyLatencyBackfill,
// docs/BENCHMARKS-tui.md).
const PullBudget = 4

// DefaultBufferCap is the number of lines kept when Options.BufferCap is 0.
const DefaultBufferCap = 100_000

// Options configure the UI. The zero value works: every field has a default.
type Options struct {
	// Header fallbacks, shown until the source's Status reports its own.
	Endpoint, Project, Logstore, Group string

	// Query is the query the source runs at first, shown in the SPL bar.
	Query string

	Theme themes.Theme   // zero: themes.Default()
	Keys  *keymap.KeyMap // nil: keymap.Default()

	BufferCap int // lines kept; 0: DefaultBufferCap

	// MergeHold bounds how long the merged tail waits for a slow shard
	// before it shows a line out of time order (0: merge.DefaultHold, 1s;
	// negative: no wait, each delivery is merged only with itself).
	MergeHold time.Duration

	// Highlight are the config file's [[highlight]] rules, before the
	// built-in ones.
	Highlight []hl.Rule

	// Profile is the config profile the session was started with, for the
	// command line the hand-off key copies ("" : the connection flags).
	Profile string

	// HistoryFile persists applied queries, one a line ("" keeps history in
	// memory only). The CLI puts it under $XDG_STATE_HOME/slstail.
	HistoryFile string

	// SaveDir is where `s` proposes to save the buffer ("" = working dir).
	SaveDir string

	// Started says the caller has already started the source; otherwise the
	// UI starts it and shows "connecting" meanwhile.
	Started bool

	StatusInterval time.Duration // how often Status is polled; 0: 500ms
	LagWarn        time.Duration // lag shown amber from here; 0: 30s
	LagAlarm       time.Duration // lag shown red from here; 0: 5m
	StopTimeout    time.Duration // how long quitting waits for Stop; 0: 15s

	// Location is the time zone of displayed times; nil: time.Local.
	Location *time.Location

	// Clipboard receives OSC 52 sequences for `y`; nil: the terminal
	// (os.Stderr when it is one).
	Clipboard io.Writer

	// Now is the clock (tests fix it); nil: time.Now.
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.Theme.Name == "" {
		o.Theme = themes.Default()
	}
	if o.Keys == nil {
		km := keymap.Default()
		o.Keys = &km
	}
	if o.BufferCap <= 0 {
		o.BufferCap = DefaultBufferCap
	}
	if o.StatusInterval <= 0 {
		o.StatusInterval = 500 * time.Millisecond
	}
	if o.LagWarn <= 0 {
		o.LagWarn = 30 * time.Second
	}
	if o.LagAlarm <= 0 {
		o.LagAlarm = 5 * time.Minute
	}
	if o.StopTimeout <= 0 {
		o.StopTimeout = 15 * time.Second
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// The session is the Source the UI is built for.
var _ Source = (*consumer.Session)(nil)
