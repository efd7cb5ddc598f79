package tui

import (
	"context"
	"errors"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/slstail/slstail/consumer"
)

// frame is the shortest interval between two batch messages. Bubble Tea v1
// runs View after every message, so coalescing batches into at most one
// message a frame is what keeps a flood of logs at 60 renders a second.
const frame = time.Second / 60

// maxCoalesce caps the records in one message, so that one Update (and the
// memory it holds) stays bounded however far behind the UI is.
const maxCoalesce = 50_000

type batchMsg struct {
	batches []consumer.Batch
	records int
	closed  bool // the source closed its batch channel
}

type eventMsg struct {
	ev     consumer.Event
	closed bool
}

type statusTickMsg time.Time

type startedMsg struct{ err error }

type restartedMsg struct {
	query, label string
	generation   int
	err          error
	// stopped says the restart failed after the old query had stopped (the
	// session then reports ConnFailed): nothing runs until a retry.
	stopped bool
}

type stoppedMsg struct{ err error }

// receiveBatches waits for a batch, then keeps taking whatever is queued
// (and whatever arrives within the rest of the frame) into one message. It
// returns nil once done is closed, so the goroutine never outlives the
// program. Each batch is compacted here, off the UI goroutine, because the
// UI keeps its records (a no-op when the Session compacts them itself). The
// next receive is armed by Update after the message is handled: while the
// UI is busy nothing reads the channel, which is the consumer's
// backpressure.
func receiveBatches(ch <-chan consumer.Batch, done <-chan struct{}) tea.Cmd {
	return func() tea.Msg {
		var msg batchMsg
		select {
		case b, ok := <-ch:
			if !ok {
				return batchMsg{closed: true}
			}
			b.Compact()
			msg.batches = append(msg.batches, b)
			msg.records = len(b.Records)
		case <-done:
			return nil
		}
		// The deadline bounds waiting for more batches, never taking those
		// already queued: on a slow machine compacting a backlog can outlast a
		// frame, and cutting it short then would only make more, smaller
		// messages. The record cap bounds the work.
		deadline := time.NewTimer(frame)
		defer deadline.Stop()
		for msg.records < maxCoalesce {
			var (
				b  consumer.Batch
				ok bool
			)
			select {
			case b, ok = <-ch:
			default:
				select {
				case b, ok = <-ch:
				case <-deadline.C:
					return msg
				case <-done:
					return msg
				}
			}
			if !ok {
				msg.closed = true
				return msg
			}
			b.Compact()
			msg.batches = append(msg.batches, b)
			msg.records += len(b.Records)
		}
		return msg
	}
}

func receiveEvents(ch <-chan consumer.Event, done <-chan struct{}) tea.Cmd {
	return func() tea.Msg {
		select {
		case ev, ok := <-ch:
			return eventMsg{ev: ev, closed: !ok}
		case <-done:
			return nil
		}
	}
}

// timerCmd sends the message made of the time d from now. Unlike tea.Tick
// it ends when done is closed, so no timer goroutine outlives the program.
func timerCmd(d time.Duration, done <-chan struct{}, msg func(time.Time) tea.Msg) tea.Cmd {
	return func() tea.Msg {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case now := <-t.C:
			return msg(now)
		case <-done:
			return nil
		}
	}
}

// tick fires the next status poll.
func tick(d time.Duration, done <-chan struct{}) tea.Cmd {
	return timerCmd(d, done, func(now time.Time) tea.Msg { return statusTickMsg(now) })
}

// mergeTickMsg says the oldest record held in the merge reached its hold.
type mergeTickMsg time.Time

// mergeTick fires when the merge's oldest hold ends.
func mergeTick(d time.Duration, done <-chan struct{}) tea.Cmd {
	return timerCmd(d, done, func(now time.Time) tea.Msg { return mergeTickMsg(now) })
}

func startCmd(ctx context.Context, lc *lifecycle, src Source) tea.Cmd {
	return func() tea.Msg { return startedMsg{err: lc.start(ctx, src)} }
}

// restartCmd runs Restart off the UI goroutine: the session checks the query
// before it touches the running workers, so the old stream keeps flowing
// while this waits.
func restartCmd(ctx context.Context, src Source, q applyQueryMsg) tea.Cmd {
	return func() tea.Msg {
		err := src.Restart(ctx, q.query, q.from)
		msg := restartedMsg{query: q.query, label: q.label, err: err}
		if err == nil {
			msg.generation = src.Status().Generation
		} else {
			msg.stopped = src.Status().Conn == consumer.ConnFailed
		}
		return msg
	}
}

// errStoppedBeforeStart is what start reports when the user quit before the
// start command ran: the source is never started, so nothing is left running.
var errStoppedBeforeStart = errors.New("stopped before start")

// lifecycle orders the source's Start and Stop, which run in separate
// commands: Stop is called once, whoever asks first (the quit key, or Run
// after the program ended some other way), never before a Start in flight
// has returned, and a Start asked for after Stop never happens. Without it a
// quick quit could stop the source and then start it, leaving the consumer
// running with nobody to stop it.
type lifecycle struct {
	mu      sync.Mutex // held for the whole of Start and Stop
	stopped bool
	stopErr error

	// Guarded by cmu, not mu, so that stop can cancel a Start that holds
	// mu, and abandon a Stop that holds it.
	cmu         sync.Mutex
	stopping    bool
	cancelStart context.CancelFunc
	cancelStop  context.CancelFunc
	abandoned   bool
}

func (lc *lifecycle) start(ctx context.Context, src Source) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	lc.cmu.Lock()
	stopping := lc.stopping
	lc.cancelStart = cancel
	lc.cmu.Unlock()
	if stopping {
		return errStoppedBeforeStart
	}
	lc.mu.Lock()
	defer lc.mu.Unlock()
	if lc.stopped || ctx.Err() != nil {
		// Cancelled while waiting for mu: starting now would only fail and
		// report a failure nobody asked about.
		return errStoppedBeforeStart
	}
	return src.Start(ctx)
}

func (lc *lifecycle) stop(ctx context.Context, src Source, timeout time.Duration) error {
	// Quitting while the connection is still being made must not wait for it.
	lc.cmu.Lock()
	lc.stopping = true
	if lc.cancelStart != nil {
		lc.cancelStart()
	}
	lc.cmu.Unlock()

	lc.mu.Lock()
	defer lc.mu.Unlock()
	if !lc.stopped {
		lc.stopped = true
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
		defer cancel()
		lc.cmu.Lock()
		lc.cancelStop = cancel
		if lc.abandoned {
			cancel()
		}
		lc.cmu.Unlock()
		lc.stopErr = src.Stop(ctx)
	}
	return lc.stopErr
}

// abandon gives up a stop in flight (the second ctrl+c): its context is
// cancelled, so the source stops waiting on SLS and says what it left
// undone, and Run waits for it only briefly.
func (lc *lifecycle) abandon() {
	lc.cmu.Lock()
	defer lc.cmu.Unlock()
	lc.abandoned = true
	if lc.cancelStop != nil {
		lc.cancelStop()
	}
}

func (lc *lifecycle) isAbandoned() bool {
	lc.cmu.Lock()
	defer lc.cmu.Unlock()
	return lc.abandoned
}

func stopCmd(ctx context.Context, lc *lifecycle, src Source, timeout time.Duration) tea.Cmd {
	return func() tea.Msg { return stoppedMsg{err: lc.stop(ctx, src, timeout)} }
}
