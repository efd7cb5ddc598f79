package consumer

import (
	"strconv"
	"sync"
	"time"
)

// eventSink delivers events without ever blocking the SDK goroutines that
// cause them: a full channel drops the event (counted), and an event equal to
// one sent recently is suppressed, because the SDK retries failing calls in
// tight loops and each retry would otherwise be a new line on the screen.
type eventSink struct {
	mu      sync.Mutex
	ch      chan Event
	closed  bool
	last    map[string]time.Time
	quiet   time.Duration
	dropped int
	now     func() time.Time
}

func newEventSink(size int, quiet time.Duration) *eventSink {
	return &eventSink{ch: make(chan Event, size), last: make(map[string]time.Time), quiet: quiet, now: time.Now}
}

func (s *eventSink) emit(kind EventKind, msg string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	now := s.now()
	key := strconv.Itoa(int(kind)) + "|" + msg
	if t, ok := s.last[key]; ok && now.Sub(t) < s.quiet {
		return
	}
	if len(s.last) > 256 {
		clear(s.last)
	}
	s.last[key] = now
	select {
	case s.ch <- Event{Kind: kind, Time: now, Msg: msg, Err: err}:
	default:
		s.dropped++
	}
}

// emitErr emits a classified error as an event of its kind.
func (s *eventSink) emitErr(err error) {
	kind := EventInfo
	if e, ok := err.(*Error); ok {
		kind = e.Kind
	}
	s.emit(kind, err.Error(), err)
}

func (s *eventSink) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		close(s.ch)
	}
}
