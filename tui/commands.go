package tui

import (
	"context"
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
}

type stoppedMsg struct{ err error }

// receiveBatches waits for a batch, then keeps taking whatever is queued
// (and whatever arrives within the rest of the frame) into one message. It
// returns nil once done is closed, so the goroutine never outlives the
// program. The next receive is armed by Update after the message is handled:
// while the UI is busy nothing reads the channel, which is the consumer's
// backpressure.
func receiveBatches(ch <-chan consumer.Batch, done <-chan struct{}) tea.Cmd {
	return func() tea.Msg {
		var msg batchMsg
		select {
		case b, ok := <-ch:
			if !ok {
				return batchMsg{closed: true}
			}
			msg.batches = append(msg.batches, b)
			msg.records = len(b.Records)
		case <-done:
			return nil
		}
		deadline := time.NewTimer(frame)
		defer deadline.Stop()
		for msg.records < maxCoalesce {
			select {
			case b, ok := <-ch:
				if !ok {
					msg.closed = true
					return msg
				}
				msg.batches = append(msg.batches, b)
				msg.records += len(b.Records)
			case <-deadline.C:
				return msg
			case <-done:
				return msg
			}
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

// tick fires the next status poll. Unlike tea.Tick it ends when done is
// closed, so no timer goroutine outlives the program.
func tick(d time.Duration, done <-chan struct{}) tea.Cmd {
	return func() tea.Msg {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case now := <-t.C:
			return statusTickMsg(now)
		case <-done:
			return nil
		}
	}
}

func startCmd(ctx context.Context, src Source) tea.Cmd {
	return func() tea.Msg { return startedMsg{err: src.Start(ctx)} }
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
		}
		return msg
	}
}

// stopper calls Source.Stop once, whoever asks first (the quit key, or Run
// after the program ended some other way), and lets the others wait for it.
type stopper struct {
	once sync.Once
	err  error
}

func (s *stopper) stop(ctx context.Context, src Source, timeout time.Duration) error {
	s.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
		defer cancel()
		s.err = src.Stop(ctx)
	})
	return s.err
}

func stopCmd(ctx context.Context, s *stopper, src Source, timeout time.Duration) tea.Cmd {
	return func() tea.Msg { return stoppedMsg{err: s.stop(ctx, src, timeout)} }
}
