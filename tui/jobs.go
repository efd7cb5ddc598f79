package tui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// jobRunner runs one kind of background computation (a preview, a facet
// count, a timeline) in a tea.Cmd over a buffer snapshot, and keeps only the
// latest: starting a run cancels the one before, and a result is taken only
// if it comes from the latest run. Update never waits for a run.
type jobRunner struct {
	id     uint64
	cancel context.CancelFunc
}

// start cancels the previous run and returns the command of a new one;
// fn gets the run's context (checked between chunks of lines) and id (to
// put in its result message).
func (j *jobRunner) start(fn func(ctx context.Context, id uint64) tea.Msg) tea.Cmd {
	j.stop()
	ctx, cancel := context.WithCancel(context.Background())
	j.id++
	j.cancel = cancel
	id := j.id
	return func() tea.Msg {
		msg := fn(ctx, id)
		if ctx.Err() != nil {
			return nil // superseded: nobody wants the result
		}
		return msg
	}
}

// stop cancels the running computation, if any, and invalidates its result.
func (j *jobRunner) stop() {
	if j.cancel != nil {
		j.cancel()
		j.cancel = nil
	}
	j.id++
}

// take reports whether a result with id is from the latest run, and marks
// that run finished.
func (j *jobRunner) take(id uint64) bool {
	if id != j.id || j.cancel == nil {
		return false
	}
	j.cancel()
	j.cancel = nil
	return true
}

// running reports whether a run has started and not yet been taken.
func (j *jobRunner) running() bool { return j.cancel != nil }

// debounceMsg fires after a quiet period; the component that armed it
// acts only if its id is still the latest.
type debounceMsg struct {
	kind string
	id   uint64
}

func debounce(d time.Duration, kind string, id uint64) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return debounceMsg{kind: kind, id: id} })
}

// lineFilter is what a view shows of the buffer: one shard or all, after
// the local filter. Its parts never change, so it may be used off the
// Update loop.
type lineFilter struct {
	shard  int      // < 0: every shard (and the notes)
	filter *matcher // nil: no local filter
}

func (f lineFilter) keep(e *entry) bool {
	if f.shard >= 0 && (e.isNote() || e.p.Shard() != f.shard) {
		return false
	}
	return f.filter == nil || f.filter.matchEntry(e)
}

// checkEvery is how many lines a background loop handles between two looks
// at its context: a chunk, a few hundred microseconds of work.
const checkEvery = chunkLen
